/**
 * Parquet files from a real Arrow-based writer: apache-arrow tables handed (as an IPC stream) to `parquet-wasm`,
 * which is arrow-rs's Parquet writer compiled to WebAssembly — the writer family pandas/pyarrow files come from
 * (Arrow C++ and arrow-rs write the same layout: ARROW:schema metadata, OPTIONAL columns with definition levels for
 * nullable fields, RLE_DICTIONARY strings with a PLAIN dictionary page, data page v1, one column chunk per row
 * group). Used by the drift bench, the committed small fixtures (scripts/makeRealParquetFixtures.ts) and the
 * hostile-data generator's seeds. Test and bench code only: the product does not write Parquet.
 */
import { Dictionary, Field, Float64, Int32, Int64, makeData, makeVector, RecordBatch, Schema, Struct, Table, tableToIPC, Utf8, vectorFromArray, type Vector } from 'apache-arrow';
import * as pw from 'parquet-wasm';

export type RealCodec = 'UNCOMPRESSED' | 'SNAPPY' | 'ZSTD' | 'GZIP' | 'LZ4_RAW' | 'BROTLI';

export type RealColumn =
  /** Float64; NaN = null when `nullable`. */
  | { name: string; type: 'double'; values: Float64Array; nullable?: boolean }
  /** Int64; NaN = null when `nullable`. */
  | { name: string; type: 'int64'; values: Float64Array; nullable?: boolean }
  /**
   * Strings as codes into `dictionary` (-1 = null). `arrowDictionary`: declare the Arrow type as
   * Dictionary<Int32, Utf8> (a pandas `category`); otherwise Utf8 (a pandas `object` column) — in both cases the
   * Parquet pages are dictionary-encoded, as pyarrow's `use_dictionary=True` default does.
   */
  | { name: string; type: 'string'; codes: Int32Array; dictionary: readonly string[]; nullable?: boolean; arrowDictionary?: boolean };

export interface RealWriteOptions {
  codec?: RealCodec;
  /** Rows per row group (arrow-rs default 1 Mi rows). */
  rowGroupSize?: number;
  /** Dictionary encoding of pages (default true, as pyarrow). */
  dictionary?: boolean;
  dataPageSizeLimit?: number;
}

function validity(n: number, isNull: (i: number) => boolean): { bitmap: Uint8Array; nulls: number } {
  const bitmap = new Uint8Array((n + 7) >> 3);
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    if (isNull(i)) nulls++;
    else bitmap[i >> 3]! |= 1 << (i & 7);
  }
  return { bitmap, nulls };
}

function toVector(c: RealColumn): Vector {
  const n = c.type === 'string' ? c.codes.length : c.values.length;
  if (c.type === 'double' || c.type === 'int64') {
    const v = validity(n, (i) => Number.isNaN(c.values[i]!));
    const nullable = c.nullable ?? v.nulls > 0;
    if (c.type === 'double') {
      return makeVector({ type: new Float64(), length: n, data: c.values, nullCount: nullable ? v.nulls : 0, nullBitmap: nullable ? v.bitmap : undefined });
    }
    const ints = new BigInt64Array(n);
    for (let i = 0; i < n; i++) ints[i] = Number.isNaN(c.values[i]!) ? 0n : BigInt(Math.trunc(c.values[i]!));
    return makeVector({ type: new Int64(), length: n, data: ints, nullCount: nullable ? v.nulls : 0, nullBitmap: nullable ? v.bitmap : undefined });
  }
  const v = validity(n, (i) => c.codes[i]! < 0);
  const nullable = c.nullable ?? v.nulls > 0;
  const dictVector = vectorFromArray(c.dictionary as string[], new Utf8());
  const keys = new Int32Array(n);
  for (let i = 0; i < n; i++) keys[i] = Math.max(0, c.codes[i]!);
  const dict = makeVector({ type: new Dictionary(new Utf8(), new Int32()), length: n, data: keys, dictionary: dictVector, nullCount: nullable ? v.nulls : 0, nullBitmap: nullable ? v.bitmap : undefined });
  if (c.arrowDictionary) return dict;
  // Utf8: materialize the strings (a pandas object column), in one buffer.
  const parts: Uint8Array[] = c.dictionary.map((s) => Buffer.from(s, 'utf8'));
  const offsets = new Int32Array(n + 1);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const k = c.codes[i]!;
    if (k >= 0) total += parts[k]!.length;
    offsets[i + 1] = total;
  }
  const data = new Uint8Array(total);
  for (let i = 0; i < n; i++) {
    const k = c.codes[i]!;
    if (k >= 0) data.set(parts[k]!, offsets[i]!);
  }
  return makeVector({ type: new Utf8(), length: n, data, valueOffsets: offsets, nullCount: nullable ? v.nulls : 0, nullBitmap: nullable ? v.bitmap : undefined });
}

/** The Arrow table for `columns` (fields nullable exactly when `nullable` or the data has nulls). */
export function arrowTable(columns: readonly RealColumn[]): Table {
  const vectors = columns.map(toVector);
  const fields = columns.map((c, i) => new Field(c.name, vectors[i]!.type, c.nullable ?? vectors[i]!.nullCount > 0));
  const length = vectors[0]?.length ?? 0;
  const data = makeData({ type: new Struct(fields), length, nullCount: 0, children: vectors.map((v) => v.data[0]!) });
  return new Table(new RecordBatch(new Schema(fields), data));
}

/** Writes `table` with arrow-rs (parquet-wasm). */
export function writeArrowParquet(table: Table, options: RealWriteOptions = {}): Uint8Array {
  let props = new pw.WriterPropertiesBuilder()
    .setCompression(pw.Compression[options.codec ?? 'SNAPPY'])
    .setDictionaryEnabled(options.dictionary ?? true)
    .setCreatedBy('parquet-wasm (arrow-rs) via ml-preflight test/support/arrowParquetWriter.ts');
  if (options.rowGroupSize) props = props.setMaxRowGroupSize(options.rowGroupSize);
  if (options.dataPageSizeLimit) props = props.setDataPageSizeLimit(options.dataPageSizeLimit);
  const wasmTable = pw.Table.fromIPCStream(tableToIPC(table, 'stream'));
  return pw.writeParquet(wasmTable, props.build());
}

/** {@link arrowTable} then {@link writeArrowParquet}. */
export function writeRealParquet(columns: readonly RealColumn[], options: RealWriteOptions = {}): Uint8Array {
  return writeArrowParquet(arrowTable(columns), options);
}
