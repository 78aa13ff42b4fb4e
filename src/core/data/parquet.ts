/**
 * Parquet reader on hyparquet + hyparquet-compressors (snappy, gzip, zstd, brotli, lz4, lz4_raw). Flat columns
 * only: nested (list/struct/map) columns are skipped with a warning. Values are decoded one column chunk at a
 * time (`onChunk`) straight into preallocated typed arrays.
 */
import { readFile } from 'node:fs/promises';
import { parquetMetadata, parquetRead, parquetSchema, type FileMetaData, type SchemaElement } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import type { DataColumn, Dataset } from './columns';
import { DataReadError } from './errors';

type Kind = 'numeric' | 'datetime' | 'boolean' | 'string';

/** Column kind from a Parquet schema leaf; undefined for binary data we cannot compare. */
export function parquetKind(e: SchemaElement): Kind | undefined {
  const logical = e.logical_type?.type;
  const converted = e.converted_type;
  if (logical === 'TIMESTAMP' || logical === 'DATE' || converted === 'DATE' || converted === 'TIMESTAMP_MILLIS' || converted === 'TIMESTAMP_MICROS') return 'datetime';
  if (e.type === 'INT96') return 'datetime';
  if (e.type === 'BOOLEAN') return 'boolean';
  if (logical === 'DECIMAL' || converted === 'DECIMAL') return 'numeric';
  if (e.type === 'INT32' || e.type === 'INT64' || e.type === 'FLOAT' || e.type === 'DOUBLE') return 'numeric';
  if (logical === 'STRING' || logical === 'ENUM' || logical === 'JSON' || logical === 'UUID' || converted === 'UTF8' || converted === 'ENUM' || converted === 'JSON') return 'string';
  if (e.type === 'BYTE_ARRAY') return 'string';
  return undefined;
}

interface Sink {
  kind: Kind;
  name: string;
  nums?: Float64Array;
  codes?: Int32Array;
  dict?: Map<string, number>;
  dictionary?: string[];
}

function toNumber(v: unknown): number {
  if (v === null || v === undefined) return NaN;
  if (typeof v === 'number') return Number.isFinite(v) ? v : NaN;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.getTime();
  return NaN;
}

export interface ParquetReadOptions {
  signal?: AbortSignal;
  maxRows?: number;
  /** Read only these columns (others are still listed by name). */
  columns?: readonly string[];
}

/**
 * Reads a Parquet file into columns.
 *
 * @throws DataReadError `corrupt` (bad footer/metadata, a page that fails to decode, naming the column),
 *   `too-large`, `empty`, `no-columns`, `cancelled`, `io`.
 */
export async function readParquet(path: string, file: string, options: ParquetReadOptions = {}): Promise<Dataset> {
  const { signal, maxRows = Number.POSITIVE_INFINITY } = options;
  let buffer: ArrayBuffer;
  try {
    const b = await readFile(path, { signal });
    buffer = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  } catch (ex) {
    if ((ex as { name?: string }).name === 'AbortError') throw new DataReadError('cancelled', file, 'cancelled');
    throw new DataReadError('io', file, (ex as Error).message, { cause: ex });
  }
  const tail = new Uint8Array(buffer, Math.max(0, buffer.byteLength - 4));
  if (buffer.byteLength < 12 || String.fromCharCode(...tail) !== 'PAR1') {
    throw new DataReadError('corrupt', file, `truncated Parquet file: no PAR1 footer magic (${buffer.byteLength} bytes)`);
  }
  let metadata: FileMetaData;
  try {
    metadata = parquetMetadata(buffer);
  } catch (ex) {
    throw new DataReadError('corrupt', file, `unreadable Parquet footer: ${(ex as Error).message}`, { cause: ex });
  }
  const rows = Number(metadata.num_rows);
  if (rows > maxRows) throw new DataReadError('too-large', file, `${rows.toLocaleString('en-US')} rows, over the limit of ${maxRows.toLocaleString('en-US')} (setting mlPreflight.drift.maxRows / --max-rows)`);
  const warnings: string[] = [];
  const sinks: Sink[] = [];
  const schema = parquetSchema(metadata);
  const wanted = options.columns ? new Set(options.columns) : undefined;
  for (const child of schema.children) {
    const name = child.element.name;
    if (child.children.length > 0) {
      warnings.push(`column '${name}' is nested (list/struct/map) and was skipped`);
      continue;
    }
    if (wanted && !wanted.has(name)) continue;
    const kind = parquetKind(child.element);
    if (!kind) {
      warnings.push(`column '${name}' has binary type ${child.element.type} and was skipped`);
      continue;
    }
    const sink: Sink = { kind, name };
    if (kind === 'numeric' || kind === 'datetime') sink.nums = new Float64Array(rows).fill(NaN);
    else {
      sink.codes = new Int32Array(rows).fill(-1);
      sink.dict = new Map();
      sink.dictionary = [];
    }
    sinks.push(sink);
  }
  if (sinks.length === 0) throw new DataReadError('no-columns', file, 'no flat column of a supported type');
  const byName = new Map(sinks.map((s) => [s.name, s]));
  try {
    await parquetRead({
      file: buffer,
      metadata,
      compressors,
      columns: sinks.map((s) => s.name),
      onChunk: ({ columnName, columnData, rowStart, rowEnd }) => {
        if (signal?.aborted) throw new DataReadError('cancelled', file, 'cancelled');
        const s = byName.get(columnName);
        if (!s) return;
        const n = Math.min(rowEnd, rows) - rowStart;
        const data = columnData as ArrayLike<unknown>;
        if (s.nums) {
          const out = s.nums;
          if (data instanceof Float64Array || data instanceof Float32Array || data instanceof Int32Array) {
            for (let i = 0; i < n; i++) {
              const v = data[i]!;
              out[rowStart + i] = Number.isFinite(v) ? v : NaN;
            }
          } else {
            for (let i = 0; i < n; i++) out[rowStart + i] = toNumber(data[i]);
          }
        } else {
          const out = s.codes!;
          const dict = s.dict!;
          const dictionary = s.dictionary!;
          let lastValue: unknown;
          let lastCode = -1;
          for (let i = 0; i < n; i++) {
            const v = data[i];
            if (v === null || v === undefined) continue;
            if (v === lastValue) {
              out[rowStart + i] = lastCode;
              continue;
            }
            const key = typeof v === 'string' ? v : typeof v === 'boolean' ? (v ? 'true' : 'false') : v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : String(v);
            let code = dict.get(key);
            if (code === undefined) {
              code = dictionary.length;
              dict.set(key, code);
              dictionary.push(key);
            }
            lastValue = v;
            lastCode = code;
            out[rowStart + i] = code;
          }
        }
      },
    });
  } catch (ex) {
    if (DataReadError.is(ex)) throw ex;
    throw new DataReadError('corrupt', file, `cannot decode Parquet data: ${(ex as Error).message}`, { cause: ex });
  }
  if (rows === 0) throw new DataReadError('empty', file, 'the Parquet file has no rows');
  const columns: DataColumn[] = sinks.map((s) => {
    if (s.nums) return { name: s.name, type: s.kind === 'datetime' ? 'datetime' : 'numeric', values: s.nums };
    const dictionary = s.dictionary!;
    let type: 'boolean' | 'categorical' | 'text' = s.kind === 'boolean' ? 'boolean' : 'categorical';
    if (type === 'categorical' && dictionary.length > 100) {
      let chars = 0;
      for (const d of dictionary) chars += d.length;
      let present = 0;
      for (const c of s.codes!) if (c >= 0) present++;
      if (dictionary.length >= 0.5 * present && chars / dictionary.length >= 30) type = 'text';
    }
    return { name: s.name, type, codes: s.codes!, dictionary };
  });
  return { file, format: 'parquet', bytes: buffer.byteLength, rows, columns, warnings };
}
