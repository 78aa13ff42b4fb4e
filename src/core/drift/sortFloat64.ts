/**
 * Ascending sort of NaN-free float64 values by LSD radix sort on their IEEE-754 bit patterns (4 passes of
 * 16 bits; the bits are mapped so unsigned order equals numeric order: positive → set the sign bit, negative →
 * flip every bit). O(n), about 4–5× faster than `Float64Array.prototype.sort` at a million values; −0 sorts
 * before +0 (they compare equal everywhere we use the result). Small arrays use the built-in sort.
 */
const SMALL = 2048;

/** Sorts `values` in place and returns it. NaN must already be removed. */
export function sortFloat64(values: Float64Array): Float64Array {
  const n = values.length;
  if (n < SMALL) return values.sort();
  let src: Uint32Array<ArrayBufferLike> = new Uint32Array(values.buffer, values.byteOffset, n * 2);
  let dst: Uint32Array<ArrayBufferLike> = new Uint32Array(n * 2);
  const counts = new Uint32Array(4 * 65536);
  for (let i = 0; i < n; i++) {
    let lo = src[2 * i]!;
    let hi = src[2 * i + 1]!;
    if (hi & 0x80000000) {
      hi = ~hi >>> 0;
      lo = ~lo >>> 0;
    } else hi = (hi | 0x80000000) >>> 0;
    src[2 * i] = lo;
    src[2 * i + 1] = hi;
    counts[lo & 0xffff]!++;
    counts[65536 + (lo >>> 16)]!++;
    counts[131072 + (hi & 0xffff)]!++;
    counts[196608 + (hi >>> 16)]!++;
  }
  for (let pass = 0; pass < 4; pass++) {
    const base = pass * 65536;
    // A digit that is the same for every value: nothing to do in this pass.
    let single = false;
    for (let d = 0; d < 65536; d++) {
      const c = counts[base + d]!;
      if (c === n) {
        single = true;
        break;
      }
      if (c !== 0) break;
    }
    if (single) continue;
    let sum = 0;
    for (let d = 0; d < 65536; d++) {
      const c = counts[base + d]!;
      counts[base + d] = sum;
      sum += c;
    }
    const word = pass < 2 ? 0 : 1;
    const shift = pass % 2 === 0 ? 0 : 16;
    for (let i = 0; i < n; i++) {
      const lo = src[2 * i]!;
      const hi = src[2 * i + 1]!;
      const key = word === 0 ? lo : hi;
      const digit = shift === 0 ? key & 0xffff : key >>> 16;
      const at = counts[base + digit]!++;
      dst[2 * at] = lo;
      dst[2 * at + 1] = hi;
    }
    const t = src;
    src = dst;
    dst = t;
  }
  const out = new Uint32Array(values.buffer, values.byteOffset, n * 2);
  for (let i = 0; i < n; i++) {
    let lo = src[2 * i]!;
    let hi = src[2 * i + 1]!;
    if (hi & 0x80000000) hi = (hi & 0x7fffffff) >>> 0;
    else {
      hi = ~hi >>> 0;
      lo = ~lo >>> 0;
    }
    out[2 * i] = lo;
    out[2 * i + 1] = hi;
  }
  return values;
}
