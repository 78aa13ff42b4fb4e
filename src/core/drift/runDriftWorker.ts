/**
 * Runs a drift comparison in a worker thread (`driftWorker.ts`, bundled as `dist/driftWorker.js`): the caller's
 * thread only receives progress and the finished report (plain JSON). Cancelling terminates the worker; a
 * worker that runs out of its heap (`maxHeapMb`) is reported as a `too-large`-style error naming the limit.
 */
import { Worker } from 'node:worker_threads';
import { DataReadError, type DataErrorReason } from '../data/errors';
import type { DriftOptions, DriftReport } from '../../shared/drift';
import { DriftError, type DriftErrorReason } from './computeDrift';

/** Options passed to the worker (plain data: no callbacks, no signal). */
export interface DriftWorkerOptions extends DriftOptions {
  maxRows?: number;
  referenceName?: string;
  currentName?: string;
}

export interface DriftWorkerRequest {
  reference: string;
  current: string;
  options: DriftWorkerOptions;
}

export type DriftWorkerMessage =
  | { type: 'read'; side: 'reference' | 'current'; bytes: number; total: number }
  | { type: 'column'; done: number; total: number; name: string }
  | { type: 'done'; report: DriftReport }
  | { type: 'error'; kind: 'data'; reason: string; file: string; detail: string; message: string }
  | { type: 'error'; kind: 'drift' | 'internal'; reason: string; message: string };

export interface RunDriftWorkerOptions {
  /** The worker script (`dist/driftWorker.js`, or the TypeScript source with `execArgv` for tests). */
  workerPath: string;
  execArgv?: string[];
  /** Old-generation heap cap of the worker in MiB (default 4096). */
  maxHeapMb?: number;
  signal?: AbortSignal;
  onRead?: (side: 'reference' | 'current', bytes: number, total: number) => void;
  onColumn?: (done: number, total: number, name: string) => void;
}

/**
 * @throws DataReadError / DriftError as `computeDrift` does (re-created from the worker's message), DriftError
 *   `cancelled` when `signal` aborts, DriftError `worker-failed` when the worker dies (e.g. out of memory).
 */
export function runDriftInWorker(reference: string, current: string, options: DriftWorkerOptions, run: RunDriftWorkerOptions): Promise<DriftReport> {
  return new Promise<DriftReport>((resolve, reject) => {
    if (run.signal?.aborted) {
      reject(new DriftError('cancelled', 'cancelled'));
      return;
    }
    const maxHeapMb = run.maxHeapMb ?? 4096;
    const worker = new Worker(run.workerPath, { execArgv: run.execArgv, resourceLimits: { maxOldGenerationSizeMb: maxHeapMb } });
    let settled = false;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      run.signal?.removeEventListener('abort', onAbort);
      fn();
      void worker.terminate();
    };
    const onAbort = (): void => finish(() => reject(new DriftError('cancelled', 'cancelled')));
    run.signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (m: DriftWorkerMessage) => {
      switch (m.type) {
        case 'read':
          run.onRead?.(m.side, m.bytes, m.total);
          break;
        case 'column':
          run.onColumn?.(m.done, m.total, m.name);
          break;
        case 'done':
          finish(() => resolve(m.report));
          break;
        case 'error':
          finish(() => reject(m.kind === 'data'
            ? new DataReadError(m.reason as DataErrorReason, m.file, m.detail)
            : m.kind === 'drift'
              ? new DriftError(m.reason as DriftErrorReason, m.message)
              : new Error(`drift worker: ${m.message}`)));
          break;
      }
    });
    worker.on('error', (ex: Error & { code?: string }) => {
      const oom = ex.code === 'ERR_WORKER_OUT_OF_MEMORY' || /out of memory|heap/i.test(ex.message);
      finish(() => reject(new DriftError('worker-failed', oom
        ? `the comparison needed more than ${maxHeapMb} MiB and was stopped; sample the files or lower mlPreflight.drift.maxRows`
        : `the drift worker failed: ${ex.message}`)));
    });
    worker.on('exit', (code) => {
      finish(() => reject(new DriftError('worker-failed', `the drift worker exited (code ${code}) before finishing`)));
    });
    worker.postMessage({ reference, current, options } satisfies DriftWorkerRequest);
  });
}
