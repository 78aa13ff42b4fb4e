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

/** Definition levels (bit width 1 for a flat OPTIONAL column) → 1 = present. */
function readDefs(c: Context, reader: { view: DataView; offset: number }, n: number, length: number | undefined): Uint8Array {
  const defs = new Uint8Array(n);
  readRleBitPackedHybrid(reader, 1, defs, length);
  for (let i = 0; i < n; i++) if (defs[i]! > 1) throw corrupt(c, `definition level ${defs[i]} in a flat column`);
  return defs;
}

/** Dictionary indices of a data page → remapped values, checked against the dictionary size. */
function dictionaryValues(c: Context, dict: ChunkDictionary | undefined, page: Uint8Array, offset: number, count: number): Float64Array | Int32Array {
  if (!dict) throw corrupt(c, 'a dictionary-encoded page comes without a dictionary page');
  if (offset >= page.length) {
    if (count === 0) return c.sink.nums ? new Float64Array(0) : new Int32Array(0);
    throw corrupt(c, 'a dictionary-encoded page has no index data');
  }
  const bitWidth = page[offset]!;
  if (bitWidth > 32) throw corrupt(c, `dictionary index bit width ${bitWidth}`);
  const idx = new Int32Array(count);
  if (bitWidth > 0 && count > 0) {
    const reader = { view: new DataView(page.buffer, page.byteOffset, page.byteLength), offset: offset + 1 };
    readRleBitPackedHybrid(reader, bitWidth, idx, page.length - offset - 1);
  }
  const size = 'nums' in dict ? dict.nums.length : dict.codes.length;
  if ('nums' in dict) {
    const out = new Float64Array(count);
    const d = dict.nums;
    for (let i = 0; i < count; i++) {
      const k = idx[i]!;
      if (k < 0 || k >= size) throw corrupt(c, `dictionary index ${k} outside a dictionary of ${size}`);
      out[i] = d[k]!;
    }
    return out;
  }
  const d = dict.codes;
  for (let i = 0; i < count; i++) {
    const k = idx[i]!;
    if (k < 0 || k >= size) throw corrupt(c, `dictionary index ${k} outside a dictionary of ${size}`);
    idx[i] = d[k]!;
  }
  return idx;
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
    const reader = { view: new DataView(page.buffer, page.byteOffset, page.byteLength), offset: 0 };
    if (c.maxDef > 0) {
      if (h.definition_level_encoding !== 'RLE') throw new FlatUnsupported(`definition levels encoded ${h.definition_level_encoding}`);
      defs = readDefs(c, reader, n, undefined);
    }
    offset = reader.offset;
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
    if (c.maxDef > 0) {
      const reader = { view: new DataView(compressed.buffer, compressed.byteOffset, compressed.byteLength), offset: 0 };
      defs = readDefs(c, reader, n, defLen);
    }
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
  if (encoding === 'PLAIN') values = plainValues(c, page, offset, present);
  else if (encoding === 'RLE_DICTIONARY' || encoding === 'PLAIN_DICTIONARY') values = dictionaryValues(c, dict, page, offset, present);
  else if (encoding === 'RLE' && c.type === 'BOOLEAN') {
    const bits = new Uint8Array(present);
    const reader = { view: new DataView(page.buffer, page.byteOffset, page.byteLength), offset };
    readRleBitPackedHybrid(reader, 1, bits, header.type === 'DATA_PAGE_V2' ? page.length - offset : undefined);
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
