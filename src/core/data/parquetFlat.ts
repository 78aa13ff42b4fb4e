/**
 * The Parquet fast path for flat columns (what pandas/pyarrow, polars, DuckDB and Spark write for a data frame):
 * one leaf per top-level column, REQUIRED or OPTIONAL (max definition level 0 or 1), data pages v1 or v2, PLAIN
 * or dictionary (RLE_DICTIONARY / PLAIN_DICTIONARY) values, any codec of hyparquet-compressors.
 *
 * It decodes each column chunk straight into the dataset's storage: numbers into one `Float64Array` per column,
 * strings as `Int32Array` codes into one dictionary per column (a chunk's dictionary page is decoded once and
 * its indices remapped; no per-row JS string is ever made for dictionary pages), nulls scattered from the
 * definition levels in the same loop. hyparquet's record assembly (`assembleLists`, per-value arrays) is skipped.
 * Page headers are parsed with hyparquet's thrift reader; levels with its RLE/bit-packed decoder.
 *
 * Hardening (issue 11) enforced here: every page's offset and compressed size is checked against its column
 * chunk and the file before it is sliced; the uncompressed size is bounded by {@link MAX_PAGE_BYTES} and must
 * match what the codec produced; the page CRC-32 is verified when the writer stored one; value counts of pages
 * must add up to the chunk's and the row group's; dictionary indices are checked against the dictionary size.
 *
 * Anything else (nested columns, DELTA_* / BYTE_STREAM_SPLIT encodings, decimals, dates, timestamps, INT96…)
 * throws {@link FlatUnsupported} and the caller reads that column through hyparquet's general path.
 */
import { crc32 } from 'node:zlib';
import type { ColumnChunk, CompressionCodec, Compressors, FileMetaData, PageHeader, SchemaElement } from 'hyparquet';
import { parquetHeader } from 'hyparquet/src/column.js';
import { decompressPage } from 'hyparquet/src/datapage.js';
import { readRleBitPackedHybrid } from 'hyparquet/src/encoding.js';
import { readPlain } from 'hyparquet/src/plain.js';
import { DataReadError } from './errors';
import { MAX_PAGE_BYTES } from './limits';

/** The column uses something the fast path does not decode; read it through hyparquet instead. */
export class FlatUnsupported extends Error {}

/** Where one column's values go. `nums` for numeric kinds; `codes` + `dict`/`dictionary` for strings and booleans. */
export interface FlatSink {
  name: string;
  nums?: Float64Array;
  codes?: Int32Array;
  dict?: Map<string, number>;
  dictionary?: string[];
}

type Physical = 'BOOLEAN' | 'INT32' | 'INT64' | 'FLOAT' | 'DOUBLE' | 'BYTE_ARRAY' | 'FIXED_LEN_BYTE_ARRAY';

/** The decimal scale of a DECIMAL leaf, undefined for others. */
export function decimalScale(e: SchemaElement): number | undefined {
  const logical = e.logical_type as { type?: string; scale?: number } | undefined;
  if (logical?.type === 'DECIMAL') return logical.scale ?? e.scale ?? 0;
  if (e.converted_type === 'DECIMAL') return e.scale ?? 0;
  return undefined;
}

/** Whether the fast path can decode this leaf (physical type and annotation); see the module comment. */
export function flatSupported(e: SchemaElement): boolean {
  if (e.repetition_type === 'REPEATED') return false;
  if (decimalScale(e) !== undefined) return e.type === 'INT32' || e.type === 'INT64' || e.type === 'FIXED_LEN_BYTE_ARRAY' || e.type === 'BYTE_ARRAY';
  const logical = e.logical_type?.type;
  const converted = e.converted_type;
  switch (e.type) {
    case 'DOUBLE':
    case 'FLOAT':
      return logical === undefined && converted === undefined;
    case 'INT32':
    case 'INT64':
      if (logical === 'INTEGER') return (e.logical_type as { isSigned?: boolean }).isSigned !== false;
      return logical === undefined && (converted === undefined || converted === 'INT_8' || converted === 'INT_16' || converted === 'INT_32' || converted === 'INT_64');
    case 'BOOLEAN':
      return logical === undefined && converted === undefined;
    case 'BYTE_ARRAY':
      return logical === undefined || logical === 'STRING' || logical === 'ENUM' || logical === 'JSON';
    default:
      return false;
  }
}

const utf8 = new TextDecoder('utf-8');

/**
 * The RLE / bit-packed hybrid of parquet-format's Encodings.md (levels, dictionary indices, booleans), decoding
 * `count` values from `src[pos, end)` into `out`. Byte-array access instead of hyparquet's per-bit DataView loop
 * (the definition levels and indices of every page go through here). Widths above 24 bits go to hyparquet's
 * decoder (32-bit shifts). Returns the position after the last run read.
 * @throws RangeError when the runs end before `count` values.
 */
export function decodeHybrid(src: Uint8Array, pos: number, end: number, width: number, out: Uint8Array | Int32Array, count: number): number {
  if (width > 24) {
    const reader = { view: new DataView(src.buffer, src.byteOffset, src.byteLength), offset: pos };
    const tmp = out.length === count ? out : out.subarray(0, count);
    readRleBitPackedHybrid(reader, width, tmp, end - pos);
    return end;
  }
  const mask = (1 << width) - 1;
  const bytesPerValue = (width + 7) >> 3;
  let seen = 0;
  while (seen < count) {
    let header = 0;
    let shift = 0;
    let b: number;
    do {
      if (pos >= end) throw new RangeError(`RLE/bit-packed data ends after ${seen} of ${count} values`);
      b = src[pos++]!;
      header += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80 && shift < 35);
    if (header % 2 === 1) {
      const groups = Math.floor(header / 2);
      const bytes = groups * width;
      const take = Math.min(groups * 8, count - seen);
      const need = Math.ceil((take * width) / 8);
      if (pos + need > end) throw new RangeError(`a bit-packed run of ${groups * 8} values needs ${need} bytes, ${end - pos} left`);
      let p = pos;
      let acc = 0;
      let bits = 0;
      for (let i = 0; i < take; i++) {
        while (bits < width) {
          acc |= src[p++]! << bits;
          bits += 8;
        }
        out[seen++] = acc & mask;
        acc >>>= width;
        bits -= width;
      }
      pos += Math.min(bytes, end - pos);
    } else {
      const run = Math.floor(header / 2);
      if (pos + bytesPerValue > end) throw new RangeError('an RLE run ends early');
      let value = 0;
      for (let i = 0; i < bytesPerValue; i++) value |= src[pos++]! << (8 * i);
      const n = Math.min(run, count - seen);
      out.fill(value & mask, seen, seen + n);
      seen += n;
    }
  }
  return pos;
}

function codeOf(sink: FlatSink, key: string): number {
  let code = sink.dict!.get(key);
  if (code === undefined) {
    code = sink.dictionary!.length;
    sink.dict!.set(key, code);
    sink.dictionary!.push(key);
  }
  return code;
}

function finiteOrNaN(v: number): number {
  return v - v === 0 ? v : NaN;
}

/** Decoded dictionary page of one column chunk. */
type ChunkDictionary = { nums: Float64Array } | { codes: Int32Array };

interface Context {
  file: string;
  buffer: ArrayBuffer;
  bytes: Uint8Array;
  type: Physical;
  codec: CompressionCodec;
  compressors: Compressors;
  maxDef: number;
  sink: FlatSink;
  column: string;
  /** DECIMAL: values are unscaled integers, divided by 10^scale (correctly rounded for |unscaled| < 2^53). */
  scale?: number;
  typeLength?: number;
  /** Reused per column: definition levels and dictionary indices of the current page (fewer allocations, less GC). */
  scratchDefs?: Uint8Array;
  scratchIdx?: Int32Array;
}

function scratchDefs(c: Context, n: number): Uint8Array {
  if (!c.scratchDefs || c.scratchDefs.length < n) c.scratchDefs = new Uint8Array(Math.max(n, 1024));
  return c.scratchDefs;
}

function scratchIdx(c: Context, n: number): Int32Array {
  if (!c.scratchIdx || c.scratchIdx.length < n) c.scratchIdx = new Int32Array(Math.max(n, 1024));
  return c.scratchIdx;
}

/** Big-endian two's complement bytes (a FIXED_LEN_BYTE_ARRAY / BYTE_ARRAY decimal) → number. */
function unscaledDecimal(b: Uint8Array): number {
  if (b.length === 0) return 0;
  if (b.length <= 6) {
    let v = b[0]! & 0x80 ? -1 : 0;
    for (const x of b) v = v * 256 + x;
    return v;
  }
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return Number(BigInt.asIntN(b.length * 8, v));
}

const corrupt = (c: Context, detail: string): DataReadError => new DataReadError('corrupt', c.file, `column '${c.column}': ${detail}`);

/** Plain-encoded values of a page, as numbers (numeric sinks) or codes (string/boolean sinks). */
function plainValues(c: Context, page: Uint8Array, offset: number, count: number): Float64Array | Int32Array {
  const remaining = page.length - offset;
  const width = c.type === 'DOUBLE' || c.type === 'INT64' ? 8 : c.type === 'INT32' || c.type === 'FLOAT' ? 4 : c.type === 'BOOLEAN' ? 0.125 : c.type === 'FIXED_LEN_BYTE_ARRAY' ? c.typeLength ?? 1 : 4;
  if (count * width > remaining) throw corrupt(c, `a page declares ${count} values but holds ${remaining} bytes`);
  const reader = { view: new DataView(page.buffer, page.byteOffset, page.byteLength), offset };
  if (c.sink.nums) {
    if (c.type === 'FIXED_LEN_BYTE_ARRAY' && !(c.typeLength! > 0)) throw corrupt(c, `fixed-length values of ${String(c.typeLength)} bytes`);
    const raw = readPlain(reader, c.type, count, c.typeLength) as ArrayLike<number | bigint | Uint8Array>;
    const out = new Float64Array(count);
    if (raw instanceof BigInt64Array) for (let i = 0; i < count; i++) out[i] = Number(raw[i]!);
    else if (c.type === 'FIXED_LEN_BYTE_ARRAY' || c.type === 'BYTE_ARRAY') {
      for (let i = 0; i < count; i++) out[i] = unscaledDecimal(raw[i] as Uint8Array);
    } else {
      const r = raw as ArrayLike<number>;
      for (let i = 0; i < count; i++) out[i] = finiteOrNaN(r[i]!);
    }
    if (c.scale !== undefined && c.scale !== 0) {
      const divisor = 10 ** c.scale;
      for (let i = 0; i < count; i++) out[i] = out[i]! / divisor;
    }
    return out;
  }
  const out = new Int32Array(count);
  if (c.type === 'BOOLEAN') {
    const raw = readPlain(reader, 'BOOLEAN', count, undefined) as boolean[];
    const f = codeOf(c.sink, 'false');
    const t = codeOf(c.sink, 'true');
    for (let i = 0; i < count; i++) out[i] = raw[i] ? t : f;
    return out;
  }
  // PLAIN BYTE_ARRAY: 4-byte length + bytes, decoded as UTF-8 (repeats of the previous value reuse its code).
  const view = reader.view;
  let p = offset;
  let lastStart = -1;
  let lastLen = -1;
  let lastCode = -1;
  for (let i = 0; i < count; i++) {
    if (p + 4 > page.length) throw corrupt(c, 'a string value runs past the end of its page');
    const len = view.getUint32(p, true);
    p += 4;
    if (p + len > page.length) throw corrupt(c, `a string value of ${len} bytes runs past the end of its page`);
    if (len === lastLen && equalBytes(page, lastStart, p, len)) {
      out[i] = lastCode;
    } else {
      lastCode = codeOf(c.sink, utf8.decode(page.subarray(p, p + len)));
      out[i] = lastCode;
    }
    lastStart = p;
    lastLen = len;
    p += len;
  }
  return out;
}

function equalBytes(b: Uint8Array, a0: number, b0: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (b[a0 + i] !== b[b0 + i]) return false;
  return true;
}

function readDictionaryPage(c: Context, page: Uint8Array, count: number): ChunkDictionary {
  if (!Number.isSafeInteger(count) || count < 0) throw corrupt(c, `a dictionary page declares ${String(count)} values`);
  if (c.sink.nums) return { nums: plainValues(c, page, 0, count) as Float64Array };
  return { codes: plainValues(c, page, 0, count) as Int32Array };
}

/**
 * Definition levels (bit width 1 for a flat OPTIONAL column) → 1 = present. `length` undefined: v1 layout (a 4-byte
 * length first). Returns the levels and the offset after them.
 */
function readDefs(c: Context, page: Uint8Array, offset: number, n: number, length: number | undefined): { defs: Uint8Array; end: number } {
  let start = offset;
  if (length === undefined) {
    if (offset + 4 > page.length) throw corrupt(c, 'definition levels run past the end of their page');
    length = (page[offset]! | (page[offset + 1]! << 8) | (page[offset + 2]! << 16) | (page[offset + 3]! << 24)) >>> 0;
    start = offset + 4;
  }
  const end = start + length;
  if (end > page.length) throw corrupt(c, `definition levels of ${length} bytes run past the end of their page`);
  const defs = scratchDefs(c, n);
  decodeHybrid(page, start, end, 1, defs, n);
  return { defs, end };
}

/**
 * Dictionary indices of a data page, checked against the dictionary size, remapped and scattered into the sink
 * from `row` in one pass (`defs` undefined: every value present).
 */
function scatterDictionary(c: Context, dict: ChunkDictionary | undefined, page: Uint8Array, offset: number, count: number, defs: Uint8Array | undefined, n: number, row: number): void {
  if (!dict) throw corrupt(c, 'a dictionary-encoded page comes without a dictionary page');
  if (offset >= page.length && count > 0) throw corrupt(c, 'a dictionary-encoded page has no index data');
  const bitWidth = count > 0 ? page[offset]! : 0;
  if (bitWidth > 32) throw corrupt(c, `dictionary index bit width ${bitWidth}`);
  const idx = scratchIdx(c, count);
  if (bitWidth > 0 && count > 0) decodeHybrid(page, offset + 1, page.length, bitWidth, idx, count);
  else idx.fill(0, 0, count);
  const table: Float64Array | Int32Array = 'nums' in dict ? dict.nums : dict.codes;
  const size = table.length;
  for (let i = 0; i < count; i++) {
    const k = idx[i]!;
    if (k < 0 || k >= size) throw corrupt(c, `dictionary index ${k} outside a dictionary of ${size}`);
  }
  const out = c.sink.nums ?? c.sink.codes!;
  if (!defs) {
    for (let i = 0; i < n; i++) out[row + i] = table[idx[i]!]!;
    return;
  }
  const missing = c.sink.nums ? NaN : -1;
  let k = 0;
  for (let i = 0; i < n; i++) out[row + i] = defs[i] ? table[idx[k++]!]! : missing;
}

/** Values of one data page (v1 or v2) scattered into the sink from `row`. Returns the page's value count. */
function readDataPage(c: Context, header: PageHeader, compressed: Uint8Array, dict: ChunkDictionary | undefined, row: number, left: number): number {
  let n: number;
  let defs: Uint8Array | undefined;
  let page: Uint8Array;
  let offset: number;
  let encoding: string | undefined;
  if (header.type === 'DATA_PAGE') {
    const h = header.data_page_header;
    if (!h) throw corrupt(c, 'a data page without its header');
    n = h.num_values;
    if (!Number.isSafeInteger(n) || n < 0 || n > left) throw corrupt(c, `a data page declares ${String(n)} values, ${left} left in its column chunk`);
    page = decompress(c, compressed, header.uncompressed_page_size);
    offset = 0;
    if (c.maxDef > 0) {
      if (h.definition_level_encoding !== 'RLE') throw new FlatUnsupported(`definition levels encoded ${h.definition_level_encoding}`);
      const levels = readDefs(c, page, 0, n, undefined);
      defs = levels.defs;
      offset = levels.end;
    }
    encoding = h.encoding;
  } else {
    const h = header.data_page_header_v2;
    if (!h) throw corrupt(c, 'a data page v2 without its header');
    n = h.num_values;
    if (!Number.isSafeInteger(n) || n < 0 || n > left) throw corrupt(c, `a data page declares ${String(n)} values, ${left} left in its column chunk`);
    const repLen = h.repetition_levels_byte_length ?? 0;
    const defLen = h.definition_levels_byte_length ?? 0;
    if (repLen !== 0) throw new FlatUnsupported('repetition levels');
    if (!(defLen >= 0) || defLen > compressed.length) throw corrupt(c, `definition levels of ${String(defLen)} bytes in a ${compressed.length}-byte page`);
    if (c.maxDef > 0) defs = readDefs(c, compressed, 0, n, defLen).defs;
    const body = compressed.subarray(defLen);
    page = h.is_compressed === false ? body : decompress(c, body, header.uncompressed_page_size - defLen);
    offset = 0;
    encoding = h.encoding;
  }
  let present = n;
  if (defs) {
    present = 0;
    for (let i = 0; i < n; i++) present += defs[i]!;
  }
  let values: Float64Array | Int32Array;
  if (encoding === 'RLE_DICTIONARY' || encoding === 'PLAIN_DICTIONARY') {
    scatterDictionary(c, dict, page, offset, present, defs, n, row);
    return n;
  }
  if (encoding === 'PLAIN') values = plainValues(c, page, offset, present);
  else if (encoding === 'RLE' && c.type === 'BOOLEAN') {
    const bits = new Uint8Array(present);
    // v1: a 4-byte length first; v2: the runs fill the rest of the page.
    const start = header.type === 'DATA_PAGE_V2' ? offset : offset + 4;
    if (start > page.length) throw corrupt(c, 'boolean values run past the end of their page');
    decodeHybrid(page, start, page.length, 1, bits, present);
    const f = codeOf(c.sink, 'false');
    const t = codeOf(c.sink, 'true');
    values = new Int32Array(present);
    for (let i = 0; i < present; i++) values[i] = bits[i] ? t : f;
  } else throw new FlatUnsupported(`encoding ${encoding}`);
  const out = c.sink.nums ?? c.sink.codes!;
  const missing = c.sink.nums ? NaN : -1;
  if (!defs) out.set(values, row);
  else {
    let k = 0;
    for (let i = 0; i < n; i++) out[row + i] = defs[i] ? values[k++]! : missing;
  }
  return n;
}

function decompress(c: Context, compressed: Uint8Array, size: number): Uint8Array {
  if (!Number.isSafeInteger(size) || size < 0) throw corrupt(c, `a page declares ${String(size)} uncompressed bytes`);
  if (size > MAX_PAGE_BYTES) throw corrupt(c, `a page declares ${size.toLocaleString('en-US')} uncompressed bytes (limit ${MAX_PAGE_BYTES.toLocaleString('en-US')})`);
  if (c.codec === 'UNCOMPRESSED') {
    if (compressed.length !== size) throw corrupt(c, `an uncompressed page of ${compressed.length} bytes declares ${size}`);
    return compressed;
  }
  try {
    return decompressPage(compressed, size, c.codec, c.compressors);
  } catch (ex) {
    throw corrupt(c, `a ${c.codec} page does not decompress: ${(ex as Error).message}`);
  }
}

/**
 * Decodes column `index` (a flat leaf) of every row group into `sink`, from row 0.
 * @throws FlatUnsupported, DataReadError `corrupt` naming the column and the problem.
 */
export function readFlatColumn(
  file: string,
  buffer: ArrayBuffer,
  metadata: FileMetaData,
  index: number,
  element: SchemaElement,
  sink: FlatSink,
  compressors: Compressors,
  signal?: AbortSignal,
): void {
  const bytes = new Uint8Array(buffer);
  const footerStart = buffer.byteLength - 8 - new DataView(buffer).getUint32(buffer.byteLength - 8, true);
  let row = 0;
  for (let g = 0; g < metadata.row_groups.length; g++) {
    if (signal?.aborted) throw new DataReadError('cancelled', file, 'cancelled');
    const group = metadata.row_groups[g]!;
    const chunk: ColumnChunk | undefined = group.columns[index];
    const meta = chunk?.meta_data;
    const c: Context = { file, buffer, bytes, type: element.type as Physical, codec: meta?.codec ?? 'UNCOMPRESSED', compressors, maxDef: element.repetition_type === 'REQUIRED' ? 0 : 1, sink, column: element.name, scale: decimalScale(element), typeLength: element.type_length };
    if (!chunk || !meta) throw corrupt(c, `row group ${g} has no column chunk for it`);
    if (chunk.file_path) throw new FlatUnsupported('column data in another file');
    if (meta.type !== element.type) throw corrupt(c, `row group ${g} stores ${meta.type}, the schema says ${element.type}`);
    const rows = Number(group.num_rows);
    const values = Number(meta.num_values);
    if (values !== rows) throw corrupt(c, `row group ${g} has ${rows} rows but its column chunk ${values} values`);
    const dictOffset = meta.dictionary_page_offset !== undefined ? Number(meta.dictionary_page_offset) : undefined;
    const dataOffset = Number(meta.data_page_offset);
    const start = dictOffset !== undefined && dictOffset > 0 && dictOffset < dataOffset ? dictOffset : dataOffset;
    const end = start + Number(meta.total_compressed_size);
    if (!(start >= 4) || !(end <= footerStart) || !(end >= start)) {
      throw corrupt(c, `row group ${g}: column chunk at bytes ${start}–${end} lies outside the data area (4–${footerStart})`);
    }
    const reader = { view: new DataView(buffer, 0, end), offset: start };
    let dict: ChunkDictionary | undefined;
    let seen = 0;
    while (seen < values) {
      if (reader.offset >= end) throw corrupt(c, `row group ${g}: the column chunk ends after ${seen} of ${values} values`);
      let header: PageHeader;
      try {
        header = parquetHeader(reader);
      } catch (ex) {
        throw corrupt(c, `row group ${g}: unreadable page header at byte ${reader.offset} (${(ex as Error).message})`);
      }
      const size = header.compressed_page_size;
      if (!Number.isSafeInteger(size) || size < 0 || reader.offset + size > end) {
        throw corrupt(c, `row group ${g}: a page of ${String(size)} bytes at byte ${reader.offset} runs past its column chunk (ends at ${end})`);
      }
      const compressed = bytes.subarray(reader.offset, reader.offset + size);
      reader.offset += size;
      if (header.crc !== undefined && header.crc !== null) {
        const actual = crc32(compressed) | 0;
        if (actual !== (header.crc | 0)) throw corrupt(c, `row group ${g}: page checksum mismatch (CRC-32 stored ${(header.crc >>> 0).toString(16)}, computed ${(actual >>> 0).toString(16)})`);
      }
      if (header.type === 'DICTIONARY_PAGE') {
        const h = header.dictionary_page_header;
        if (!h) throw corrupt(c, 'a dictionary page without its header');
        if (h.encoding !== 'PLAIN' && h.encoding !== 'PLAIN_DICTIONARY') throw new FlatUnsupported(`dictionary encoded ${h.encoding}`);
        dict = readDictionaryPage(c, decompress(c, compressed, header.uncompressed_page_size), h.num_values);
      } else if (header.type === 'DATA_PAGE' || header.type === 'DATA_PAGE_V2') {
        seen += readDataPage(c, header, compressed, dict, row + seen, values - seen);
      }
      // INDEX_PAGE and unknown page types are skipped.
    }
    row += rows;
  }
}
