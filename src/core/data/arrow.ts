/**
 * Arrow IPC reader (file format = Feather v2, and stream format) on apache-arrow. Flat columns only: numbers,
 * booleans, strings, dictionary-encoded strings, dates and timestamps; others are skipped with a warning.
 */
import { readFile } from 'node:fs/promises';
import { tableFromIPC, Type, type Data, type Decimal, type Table, type Vector } from 'apache-arrow';
import type { DataColumn, Dataset } from './columns';
import { preflightArrow } from './arrowPreflight';
import { DataReadError } from './errors';
import { checkDeclaredCells, resolveLimits, uniqueNames, type DataLimits } from './limits';

export interface ArrowReadOptions {
  signal?: AbortSignal;
  maxRows?: number;
  /** Bounds on declared sizes; `maxRows` above wins over `limits.maxRows`. */
  limits?: Partial<DataLimits>;
}

/** Bytes per value of a fixed-width type, 0 for others. */
function fixedWidth(d: Data): number {
  const t = d.type as { typeId: Type; bitWidth?: number; precision?: number; unit?: number };
  switch (t.typeId) {
    case Type.Int:
      return (t.bitWidth ?? 32) / 8;
    case Type.Float:
      return t.precision === 0 ? 2 : t.precision === 1 ? 4 : 8;
    case Type.Decimal:
      return (t.bitWidth ?? 128) / 8;
    case Type.Timestamp:
    case Type.Duration:
      return 8;
    case Type.Date:
      return t.unit === 0 ? 4 : 8;
    default:
      return 0;
  }
}

/** A chunk's buffers hold what its declared length needs (a hostile file may declare more rows than it carries). */
function checkChunk(file: string, name: string, d: Data): void {
  const end = d.offset + d.length;
  const bad = (what: string): never => {
    throw new DataReadError('corrupt', file, `column '${name}': a record batch declares ${d.length.toLocaleString('en-US')} values but its ${what}`);
  };
  if (d.nullCount > 0 && d.nullBitmap && d.nullBitmap.length > 0 && d.nullBitmap.length * 8 < end) bad(`validity buffer has ${d.nullBitmap.length} bytes`);
  const typeId = d.type.typeId as Type;
  if (typeId === Type.Dictionary) {
    const width = ((d.type as unknown as { indices: { bitWidth: number } }).indices.bitWidth ?? 32) / 8;
    if (!d.values || d.values.byteLength < end * width) bad(`index buffer has ${d.values?.byteLength ?? 0} bytes`);
    return;
  }
  const width = fixedWidth(d);
  if (width > 0) {
    if (!d.values || d.values.byteLength < end * width) bad(`value buffer has ${d.values?.byteLength ?? 0} bytes`);
  } else if (typeId === Type.Utf8 || typeId === Type.LargeUtf8) {
    const offsets = d.valueOffsets as ArrayLike<number | bigint> | undefined;
    if (!offsets || offsets.length < end + 1) bad(`offset buffer has ${offsets?.length ?? 0} entries`);
    const last = Number(offsets![end]!);
    if (!(last >= 0) || !d.values || last > d.values.byteLength) bad(`strings end at byte ${last} of ${d.values?.byteLength ?? 0}`);
  } else if (typeId === Type.Bool) {
    if (!d.values || d.values.byteLength * 8 < end) bad(`value buffer has ${d.values?.byteLength ?? 0} bytes`);
  }
}

function isValid(d: Data, i: number): boolean {
  if (d.nullCount === 0 || !d.nullBitmap || d.nullBitmap.length === 0) return true;
  const j = d.offset + i;
  return (d.nullBitmap[j >> 3]! & (1 << (j & 7))) !== 0;
}

/**
 * Numbers of a numeric/datetime vector. Decimals are read with their scale (unscaled integer / 10^scale, as the
 * Parquet fast path does, so the same data in Parquet and Arrow gives the same values: issue 11, class 8).
 */
function numericValues(vector: Vector, rows: number): Float64Array {
  const out = new Float64Array(rows);
  let row = 0;
  for (const chunk of vector.data as Data[]) {
    const typeId = chunk.type.typeId as Type;
    const n = chunk.length;
    if (typeId === Type.Decimal) {
      const t = chunk.type as unknown as Decimal;
      const words = (t.bitWidth ?? 128) / 32;
      const divisor = 10 ** t.scale;
      const w = chunk.values as Uint32Array;
      for (let i = 0; i < n; i++) {
        if (!isValid(chunk, i)) {
          out[row + i] = NaN;
          continue;
        }
        const base = (chunk.offset + i) * words;
        let v = 0n;
        for (let k = words - 1; k >= 0; k--) v = (v << 32n) | BigInt(w[base + k]!);
        out[row + i] = Number(BigInt.asIntN(words * 32, v)) / divisor;
      }
    } else if (typeId === Type.Float && (chunk.values instanceof Float64Array || chunk.values instanceof Float32Array)) {
      const vals = chunk.values;
      for (let i = 0; i < n; i++) {
        const v = vals[chunk.offset + i]!;
        out[row + i] = isValid(chunk, i) && v - v === 0 ? v : NaN;
      }
    } else if (typeId === Type.Int && !(chunk.values instanceof BigInt64Array || chunk.values instanceof BigUint64Array)) {
      const vals = chunk.values as ArrayLike<number>;
      for (let i = 0; i < n; i++) out[row + i] = isValid(chunk, i) ? vals[chunk.offset + i]! : NaN;
    } else {
      for (let i = 0; i < n; i++) {
        const v = vector.get(row + i) as unknown;
        const x = v === null || v === undefined ? NaN : typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.getTime() : Number(v);
        out[row + i] = Number.isFinite(x) ? x : NaN;
      }
    }
    row += n;
  }
  return out;
}

/** Codes + dictionary of a Dictionary vector: each chunk's dictionary is read once, indices are remapped. */
function dictionaryCodes(vector: Vector, rows: number): { codes: Int32Array; dictionary: string[] } {
  const codes = new Int32Array(rows);
  const dict = new Map<string, number>();
  const dictionary: string[] = [];
  let row = 0;
  for (const chunk of vector.data as Data[]) {
    const entries = chunk.dictionary;
    const size = entries?.length ?? 0;
    const remap = new Int32Array(size);
    for (let j = 0; j < size; j++) {
      const v = entries!.get(j) as unknown;
      if (v === null || v === undefined) {
        remap[j] = -1;
        continue;
      }
      const key = typeof v === 'string' ? v : String(v);
      let code = dict.get(key);
      if (code === undefined) {
        code = dictionary.length;
        dict.set(key, code);
        dictionary.push(key);
      }
      remap[j] = code;
    }
    const idx = chunk.values as ArrayLike<number | bigint>;
    for (let i = 0; i < chunk.length; i++) {
      if (!isValid(chunk, i)) {
        codes[row + i] = -1;
        continue;
      }
      const k = Number(idx[chunk.offset + i]!);
      if (!(k >= 0 && k < size)) throw new Error(`dictionary index ${k} outside a dictionary of ${size}`);
      codes[row + i] = remap[k]!;
    }
    row += chunk.length;
  }
  return { codes, dictionary };
}

/**
 * Reads an Arrow IPC file or stream (Feather v2) into columns.
 *
 * @throws DataReadError `unsupported-format` (Feather v1), `corrupt`, `too-large`, `empty`, `no-columns`, `io`.
 */
export async function readArrow(path: string, file: string, options: ArrowReadOptions = {}): Promise<Dataset> {
  const { signal, maxRows = Number.POSITIVE_INFINITY } = options;
  const limits = resolveLimits({ ...options.limits, maxRows });
  let bytes: Buffer;
  try {
    bytes = await readFile(path, { signal });
  } catch (ex) {
    if ((ex as { name?: string }).name === 'AbortError') throw new DataReadError('cancelled', file, 'cancelled');
    throw new DataReadError('io', file, (ex as Error).message, { cause: ex });
  }
  if (bytes.subarray(0, 4).toString('latin1') === 'FEA1') {
    throw new DataReadError('unsupported-format', file, 'Feather v1 is not supported; re-save it as Feather v2 (pyarrow.feather.write_feather, the default since pyarrow 0.17)');
  }
  // Message framing, vector lengths and buffer ranges checked against the bytes before apache-arrow believes them.
  preflightArrow(bytes, file);
  let table: Table;
  try {
    table = tableFromIPC(bytes);
  } catch (ex) {
    throw new DataReadError('corrupt', file, `unreadable Arrow IPC data: ${(ex as Error).message}`, { cause: ex });
  }
  const rows = table.numRows;
  const fieldCount = table.schema.fields.length;
  // Where issue 11's allocation rule is enforced for Arrow: declared rows × columns against the file and settings,
  // then each chunk's buffers against its declared length (checkChunk) before a value is read.
  checkDeclaredCells(file, rows, fieldCount, bytes.length, limits, 'the record batches');
  if (fieldCount === 0) throw new DataReadError('empty', file, 'no columns (is it a complete Arrow IPC file?)');
  const warnings: string[] = [];
  const columns: DataColumn[] = [];
  const names = uniqueNames(table.schema.fields.map((f) => f.name), warnings);
  try {
    for (let f = 0; f < fieldCount; f++) {
      if (signal?.aborted) throw new DataReadError('cancelled', file, 'cancelled');
      const field = table.schema.fields[f]!;
      const name = names[f]!;
      const vector = table.getChildAt(f);
      if (!vector) continue;
      if (vector.length !== rows) throw new DataReadError('corrupt', file, `column '${name}' has ${vector.length} values, the table ${rows} rows`);
      for (const chunk of vector.data) checkChunk(file, name, chunk as Data);
      const typeId = field.type.typeId as Type;
      const numeric = typeId === Type.Float || typeId === Type.Int || typeId === Type.Decimal;
      const datetime = typeId === Type.Timestamp || typeId === Type.Date;
      if (numeric || datetime) {
        columns.push({ name, type: datetime ? 'datetime' : 'numeric', values: numericValues(vector, rows) });
      } else if (typeId === Type.Dictionary) {
        columns.push({ name, type: 'categorical', ...dictionaryCodes(vector, rows) });
      } else if (typeId === Type.Bool || typeId === Type.Utf8 || typeId === Type.LargeUtf8) {
        const codes = new Int32Array(rows);
        const dict = new Map<string, number>();
        const dictionary: string[] = [];
        for (let i = 0; i < rows; i++) {
          const v = vector.get(i) as unknown;
          if (v === null || v === undefined) {
            codes[i] = -1;
            continue;
          }
          const key = typeof v === 'string' ? v : typeof v === 'boolean' ? (v ? 'true' : 'false') : String(v);
          let code = dict.get(key);
          if (code === undefined) {
            code = dictionary.length;
            dict.set(key, code);
            dictionary.push(key);
          }
          codes[i] = code;
        }
        columns.push({ name, type: typeId === Type.Bool ? 'boolean' : 'categorical', codes, dictionary });
      } else {
        warnings.push(`column '${name}' has Arrow type ${String(field.type)} and was skipped`);
      }
    }
  } catch (ex) {
    if (DataReadError.is(ex)) throw ex;
    throw new DataReadError('corrupt', file, `cannot decode Arrow data: ${(ex as Error).message}`, { cause: ex });
  }
  if (rows === 0) throw new DataReadError('empty', file, 'the Arrow table has no rows');
  if (columns.length === 0) throw new DataReadError('no-columns', file, 'no column of a supported type');
  return { file, format: 'arrow', bytes: bytes.length, rows, columns, warnings };
}
