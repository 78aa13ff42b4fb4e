/**
 * A small builder for ONNX test models on top of `onnx-proto` (protobufjs classes generated from onnx.proto).
 * Test-only: it builds whole models in memory, which is fine for fixtures of a few KiB.
 */
import { onnx } from 'onnx-proto';

/** `TensorProto.DataType` codes. */
export const DT = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
} as const;

const ELEM_BYTES: Record<number, number> = { 1: 4, 2: 1, 3: 1, 6: 4, 7: 8, 9: 1, 10: 2, 11: 8 };

/** A dim: a number, a symbolic name, or `null` for a dim with neither value nor name. */
export type BDim = number | string | null;

/** TypeProto for a tensor; `shape: null` leaves the shape out. */
export function tensorType(elemType: number, shape: readonly BDim[] | null): onnx.ITypeProto {
  const tensorType: onnx.TypeProto.ITensor = { elemType };
  if (shape) {
    tensorType.shape = {
      dim: shape.map((d) => (d === null ? {} : typeof d === 'number' ? { dimValue: d } : { dimParam: d })),
    };
  }
  return { tensorType };
}

export function sequenceType(elem: onnx.ITypeProto): onnx.ITypeProto {
  return { sequenceType: { elemType: elem } };
}

export function mapType(keyType: number, value: onnx.ITypeProto): onnx.ITypeProto {
  return { mapType: { keyType, valueType: value } };
}

/** ValueInfoProto; `type: null` leaves the type out entirely. */
export function valueInfo(name: string, type: onnx.ITypeProto | null, docString?: string): onnx.IValueInfoProto {
  const v: onnx.IValueInfoProto = { name };
  if (type) v.type = type;
  if (docString) v.docString = docString;
  return v;
}

/** Shorthand: a tensor-typed ValueInfoProto. */
export function tensorInfo(name: string, elemType: number, shape: readonly BDim[] | null, docString?: string): onnx.IValueInfoProto {
  return valueInfo(name, tensorType(elemType, shape), docString);
}

export interface TensorOptions {
  /** How the data is stored: `raw` (raw_data, zero bytes), `typed` (float_data/int64_data/int32_data), or external. */
  storage?: 'raw' | 'typed' | 'none';
  /** int64 values (for shape tensors). */
  int64s?: number[];
  external?: { location: string; offset?: number; length?: number };
  /** Leave `dims` out of the message (old writers). */
  omitDims?: boolean;
}

function count(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/** An initializer/constant tensor whose data is zeros (or `int64s`). */
export function tensor(name: string, dataType: number, dims: readonly number[], opts: TensorOptions = {}): onnx.ITensorProto {
  const t: onnx.ITensorProto = { name, dataType };
  if (!opts.omitDims) t.dims = [...dims];
  const n = count(dims);
  if (opts.external) {
    t.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
    t.externalData = [{ key: 'location', value: opts.external.location }];
    if (opts.external.offset !== undefined) t.externalData.push({ key: 'offset', value: String(opts.external.offset) });
    if (opts.external.length !== undefined) t.externalData.push({ key: 'length', value: String(opts.external.length) });
    return t;
  }
  if (opts.int64s) {
    if (opts.storage === 'typed') t.int64Data = opts.int64s;
    else {
      const buf = Buffer.alloc(opts.int64s.length * 8);
      opts.int64s.forEach((v, i) => buf.writeBigInt64LE(BigInt(v), i * 8));
      t.rawData = buf;
    }
    return t;
  }
  const storage = opts.storage ?? 'raw';
  if (storage === 'raw') t.rawData = new Uint8Array(Math.ceil(n * (ELEM_BYTES[dataType] ?? 1)));
  else if (storage === 'typed') {
    if (dataType === DT.FLOAT) t.floatData = new Array<number>(n).fill(0.5);
    else if (dataType === DT.INT64) t.int64Data = new Array<number>(n).fill(1);
    else if (dataType === DT.DOUBLE) t.doubleData = new Array<number>(n).fill(0.5);
    else t.int32Data = new Array<number>(n).fill(1);
  }
  return t;
}

/** Attribute values: numbers are ints unless wrapped as `{ f }`. */
export type AttrValue =
  | number
  | { f: number }
  | number[]
  | string
  | { t: onnx.ITensorProto }
  | { g: onnx.IGraphProto }
  | { graphs: onnx.IGraphProto[] };

function attribute(name: string, v: AttrValue): onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof v === 'number') return { name, type: T.INT, i: v };
  if (typeof v === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: T.INTS, ints: v };
  if ('f' in v) return { name, type: T.FLOAT, f: v.f };
  if ('t' in v) return { name, type: T.TENSOR, t: v.t };
  if ('g' in v) return { name, type: T.GRAPH, g: v.g };
  return { name, type: T.GRAPHS, graphs: v.graphs };
}

export function node(
  opType: string,
  inputs: string[],
  outputs: string[],
  attrs: Record<string, AttrValue> = {},
  opts: { domain?: string; name?: string; docString?: string } = {},
): onnx.INodeProto {
  const n: onnx.INodeProto = { opType, input: inputs, output: outputs };
  if (opts.name) n.name = opts.name;
  if (opts.domain) n.domain = opts.domain;
  if (opts.docString) n.docString = opts.docString;
  const list = Object.entries(attrs).map(([k, v]) => attribute(k, v));
  if (list.length > 0) n.attribute = list;
  return n;
}

export interface GraphSpec {
  name?: string;
  nodes: onnx.INodeProto[];
  inputs?: onnx.IValueInfoProto[];
  outputs?: onnx.IValueInfoProto[];
  initializers?: onnx.ITensorProto[];
  sparseInitializers?: onnx.ISparseTensorProto[];
  valueInfo?: onnx.IValueInfoProto[];
  docString?: string;
}

export function graph(spec: GraphSpec): onnx.IGraphProto {
  return {
    name: spec.name ?? 'g',
    node: spec.nodes,
    input: spec.inputs ?? [],
    output: spec.outputs ?? [],
    initializer: spec.initializers ?? [],
    sparseInitializer: spec.sparseInitializers ?? [],
    valueInfo: spec.valueInfo ?? [],
    docString: spec.docString,
  };
}

export interface ModelSpec {
  graph: onnx.IGraphProto;
  /** Domain → version; `''` is the default domain. Default `{ '': 17 }`. */
  opsets?: Record<string, number>;
  irVersion?: number;
  producerName?: string;
  producerVersion?: string;
  domain?: string;
  modelVersion?: number;
  docString?: string;
  metadata?: Record<string, string>;
  functions?: onnx.IFunctionProto[];
}

/** Serializes a ModelProto. */
export function model(spec: ModelSpec): Uint8Array {
  const m: onnx.IModelProto = {
    irVersion: spec.irVersion ?? 8,
    opsetImport: Object.entries(spec.opsets ?? { '': 17 }).map(([domain, version]) => ({ domain, version })),
    producerName: spec.producerName ?? 'ml-preflight-fixtures',
    producerVersion: spec.producerVersion ?? '1.0',
    graph: spec.graph,
  };
  if (spec.domain) m.domain = spec.domain;
  if (spec.modelVersion !== undefined) m.modelVersion = spec.modelVersion;
  if (spec.docString) m.docString = spec.docString;
  if (spec.metadata) m.metadataProps = Object.entries(spec.metadata).map(([key, value]) => ({ key, value }));
  if (spec.functions) m.functions = spec.functions;
  return onnx.ModelProto.encode(onnx.ModelProto.create(m)).finish();
}
