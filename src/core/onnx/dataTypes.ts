/**
 * `TensorProto.DataType` codes (onnx.proto) → lower-case numpy-style names and element sizes in bytes.
 * Sub-byte types (int4, uint4, float4e2m1, int2, uint2) have fractional sizes: they are packed.
 */
const TYPES: ReadonlyArray<readonly [name: string, bytes: number]> = [
  ['unknown', 0], // 0 UNDEFINED
  ['float32', 4], // 1 FLOAT
  ['uint8', 1],
  ['int8', 1],
  ['uint16', 2],
  ['int16', 2],
  ['int32', 4],
  ['int64', 8],
  ['string', 0], // 8: variable length
  ['bool', 1],
  ['float16', 2], // 10
  ['float64', 8],
  ['uint32', 4],
  ['uint64', 8],
  ['complex64', 8],
  ['complex128', 16],
  ['bfloat16', 2], // 16
  ['float8e4m3fn', 1],
  ['float8e4m3fnuz', 1],
  ['float8e5m2', 1],
  ['float8e5m2fnuz', 1], // 20
  ['uint4', 0.5],
  ['int4', 0.5],
  ['float4e2m1', 0.5],
  ['float8e8m0', 1],
  ['uint2', 0.25], // 25
  ['int2', 0.25],
];

/** `TensorProto.DataType` values used by the analysis. */
export const DataType = {
  FLOAT: 1,
  INT64: 7,
  STRING: 8,
  FLOAT16: 10,
  BFLOAT16: 16,
} as const;

/** The numpy-style name of an ONNX element type (`'unknown'` for 0, `'unknown(N)'` for codes this version does not know). */
export function dtypeName(code: number): string {
  return TYPES[code]?.[0] ?? `unknown(${code})`;
}

/** Bytes per element (fractional for packed sub-byte types, 0 for strings and unknown codes). */
export function dtypeSize(code: number): number {
  return TYPES[code]?.[1] ?? 0;
}

/** Whether the element type is a floating-point type (float8/16/32/64, bfloat16, float4). */
export function isFloatName(name: string): boolean {
  return name.startsWith('float') || name === 'bfloat16';
}
