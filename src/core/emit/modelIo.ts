/**
 * What the emitters need to know about a model's IO, derived from its inspection: serving name, Triton and
 * KServe-v2 dtypes, whether the leading dim is a batch dim, and sizing derived from the profile (when one was
 * measured) or from the weights (stated as an estimate).
 */
import * as path from 'node:path';
import { formatBytes } from '../../shared/format';
import { safeWorkspaceRelative } from '../paths';
import type { ModelInspection, TensorInfo } from '../../shared/modelInspection';
import type { ProfileFacts } from '../checklist/sources';

export class EmitError extends Error {
  constructor(readonly reason: 'unsupported-model' | 'bad-option' | 'path-escape' | 'exists' | 'io', readonly file: string, detail: string) {
    super(`${file}: ${reason}: ${detail}`);
    this.name = 'EmitError';
  }

  static is(ex: unknown, reason?: EmitError['reason']): ex is EmitError {
    return ex instanceof EmitError && (reason === undefined || ex.reason === reason);
  }
}

/** numpy dtype → [Triton `DataType`, KServe v2 / Open Inference Protocol datatype]. */
const DTYPES: Record<string, [string, string]> = {
  bool: ['TYPE_BOOL', 'BOOL'],
  uint8: ['TYPE_UINT8', 'UINT8'],
  uint16: ['TYPE_UINT16', 'UINT16'],
  uint32: ['TYPE_UINT32', 'UINT32'],
  uint64: ['TYPE_UINT64', 'UINT64'],
  int8: ['TYPE_INT8', 'INT8'],
  int16: ['TYPE_INT16', 'INT16'],
  int32: ['TYPE_INT32', 'INT32'],
  int64: ['TYPE_INT64', 'INT64'],
  float16: ['TYPE_FP16', 'FP16'],
  float32: ['TYPE_FP32', 'FP32'],
  float64: ['TYPE_FP64', 'FP64'],
  bfloat16: ['TYPE_BF16', 'BF16'],
  string: ['TYPE_STRING', 'BYTES'],
};

export function tritonDtype(dtype: string): string | undefined {
  return DTYPES[dtype]?.[0];
}

export function v2Datatype(dtype: string): string | undefined {
  return DTYPES[dtype]?.[1];
}

/** Inverse of {@link tritonDtype}. */
export function dtypeOfTriton(type: string): string | undefined {
  return Object.entries(DTYPES).find(([, [t]]) => t === type)?.[0];
}

export interface ServingTensor {
  name: string;
  dtype: string;
  triton: string;
  v2: string;
  /** Full shape; dynamic dims are `-1`. */
  shape: number[];
  /** The model's dim names (`null` for fixed dims), for comments and docs. */
  dimNames: (string | null)[];
}

export interface ServingModel {
  /** DNS-1123 label safe name (`[a-z0-9-]`, ≤ 63), used for Kubernetes objects and the Triton model folder. */
  name: string;
  /** Model file path (absolute). */
  path: string;
  inputs: ServingTensor[];
  outputs: ServingTensor[];
  /** True when every input/output shares a dynamic leading dim (Triton `max_batch_size > 0` allowed). */
  batching: boolean;
  weightBytes: number;
  opset: number | undefined;
  /** External-data files the model needs beside it (`location` relative to the model's folder, `/` separators). */
  externalData: { location: string; absPath: string }[];
}

/** Turns a file or model name into a DNS-1123 label: `My Model_v2.onnx` → `my-model-v2`. */
export function servingName(raw: string): string {
  // Escaping rule (Kubernetes names): DNS-1123 label, enforced here for every emitter: lowercase [a-z0-9-],
  // starts with a letter, ends with a letter or digit, at most 63 characters.
  const base = raw.replace(/\.onnx$/i, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  const named = /^[a-z]/.test(base) ? base : `m-${base || 'model'}`;
  return named.slice(0, 63).replace(/-+$/, '');
}

/** True when `name` is a DNS-1123 label (what {@link servingName} returns). */
export function isDns1123Label(name: string): boolean {
  return name.length >= 1 && name.length <= 63 && /^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(name);
}

function servingTensor(t: TensorInfo, file: string): ServingTensor {
  const triton = tritonDtype(t.dtype);
  const v2 = v2Datatype(t.dtype);
  if (!triton || !v2) throw new EmitError('unsupported-model', file, `${t.name} has type ${t.dtype}, which Triton and KServe v2 cannot serve as a tensor`);
  if (t.shape === null) throw new EmitError('unsupported-model', file, `${t.name} has no shape (rank unknown); Triton needs the rank of every input and output: export with shapes (e.g. onnx.shape_inference)`);
  return {
    name: t.name,
    dtype: t.dtype,
    triton,
    v2,
    shape: t.shape.map((d, i) => {
      // int64 dims are written exactly or not at all: a fixed dim past 2^53 lost precision when decoded, and
      // no server can allocate it, so it is refused instead of being written rounded (9223372036854776000).
      if (typeof d === 'number' && !Number.isSafeInteger(d)) throw new EmitError('unsupported-model', file, `${t.name} dim ${i} is ${d}, over 2^53: not a servable size`);
      return typeof d === 'number' && d >= 0 ? d : -1;
    }),
    dimNames: t.shape.map((d) => (typeof d === 'string' && d !== '?' ? d : null)),
  };
}

/**
 * The external-data files to copy with the model. A location the inspection refused (absolute, `..`, a symlink
 * out of the model folder) or that is missing makes the model unservable; a location with characters outside
 * `[A-Za-z0-9._-/]` is refused too, since it lands in a Dockerfile and `.dockerignore`.
 *
 * @throws EmitError `unsupported-model`.
 */
function externalFiles(inspection: ModelInspection): { location: string; absPath: string }[] {
  const file = inspection.file.path;
  const dir = path.dirname(file);
  return inspection.externalData.map((x) => {
    if (x.refused) throw new EmitError('unsupported-model', file, `external data '${x.location}' was refused (${x.refused}); it cannot be copied with the model`);
    const rel = safeWorkspaceRelative(dir, x.location);
    if (!rel || !/^[A-Za-z0-9._/-]+$/.test(rel)) throw new EmitError('unsupported-model', file, `external data location ${JSON.stringify(x.location)} is not a plain relative file name; rename it to copy it safely`);
    if (!x.exists) throw new EmitError('unsupported-model', file, `external data '${rel}' is missing beside the model; the model cannot be served without it`);
    return { location: rel, absPath: path.join(dir, ...rel.split('/')) };
  });
}

/**
 * The serving view of an inspected model.
 *
 * @throws EmitError `unsupported-model` for non-tensor IO or unknown ranks.
 */
export function servingModel(inspection: ModelInspection, name?: string): ServingModel {
  const file = inspection.file.path;
  const base = name ?? file.split(/[\\/]/).pop() ?? 'model';
  return {
    name: servingName(base),
    path: file,
    inputs: inspection.inputs.map((t) => servingTensor(t, file)),
    outputs: inspection.outputs.map((t) => servingTensor(t, file)),
    batching: inspection.batch.supportsTritonBatching,
    weightBytes: inspection.weightBytes,
    opset: inspection.opsets['ai.onnx'],
    externalData: externalFiles(inspection),
  };
}

/** Options shared by every emitter. */
export interface EmitOptions {
  /** Serving name (default: from the model file name). */
  name?: string;
  /** A measured profile of this model (latency, memory). */
  profile?: ProfileFacts;
  /** p99 latency budget in ms (default: the profile's budget, else 100). */
  budgetMs?: number;
  /** Container image of the emitted server for Kubernetes (default `<name>-server:0.1.0`). */
  image?: string;
  /** Model location for KServe (default `pvc://model-store/<name>`). */
  storageUri?: string;
  minReplicas?: number;
  maxReplicas?: number;
  /** KServe canary percentage (needs Serverless mode; see the emitted note). */
  canaryTrafficPercent?: number;
  /** Triton instance kind (default CPU). */
  gpu?: boolean;
  /** Triton `max_batch_size` when the model batches (default: the profile's batch when > 1, else 8). */
  maxBatchSize?: number;
}

/**
 * Refuses a profile whose numbers no measurement can produce (a hand-edited or hostile result file): negative
 * or astronomic latencies, memory or batch sizes would otherwise reach YAML/pbtxt as `1e+294Mi`.
 *
 * @throws EmitError `bad-option` naming the file and the field.
 */
export function checkProfile(p: ProfileFacts): void {
  const bad = (field: string, value: unknown, range: string): never => {
    throw new EmitError('bad-option', p.source, `${field} ${String(value)} is not a plausible measurement (expected ${range})`);
  };
  const within = (field: string, v: number | undefined, min: number, max: number, integer = false): void => {
    if (v === undefined) return;
    if (!Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) bad(field, v, `${integer ? 'an integer ' : ''}${min}…${max}`);
  };
  within('p50Ms', p.p50Ms, 0, 3_600_000);
  within('p99Ms', p.p99Ms, 0, 3_600_000);
  within('budgetMs', p.budgetMs, 0, 3_600_000);
  within('peakRssBytes', p.peakRssBytes, 0, 2 ** 50);
  within('batch', p.batch, 1, 1_000_000, true);
  within('throughputPerSec', p.throughputPerSec, 0, 1e12);
  if (p.dynamicBatching) {
    within('advice.dynamicBatching.maxBatchSize', p.dynamicBatching.maxBatchSize, 1, 1_000_000, true);
    within('advice.dynamicBatching.maxQueueDelayMicroseconds', p.dynamicBatching.maxQueueDelayMicroseconds, 0, 60_000_000);
    for (const b of p.dynamicBatching.preferredBatchSizes ?? []) within('advice.dynamicBatching.preferredBatchSizes[]', b, 1, 1_000_000, true);
  }
}

export const DEFAULT_BUDGET_MS = 100;
export const DEFAULT_MAX_BATCH = 8;
/** Used when no profile was measured: a conservative start, well under any interactive budget. */
export const DEFAULT_QUEUE_DELAY_US = 100;

/**
 * Triton's `dynamic_batching.max_queue_delay_microseconds`: how long a request may wait for others to form a
 * batch. With a profile: a quarter of the headroom `budget − p99` (budget: the option, else the profile's,
 * else {@link DEFAULT_BUDGET_MS}), clamped to [50 µs, 10 ms]; 0 when p99 already exceeds the budget (no room
 * to queue). A profile that carries the profiler's own Triton advice (and no explicit budget option) uses that
 * advice. Without a profile: {@link DEFAULT_QUEUE_DELAY_US}.
 */
export function queueDelay(options: EmitOptions): { micros: number; reason: string } {
  const p = options.profile;
  const budget = options.budgetMs ?? p?.budgetMs ?? DEFAULT_BUDGET_MS;
  if (!p) return { micros: DEFAULT_QUEUE_DELAY_US, reason: `default ${DEFAULT_QUEUE_DELAY_US} µs: no profile measured (run the profiler and emit again with --profile)` };
  if (p.dynamicBatching && options.budgetMs === undefined) {
    return { micros: Math.round(p.dynamicBatching.maxQueueDelayMicroseconds), reason: `${Math.round(p.dynamicBatching.maxQueueDelayMicroseconds)} µs from the profiler's advice (${p.source}): ${p.dynamicBatching.reason.replace(/\n/g, ' ')}` };
  }
  const clamp = (us: number): number => Math.round(Math.min(10_000, Math.max(50, us)));
  const headroom = budget - p.p99Ms;
  if (headroom <= 0) return { micros: 0, reason: `0: measured p99 ${p.p99Ms} ms already exceeds the ${budget} ms budget, so requests must not wait` };
  const micros = clamp(headroom * 1000 * 0.25);
  return { micros, reason: `${micros} µs = ¼ of the headroom between the ${budget} ms budget and the measured p99 ${p.p99Ms} ms (clamped to 50 µs…10 ms)` };
}

export interface Resources {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
  /** How the numbers were chosen. */
  basis: string;
}

const MiB = 1024 * 1024;

/** Container resources: memory from the profile's peak RSS (×1.25 request, ×2 limit), else estimated from the weights. */
export function resources(model: ServingModel, options: EmitOptions): Resources {
  const peak = options.profile?.peakRssBytes;
  if (peak !== undefined && peak > 0) {
    const req = Math.max(128, Math.ceil((peak * 1.25) / MiB / 64) * 64);
    return { requests: { cpu: '1', memory: `${req}Mi` }, limits: { cpu: '2', memory: `${req * 2}Mi` }, basis: `memory from the measured peak RSS ${formatBytes(peak)} (${options.profile!.source}): request ×1.25, limit ×2` };
  }
  const req = Math.max(512, Math.ceil((model.weightBytes * 3 + 300 * MiB) / MiB / 64) * 64);
  return { requests: { cpu: '1', memory: `${req}Mi` }, limits: { cpu: '2', memory: `${req * 2}Mi` }, basis: `estimate (no profile): 3 × ${formatBytes(model.weightBytes)} of weights + 300 MiB for the runtime; measure with the profiler` };
}
