/**
 * The result of inspecting an ONNX model: plain JSON (no BigInt, no typed arrays), so it can cross
 * the CLI's `--json`, the webview's postMessage and the Remote-SSH boundary unchanged.
 *
 * Everything here is produced by `src/core/onnx/inspect.ts` without reading tensor payloads
 * (`raw_data`, external data): cost grows with the graph, not with the weights.
 */

/** Element types in lower-case numpy style (`float32`, `int64`, `bool`, `string`, `bfloat16`, …). */
export type DType = string;

/** One dimension: a number for a fixed size, the symbolic name for a named dynamic dim, `'?'` when unknown. */
export type Dim = number | string;

export interface TensorInfo {
  name: string;
  /** Element type; `'unknown'` when the graph does not say. Non-tensor types: `'sequence<float32>'`, `'map<int64,float32>'`, `'optional<…>'`, `'sparse<…>'`. */
  dtype: DType;
  /** `null` when the shape is not given at all (rank unknown). */
  shape: Dim[] | null;
  docString?: string;
}

export interface ExternalDataFile {
  /** The `location` string exactly as written in the model. */
  location: string;
  /** Sum of the `length` fields (or the file's size past `offset` where length is absent) of the tensors stored there. */
  bytes: number;
  /** Number of initializers stored in this file. */
  tensors: number;
  /** Whether the file exists next to the model (always false when refused). */
  exists: boolean;
  /** Set when the location was refused and never opened (absolute, `..` escaping the model folder, or a symlink out). */
  refused?: string;
}

export type QuantizationKind = 'none' | 'dynamic' | 'qdq' | 'qoperator' | 'fp16' | 'mixed';

export interface QuantizationInfo {
  kind: QuantizationKind;
  /** The individual signals that led to `kind` (e.g. `['qdq', 'fp16']` for `mixed`). */
  signals: Exclude<QuantizationKind, 'none' | 'mixed'>[];
  /** Quantization-related op counts (QuantizeLinear, DequantizeLinear, MatMulInteger, QLinearConv, …). */
  ops: Record<string, number>;
  /** Weight bytes by element type among initializers, repeated here for convenience. */
  weightDtypes: DType[];
  /** One line saying how the kind was read, when it needs saying (e.g. dynamic int8 with weight-only dequantized embeddings). */
  detail?: string;
}

export interface DtypeWeights {
  count: number;
  parameters: number;
  bytes: number;
}

export interface BatchAnalysis {
  /** True when every input and output has a leading dim that is dynamic (symbolic or unknown) and, for named dims, the same name. */
  sharedLeadingDynamic: boolean;
  /** The shared leading dim name (e.g. `'batch'`) when there is one. */
  leadingDim: Dim | null;
  /** What Triton needs: `max_batch_size > 0` is only valid when this is true. */
  supportsTritonBatching: boolean;
  /** Plain-language reason for the verdict. */
  reason: string;
}

export interface FlopsEstimate {
  /** Multiply–accumulates of Conv/ConvTranspose/Gemm/MatMul nodes whose shapes resolved; `null` when none resolved. */
  macs: number | null;
  /** 2 × MACs. */
  flops: number | null;
  /** Nodes counted / nodes of those types in the graph. */
  nodesCounted: number;
  nodesTotal: number;
  /** The value used for each symbolic dim (e.g. `{ batch: 1 }`), stated so the number can be reproduced. */
  assumption: Record<string, number>;
  /**
   * Set when the inputs have sequence-like dynamic dims (`sequence`, `seq_len`, …) not given with `--dim`: the
   * FLOPs are stated at `length` for them, taken from the metadata or the default (128).
   */
  sequence?: { dims: string[]; length: number; source: string };
}

export interface ModelInspection {
  file: { path: string; bytes: number };
  irVersion: number | null;
  /** Opset per domain; the default domain is reported as `'ai.onnx'`. */
  opsets: Record<string, number>;
  producer: { name: string; version: string };
  domain: string;
  modelVersion: number | null;
  docString: string;
  graphName: string;
  /** `metadata_props` key → value. */
  metadata: Record<string, string>;
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  /** All nodes, subgraph nodes included. */
  nodeCount: number;
  /** Op type → count over all graphs; ops of other domains keyed `domain::OpType` (e.g. `com.microsoft::FusedMatMul`). */
  opHistogram: Record<string, number>;
  /** If/Loop/Scan bodies (and any other graph-valued attribute), nested ones included. */
  subgraphCount: number;
  /** Model-local functions (`ModelProto.functions`). */
  functionCount: number;
  initializerCount: number;
  parameterCount: number;
  /** Bytes of all initializers, inline and external. */
  weightBytes: number;
  weightsByDtype: Record<DType, DtypeWeights>;
  externalData: ExternalDataFile[];
  quantization: QuantizationInfo;
  batch: BatchAnalysis;
  /** FLOPs (2 × MACs) estimate, or `null` when no shape resolved. */
  flops: number | null;
  flopsEstimate: FlopsEstimate;
  warnings: string[];
  /** Ops the chosen execution provider has no kernel for (`inspect --ep`); absent when no EP was asked for. */
  epOps?: EpOpReport | null;
}

/** One op of a model that an execution provider has no kernel for at the model's opset. */
export interface EpOpGap {
  /** The `opHistogram` key (`Conv`, `com.microsoft::FusedMatMul`). */
  key: string;
  domain: string;
  op: string;
  /** The model's opset of the op's domain. */
  opset: number;
  /** Nodes of this op. */
  count: number;
  /** The opsets the EP does have kernels for (`7-12`), or `null` when it has none. */
  kernelOpsets: string | null;
  /** ONNX defines the op as a function; ONNX Runtime expands it into ops it has kernels for. */
  expandsAsFunction: boolean;
}

export interface EpOpReport {
  ep: string;
  /** Where the EP's op table comes from (ONNX Runtime's docs, with commit or release). */
  source: string;
  gaps: EpOpGap[];
}

/** Error reasons for a model that cannot be inspected. */
export type InspectErrorReason =
  | 'not-found'
  | 'not-a-file'
  | 'io'
  | 'empty'
  | 'not-onnx'
  | 'truncated'
  | 'malformed'
  | 'too-deep'
  | 'aborted';

/** What an inspection error's reason means, in words (the reason itself stays a stable code for matching). */
export function inspectErrorTitle(reason: string): string {
  const titles: Record<InspectErrorReason | 'internal', string> = {
    'not-found': 'the file is not there',
    'not-a-file': 'it is not a regular file',
    io: 'the file could not be read',
    empty: 'the file is empty',
    'not-onnx': 'it is not an ONNX model',
    truncated: 'the file is truncated',
    malformed: 'the file is malformed',
    'too-deep': 'it is nested too deeply to parse safely',
    aborted: 'the inspection was cancelled',
    internal: 'an internal error',
  };
  return (titles as Record<string, string | undefined>)[reason] ?? 'an error';
}
