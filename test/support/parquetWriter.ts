/**
 * A small Parquet writer for test fixtures and benchmarks (no pyarrow on our machines). Writes format version 1
 * files: flat columns (DOUBLE, INT64, BOOLEAN, BYTE_ARRAY/UTF8), OPTIONAL when a column has nulls, data page v1,
 * PLAIN values or dictionary encoding (PLAIN dictionary page + RLE_DICTIONARY indices) for strings, and every
 * codec Parquet defines except LZO:
 *
 * - GZIP, BROTLI: Node's zlib.
 * - ZSTD: the `zstd` command line tool when installed (real compression), else a valid zstd frame of raw
 *   (stored) blocks (Node 20 has no zstd compressor).
 * - SNAPPY, LZ4 (Hadoop framing), LZ4_RAW: greedy hash-chain-free compressors written here (valid streams with
 *   real back-references, not optimal ratios).
 *
 * Thrift compact protocol per parquet-format's parquet.thrift (field ids noted inline).
 */
import { execFileSync } from 'node:child_process';
import { brotliCompressSync, crc32, gzipSync } from 'node:zlib';

export type Codec = 'UNCOMPRESSED' | 'SNAPPY' | 'GZIP' | 'BROTLI' | 'LZ4' | 'ZSTD' | 'LZ4_RAW';
const CODEC_IDS: Record<Codec, number> = { UNCOMPRESSED: 0, SNAPPY: 1, GZIP: 2, BROTLI: 4, LZ4: 5, ZSTD: 6, LZ4_RAW: 7 };

export type ParquetColumn =
  | { name: string; type: 'double'; values: ArrayLike<number> /* NaN = null */ }
  | { name: string; type: 'int64'; values: ArrayLike<number> /* NaN = null */ }
  | { name: string; type: 'boolean'; values: ArrayLike<boolean | null> }
  | { name: string; type: 'string'; values: ArrayLike<string | null>; dictionary?: boolean };

export interface WriteOptions {
  codec?: Codec;
  rowGroupSize?: number;
  /** Rows per data page (default: the whole row group). */
  pageSize?: number;
  /** Store each page's CRC-32 (of its compressed bytes) in the page header, as parquet-mr / arrow-rs can. */
  crc?: boolean;
}

// ---------------------------------------------------------------- bytes
class Bytes {
  private buf = new Uint8Array(1 << 16);
  length = 0;
  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.length + n) cap *= 2;
    const b = new Uint8Array(cap);
    b.set(this.buf.subarray(0, this.length));
    this.buf = b;
  }
  byte(b: number): void {
    this.ensure(1);
    this.buf[this.length++] = b & 0xff;
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }
  varint(v: number | bigint): void {
    let x = BigInt(v);
    while (x >= 0x80n) {
      this.byte(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    this.byte(Number(x));
  }
  u32le(v: number): void {
    this.ensure(4);
    new DataView(this.buf.buffer).setUint32(this.length, v, true);
    this.length += 4;
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

// ---------------------------------------------------------------- thrift compact
type TValue =
  | { t: 'i32'; v: number }
  | { t: 'i64'; v: number | bigint }
  | { t: 'bin'; v: string | Uint8Array }
  | { t: 'list'; elem: 'i32' | 'bin' | 'struct'; v: TValue[] }
  | { t: 'struct'; fields: Array<[number, TValue]> };

const T_TYPE = { i32: 5, i64: 6, bin: 8, list: 9, struct: 12 } as const;

function zigzag(v: number | bigint): bigint {
  const x = BigInt(v);
  return x >= 0n ? x << 1n : ((-x) << 1n) - 1n;
}

function writeValue(out: Bytes, val: TValue): void {
  switch (val.t) {
    case 'i32':
    case 'i64':
      out.varint(zigzag(val.v));
      break;
    case 'bin': {
      const b = typeof val.v === 'string' ? new TextEncoder().encode(val.v) : val.v;
      out.varint(b.length);
      out.bytes(b);
      break;
    }
    case 'list': {
      const et = T_TYPE[val.elem];
      if (val.v.length < 15) out.byte((val.v.length << 4) | et);
      else {
        out.byte(0xf0 | et);
        out.varint(val.v.length);
      }
      for (const e of val.v) writeValue(out, e);
      break;
    }
    case 'struct': {
      let last = 0;
      for (const [id, f] of val.fields) {
        const delta = id - last;
        const type = T_TYPE[f.t];
        if (delta > 0 && delta <= 15) out.byte((delta << 4) | type);
        else {
          out.byte(type);
          out.varint(zigzag(id));
        }
        writeValue(out, f);
        last = id;
      }
      out.byte(0);
      break;
    }
  }
}

const i32 = (v: number): TValue => ({ t: 'i32', v });
const i64 = (v: number): TValue => ({ t: 'i64', v });
const bin = (v: string | Uint8Array): TValue => ({ t: 'bin', v });
const struct = (...fields: Array<[number, TValue] | undefined>): TValue => ({ t: 'struct', fields: fields.filter((f): f is [number, TValue] => !!f) });

function thrift(val: TValue): Uint8Array {
  const b = new Bytes();
  writeValue(b, val);
  return b.result();
}

// ---------------------------------------------------------------- compressors
function snappyCompress(input: Uint8Array): Uint8Array {
  const out = new Bytes();
  out.varint(input.length);
  const table = new Int32Array(1 << 14).fill(-1);
  let lit = 0;
  let i = 0;
  const flushLiteral = (end: number): void => {
    while (lit < end) {
      const n = Math.min(end - lit, 65536);
      if (n <= 60) out.byte((n - 1) << 2);
      else if (n <= 256) {
        out.byte(60 << 2);
        out.byte(n - 1);
      } else {
        out.byte(61 << 2);
        out.byte((n - 1) & 0xff);
        out.byte((n - 1) >> 8);
      }
      out.bytes(input.subarray(lit, lit + n));
      lit += n;
    }
  };
  while (i + 4 <= input.length) {
    const key = (((input[i]! | (input[i + 1]! << 8) | (input[i + 2]! << 16) | (input[i + 3]! << 24)) * 0x1e35a7bd) >>> 18) & 0x3fff;
    const cand = table[key]!;
    table[key] = i;
    if (cand >= 0 && i - cand < 65536 && input[cand] === input[i] && input[cand + 1] === input[i + 1] && input[cand + 2] === input[i + 2] && input[cand + 3] === input[i + 3]) {
      let len = 4;
      while (i + len < input.length && len < 64 && input[cand + len] === input[i + len]) len++;
      flushLiteral(i);
      const offset = i - cand;
      out.byte(((len - 1) << 2) | 2);
      out.byte(offset & 0xff);
      out.byte(offset >> 8);
      i += len;
      lit = i;
    } else i++;
  }
  flushLiteral(input.length);
  return out.result();
}

/** LZ4 block format (greedy, 64 KiB window); the last 5 bytes are literals and no match starts in the last 12. */
function lz4Block(input: Uint8Array): Uint8Array {
  const out = new Bytes();
  const table = new Int32Array(1 << 14).fill(-1);
  let anchor = 0;
  let i = 0;
  const limit = input.length - 12;
  const writeLen = (n: number): void => {
    while (n >= 255) {
      out.byte(255);
      n -= 255;
    }
    out.byte(n);
  };
  while (i < limit) {
    const key = (((input[i]! | (input[i + 1]! << 8) | (input[i + 2]! << 16) | (input[i + 3]! << 24)) * 0x9e3779b1) >>> 18) & 0x3fff;
    const cand = table[key]!;
    table[key] = i;
    if (cand >= 0 && i - cand < 65536 && input[cand] === input[i] && input[cand + 1] === input[i + 1] && input[cand + 2] === input[i + 2] && input[cand + 3] === input[i + 3]) {
      let len = 4;
      while (i + len < input.length - 5 && input[cand + len] === input[i + len]) len++;
      const litLen = i - anchor;
      const ml = len - 4;
      out.byte((Math.min(litLen, 15) << 4) | Math.min(ml, 15));
      if (litLen >= 15) writeLen(litLen - 15);
      out.bytes(input.subarray(anchor, i));
      const offset = i - cand;
      out.byte(offset & 0xff);
      out.byte(offset >> 8);
      if (ml >= 15) writeLen(ml - 15);
      i += len;
      anchor = i;
    } else i++;
  }
  const litLen = input.length - anchor;
  out.byte(Math.min(litLen, 15) << 4);
  if (litLen >= 15) writeLen(litLen - 15);
  out.bytes(input.subarray(anchor));
  return out.result();
}

let zstdCli: boolean | undefined;

/** A zstd frame of raw blocks (RFC 8878 §3.1.1): valid, uncompressed. */
function zstdRawFrame(input: Uint8Array): Uint8Array {
  const out = new Bytes();
  out.u32le(0xfd2fb528);
  // Frame header descriptor: single segment, 4-byte content size (FCS flag 2).
  out.byte(0b1010_0000);
  out.u32le(input.length);
  const max = 128 * 1024 - 1;
  let at = 0;
  do {
    const n = Math.min(max, input.length - at);
    const last = at + n >= input.length ? 1 : 0;
    const header = (n << 3) | (0 << 1) | last;
    out.byte(header & 0xff);
    out.byte((header >> 8) & 0xff);
    out.byte((header >> 16) & 0xff);
    out.bytes(input.subarray(at, at + n));
    at += n;
  } while (at < input.length);
  return out.result();
}

/** Whether real zstd compression is available (the `zstd` tool). */
export function hasZstdTool(): boolean {
  if (zstdCli === undefined) {
    try {
      execFileSync('zstd', ['--version'], { stdio: 'ignore' });
      zstdCli = true;
    } catch {
      zstdCli = false;
    }
  }
  return zstdCli;
}

export function compress(codec: Codec, data: Uint8Array): Uint8Array {
  switch (codec) {
    case 'UNCOMPRESSED':
      return data;
    case 'GZIP':
      return new Uint8Array(gzipSync(data));
    case 'BROTLI':
      return new Uint8Array(brotliCompressSync(data));
    case 'ZSTD':
      return hasZstdTool() ? new Uint8Array(execFileSync('zstd', ['-q', '-c', '-3', '--no-check'], { input: data, maxBuffer: 1 << 30 })) : zstdRawFrame(data);
    case 'SNAPPY':
      return snappyCompress(data);
    case 'LZ4_RAW':
      return lz4Block(data);
    case 'LZ4': {
      // Hadoop framing: big-endian uncompressed and compressed sizes, then an LZ4 block.
      const block = lz4Block(data);
      const out = new Uint8Array(8 + block.length);
      const dv = new DataView(out.buffer);
      dv.setUint32(0, data.length);
      dv.setUint32(4, block.length);
      out.set(block, 8);
      return out;
    }
  }
}

// ---------------------------------------------------------------- encodings
function bitWidth(max: number): number {
  return max <= 0 ? 0 : 32 - Math.clz32(max);
}

/** RLE runs of 0/1 definition levels, with the 4-byte length prefix of data page v1. */
function defLevels(defined: Uint8Array): Uint8Array {
  const body = new Bytes();
  let i = 0;
  while (i < defined.length) {
    let j = i;
    while (j < defined.length && defined[j] === defined[i]) j++;
    body.varint((j - i) << 1);
    body.byte(defined[i]!);
    i = j;
  }
  const out = new Bytes();
  out.u32le(body.length);
  out.bytes(body.result());
  return out.result();
}

/** Dictionary indices: bit width byte, then bit-packed groups of 8 (RLE/bit-packing hybrid). */
function dictIndices(indices: Int32Array, width: number): Uint8Array {
  const out = new Bytes();
  out.byte(width);
  const groups = Math.ceil(indices.length / 8);
  if (groups === 0) return out.result();
  out.varint((groups << 1) | 1);
  let acc = 0;
  let bits = 0;
  for (let g = 0; g < groups * 8; g++) {
    const v = g < indices.length ? indices[g]! : 0;
    acc |= v << bits;
    bits += width;
    while (bits >= 8) {
      out.byte(acc & 0xff);
      acc >>>= 8;
      bits -= 8;
    }
  }
  if (bits > 0) out.byte(acc & 0xff);
  return out.result();
}

const utf8 = new TextEncoder();

function plainStrings(values: readonly string[]): Uint8Array {
  const out = new Bytes();
  for (const s of values) {
    const b = utf8.encode(s);
    out.u32le(b.length);
    out.bytes(b);
  }
  return out.result();
}

// ---------------------------------------------------------------- file
interface ChunkOut {
  bytes: Uint8Array[];
  meta: TValue;
  size: number;
}

function pageHeader(type: number, uncompressed: number, compressed: number, sub: [number, TValue], page?: Uint8Array): Uint8Array {
  if (page) return thrift(struct([1, i32(type)], [2, i32(uncompressed)], [3, i32(compressed)], [4, i32(crc32(page) | 0)], sub));
  return thrift(struct([1, i32(type)], [2, i32(uncompressed)], [3, i32(compressed)], sub));
}

function isNull(col: ParquetColumn, i: number): boolean {
  const v = col.values[i];
  return v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v));
}

function physicalType(col: ParquetColumn): number {
  return col.type === 'double' ? 5 : col.type === 'int64' ? 2 : col.type === 'boolean' ? 0 : 6;
}

function writeChunk(col: ParquetColumn, start: number, end: number, codec: Codec, offset: number, pageSize: number, crc = false): ChunkOut {
  const optional = hasNulls(col);
  const parts: Uint8Array[] = [];
  let size = 0;
  let uncompressedTotal = 0;
  let dictOffset: number | undefined;
  let dict: string[] | undefined;
  let dictIndex: Map<string, number> | undefined;
  if (col.type === 'string' && col.dictionary !== false) {
    dictIndex = new Map();
    dict = [];
    for (let i = start; i < end; i++) {
      const v = col.values[i];
      if (v === null || v === undefined) continue;
      if (!dictIndex.has(v)) {
        dictIndex.set(v, dict.length);
        dict.push(v);
      }
    }
    const body = plainStrings(dict);
    const comp = compress(codec, body);
    const header = pageHeader(2, body.length, comp.length, [7, struct([1, i32(dict.length)], [2, i32(0)])], crc ? comp : undefined);
    dictOffset = offset;
    parts.push(header, comp);
    size += header.length + comp.length;
    uncompressedTotal += header.length + body.length;
  }
  const dataOffset = offset + size;
  for (let p = start; p < end; p += pageSize) {
    const pEnd = Math.min(end, p + pageSize);
    const body = new Bytes();
    const n = pEnd - p;
    if (optional) {
      const defined = new Uint8Array(n);
      for (let i = 0; i < n; i++) defined[i] = isNull(col, p + i) ? 0 : 1;
      body.bytes(defLevels(defined));
    }
    if (dict && dictIndex) {
      const idx: number[] = [];
      for (let i = p; i < pEnd; i++) {
        const v = col.values[i] as string | null;
        if (v !== null && v !== undefined) idx.push(dictIndex.get(v)!);
      }
      body.bytes(dictIndices(Int32Array.from(idx), Math.max(1, bitWidth(dict.length - 1))));
    } else if (col.type === 'double' || col.type === 'int64') {
      const vals: number[] = [];
      for (let i = p; i < pEnd; i++) if (!isNull(col, i)) vals.push(col.values[i] as number);
      const b = new Uint8Array(vals.length * 8);
      const dv = new DataView(b.buffer);
      vals.forEach((v, k) => (col.type === 'double' ? dv.setFloat64(k * 8, v, true) : dv.setBigInt64(k * 8, BigInt(Math.round(v)), true)));
      body.bytes(b);
    } else if (col.type === 'boolean') {
      const vals: boolean[] = [];
      for (let i = p; i < pEnd; i++) if (!isNull(col, i)) vals.push(col.values[i] as boolean);
      const b = new Uint8Array(Math.ceil(vals.length / 8));
      vals.forEach((v, k) => {
        if (v) b[k >> 3]! |= 1 << (k & 7);
      });
      body.bytes(b);
    } else {
      const vals: string[] = [];
      for (let i = p; i < pEnd; i++) if (!isNull(col, i)) vals.push(col.values[i] as string);
      body.bytes(plainStrings(vals));
    }
    const raw = body.result();
    const comp = compress(codec, raw);
    const encoding = dict ? 8 : 0;
    const header = pageHeader(0, raw.length, comp.length, [5, struct([1, i32(n)], [2, i32(encoding)], [3, i32(3)], [4, i32(3)])], crc ? comp : undefined);
    parts.push(header, comp);
    size += header.length + comp.length;
    uncompressedTotal += header.length + raw.length;
  }
  const encodings = dict ? [i32(0), i32(3), i32(8)] : [i32(0), i32(3)];
  const meta = struct(
    [1, i32(physicalType(col))],
    [2, { t: 'list', elem: 'i32', v: encodings }],
    [3, { t: 'list', elem: 'bin', v: [bin(col.name)] }],
    [4, i32(CODEC_IDS[codec])],
    [5, i64(end - start)],
    [6, i64(uncompressedTotal)],
    [7, i64(size)],
    [9, i64(dataOffset)],
    dictOffset !== undefined ? [11, i64(dictOffset)] : undefined,
  );
  return { bytes: parts, meta, size };
}

function hasNulls(col: ParquetColumn): boolean {
  for (let i = 0; i < col.values.length; i++) if (isNull(col, i)) return true;
  return false;
}

/** Writes a Parquet file's bytes. @throws Error when columns have different lengths. */
export function writeParquet(columns: readonly ParquetColumn[], options: WriteOptions = {}): Uint8Array {
  const codec = options.codec ?? 'UNCOMPRESSED';
  const rows = columns[0]?.values.length ?? 0;
  if (columns.some((c) => c.values.length !== rows)) throw new Error('writeParquet: columns have different lengths');
  const rowGroupSize = options.rowGroupSize ?? 1 << 20;
  const pageSize = options.pageSize ?? rowGroupSize;
  const out: Uint8Array[] = [utf8.encode('PAR1')];
  let offset = 4;
  const rowGroups: TValue[] = [];
  for (let start = 0; start < rows || (rows === 0 && start === 0); start += rowGroupSize) {
    const end = Math.min(rows, start + rowGroupSize);
    const chunks: TValue[] = [];
    let total = 0;
    for (const col of columns) {
      const chunk = writeChunk(col, start, end, codec, offset, pageSize, options.crc);
      out.push(...chunk.bytes);
      chunks.push(struct([2, i64(offset)], [3, chunk.meta]));
      offset += chunk.size;
      total += chunk.size;
    }
    rowGroups.push(struct([1, { t: 'list', elem: 'struct', v: chunks }], [2, i64(total)], [3, i64(end - start)]));
    if (rows === 0) break;
  }
  const schema: TValue[] = [struct([4, bin('schema')], [5, i32(columns.length)])];
  for (const col of columns) {
    schema.push(struct(
      [1, i32(physicalType(col))],
      [3, i32(hasNulls(col) ? 1 : 0)],
      [4, bin(col.name)],
      col.type === 'string' ? [6, i32(0)] : undefined,
    ));
  }
  const footer = thrift(struct(
    [1, i32(1)],
    [2, { t: 'list', elem: 'struct', v: schema }],
    [3, i64(rows)],
    [4, { t: 'list', elem: 'struct', v: rows === 0 ? [] : rowGroups }],
    [6, bin('ml-preflight test writer')],
  ));
  out.push(footer);
  const len = new Uint8Array(4);
  new DataView(len.buffer).setUint32(0, footer.length, true);
  out.push(len, utf8.encode('PAR1'));
  const total = out.reduce((s, b) => s + b.length, 0);
  const file = new Uint8Array(total);
  let at = 0;
  for (const b of out) {
    file.set(b, at);
    at += b.length;
  }
  return file;
}
