/**
 * Input synthesis: turns an `InputPlan` (name, dtype, concrete dims, how to fill) into the data ONNX Runtime
 * needs. Used by the worker; pure and deterministic (seeded mulberry32, never `Math.random`), so the same plan
 * gives the same tensor on every machine.
 *
 * Ranges: floats uniform in [0, 1); integers uniform in [min, max] (default [0, 9]: valid ids for most
 * embeddings); `uint8` [0, 255] (image bytes); `int8` [-128, 127]; bools 50/50; strings `sample-<i>`;
 * float16 holds IEEE half bits of a value in [0, 1).
 */
import type { InputPlan, OrtDtype } from '../../shared/workerProtocol';
import { ProfileError } from './errors';

/** The typed data behind one tensor. */
export type TensorData =
  | Float32Array | Float64Array | Uint16Array | Int8Array | Uint8Array | Int16Array | Int32Array | Uint32Array
  | BigInt64Array | BigUint64Array | string[];

export interface SynthesizedTensor {
  name: string;
  dtype: OrtDtype;
  dims: number[];
  data: TensorData;
}

/** Every dtype the synthesiser supports. */
export const ORT_DTYPES: readonly OrtDtype[] = [
  'float32', 'float64', 'float16', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'bool', 'string',
];

/** Maps an inspection dtype (`float32`, `double`, …) to an ORT tensor type, or explains why it cannot be profiled. */
export function toOrtDtype(inputName: string, dtype: string): OrtDtype {
  const alias: Record<string, OrtDtype> = { float: 'float32', double: 'float64', half: 'float16' };
  const d = alias[dtype] ?? dtype;
  if ((ORT_DTYPES as readonly string[]).includes(d)) return d as OrtDtype;
  const why = /^(sequence|map|optional|sparse)</.test(dtype)
    ? 'non-tensor inputs are not supported by the profiler'
    : dtype === 'unknown' ? 'the model does not declare its element type' : `onnxruntime-node cannot create ${dtype} tensors`;
  throw new ProfileError('unsupported-input', `input '${inputName}' has type ${dtype}: ${why}`);
}

/** mulberry32: uniform floats in [0, 1) from a 32-bit seed. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** IEEE 754 half-precision bits of `value` (round to nearest even; overflow to ±Infinity). */
export function toFloat16Bits(value: number): number {
  const f32 = new Float32Array(1);
  const u32 = new Uint32Array(f32.buffer);
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rem > mid || (rem === mid && (half & 1))) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (half & 1))) half++;
  return sign | half;
}

/** Value of IEEE half bits (for tests and checks). */
export function fromFloat16Bits(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >>> 10) & 0x1f;
  const mant = bits & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** Elements of a shape (1 for a scalar). @throws ProfileError on a negative or non-integer dim. */
export function elementCount(name: string, dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) {
    if (!Number.isInteger(d) || d < 0) throw new ProfileError('bad-shape', `input '${name}': dim ${d} is not a non-negative integer`);
    n *= d;
  }
  return n;
}

/** Default inclusive integer range of a dtype for synthetic data. */
export function defaultIntRange(dtype: OrtDtype): [number, number] {
  switch (dtype) {
    case 'uint8': return [0, 255];
    case 'int8': return [-128, 127];
    default: return [0, 9];
  }
}

function allocate(dtype: OrtDtype, n: number): TensorData {
  switch (dtype) {
    case 'float32': return new Float32Array(n);
    case 'float64': return new Float64Array(n);
    case 'float16': return new Uint16Array(n);
    case 'int8': return new Int8Array(n);
    case 'uint8': case 'bool': return new Uint8Array(n);
    case 'int16': return new Int16Array(n);
    case 'uint16': return new Uint16Array(n);
    case 'int32': return new Int32Array(n);
    case 'uint32': return new Uint32Array(n);
    case 'int64': return new BigInt64Array(n);
    case 'uint64': return new BigUint64Array(n);
    case 'string': return new Array<string>(n).fill('');
  }
}

/** Writes number `v` at `i`, converted to the dtype's storage. */
function put(data: TensorData, dtype: OrtDtype, i: number, v: number | bigint | string): void {
  if (dtype === 'string') (data as string[])[i] = String(v);
  else if (dtype === 'int64' || dtype === 'uint64') (data as BigInt64Array)[i] = typeof v === 'bigint' ? v : BigInt(Math.trunc(Number(v)));
  else if (dtype === 'float16') (data as Uint16Array)[i] = toFloat16Bits(Number(v));
  else if (dtype === 'bool') (data as Uint8Array)[i] = Number(v) ? 1 : 0;
  else (data as Float64Array)[i] = Number(v);
}

/**
 * Builds the tensor data of `plan`.
 *
 * @throws ProfileError when the dims are invalid or sample rows do not fit.
 */
export function synthesize(plan: InputPlan): SynthesizedTensor {
  const { name, dtype, dims, fill } = plan;
  const n = elementCount(name, dims);
  const data = allocate(dtype, n);
  switch (fill.kind) {
    case 'constant':
      for (let i = 0; i < n; i++) put(data, dtype, i, dtype === 'string' ? String(fill.value) : fill.value);
      break;
    case 'random': {
      const rand = mulberry32(fill.seed);
      const isFloat = dtype === 'float32' || dtype === 'float64' || dtype === 'float16';
      if (dtype === 'string') {
        for (let i = 0; i < n; i++) (data as string[])[i] = `sample-${Math.floor(rand() * 1000)}`;
      } else if (dtype === 'bool') {
        for (let i = 0; i < n; i++) (data as Uint8Array)[i] = rand() < 0.5 ? 1 : 0;
      } else if (isFloat) {
        const lo = fill.min ?? 0;
        const hi = fill.max ?? 1;
        for (let i = 0; i < n; i++) put(data, dtype, i, lo + rand() * (hi - lo));
      } else {
        const [dlo, dhi] = defaultIntRange(dtype);
        const lo = Math.ceil(fill.min ?? dlo);
        const hi = Math.floor(fill.max ?? dhi);
        if (hi < lo) throw new ProfileError('bad-option', `input '${name}': empty integer range [${lo}, ${hi}]`);
        for (let i = 0; i < n; i++) put(data, dtype, i, lo + Math.floor(rand() * (hi - lo + 1)));
      }
      break;
    }
    case 'rows': {
      const rowElems = elementCount(name, fill.rowShape);
      if (fill.rows < 1 || fill.data.length !== fill.rows * rowElems) {
        throw new ProfileError('bad-samples', `input '${name}': sample data holds ${fill.data.length} values, expected ${fill.rows} rows × ${rowElems}`);
      }
      if (n % Math.max(rowElems, 1) !== 0) {
        throw new ProfileError('bad-samples', `input '${name}': a sample row has shape [${fill.rowShape.join(', ')}], which does not tile the input shape [${dims.join(', ')}]`);
      }
      const src = fill.data;
      for (let i = 0; i < n; i++) {
        const v = src[i % src.length]!;
        put(data, dtype, i, typeof v === 'string' ? (dtype === 'string' ? v : Number(v)) : v);
      }
      break;
    }
  }
  return { name, dtype, dims: [...dims], data };
}
