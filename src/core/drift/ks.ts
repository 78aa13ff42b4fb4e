/**
 * Two-sample Kolmogorov–Smirnov test, two-sided, as SciPy's `ks_2samp(method='auto')`: the exact p-value when
 * max(n1, n2) ≤ 10 000, the asymptotic one otherwise.
 *
 * - Statistic: D = sup |F1 − F2| over the pooled sample, evaluated after all tied values (ties handled).
 * - Exact: the share of lattice paths from (0,0) to (n1,n2) that leave the band |i/n1 − j/n2| < D (what SciPy's
 *   `_compute_outer_prob_inside_method` computes), with integer band limits (D rounded to a multiple of
 *   1/lcm(n1,n2) as SciPy does), summed as exit probabilities so small p-values stay precise.
 * - Asymptotic: SciPy's `kstwo.sf(D, round(n1·n2/(n1+n2)))` (NumPy's round: half to even), the finite-n
 *   one-sample Kolmogorov distribution, computed as SciPy does (Simard & L'Ecuyer 2011; see kolmogorovN.ts).
 */

import { kolmogorovSfN } from './kolmogorovN';

/** SciPy's `MAX_AUTO_N`: exact p-values up to this many observations per sample. */
export const KS_EXACT_MAX_N = 10000;

/**
 * D statistic of two **sorted** samples (NaN-free).
 * @throws RangeError when a sample is empty.
 */
export function ksStatistic(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) throw new RangeError('ksStatistic requires two non-empty samples');
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < n1 && j < n2) {
    const x = a[i]! <= b[j]! ? a[i]! : b[j]!;
    while (i < n1 && a[i]! <= x) i++;
    while (j < n2 && b[j]! <= x) j++;
    const diff = Math.abs(i / n1 - j / n2);
    if (diff > d) d = diff;
  }
  return d;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/**
 * Exact two-sided p-value P(D ≥ d) for sample sizes n1, n2 under H0 (continuous distributions).
 *
 * Counts paths directly (not 1 − P(inside)), so tiny p-values keep their relative precision: a uniformly
 * random lattice path from (0,0) to (m,n) is a Markov chain that steps right from (i,j) with probability
 * (m−i)/(m−i+n−j); we propagate the probability of being at each point while still strictly inside the band
 * |i·n − j·m| < h·g and add up the mass that steps out of it. O(m × band width).
 * @throws RangeError for empty samples.
 */
export function ksExactPValue(d: number, n1: number, n2: number): number {
  if (n1 < 1 || n2 < 1) throw new RangeError('ksExactPValue requires n1, n2 ≥ 1');
  const m = Math.min(n1, n2);
  const n = Math.max(n1, n2);
  const g = gcd(m, n);
  const lcm = (m / g) * n;
  const h = Math.round(d * lcm);
  if (h === 0) return 1;
  const hg = h * g;
  // Band of row i: lo(i) ≤ j ≤ hi(i) with |i·n − j·m| < hg.
  const lo = (i: number): number => Math.max(0, Math.floor((i * n - hg) / m) + 1);
  const hi = (i: number): number => Math.min(n, Math.ceil((i * n + hg) / m) - 1);
  let prev = new Float64Array(n + 1);
  let next = new Float64Array(n + 1);
  let exit = 0;
  // Row 0: start at (0,0), walk along j inside the band.
  let pLo = 0;
  let pHi = hi(0);
  prev[0] = 1;
  for (let j = 0; j < pHi; j++) prev[j + 1] = prev[j]! * ((n - j) / (m + n - j));
  if (pHi < n) exit += prev[pHi]! * ((n - pHi) / (m + n - pHi));
  for (let i = 1; i <= m; i++) {
    const cLo = lo(i);
    const cHi = hi(i);
    const ri = m - i + 1; // steps right left from row i − 1
    // Steps from row i − 1 into row i: (i−1, j) → (i, j).
    for (let j = pLo; j <= pHi; j++) {
      const mass = prev[j]!;
      if (mass === 0) continue;
      const down = mass * (ri / (ri + n - j));
      if (j < cLo || j > cHi) exit += down;
      else next[j] = next[j]! + down;
    }
    // Steps along row i: (i, j) → (i, j + 1).
    const rr = m - i;
    for (let j = cLo; j <= cHi; j++) {
      const mass = next[j]!;
      if (mass === 0 || j === n) continue;
      const right = mass * ((n - j) / (rr + n - j));
      if (j + 1 > cHi) exit += right;
      else next[j + 1] = next[j + 1]! + right;
    }
    prev.fill(0, pLo, pHi + 1);
    const t = prev;
    prev = next;
    next = t;
    pLo = cLo;
    pHi = cHi;
  }
  return Math.min(1, Math.max(0, exit));
}

/** Kolmogorov's limiting distribution: P(K > λ) = 2 Σ (−1)^(k−1) exp(−2k²λ²). */
export function kolmogorovSf(lambda: number): number {
  if (lambda <= 0) return 1;
  if (lambda < 1.18) {
    // P(K ≤ λ) = √(2π)/λ · Σ exp(−(2k−1)²π²/(8λ²)) converges fast for small λ.
    const y = Math.exp((-Math.PI * Math.PI) / (8 * lambda * lambda));
    let cdf = 0;
    for (let k = 1; k < 20; k += 1) cdf += Math.pow(y, (2 * k - 1) * (2 * k - 1));
    return Math.min(1, Math.max(0, 1 - (Math.sqrt(2 * Math.PI) / lambda) * cdf));
  }
  let sum = 0;
  for (let k = 1; k < 100; k++) {
    const term = Math.exp(-2 * k * k * lambda * lambda);
    sum += (k % 2 === 1 ? 1 : -1) * term;
    if (term < 1e-17) break;
  }
  return Math.min(1, Math.max(0, 2 * sum));
}

/** Round half to even, as NumPy's `np.round`. */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Asymptotic two-sided p-value, SciPy `ks_2samp(method='asymp')`: `kstwo.sf(d, round(en))` with
 * en = m·n/(m+n) (m ≥ n), clipped to [0, 1].
 */
export function ksAsymptoticPValue(d: number, n1: number, n2: number): number {
  const m = Math.max(n1, n2);
  const n = Math.min(n1, n2);
  const en = roundHalfEven((m * n) / (m + n));
  // en rounds to 0 only when a sample is empty (ksStatistic refuses those); D_1 is the smallest distribution.
  const p = kolmogorovSfN(Math.max(1, en), d);
  return Math.min(1, Math.max(0, p));
}

export interface KsResult {
  statistic: number;
  pValue: number;
  exact: boolean;
}

/** `ks_2samp(a, b, method='auto')` on two **sorted** NaN-free samples. */
export function ks2Samp(a: ArrayLike<number>, b: ArrayLike<number>): KsResult {
  const statistic = ksStatistic(a, b);
  const exact = Math.max(a.length, b.length) <= KS_EXACT_MAX_N;
  const pValue = exact ? ksExactPValue(statistic, a.length, b.length) : ksAsymptoticPValue(statistic, a.length, b.length);
  return { statistic, pValue, exact };
}
