/**
 * The result of profiling a model (`ml-preflight profile`, "ML Preflight: Profile Model"): plain JSON, so it
 * crosses the CLI's `--json`, the webview's postMessage and the baseline files under `.mlpreflight/profiles/`
 * unchanged. Times are milliseconds, memory is bytes.
 *
 * Percentiles use linear interpolation between the two closest ranks (numpy's default `linear` method,
 * R's type 7): `p = x[floor(h)] + (h − floor(h)) · (x[floor(h)+1] − x[floor(h)])` with `h = (n − 1) · q`.
 */
import type { ExecutionProvider, SweepStop } from './workerProtocol';

/** Graph optimisation levels of ONNX Runtime's session options. */
export type GraphOptimizationLevel = 'disabled' | 'basic' | 'extended' | 'all';

/** Summary statistics of one set of latency samples (ms). */
export interface LatencyStats {
  count: number;
  min: number;
  max: number;
  mean: number;
  /** Sample standard deviation (n − 1). 0 for a single sample. */
  std: number;
  /** Coefficient of variation: std / mean. */
  cov: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
}

/** How warm-up ended. */
export interface WarmupReport {
  /** `stable`: perf_analyzer's rule (the last 3 windows' mean latency within ±tolerance of their mean); `fixed`: a fixed count. */
  mode: 'stable' | 'fixed';
  /** Warm-up iterations run (after the first run). */
  iterations: number;
  /** Windows run (`stable` mode). */
  windows?: number;
  /** Whether the rule was met before the warm-up cap (`stable` mode; always true for `fixed`). */
  stable: boolean;
  /** Mean latency of each window, ms (`stable` mode). */
  windowMeansMs?: number[];
}

/** A latency histogram over equal-width bins. */
export interface Histogram {
  /** Bin edges, ms: `counts.length + 1` values. */
  edgesMs: number[];
  counts: number[];
}

/** Timing of one batch size. */
export interface BatchRun extends LatencyStats {
  batch: number;
  /** Measured iterations (= `count`). */
  iterations: number;
  /** Wall time of the measured iterations, ms. */
  durationMs: number;
  /** Inferences per second, one stream: 1000 / mean. */
  throughput: number;
  /** Samples per second: `throughput × batch`. */
  samplesPerSecond: number;
  /** The first run at this batch size (shape change: allocations, kernel selection), ms. */
  firstRunMs: number;
  warmup: WarmupReport;
  /** Input shapes used, by input name. */
  shapes: Record<string, number[]>;
  histogram: Histogram;
  /** Latency at quantiles 0, 1, 2, …, 100 % (101 values, ms): the empirical CDF, downsampled. */
  quantilesMs: number[];
  /** Set when a budget was given: `p99 <= budgetMs`. */
  withinBudget?: boolean;
  /** Set when `--cost-per-hour` was given: cost of 1,000 predictions (samples) at `samplesPerSecond`. */
  costPer1k?: number;
}

/** Operator time aggregated by op type and provider, from ORT's profiling trace. */
export interface OpTime {
  op: string;
  provider: string;
  /** Node executions counted (nodes × profiled runs). */
  calls: number;
  /** Nodes of this op type and provider in the executed (optimised) graph. */
  nodes: number;
  /** Sum over the profiled runs, ms. */
  totalMs: number;
  /** Per profiled run, ms. */
  meanMsPerRun: number;
  /** Fraction (0..1) of all node time. */
  share: number;
}

/** A node that ran on the CPU provider although another provider was requested. */
export interface FallbackNode {
  node: string;
  op: string;
  provider: string;
}

export interface OpProfile {
  /** Runs profiled (the first profiled run is a warm-up and not counted). */
  runs: number;
  batch: number;
  /** Sum of all node time per run, ms. */
  nodeMsPerRun: number;
  ops: OpTime[];
  /** Top nodes by time. */
  topNodes: Array<{ node: string; op: string; provider: string; meanMsPerRun: number; share: number }>;
}

export interface MemoryReport {
  /** Worker resident set before the session was created, bytes. */
  rssBeforeSessionBytes: number;
  rssAfterSessionBytes: number;
  rssAfterRunsBytes: number;
  /** Growth during the runs (arena growth, caches): `rssAfterRunsBytes − rssAfterSessionBytes`. */
  arenaGrowthBytes: number;
  /** Peak resident set of the worker process (Linux VmHWM; the parent's polling elsewhere). */
  peakRssBytes: number;
  /** Bytes of the model's initializers (from inspection). */
  weightBytes: number;
  /** GPU memory, when the platform exposes it; `null` with a reason otherwise. */
  gpuBytes: number | null;
  gpuNote?: string;
}

export interface ProfileEnvironment {
  cpuModel: string;
  logicalCores: number;
  os: string;
  arch: string;
  node: string;
  totalMemoryBytes: number;
}

export interface DynamicBatchingAdvice {
  /** `max_batch_size` for the Triton model config. */
  maxBatchSize: number;
  preferredBatchSizes: number[];
  maxQueueDelayMicroseconds: number;
  /** Why these numbers. */
  reason: string;
}

export interface BudgetReport {
  budgetMs: number;
  /** The statistic compared with the budget. */
  statistic: 'p99';
  /** Largest swept batch whose p99 is within budget; `null` when none is. */
  largestBatchWithinBudget: number | null;
  verdicts: Array<{ batch: number; p99: number; withinBudget: boolean; headroomMs: number }>;
}

export interface AdviceReport {
  /** Suggested Triton `dynamic_batching`; `null` with `reason` when batching does not apply. */
  dynamicBatching: DynamicBatchingAdvice | null;
  reason?: string;
  /** With `--cost-per-hour`: the hourly price and the cost of 1,000 predictions at the best batch (within budget when a budget is set). */
  cost?: { perHour: number; per1kPredictions: number; atBatch: number };
}

/** One metric compared with the baseline. */
export interface MetricDelta {
  metric: 'p50' | 'p90' | 'p99' | 'mean' | 'throughput' | 'peakRssBytes' | 'coldStartMs';
  batch: number | null;
  baseline: number;
  current: number;
  /** (current − baseline) / baseline. */
  change: number;
  regression: boolean;
  improvement: boolean;
}

export interface BaselineComparison {
  /** When the baseline was recorded (ISO 8601). */
  baselineCreatedAt: string;
  /** The baseline file. */
  baselineFile: string;
  /** Relative change that counts as a regression (e.g. 0.1 = 10 %). */
  threshold: number;
  deltas: MetricDelta[];
  regressions: number;
  /** Differences in settings that make the comparison less meaningful (EP, threads, ORT version, CPU). */
  caveats: string[];
}

export interface ProfileSettings {
  ep: ExecutionProvider;
  /** Intra-op threads requested; 0 = ONNX Runtime's default (one per physical core). */
  intraOpThreads: number;
  interOpThreads: number;
  graphOptimizationLevel: GraphOptimizationLevel;
  /** Measured iterations per batch (when not duration-based). */
  iterations: number | null;
  /** Measurement duration per batch, seconds (when duration-based). */
  durationS: number | null;
  warmup: { mode: 'stable'; tolerance: number; windowMinIterations: number; windowMinMs: number; maxWindows: number } | { mode: 'fixed'; iterations: number };
  seed: number;
  /** Where the inputs come from. */
  inputSource: 'synthetic' | 'file';
  /** Total time budget of the run in seconds (session, sweep, per-op profile); null = unbounded. Older results lack it. */
  timeBudgetS?: number | null;
  /** Whether the sweep stopped on a throughput plateau / over the latency budget (the default sweep does). */
  sweepStop?: { minGain: number; patience: number } | null;
}

export interface ProfileResult {
  /** Schema version of this object. */
  version: 1;
  model: { path: string; bytes: number; sha256: string };
  createdAt: string;
  ortVersion: string;
  ep: ExecutionProvider;
  /** Intra-op threads requested (0 = ORT default). */
  threads: number;
  settings: ProfileSettings;
  environment: ProfileEnvironment;
  /** Session creation (load + optimise + EP init), ms. */
  coldStartMs: number;
  /** First `run` at the first batch size, ms. */
  firstRunMs: number;
  runs: BatchRun[];
  /** Batch sweep: batches tried, or why there was none. */
  sweep: { batches: number[]; skipped?: string; stopped?: SweepStop };
  peakRssBytes: number;
  memory: MemoryReport;
  ops: OpTime[];
  opProfile: OpProfile | null;
  fallbackNodes: FallbackNode[];
  budget: BudgetReport | null;
  advice: AdviceReport;
  baseline: BaselineComparison | null;
  /** How each dynamic dim and input was filled ("dim 'batch' of image = batch under test"). */
  notes: string[];
  warnings: string[];
  /** Wall time of the whole profile (worker start to result), ms. */
  wallMs: number;
}
