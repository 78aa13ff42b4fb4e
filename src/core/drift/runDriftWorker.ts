/**
 * Runs a drift comparison in a worker thread (`driftWorker.ts`, bundled as `dist/driftWorker.js`): the caller's
 * thread only receives progress and the finished report (plain JSON). Cancelling terminates the worker; a
 * worker that runs out of its heap (`maxHeapMb`) is reported as a `too-large`-style error naming the limit.
 *
 * Memory ceiling (issue 11): the heap cap does not bound typed arrays and other ArrayBuffer / native memory, which
 * is where the readers keep columns. So the readers check declared sizes against `maxMemoryMb` before allocating
 * (src/core/data/limits.ts), and this module also watches the process's RSS while the worker runs: growth over
 * `maxMemoryMb` (measured from the RSS when the worker started) terminates the worker with an error naming the
 * setting.
 */
import { DEFAULT_MAX_MEMORY_MB } from '../data/limits';
import { Worker } from 'node:worker_threads';
import { DataReadError, type DataErrorReason } from '../data/errors';
import type { DriftOptions, DriftReport } from '../../shared/drift';
import { DriftError, type DriftErrorReason } from './computeDrift';

/** Options passed to the worker (plain data: no callbacks, no signal). */
export interface DriftWorkerOptions extends DriftOptions {
  maxRows?: number;
  maxColumns?: number;
  /** Memory budget of the comparison (MiB): the readers' allocation bound and the RSS ceiling of the worker. */
  maxMemoryMb?: number;
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
  /** How often RSS is sampled (ms, default 100). */
  rssIntervalMs?: number;
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
    const maxMemoryMb = options.maxMemoryMb ?? DEFAULT_MAX_MEMORY_MB;
    const rssAtStart = process.memoryUsage.rss();
    const worker = new Worker(run.workerPath, { execArgv: run.execArgv, resourceLimits: { maxOldGenerationSizeMb: maxHeapMb } });
    let settled = false;
    let peakGrowth = 0;
    const watch = setInterval(() => {
      const growth = process.memoryUsage.rss() - rssAtStart;
      peakGrowth = Math.max(peakGrowth, growth);
      if (growth > maxMemoryMb * 1024 * 1024) {
        finish(() => reject(new DriftError('worker-failed', `the comparison used more than ${maxMemoryMb} MiB (resident memory grew by ${Math.round(growth / 1048576)} MiB) and was stopped; sample the files or raise mlPreflight.drift.maxMemoryMb`)));
      }
    }, run.rssIntervalMs ?? 100);
    watch.unref();
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearInterval(watch);
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
