/**
 * Distances between two samples or two binned distributions, as Evidently and SciPy compute them.
 */

/**
 * Wasserstein-1 distance of two **sorted** NaN-free samples: ∫ |F1(x) − F2(x)| dx over the pooled support
 * (SciPy `wasserstein_distance(u, v)` without weights).
 * @throws RangeError for an empty sample.
 */
export function wasserstein1(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) throw new RangeError('wasserstein1 requires two non-empty samples');
  let i = 0;
  let j = 0;
  let total = 0;
  let prev = Math.min(a[0]!, b[0]!);
  while (i < n1 || j < n2) {
    const x = j >= n2 || (i < n1 && a[i]! <= b[j]!) ? a[i]! : b[j]!;
    total += Math.abs(i / n1 - j / n2) * (x - prev);
    prev = x;
    while (i < n1 && a[i]! === x) i++;
    while (j < n2 && b[j]! === x) j++;
  }
  return total;
}

/** Population standard deviation (NumPy `np.std`, ddof = 0) of NaN-free values. */
export function populationStd(xs: ArrayLike<number>): number {
  const n = xs.length;
  if (n === 0) return NaN;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += xs[i]!;
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (xs[i]! - mean) ** 2;
  return Math.sqrt(ss / n);
}

/** Evidently's normed Wasserstein: W1 / max(population std of reference, 0.001). */
export function wassersteinNormed(refSorted: ArrayLike<number>, curSorted: ArrayLike<number>, refStd = populationStd(refSorted)): number {
  return wasserstein1(refSorted, curSorted) / Math.max(refStd, 0.001);
}

/** Σ x·ln(x/y) with SciPy's `rel_entr` conventions (0 when x = 0, ∞ when y = 0 < x). */
function relEntropy(p: ArrayLike<number>, q: ArrayLike<number>, log: (x: number) => number): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) {
    const x = p[i]!;
    const y = q[i]!;
    if (x === 0) continue;
    if (y === 0) return Infinity;
    s += x * log(x / y);
  }
  return s;
}

function normalize(xs: ArrayLike<number>): Float64Array {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  const out = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) out[i] = xs[i]! / s;
  return out;
}

/**
 * Jensen–Shannon **distance** (SciPy `scipy.spatial.distance.jensenshannon(p, q)`, natural log): p and q are
 * normalized, m = (p + q)/2, JS = √((KL(p‖m) + KL(q‖m))/2). Range [0, √ln 2].
 */
export function jensenShannonDistance(p: ArrayLike<number>, q: ArrayLike<number>): number {
  const divergence = jensenShannonDivergence(p, q, Math.log);
  return Math.sqrt(Math.max(divergence, 0));
}

/** Jensen–Shannon divergence with the given log (TFDV uses log2: range [0, 1]). */
export function jensenShannonDivergence(p: ArrayLike<number>, q: ArrayLike<number>, log: (x: number) => number = Math.log2): number {
  if (p.length !== q.length) throw new RangeError('jensenShannon requires distributions of the same length');
  const pn = normalize(p);
  const qn = normalize(q);
  const m = new Float64Array(pn.length);
  for (let i = 0; i < m.length; i++) m[i] = (pn[i]! + qn[i]!) / 2;
  return (relEntropy(pn, m, log) + relEntropy(qn, m, log)) / 2;
}

/** Population Stability Index Σ (r − c)·ln(r/c) of two zero-filled share vectors (Evidently `psi`). */
export function psi(reference: ArrayLike<number>, current: ArrayLike<number>): number {
  if (reference.length !== current.length) throw new RangeError('psi requires distributions of the same length');
  let s = 0;
  for (let i = 0; i < reference.length; i++) {
    const r = reference[i]!;
    const c = current[i]!;
    s += (r - c) * Math.log(r / c);
  }
  return s;
}

/** L-infinity distance max |p_i − q_i| of two normalized distributions (TFDV's categorical drift check). */
export function lInfinity(p: ArrayLike<number>, q: ArrayLike<number>): number {
  const pn = normalize(p);
  const qn = normalize(q);
  let d = 0;
  for (let i = 0; i < pn.length; i++) d = Math.max(d, Math.abs(pn[i]! - qn[i]!));
  return d;
}
