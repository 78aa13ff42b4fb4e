/**
 * Drift options from the CLI (`--method col=ks`, `--threshold col=0.2`, `--type col=categorical`), from the
 * workspace config file (`.mlpreflight/drift.json`) and from settings, validated into {@link DriftOptions}.
 * Later sources win per column and per key: config file < settings < CLI flags.
 */
import { COLUMN_TYPES, DRIFT_METHODS, type ColumnOverride, type ColumnType, type DriftConfigFile, type DriftMethod } from '../../shared/drift';
import { DriftError } from './computeDrift';

/** Where the CLI and the extension look for a workspace config file, relative to the working/workspace folder. */
export const DRIFT_CONFIG_FILE = '.mlpreflight/drift.json';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Validates one column override. @throws DriftError `bad-option` naming `where`. */
export function parseOverride(value: unknown, where: string): ColumnOverride {
  if (!isRecord(value)) throw new DriftError('bad-option', `${where}: expected an object like {"method": "ks", "threshold": 0.05, "type": "numeric"}`);
  const out: ColumnOverride = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === 'type') out.type = parseType(v, `${where}.type`);
    else if (key === 'method') out.method = parseMethod(v, `${where}.method`);
    else if (key === 'threshold') out.threshold = parseThreshold(v, `${where}.threshold`);
    else throw new DriftError('bad-option', `${where}: unknown key '${key}' (keys: type, method, threshold)`);
  }
  return out;
}

export function parseType(v: unknown, where: string): ColumnType {
  if (typeof v === 'string' && (COLUMN_TYPES as readonly string[]).includes(v)) return v as ColumnType;
  throw new DriftError('bad-option', `${where}: '${String(v)}' is not a column type (${COLUMN_TYPES.join(', ')})`);
}

export function parseMethod(v: unknown, where: string): DriftMethod {
  const s = typeof v === 'string' ? v.toLowerCase() : v;
  const aliases: Record<string, DriftMethod> = { chi2: 'chisquare', js: 'jensenshannon', wasserstein_distance: 'wasserstein', ztest: 'z', l_infinity: 'linf' };
  if (typeof s === 'string' && (DRIFT_METHODS as readonly string[]).includes(s)) return s as DriftMethod;
  if (typeof s === 'string' && aliases[s]) return aliases[s]!;
  throw new DriftError('bad-option', `${where}: '${String(v)}' is not a drift method (${DRIFT_METHODS.join(', ')})`);
}

export function parseThreshold(v: unknown, where: string): number {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n === 'number' && Number.isFinite(n) && n >= 0) return n;
  throw new DriftError('bad-option', `${where}: '${String(v)}' is not a threshold (a number ≥ 0)`);
}

/** Parses `.mlpreflight/drift.json` text. @throws DriftError `bad-option` naming the file and the key. */
export function parseDriftConfig(text: string, file: string): DriftConfigFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (ex) {
    throw new DriftError('bad-option', `${file}: invalid JSON (${(ex as Error).message})`);
  }
  if (!isRecord(value)) throw new DriftError('bad-option', `${file}: expected a JSON object`);
  const out: DriftConfigFile = {};
  for (const [key, v] of Object.entries(value)) {
    switch (key) {
      case 'columns':
        if (!isRecord(v)) throw new DriftError('bad-option', `${file}: "columns" must be an object of column name → {type, method, threshold}`);
        out.columns = Object.fromEntries(Object.entries(v).map(([name, o]) => [name, parseOverride(o, `${file}: columns.${name}`)]));
        break;
      case 'include':
        if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) throw new DriftError('bad-option', `${file}: "include" must be an array of column names`);
        out.include = v as string[];
        break;
      case 'driftShare':
        if (typeof v !== 'number' || !(v > 0 && v <= 1)) throw new DriftError('bad-option', `${file}: "driftShare" must be a number in (0, 1]`);
        out.driftShare = v;
        break;
      case 'mode':
        if (v !== 'evidently' && v !== 'tfdv') throw new DriftError('bad-option', `${file}: "mode" must be "evidently" or "tfdv"`);
        out.mode = v;
        break;
      case '$schema':
        break;
      default:
        throw new DriftError('bad-option', `${file}: unknown key "${key}" (keys: columns, include, driftShare, mode)`);
    }
  }
  return out;
}

/**
 * Parses repeated `col=value` flags (`--method age=ks --method income=psi`, also `a=ks,b=psi`).
 * Column names may contain `=`: the last `=` splits.
 * @throws DriftError `bad-option`.
 */
export function parseAssignments<T>(flag: string, values: readonly string[], parse: (v: string, where: string) => T): Record<string, T> {
  const out: Record<string, T> = {};
  for (const raw of values) {
    for (const item of raw.split(',')) {
      if (!item.trim()) continue;
      const eq = item.lastIndexOf('=');
      if (eq <= 0) throw new DriftError('bad-option', `--${flag} ${item}: expected column=value`);
      const col = item.slice(0, eq).trim();
      out[col] = parse(item.slice(eq + 1).trim(), `--${flag} ${col}`);
    }
  }
  return out;
}

/** Merges override maps; later maps win per key of each column. */
export function mergeOverrides(...maps: Array<Record<string, ColumnOverride> | undefined>): Record<string, ColumnOverride> {
  const out: Record<string, ColumnOverride> = {};
  for (const m of maps) {
    if (!m) continue;
    for (const [name, o] of Object.entries(m)) out[name] = { ...out[name], ...o };
  }
  return out;
}
