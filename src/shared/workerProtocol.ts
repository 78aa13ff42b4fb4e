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

export type WorkerRequest = ProbeRequest;

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
}

/** Parent → worker envelope. */
export interface WorkerCall<R extends WorkerRequest = WorkerRequest> {
  id: number;
  request: R;
}

/** Worker → parent envelope. `error.kind` 'ort-unavailable' means the native addon could not be loaded. */
export type WorkerReply =
  | { id: number; ok: true; result: WorkerResultMap[WorkerRequest['type']] }
  | { id: number; ok: false; error: { kind: 'ort-unavailable' | 'failed' | 'bad-request'; message: string } };
