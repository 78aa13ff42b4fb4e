/**
 * The profiling half of the worker (loaded only inside the worker process, with onnxruntime-node already
 * loaded by `worker.ts`). Method, per batch size: first run (shape change), warm-up until stable or a fixed
 * count, then N timed iterations or a duration, each timed with `performance.now()` around one awaited
 * `session.run`, nothing else in the loop. Per-op times come from a second session with ORT profiling on, so
 * the profiler's own overhead never touches the latency numbers.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as Ort from 'onnxruntime-node';
import { synthesize } from '../core/profile/inputs';
import { isStable, STABILITY_WINDOWS } from '../core/profile/stability';
import { SweepTracker } from '../core/profile/sweep';
import { parseTrace } from '../core/profile/trace';
import type { BatchSummary, ProfileProgress, ProfileRequest, ProfileWorkerResult, RawBatchRun, TraceNodeEvent, WorkerReplyErrorKind } from '../shared/workerProtocol';
import { cleanOrtMessage } from './ortErrors';
import { probeModelBytes } from './probeModel';

/** A failure with the kind the parent sees in `WorkerError.kind`. */
export class WorkerFailure extends Error {
  constructor(readonly kind: WorkerReplyErrorKind, message: string) {
    super(message);
  }
}

type Feeds = Record<string, Ort.Tensor>;

function ortMessage(ex: unknown): string {
  return cleanOrtMessage(ex instanceof Error ? ex.message : String(ex)) || 'unknown error';
}

/** Peak resident set of this process (Linux VmHWM), 0 elsewhere. */
function peakRss(): number {
  try {
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function feedsFor(o: typeof Ort, batch: ProfileRequest['batches'][number]): { feeds: Feeds; shapes: Record<string, number[]> } {
  const feeds: Feeds = {};
  const shapes: Record<string, number[]> = {};
  for (const plan of batch.inputs) {
    const t = synthesize(plan);
    feeds[t.name] = new o.Tensor(t.dtype, t.data as never, t.dims);
    shapes[t.name] = t.dims;
  }
  return { feeds, shapes };
}

/** Checks a non-CPU EP on the built-in one-node model first, so "no adapter" reads as such and not as a model problem. */
async function ensureEp(o: typeof Ort, ep: ProfileRequest['ep']): Promise<void> {
  if (ep === 'cpu') return;
  const backend = o.listSupportedBackends().find((b) => b.name === ep);
  if (!backend || !backend.bundled) {
    throw new WorkerFailure('ep-unavailable', `${ep} not available: this onnxruntime-node build (${o.env.versions.node}) does not include the ${ep} execution provider`);
  }
  let session: Ort.InferenceSession | undefined;
  try {
    session = await o.InferenceSession.create(probeModelBytes(), { executionProviders: [ep], logSeverityLevel: 3 });
  } catch (ex) {
    const message = ortMessage(ex);
    const hint = ep === 'webgpu' && /adapter/i.test(message) ? ' (no GPU adapter: on Linux, WebGPU needs a Vulkan driver for the GPU)' : '';
    throw new WorkerFailure('ep-unavailable', `${ep} not available: ${message}${hint}`);
  } finally {
    await session?.release().catch(() => undefined);
  }
}

async function createSession(o: typeof Ort, req: ProfileRequest, extra: Ort.InferenceSession.SessionOptions = {}): Promise<Ort.InferenceSession> {
  try {
    return await o.InferenceSession.create(req.modelPath, {
      executionProviders: [req.ep],
      graphOptimizationLevel: req.graphOptimizationLevel,
      ...(req.intraOpThreads > 0 ? { intraOpNumThreads: req.intraOpThreads } : {}),
      ...(req.interOpThreads > 0 ? { interOpNumThreads: req.interOpThreads } : {}),
      logSeverityLevel: 3,
      ...extra,
    });
  } catch (ex) {
    throw new WorkerFailure('session-failed', `${path.basename(req.modelPath)}: ONNX Runtime could not create a session (${req.ep}): ${ortMessage(ex)}`);
  }
}

async function timedRun(session: Ort.InferenceSession, feeds: Feeds, req: ProfileRequest, batch: number): Promise<number> {
  const t0 = performance.now();
  try {
    await session.run(feeds);
  } catch (ex) {
    throw new WorkerFailure('run-failed', `${path.basename(req.modelPath)}: running the model at batch ${batch} failed: ${ortMessage(ex)}`);
  }
  return performance.now() - t0;
}

/** Runs one window of at least `minIterations` and `minMs`; returns its mean latency and iteration count. */
async function window(session: Ort.InferenceSession, feeds: Feeds, req: ProfileRequest, batch: number, minIterations: number, minMs: number): Promise<[mean: number, count: number]> {
  let sum = 0;
  let count = 0;
  const t0 = performance.now();
  while (count < minIterations || performance.now() - t0 < minMs) {
    sum += await timedRun(session, feeds, req, batch);
    count++;
  }
  return [sum / count, count];
}

/** Fewest measured iterations a batch keeps when its time share runs out. */
const MIN_ITERATIONS = 30;

/**
 * Measures one batch size. `shareMs` (a time budget's share for this batch, warm-up included) ends the
 * warm-up at 60 % of it (reported as not stable when the rule was not met) and the measurement at the rest,
 * once `minIterations` are in; undefined = the request's own limits only.
 */
async function measureBatch(session: Ort.InferenceSession, o: typeof Ort, req: ProfileRequest, index: number, progress: (p: Omit<ProfileProgress, 'pid' | 'total'>) => void, shareMs?: number): Promise<RawBatchRun> {
  const batchStart = performance.now();
  const spec = req.batches[index]!;
  const { feeds, shapes } = feedsFor(o, spec);
  const batch = spec.batch;
  const firstRunMs = await timedRun(session, feeds, req, batch);

  progress({ phase: 'warmup', batch, done: index, message: `batch ${batch}: warming up` });
  const w = req.warmup;
  let warmupIterations = 0;
  const windowMeans: number[] = [];
  let stable = true;
  if (w.mode === 'fixed') {
    for (let i = 0; i < (w.iterations ?? 0); i++) await timedRun(session, feeds, req, batch);
    warmupIterations = w.iterations ?? 0;
  } else {
    stable = false;
    const maxWindows = w.maxWindows ?? 20;
    const warmStart = performance.now();
    const maxWarmMs = Math.min(w.maxMs ?? Infinity, shareMs === undefined ? Infinity : shareMs * 0.6);
    // Under a time budget the three windows the rule needs always run (the sweep only starts a batch it can
    // afford); more only within the share.
    const leastWindows = shareMs === undefined ? 0 : STABILITY_WINDOWS;
    while (windowMeans.length < maxWindows && (windowMeans.length < leastWindows || performance.now() - warmStart < maxWarmMs)) {
      const [mean, count] = await window(session, feeds, req, batch, w.windowMinIterations ?? 10, w.windowMinMs ?? 50);
      windowMeans.push(mean);
      warmupIterations += count;
      if (isStable(windowMeans, w.tolerance ?? 0.1)) {
        stable = true;
        break;
      }
    }
  }

  progress({ phase: 'measure', batch, done: index, message: `batch ${batch}: measuring` });
  let samples: Float64Array;
  const t0 = performance.now();
  if (req.durationMs !== undefined) {
    const list: number[] = [];
    while (performance.now() - t0 < req.durationMs) list.push(await timedRun(session, feeds, req, batch));
    samples = Float64Array.from(list);
  } else {
    samples = new Float64Array(req.iterations);
    let n = 0;
    // The time share left after the warm-up; at least `minIterations` are measured whatever it takes.
    const measureMs = Math.min(req.maxMeasureMs ?? Infinity, shareMs === undefined ? Infinity : Math.max(0, shareMs - (t0 - batchStart)));
    const minIterations = Math.min(req.iterations, req.minIterations ?? MIN_ITERATIONS);
    while (n < req.iterations && (n < (shareMs === undefined ? 1 : minIterations) || performance.now() - t0 < measureMs)) {
      samples[n++] = await timedRun(session, feeds, req, batch);
    }
    if (n < samples.length) samples = samples.slice(0, n);
  }
  const durationMs = performance.now() - t0;
  return { batch, samplesMs: samples, durationMs, firstRunMs, warmupIterations, warmupWindows: windowMeans.length, warmupWindowMeansMs: windowMeans, stable, shapes };
}

/** Runs `opProfileRuns` with ORT profiling on and returns the trace's node events. */
async function profileOps(o: typeof Ort, req: ProfileRequest): Promise<{ events: TraceNodeEvent[]; warning?: string }> {
  const prefix = path.join(req.traceDir, `ort-${process.pid}`);
  const session = await createSession(o, req, { enableProfiling: true, profileFilePrefix: prefix });
  try {
    const { feeds } = feedsFor(o, req.batches[0]!);
    for (let i = 0; i < req.opProfileRuns; i++) await timedRun(session, feeds, req, req.batches[0]!.batch);
    session.endProfiling();
  } finally {
    await session.release().catch(() => undefined);
  }
  const mine = readdirSync(req.traceDir).filter((f) => f.startsWith(path.basename(prefix)) && f.endsWith('.json'));
  if (mine.length === 0) return { events: [], warning: 'ONNX Runtime wrote no profiling trace; per-op times are missing' };
  const file = path.join(req.traceDir, mine.sort().pop()!);
  try {
    return { events: parseTrace(JSON.parse(readFileSync(file, 'utf8'))) };
  } catch (ex) {
    return { events: [], warning: `the profiling trace could not be read (${ex instanceof Error ? ex.message : String(ex)}); per-op times are missing` };
  } finally {
    for (const f of mine) rmSync(path.join(req.traceDir, f), { force: true });
  }
}

/** Profiles `req.modelPath`; `send` posts progress to the parent. */
/** Session creation time of this run (the op profile's reserve under a time budget). */
let coldStart = 0;

export async function profile(o: typeof Ort, req: ProfileRequest, send: (p: ProfileProgress) => void): Promise<ProfileWorkerResult> {
  // performance.now() counts from this process's start: the budget includes loading ONNX Runtime.
  const workerStart = 0;
  const total = req.batches.length;
  const progress = (p: Omit<ProfileProgress, 'pid' | 'total'>): void => send({ ...p, pid: process.pid, total });
  if (total === 0) throw new WorkerFailure('bad-request', 'profile: no batch sizes to run');
  progress({ phase: 'session', done: 0, message: `creating the ${req.ep} session` });
  await ensureEp(o, req.ep);
  const warnings: string[] = [];
  const rssBeforeSessionBytes = process.memoryUsage.rss();
  const t0 = performance.now();
  const session = await createSession(o, req);
  const coldStartMs = performance.now() - t0;
  coldStart = coldStartMs;
  const rssAfterSessionBytes = process.memoryUsage.rss();
  const runs: RawBatchRun[] = [];
  let sweepStopped: ProfileWorkerResult['sweepStopped'];
  try {
    const tracker = req.sweepStop ? new SweepTracker(req.sweepStop) : undefined;
    for (let i = 0; i < total; i++) {
      const share = timeShare(req, workerStart, i, runs);
      const prev = runs[runs.length - 1];
      if (share !== undefined && prev) {
        // The least the next batch costs: three warm-up windows and the minimum measured iterations, at the
        // previous batch's latency scaled by the batch ratio.
        const perRun = meanOf(prev.samplesMs) * (req.batches[i]!.batch / prev.batch);
        const windows = 3 * Math.max(req.warmup.windowMinIterations ?? 3, Math.ceil((req.warmup.windowMinMs ?? 50) / Math.max(perRun, 1e-3)));
        const least = perRun * ((req.warmup.mode === 'fixed' ? req.warmup.iterations ?? 0 : windows) + Math.min(req.iterations, req.minIterations ?? MIN_ITERATIONS));
        const left = timeLeft(req, workerStart, runs);
        if (least > left) {
          sweepStopped = { reason: 'time-budget', message: `batch ${req.batches[i]!.batch} needs about ${(least / 1000).toFixed(1)} s, ${(Math.max(0, left) / 1000).toFixed(1)} s of the ${(req.timeBudgetMs! / 1000).toFixed(0)} s time budget are left`, skippedBatches: req.batches.slice(i).map((b) => b.batch) };
          break;
        }
      }
      const run = await measureBatch(session, o, req, i, progress, share);
      runs.push(run);
      const summary = summarizeRun(run);
      progress({ phase: 'batch-done', batch: run.batch, done: i + 1, message: `batch ${run.batch}: p50 ${summary.p50.toFixed(2)} ms, ${summary.samplesPerSecond.toFixed(1)} samples/s`, summary, elapsedMs: performance.now() - workerStart, budgetMs: req.timeBudgetMs });
      const stop = tracker?.after(summary, req.batches.slice(i + 1).map((b) => b.batch));
      if (stop) {
        sweepStopped = stop;
        break;
      }
    }
  } finally {
    await session.release().catch(() => undefined);
  }
  const rssAfterRunsBytes = process.memoryUsage.rss();
  let traceEvents: TraceNodeEvent[] = [];
  if (req.opProfileRuns > 0) {
    progress({ phase: 'ops', done: total, message: 'per-operator profile' });
    const r = await profileOps(o, req);
    traceEvents = r.events;
    if (r.warning) warnings.push(r.warning);
  }
  progress({ phase: 'done', done: total, message: 'done' });
  const cpus = os.cpus();
  return {
    ortVersion: o.env.versions.node ?? o.env.versions.common,
    pid: process.pid,
    cpu: { model: cpus[0]?.model.trim() ?? 'unknown', cores: cpus.length },
    platform: process.platform,
    osRelease: os.release(),
    arch: process.arch,
    node: process.version,
    totalMemoryBytes: os.totalmem(),
    coldStartMs,
    rssBeforeSessionBytes,
    rssAfterSessionBytes,
    rssAfterRunsBytes,
    peakRssBytes: peakRss(),
    runs,
    traceEvents,
    profiledRuns: req.opProfileRuns,
    warnings,
    ...(sweepStopped ? { sweepStopped } : {}),
  };
}

/** p50/p90/p99/mean and throughput of a raw run, for the streamed `batch-done` message (the parent recomputes everything). */
function summarizeRun(run: RawBatchRun): BatchSummary {
  const sorted = Float64Array.from(run.samplesMs).sort();
  const q = (p: number): number => {
    if (!sorted.length) return NaN;
    const h = (sorted.length - 1) * p;
    const lo = Math.floor(h);
    return sorted[lo]! + (h - lo) * ((sorted[Math.min(lo + 1, sorted.length - 1)] ?? sorted[lo]!) - sorted[lo]!);
  };
  const mean = sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length);
  const throughput = mean > 0 ? 1000 / mean : 0;
  return { batch: run.batch, iterations: sorted.length, p50: q(0.5), p90: q(0.9), p99: q(0.99), mean, throughput, samplesPerSecond: throughput * run.batch, stable: run.stable };
}

function meanOf(samples: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i]!;
  return samples.length ? sum / samples.length : 0;
}

/**
 * What is left of `req.timeBudgetMs` for the sweep: the budget minus the time spent and a reserve for the
 * per-op profile (a second session, about the cold start again, and `opProfileRuns` at the first batch's
 * mean latency). Infinity without a budget.
 */
function timeLeft(req: ProfileRequest, workerStart: number, runs: readonly RawBatchRun[]): number {
  if (req.timeBudgetMs === undefined) return Infinity;
  const firstMean = runs[0] ? meanOf(runs[0].samplesMs) : 0;
  const reserve = req.opProfileRuns > 0 ? coldStart + req.opProfileRuns * firstMean * 1.5 : 0;
  return req.timeBudgetMs - (performance.now() - workerStart) - reserve;
}

/**
 * The time share of batch `index` under `req.timeBudgetMs`: what is left ({@link timeLeft}) split over the
 * batches still to run, weighted by √batch (larger batches take longer per run but need no more runs).
 * Undefined without a budget.
 */
function timeShare(req: ProfileRequest, workerStart: number, index: number, runs: readonly RawBatchRun[]): number | undefined {
  if (req.timeBudgetMs === undefined) return undefined;
  const weights = req.batches.slice(index).map((b) => Math.sqrt(b.batch));
  const mine = weights[0]! / weights.reduce((a, b) => a + b, 0);
  return Math.max(0, timeLeft(req, workerStart, runs) * mine);
}
