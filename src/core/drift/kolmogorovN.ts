/**
 * Distribution of the one-sample two-sided Kolmogorov–Smirnov statistic D_n = sup |F_n − F| for a finite sample
 * size n (SciPy's `scipy.stats.kstwo`). `kolmogorovSfN(n, x)` = P(D_n ≥ x) = `kstwo.sf(x, n)`.
 *
 * The algorithm choice follows Simard & L'Ecuyer (2011), "Computing the Two-Sided Kolmogorov–Smirnov
 * Distribution", J. Stat. Softw. 39(11), as SciPy implements it in `scipy/stats/_ksstats.py` (`_kolmogn`), with
 * the one-sided Smirnov tail of `scipy.special.smirnov` (cephes/xsf `kolmogorov.h`). Reimplemented here from the
 * published methods; the branch thresholds are SciPy's so the p-values match `kstwo.sf`:
 *
 * - t = n·x ≤ 1 and t ≥ n − 1: Ruben–Gambino closed forms.
 * - x ≥ 0.5: P(D_n ≥ x) = 2·P(D_n⁺ ≥ x) exactly (the two one-sided events cannot both happen).
 * - n ≤ 140: n·x² ≤ 0.754693 Durbin matrix (Durbin 1968, in the Marsaglia–Tsang–Wang 2003 form); ≤ 4 Pomeranz
 *   recursion (Pomeranz 1974); otherwise 2·P(D_n⁺ ≥ x) (Miller's approximation, the intersection term is < 1e-11
 *   relative there).
 * - n > 140: n·x² ≥ 370 → 0; ≥ 2.2 → 2·P(D_n⁺ ≥ x); otherwise 1 − CDF with the CDF from the Durbin matrix when
 *   n ≤ 100 000 and n·x^1.5 ≤ 1.4, else the Pelz–Good (1976) asymptotic series.
 * - P(D_n⁺ ≥ x) (Smirnov 1944; Birnbaum & Tingey 1951): x·Σ_{v=0}^{⌊n(1−x)⌋} C(n,v)(x+v/n)^(v−1)(1−x−v/n)^(n−v), the
 *   terms generated from one another by their ratio (scaled by powers of two, so nothing underflows) and the sum
 *   stopped where SciPy stops it; for n > 10⁶ SciPy (and so this) uses exp(−(6nx+1)²/(18n)).
 *
 * Precision: the exact branches agree with exact rational arithmetic to ~1e-13 relative for small n; the
 * Birnbaum–Tingey sum carries a relative error of order (number of terms)·ε (≤ ~1e-10 at n = 10⁶). The places where
 * SciPy switches between an exact and an approximate method (n·x² = 2.2 for n > 140, n·x^1.5 = 1.4) have jumps of the
 * size of the approximation error, as in SciPy.
 */

const LN2 = Math.LN2;
const SQRT2PI = Math.sqrt(2 * Math.PI);
const PI2 = Math.PI * Math.PI;
const PI4 = PI2 * PI2;
const PI6 = PI4 * PI2;
const EPS = Number.EPSILON;
/** log of the smallest normal double: below this exp() is (sub)normal garbage or 0. */
const MIN_LOG = -708.3964185322641;
const TWO128 = 2 ** 128;
const TWOM128 = 2 ** -128;
const TWO500 = 2 ** 500;
const TWOM500 = 2 ** -500;

/** x·2^e without intermediate overflow/underflow for large |e|. */
function ldexp(x: number, e: number): number {
  while (e > 1000) {
    x *= 2 ** 1000;
    e -= 1000;
  }
  while (e < -1000) {
    x *= 2 ** -1000;
    e += 1000;
  }
  return x * 2 ** e;
}

const clip01 = (p: number): number => (p < 0 ? 0 : p > 1 ? 1 : p);

/**
 * log(n!/nⁿ) by Stirling's series with the n·log n term removed up front (no cancellation):
 * ½log n − n + ½log 2π + Σ_{j=1..8} B_{2j}/(2j(2j−1)) / n^(2j−1).
 */
function logFactorialOverPower(n: number): number {
  // B_{2j}/(2j(2j−1)) for j = 8 … 1 (Horner order): B16 = −3617/510, B14 = 7/6, B12 = −691/2730, B10 = 5/66, B8 = −1/30,
  // B6 = 1/42, B4 = −1/30, B2 = 1/6.
  const c = [-3617 / 122400, 1 / 156, -691 / 360360, 1 / 1188, -1 / 1680, 1 / 1260, -1 / 360, 1 / 12];
  const r = 1 / n;
  const r2 = r * r;
  let poly = 0;
  for (const ci of c) poly = poly * r2 + ci;
  return 0.5 * Math.log(n) - n + 0.5 * Math.log(2 * Math.PI) + r * poly;
}

/** Exact n·x split as floor and fractional part (Dekker's two-product, so the fraction is not rounded away). */
function splitNx(n: number, x: number): { fl: number; alpha: number } {
  const p = n * x;
  // Veltkamp splits of n and x; err = n·x − p exactly.
  const split = (a: number): [number, number] => {
    const c = 134217729 * a; // 2^27 + 1
    const hi = c - (c - a);
    return [hi, a - hi];
  };
  const [nh, nl] = split(n);
  const [xh, xl] = split(x);
  const err = nh * xh - p + nh * xl + nl * xh + nl * xl;
  let fl = Math.floor(p);
  let alpha = p - fl + err;
  if (alpha < 0) {
    fl -= 1;
    alpha += 1;
  } else if (alpha >= 1) {
    fl += 1;
    alpha -= 1;
  }
  return { fl, alpha };
}

/**
 * One-sided Smirnov tail P(D_n⁺ ≥ x) (SciPy `scipy.special.smirnov(n, x)`), lower Birnbaum–Tingey sum.
 * SciPy switches to an upper sum for x ≤ 0.5/√n to gain precision in the CDF; kolmogorovSfN never asks for such x.
 */
export function smirnovSf(n: number, x: number): number {
  if (!(n >= 1) || !Number.isInteger(n) || !(x >= 0 && x <= 1)) return NaN;
  if (n === 1) return 1 - x;
  if (x === 0) return 1;
  if (x === 1) return 0;
  const { fl: nxfl, alpha } = splitNx(n, x);
  if (nxfl === 0 || (nxfl === 1 && alpha === 0)) return clip01(1 - x * Math.pow(1 + x, n - 1));
  if (-2 * n * x * x < MIN_LOG) return 0;
  if (nxfl >= n - 1) return Math.pow(1 - x, n);
  if (n > 1000000) {
    // SciPy's approximation for very large n.
    return clip01(Math.exp(-Math.pow(6 * n * x + 1, 2) / 18 / n));
  }
  // A_v = C(n,v)·a_v^(v−1)·b_v^(n−v) with a_v = x + v/n, b_v = 1 − a_v; terms v = 0 … nTerms − 1.
  // Kept as A·2^E; S is the running sum on the same scale.
  const nTerms = n - nxfl;
  const logA0 = n * Math.log1p(-x) - Math.log(x);
  let E = Math.floor(logA0 / LN2);
  let A = Math.exp(logA0 - E * LN2);
  let S = A;
  const vmid = Math.floor(n / 2);
  for (let v = 0; v + 1 < nTerms; v++) {
    const naV = nxfl + v + alpha; // n·a_v
    const naNext = naV + 1; // n·a_{v+1}
    const nbV = n - v - nxfl - alpha; // n·b_v
    // A_{v+1}/A_v = (n−v)/(v+1) · a_{v+1}/b_v · (a_{v+1}/a_v)^(v−1) · (b_{v+1}/b_v)^(n−v−1)
    const logRatioPowers = (v - 1) * Math.log1p(1 / naV) + (n - v - 1) * Math.log1p(-1 / nbV);
    A *= ((n - v) / (v + 1)) * (naNext / nbV) * Math.exp(logRatioPowers);
    S += A;
    if (A > TWO500) {
      A *= TWOM500;
      S *= TWOM500;
      E += 500;
    } else if (A < TWOM500 && S < TWOM500 && A > 0) {
      A *= TWO500;
      S *= TWO500;
      E -= 500;
    }
    const j = v + 1;
    if (A !== 0) {
      if (4 * (nTerms - j) * A < EPS * S && j !== nTerms - 1) break;
    } else if (j > vmid) break;
  }
  return clip01(ldexp(x * S, E));
}

/**
 * Durbin's matrix formula for P(D_n < d), in Marsaglia, Tsang & Wang's form: with n·d = k − h (k integer,
 * 0 ≤ h < 1) and the (2k−1)×(2k−1) matrix H, P = n!/nⁿ · (Hⁿ)_{k,k}. Only row k of the running product is kept
 * (vector × matrix), the squarings are rescaled by powers of two.
 */
function durbinCdf(n: number, d: number): number {
  if (d >= 1) return 1;
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;
  // First column v[i] = (1 − h^(i+1))/(i+1)!, last entry (1 − 2h^m + max(0, 2h−1)^m)/m!; w[i] = 1/i!.
  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let fac = 1;
  let hp = 1;
  for (let i = 0; i < m; i++) {
    w[i] = fac;
    fac /= i + 1;
    hp *= h;
    v[i] = (1 - hp) * fac;
  }
  v[m - 1] = (1 - 2 * Math.pow(h, m) + Math.pow(Math.max(2 * h - 1, 0), m)) * fac;
  let H = new Float64Array(m * m);
  for (let c = 1; c < m; c++) for (let r = c - 1; r < m; r++) H[r * m + c] = w[r - c + 1]!;
  for (let r = 0; r < m; r++) H[r * m] = v[r]!;
  for (let c = 0; c < m; c++) H[(m - 1) * m + c] = v[m - 1 - c]!;

  let row = new Float64Array(m);
  row[k - 1] = 1;
  let rowExp = 0;
  let hExp = 0;
  let tmp = new Float64Array(m * m);
  let rowTmp = new Float64Array(m);
  let nn = n;
  while (nn > 0) {
    if (nn & 1) {
      rowTmp.fill(0);
      for (let i = 0; i < m; i++) {
        const ri = row[i]!;
        if (ri === 0) continue;
        const base = i * m;
        for (let j = 0; j < m; j++) rowTmp[j] = rowTmp[j]! + ri * H[base + j]!;
      }
      [row, rowTmp] = [rowTmp, row];
      rowExp += hExp;
      let mx = 0;
      for (let j = 0; j < m; j++) mx = Math.max(mx, Math.abs(row[j]!));
      if (mx > TWO128) {
        for (let j = 0; j < m; j++) row[j] = row[j]! * TWOM128;
        rowExp += 128;
      } else if (mx > 0 && mx < TWOM128) {
        for (let j = 0; j < m; j++) row[j] = row[j]! * TWO128;
        rowExp -= 128;
      }
    }
    nn = Math.floor(nn / 2);
    if (nn === 0) break;
    // H ← H·H
    tmp.fill(0);
    for (let i = 0; i < m; i++) {
      const bi = i * m;
      for (let l = 0; l < m; l++) {
        const a = H[bi + l]!;
        if (a === 0) continue;
        const bl = l * m;
        for (let j = 0; j < m; j++) tmp[bi + j] = tmp[bi + j]! + a * H[bl + j]!;
      }
    }
    [H, tmp] = [tmp, H];
    hExp *= 2;
    let mx = 0;
    for (let i = 0; i < m * m; i++) mx = Math.max(mx, Math.abs(H[i]!));
    if (mx > TWO128) {
      for (let i = 0; i < m * m; i++) H[i] = H[i]! * TWOM128;
      hExp += 128;
    }
  }
  let p = row[k - 1]!;
  let e = rowExp;
  // × n!/nⁿ
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < TWOM128) {
      p *= TWO128;
      e -= 128;
    }
  }
  return clip01(ldexp(p, e));
}

/** Row bounds [j1, j2] of Pomeranz's recursion for step i (t = n·x = ll + f). */
function pomeranzBounds(i: number, n: number, ll: number, ceilf: number, roundf: number): [number, number] {
  let j1: number;
  let j2: number;
  if (i === 0) {
    j1 = -ll - ceilf - 1;
    j2 = ll + ceilf - 1;
  } else {
    const half = Math.floor((i + 1) / 2);
    if ((i + 1) % 2 === 0) {
      // i odd
      if (half === n + 1) {
        j1 = n - ll - ceilf - 1;
        j2 = n + ll + ceilf - 1;
      } else {
        j1 = half - 1 - ll - roundf - 1;
        j2 = half + ll - 1 + ceilf - 1;
      }
    } else {
      j1 = half - 1 - ll - 1;
      j2 = half + ll + roundf - 1;
    }
  }
  return [Math.max(j1 + 2, 0), Math.min(j2, n)];
}

/**
 * Pomeranz's recursion for P(D_n ≤ x): 2n+1 steps, each a convolution of the previous row with truncated Poisson
 * weights (g/n)^m/m!, (2g/n)^m/m! or ((1−2g)/n)^m/m!, g = min(f, 1−f) for t = n·x = ll + f; result n!·V[n].
 */
function pomeranzCdf(n: number, x: number): number {
  const t = n * x;
  const ll = Math.floor(t);
  const f = t - ll;
  const g = Math.min(f, 1 - f);
  const ceilf = f > 0 ? 1 : 0;
  const roundf = f > 0.5 ? 1 : 0;
  const npw = 2 * (ll + 1);
  const gp = new Float64Array(npw);
  const g2p = new Float64Array(npw);
  const g12p = new Float64Array(npw);
  gp[0] = g2p[0] = g12p[0] = 1;
  for (let m = 1; m < npw; m++) {
    gp[m] = (gp[m - 1]! * (g / n)) / m;
    g2p[m] = (g2p[m - 1]! * ((2 * g) / n)) / m;
    g12p[m] = (g12p[m - 1]! * ((1 - 2 * g) / n)) / m;
  }
  let V0 = new Float64Array(npw);
  let V1 = new Float64Array(npw);
  V1[0] = 1;
  let s0 = 0;
  let s1 = 0;
  let expnt = 0;
  let [j1] = pomeranzBounds(0, n, ll, ceilf, roundf);
  let j2: number;
  for (let i = 1; i <= 2 * n + 1; i++) {
    const k1 = j1;
    [V0, V1] = [V1, V0];
    [s0, s1] = [s1, s0];
    V1.fill(0);
    [j1, j2] = pomeranzBounds(i, n, ll, ceilf, roundf);
    const pw = i === 1 || i === 2 * n + 1 ? gp : i % 2 === 1 ? g2p : g12p;
    const len = j2 - k1 + 1;
    if (len > 0) {
      const off = k1 - s0; // V0 index of column k1
      const srcLen = Math.min(len, npw - off); // entries available in V0 from off
      const start = j1 - k1;
      const outLen = j2 - j1 + 1;
      let mx = 0;
      for (let o = 0; o < outLen; o++) {
        const c = start + o; // convolution index
        let acc = 0;
        const lo = Math.max(0, c - len + 1);
        const hi = Math.min(c, srcLen - 1);
        for (let a = lo; a <= hi; a++) acc += V0[off + a]! * pw[c - a]!;
        V1[o] = acc;
        if (acc > mx) mx = acc;
      }
      if (mx > 0 && mx < TWOM128) {
        for (let o = 0; o < outLen; o++) V1[o] = V1[o]! * TWO128;
        expnt -= 128;
      }
      s1 = s0 + j1 - k1;
    }
  }
  let ans = V1[n - s1]!;
  for (let m = 1; m <= n; m++) {
    if (Math.abs(ans) > TWO128) {
      ans *= TWOM128;
      expnt += 128;
    }
    ans *= m;
  }
  return clip01(ldexp(ans, expnt));
}

/**
 * Pelz & Good (1976) approximation of P(D_n ≤ x): the Li-Chien/Korolyuk expansion K0 + K1/√n + K2/n + K3/n^1.5 in
 * z = √n·x, each K rewritten with Jacobi's theta identity into rapidly converging sums in exp(−π²/(8z²)).
 */
function pelzGoodCdf(n: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const z = Math.sqrt(n) * x;
  const z2 = z * z;
  const z3 = z2 * z;
  const z4 = z2 * z2;
  const z6 = z4 * z2;
  const qlog = -PI2 / 8 / z2;
  if (qlog < -708) return 0;
  const q = Math.exp(qlog);
  const k1a = -z2;
  const k1b = PI2 / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * PI2) / 4;
  const k2c = (PI4 * (1 - 2 * z2)) / 16;
  const k3d = (PI6 * (5 - 30 * z2)) / 64;
  const k3c = (PI4 * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (PI2 * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z4 * z4;
  const maxk = Math.ceil((16 * z) / Math.PI);
  // Σ_k c_k q^((2k−1)²) by Horner in q^(8k) (odd squares differ by 8k).
  let K0 = 0;
  let K1 = 0;
  let K2 = 0;
  let K3 = 0;
  for (let k = maxk; k >= 1; k--) {
    const m = 2 * k - 1;
    const m2 = m * m;
    const m4 = m2 * m2;
    const m6 = m4 * m2;
    const qp = Math.pow(q, 8 * k);
    K0 = K0 * qp + 1;
    K1 = K1 * qp + (k1a + k1b * m2);
    K2 = K2 * qp + (k2a + k2b * m2 + k2c * m4);
    K3 = K3 * qp + (k3a + k3b * m2 + k3c * m4 + k3d * m6);
  }
  const scale = q * SQRT2PI;
  K0 = (K0 * scale) / z;
  K1 = (K1 * scale) / (6 * z4);
  K2 = (K2 * scale) / (72 * z6 * z);
  K3 = (K3 * scale) / (6480 * z4 * z6);
  // Extra sums over all k ≥ 1 in exp(−π²k²/(2z²)).
  const q2 = Math.exp(-PI2 / 2 / z2);
  const s3z = Math.sqrt(3) * z;
  let e2 = 0;
  let e3 = 0;
  for (let k = maxk; k >= 1; k--) {
    const k2 = k * k;
    const qk = Math.pow(q2, k2);
    e2 += k2 * qk;
    const kp = Math.PI * k;
    e3 += (s3z + kp) * (s3z - kp) * k2 * qk;
  }
  K2 += (e2 * PI2 * SQRT2PI) / (-36 * z3);
  K3 += (e3 * PI2 * SQRT2PI) / (216 * z6);
  const rn = Math.sqrt(n);
  return K0 + K1 / rn + K2 / n + K3 / (n * rn);
}

/**
 * P(D_n ≥ x) for the one-sample two-sided KS statistic with sample size n ≥ 1 (SciPy `kstwo.sf(x, n)`).
 * NaN for non-integer or non-positive n, or NaN x.
 */
export function kolmogorovSfN(n: number, x: number): number {
  if (!Number.isInteger(n) || n < 1 || Number.isNaN(x)) return NaN;
  if (x >= 1) return 0;
  if (x <= 0) return 1;
  const t = n * x;
  if (t <= 1) {
    // Ruben–Gambino: P(D_n ≤ x) = n!/nⁿ · (2t − 1)ⁿ for 1/(2n) ≤ x ≤ 1/n.
    if (t <= 0.5) return 1;
    let cdf: number;
    if (n <= 140) {
      cdf = 1;
      for (let i = 1; i <= n; i++) cdf *= (i / n) * (2 * t - 1);
    } else {
      cdf = Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
    }
    return clip01(1 - cdf);
  }
  if (t >= n - 1) return clip01(2 * Math.pow(1 - x, n)); // Ruben–Gambino upper end
  if (x >= 0.5) return clip01(2 * smirnovSf(n, x));
  const nx2 = t * x;
  if (n <= 140) {
    if (nx2 <= 0.754693) return clip01(1 - durbinCdf(n, x));
    if (nx2 <= 4) return clip01(1 - pomeranzCdf(n, x));
    return clip01(2 * smirnovSf(n, x));
  }
  if (nx2 >= 370) return 0;
  if (nx2 >= 2.2) return clip01(2 * smirnovSf(n, x));
  const cdf = n <= 100000 && n * Math.pow(x, 1.5) <= 1.4 ? durbinCdf(n, x) : pelzGoodCdf(n, x);
  return clip01(1 - cdf);
}

/** Internal pieces, exported for tests only. */
export const _internals = { durbinCdf, pomeranzCdf, pelzGoodCdf, logFactorialOverPower };
