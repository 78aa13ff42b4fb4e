/**
 * Drift statistics against reference values. SciPy is not installed here, so every expected number is derived
 * independently, and each test says how:
 * - KS exact p: brute-force enumeration of all C(n1+n2, n1) ways to split the pooled ranks (the definition of
 *   the permutation null distribution SciPy's exact method computes), done in the test.
 * - chi-square / normal tail: closed forms (df = 2, 4, 6: Q(k/2, x/2) = e^(−x/2) Σ_{i<k/2} (x/2)^i / i!) and
 *   published normal quantiles (z = 1.959963984540054 ↔ 0.05), or Simpson integration of the normal pdf.
 * - Wasserstein: equal-size samples have W1 = mean |a_(i) − b_(i)| (sorted), computed in the test; SciPy's
 *   documented example `wasserstein_distance([0, 1, 3], [5, 6, 8]) == 5.0`.
 * - Jensen–Shannon: SciPy's documented examples `jensenshannon([1, 0], [0.5, 0.5]) == 0.46450140402245893`
 *   and `jensenshannon([1, 0, 0], [0, 1, 0], 2.0) == 1.0` (so √ln2 in natural log).
 * - PSI / zero-fill / Sturges: Evidently's formulas evaluated by hand in the test.
 */
import * as assert from 'node:assert/strict';
import { binNumeric, equalWidthEdges, histogramCounts, sturgesBins, zeroFill } from '../../src/core/drift/binning';
import { chiSquareTest, twoProportionZTest } from '../../src/core/drift/categoricalTests';
import { jensenShannonDistance, jensenShannonDivergence, lInfinity, psi, wasserstein1, wassersteinNormed } from '../../src/core/drift/distances';
import { cohensD, cramersV } from '../../src/core/drift/effectSize';
import { chiSquareSf, gammaQ, lnGamma, normalTwoSidedP } from '../../src/core/drift/gamma';
import { kolmogorovSf, ks2Samp, ksAsymptoticPValue, ksExactPValue, ksStatistic } from '../../src/core/drift/ks';
import { sortFloat64 } from '../../src/core/drift/sortFloat64';

const close = (actual: number, expected: number, tol = 1e-12, what = ''): void => {
  assert.ok(Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)), `${what} expected ${expected}, got ${actual}`);
};

/** All k-subsets of {0..n-1} as boolean masks. */
function* subsets(n: number, k: number, start = 0, chosen: number[] = []): Generator<number[]> {
  if (chosen.length === k) {
    yield chosen;
    return;
  }
  for (let i = start; i < n; i++) yield* subsets(n, k, i + 1, [...chosen, i]);
}

/** Brute-force exact KS p = P(D ≥ d) over all splits of the ranks 0..n1+n2−1. */
function bruteForceKsP(n1: number, n2: number, d: number): number {
  let total = 0;
  let atLeast = 0;
  for (const pick of subsets(n1 + n2, n1)) {
    const inA = new Set(pick);
    const a: number[] = [];
    const b: number[] = [];
    for (let r = 0; r < n1 + n2; r++) (inA.has(r) ? a : b).push(r);
    total++;
    if (ksStatistic(a, b) >= d - 1e-12) atLeast++;
  }
  return atLeast / total;
}

describe('drift statistics', () => {
  describe('gamma / chi-square / normal', () => {
    it('lnGamma matches factorials and Γ(1/2) = √π', () => {
      close(lnGamma(1), 0, 1e-14);
      close(lnGamma(5), Math.log(24), 1e-14);
      close(lnGamma(10.5), Math.log(1133278.3889487855), 1e-13); // Γ(10.5) = 9.5·8.5·…·0.5·√π
      close(lnGamma(0.5), Math.log(Math.sqrt(Math.PI)), 1e-14);
      assert.throws(() => lnGamma(0), /lnGamma requires x > 0/);
    });

    it('chi-square survival equals the closed forms for even df', () => {
      for (const x of [0.1, 1, 3.7, 10, 25, 60]) {
        const h = x / 2;
        close(chiSquareSf(x, 2), Math.exp(-h), 1e-12, `df=2 x=${x}`);
        close(chiSquareSf(x, 4), Math.exp(-h) * (1 + h), 1e-12, `df=4 x=${x}`);
        close(chiSquareSf(x, 6), Math.exp(-h) * (1 + h + (h * h) / 2), 1e-12, `df=6 x=${x}`);
      }
      assert.equal(chiSquareSf(Infinity, 3), 0);
      assert.equal(chiSquareSf(0, 3), 1);
    });

    it('two-sided normal p matches published quantiles and Simpson integration', () => {
      close(normalTwoSidedP(1.959963984540054), 0.05, 1e-12);
      close(normalTwoSidedP(2.5758293035489004), 0.01, 1e-12);
      close(normalTwoSidedP(3.2905267314919255), 0.001, 1e-11);
      // Simpson's rule on the pdf from 0 to z: p = 1 − 2∫₀^z φ.
      const simpson = (z: number): number => {
        const n = 20000;
        const h = z / n;
        let s = 0;
        for (let i = 0; i <= n; i++) {
          const w = i === 0 || i === n ? 1 : i % 2 ? 4 : 2;
          s += w * Math.exp(-((i * h) ** 2) / 2) / Math.sqrt(2 * Math.PI);
        }
        return 1 - 2 * (s * h) / 3;
      };
      for (const z of [0.3, 1, 2.2, 3.1]) close(normalTwoSidedP(z), simpson(z), 1e-10, `z=${z}`);
      close(normalTwoSidedP(-1), normalTwoSidedP(1), 0);
    });

    it('gammaQ rejects bad arguments', () => {
      assert.throws(() => gammaQ(0, 1), /gammaQ requires a > 0/);
      assert.throws(() => gammaQ(1, -1), /x ≥ 0/);
    });
  });

  describe('Kolmogorov–Smirnov', () => {
    it('statistic evaluates the ECDFs after all tied values', () => {
      // F_a: 1→.25, 2→.75, 3→1;  F_b: 1→0, 2→.75, 3→.75, 4→1: sup |F_a − F_b| = 0.25.
      assert.equal(ksStatistic([1, 2, 2, 3], [2, 2, 2, 4]), 0.25);
      assert.equal(ksStatistic([1, 2, 3], [1, 2, 3]), 0);
      assert.equal(ksStatistic([1, 2, 3], [4, 5, 6]), 1);
      assert.throws(() => ksStatistic([], [1]), /non-empty/);
    });

    it('exact p-value equals brute-force enumeration for every attainable D (tiny samples)', () => {
      for (const [n1, n2] of [[3, 3], [3, 4], [4, 6], [5, 5], [2, 7], [6, 4]] as const) {
        const ds = new Set<number>();
        for (let i = 0; i <= n1; i++) for (let j = 0; j <= n2; j++) ds.add(Math.round(Math.abs(i / n1 - j / n2) * n1 * n2) / (n1 * n2));
        for (const d of ds) {
          if (d === 0) continue;
          close(ksExactPValue(d, n1, n2), bruteForceKsP(n1, n2, d), 1e-12, `n1=${n1} n2=${n2} d=${d}`);
        }
      }
    });

    it('complete separation of 3 vs 3 has p = 2/C(6,3) = 0.1 (SciPy: ks_2samp([1,2,3],[4,5,6]).pvalue == 0.1)', () => {
      const r = ks2Samp([1, 2, 3], [4, 5, 6]);
      assert.equal(r.statistic, 1);
      assert.equal(r.exact, true);
      close(r.pValue, 0.1, 1e-12);
    });

    it('keeps relative precision for tiny exact p-values: complete separation has p = 2/C(n1+n2, n1)', () => {
      // C(200, 100) computed exactly with BigInt; only the two orderings "all of A first" / "all of B first" reach D = 1.
      let c = 1n;
      for (let k = 1n; k <= 100n; k++) c = (c * (100n + k)) / k;
      const expected = 2 / Number(c); // ≈ 2.2e-59
      const p = ksExactPValue(1, 100, 100);
      assert.ok(Math.abs(p - expected) / expected < 1e-9, `${p} vs ${expected}`);
      // Unequal sizes: n1 = 30, n2 = 70 → C(100, 30).
      let c2 = 1n;
      for (let k = 1n; k <= 30n; k++) c2 = (c2 * (70n + k)) / k;
      const p2 = ksExactPValue(1, 30, 70);
      assert.ok(Math.abs(p2 - 2 / Number(c2)) / (2 / Number(c2)) < 1e-9, `${p2}`);
    });

    it('uses the asymptotic p-value above 10 000 per sample and agrees with the exact one nearby', () => {
      const a = Float64Array.from({ length: 10001 }, (_, i) => i);
      const b = Float64Array.from({ length: 10001 }, (_, i) => i + 150.5);
      const r = ks2Samp(a, b);
      assert.equal(r.exact, false);
      const exact = ksExactPValue(r.statistic, 10001, 10001);
      const asym = ksAsymptoticPValue(r.statistic, 10001, 10001);
      assert.equal(r.pValue, asym);
      // SciPy's asymptotic p is kstwo.sf(D, round(n1·n2/(n1+n2))), the one-sample distribution (computed as SciPy
      // does, see driftKstwo.test.ts), which sits a few 1e-3 below the exact two-sample p at this size.
      assert.ok(Math.abs(exact - asym) < 5e-3, `exact ${exact} vs asymptotic ${asym}`);
      assert.ok(asym <= exact, 'the kstwo-style asymptotic p is the smaller one');
    });

    it("Kolmogorov's distribution: both series agree at the switch point and match a known value", () => {
      // P(K > 1.36) ≈ 0.0494 (the classic 5% critical value 1.358).
      close(kolmogorovSf(1.3580986393225505), 0.05, 1e-6);
      close(kolmogorovSf(1.17999), kolmogorovSf(1.18001), 1e-4);
      assert.equal(kolmogorovSf(0), 1);
    });
  });

  describe('tests on counts (Evidently)', () => {
    it('chi-square: expected = reference counts scaled to the current size', () => {
      // χ² = (20−10)²/10 + 0 + (20−30)²/30 = 13.333…, df 2 → p = e^(−6.666…).
      const r = chiSquareTest([10, 20, 30], [20, 20, 20]);
      close(r.statistic, 40 / 3, 1e-12);
      assert.equal(r.df, 2);
      close(r.pValue, Math.exp(-20 / 3), 1e-12);
      // Unequal sizes: ref 100 = [50, 50], cur 50 = [25, 25] → identical shares, χ² = 0, p = 1.
      assert.deepEqual(chiSquareTest([50, 50], [25, 25]), { statistic: 0, pValue: 1, df: 1 });
    });

    it('chi-square: a category the reference never saw gives χ² = ∞ and p = 0 (one-sided category)', () => {
      const r = chiSquareTest([10, 10, 0], [5, 5, 1]);
      assert.equal(r.statistic, Infinity);
      assert.equal(r.pValue, 0);
    });

    it('two-proportion Z: z = (p1 − p2)/√(P(1−P)(1/n1 + 1/n2))', () => {
      // p1 = .3, p2 = .5, P = .4 → z = −.2/√(.4·.6·.02) = −2.886751345948129.
      const r = twoProportionZTest([30, 70], [50, 50]);
      close(r.z, -0.2 / Math.sqrt(0.4 * 0.6 * 0.02), 1e-12);
      close(r.pValue, normalTwoSidedP(2.886751345948129), 1e-12);
      // Same single value on both sides: Evidently's p = 1.
      assert.equal(twoProportionZTest([7], [9]).pValue, 1);
      assert.throws(() => twoProportionZTest([1, 2, 3], [1, 2, 3]), /at most two/);
    });
  });

  describe('distances', () => {
    it('Wasserstein-1 equals the mean sorted difference for equal sizes, and SciPy’s example', () => {
      const a = Float64Array.from([0.5, 1, 1, 2.25, 7, 7, 9]).sort();
      const b = Float64Array.from([-1, 0, 3, 3, 3, 4.5, 12]).sort();
      const expected = [...a].reduce((s, v, i) => s + Math.abs(v - b[i]!), 0) / a.length;
      close(wasserstein1(a, b), expected, 1e-12);
      close(wasserstein1([0, 1, 3], [5, 6, 8]), 5, 1e-12);
      // Unequal sizes with ties: [0,0,1] vs [0,1]: ∫|F−G| = |2/3 − 1/2|·1 = 1/6.
      close(wasserstein1([0, 0, 1], [0, 1]), 1 / 6, 1e-12);
    });

    it('normed Wasserstein divides by max(population std of reference, 0.001)', () => {
      const ref = Float64Array.from([1, 2, 3, 4]); // population std √1.25
      close(wassersteinNormed(ref, Float64Array.from([2, 3, 4, 5])), 1 / Math.sqrt(1.25), 1e-12);
      // Constant reference: std 0 → divide by 0.001.
      close(wassersteinNormed(Float64Array.from([5, 5, 5]), Float64Array.from([5, 5, 6])), (1 / 3) / 0.001, 1e-9);
    });

    it('Jensen–Shannon distance matches SciPy’s documented examples', () => {
      close(jensenShannonDistance([1, 0], [0.5, 0.5]), 0.46450140402245893, 1e-14);
      close(jensenShannonDistance([1, 0, 0], [0, 1, 0]), Math.sqrt(Math.LN2), 1e-14);
      close(jensenShannonDivergence([1, 0, 0], [0, 1, 0], Math.log2), 1, 1e-14);
      assert.equal(jensenShannonDistance([2, 2], [1, 1]), 0);
    });

    it('PSI with Evidently’s zero-fill', () => {
      // Reference zero share → filled with 0.0001 (min non-zero 0.5 > 0.0001); current unchanged.
      const r = zeroFill([0.5, 0.5, 0]);
      assert.deepEqual([...r], [0.5, 0.5, 0.0001]);
      const c = [0.25, 0.25, 0.5];
      const expected = 2 * (0.25 * Math.log(2)) + (0.0001 - 0.5) * Math.log(0.0001 / 0.5);
      close(psi(r, c), expected, 1e-12);
      // Tiny minimum: zeros become min / 1e6.
      assert.deepEqual([...zeroFill([0.99995, 0.00005, 0])], [0.99995, 0.00005, 0.00005 / 1e6]);
    });

    it('L-infinity is the largest share difference', () => {
      close(lInfinity([10, 30, 60], [20, 30, 50]), 0.1, 1e-12);
    });
  });

  describe('Evidently binning', () => {
    it('Sturges: ⌈log2 N + 1⌉ equal-width bins over the pooled range, last bin closed', () => {
      assert.equal(sturgesBins(200), 9);
      assert.equal(sturgesBins(1000), 11);
      const edges = equalWidthEdges(0, 9, 3);
      assert.deepEqual([...edges], [0, 3, 6, 9]);
      assert.deepEqual([...histogramCounts([0, 2.999, 3, 8.9, 9, 10, -1], edges)], [2, 1, 2]);
    });

    it('numeric with > 20 unique reference values uses Sturges bins; ≤ 20 one bin per value', () => {
      const ref = Float64Array.from({ length: 100 }, (_, i) => i);
      const cur = Float64Array.from({ length: 100 }, (_, i) => i + 50);
      const binned = binNumeric(ref, cur, 100);
      assert.equal(binned.edges?.length, 10); // 200 values → ⌈log2 200 + 1⌉ = ⌈8.64⌉ = 9 bins, 10 edges
    });

    it('few unique values: one bin per value of ref ∪ cur', () => {
      const binned = binNumeric(Float64Array.from([1, 1, 2, 2]), Float64Array.from([2, 3, 3, 3]), 2);
      assert.equal(binned.edges, undefined);
      assert.deepEqual([...binned.reference], [0.5, 0.5, 0]);
      assert.deepEqual([...binned.current], [0, 0.25, 0.75]);
    });
  });

  describe('effect sizes', () => {
    it("Cohen's d uses the pooled sample standard deviation", () => {
      const e = cohensD({ n: 10, mean: 0, variance: 4 }, { n: 10, mean: 1, variance: 4 });
      close(e.value!, 0.5, 1e-12);
      assert.equal(e.magnitude, 'medium');
    });

    it("Cramér's V = √(χ²/N) for a 2 × k table", () => {
      const e = cramersV(9, 100, 3);
      close(e.value!, 0.3, 1e-12);
      assert.equal(e.magnitude, 'medium');
    });
  });

  it('radix sort orders like Float64Array#sort: negatives, ±0, ±Infinity, ties, huge and tiny values', () => {
    let seed = 7;
    const rand = (): number => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed / 4294967296;
    };
    for (const n of [10, 5000, 100_003]) {
      const a = Float64Array.from({ length: n }, (_, i) => {
        const r = rand();
        if (i % 97 === 0) return [-Infinity, Infinity, -0, 0, 5e-324, -1e308][i % 6]!;
        return (r < 0.4 ? -1 : 1) * Math.round(rand() * 1000) / (r < 0.2 ? 1e6 : 10);
      });
      const expected = a.slice().sort();
      const actual = sortFloat64(a.slice());
      assert.deepEqual([...actual].map((v) => (Object.is(v, -0) ? 0 : v)), [...expected].map((v) => (Object.is(v, -0) ? 0 : v)), `n=${n}`);
    }
  });

  it('does not mutate its inputs', () => {
    const a = Object.freeze([1, 2, 2, 3]) as readonly number[];
    const b = Object.freeze([2, 2, 2, 4]) as readonly number[];
    ksStatistic(a, b);
    wasserstein1(a, b);
    jensenShannonDistance(a, b);
    psi(zeroFill(a), zeroFill(b));
    assert.deepEqual(a, [1, 2, 2, 3]);
  });
});
