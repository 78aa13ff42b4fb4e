/**
 * Tests on category counts, as Evidently computes them. `reference[i]` and `current[i]` are the counts of the
 * same category i over the union of both samples' non-missing values.
 */
import { chiSquareSf, normalTwoSidedP } from './gamma';

function sum(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return s;
}

export interface ChiSquareResult {
  /** Infinity when current has a category the reference never saw (SciPy returns inf). */
  statistic: number;
  pValue: number;
  df: number;
}

/**
 * Evidently's `chisquare` drift test: observed = current counts, expected = reference counts × (n_cur/n_ref),
 * then SciPy `chisquare(observed, expected)`: χ² = Σ (o − e)²/e, df = k − 1, p = `chi2.sf(χ², df)`.
 * A category absent from the reference gives χ² = ∞ and p = 0. One category (df = 0): p = 1.
 *
 * @throws RangeError when the lengths differ or a side has no observations.
 */
export function chiSquareTest(reference: ArrayLike<number>, current: ArrayLike<number>): ChiSquareResult {
  if (reference.length !== current.length) throw new RangeError('chiSquareTest requires count arrays of the same length');
  const nRef = sum(reference);
  const nCur = sum(current);
  if (nRef === 0 || nCur === 0) throw new RangeError('chiSquareTest requires observations on both sides');
  const k = reference.length;
  const scale = nCur / nRef;
  let stat = 0;
  for (let i = 0; i < k; i++) {
    const e = reference[i]! * scale;
    const o = current[i]!;
    if (e === 0) {
      if (o > 0) stat = Infinity;
      continue;
    }
    stat += ((o - e) * (o - e)) / e;
  }
  const df = k - 1;
  if (df <= 0) return { statistic: 0, pValue: 1, df: 0 };
  return { statistic: stat, pValue: chiSquareSf(stat, df), df };
}

/**
 * Chi-square test of independence on the 2 × k table [reference; current] (no continuity correction), used
 * for Cramér's V. Categories empty on both sides are ignored.
 */
export function chiSquareIndependence(reference: ArrayLike<number>, current: ArrayLike<number>): { statistic: number; n: number; k: number } {
  const nRef = sum(reference);
  const nCur = sum(current);
  const n = nRef + nCur;
  let stat = 0;
  let k = 0;
  for (let i = 0; i < reference.length; i++) {
    const col = reference[i]! + current[i]!;
    if (col === 0) continue;
    k++;
    const eR = (nRef * col) / n;
    const eC = (nCur * col) / n;
    stat += ((reference[i]! - eR) ** 2) / eR + ((current[i]! - eC) ** 2) / eC;
  }
  return { statistic: stat, n, k };
}

export interface ZTestResult {
  z: number;
  pValue: number;
}

/**
 * Evidently's two-proportion Z test for columns with at most two values: p1, p2 = share of the first category
 * in reference and current, pooled P, z = (p1 − p2)/√(P(1 − P)(1/n1 + 1/n2)), two-sided p = 2(1 − Φ(|z|)).
 * When both sides hold the same single value, p = 1 (Evidently's special case).
 *
 * @throws RangeError for more than two categories or an empty side.
 */
export function twoProportionZTest(reference: ArrayLike<number>, current: ArrayLike<number>): ZTestResult {
  if (reference.length !== current.length || reference.length > 2) throw new RangeError('twoProportionZTest requires at most two categories');
  const n1 = sum(reference);
  const n2 = sum(current);
  if (n1 === 0 || n2 === 0) throw new RangeError('twoProportionZTest requires observations on both sides');
  if (reference.length < 2) return { z: 0, pValue: 1 };
  const p1 = reference[0]! / n1;
  const p2 = current[0]! / n2;
  const pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
  if (pooled === 0 || pooled === 1) return { z: 0, pValue: 1 };
  const z = (p1 - p2) / Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  return { z, pValue: normalTwoSidedP(z) };
}
