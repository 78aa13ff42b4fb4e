/**
 * Runs one request in a fresh ONNX Runtime worker process (`dist/worker.js`) and returns its result.
 * The parent enforces a wall-clock timeout and a resident-memory ceiling, honours an AbortSignal, and turns
 * every way the worker can die (non-zero exit, signal, ORT abort, OOM kill, missing native addon) into a
 * `WorkerError` with a stable `kind` — so neither the CLI nor the VS Code extension host ever goes down
 * with a bad model.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ProfileProgress, WorkerCall, WorkerProgressMessage, WorkerReply, WorkerRequest, WorkerResultMap } from '../../shared/workerProtocol';

export type WorkerErrorKind =
  | 'timeout'
  | 'memory'
  | 'aborted'
  | 'crashed'
  | 'ort-unavailable'
  | 'failed'
  | 'bad-request'
  | 'ep-unavailable'
  | 'session-failed'
  | 'run-failed'
  | 'spawn';

export class WorkerError extends Error {
  override readonly name = 'WorkerError';
  constructor(readonly kind: WorkerErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export interface WorkerOptions {
  /** The worker entry. Default: `worker.js` next to the running bundle (`dist/`). */
  workerPath?: string;
  /** Extra Node flags for the worker (tests use `['--require', 'tsx/cjs']` to run the TS source). */
  execArgv?: string[];
  /** Wall-clock limit for the whole request, ms (default 120 000). */
  timeoutMs?: number;
  /** Kill the worker when its resident set exceeds this many bytes (Linux: /proc; default 8 GiB). */
  maxRssBytes?: number;
  signal?: AbortSignal;
  /** Extra environment for the worker (e.g. `VK_ICD_FILENAMES` for WebGPU through Vulkan). */
  env?: NodeJS.ProcessEnv;
  /** Progress messages the worker sends before its reply (profile requests). */
  onProgress?: (progress: ProfileProgress) => void;
}

/** `dist/worker.js` beside the current bundle, or the TS source when running from `src` under tsx. */
export function defaultWorkerPath(): string {
  const beside = path.join(__dirname, 'worker.js');
  if (existsSync(beside)) return beside;
  return path.resolve(__dirname, '..', '..', '..', 'dist', 'worker.js');
}

/** Resident set of a process in bytes, from /proc (Linux); `undefined` elsewhere or once it has exited. */
export function residentBytes(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

const MEMORY_POLL_MS = 100;

export function runInWorker<R extends WorkerRequest>(request: R, options: WorkerOptions = {}): Promise<WorkerResultMap[R['type']]> {
  const workerPath = options.workerPath ?? defaultWorkerPath();
  const timeoutMs = options.timeoutMs ?? 120_000;
  const maxRss = options.maxRssBytes ?? 8 * 1024 ** 3;
  const { signal } = options;

  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new WorkerError('aborted', 'cancelled before the worker started'));
      return;
    }
    if (!existsSync(workerPath)) {
      reject(new WorkerError('spawn', `worker bundle not found at ${workerPath} (run \`npm run build\`)`));
      return;
    }
    let child: ChildProcess;
    try {
      child = fork(workerPath, [], {
        execArgv: options.execArgv ?? [],
        env: { ...process.env, ...options.env, ELECTRON_RUN_AS_NODE: '1' },
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
        serialization: 'advanced',
      });
    } catch (ex) {
      reject(new WorkerError('spawn', `could not start the worker: ${ex instanceof Error ? ex.message : String(ex)}`, { cause: ex }));
      return;
    }

    let settled = false;
    let stderrTail = '';
    let peakRss = 0;
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      stderrTail = (stderrTail + chunk).slice(-4000);
    });

    const finish = (error: WorkerError | undefined, result?: WorkerResultMap[R['type']]): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearInterval(poll);
      signal?.removeEventListener('abort', onAbort);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      if (error) reject(error);
      else resolve(result as WorkerResultMap[R['type']]);
    };

    const onAbort = (): void => finish(new WorkerError('aborted', 'cancelled'));
    signal?.addEventListener('abort', onAbort, { once: true });

    const timer = setTimeout(() => finish(new WorkerError('timeout', `the worker did not answer within ${(timeoutMs / 1000).toFixed(1)} s and was stopped`)), timeoutMs);
    const poll = setInterval(() => {
      const rss = child.pid === undefined ? undefined : residentBytes(child.pid);
      if (rss === undefined) return;
      peakRss = Math.max(peakRss, rss);
      if (rss > maxRss) {
        finish(new WorkerError('memory', `the worker used ${(rss / 1024 ** 2).toFixed(0)} MiB, over the ${(maxRss / 1024 ** 2).toFixed(0)} MiB ceiling, and was stopped`));
      }
    }, MEMORY_POLL_MS);
    poll.unref();

    child.on('error', (ex) => finish(new WorkerError('spawn', `worker process error: ${ex.message}`, { cause: ex })));
    child.on('message', (reply: WorkerReply | WorkerProgressMessage) => {
      if ('progress' in reply) {
        if (!settled) {
          try {
            options.onProgress?.(reply.progress);
          } catch {
            // A throwing progress listener must not take the run down.
          }
        }
        return;
      }
      if (reply.ok) finish(undefined, reply.result as WorkerResultMap[R['type']]);
      else finish(new WorkerError(reply.error.kind, reply.error.message));
    });
    child.on('exit', (code, sig) => {
      const lastLine = stderrTail.trim().split('\n').filter(Boolean).slice(-1)[0];
      const how = sig ? `was killed by ${sig}` : `exited with code ${code}`;
      finish(new WorkerError('crashed', `the worker ${how} before answering${lastLine ? `: ${lastLine}` : ''}`));
    });

    const call: WorkerCall = { id: 1, request };
    child.send(call, (ex) => {
      if (ex) finish(new WorkerError('spawn', `could not send the request to the worker: ${ex.message}`, { cause: ex }));
    });
  });
}
