/**
 * Allocation bounds of the dataset readers (issue 11, class 1: no size from a header is believed before it is
 * checked). Every reader asks {@link checkDeclaredCells} before it allocates columns for a row count it read from
 * a header or footer, and the streaming readers (CSV, JSON) check columns as they appear. Past a bound the reader
 * throws `DataReadError('too-large' | 'corrupt')`, which the CLI turns into exit 2 with one line naming the file.
 *
 * The bounds come from settings (`mlPreflight.drift.maxRows`, `mlPreflight.drift.maxColumns`,
 * `mlPreflight.drift.maxMemoryMb`, CLI `--max-rows`) and from the file's real size:
 *
 * - rows ≤ maxRows; columns ≤ maxColumns;
 * - rows × columns × 8 bytes ≤ maxMemoryMb / 2 (each of the two files gets half of the memory budget);
 * - rows × columns ≤ file bytes × {@link MAX_CELLS_PER_BYTE} + {@link FREE_CELLS}: a compressed columnar file can
 *   hold many values per byte (run-length encoded constants), but not thousands per byte across every column;
 *   this is what stops a 143 KB footer that claims 10 million rows × 1,000 columns before anything is allocated.
 */
import { DataReadError } from './errors';

/** Default row limit per file (setting `mlPreflight.drift.maxRows`). */
export const DEFAULT_MAX_ROWS = 10_000_000;
/** Default column limit per file (setting `mlPreflight.drift.maxColumns`). */
export const DEFAULT_MAX_COLUMNS = 10_000;
/** Default memory budget of one comparison in MiB (setting `mlPreflight.drift.maxMemoryMb`), both files together. */
export const DEFAULT_MAX_MEMORY_MB = 4096;
/** Declared values per byte of file that a reader believes (run-length encoding reaches ~1,000 on constant columns). */
export const MAX_CELLS_PER_BYTE = 1024;
/** Values any file may declare whatever its size (16 Mi values = 128 MiB of Float64). */
export const FREE_CELLS = 16 * 1024 * 1024;
/** Largest single page a binary reader decompresses (bytes; pyarrow and arrow-rs write ~1 MiB pages). */
export const MAX_PAGE_BYTES = 256 * 1024 * 1024;

export interface DataLimits {
  maxRows: number;
  maxColumns: number;
  /** Memory budget of the whole comparison (both files), MiB. */
  maxMemoryMb: number;
}

export function resolveLimits(options: { maxRows?: number; maxColumns?: number; maxMemoryMb?: number }): DataLimits {
  return {
    maxRows: options.maxRows ?? DEFAULT_MAX_ROWS,
    maxColumns: options.maxColumns ?? DEFAULT_MAX_COLUMNS,
    maxMemoryMb: options.maxMemoryMb ?? DEFAULT_MAX_MEMORY_MB,
  };
}

const fmt = (n: number): string => n.toLocaleString('en-US');

/**
 * Checks a declared size before allocating `rows` × `columns` values for a file of `fileBytes` bytes.
 * @throws DataReadError `corrupt` (negative / non-integer sizes, or more values than the file can hold),
 *   `too-large` (over a setting).
 */
export function checkDeclaredCells(file: string, rows: number, columns: number, fileBytes: number, limits: DataLimits, what = 'the header'): void {
  if (!Number.isSafeInteger(rows) || rows < 0) throw new DataReadError('corrupt', file, `${what} declares ${String(rows)} rows (not a row count)`);
  if (!Number.isSafeInteger(columns) || columns < 0) throw new DataReadError('corrupt', file, `${what} declares ${String(columns)} columns (not a column count)`);
  if (rows > limits.maxRows) throw new DataReadError('too-large', file, `${fmt(rows)} rows, over the limit of ${fmt(limits.maxRows)} (setting mlPreflight.drift.maxRows / --max-rows)`);
  checkColumns(file, columns, limits);
  const cells = rows * columns;
  const plausible = fileBytes * MAX_CELLS_PER_BYTE + FREE_CELLS;
  if (cells > plausible) {
    throw new DataReadError('corrupt', file, `${what} declares ${fmt(rows)} rows × ${fmt(columns)} columns, more values than a ${fmt(fileBytes)}-byte file can hold (at most ${fmt(plausible)})`);
  }
  const budget = (limits.maxMemoryMb * 1024 * 1024) / 2;
  if (cells * 8 > budget) {
    throw new DataReadError('too-large', file, `${fmt(rows)} rows × ${fmt(columns)} columns need ${fmt(Math.ceil((cells * 8) / 1048576))} MiB, over half of the ${fmt(limits.maxMemoryMb)} MiB budget (setting mlPreflight.drift.maxMemoryMb); sample the file or read fewer columns`);
  }
}

/** @throws DataReadError `too-large` past `maxColumns`. */
export function checkColumns(file: string, columns: number, limits: DataLimits): void {
  if (columns > limits.maxColumns) {
    throw new DataReadError('too-large', file, `${fmt(columns)} columns, over the limit of ${fmt(limits.maxColumns)} (setting mlPreflight.drift.maxColumns)`);
  }
}

/** Names made unique the way pandas mangles duplicate CSV headers (`a`, `a.1`, `a.2`); warns once per duplicate. */
export function uniqueNames(names: readonly string[], warnings: string[]): string[] {
  const used = new Set<string>();
  const counts = new Map<string, number>();
  return names.map((name) => {
    if (!used.has(name)) {
      used.add(name);
      return name;
    }
    let k = counts.get(name) ?? 0;
    let candidate: string;
    do candidate = `${name}.${++k}`;
    while (used.has(candidate));
    counts.set(name, k);
    used.add(candidate);
    warnings.push(`duplicate column name '${name}': the later column is read as '${candidate}'`);
    return candidate;
  });
}
