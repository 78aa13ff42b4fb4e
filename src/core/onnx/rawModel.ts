/**
 * The subset of an ONNX `ModelProto` that `parseModel` decodes: graph structure and tensor *headers*
 * (name, type, dims, where the data lives and how big it is), never tensor payloads.
 */

/** Where an initializer's data lives. */
export interface ExternalRef {
  location: string;
  offset: number;
  /** `null` when the `length` key is absent (the data runs to the end of the file). */
  length: number | null;
}

export interface RawTensor {
  name: string;
  dataType: number;
  /** `null` when no dims field was present (a scalar by the spec). */
  dims: number[] | null;
  /** Number of elements (product of dims; derived from the payload size when dims are missing). */
  elements: number;
  /** Logical size in bytes: elements × element size (string tensors: stored bytes). */
  bytes: number;
  /** Bytes actually stored inline (raw_data or typed data fields), 0 for external tensors. */
  storedBytes: number;
  /** Set for `data_location: EXTERNAL`. */
  external: ExternalRef | null;
  /** Values of small int64 tensors (≤ 64 elements), read for shape inference (Reshape targets etc.). */
  int64Values: number[] | null;
  /**
   * Where the inline payload lies in the model file, when it is one length-delimited field (`raw_data`, or packed
   * `float_data`/`double_data`/`int32_data`/`int64_data`/`uint64_data`): the field number and the byte range.
   * `null` for external data, for payloads split over several fields, and for tensors without data.
   */
  payload?: { field: number; offset: number; length: number } | null;
}

export interface RawSparseTensor {
  values: RawTensor;
  indices: RawTensor | null;
  dims: number[];
}

/** One dimension as declared: a number, a symbolic name, or `'?'`. */
export type RawDim = number | string;

export type RawType =
  | { kind: 'tensor'; elemType: number; shape: RawDim[] | null }
  | { kind: 'sparse'; elemType: number; shape: RawDim[] | null }
  | { kind: 'sequence'; elem: RawType | null }
  | { kind: 'map'; keyType: number; value: RawType | null }
  | { kind: 'optional'; elem: RawType | null }
  | { kind: 'opaque' }
  | { kind: 'unknown' };

export interface RawValueInfo {
  name: string;
  type: RawType | null;
  docString: string;
}

export interface RawAttribute {
  name: string;
  /** `i` (int) value. */
  i?: number;
  /** `f` (float) value. */
  f?: number;
  /** `ints` values (at most 64 kept). */
  ints?: number[];
  /** `s` value, only when short (≤ 256 bytes), decoded as UTF-8. */
  s?: string;
  /** `t` tensor header. */
  t?: RawTensor;
}

export interface RawNode {
  opType: string;
  domain: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attributes: Map<string, RawAttribute>;
  /** Graphs held by GRAPH/GRAPHS attributes (If branches, Loop/Scan bodies, …). */
  subgraphs: RawGraph[];
}

export interface RawGraph {
  name: string;
  docString: string;
  nodes: RawNode[];
  initializers: RawTensor[];
  sparseInitializers: RawSparseTensor[];
  inputs: RawValueInfo[];
  outputs: RawValueInfo[];
  valueInfo: RawValueInfo[];
  /** Nesting depth: 0 for the main graph. */
  depth: number;
}

export interface RawFunction {
  name: string;
  domain: string;
  nodes: RawNode[];
}

export interface RawModel {
  irVersion: number | null;
  opsets: Array<{ domain: string; version: number }>;
  producerName: string;
  producerVersion: string;
  domain: string;
  modelVersion: number | null;
  docString: string;
  graph: RawGraph | null;
  metadata: Array<{ key: string; value: string }>;
  functions: RawFunction[];
  /** Non-fatal oddities found while decoding (e.g. payload size not matching dims). */
  notes: string[];
}
