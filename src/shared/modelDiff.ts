/**
 * The result of comparing two ONNX models (`ml-preflight diff`, the checklist's serving-contract item and the
 * Compare Models view): plain JSON, so the CLI's `--json`, the webview's postMessage and SARIF all carry the
 * same object. Produced by `src/core/diff/diffModels.ts`.
 *
 * Every contract change is classified for a *client of the deployed service*:
 * - `breaking`: a request or a response that worked with the old model fails or means something else with the new one;
 * - `compatible`: every old request still works (e.g. a fixed dim became dynamic, an output was added);
 * - `informational`: nothing a client sees, but worth knowing at deployment (opset bump, producer, op mix).
 */
import type { Dim, QuantizationKind, TensorInfo } from './modelInspection';

export type ChangeSeverity = 'breaking' | 'compatible' | 'informational';

/** Stable identifiers of contract change classes (match on these, never on `reason`). */
export type ContractChangeKind =
  | 'input-removed'
  | 'input-added'
  | 'input-renamed'
  | 'output-removed'
  | 'output-added'
  | 'output-renamed'
  | 'dtype-changed'
  | 'rank-changed'
  | 'shape-unknown'
  | 'dim-fixed-to-dynamic'
  | 'dim-dynamic-to-fixed'
  | 'dim-size-changed'
  | 'dim-renamed'
  | 'position-changed'
  | 'batch-dim-lost'
  | 'batch-dim-gained'
  | 'opset-changed'
  | 'opset-domain-added'
  | 'opset-domain-removed'
  | 'ir-version-changed'
  | 'op-added'
  | 'op-removed'
  | 'custom-domain-added'
  | 'custom-domain-removed'
  | 'external-data-changed'
  | 'external-data-missing';

export interface ContractChange {
  kind: ContractChangeKind;
  severity: ChangeSeverity;
  /** What changed: an input/output name, a domain, an op type, an external data location. */
  subject: string;
  /** `input` / `output` for IO changes, else the area (`opset`, `ops`, `external-data`, `ir`, `batch`). */
  role: 'input' | 'output' | 'opset' | 'ir' | 'ops' | 'batch' | 'external-data';
  /** Plain-language reason, for a person deciding whether to ship. */
  reason: string;
  /** Old and new values as short strings (`float32`, `batch × 3 × 224 × 224`, `17`), when they exist. */
  before?: string;
  after?: string;
  /** For dim changes: the axis (0-based). */
  axis?: number;
}

/** One input or output in the side-by-side IO table, with the cells that changed. */
export interface IoRow {
  role: 'input' | 'output';
  /** `null` when the tensor exists only on the other side. */
  old: (TensorInfo & { position: number }) | null;
  new: (TensorInfo & { position: number }) | null;
  /** Which cells differ: `name` (renamed), `dtype`, `shape` (rank, a dim), `position`, `presence` (added/removed). */
  changed: Array<'name' | 'dtype' | 'shape' | 'position' | 'presence'>;
  /** The worst severity of this row's contract changes, `null` when unchanged. */
  severity: ChangeSeverity | null;
}

/** `before` → `after` of one number, with `after − before`. */
export interface NumberDelta {
  before: number | null;
  after: number | null;
  delta: number | null;
  /** `after / before − 1`, `null` when `before` is 0 or unknown. */
  relative: number | null;
}

export interface OpDelta {
  op: string;
  before: number;
  after: number;
  delta: number;
}

export interface MetadataChange {
  key: string;
  change: 'added' | 'removed' | 'changed';
  before?: string;
  after?: string;
  /** The key describes preprocessing (mean, std, size, colour order, scaling…): the serving code must change with it. */
  preprocessing: boolean;
}

/** Model-level changes: not the contract, but what the new model costs and how it was made. */
export interface ModelChanges {
  parameters: NumberDelta;
  weightBytes: NumberDelta;
  /** Per element type: bytes before/after. */
  weightBytesByDtype: Array<{ dtype: string } & NumberDelta>;
  initializerCount: NumberDelta;
  nodeCount: NumberDelta;
  flops: NumberDelta;
  /** The symbolic dims used for both FLOP estimates, so the numbers can be reproduced. */
  flopsAssumption: Record<string, number>;
  fileBytes: NumberDelta;
  quantization: { before: QuantizationKind; after: QuantizationKind; changed: boolean };
  /** Ops whose count changed, largest |delta| first. */
  opHistogram: OpDelta[];
  producer: { before: string; after: string; changed: boolean };
  modelVersion: { before: number | null; after: number | null; changed: boolean };
  metadata: MetadataChange[];
}

/** Initializer-level comparison, streamed from disk (`src/core/diff/initializers.ts`). */
export interface TensorChange {
  name: string;
  change: 'added' | 'removed' | 'reshaped' | 'retyped' | 'changed' | 'not-compared';
  dtype: { before: string | null; after: string | null };
  dims: { before: number[] | null; after: number[] | null };
  elements: { before: number | null; after: number | null };
  /** For `changed`: elements that differ, and the largest |new − old| over them (`null` for non-numeric data). */
  changedElements?: number;
  maxAbsDiff?: number | null;
  /** For `changed`: some element is NaN/∞ on exactly one side. */
  nonFinite?: boolean;
  /** For `not-compared`: why (e.g. data stored in a form that is not compared, external file refused). */
  note?: string;
}

export interface InitializerComparison {
  count: NumberDelta;
  unchanged: number;
  added: number;
  removed: number;
  reshaped: number;
  retyped: number;
  changed: number;
  notCompared: number;
  /** Payload bytes read from both sides. */
  bytesRead: number;
  /** Changes only (unchanged tensors are counted, not listed), biggest first; at most {@link MAX_TENSOR_CHANGES}. */
  tensors: TensorChange[];
  /** How many changes were left out of `tensors`. */
  omitted: number;
}

/** Most tensor changes listed in {@link InitializerComparison.tensors}. */
export const MAX_TENSOR_CHANGES = 200;

/** Latency/memory from the two models' saved profiles on the same machine. */
export interface PerformanceDelta {
  ep: string;
  batch: number;
  p50Ms: NumberDelta;
  p99Ms: NumberDelta;
  throughput: NumberDelta;
  peakRssBytes: NumberDelta;
  /** The latency budget (ms) and whether the new p99 is over it. */
  budgetMs: number | null;
  overBudget: boolean | null;
  /** Where the numbers come from. */
  sources: { before: string; after: string };
  /** Set when the two profiles were taken on different machines (CPU model/threads): the comparison then only says so. */
  caveat?: string;
}

export interface DiffSide {
  /** Path as given (or `ref:path` for a git blob). */
  label: string;
  path: string;
  bytes: number;
  /** Declared version: model_version, metadata `version`, when set. */
  version: string | null;
}

export interface ModelDiff {
  version: 1;
  old: DiffSide;
  new: DiffSide;
  /** `breaking` when any change is, else `compatible`, else `informational`, else `identical`. */
  verdict: ChangeSeverity | 'identical';
  counts: Record<ChangeSeverity, number>;
  /** Contract changes, breaking first, then compatible, then informational. */
  changes: ContractChange[];
  io: IoRow[];
  model: ModelChanges;
  /** Present when the initializer comparison ran. */
  initializers?: InitializerComparison;
  performance?: PerformanceDelta;
  /** The runtime the contract was checked against (`--ort`, `--ep`), for the opset/EP verdicts. */
  runtime: { ep: string; ortVersion: string | null };
}

export const SEVERITY_ORDER: Record<ChangeSeverity, number> = { breaking: 0, compatible: 1, informational: 2 };

/** A dim as text (`batch`, `?`, `224`). */
export function dimText(d: Dim): string {
  return String(d);
}
