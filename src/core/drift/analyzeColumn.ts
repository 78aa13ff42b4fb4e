/**
 * Drift of one column: every statistic the report shows (KS, normed Wasserstein, PSI, Jensen–Shannon,
 * chi-square, effect size, missing shares, new/unseen categories, range violations) and the verdict of the
 * chosen method (Evidently's rules, see {@link selectMethod}, or a per-column override).
 */
import type { CategoricalColumn, NumericColumn } from '../data/columns';
import type { ColumnChart, ColumnDrift, ColumnType, DriftMethod, EffectSize, SideSummary } from '../../shared/drift';
import { DEFAULT_THRESHOLDS, DRIFT_METHOD_LABELS, isPValueMethod } from '../../shared/drift';
import { binCounts, binNumeric, equalWidthEdges, histogramCounts, sturgesBins, zeroFill } from './binning';
import { chiSquareIndependence, chiSquareTest, twoProportionZTest } from './categoricalTests';
import { jensenShannonDistance, jensenShannonDivergence, lInfinity, psi, wassersteinNormed } from './distances';
import { cohensD, cohensH, cramersV } from './effectSize';
import { ks2Samp } from './ks';
import { sortFloat64 } from './sortFloat64';

/** Evidently: reference samples up to this size get the p-value tests. */
export const SMALL_REFERENCE_MAX = 1000;

export interface ColumnOptions {
  method?: DriftMethod;
  threshold?: number;
  mode: 'evidently' | 'tfdv';
}

/**
 * Evidently's default test (`_get_default_stattest`), with n_ref = non-missing reference values and unique
 * counts over reference ∪ current:
 * n_ref ≤ 1000: ≤ 2 unique → `z`; categorical or 3–5 unique → `chisquare`; numeric > 5 unique → `ks`.
 * n_ref > 1000: numeric > 5 unique → `wasserstein`; everything else → `jensenshannon`.
 * TFDV mode: numeric → `jsd` (log2, 10 buckets), categorical → `linf`.
 */
export function selectMethod(numeric: boolean, nRef: number, uniqueUnion: number, mode: 'evidently' | 'tfdv' = 'evidently'): { method: DriftMethod; reason: string } {
  if (mode === 'tfdv') {
    return numeric
      ? { method: 'jsd', reason: 'TFDV mode: numeric → Jensen–Shannon divergence (log2, 10 buckets)' }
      : { method: 'linf', reason: 'TFDV mode: categorical → L-infinity distance' };
  }
  const size = nRef <= SMALL_REFERENCE_MAX ? `reference ${nRef} ≤ ${SMALL_REFERENCE_MAX} rows` : `reference ${nRef} > ${SMALL_REFERENCE_MAX} rows`;
  const u = `${uniqueUnion} unique value${uniqueUnion === 1 ? '' : 's'}`;
  if (nRef <= SMALL_REFERENCE_MAX) {
    if (uniqueUnion <= 2) return { method: 'z', reason: `${size}, ${u} → two-proportion Z test` };
    if (!numeric) return { method: 'chisquare', reason: `${size}, categorical → chi-square` };
    if (uniqueUnion <= 5) return { method: 'chisquare', reason: `${size}, numeric with ${u} (≤ 5) → chi-square` };
    return { method: 'ks', reason: `${size}, numeric with ${u} (> 5) → Kolmogorov–Smirnov` };
  }
  if (numeric && uniqueUnion > 5) return { method: 'wasserstein', reason: `${size}, numeric with ${u} (> 5) → normed Wasserstein` };
  return { method: 'jensenshannon', reason: `${size}, ${numeric ? `numeric with ${u} (≤ 5)` : 'categorical'} → Jensen–Shannon distance` };
}

/** Drift decision: p-value tests drift when p ≤ t (KS) or p < t (chi-square, Z); distances when ≥ t. */
export function isDrifted(method: DriftMethod, statistic: number, threshold: number): boolean {
  if (method === 'ks') return statistic <= threshold;
  if (isPValueMethod(method)) return statistic < threshold;
  return statistic >= threshold;
}

function finite(v: number | null | undefined): number | null {
  return v === null || v === undefined || !Number.isFinite(v) ? null : v;
}

function collect(values: Float64Array): { sorted: Float64Array; missing: number } {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i]!)) n++;
  const sorted = new Float64Array(n);
  let k = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isNaN(v)) sorted[k++] = v;
  }
  sortFloat64(sorted);
  return { sorted, missing: values.length - n };
}

function moments(sorted: Float64Array): { n: number; mean: number; variance: number; std: number } {
  const n = sorted.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += sorted[i]!;
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (sorted[i]! - mean) ** 2;
  return { n, mean, variance: n > 1 ? ss / (n - 1) : 0, std: Math.sqrt(ss / n) };
}

function countUnique(sorted: Float64Array): number {
  let u = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) u++;
  return u;
}

/** Distinct values of ref ∪ cur with their counts per side (sorted merge). */
function valueCounts(a: Float64Array, b: Float64Array): { values: number[]; ref: number[]; cur: number[] } {
  const values: number[] = [];
  const ref: number[] = [];
  const cur: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = j >= b.length || (i < a.length && a[i]! <= b[j]!) ? a[i]! : b[j]!;
    let cr = 0;
    let cc = 0;
    while (i < a.length && a[i] === x) {
      i++;
      cr++;
    }
    while (j < b.length && b[j] === x) {
      j++;
      cc++;
    }
    values.push(x);
    ref.push(cr);
    cur.push(cc);
    if (values.length > 1_000_000) break;
  }
  return { values, ref, cur };
}

function unionUniqueSorted(a: Float64Array, b: Float64Array): number {
  let i = 0;
  let j = 0;
  let u = 0;
  while (i < a.length || j < b.length) {
    const x = j >= b.length || (i < a.length && a[i]! <= b[j]!) ? a[i]! : b[j]!;
    while (i < a.length && a[i] === x) i++;
    while (j < b.length && b[j] === x) j++;
    u++;
  }
  return u;
}

/** ECDF value at x of a sorted sample (share ≤ x). */
function ecdfAt(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo / sorted.length;
}

function numericChart(ref: Float64Array, cur: Float64Array): ColumnChart {
  const min = Math.min(ref[0]!, cur[0]!);
  const max = Math.max(ref[ref.length - 1]!, cur[cur.length - 1]!);
  const bins = Math.min(40, sturgesBins(ref.length + cur.length));
  const edges = equalWidthEdges(min, max, bins);
  const r = histogramCounts(ref, edges);
  const c = histogramCounts(cur, edges);
  const ecdf: Array<[number, number, number]> = [];
  const lo = edges[0]!;
  const hi = edges[bins]!;
  for (let i = 0; i <= 100; i++) {
    const x = lo + ((hi - lo) * i) / 100;
    ecdf.push([x, ecdfAt(ref, x), ecdfAt(cur, x)]);
  }
  return {
    kind: 'histogram',
    edges: [...edges],
    reference: [...r].map((v) => v / ref.length),
    current: [...c].map((v) => v / cur.length),
    ecdf,
  };
}

const CHART_CATEGORIES = 20;
const LISTED_CATEGORIES = 20;

function emptySummary(count: number, missing: number): SideSummary {
  return { count, missing, unique: 0, mean: null, std: null, min: null, max: null, top: [] };
}

interface Base {
  name: string;
  type: ColumnType;
}

function skippedResult(base: Base, reason: string, message: string, rest: Partial<ColumnDrift>): ColumnDrift {
  return {
    name: base.name,
    type: base.type,
    method: null,
    methodReason: message,
    statistic: null,
    pValue: null,
    threshold: null,
    drifted: false,
    skipped: { reason, message },
    ks: null,
    wassersteinNormed: null,
    psi: null,
    jsDistance: null,
    chiSquare: null,
    effectSize: null,
    missing: { reference: 0, current: 0 },
    unique: { reference: 0, current: 0, union: 0 },
    newCategories: [],
    newCategoryCount: 0,
    newCategoryShare: 0,
    unseenCategories: [],
    unseenCategoryCount: 0,
    rangeViolations: null,
    notes: [],
    reference: emptySummary(0, 0),
    current: emptySummary(0, 0),
    chart: null,
    ...rest,
  };
}

/** The verdict fields of a column's result. */
type Verdict = Pick<ColumnDrift, 'method' | 'methodReason' | 'statistic' | 'statisticInfinite' | 'pValue' | 'threshold' | 'drifted' | 'skipped'>;

function verdict(method: DriftMethod, reason: string, result: { statistic: number; pValue?: number } | undefined, threshold: number | undefined, notApplicable?: string): Verdict {
  if (result === undefined || notApplicable) {
    const message = notApplicable ?? `${DRIFT_METHOD_LABELS[method]} does not apply to this column`;
    return { method: null, methodReason: message, statistic: null, pValue: null, threshold: null, drifted: false, skipped: { reason: 'method-not-applicable', message } };
  }
  const t = threshold ?? DEFAULT_THRESHOLDS[method];
  const infinite = Math.abs(result.statistic) === Infinity;
  const decisive = isPValueMethod(method) ? result.pValue ?? NaN : result.statistic;
  return {
    method,
    methodReason: reason,
    statistic: finite(result.statistic),
    ...(infinite ? { statisticInfinite: true } : {}),
    pValue: isPValueMethod(method) ? finite(result.pValue) : null,
    threshold: t,
    drifted: isDrifted(method, decisive, t),
  };
}

function largeSampleNote(v: Verdict, effect: EffectSize | null, nRef: number, nCur: number): string[] {
  if (!v.drifted || !v.method || !isPValueMethod(v.method) || !effect || effect.magnitude !== 'negligible') return [];
  const name = effect.name === 'cohens_d' ? "Cohen's d" : effect.name === 'cramers_v' ? "Cramér's V" : "Cohen's h";
  return [`The p-value is below the threshold but the effect is negligible (${name} = ${effect.value?.toFixed(3)}): with ${nRef.toLocaleString('en-US')} vs ${nCur.toLocaleString('en-US')} rows, tests detect shifts too small to matter.`];
}

/** Drift of a numeric or datetime column. */
export function analyzeNumeric(refCol: NumericColumn, curCol: NumericColumn, options: ColumnOptions): ColumnDrift {
  const base = { name: refCol.name, type: refCol.type };
  const { sorted: ref, missing: refMissing } = collect(refCol.values);
  const { sorted: cur, missing: curMissing } = collect(curCol.values);
  const missing = { reference: refCol.values.length ? refMissing / refCol.values.length : 0, current: curCol.values.length ? curMissing / curCol.values.length : 0 };
  if (ref.length === 0 || cur.length === 0) {
    const side = ref.length === 0 && cur.length === 0 ? 'both samples' : ref.length === 0 ? 'the reference' : 'the current sample';
    return skippedResult(base, 'all-missing', `every value is missing in ${side}`, {
      missing,
      reference: emptySummary(refCol.values.length, refMissing),
      current: emptySummary(curCol.values.length, curMissing),
    });
  }
  const mr = moments(ref);
  const mc = moments(cur);
  const refUnique = countUnique(ref);
  const curUnique = countUnique(cur);
  const union = unionUniqueSorted(ref, cur);
  const ks = ks2Samp(ref, cur);
  const wn = wassersteinNormed(ref, cur, mr.std);
  const binned = binNumeric(ref, cur, refUnique);
  const js = jensenShannonDistance(binned.reference, binned.current);
  const psiValue = psi(zeroFill(binned.reference), zeroFill(binned.current));
  let chiSquare: ColumnDrift['chiSquare'] = null;
  let z: { statistic: number; pValue: number } | undefined;
  let counts: ReturnType<typeof valueCounts> | undefined;
  if (union <= 20 || options.method === 'chisquare' || options.method === 'z') {
    counts = valueCounts(ref, cur);
    const chi = chiSquareTest(counts.ref, counts.cur);
    chiSquare = { statistic: finite(chi.statistic), pValue: chi.pValue, df: chi.df };
    if (counts.values.length <= 2) {
      const zt = twoProportionZTest(counts.ref, counts.cur);
      z = { statistic: zt.z, pValue: zt.pValue };
    }
  }
  const { method: defaultMethod, reason: defaultReason } = selectMethod(true, ref.length, union, options.mode);
  const method = options.method ?? defaultMethod;
  const reason = options.method ? `set for this column (default would be ${DRIFT_METHOD_LABELS[defaultMethod]})` : defaultReason;
  let value: { statistic: number; pValue?: number } | undefined;
  let notApplicable: string | undefined;
  switch (method) {
    case 'ks':
      value = { statistic: ks.statistic, pValue: ks.pValue };
      break;
    case 'wasserstein':
      value = { statistic: wn };
      break;
    case 'jensenshannon':
      value = { statistic: js };
      break;
    case 'psi':
      value = { statistic: psiValue };
      break;
    case 'chisquare':
      value = chiSquare ? { statistic: chiSquare.statistic ?? Infinity, pValue: chiSquare.pValue } : undefined;
      break;
    case 'z':
      if (z === undefined) notApplicable = `the two-proportion Z test needs at most 2 distinct values; this column has ${union}`;
      value = z;
      break;
    case 'linf':
      value = { statistic: lInfinity(binned.reference, binned.current) };
      break;
    case 'jsd': {
      const edges = equalWidthEdges(Math.min(ref[0]!, cur[0]!), Math.max(ref[ref.length - 1]!, cur[cur.length - 1]!), 10);
      value = { statistic: jensenShannonDivergence(histogramCounts(ref, edges), histogramCounts(cur, edges), Math.log2) };
      break;
    }
  }
  const v = verdict(method, reason, value, options.threshold, notApplicable);
  let effect: EffectSize;
  if (counts && counts.values.length === 2) {
    effect = cohensH(counts.ref[0]! / ref.length, counts.cur[0]! / cur.length);
  } else {
    effect = cohensD({ n: mr.n, mean: mr.mean, variance: mr.variance }, { n: mc.n, mean: mc.mean, variance: mc.variance });
  }
  const refMin = ref[0]!;
  const refMax = ref[ref.length - 1]!;
  let below = 0;
  let above = 0;
  for (let i = 0; i < cur.length && cur[i]! < refMin; i++) below++;
  for (let i = cur.length - 1; i >= 0 && cur[i]! > refMax; i--) above++;
  const notes = largeSampleNote(v, effect, ref.length, cur.length);
  if (method !== 'ks' && ks.pValue < 0.05 && ks.statistic < 0.05 && ref.length + cur.length > 20000) {
    notes.push(`KS p = ${ks.pValue.toExponential(2)} with D = ${ks.statistic.toFixed(4)}: at this sample size KS flags trivial shifts, which is why the decision uses ${DRIFT_METHOD_LABELS[method]}.`);
  }
  if (refUnique === 1) notes.push('The reference is constant: the normed Wasserstein divides by 0.001.');
  const isDate = refCol.type === 'datetime';
  const summary = (s: Float64Array, m: { mean: number; std: number }, count: number, miss: number, unique: number): SideSummary => ({
    count,
    missing: miss,
    unique,
    mean: m.mean,
    std: m.std,
    min: s[0]!,
    max: s[s.length - 1]!,
    top: [],
  });
  return {
    ...base,
    ...v,
    ks: { statistic: ks.statistic, pValue: ks.pValue, exact: ks.exact },
    wassersteinNormed: finite(wn),
    psi: finite(psiValue),
    jsDistance: finite(js),
    chiSquare,
    effectSize: effect,
    missing,
    unique: { reference: refUnique, current: curUnique, union },
    newCategories: [],
    newCategoryCount: 0,
    newCategoryShare: 0,
    unseenCategories: [],
    unseenCategoryCount: 0,
    rangeViolations: { below, above, share: (below + above) / cur.length, referenceMin: refMin, referenceMax: refMax },
    notes: isDate ? [...notes, 'Datetime values are compared as milliseconds since 1970-01-01 UTC.'] : notes,
    reference: summary(ref, mr, refCol.values.length, refMissing, refUnique),
    current: summary(cur, mc, curCol.values.length, curMissing, curUnique),
    chart: numericChart(ref, cur),
  };
}

/** Drift of a categorical, boolean or text column (dictionary codes of both sides mapped onto their union). */
export function analyzeCategorical(refCol: CategoricalColumn, curCol: CategoricalColumn, options: ColumnOptions): ColumnDrift {
  const base = { name: refCol.name, type: refCol.type };
  const labels: string[] = [];
  const index = new Map<string, number>();
  const mapDict = (dict: readonly string[]): Int32Array => {
    const out = new Int32Array(dict.length);
    dict.forEach((s, i) => {
      let k = index.get(s);
      if (k === undefined) {
        k = labels.length;
        index.set(s, k);
        labels.push(s);
      }
      out[i] = k;
    });
    return out;
  };
  const refMap = mapDict(refCol.dictionary);
  const curMap = mapDict(curCol.dictionary);
  const refCountsAll = new Float64Array(labels.length);
  const curCountsAll = new Float64Array(labels.length);
  let refMissing = 0;
  let curMissing = 0;
  const rc = refCol.codes;
  for (let i = 0; i < rc.length; i++) {
    const c = rc[i]!;
    if (c < 0) refMissing++;
    else refCountsAll[refMap[c]!]!++;
  }
  const cc = curCol.codes;
  for (let i = 0; i < cc.length; i++) {
    const c = cc[i]!;
    if (c < 0) curMissing++;
    else curCountsAll[curMap[c]!]!++;
  }
  // Keep categories present on at least one side.
  const keep: number[] = [];
  for (let k = 0; k < labels.length; k++) if (refCountsAll[k]! > 0 || curCountsAll[k]! > 0) keep.push(k);
  const names = keep.map((k) => labels[k]!);
  const refCounts = Float64Array.from(keep, (k) => refCountsAll[k]!);
  const curCounts = Float64Array.from(keep, (k) => curCountsAll[k]!);
  const nRef = rc.length - refMissing;
  const nCur = cc.length - curMissing;
  const missing = { reference: rc.length ? refMissing / rc.length : 0, current: cc.length ? curMissing / cc.length : 0 };
  const refUnique = refCounts.filter((c) => c > 0).length;
  const curUnique = curCounts.filter((c) => c > 0).length;
  const top = (counts: Float64Array, n: number): SideSummary['top'] =>
    [...counts.keys()].sort((a, b) => counts[b]! - counts[a]!).slice(0, 5).filter((k) => counts[k]! > 0).map((k) => ({ value: names[k]!, share: counts[k]! / n }));
  const refSummary: SideSummary = { count: rc.length, missing: refMissing, unique: refUnique, mean: null, std: null, min: null, max: null, top: nRef ? top(refCounts, nRef) : [] };
  const curSummary: SideSummary = { count: cc.length, missing: curMissing, unique: curUnique, mean: null, std: null, min: null, max: null, top: nCur ? top(curCounts, nCur) : [] };
  const newIdx: number[] = [];
  const unseenIdx: number[] = [];
  let newRows = 0;
  for (let k = 0; k < names.length; k++) {
    if (refCounts[k] === 0 && curCounts[k]! > 0) {
      newIdx.push(k);
      newRows += curCounts[k]!;
    }
    if (curCounts[k] === 0 && refCounts[k]! > 0) unseenIdx.push(k);
  }
  newIdx.sort((a, b) => curCounts[b]! - curCounts[a]!);
  unseenIdx.sort((a, b) => refCounts[b]! - refCounts[a]!);
  const categories = {
    newCategories: newIdx.slice(0, LISTED_CATEGORIES).map((k) => names[k]!),
    newCategoryCount: newIdx.length,
    newCategoryShare: nCur ? newRows / nCur : 0,
    unseenCategories: unseenIdx.slice(0, LISTED_CATEGORIES).map((k) => names[k]!),
    unseenCategoryCount: unseenIdx.length,
  };
  if (nRef === 0 || nCur === 0) {
    const side = nRef === 0 && nCur === 0 ? 'both samples' : nRef === 0 ? 'the reference' : 'the current sample';
    return skippedResult(base, 'all-missing', `every value is missing in ${side}`, { missing, reference: refSummary, current: curSummary, unique: { reference: refUnique, current: curUnique, union: names.length } });
  }
  if (refCol.type === 'text' && !options.method) {
    return skippedResult(base, 'text', 'free text (long, mostly unique values) is not tested by default; set its type to categorical or pick a method to test it', {
      missing, reference: refSummary, current: curSummary, unique: { reference: refUnique, current: curUnique, union: names.length }, ...categories,
    });
  }
  const union = names.length;
  const chi = chiSquareTest(refCounts, curCounts);
  const binned = binCounts(refCounts, curCounts);
  const js = jensenShannonDistance(binned.reference, binned.current);
  const psiValue = psi(zeroFill(binned.reference), zeroFill(binned.current));
  const { method: defaultMethod, reason: defaultReason } = selectMethod(false, nRef, union, options.mode);
  const method = options.method ?? defaultMethod;
  const reason = options.method ? `set for this column (default would be ${DRIFT_METHOD_LABELS[defaultMethod]})` : defaultReason;
  let value: { statistic: number; pValue?: number } | undefined;
  let notApplicable: string | undefined;
  switch (method) {
    case 'chisquare':
      value = { statistic: chi.statistic, pValue: chi.pValue };
      break;
    case 'z':
      if (union > 2) notApplicable = `the two-proportion Z test needs at most 2 categories; this column has ${union}`;
      else {
        const zt = twoProportionZTest(refCounts, curCounts);
        value = { statistic: zt.z, pValue: zt.pValue };
      }
      break;
    case 'jensenshannon':
      value = { statistic: js };
      break;
    case 'psi':
      value = { statistic: psiValue };
      break;
    case 'linf':
      value = { statistic: lInfinity(refCounts, curCounts) };
      break;
    case 'jsd':
      value = { statistic: jensenShannonDivergence(refCounts, curCounts, Math.log2) };
      break;
    case 'ks':
    case 'wasserstein':
      notApplicable = `${DRIFT_METHOD_LABELS[method]} needs numbers; '${refCol.name}' is ${refCol.type} (set its type to numeric if its values are numbers)`;
      break;
  }
  const v = verdict(method, reason, value, options.threshold, notApplicable);
  const independence = chiSquareIndependence(refCounts, curCounts);
  const effect = union === 2 ? cohensH(refCounts[0]! / nRef, curCounts[0]! / nCur) : cramersV(independence.statistic, independence.n, independence.k);
  const notes = largeSampleNote(v, effect, nRef, nCur);
  if (categories.newCategoryCount > 0) {
    notes.push(`${categories.newCategoryCount} categor${categories.newCategoryCount === 1 ? 'y' : 'ies'} in current never seen in reference (${(categories.newCategoryShare * 100).toFixed(1)}% of current rows).`);
  }
  // Chart: the most frequent categories over both sides, then (other).
  const order = [...names.keys()].sort((a, b) => refCounts[b]! / nRef + curCounts[b]! / nCur - (refCounts[a]! / nRef + curCounts[a]! / nCur));
  const shown = order.slice(0, order.length > CHART_CATEGORIES ? CHART_CATEGORIES - 1 : CHART_CATEGORIES);
  const chart: ColumnChart = {
    kind: 'bars',
    labels: shown.map((k) => names[k]!),
    reference: shown.map((k) => refCounts[k]! / nRef),
    current: shown.map((k) => curCounts[k]! / nCur),
  };
  if (shown.length < order.length) {
    chart.labels.push(`(other ${order.length - shown.length})`);
    chart.reference.push(1 - chart.reference.reduce((a, b) => a + b, 0));
    chart.current.push(1 - chart.current.reduce((a, b) => a + b, 0));
  }
  return {
    ...base,
    ...v,
    ks: null,
    wassersteinNormed: null,
    psi: finite(psiValue),
    jsDistance: finite(js),
    chiSquare: { statistic: finite(chi.statistic), pValue: chi.pValue, df: chi.df },
    effectSize: effect,
    missing,
    unique: { reference: refUnique, current: curUnique, union },
    ...categories,
    rangeViolations: null,
    notes,
    reference: refSummary,
    current: curSummary,
    chart,
  };
}
