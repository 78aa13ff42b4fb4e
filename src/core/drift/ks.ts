/**
 * Two-sample Kolmogorov–Smirnov test, two-sided, as SciPy's `ks_2samp(method='auto')`: the exact p-value when
 * max(n1, n2) ≤ 10 000, the asymptotic one otherwise.
 *
 * - Statistic: D = sup |F1 − F2| over the pooled sample, evaluated after all tied values (ties handled).
 * - Exact: the share of lattice paths from (0,0) to (n1,n2) that leave the band |i/n1 − j/n2| < D (SciPy
 *   `_compute_outer_prob_inside_method`, R `psmirnov`), counted in integers (D is rounded to a multiple of
 *   1/lcm(n1,n2) as SciPy does) with the i/(i+n2) scaling that keeps counts in double range.
 * - Asymptotic: SciPy uses `kstwo.sf(D, round(n1·n2/(n1+n2)))`. We use the Kolmogorov limit with Stephens'
 *   finite-n correction, Q_KS((√n + 0.12 + 0.11/√n)·D) (Stephens 1970, Numerical Recipes §14.3), which
 *   agrees with `kstwo.sf` to about 1e-3 absolute for n ≥ 100.
 */

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
 * @throws RangeError for empty samples.
 */
export function ksExactPValue(d: number, n1: number, n2: number): number {
  if (n1 < 1 || n2 < 1) throw new RangeError('ksExactPValue requires n1, n2 ≥ 1');
  // Let m ≤ n.
  const m = Math.min(n1, n2);
  const n = Math.max(n1, n2);
  const g = gcd(m, n);
  const lcm = (m / g) * n;
  const h = Math.round(d * lcm);
  if (h === 0) return 1;
  // Inside the band: |i·n − j·m| < h·g.
  const hg = h * g;
  const u = new Float64Array(n + 1);
  // Row i = 0: j·m < hg.
  let jhi = Math.min(n, Math.ceil(hg / m) - 1);
  for (let j = 0; j <= jhi; j++) u[j] = 1;
  let jlo = 0;
  let log10Scale = 0;
  for (let i = 1; i <= m; i++) {
    const w = i / (i + n);
    const newLo = Math.max(0, Math.floor((i * n - hg) / m) + 1);
    const newHi = Math.min(n, Math.ceil((i * n + hg) / m) - 1);
    for (let j = jlo; j < newLo && j <= n; j++) u[j] = 0;
    for (let j = Math.max(jhi + 1, 0); j <= newHi; j++) u[j] = 0;
    jlo = newLo;
    jhi = newHi;
    if (jlo > jhi) return 1;
    u[jlo] = w * u[jlo]! + (jlo > 0 ? u[jlo - 1]! : 0);
    let max = u[jlo]!;
    for (let j = jlo + 1; j <= jhi; j++) {
      const v = w * u[j]! + u[j - 1]!;
      u[j] = v;
      if (v > max) max = v;
    }
    // Intermediate rows can leave double range (the i/(i+n) scaling normalizes only the last row):
    // rescale the band by 1e±200 and remember the factor.
    if (max > 0 && max < 1e-200) {
      for (let j = jlo; j <= jhi; j++) u[j] = u[j]! * 1e200;
      log10Scale -= 200;
    } else if (max > 1e200) {
      for (let j = jlo; j <= jhi; j++) u[j] = u[j]! * 1e-200;
      log10Scale += 200;
    }
  }
  const inside = jhi === n ? u[n]! * Math.pow(10, log10Scale) : 0;
  return Math.min(1, Math.max(0, 1 - inside));
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

/** Asymptotic two-sided p-value (see the file comment). */
export function ksAsymptoticPValue(d: number, n1: number, n2: number): number {
  const en = Math.round((n1 * n2) / (n1 + n2));
  const s = Math.sqrt(en);
  return kolmogorovSf((s + 0.12 + 0.11 / s) * d);
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
