/**
 * Parquet reader on hyparquet + hyparquet-compressors (snappy, gzip, zstd, brotli, lz4, lz4_raw). Flat columns
 * only: nested (list/struct/map) columns are skipped with a warning.
 *
 * Flat numeric, string and boolean columns go through the fast path of `parquetFlat.ts` (pages decoded straight
 * into typed arrays, dictionary pages kept as codes + dictionary). Other flat columns (decimals, dates,
 * timestamps, DELTA encodings…) go through hyparquet's `parquetRead`, one column chunk at a time (`onChunk`),
 * into the same preallocated typed arrays. Chosen by measurement (issue 13, bench/drift.ts): on files written by
 * arrow-rs (OPTIONAL columns, dictionary strings, snappy) the fast path decodes ~4–6× faster than hyparquet's
 * record assembly and with far less garbage; parquet-wasm (arrow-rs in WebAssembly) was measured too and is
 * not faster once its Arrow IPC hand-off and string columns are counted (see the bench's notes).
 *
 * Sizes from the footer are checked before anything is allocated (issue 11): `num_rows` against the row
 * groups' sum and against {@link checkDeclaredCells}; page sizes, offsets and checksums in `parquetFlat.ts`;
 * decompressed sizes are capped for both paths ({@link MAX_PAGE_BYTES}). Duplicate column names are renamed
 * (`a`, `a.1`) with a warning.
 */
import { readFile } from 'node:fs/promises';
import { parquetMetadata, parquetRead, parquetSchema, type Compressors, type FileMetaData, type SchemaElement } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import type { DataColumn, Dataset } from './columns';
import { DataReadError } from './errors';
import { checkDeclaredCells, MAX_PAGE_BYTES, resolveLimits, uniqueNames, type DataLimits } from './limits';
import { flatSupported, FlatUnsupported, readFlatColumn } from './parquetFlat';

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
  /** Name in the dataset (made unique). */
  name: string;
  /** Name in the file. */
  fileName: string;
  /** Index among the file's leaf columns. */
  leaf: number;
  element: SchemaElement;
  nums?: Float64Array;
  codes?: Int32Array;
  dict?: Map<string, number>;
  dictionary?: string[];
  /** Not read (see warnings). */
  skipped?: boolean;
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
  /** Bounds on what the footer may declare (defaults: {@link resolveLimits}); `maxRows` above wins over `limits.maxRows`. */
  limits?: Partial<DataLimits>;
  /** Read only these columns (others are still listed by name). */
  columns?: readonly string[];
  /** `hyparquet`: every column through hyparquet's general path (the reader before the fast path; for the bench). */
  engine?: 'auto' | 'hyparquet';
}

/** hyparquet-compressors with the declared output size checked before each allocation. */
function boundedCompressors(file: string): Compressors {
  const out: Compressors = {};
  for (const [codec, fn] of Object.entries(compressors)) {
    out[codec as keyof Compressors] = (input: Uint8Array, size: number): Uint8Array => {
      if (!Number.isSafeInteger(size) || size < 0 || size > MAX_PAGE_BYTES) {
        throw new DataReadError('corrupt', file, `a ${codec} page declares ${String(size)} uncompressed bytes (limit ${MAX_PAGE_BYTES.toLocaleString('en-US')})`);
      }
      return fn!(input, size);
    };
  }
  return out;
}

/**
 * Reads a Parquet file into columns.
 *
 * @throws DataReadError `corrupt` (bad footer/metadata, sizes the file cannot hold, a page that fails to decode or
 *   its checksum, naming the column), `too-large`, `empty`, `no-columns`, `cancelled`, `io`.
 */
export async function readParquet(path: string, file: string, options: ParquetReadOptions = {}): Promise<Dataset> {
  const { signal } = options;
  const limits = resolveLimits({ ...options.limits, maxRows: options.maxRows ?? options.limits?.maxRows });
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
  const declared = metadata.num_rows as unknown as bigint | number;
  const rows = Number(declared);
  if (!Array.isArray(metadata.row_groups)) throw new DataReadError('corrupt', file, 'the footer has no row group list');
  let sum = 0;
  for (const g of metadata.row_groups) {
    const n = Number(g.num_rows);
    if (!Number.isSafeInteger(n) || n < 0) throw new DataReadError('corrupt', file, `a row group declares ${String(g.num_rows)} rows`);
    sum += n;
  }
  checkDeclaredCells(file, rows, 0, buffer.byteLength, limits, 'the footer');
  if (sum !== rows) throw new DataReadError('corrupt', file, `the footer declares ${rows.toLocaleString('en-US')} rows but its row groups hold ${sum.toLocaleString('en-US')}`);
  const warnings: string[] = [];
  const sinks: Sink[] = [];
  let schema: ReturnType<typeof parquetSchema>;
  try {
    schema = parquetSchema(metadata);
  } catch (ex) {
    throw new DataReadError('corrupt', file, `unreadable Parquet schema: ${(ex as Error).message}`, { cause: ex });
  }
  const names = uniqueNames(schema.children.map((c) => c.element.name), warnings);
  const wanted = options.columns ? new Set(options.columns) : undefined;
  let leaf = 0;
  const chosen: Array<Omit<Sink, 'nums' | 'codes' | 'dict' | 'dictionary'>> = [];
  schema.children.forEach((child, i) => {
    const fileName = child.element.name;
    const name = names[i]!;
    const leaves = countLeaves(child);
    const at = leaf;
    leaf += leaves;
    if (child.children.length > 0) {
      warnings.push(`column '${name}' is nested (list/struct/map) and was skipped`);
      return;
    }
    if (wanted && !wanted.has(name)) return;
    const kind = parquetKind(child.element);
    if (!kind) {
      warnings.push(`column '${name}' has binary type ${child.element.type} and was skipped`);
      return;
    }
    chosen.push({ kind, name, fileName, leaf: at, element: child.element });
  });
  for (const g of metadata.row_groups) {
    if (!Array.isArray(g.columns) || g.columns.length !== leaf) throw new DataReadError('corrupt', file, `a row group has ${Array.isArray(g.columns) ? g.columns.length : 0} column chunks, the schema ${leaf} leaf columns`);
  }
  if (chosen.length === 0) throw new DataReadError('no-columns', file, 'no flat column of a supported type');
  // Where issue 11's allocation rule is enforced for Parquet: rows × columns against the file size and settings.
  checkDeclaredCells(file, rows, chosen.length, buffer.byteLength, limits, 'the footer');
  for (const c of chosen) {
    const sink: Sink = { ...c };
    if (c.kind === 'numeric' || c.kind === 'datetime') sink.nums = new Float64Array(rows).fill(NaN);
    else {
      sink.codes = new Int32Array(rows).fill(-1);
      sink.dict = new Map();
      sink.dictionary = [];
    }
    sinks.push(sink);
  }
  const bounded = boundedCompressors(file);
  const general: Sink[] = [];
  for (const s of sinks) {
    if (options.engine === 'hyparquet' || !flatSupported(s.element)) {
      general.push(s);
      continue;
    }
    try {
      readFlatColumn(file, buffer, metadata, s.leaf, s.element, s, bounded, signal);
    } catch (ex) {
      if (!(ex instanceof FlatUnsupported)) {
        if (DataReadError.is(ex)) throw ex;
        throw new DataReadError('corrupt', file, `column '${s.name}': cannot decode Parquet data: ${(ex as Error).message}`, { cause: ex });
      }
      // Start the column over on the general path.
      s.nums?.fill(NaN);
      s.codes?.fill(-1);
      s.dict?.clear();
      if (s.dictionary) s.dictionary.length = 0;
      general.push(s);
    }
  }
  if (general.length > 0) await readGeneral(file, buffer, metadata, rows, general, bounded, warnings, signal);
  if (rows === 0) throw new DataReadError('empty', file, 'the Parquet file has no rows');
  const columns: DataColumn[] = sinks.flatMap((s): DataColumn[] => {
    if (s.skipped) return [];
    if (s.nums) return [{ name: s.name, type: s.kind === 'datetime' ? 'datetime' : 'numeric', values: s.nums }];
    const dictionary = s.dictionary!;
    let type: 'boolean' | 'categorical' | 'text' = s.kind === 'boolean' ? 'boolean' : 'categorical';
    if (type === 'categorical' && dictionary.length > 100) {
      let chars = 0;
      for (const d of dictionary) chars += d.length;
      let present = 0;
      for (const c of s.codes!) if (c >= 0) present++;
      if (dictionary.length >= 0.5 * present && chars / dictionary.length >= 30) type = 'text';
    }
    return [{ name: s.name, type, codes: s.codes!, dictionary }];
  });
  return { file, format: 'parquet', bytes: buffer.byteLength, rows, columns, warnings };
}

function countLeaves(node: { children: readonly unknown[] }): number {
  if (node.children.length === 0) return 1;
  let n = 0;
  for (const c of node.children as Array<{ children: readonly unknown[] }>) n += countLeaves(c);
  return n;
}

/** hyparquet's general path for the columns the fast path does not decode. */
async function readGeneral(file: string, buffer: ArrayBuffer, metadata: FileMetaData, rows: number, sinks: Sink[], bounded: Compressors, warnings: string[], signal?: AbortSignal): Promise<void> {
  const byName = new Map<string, Sink>();
  for (const s of sinks) {
    if (byName.has(s.fileName)) {
      // hyparquet selects columns by name: a second column of the same name cannot be told apart on this path.
      s.skipped = true;
      warnings.push(`column '${s.name}' (a second column named '${s.fileName}') was skipped: its type is read by name only`);
      continue;
    }
    byName.set(s.fileName, s);
  }
  try {
    await parquetRead({
      file: buffer,
      metadata,
      compressors: bounded,
      columns: [...byName.keys()],
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
}
