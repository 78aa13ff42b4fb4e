/**
 * Data drift report: plain JSON shared by the drift core, the CLI (`ml-preflight drift --json`), the HTML report,
 * the VS Code adapter and the drift webview. No Node, no DOM, no vscode.
 *
 * Numbers that do not apply are `null` (never `NaN`); an infinite statistic (chi-square with a category the
 * reference never saw) is reported as `null` with `statisticInfinite: true`.
 */

/** Column types, as inferred by the readers or overridden by the user. */
export type ColumnType = 'numeric' | 'categorical' | 'boolean' | 'datetime' | 'text';

export const COLUMN_TYPES: readonly ColumnType[] = ['numeric', 'categorical', 'boolean', 'datetime', 'text'];

/**
 * Drift tests. `ks`, `chisquare`, `z` decide on a p-value (drift when p ≤ / < threshold); the others on a
 * distance (drift when ≥ threshold). `linf` and `jsd` are the TFDV-compatible checks (L-infinity distance on
 * categories, Jensen–Shannon divergence in log2 over 10 equal-width buckets).
 */
export type DriftMethod = 'ks' | 'chisquare' | 'z' | 'wasserstein' | 'jensenshannon' | 'psi' | 'linf' | 'jsd';

export const DRIFT_METHODS: readonly DriftMethod[] = ['ks', 'chisquare', 'z', 'wasserstein', 'jensenshannon', 'psi', 'linf', 'jsd'];

/** Human names of the methods, for tables and the report. */
export const DRIFT_METHOD_LABELS: Readonly<Record<DriftMethod, string>> = {
  ks: 'Kolmogorov–Smirnov',
  chisquare: 'Chi-square',
  z: 'Two-proportion Z',
  wasserstein: 'Wasserstein (normed)',
  jensenshannon: 'Jensen–Shannon distance',
  psi: 'PSI',
  linf: 'L-infinity (TFDV)',
  jsd: 'JS divergence (TFDV)',
};

/** Whether a method's statistic is a p-value (smaller = more drift) rather than a distance. */
export function isPValueMethod(method: DriftMethod): boolean {
  return method === 'ks' || method === 'chisquare' || method === 'z';
}

/** Default threshold per method (Evidently's defaults; 0.1 for the TFDV checks). */
export const DEFAULT_THRESHOLDS: Readonly<Record<DriftMethod, number>> = {
  ks: 0.05,
  chisquare: 0.05,
  z: 0.05,
  wasserstein: 0.1,
  jensenshannon: 0.1,
  psi: 0.1,
  linf: 0.1,
  jsd: 0.1,
};

/** An effect size printed beside a p-value: large samples make tests fire on trivial shifts. */
export interface EffectSize {
  /** `cohens_d` (numeric), `cramers_v` (categorical), `cohens_h` (two values). */
  name: 'cohens_d' | 'cramers_v' | 'cohens_h';
  value: number | null;
  /** Cohen's conventional magnitude. */
  magnitude: 'negligible' | 'small' | 'medium' | 'large' | null;
}

/** Summary of one side of a column. */
export interface SideSummary {
  /** Rows (missing included). */
  count: number;
  missing: number;
  unique: number;
  /** Numeric/datetime only. */
  mean: number | null;
  std: number | null;
  min: number | null;
  max: number | null;
  /** Categorical-like only: the most frequent values with their share of the non-missing rows (at most 5). */
  top: Array<{ value: string; share: number }>;
}

/** Chart data for the report (overlaid histograms and ECDFs). */
export type ColumnChart =
  | {
    kind: 'histogram';
    /** Bin edges (length = bins + 1). */
    edges: number[];
    /** Share of non-missing values per bin (sums to 1 per side). */
    reference: number[];
    current: number[];
    /** ECDF points `[x, F_ref(x), F_cur(x)]`, at most 101, for the ECDF view. */
    ecdf: Array<[number, number, number]>;
  }
  | {
    kind: 'bars';
    /** Categories (most frequent first, then `(other)` when more than shown). */
    labels: string[];
    reference: number[];
    current: number[];
  };

export interface ColumnDrift {
  name: string;
  /** The type the tests used. */
  type: ColumnType;
  /** Test that decided `drifted`; null when the column was not tested (see `skipped`). */
  method: DriftMethod | null;
  /** Why the method was chosen (e.g. `reference ≤ 1000 rows, 17 unique values → KS`). */
  methodReason: string;
  /**
   * Test statistic of `method` (KS D, χ², z, or the distance itself); null when not tested or infinite
   * (`statisticInfinite`). The threshold applies to `pValue` for KS/chi-square/Z and to `statistic` otherwise.
   */
  statistic: number | null;
  statisticInfinite?: boolean;
  /** p-value of `method` when it is a test with a p-value (ks, chisquare, z), else null. */
  pValue: number | null;
  threshold: number | null;
  drifted: boolean;
  /** Not tested: `all-missing`, `text`, `excluded`, `no-overlap`… with a sentence. */
  skipped?: { reason: string; message: string };
  /** Always computed for numeric/datetime columns (null for others): two-sample KS, exact p for small samples. */
  ks: { statistic: number; pValue: number; exact: boolean } | null;
  /** Wasserstein-1 / max(population std of reference, 0.001); numeric only. */
  wassersteinNormed: number | null;
  /** PSI with Evidently's binning and zero-fill. */
  psi: number | null;
  /** Jensen–Shannon distance (natural log), Evidently's binning, no zero-fill. */
  jsDistance: number | null;
  /** Chi-square statistic and p (categorical-like, or numeric with few values). */
  chiSquare: { statistic: number | null; pValue: number; df: number } | null;
  effectSize: EffectSize | null;
  /** Share of missing values (0..1) per side. */
  missing: { reference: number; current: number };
  /** Unique non-missing values per side and over both. */
  unique: { reference: number; current: number; union: number };
  /** Categories in current never seen in reference (at most 20 listed; `newCategoryCount` has all). */
  newCategories: string[];
  newCategoryCount: number;
  /** Share of current rows that carry a new category. */
  newCategoryShare: number;
  /** Reference categories absent from current (at most 20 listed). */
  unseenCategories: string[];
  unseenCategoryCount: number;
  /** Numeric/datetime: current values outside the reference [min, max]. */
  rangeViolations: { below: number; above: number; share: number; referenceMin: number; referenceMax: number } | null;
  /** Plain sentences: e.g. the large-sample warning. */
  notes: string[];
  reference: SideSummary;
  current: SideSummary;
  chart: ColumnChart | null;
}

export interface SchemaDrift {
  /** Reference columns absent from current. */
  missingInCurrent: string[];
  /** Current columns absent from reference. */
  extraInCurrent: string[];
  /** Same name, different inferred type. */
  typeChanges: Array<{ name: string; reference: ColumnType; current: ColumnType; testedAs: ColumnType }>;
}

export interface DatasetInfo {
  /** Path as given (CLI) or file system path (VS Code). */
  path: string;
  format: DataFormat;
  rows: number;
  columns: number;
  bytes: number;
}

export type DataFormat = 'csv' | 'parquet' | 'arrow' | 'jsonl' | 'json';

export interface DriftReport {
  /** Report format version. */
  version: 1;
  reference: DatasetInfo;
  current: DatasetInfo;
  rows: { reference: number; current: number };
  /** True when `shareDrifted ≥ driftShareThreshold`. */
  datasetDrift: boolean;
  /** Drifted / tested columns (0 when none was tested). */
  shareDrifted: number;
  driftShareThreshold: number;
  driftedColumns: number;
  testedColumns: number;
  /** `evidently` (default rules) or `tfdv`. */
  mode: 'evidently' | 'tfdv';
  schema: SchemaDrift;
  columns: ColumnDrift[];
  warnings: string[];
  /** ISO time the report was made. */
  createdAt: string;
  /** Milliseconds: reading both files, computing the tests. */
  timings: { readMs: number; analyzeMs: number };
}

/** Per-column overrides (CLI `--method col=ks --threshold col=0.2 --type col=categorical`, settings, config file). */
export interface ColumnOverride {
  type?: ColumnType;
  method?: DriftMethod;
  threshold?: number;
}

/** Options of a drift run; everything optional. */
export interface DriftOptions {
  /** Only these columns (others are reported as schema only). */
  columns?: string[];
  overrides?: Record<string, ColumnOverride>;
  /** Share of drifted columns that flags dataset drift (default 0.5). */
  driftShare?: number;
  mode?: 'evidently' | 'tfdv';
}

/** `mlPreflight.drift` workspace config file (`.mlpreflight/drift.json`) and settings shape. */
export interface DriftConfigFile {
  columns?: Record<string, ColumnOverride>;
  include?: string[];
  driftShare?: number;
  mode?: 'evidently' | 'tfdv';
}

/**
 * How serious a comparison is, for colours and icons on every surface: `drift` (dataset drift: the share of drifted
 * columns reached the threshold), `columns` (no dataset drift, but some columns drift: still a warning), `ok`.
 */
export type DriftLevel = 'drift' | 'columns' | 'ok';

export function driftLevel(report: Pick<DriftReport, 'datasetDrift' | 'driftedColumns'>): DriftLevel {
  return report.datasetDrift ? 'drift' : report.driftedColumns > 0 ? 'columns' : 'ok';
}

/**
 * The verdict in a few words: `Dataset drift: 3 of 5 columns drifted (60%)` / `No dataset drift, but 3 of 7 columns
 * drift (43%)` / `No drift: 0 of 5 columns drifted`.
 */
export function driftVerdict(report: Pick<DriftReport, 'datasetDrift' | 'driftedColumns' | 'testedColumns' | 'shareDrifted'>): string {
  const pct = `${Math.round(report.shareDrifted * 100)}%`;
  if (report.testedColumns === 0) return 'No column could be tested';
  switch (driftLevel(report)) {
    case 'drift':
      return `Dataset drift: ${report.driftedColumns} of ${report.testedColumns} columns drifted (${pct})`;
    case 'columns':
      return `No dataset drift, but ${report.driftedColumns} of ${report.testedColumns} columns drift (${pct})`;
    case 'ok':
      return `No drift: 0 of ${report.testedColumns} columns drifted`;
  }
}

/** The short form for tree rows: `dataset drift: 4/7 columns`, `3/7 columns drift`, `no drift: 0/7 columns`. */
export function driftShortVerdict(report: Pick<DriftReport, 'datasetDrift' | 'driftedColumns' | 'testedColumns'>): string {
  const n = `${report.driftedColumns}/${report.testedColumns}`;
  switch (driftLevel(report)) {
    case 'drift':
      return `dataset drift: ${n} columns`;
    case 'columns':
      return `${n} columns drift`;
    case 'ok':
      return `no drift: ${n} columns`;
  }
}
