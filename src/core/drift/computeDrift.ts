/**
 * Dataset drift: matches the columns of two datasets by name, reconciles their types, runs
 * {@link analyzeNumeric} / {@link analyzeCategorical} per column and aggregates the verdict (dataset drift when
 * the share of drifted columns ≥ 0.5, Evidently's default).
 */
import { convertColumn, isNumericColumn, type DataColumn, type Dataset } from '../data/columns';
import { readDataset, type ReadDatasetOptions } from '../data/readDataset';
import type { ColumnDrift, ColumnType, DriftOptions, DriftReport, SchemaDrift } from '../../shared/drift';
import { analyzeCategorical, analyzeNumeric } from './analyzeColumn';

/** Evidently's default `drift_share`. */
export const DEFAULT_DRIFT_SHARE = 0.5;

export type DriftErrorReason = 'schema-mismatch' | 'unknown-column' | 'bad-option' | 'cancelled' | 'worker-failed';

/** A problem with the pair of datasets or the options (not with one file). */
export class DriftError extends Error {
  override readonly name = 'DriftError';
  constructor(readonly reason: DriftErrorReason, message: string) {
    super(message);
  }

  static is(ex: unknown, reason?: DriftErrorReason): ex is DriftError {
    return ex instanceof DriftError && (reason === undefined || ex.reason === reason);
  }
}

const NUMERIC_TYPES: ReadonlySet<ColumnType> = new Set(['numeric', 'datetime']);

/** The type both sides are tested as when they differ: numbers vs strings → categorical; datetime vs number → numeric. */
export function reconcileTypes(a: ColumnType, b: ColumnType): ColumnType {
  if (a === b) return a;
  if (NUMERIC_TYPES.has(a) && NUMERIC_TYPES.has(b)) return 'numeric';
  if (a === 'text' && b === 'text') return 'text';
  return 'categorical';
}

function listNames(names: readonly string[]): string {
  const shown = names.slice(0, 8).map((n) => `'${n}'`).join(', ');
  return names.length > 8 ? `${shown} and ${names.length - 8} more` : shown;
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export interface AnalyzeOptions extends DriftOptions {
  signal?: AbortSignal;
  /** Called after each column: (done, total, name). */
  onColumn?: (done: number, total: number, name: string) => void;
}

/**
 * Compares two datasets already in memory.
 *
 * @throws DriftError `schema-mismatch` (no column in common), `unknown-column` (a `columns` entry that neither
 *   file has), `bad-option`, `cancelled`.
 */
export async function analyzeDrift(reference: Dataset, current: Dataset, options: AnalyzeOptions = {}): Promise<Omit<DriftReport, 'timings'> & { analyzeMs: number }> {
  const started = performance.now();
  const mode = options.mode ?? 'evidently';
  const driftShare = options.driftShare ?? DEFAULT_DRIFT_SHARE;
  if (!(driftShare > 0 && driftShare <= 1)) throw new DriftError('bad-option', `drift share must be in (0, 1], got ${driftShare}`);
  const refByName = new Map(reference.columns.map((c) => [c.name, c]));
  const curByName = new Map(current.columns.map((c) => [c.name, c]));
  const schema: SchemaDrift = {
    missingInCurrent: reference.columns.filter((c) => !curByName.has(c.name)).map((c) => c.name),
    extraInCurrent: current.columns.filter((c) => !refByName.has(c.name)).map((c) => c.name),
    typeChanges: [],
  };
  let common = reference.columns.filter((c) => curByName.has(c.name)).map((c) => c.name);
  if (common.length === 0) {
    throw new DriftError('schema-mismatch', `${reference.file} and ${current.file} have no column in common (reference: ${listNames(reference.columns.map((c) => c.name))}; current: ${listNames(current.columns.map((c) => c.name))})`);
  }
  const warnings = [...reference.warnings.map((w) => `${reference.file}: ${w}`), ...current.warnings.map((w) => `${current.file}: ${w}`)];
  if (options.columns?.length) {
    const unknown = options.columns.filter((c) => !refByName.has(c) && !curByName.has(c));
    if (unknown.length) throw new DriftError('unknown-column', `no column named ${listNames(unknown)} (columns: ${listNames(common)})`);
    const only = options.columns.filter((c) => !common.includes(c));
    if (only.length) warnings.push(`column${only.length > 1 ? 's' : ''} ${listNames(only)} exist${only.length > 1 ? '' : 's'} on one side only and cannot be compared`);
    const wanted = new Set(options.columns);
    common = common.filter((c) => wanted.has(c));
  }
  const overrides = options.overrides ?? {};
  for (const name of Object.keys(overrides)) {
    if (!refByName.has(name) && !curByName.has(name)) warnings.push(`override for '${name}' ignored: no such column`);
  }
  const results: ColumnDrift[] = [];
  for (const [i, name] of common.entries()) {
    if (options.signal?.aborted) throw new DriftError('cancelled', 'cancelled');
    const o = overrides[name] ?? {};
    let ref: DataColumn = refByName.get(name)!;
    let cur: DataColumn = curByName.get(name)!;
    if (o.type) {
      const r = convertColumn(ref, o.type);
      const c = convertColumn(cur, o.type);
      if (r.unparsed + c.unparsed > 0) warnings.push(`column '${name}': ${r.unparsed + c.unparsed} value(s) are not ${o.type === 'datetime' ? 'ISO dates' : 'numbers'} and count as missing (type set to ${o.type})`);
      ref = r.column;
      cur = c.column;
    } else if (ref.type !== cur.type) {
      const testedAs = reconcileTypes(ref.type, cur.type);
      schema.typeChanges.push({ name, reference: ref.type, current: cur.type, testedAs });
      ref = convertColumn(ref, testedAs).column;
      cur = convertColumn(cur, testedAs).column;
    }
    const colOptions = { method: o.method, threshold: o.threshold, mode };
    const result = isNumericColumn(ref) && isNumericColumn(cur)
      ? analyzeNumeric(ref, cur, colOptions)
      : analyzeCategorical(ref as Exclude<DataColumn, { values: Float64Array }>, cur as Exclude<DataColumn, { values: Float64Array }>, colOptions);
    results.push(result);
    options.onColumn?.(i + 1, common.length, name);
    // Let cancellation and progress through between columns.
    await tick();
  }
  const tested = results.filter((r) => r.method !== null);
  const drifted = tested.filter((r) => r.drifted).length;
  const shareDrifted = tested.length ? drifted / tested.length : 0;
  return {
    version: 1,
    reference: { path: reference.file, format: reference.format, rows: reference.rows, columns: reference.columns.length, bytes: reference.bytes },
    current: { path: current.file, format: current.format, rows: current.rows, columns: current.columns.length, bytes: current.bytes },
    rows: { reference: reference.rows, current: current.rows },
    datasetDrift: tested.length > 0 && shareDrifted >= driftShare,
    shareDrifted,
    driftShareThreshold: driftShare,
    driftedColumns: drifted,
    testedColumns: tested.length,
    mode,
    schema,
    columns: results,
    warnings,
    createdAt: new Date().toISOString(),
    analyzeMs: performance.now() - started,
  };
}

export interface ComputeDriftOptions extends AnalyzeOptions {
  maxRows?: number;
  /** Column and memory bounds of the readers (settings `mlPreflight.drift.maxColumns` / `maxMemoryMb`). */
  maxColumns?: number;
  maxMemoryMb?: number;
  /** `hyparquet`: the Parquet reader before the flat fast path (benchmarks compare against it). */
  parquetEngine?: 'auto' | 'hyparquet';
  referenceName?: string;
  currentName?: string;
  /** Reading progress: which side, bytes read, total bytes. */
  onRead?: (side: 'reference' | 'current', bytesRead: number, totalBytes: number) => void;
}

/**
 * Reads both files (in parallel) and compares them.
 * @throws DataReadError for a file that cannot be read; DriftError as {@link analyzeDrift}.
 */
export async function computeDrift(referencePath: string, currentPath: string, options: ComputeDriftOptions = {}): Promise<DriftReport> {
  const started = performance.now();
  const read = (path: string, side: 'reference' | 'current', name?: string): Promise<Dataset> => {
    const o: ReadDatasetOptions = { signal: options.signal, maxRows: options.maxRows, maxColumns: options.maxColumns, maxMemoryMb: options.maxMemoryMb, parquetEngine: options.parquetEngine, displayName: name, onProgress: (b, t) => options.onRead?.(side, b, t) };
    return readDataset(path, o);
  };
  const [reference, current] = await Promise.all([read(referencePath, 'reference', options.referenceName), read(currentPath, 'current', options.currentName)]);
  const readMs = performance.now() - started;
  const { analyzeMs, ...report } = await analyzeDrift(reference, current, options);
  return { ...report, timings: { readMs, analyzeMs } };
}
