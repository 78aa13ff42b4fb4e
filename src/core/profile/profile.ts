/**
 * `profileModel`: the whole profile of one model, vscode-free. Inspects the model (no weights loaded), plans
 * the inputs per batch size, runs everything that touches ONNX Runtime in one fresh worker process
 * (`runInWorker`: timeout, memory ceiling, cancellation, crash → typed `WorkerError`), then turns the raw
 * samples into statistics, per-op times, budget verdicts, advice and a comparison with the last baseline.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { inspectModel } from '../onnx/inspect';
import { runInWorker, type WorkerOptions } from '../runtime/workerClient';
import type { BatchRun, GraphOptimizationLevel, ProfileResult, ProfileSettings } from '../../shared/profileResult';
import type { ExecutionProvider, ProfileProgress, ProfileRequest } from '../../shared/workerProtocol';
import { baselineFile, compareWithBaseline, loadBaseline, REGRESSION_THRESHOLD, saveBaseline } from './baseline';
import { adviseBatching, adviseCost, budgetReport, costPer1k } from './budget';
import { ProfileError } from './errors';
import { planInputs } from './plan';
import { readSamples, type SampleArray } from './samples';
import { histogram, quantileCurve, summarize } from './stats';
import { aggregateTrace, fallbackNodes } from './trace';

export const KNOWN_EPS: readonly ExecutionProvider[] = ['cpu', 'webgpu', 'cuda', 'tensorrt', 'dml', 'coreml'];

/** Defaults (also the VS Code settings' defaults). */
export const PROFILE_DEFAULTS = Object.freeze({
  iterations: 200,
  maxBatch: 32,
  opProfileRuns: 10,
  seed: 42,
  tolerance: 0.1,
  windowMinIterations: 3,
  windowMinMs: 50,
  maxWindows: 20,
  /** Warm-up gives up (reported as not stable) after this long per batch. */
  maxWarmupMs: 10_000,
  /** With the default iteration count, a batch stops measuring after this long (big models). */
  maxMeasureMs: 15_000,
  /**
   * With the default iteration count, the whole sweep (warm-up + measurement of every batch) stays near this:
   * each batch gets an equal share (issue 11, class 9: a 100k-node model took 6 × 15 s + warm-ups).
   */
  maxSweepMs: 30_000,
  timeoutMs: 600_000,
  maxRssBytes: 8 * 1024 ** 3,
  /**
   * Total time of a default profile (inspection, session, sweep, per-op profile), seconds. Each batch gets a
   * share; the sweep stops when the next batch would not fit. Explicit `iterations` or `durationS` lift it.
   */
  timeBudgetS: 10,
  /** The default sweep stops when samples/s gain less than this for `sweepPatience` steps in a row (Triton Model Analyzer's rule). */
  sweepMinGain: 0.05,
  sweepPatience: 2,
});

export interface ProfileOptions {
  ep?: ExecutionProvider;
  /** Batch sizes to sweep; default 1, 2, 4, … up to `maxBatch`. Ignored (one run) when the batch axis is fixed. */
  batches?: number[];
  maxBatch?: number;
  /** Intra-op threads (0 = ORT default). */
  threads?: number;
  interOpThreads?: number;
  graphOptimizationLevel?: GraphOptimizationLevel;
  /** Measured iterations per batch (default 200). */
  iterations?: number;
  /** Measure for this many seconds per batch instead of a count. */
  durationS?: number;
  /** `'stable'` (perf_analyzer's rule, default) or a fixed number of warm-up iterations. */
  warmup?: 'stable' | number;
  /** `--dim name=value`. */
  dims?: Record<string, number>;
  /** `--shape input=AxB`. */
  shapes?: Record<string, number[]>;
  /** Sample files: `{ file, input?, columns? }` (input may be omitted for a single-input model or a JSON object file; columns pick CSV columns). */
  sampleFiles?: Array<{ file: string; input?: string; columns?: string[] }>;
  seed?: number;
  budgetMs?: number;
  costPerHour?: number;
  /** Profiled runs for the per-op table (0 skips it). */
  opProfileRuns?: number;
  /**
   * Total time budget in seconds (default {@link PROFILE_DEFAULTS.timeBudgetS}); 0 = none. Ignored when
   * `iterations` or `durationS` is given (the caller asked for that much measuring).
   */
  timeBudgetS?: number;
  /** Directory of baselines (e.g. `<workspace>/.mlpreflight/profiles`); omit to neither compare nor save. */
  baselineDir?: string;
  /** Save this result as the new baseline (default true when `baselineDir` is set). */
  saveBaseline?: boolean;
  regressionThreshold?: number;
  timeoutMs?: number;
  maxRssBytes?: number;
  signal?: AbortSignal;
  onProgress?: (progress: ProfileProgress) => void;
  /** Worker bundle and Node flags (tests run the TS source). */
  workerPath?: string;
  execArgv?: string[];
  env?: NodeJS.ProcessEnv;
}

/** 1, 2, 4, … ≤ max (max itself included when it is not a power of two). */
export function defaultBatches(max: number): number[] {
  const out: number[] = [];
  for (let b = 1; b <= max; b *= 2) out.push(b);
  if (out[out.length - 1] !== max && max >= 1) out.push(max);
  return out;
}

function positiveInt(name: string, v: number | undefined, { min = 1, max = 1e9 } = {}): void {
  if (v === undefined) return;
  if (!Number.isInteger(v) || v < min || v > max) throw new ProfileError('bad-option', `${name} must be an integer between ${min} and ${max}, got ${v}`);
}

function validate(o: ProfileOptions): void {
  if (o.ep !== undefined && !KNOWN_EPS.includes(o.ep)) throw new ProfileError('bad-option', `unknown execution provider '${o.ep}' (known: ${KNOWN_EPS.join(', ')})`);
  positiveInt('iterations', o.iterations, { max: 10_000_000 });
  positiveInt('maxBatch', o.maxBatch, { max: 65_536 });
  positiveInt('threads', o.threads, { min: 0, max: 1024 });
  positiveInt('interOpThreads', o.interOpThreads, { min: 0, max: 1024 });
  positiveInt('opProfileRuns', o.opProfileRuns, { min: 0, max: 10_000 });
  if (typeof o.warmup === 'number') positiveInt('warmup', o.warmup, { min: 0, max: 1_000_000 });
  if (o.durationS !== undefined && !(o.durationS > 0 && o.durationS <= 3600)) throw new ProfileError('bad-option', `duration must be between 0 and 3600 s, got ${o.durationS}`);
  if (o.timeBudgetS !== undefined && !(o.timeBudgetS >= 0 && o.timeBudgetS <= 86_400)) throw new ProfileError('bad-option', `time budget must be between 0 (none) and 86400 s, got ${o.timeBudgetS}`);
  if (o.budgetMs !== undefined && !(o.budgetMs > 0 && Number.isFinite(o.budgetMs))) throw new ProfileError('bad-option', `budget must be a positive number of ms, got ${o.budgetMs}`);
  if (o.costPerHour !== undefined && !(o.costPerHour >= 0 && Number.isFinite(o.costPerHour))) throw new ProfileError('bad-option', `cost per hour must be a non-negative number, got ${o.costPerHour}`);
  for (const b of o.batches ?? []) positiveInt('batch size', b, { max: 65_536 });
  if (o.batches && o.batches.length === 0) throw new ProfileError('bad-option', 'give at least one batch size');
  for (const [k, v] of Object.entries(o.dims ?? {})) positiveInt(`--dim ${k}`, v, { max: 2 ** 31 });
}

async function sha256File(file: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { signal })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Rounds every non-integer number in a JSON-like value to 6 significant digits (readable JSON, stable files). */
export function roundNumbers<T>(value: T): T {
  if (typeof value === 'number') return (Number.isInteger(value) || !Number.isFinite(value) ? value : Number(value.toPrecision(6))) as T;
  if (Array.isArray(value)) return value.map((v) => roundNumbers(v)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = roundNumbers(v);
    return out as T;
  }
  return value;
}

/** Turns raw samples into the statistics of one `BatchRun`. */
export function batchRunFrom(raw: { batch: number; samplesMs: ArrayLike<number>; durationMs: number; firstRunMs: number; warmupIterations: number; warmupWindows: number; warmupWindowMeansMs: number[]; stable: boolean; shapes: Record<string, number[]> }, warmupMode: 'stable' | 'fixed'): BatchRun {
  const stats = summarize(raw.samplesMs);
  const throughput = stats.mean > 0 ? 1000 / stats.mean : 0;
  return {
    batch: raw.batch,
    iterations: stats.count,
    ...stats,
    durationMs: raw.durationMs,
    throughput,
    samplesPerSecond: throughput * raw.batch,
    firstRunMs: raw.firstRunMs,
    warmup: warmupMode === 'fixed'
      ? { mode: 'fixed', iterations: raw.warmupIterations, stable: true }
      : { mode: 'stable', iterations: raw.warmupIterations, windows: raw.warmupWindows, stable: raw.stable, windowMeansMs: raw.warmupWindowMeansMs },
    shapes: raw.shapes,
    histogram: histogram(raw.samplesMs),
    quantilesMs: quantileCurve(raw.samplesMs, 100),
  };
}

/**
 * Profiles the model at `modelPath`.
 *
 * @throws OnnxInspectError when the model cannot be read; ProfileError for options, shapes or samples that
 *   do not fit; WorkerError for everything that happens in the worker (kinds `ep-unavailable`,
 *   `session-failed`, `run-failed`, `timeout`, `memory`, `aborted`, `crashed`, `ort-unavailable`, …).
 */
/** Most ONNX Runtime trace events (nodes × profiled runs) the default per-op profile may produce. */
export const MAX_TRACE_EVENTS = 300_000;
/** Graphs with more nodes get no per-op profile unless `opProfileRuns` is given. */
export const OP_PROFILE_MAX_NODES = 50_000;

export async function profileModel(modelPath: string, options: ProfileOptions = {}): Promise<ProfileResult> {
  const started = performance.now();
  validate(options);
  const ep = options.ep ?? 'cpu';
  const inspection = await inspectModel(modelPath, { signal: options.signal });
  const singleInput = inspection.inputs.length === 1 ? inspection.inputs[0]!.name : undefined;
  const samples: Record<string, SampleArray> = {};
  for (const s of options.sampleFiles ?? []) Object.assign(samples, await readSamples(s.file, s.input, singleInput, s.columns));
  const batches = options.batches ? [...new Set(options.batches)].sort((a, b) => a - b) : defaultBatches(options.maxBatch ?? PROFILE_DEFAULTS.maxBatch);
  const plan = planInputs(inspection.inputs, batches, { dims: options.dims, shapes: options.shapes, samples, seed: options.seed ?? PROFILE_DEFAULTS.seed });
  const warmupMode = typeof options.warmup === 'number' ? 'fixed' : 'stable';
  const countGiven = options.iterations !== undefined || options.durationS !== undefined;
  const timeBudgetS = countGiven ? null : (options.timeBudgetS ?? PROFILE_DEFAULTS.timeBudgetS) || null;
  // Only the default sweep stops early: a batch list the caller gave is run to the end.
  const sweepStop = options.batches === undefined ? { minGain: PROFILE_DEFAULTS.sweepMinGain, patience: PROFILE_DEFAULTS.sweepPatience } : null;
  const settings: ProfileSettings = {
    ep,
    intraOpThreads: options.threads ?? 0,
    interOpThreads: options.interOpThreads ?? 0,
    graphOptimizationLevel: options.graphOptimizationLevel ?? 'all',
    iterations: options.durationS === undefined ? options.iterations ?? PROFILE_DEFAULTS.iterations : null,
    durationS: options.durationS ?? null,
    warmup: warmupMode === 'fixed'
      ? { mode: 'fixed', iterations: options.warmup as number }
      : { mode: 'stable', tolerance: PROFILE_DEFAULTS.tolerance, windowMinIterations: PROFILE_DEFAULTS.windowMinIterations, windowMinMs: PROFILE_DEFAULTS.windowMinMs, maxWindows: PROFILE_DEFAULTS.maxWindows },
    seed: options.seed ?? PROFILE_DEFAULTS.seed,
    inputSource: Object.keys(samples).length ? 'file' : 'synthetic',
    timeBudgetS,
    sweepStop,
  };
  // Bounded per-op profiling (issue 11, class 9): ONNX Runtime's trace holds one JSON event per node per run,
  // ~0.5 KB each; a 100k-node model × 11 runs wrote a trace over 512 MB (4.2 GB RSS, 48 s, then unreadable).
  // The default run count is cut so the trace stays under MAX_TRACE_EVENTS; an explicit --op-runs is honoured.
  let opProfileRuns = options.opProfileRuns ?? PROFILE_DEFAULTS.opProfileRuns;
  const nodes = Math.max(1, inspection.nodeCount);
  if (options.opProfileRuns === undefined && nodes > OP_PROFILE_MAX_NODES) {
    // The per-op profile needs a second session, which costs as much as the cold start (9 s at 100k nodes).
    opProfileRuns = 0;
    plan.notes.push(`per-op profile skipped: ${nodes.toLocaleString('en-US')} nodes (over ${OP_PROFILE_MAX_NODES.toLocaleString('en-US')}) need a second session and a trace of ${(nodes * (PROFILE_DEFAULTS.opProfileRuns + 1)).toLocaleString('en-US')} events; set --op-runs to force it`);
  } else if (options.opProfileRuns === undefined && nodes * (opProfileRuns + 1) > MAX_TRACE_EVENTS) {
    const fit = Math.floor(MAX_TRACE_EVENTS / nodes) - 1;
    opProfileRuns = Math.max(0, fit);
    plan.notes.push(opProfileRuns > 0
      ? `per-op profile: ${opProfileRuns} run(s) instead of ${PROFILE_DEFAULTS.opProfileRuns}: ${nodes.toLocaleString('en-US')} nodes make a large trace (set --op-runs to choose)`
      : `per-op profile skipped: ${nodes.toLocaleString('en-US')} nodes would make a trace of over ${MAX_TRACE_EVENTS.toLocaleString('en-US')} events (set --op-runs to force it)`);
  }
  // Bounded sweep: per-batch caps from the sweep's total budget (a fast model never reaches them).
  const share = PROFILE_DEFAULTS.maxSweepMs / Math.max(1, plan.batches.length);
  const measureCapMs = Math.round(Math.max(2_000, Math.min(PROFILE_DEFAULTS.maxMeasureMs, share * 0.75)));
  const warmupCapMs = Math.round(Math.max(1_000, Math.min(PROFILE_DEFAULTS.maxWarmupMs, share * 0.25)));
  const traceDir = await mkdtemp(path.join(os.tmpdir(), 'mlp-profile-'));
  const request: ProfileRequest = {
    type: 'profile',
    modelPath: path.resolve(modelPath),
    ep,
    intraOpThreads: settings.intraOpThreads,
    interOpThreads: settings.interOpThreads,
    graphOptimizationLevel: settings.graphOptimizationLevel,
    batches: plan.batches,
    iterations: settings.iterations ?? 1,
    durationMs: options.durationS === undefined ? undefined : options.durationS * 1000,
    // An explicit --iterations is honoured whatever it takes; the default count is capped in time.
    maxMeasureMs: !countGiven ? measureCapMs : undefined,
    // What is left of the total budget once the model is inspected and the samples are read.
    ...(timeBudgetS !== null ? { timeBudgetMs: Math.max(0, timeBudgetS * 1000 - (performance.now() - started)) } : {}),
    ...(sweepStop ? { sweepStop: { ...sweepStop, ...(options.budgetMs !== undefined ? { latencyBudgetMs: options.budgetMs } : {}) } } : {}),
    warmup: settings.warmup.mode === 'fixed'
      ? { mode: 'fixed', iterations: settings.warmup.iterations }
      : { mode: 'stable', tolerance: settings.warmup.tolerance, windowMinIterations: settings.warmup.windowMinIterations, windowMinMs: settings.warmup.windowMinMs, maxWindows: settings.warmup.maxWindows, maxMs: warmupCapMs },
    // One extra run: the first profiled run is a warm-up and is not counted.
    opProfileRuns: opProfileRuns > 0 ? opProfileRuns + 1 : 0,
    traceDir,
  };
  const workerOptions: WorkerOptions = {
    workerPath: options.workerPath,
    execArgv: options.execArgv,
    env: options.env,
    timeoutMs: options.timeoutMs ?? PROFILE_DEFAULTS.timeoutMs,
    maxRssBytes: options.maxRssBytes ?? PROFILE_DEFAULTS.maxRssBytes,
    signal: options.signal,
    onProgress: options.onProgress,
  };
  let raw;
  let sha256: string;
  try {
    [raw, sha256] = await Promise.all([runInWorker(request, workerOptions), sha256File(modelPath, options.signal)]);
  } finally {
    await rm(traceDir, { recursive: true, force: true }).catch(() => undefined);
  }

  const warnings = [...inspection.warnings.map((w) => `model: ${w}`), ...raw.warnings];
  const runs = raw.runs.map((r) => batchRunFrom(r, warmupMode));
  for (const r of runs) {
    if (!r.warmup.stable) warnings.push(`batch ${r.batch}: latency did not stabilise within ${r.warmup.windows} warm-up windows (±${PROFILE_DEFAULTS.tolerance * 100} %); numbers may be noisy`);
    if (r.cov > 0.25) warnings.push(`batch ${r.batch}: high variation (CoV ${(r.cov * 100).toFixed(0)} %): other load on this machine, or too few iterations`);
    if (settings.iterations !== null && r.iterations < settings.iterations) {
      warnings.push(timeBudgetS !== null
        ? `batch ${r.batch}: ${r.iterations} of ${settings.iterations} iterations within its share of the ${timeBudgetS} s time budget (give --time-budget 0 or --iterations to run them all)`
        : `batch ${r.batch}: stopped after ${(measureCapMs / 1000).toFixed(1)} s with ${r.iterations} of ${settings.iterations} iterations (give --iterations to run them all)`);
    }
    if (r.iterations < 30) warnings.push(`batch ${r.batch}: only ${r.iterations} iterations; p99 and p99.9 are not meaningful below a few hundred`);
  }
  const budget = options.budgetMs === undefined ? null : budgetReport(runs, options.budgetMs);
  if (budget) for (const r of runs) r.withinBudget = r.p99 <= budget.budgetMs;
  if (options.costPerHour !== undefined) for (const r of runs) r.costPer1k = costPer1k(options.costPerHour, r.samplesPerSecond);
  const advice = adviseBatching(runs, plan.batchable, options.budgetMs);
  if (options.costPerHour !== undefined) advice.cost = adviseCost(runs, options.costPerHour, options.budgetMs);
  const opProfile = raw.traceEvents.length ? aggregateTrace(raw.traceEvents, plan.batches[0]!.batch) : null;
  const fallbacks = fallbackNodes(raw.traceEvents, ep);
  if (fallbacks.length) warnings.push(`${fallbacks.length} node(s) ran on the CPU instead of ${ep}`);
  const peak = raw.peakRssBytes || Math.max(raw.rssAfterRunsBytes, raw.rssAfterSessionBytes);

  const result: ProfileResult = roundNumbers<ProfileResult>({
    version: 1,
    model: { path: path.resolve(modelPath), bytes: inspection.file.bytes, sha256 },
    createdAt: new Date().toISOString(),
    ortVersion: raw.ortVersion,
    ep,
    threads: settings.intraOpThreads,
    settings,
    environment: {
      cpuModel: raw.cpu.model,
      logicalCores: raw.cpu.cores,
      os: `${raw.platform} ${raw.osRelease}`,
      arch: raw.arch,
      node: raw.node,
      totalMemoryBytes: raw.totalMemoryBytes,
    },
    coldStartMs: raw.coldStartMs,
    firstRunMs: raw.runs[0]?.firstRunMs ?? 0,
    runs,
    sweep: plan.batchable
      ? { batches: runs.map((r) => r.batch), ...(raw.sweepStopped ? { stopped: raw.sweepStopped } : {}) }
      : { batches: runs.map((r) => r.batch), skipped: 'no input has a dynamic batch dim (or --shape fixed it): one run at the model\'s own batch' },
    peakRssBytes: peak,
    memory: {
      rssBeforeSessionBytes: raw.rssBeforeSessionBytes,
      rssAfterSessionBytes: raw.rssAfterSessionBytes,
      rssAfterRunsBytes: raw.rssAfterRunsBytes,
      arenaGrowthBytes: raw.rssAfterRunsBytes - raw.rssAfterSessionBytes,
      peakRssBytes: peak,
      weightBytes: inspection.weightBytes,
      gpuBytes: null,
      gpuNote: ep === 'cpu' ? 'CPU provider: no GPU memory used' : 'onnxruntime-node does not expose GPU memory use',
    },
    ops: opProfile?.ops ?? [],
    opProfile,
    fallbackNodes: fallbacks,
    budget,
    advice,
    baseline: null,
    notes: plan.notes,
    warnings,
    wallMs: 0,
  });

  if (options.baselineDir) {
    const file = baselineFile(options.baselineDir, modelPath, ep);
    try {
      const previous = await loadBaseline(file);
      if (previous) {
        result.baseline = compareWithBaseline(result, previous, file, options.regressionThreshold ?? REGRESSION_THRESHOLD);
        if (previous.model?.sha256 && previous.model.sha256 !== sha256) result.baseline.caveats.unshift('the model file changed since the baseline');
      }
    } catch (ex) {
      if (!ProfileError.is(ex)) throw ex;
      warnings.push(`${ex.message}; it will be replaced`);
    }
    result.wallMs = Math.round(performance.now() - started);
    if (options.saveBaseline !== false) {
      try {
        await saveBaseline(file, result);
      } catch (ex) {
        if (!ProfileError.is(ex)) throw ex;
        warnings.push(ex.message);
      }
    }
  }
  result.wallMs = Math.round(performance.now() - started);
  return result;
}
