/**
 * Arrow IPC reader (file format = Feather v2, and stream format) on apache-arrow. Flat columns only: numbers,
 * booleans, strings, dictionary-encoded strings, dates and timestamps; others are skipped with a warning.
 */
import { readFile } from 'node:fs/promises';
import { tableFromIPC, Type, type Table } from 'apache-arrow';
import type { DataColumn, Dataset } from './columns';
import { DataReadError } from './errors';

export interface ArrowReadOptions {
  signal?: AbortSignal;
  maxRows?: number;
}

/**
 * Reads an Arrow IPC file or stream (Feather v2) into columns.
 *
 * @throws DataReadError `unsupported-format` (Feather v1), `corrupt`, `too-large`, `empty`, `no-columns`, `io`.
 */
export async function readArrow(path: string, file: string, options: ArrowReadOptions = {}): Promise<Dataset> {
  const { signal, maxRows = Number.POSITIVE_INFINITY } = options;
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
  let table: Table;
  try {
    table = tableFromIPC(bytes);
  } catch (ex) {
    throw new DataReadError('corrupt', file, `unreadable Arrow IPC data: ${(ex as Error).message}`, { cause: ex });
  }
  const rows = table.numRows;
  if (rows > maxRows) throw new DataReadError('too-large', file, `${rows.toLocaleString('en-US')} rows, over the limit of ${maxRows.toLocaleString('en-US')} (setting mlPreflight.drift.maxRows / --max-rows)`);
  if (table.schema.fields.length === 0) throw new DataReadError('empty', file, 'no columns (is it a complete Arrow IPC file?)');
  const warnings: string[] = [];
  const columns: DataColumn[] = [];
  try {
    for (const field of table.schema.fields) {
      if (signal?.aborted) throw new DataReadError('cancelled', file, 'cancelled');
      const vector = table.getChild(field.name);
      if (!vector) continue;
      const typeId = field.type.typeId as Type;
      const numeric = typeId === Type.Float || typeId === Type.Int || typeId === Type.Decimal;
      const datetime = typeId === Type.Timestamp || typeId === Type.Date;
      if (numeric || datetime) {
        const values = new Float64Array(rows);
        for (let i = 0; i < rows; i++) {
          const v = vector.get(i) as unknown;
          values[i] = v === null || v === undefined ? NaN : typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.getTime() : Number(v);
          if (!Number.isFinite(values[i]!)) values[i] = NaN;
        }
        columns.push({ name: field.name, type: datetime ? 'datetime' : 'numeric', values });
      } else if (typeId === Type.Bool || typeId === Type.Utf8 || typeId === Type.LargeUtf8 || typeId === Type.Dictionary) {
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
        columns.push({ name: field.name, type: typeId === Type.Bool ? 'boolean' : 'categorical', codes, dictionary });
      } else {
        warnings.push(`column '${field.name}' has Arrow type ${String(field.type)} and was skipped`);
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
