/**
 * The skew analysis in a worker thread (`skewWorker.ts`, bundled as `dist/skewWorker.js`), so the VS Code
 * extension host never walks the workspace or runs tree-sitter on its own thread. One long-lived worker keeps
 * the parse cache (`ModuleCache`) between requests; each request is answered in order. Wraps the public entry
 * points `discoverPairs` and `analyzePairs` only; errors come back as the same types (`SkewConfigError`,
 * `SkewParserError`), anything else as an `Error` naming the worker.
 */
import { Worker } from 'node:worker_threads';
import type { SkewPair, SkewReport } from '../../shared/skew';
import type { DiscoverOptions } from './pairing';
import { SkewConfigError } from './pairing';
import { SkewParserError } from './parserError';

/** Parent → worker. `overlay`: unsaved editor contents by absolute path. */
export type SkewWorkerRequest =
  | { id: number; type: 'discover'; root: string; settingsPairs?: DiscoverOptions['settingsPairs']; includeGenerated?: boolean }
  | { id: number; type: 'analyze'; pairs: SkewPair[]; root: string; overlay: Record<string, string>; maxFileBytes?: number };

/** Worker → parent. */
export type SkewWorkerReply =
  | { id: number; type: 'discovered'; pairs: SkewPair[]; truncated: boolean }
  | { id: number; type: 'analyzed'; report: SkewReport }
  | { id: number; type: 'error'; kind: 'config'; file: string; detail: string }
  | { id: number; type: 'error'; kind: 'parser'; reason: SkewParserError['reason']; message: string }
  | { id: number; type: 'error'; kind: 'internal'; message: string };

export interface SkewWorkerOptions {
  /** The worker script (`dist/skewWorker.js`, or the TypeScript source with `execArgv` for tests). */
  workerPath: string;
  execArgv?: string[];
  /** Old-generation heap cap of the worker in MiB (default 2048). */
  maxHeapMb?: number;
}

/** A request before it gets its id (distributes over the union). */
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

interface Pending {
  resolve: (reply: SkewWorkerReply) => void;
  reject: (ex: Error) => void;
}

/** A client of one skew worker thread, started on the first request and restarted after a crash. */
export class SkewWorkerClient {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private disposed = false;

  constructor(private readonly options: SkewWorkerOptions) {}

  /** `discoverPairs(root, { settingsPairs })` in the worker. @throws SkewConfigError, Error */
  async discover(root: string, settingsPairs?: DiscoverOptions['settingsPairs'], includeGenerated?: boolean): Promise<{ pairs: SkewPair[]; truncated: boolean }> {
    const reply = await this.request({ type: 'discover', root, settingsPairs, includeGenerated });
    if (reply.type !== 'discovered') throw new Error(`skew worker: unexpected reply ${reply.type}`);
    return { pairs: reply.pairs, truncated: reply.truncated };
  }

  /** `analyzePairs(pairs, { root, overlay, maxFileBytes })` in the worker (its parse cache persists). @throws SkewParserError, Error */
  async analyze(pairs: SkewPair[], root: string, overlay: Record<string, string>, maxFileBytes?: number): Promise<SkewReport> {
    const reply = await this.request({ type: 'analyze', pairs, root, overlay, maxFileBytes });
    if (reply.type !== 'analyzed') throw new Error(`skew worker: unexpected reply ${reply.type}`);
    return reply.report;
  }

  dispose(): void {
    this.disposed = true;
    this.fail(new Error('skew worker: stopped'));
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private request(body: WithoutId<SkewWorkerRequest>): Promise<SkewWorkerReply> {
    if (this.disposed) return Promise.reject(new Error('skew worker: stopped'));
    const worker = this.start();
    const id = this.nextId++;
    return new Promise<SkewWorkerReply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ ...body, id } as SkewWorkerRequest);
    }).then((reply) => {
      if (reply.type !== 'error') return reply;
      if (reply.kind === 'config') throw new SkewConfigError(reply.file, reply.detail);
      if (reply.kind === 'parser') throw new SkewParserError(reply.reason, reply.message);
      throw new Error(`skew worker: ${reply.message}`);
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.options.workerPath, { execArgv: this.options.execArgv, resourceLimits: { maxOldGenerationSizeMb: this.options.maxHeapMb ?? 2048 } });
    worker.unref();
    worker.on('message', (reply: SkewWorkerReply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      p.resolve(reply);
    });
    const lost = (why: string): void => {
      if (this.worker === worker) this.worker = undefined;
      this.fail(new Error(`skew worker: ${why}`));
    };
    worker.on('error', (ex: Error) => lost(`failed: ${ex.message}`));
    worker.on('exit', (code) => lost(`exited (code ${code})`));
    this.worker = worker;
    return worker;
  }

  private fail(ex: Error): void {
    for (const p of this.pending.values()) p.reject(ex);
    this.pending.clear();
  }
}
