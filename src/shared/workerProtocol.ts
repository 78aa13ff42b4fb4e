/**
 * Messages between the parent (CLI or extension host, via `src/core/runtime/workerClient.ts`) and the
 * isolated ONNX Runtime worker process (`src/worker/worker.ts`). Plain structured-clone data only.
 */

/** Execution providers ML Preflight knows how to ask ONNX Runtime for. */
export type ExecutionProvider = 'cpu' | 'webgpu' | 'cuda' | 'tensorrt' | 'dml' | 'coreml';

export interface ProbeRequest {
  type: 'probe';
  /** EPs to try by creating a session on a built-in one-node model and running it once. */
  eps: ExecutionProvider[];
}

/** Element types ONNX Runtime's JS `Tensor` accepts (onnxruntime-common `Tensor.Type`). */
export type OrtDtype =
  | 'float32' | 'float64' | 'float16' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32'
  | 'int64' | 'uint64' | 'bool' | 'string';

/** How to fill one input tensor (the worker builds the data with `src/core/profile/inputs.ts`). */
export type InputFill =
  /** Seeded uniform values: floats in [0, 1), integers in [min, max] (inclusive), bools 50/50, strings `sample-<i>`. */
  | { kind: 'random'; seed: number; min?: number; max?: number }
  | { kind: 'constant'; value: number }
  /** Rows from a sample file, repeated cyclically to fill the leading (batch) dim. */
  | { kind: 'rows'; data: Float64Array | BigInt64Array | string[] | Uint8Array; rowShape: number[]; rows: number };

export interface InputPlan {
  name: string;
  dtype: OrtDtype;
  dims: number[];
  fill: InputFill;
}

export interface WarmupPlan {
  mode: 'stable' | 'fixed';
  /** `fixed`: iterations. */
  iterations?: number;
  /** `stable`: ±tolerance (0.1 = 10 %) around the mean of the last 3 windows. */
  tolerance?: number;
  windowMinIterations?: number;
  windowMinMs?: number;
  maxWindows?: number;
  /** `stable`: give up (not stable) after this much warm-up time, ms. */
  maxMs?: number;
}

/** Profile one model: session creation, a timed run per batch size, then a separate profiled session for per-op times. */
export interface ProfileRequest {
  type: 'profile';
  modelPath: string;
  ep: ExecutionProvider;
  intraOpThreads: number;
  interOpThreads: number;
  graphOptimizationLevel: 'disabled' | 'basic' | 'extended' | 'all';
  /** One entry per batch size, in order. */
  batches: Array<{ batch: number; inputs: InputPlan[] }>;
  /** Measured iterations per batch; ignored when `durationMs` is set. */
  iterations: number;
  /** Measure for this long per batch instead of a count (ms). */
  durationMs?: number;
  /** With a count: stop a batch early after this long (ms), keeping the iterations done (at least 1). */
  maxMeasureMs?: number;
  warmup: WarmupPlan;
  /** Profiled runs for the per-op breakdown (0 = skip); run at `batches[0]`. The first is not counted. */
  opProfileRuns: number;
  /** Directory for ORT's profiling JSON (the worker deletes its file). */
  traceDir: string;
  /**
   * Total time for session, sweep and per-op profile (ms), counted from the worker's start. Each batch gets a
   * share of what is left; warm-up and measurement stop at that share (keeping at least `minIterations`), and
   * the sweep stops when the budget is spent. Undefined: no budget.
   */
  timeBudgetMs?: number;
  /** Fewest measured iterations a batch keeps when its time share runs out (default 30). */
  minIterations?: number;
  /**
   * Stop the sweep early, as Triton Model Analyzer does: when throughput gains stay under `minGain` for
   * `patience` steps in a row, or a batch's p99 exceeds `latencyBudgetMs`. Undefined: run every batch.
   */
  sweepStop?: { minGain: number; patience: number; latencyBudgetMs?: number };
}

export type WorkerRequest = ProbeRequest | ProfileRequest;

/** Raw timing of one batch size, as measured in the worker. */
export interface RawBatchRun {
  batch: number;
  samplesMs: Float64Array;
  durationMs: number;
  firstRunMs: number;
  warmupIterations: number;
  warmupWindows: number;
  warmupWindowMeansMs: number[];
  stable: boolean;
  shapes: Record<string, number[]>;
}

/** One node event of ORT's profiling trace (the fields ML Preflight uses). */
export interface TraceNodeEvent {
  name: string;
  op: string;
  provider: string;
  durUs: number;
  /** Index of the profiled run this event belongs to (0-based). */
  run: number;
}

export interface ProfileWorkerResult {
  ortVersion: string;
  pid: number;
  cpu: { model: string; cores: number };
  platform: string;
  osRelease: string;
  arch: string;
  node: string;
  totalMemoryBytes: number;
  coldStartMs: number;
  rssBeforeSessionBytes: number;
  rssAfterSessionBytes: number;
  rssAfterRunsBytes: number;
  /** VmHWM on Linux; 0 where unknown. */
  peakRssBytes: number;
  runs: RawBatchRun[];
  /** Node events of the profiled runs; empty when `opProfileRuns` was 0. */
  traceEvents: TraceNodeEvent[];
  profiledRuns: number;
  warnings: string[];
  /** Why the sweep ended before its last batch size (`sweepStop` or `timeBudgetMs`), and the batches not run. */
  sweepStopped?: SweepStop;
}

export interface SweepStop {
  reason: 'plateau' | 'latency-budget' | 'time-budget';
  message: string;
  skippedBatches: number[];
}

/** A finished batch size, streamed with its `batch-done` progress message before the reply. */
export interface BatchSummary {
  batch: number;
  iterations: number;
  p50: number;
  p90: number;
  p99: number;
  mean: number;
  /** Inferences per second (one stream). */
  throughput: number;
  samplesPerSecond: number;
  stable: boolean;
}

/** Worker → parent, any number of times before the reply. */
export interface ProfileProgress {
  phase: 'session' | 'warmup' | 'measure' | 'batch-done' | 'ops' | 'done';
  /** The worker's process id (so a caller can tell which process is running). */
  pid: number;
  batch?: number;
  /** Batches finished / total. */
  done: number;
  total: number;
  message: string;
  /** With `batch-done`: the statistics of the batch that just finished (partial results). */
  summary?: BatchSummary;
  /** Milliseconds since the worker started, and the time budget when there is one (for an ETA). */
  elapsedMs?: number;
  budgetMs?: number;
}

export interface EpCheck {
  ep: ExecutionProvider;
  available: boolean;
  /** Why not, in words, when `available` is false (the ORT error message or "not bundled"). */
  reason?: string;
  /** Session creation + one run, ms, when available. */
  sessionMs?: number;
}

export interface ProbeResult {
  ortVersion: string;
  /** `listSupportedBackends()` of onnxruntime-node: which EPs this build of the addon knows and ships. */
  backends: Array<{ name: string; bundled: boolean }>;
  checks: EpCheck[];
  node: string;
  platform: string;
  arch: string;
  cpu: { model: string; cores: number };
}

export interface WorkerResultMap {
  probe: ProbeResult;
  profile: ProfileWorkerResult;
}

/** Parent → worker envelope. */
export interface WorkerCall<R extends WorkerRequest = WorkerRequest> {
  id: number;
  request: R;
}

/**
 * Error kinds a worker reports: 'ort-unavailable' the native addon could not be loaded; 'ep-unavailable' the
 * requested execution provider could not create a session; 'session-failed' ORT refused the model;
 * 'run-failed' ORT failed while running it (e.g. a Reshape to an impossible shape).
 */
export type WorkerReplyErrorKind = 'ort-unavailable' | 'failed' | 'bad-request' | 'ep-unavailable' | 'session-failed' | 'run-failed';

/** Worker → parent envelope. */
export type WorkerReply =
  | { id: number; ok: true; result: WorkerResultMap[WorkerRequest['type']] }
  | { id: number; ok: false; error: { kind: WorkerReplyErrorKind; message: string } };

/** Worker → parent progress envelope (no `ok` field); the reply still comes once at the end. */
export interface WorkerProgressMessage {
  id: number;
  progress: ProfileProgress;
}
