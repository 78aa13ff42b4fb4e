/**
 * The per-column table of the drift webview as pure functions (sortable columns, cell text), so the sort
 * order is unit-tested without a DOM.
 */
import { DRIFT_METHOD_LABELS, type ColumnDrift } from './drift';
import { formatP, formatShare, formatStat } from './driftChart';

export type SortKey = 'name' | 'type' | 'method' | 'statistic' | 'pValue' | 'drift' | 'ks' | 'wasserstein' | 'psi' | 'js' | 'effect' | 'missing';
export type SortDir = 'asc' | 'desc';

export interface TableColumn {
  key: SortKey;
  label: string;
  numeric: boolean;
  title: string;
}

export const TABLE_COLUMNS: readonly TableColumn[] = [
  { key: 'name', label: 'Column', numeric: false, title: 'Column name' },
  { key: 'type', label: 'Type', numeric: false, title: 'Column type used by the tests' },
  { key: 'method', label: 'Test', numeric: false, title: 'The test that decides drift for this column' },
  { key: 'statistic', label: 'Statistic', numeric: true, title: 'Test statistic (KS D, χ², z) or distance' },
  { key: 'pValue', label: 'p-value', numeric: true, title: 'p-value of the deciding test (KS, chi-square, Z)' },
  { key: 'drift', label: 'Drift', numeric: false, title: 'Drift verdict against the threshold' },
  { key: 'ks', label: 'KS p', numeric: true, title: 'Two-sample Kolmogorov–Smirnov p-value (numeric columns)' },
  { key: 'wasserstein', label: 'W norm', numeric: true, title: 'Wasserstein distance / std of reference' },
  { key: 'psi', label: 'PSI', numeric: true, title: 'Population Stability Index (Evidently binning)' },
  { key: 'js', label: 'JS', numeric: true, title: 'Jensen–Shannon distance (natural log)' },
  { key: 'effect', label: 'Effect', numeric: true, title: "Effect size: Cohen's d, Cramér's V or Cohen's h" },
  { key: 'missing', label: 'Missing ref / cur', numeric: true, title: 'Share of missing values in reference / current' },
];

/** The sort value of a cell: numbers (null last) or lower-case text. Drift sorts drifted > not > not tested. */
export function sortValue(c: ColumnDrift, key: SortKey): number | string | null {
  switch (key) {
    case 'name':
      return c.name.toLowerCase();
    case 'type':
      return c.type;
    case 'method':
      return c.method ?? '~';
    case 'statistic':
      return c.statisticInfinite ? Infinity : c.statistic;
    case 'pValue':
      return c.pValue;
    case 'drift':
      return c.skipped ? -1 : c.drifted ? 1 : 0;
    case 'ks':
      return c.ks?.pValue ?? null;
    case 'wasserstein':
      return c.wassersteinNormed;
    case 'psi':
      return c.psi;
    case 'js':
      return c.jsDistance;
    case 'effect':
      return c.effectSize?.value === null || c.effectSize?.value === undefined ? null : Math.abs(c.effectSize.value);
    case 'missing':
      return Math.max(c.missing.reference, c.missing.current);
  }
}

/** Stable sort of the columns by `key`; missing values (null) always last. Does not mutate its input. */
export function sortColumns(columns: readonly ColumnDrift[], key: SortKey, dir: SortDir): ColumnDrift[] {
  const sign = dir === 'asc' ? 1 : -1;
  return columns
    .map((c, i) => ({ c, i, v: sortValue(c, key) }))
    .sort((a, b) => {
      if (a.v === null && b.v === null) return a.i - b.i;
      if (a.v === null) return 1;
      if (b.v === null) return -1;
      const r = typeof a.v === 'number' && typeof b.v === 'number' ? a.v - b.v : String(a.v).localeCompare(String(b.v));
      return r === 0 || Number.isNaN(r) ? a.i - b.i : sign * r;
    })
    .map((x) => x.c);
}

/** Cell text per table column. */
export function cellText(c: ColumnDrift, key: SortKey): string {
  switch (key) {
    case 'name':
      return c.name;
    case 'type':
      return c.type;
    case 'method':
      return c.method ? DRIFT_METHOD_LABELS[c.method] : `not tested (${c.skipped?.reason ?? '?'})`;
    case 'statistic':
      return formatStat(c.statistic, c.statisticInfinite);
    case 'pValue':
      return formatP(c.pValue);
    case 'drift':
      return c.skipped ? '—' : c.drifted ? 'Drift' : 'No drift';
    case 'ks':
      return formatP(c.ks?.pValue);
    case 'wasserstein':
      return formatStat(c.wassersteinNormed);
    case 'psi':
      return formatStat(c.psi);
    case 'js':
      return formatStat(c.jsDistance);
    case 'effect':
      return c.effectSize ? `${formatStat(c.effectSize.value)}${c.effectSize.magnitude ? ` ${c.effectSize.magnitude}` : ''}` : '—';
    case 'missing':
      return `${formatShare(c.missing.reference)} / ${formatShare(c.missing.current)}`;
  }
}
