/**
 * Finite-n Kolmogorov distribution (`kolmogorovSfN` = SciPy `kstwo.sf(x, n)`) and the asymptotic two-sample KS
 * p-value built on it. SciPy is not installed here; the expected values come from:
 * - An independent exact computation done in this file: P(D_n ≤ x) = n!·vol{0 ≤ u_1 ≤ … ≤ u_n ≤ 1 :
 *   i/n − x ≤ u_i ≤ (i−1)/n + x}, the order-statistics volume integrated piecewise (Steck 1971 / Noé 1972 style)
 *   in exact rational BigInt arithmetic, for rational x.
 * - Closed forms: D_1 = max(U, 1 − U) so P(D_1 ≥ x) = 2 − 2x on [½, 1]; Ruben–Gambino P(D_n ≤ x) = n!/nⁿ·(2nx−1)ⁿ
 *   for 1/(2n) ≤ x ≤ 1/n and P(D_n ≥ x) = 2(1−x)ⁿ for x ≥ 1 − 1/n.
 * - SciPy's test suite: `scipy/stats/tests/test_distributions.py::TestKSTwo::test_simard_lecuyer_table1` (CDF
 *   values from a 500-bit SageMath Durbin computation, SciPy asserts rtol 1e-5) and
 *   `scipy/special/tests/test_kolmogorov.py::TestSmirnov::test_x_equals_0point5` (smirnov(n, 0.5), n = 1…10;
 *   kstwo.sf(0.5, n) = 2·smirnov(n, 0.5) exactly), and `TestKolmogorov::test_linspace` for the n → ∞ limit.
 */
import * as assert from 'node:assert/strict';
import { _internals, kolmogorovSfN, smirnovSf } from '../../src/core/drift/kolmogorovN';
import { kolmogorovSf, ksAsymptoticPValue } from '../../src/core/drift/ks';

// ---- exact rational reference ------------------------------------------------------------------------------
type Rat = [bigint, bigint]; // numerator, denominator > 0
const bgcd = (a: bigint, b: bigint): bigint => {
  if (a < 0n) a = -a;
  while (b) [a, b] = [b, a % b];
  return a;
};
const norm = ([n, d]: Rat): Rat => {
  if (n === 0n) return [0n, 1n];
  const g = bgcd(n, d);
  return [n / g, d / g];
};
const add = (a: Rat, b: Rat): Rat => norm([a[0] * b[1] + b[0] * a[1], a[1] * b[1]]);
const sub = (a: Rat, b: Rat): Rat => add(a, [-b[0], b[1]]);
const mul = (a: Rat, b: Rat): Rat => norm([a[0] * b[0], a[1] * b[1]]);
const ZERO: Rat = [0n, 1n];
const evalPoly = (p: Rat[], u: bigint): Rat => {
  let r: Rat = ZERO;
  for (let i = p.length - 1; i >= 0; i--) r = add(mul(r, [u, 1n]), p[i]!);
  return r;
};
const ratToNumber = ([n, d]: Rat): number => Number((n * 2n ** 300n) / d) * 2 ** -300;

/**
 * Exact P(D_n ≤ p/q) as a rational. Works on the grid u = t·n·q (all bounds are integers there); F_k(u) is the
 * volume of {u_1 ≤ … ≤ u_k ≤ u within the bounds}, a polynomial on each interval between bounds, and
 * F_k(u) = ∫_{l_k}^{min(u, r_k)} F_{k−1}.
 */
function exactKolmogorovCdf(n: number, p: number, q: number): Rat {
  const N = BigInt(n);
  const P = BigInt(p);
  const Q = BigInt(q);
  const D = N * Q; // grid: t = u / D
  const lo: bigint[] = [];
  const hi: bigint[] = [];
  for (let i = 1; i <= n; i++) {
    const I = BigInt(i);
    const l = I * Q - P * N;
    const r = (I - 1n) * Q + P * N;
    lo.push(l < 0n ? 0n : l);
    hi.push(r > D ? D : r);
  }
  const bps = [...new Set([0n, D, ...lo, ...hi].map(String))].map(BigInt).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const nInt = bps.length - 1;
  let F: Rat[][] = Array.from({ length: nInt }, () => [[1n, 1n]]);
  for (let k = 0; k < n; k++) {
    if (hi[k]! <= lo[k]!) return ZERO;
    // Antiderivatives P_j with P_j(bps[j]) = C_j, C continuous.
    const anti: Rat[][] = [];
    const C: Rat[] = [ZERO];
    for (let j = 0; j < nInt; j++) {
      const poly: Rat[] = [ZERO, ...F[j]!.map((c, i) => mul(c, [1n, BigInt(i + 1)]))];
      poly[0] = sub(C[j]!, evalPoly(poly, bps[j]!));
      anti.push(poly);
      C.push(evalPoly(poly, bps[j + 1]!));
    }
    const G = (u: bigint): Rat => C[bps.indexOf(u)]!;
    const gl = G(lo[k]!);
    const gr = G(hi[k]!);
    F = [];
    for (let j = 0; j < nInt; j++) {
      if (bps[j + 1]! <= lo[k]!) F.push([ZERO]);
      else if (bps[j]! >= hi[k]!) F.push([sub(gr, gl)]);
      else {
        const poly = anti[j]!.slice();
        poly[0] = sub(poly[0]!, gl);
        F.push(poly);
      }
    }
  }
  let vol = evalPoly(F[nInt - 1]!, D);
  let fact = 1n;
  for (let i = 2n; i <= N; i++) fact *= i;
  vol = mul(vol, [fact, D ** N]);
  return vol;
}

const relClose = (actual: number, expected: number, rtol: number, atol: number, what: string): void => {
  assert.ok(
    Math.abs(actual - expected) <= rtol * Math.abs(expected) + atol,
    `${what}: expected ${expected}, got ${actual} (diff ${actual - expected})`,
  );
};

describe('kolmogorovSfN (SciPy kstwo.sf)', () => {
  it('matches the exact rational computation for n = 1…12 over the whole range of x', () => {
    let maxRel = 0;
    const q = 60;
    for (let n = 1; n <= 12; n++) {
      for (let p = 1; p < q; p++) {
        const x = p / q;
        const exactSf = ratToNumber(sub([1n, 1n], exactKolmogorovCdf(n, p, q)));
        const sf = kolmogorovSfN(n, x);
        relClose(sf, exactSf, 1e-11, 1e-15, `n=${n} x=${p}/${q}`);
        if (exactSf > 1e-300) maxRel = Math.max(maxRel, Math.abs(sf - exactSf) / exactSf);
      }
    }
    assert.ok(maxRel < 1e-11, `max relative deviation ${maxRel}`);
  });

  it('matches the exact computation for n = 20, 30 (Durbin, Pomeranz and Miller branches)', () => {
    for (const n of [20, 30]) {
      for (const [p, q] of [[1, 20], [1, 10], [3, 20], [1, 5], [1, 4], [2, 5], [9, 20]] as const) {
        const exactSf = ratToNumber(sub([1n, 1n], exactKolmogorovCdf(n, p, q)));
        // n·x² > 4 uses 2·P(D⁺ ≥ x), which drops P(D⁺ ≥ x and D⁻ ≥ x) (< 1e-10 relative here).
        relClose(kolmogorovSfN(n, p / q), exactSf, 1e-10, 1e-15, `n=${n} x=${p}/${q}`);
      }
    }
  });

  it('closed forms: n = 1, Ruben–Gambino ends, limits of the support', () => {
    for (const x of [0.5, 0.55, 0.7, 0.9, 0.999]) relClose(kolmogorovSfN(1, x), 2 - 2 * x, 1e-15, 0, `n=1 x=${x}`);
    assert.equal(kolmogorovSfN(1, 0.3), 1);
    for (const n of [3, 10, 141, 1000, 50000]) {
      assert.equal(kolmogorovSfN(n, 0), 1);
      assert.equal(kolmogorovSfN(n, 0.5 / n), 1);
      assert.equal(kolmogorovSfN(n, 1), 0);
      // x = 1/n: P(D_n ≤ x) = n!/nⁿ.
      let cdf = 1;
      for (let i = 1; i <= n; i++) cdf *= i / n;
      relClose(kolmogorovSfN(n, 1 / n), 1 - cdf, 1e-14, 0, `n=${n} x=1/n`);
      const t = 0.8 / n; // 1/(2n) < x < 1/n
      let cdf2 = 1;
      for (let i = 1; i <= n; i++) cdf2 *= (i / n) * (2 * n * t - 1);
      relClose(kolmogorovSfN(n, t), 1 - cdf2, 1e-15, 1e-16, `n=${n} x=${t}`);
      if (cdf2 > 1e-6) relClose(1 - kolmogorovSfN(n, t), cdf2, 1e-9, 0, `n=${n} x=${t} (CDF)`);
    }
    // n > 140 takes log(n!/nⁿ) from Stirling's series: compare with Σ log(i/n).
    for (const n of [141, 1000, 12345]) {
      let s = 0;
      for (let i = 1; i <= n; i++) s += Math.log(i / n);
      relClose(_internals.logFactorialOverPower(n), s, 1e-13, 0, `log(${n}!/${n}^${n})`);
    }
    for (const n of [3, 10, 40]) {
      const x = 1 - 0.5 / n;
      relClose(kolmogorovSfN(n, x), 2 * Math.pow(1 - x, n), 1e-13, 0, `n=${n} x=1−1/(2n)`);
    }
    assert.ok(Number.isNaN(kolmogorovSfN(0, 0.5)));
    assert.ok(Number.isNaN(kolmogorovSfN(2.5, 0.5)));
    assert.ok(Number.isNaN(kolmogorovSfN(10, NaN)));
  });

  it("SciPy's Simard–L'Ecuyer table 1 (kstwo.cdf from 500-bit Durbin) to 2e-6", () => {
    // scipy/stats/tests/test_distributions.py, TestKSTwo.test_simard_lecuyer_table1 (SciPy asserts rtol 1e-5).
    const ns = [10, 50, 100, 200, 500, 1000];
    const ratios = [1 / 4, 1 / 3, 1 / 2, 1, 2, 3];
    const expected = [
      [1.92155292e-8, 5.72933228e-5, 2.15233226e-2, 6.31566589e-1, 9.97685592e-1, 9.99999942e-1],
      [2.28096224e-9, 1.99142563e-5, 1.42617934e-2, 5.95345542e-1, 9.96177701e-1, 9.99998662e-1],
      [1.00201886e-9, 1.32673079e-5, 1.24608594e-2, 5.8616322e-1, 9.95866877e-1, 9.9999824e-1],
      [4.93313022e-10, 9.52658029e-6, 1.12123138e-2, 5.79486872e-1, 9.95661824e-1, 9.99997964e-1],
      [2.37049293e-10, 6.85002458e-6, 1.01309221e-2, 5.73427224e-1, 9.95491207e-1, 9.9999775e-1],
      [1.56990874e-10, 5.71738276e-6, 9.5972543e-3, 5.70322692e-1, 9.95409545e-1, 9.99997657e-1],
    ];
    ns.forEach((n, i) =>
      ratios.forEach((r, j) => {
        const x = r * Math.log(2) * Math.sqrt(Math.PI / 2 / n);
        // The expectations have 9 significant digits; our exact branches agree to that, Pelz–Good (n > 140,
        // n·x^1.5 > 1.4) to ~1.6e-6 as in SciPy. 1 − SF loses ~1e-16 absolute on the tiny CDFs.
        relClose(1 - kolmogorovSfN(n, x), expected[i]![j]!, 2e-6, 2e-16, `n=${n} ratio=${r}`);
      }),
    );
  });

  it("SciPy's smirnov(n, 0.5) values give kstwo.sf(0.5, n) = 2·smirnov(n, 0.5)", () => {
    // scipy/special/tests/test_kolmogorov.py, TestSmirnov.test_x_equals_0point5 (12 significant digits).
    const data: [number, number][] = [
      [1, 0.5], [2, 0.25], [3, 0.166666666667], [4, 0.09375], [5, 0.056], [6, 0.0327932098765],
      [7, 0.0191958707681], [8, 0.0112953186035], [9, 0.00661933257355], [10, 0.003888705],
    ];
    for (const [n, sm] of data) {
      relClose(smirnovSf(n, 0.5), sm, 1e-10, 0, `smirnov(${n}, 0.5)`);
      relClose(kolmogorovSfN(n, 0.5), 2 * sm, 1e-10, 0, `kstwo.sf(0.5, ${n})`);
    }
    // TestSmirnov.test_basic and the n = 2, 3 closed forms (x ≥ 1 − 1/n: (1 − x)ⁿ).
    relClose(smirnovSf(1, 0.1), 0.9, 1e-15, 0, 'smirnov(1, 0.1)');
    relClose(smirnovSf(2, 0.875), 0.125 ** 2, 1e-13, 0, 'smirnov(2, 0.875)');
    relClose(smirnovSf(3, 0.875), 0.125 ** 3, 1e-13, 0, 'smirnov(3, 0.875)');
  });

  it('the one-sided Birnbaum–Tingey sum agrees with a direct log-space evaluation for large n', () => {
    // Direct: x·Σ C(n,v)(x+v/n)^(v−1)(1−x−v/n)^(n−v) with every term from lgamma-free log sums (independent code path).
    const direct = (n: number, x: number): number => {
      const logs: number[] = [];
      let logC = 0;
      for (let v = 0; v <= Math.floor(n * (1 - x)); v++) {
        if (v > 0) logC += Math.log((n - v + 1) / v);
        const a = x + v / n;
        const b = 1 - a;
        if (b <= 0) break;
        logs.push(logC + (v - 1) * Math.log(a) + (n - v) * Math.log(b));
      }
      const mx = Math.max(...logs);
      let s = 0;
      for (const l of logs) s += Math.exp(l - mx);
      return x * s * Math.exp(mx);
    };
    for (const n of [200, 1500, 20000]) {
      for (const nx2 of [2.2, 5, 20, 100]) {
        const x = Math.sqrt(nx2 / n);
        relClose(smirnovSf(n, x), direct(n, x), 1e-9, 0, `n=${n} n·x²=${nx2}`);
      }
    }
  });

  it("SciPy's branch switch points: the two sides agree (to the approximation's own error, as in SciPy)", () => {
    const sides = (n: number, x: number): [number, number] => [kolmogorovSfN(n, x * (1 - 1e-10)), kolmogorovSfN(n, x * (1 + 1e-10))];
    const rel = ([a, b]: [number, number]): number => Math.abs(a - b) / Math.max(a, b);
    // n ≤ 140: Durbin | Pomeranz at n·x² = 0.754693 and Pomeranz | 2·smirnov at 4 are all exact: only the slope
    // over the 2e-10 relative step in x (≤ 4e-9) shows.
    for (const n of [20, 50, 100, 140]) {
      assert.ok(rel(sides(n, Math.sqrt(0.754693 / n))) < 1e-9, `n=${n} at 0.754693`);
      assert.ok(rel(sides(n, Math.sqrt(4 / n))) < 5e-9, `n=${n} at 4`);
    }
    // n > 140, n·x² = 2.2: exact 2·smirnov above, 1 − Pelz–Good below. Measured: 2.3e-5 at n = 141, 1.2e-6 at 1000,
    // ≈ 1.8e-6 for 5000 … 10⁶ (2·smirnov ignores P(D⁺ ≥ x, D⁻ ≥ x) ≈ 2e-6 relative at that point).
    assert.ok(rel(sides(141, Math.sqrt(2.2 / 141))) < 3e-5);
    for (const n of [1000, 5000, 100000, 999999]) assert.ok(rel(sides(n, Math.sqrt(2.2 / n))) < 2.5e-6, `n=${n} at 2.2`);
    // n·x^1.5 = 1.4 (Durbin | Pelz–Good for the CDF, n ≤ 100 000): measured 3.4e-6 at n = 141, 3e-8 at 1000.
    assert.ok(rel(sides(141, Math.pow(1.4 / 141, 2 / 3))) < 5e-6);
    for (const n of [1000, 5000, 100000]) assert.ok(rel(sides(n, Math.pow(1.4 / n, 2 / 3))) < 5e-8, `n=${n} at 1.4`);
    // n·x² = 370 (→ 0): the sum has already underflowed there.
    assert.ok(kolmogorovSfN(5000, Math.sqrt(369.9 / 5000)) < 1e-300);
    assert.equal(kolmogorovSfN(5000, Math.sqrt(370 / 5000)), 0);
    // n = 10⁶ | 10⁶ + 1 (SciPy's smirnov switches to exp(−(6nx+1)²/(18n)) above 10⁶): that approximation is off by
    // a relative ~3.2e-5 at λ = √n·x = 3 (grows with λ), as in SciPy.
    for (const lam of [1.5, 2, 3]) {
      const a = kolmogorovSfN(1000000, lam / 1000);
      const b = kolmogorovSfN(1000001, lam / Math.sqrt(1000001));
      assert.ok(Math.abs(a - b) / a < 5e-5, `λ=${lam}: ${a} vs ${b}`);
    }
  });

  it("approaches Kolmogorov's limit Q(√n·x) at rate 1/√n", () => {
    // Limit values: scipy/special/tests/test_kolmogorov.py TestKolmogorov.test_linspace (kolmogorov(1.0), (2.0)).
    relClose(kolmogorovSf(1), 0.2699996716773546, 1e-9, 0, 'Q(1)');
    relClose(kolmogorovSf(2), 0.0006709252557796953, 1e-9, 0, 'Q(2)');
    for (const lam of [0.5, 1, 1.36, 2, 3]) {
      const q = kolmogorovSf(lam);
      const d1 = (kolmogorovSfN(1e6, lam / 1e3) - q) / q;
      const d4 = (kolmogorovSfN(4e6, lam / 2e3) - q) / q;
      assert.ok(d1 < 0 && Math.abs(d1) < 2.5e-3, `λ=${lam}: n=1e6 deviation ${d1}`);
      const ratio = d4 / d1; // O(1/√n) correction: quadrupling n halves it
      assert.ok(ratio > 0.4 && ratio < 0.6, `λ=${lam}: ratio ${ratio}`);
    }
  });

  it('returns a probability at the most expensive inputs (Durbin at n = 10⁵, Birnbaum–Tingey at n = 10⁶)', () => {
    // Speed is measured by the drift benchmark, not asserted here (shared machines are noisy).
    const worst = [
      [100000, Math.pow(1.4 / 100000, 2 / 3) * 0.9999],
      [1000000, Math.sqrt(2.2 / 1000000)],
      [999999, Math.sqrt(3 / 999999)],
      [2000000, Math.sqrt(2.5 / 2000000)],
      [2000000, Math.sqrt(1 / 2000000)],
    ] as const;
    for (const [n, x] of worst) {
      const p = kolmogorovSfN(n, x);
      assert.ok(Number.isFinite(p) && p > 0 && p < 1, `n=${n} x=${x}: ${p}`);
      // Near the Kolmogorov limit at this n (|relative difference| well under 1 %).
      assert.ok(Math.abs(p / kolmogorovSf(Math.sqrt(n) * x) - 1) < 0.01, `n=${n} x=${x}: ${p} vs limit ${kolmogorovSf(Math.sqrt(n) * x)}`);
    }
  });
});

describe('ksAsymptoticPValue = kstwo.sf(D, round(n1·n2/(n1+n2)))', () => {
  it('uses the one-sample distribution at en with NumPy rounding (half to even)', () => {
    // 10001 vs 10001: en = 5000.5 → 5000 (np.round), not 5001.
    const d = 0.02;
    assert.equal(ksAsymptoticPValue(d, 10001, 10001), kolmogorovSfN(5000, d));
    // 10003 vs 10003: en = 5001.5 → 5002.
    assert.equal(ksAsymptoticPValue(d, 10003, 10003), kolmogorovSfN(5002, d));
    // Unequal sizes, order-independent: 20000 vs 10001 → en = 6667.11… → 6667.
    assert.equal(ksAsymptoticPValue(d, 20000, 10001), kolmogorovSfN(6667, d));
    assert.equal(ksAsymptoticPValue(d, 10001, 20000), kolmogorovSfN(6667, d));
    // Tiny second sample: 1 vs 20000 → en ≈ 0.99995 → 1, D_1.
    assert.equal(ksAsymptoticPValue(0.75, 1, 20000), 0.5);
  });
});
