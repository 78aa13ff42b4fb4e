/**
 * Evidently's `get_binned_data`: the reference/current shares PSI and Jensen–Shannon are computed on.
 *
 * - Numeric column with more than {@link EVIDENTLY_BIN_UNIQUE_LIMIT} unique **reference** values: NumPy
 *   `histogram_bin_edges(concat(ref, cur), bins='sturges')` (⌈log2 N⌉ + 1 equal-width bins over the pooled
 *   [min, max]; the last bin is closed), shares = counts / n per side.
 * - Otherwise one bin per value of ref ∪ cur (categories, or the distinct numbers).
 * - Zero-fill (PSI only; Evidently `feel_zeroes=True`): each side's zero shares become min(non-zero share)/10⁶
 *   when that minimum is ≤ 0.0001, else 0.0001.
 */

/** The rule ("numeric with > 20 unique reference values → Sturges bins"). */
export const EVIDENTLY_BIN_UNIQUE_LIMIT = 20;

/** Equal-width edges over [min, max] (NumPy: a degenerate range becomes [v − 0.5, v + 0.5]). */
export function equalWidthEdges(min: number, max: number, bins: number): Float64Array {
  let lo = min;
  let hi = max;
  if (lo === hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  const edges = new Float64Array(bins + 1);
  // NumPy linspace: i·step + start, last edge exactly `stop`.
  const step = (hi - lo) / bins;
  for (let i = 0; i <= bins; i++) edges[i] = i * step + lo;
  edges[bins] = hi;
  return edges;
}

/** Sturges' bin count for N values: ⌈log2 N⌉ + 1 (NumPy `_hist_bin_sturges`: range / (log2 N + 1) width). */
export function sturgesBins(n: number): number {
  return Math.max(1, Math.ceil(Math.log2(n) + 1));
}

/** NumPy `np.histogram(values, edges)` counts (right edge of the last bin included; values outside dropped). */
export function histogramCounts(values: ArrayLike<number>, edges: ArrayLike<number>): Float64Array {
  const bins = edges.length - 1;
  const counts = new Float64Array(bins);
  const lo = edges[0]!;
  const hi = edges[bins]!;
  const scale = bins / (hi - lo);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(v >= lo && v <= hi)) continue;
    let k = Math.floor((v - lo) * scale);
    if (k >= bins) k = bins - 1;
    // Correct rounding at the edges, as NumPy does.
    if (k > 0 && v < edges[k]!) k--;
    else if (k < bins - 1 && v >= edges[k + 1]!) k++;
    counts[k]!++;
  }
  return counts;
}

/** Evidently's zero-fill of a share vector (returns a copy). */
export function zeroFill(shares: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(shares as ArrayLike<number>);
  let min = Infinity;
  for (const v of out) if (v !== 0 && v < min) min = v;
  if (min === Infinity) return out;
  const fill = min <= 0.0001 ? min / 1e6 : 0.0001;
  for (let i = 0; i < out.length; i++) if (out[i] === 0) out[i] = fill;
  return out;
}

export interface BinnedShares {
  reference: Float64Array;
  current: Float64Array;
  /** Edges when Sturges bins were used; undefined for one bin per value. */
  edges?: Float64Array;
}

/**
 * Binned shares of a numeric column from **sorted** NaN-free samples.
 * `refUnique` is the number of distinct reference values.
 */
export function binNumeric(refSorted: Float64Array, curSorted: Float64Array, refUnique: number): BinnedShares {
  const n1 = refSorted.length;
  const n2 = curSorted.length;
  if (refUnique > EVIDENTLY_BIN_UNIQUE_LIMIT) {
    const min = Math.min(refSorted[0]!, curSorted[0]!);
    const max = Math.max(refSorted[n1 - 1]!, curSorted[n2 - 1]!);
    const edges = equalWidthEdges(min, max, sturgesBins(n1 + n2));
    const r = histogramCounts(refSorted, edges);
    const c = histogramCounts(curSorted, edges);
    for (let i = 0; i < r.length; i++) {
      r[i] = r[i]! / n1;
      c[i] = c[i]! / n2;
    }
    return { reference: r, current: c, edges };
  }
  // One bin per distinct value of ref ∪ cur: merge the sorted samples.
  const r: number[] = [];
  const c: number[] = [];
  let i = 0;
  let j = 0;
  while (i < n1 || j < n2) {
    const x = j >= n2 || (i < n1 && refSorted[i]! <= curSorted[j]!) ? refSorted[i]! : curSorted[j]!;
    let cr = 0;
    let cc = 0;
    while (i < n1 && refSorted[i] === x) {
      i++;
      cr++;
    }
    while (j < n2 && curSorted[j] === x) {
      j++;
      cc++;
    }
    r.push(cr / n1);
    c.push(cc / n2);
  }
  return { reference: Float64Array.from(r), current: Float64Array.from(c) };
}

/** Binned shares from category counts (one bin per category of the union). */
export function binCounts(refCounts: ArrayLike<number>, curCounts: ArrayLike<number>): BinnedShares {
  let n1 = 0;
  let n2 = 0;
  for (let i = 0; i < refCounts.length; i++) {
    n1 += refCounts[i]!;
    n2 += curCounts[i]!;
  }
  const r = new Float64Array(refCounts.length);
  const c = new Float64Array(refCounts.length);
  for (let i = 0; i < r.length; i++) {
    r[i] = refCounts[i]! / n1;
    c[i] = curCounts[i]! / n2;
  }
  return { reference: r, current: c };
}
