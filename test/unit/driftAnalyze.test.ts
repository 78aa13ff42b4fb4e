/**
 * Column and dataset drift: Evidently's method selection, the verdict rules, edge cases (constant columns,
 * all-missing, one-sided categories, tiny samples), overrides and schema drift. Expected numbers are derived
 * in the comments from the formulas (see driftStats.test.ts for the statistics themselves).
 */
import * as assert from 'node:assert/strict';
import type { CategoricalColumn, DataColumn, Dataset, NumericColumn } from '../../src/core/data/columns';
import { analyzeCategorical, analyzeNumeric, isDrifted, selectMethod } from '../../src/core/drift/analyzeColumn';
import { analyzeDrift, DriftError, reconcileTypes } from '../../src/core/drift/computeDrift';
import { mergeOverrides, parseAssignments, parseDriftConfig, parseMethod, parseThreshold } from '../../src/core/drift/config';
import { renderDriftHtml } from '../../src/core/drift/htmlReport';
import { ksExactPValue } from '../../src/core/drift/ks';

const num = (name: string, values: number[]): NumericColumn => ({ name, type: 'numeric', values: Float64Array.from(values) });
const cat = (name: string, values: Array<string | null>): CategoricalColumn => {
  const dictionary: string[] = [];
  const codes = Int32Array.from(values, (v) => {
    if (v === null) return -1;
    let k = dictionary.indexOf(v);
    if (k < 0) k = dictionary.push(v) - 1;
    return k;
  });
  return { name, type: 'categorical', codes, dictionary };
};
const dataset = (file: string, columns: DataColumn[]): Dataset => ({ file, format: 'csv', bytes: 0, rows: columns[0] ? ('values' in columns[0] ? columns[0].values.length : columns[0].codes.length) : 0, columns, warnings: [] });
const seq = (n: number, f: (i: number) => number): number[] => Array.from({ length: n }, (_, i) => f(i));
const opts = { mode: 'evidently' as const };

describe('drift analysis', () => {
  describe("Evidently's method selection", () => {
    const cases: Array<[boolean, number, number, string]> = [
      [true, 1000, 6, 'ks'],
      [true, 1000, 5, 'chisquare'],
      [true, 1000, 3, 'chisquare'],
      [true, 1000, 2, 'z'],
      [false, 1000, 2, 'z'],
      [false, 1000, 3, 'chisquare'],
      [false, 1000, 300, 'chisquare'],
      [true, 1001, 6, 'wasserstein'],
      [true, 1001, 5, 'jensenshannon'],
      [true, 1001, 2, 'jensenshannon'],
      [false, 1001, 300, 'jensenshannon'],
    ];
    for (const [numeric, nRef, unique, expected] of cases) {
      it(`${numeric ? 'numeric' : 'categorical'}, reference ${nRef}, ${unique} unique → ${expected}`, () => {
        assert.equal(selectMethod(numeric, nRef, unique).method, expected);
      });
    }
    it('TFDV mode: L-infinity for categorical, JS divergence for numeric', () => {
      assert.equal(selectMethod(false, 10, 3, 'tfdv').method, 'linf');
      assert.equal(selectMethod(true, 10, 30, 'tfdv').method, 'jsd');
    });
    it('thresholds: KS drifts at p ≤ t, chi-square and Z at p < t, distances at ≥ t', () => {
      assert.equal(isDrifted('ks', 0.05, 0.05), true);
      assert.equal(isDrifted('chisquare', 0.05, 0.05), false);
      assert.equal(isDrifted('z', 0.05, 0.05), false);
      assert.equal(isDrifted('wasserstein', 0.1, 0.1), true);
      assert.equal(isDrifted('jensenshannon', 0.099, 0.1), false);
    });
  });

  describe('numeric columns', () => {
    it('tiny samples get the exact KS p-value; unique counts are over ref ∪ cur', () => {
      const r = analyzeNumeric(num('a', [1, 2, 3, 4, 5, 6]), num('a', [4, 5, 6, 7, 8, 9]), opts);
      assert.equal(r.method, 'ks');
      assert.equal(r.unique.union, 9);
      // D = 0.5 (F_ref(3) = .5, F_cur(3) = 0); exact p for 6 vs 6 from the lattice count.
      assert.equal(r.ks!.statistic, 0.5);
      assert.equal(r.ks!.exact, true);
      assert.equal(r.statistic, 0.5);
      assert.equal(r.pValue, ksExactPValue(0.5, 6, 6));
      assert.equal(r.drifted, false);
      assert.deepEqual(r.rangeViolations && { below: r.rangeViolations.below, above: r.rangeViolations.above }, { below: 0, above: 3 });
    });

    it('ties: 3–5 unique values → chi-square on per-value counts', () => {
      // ref: 1×4, 2×4, 3×4; cur: 1×2, 2×2, 3×8 → expected 4,4,4; χ² = 1 + 1 + 4 = 6, df 2, p = e^(−3).
      const r = analyzeNumeric(num('t', [1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3]), num('t', [1, 1, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3]), opts);
      assert.equal(r.method, 'chisquare');
      assert.equal(r.statistic, 6);
      assert.ok(Math.abs(r.pValue! - Math.exp(-3)) < 1e-12);
      // p = 0.0498 < 0.05: drift (chi-square uses a strict <).
      assert.equal(r.drifted, true);
    });

    it('constant columns: identical → no drift (Z p = 1), normed Wasserstein divides by 0.001', () => {
      const r = analyzeNumeric(num('c', [7, 7, 7, 7]), num('c', [7, 7, 7]), opts);
      assert.equal(r.method, 'z');
      assert.equal(r.pValue, 1);
      assert.equal(r.statistic, 0);
      assert.equal(r.drifted, false);
      assert.equal(r.wassersteinNormed, 0);
      assert.equal(r.jsDistance, 0);
      const big = analyzeNumeric(num('c', seq(1500, () => 7)), num('c', seq(1500, (i) => (i < 15 ? 8 : 7))), opts);
      assert.equal(big.method, 'jensenshannon');
      // W1 = 15/1500 = 0.01, divided by 0.001 → 10.
      assert.ok(Math.abs(big.wassersteinNormed! - 10) < 1e-9);
      assert.ok(big.notes.some((n) => /constant/.test(n)));
    });

    it('all-missing columns are not tested, with the missing share reported', () => {
      const r = analyzeNumeric(num('m', [NaN, NaN]), num('m', [1, 2, NaN, 4]), opts);
      assert.equal(r.method, null);
      assert.equal(r.skipped?.reason, 'all-missing');
      assert.deepEqual(r.missing, { reference: 1, current: 0.25 });
      assert.equal(r.drifted, false);
    });

    it('large reference: normed Wasserstein decides; KS is still reported with a large-sample note', () => {
      // ref = 0..1999, cur = ref + 20: W1 = 20, population std of ref = √((2000²−1)/12) = 577.35 → 0.0346.
      const ref = seq(2000, (i) => i);
      const r = analyzeNumeric(num('w', ref), num('w', ref.map((v) => v + 20)), opts);
      assert.equal(r.method, 'wasserstein');
      assert.ok(Math.abs(r.statistic! - 20 / Math.sqrt((2000 * 2000 - 1) / 12)) < 1e-9);
      assert.equal(r.drifted, false);
      assert.equal(r.pValue, null);
      assert.ok(r.ks && Math.abs(r.ks.statistic - 0.01) < 1e-12);
      assert.ok(r.psi !== null && r.jsDistance !== null);
      assert.equal(r.effectSize?.name, 'cohens_d');
    });

    it('PSI and JS through the Sturges path equal a naive re-implementation of Evidently/NumPy/SciPy', () => {
      // Independent, deliberately plain implementation: numpy.histogram_bin_edges(bins='sturges') on the pooled
      // sample, numpy.histogram per side (last bin closed), Evidently's zero-fill for PSI, SciPy's jensenshannon.
      let seed = 3;
      const rand = (): number => {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        return seed / 4294967296;
      };
      const ref = seq(700, () => Math.round(rand() * 500) / 10);
      const cur = seq(900, () => Math.round((rand() * 450 + 80) * 10) / 100 + 10);
      const pooled = [...ref, ...cur];
      const lo = Math.min(...pooled);
      const hi = Math.max(...pooled);
      const bins = Math.ceil(Math.log2(pooled.length) + 1);
      const edges = seq(bins + 1, (i) => (i === bins ? hi : lo + i * ((hi - lo) / bins)));
      const hist = (xs: number[]): number[] => {
        const out = new Array<number>(bins).fill(0);
        for (const x of xs) {
          let k = edges.findIndex((e, i) => i < bins && x >= e && (x < edges[i + 1]! || (i === bins - 1 && x <= hi)));
          if (k < 0) k = bins - 1;
          out[k]!++;
        }
        return out.map((c) => c / xs.length);
      };
      const r = hist(ref);
      const c = hist(cur);
      const fill = (xs: number[]): number[] => {
        const m = Math.min(...xs.filter((x) => x > 0));
        const v = m <= 0.0001 ? m / 1e6 : 0.0001;
        return xs.map((x) => (x === 0 ? v : x));
      };
      const rf = fill(r);
      const cf = fill(c);
      const psiExpected = rf.reduce((s, x, i) => s + (x - cf[i]!) * Math.log(x / cf[i]!), 0);
      const m = r.map((x, i) => (x + c[i]!) / 2);
      const kl = (p: number[]): number => p.reduce((s, x, i) => (x > 0 ? s + x * Math.log(x / m[i]!) : s), 0);
      const jsExpected = Math.sqrt((kl(r) + kl(c)) / 2);
      const result = analyzeNumeric(num('s', ref), num('s', cur), opts);
      assert.ok(result.unique.reference > 20, 'Sturges path');
      assert.ok(Math.abs(result.psi! - psiExpected) < 1e-12, `psi ${result.psi} vs ${psiExpected}`);
      assert.ok(Math.abs(result.jsDistance! - jsExpected) < 1e-12, `js ${result.jsDistance} vs ${jsExpected}`);
    });

    it('missing values are dropped before testing and counted per side', () => {
      const r = analyzeNumeric(num('x', [1, 2, NaN, 3, 4, 5, 6, NaN]), num('x', [1, 2, 3, 4, 5, 6]), opts);
      assert.deepEqual(r.missing, { reference: 0.25, current: 0 });
      assert.equal(r.reference.count, 8);
      assert.equal(r.reference.missing, 2);
      assert.equal(r.ks!.statistic, 0);
    });
  });

  describe('categorical columns', () => {
    it('one-sided categories: new in current → χ² = ∞, p = 0, drift; unseen listed', () => {
      const r = analyzeCategorical(cat('c', ['a', 'a', 'b', 'b', 'z']), cat('c', ['a', 'b', 'new', 'new']), opts);
      assert.equal(r.method, 'chisquare');
      assert.equal(r.statisticInfinite, true);
      assert.equal(r.statistic, null);
      assert.equal(r.chiSquare?.statistic, null);
      assert.equal(r.pValue, 0);
      assert.equal(r.drifted, true);
      assert.deepEqual(r.newCategories, ['new']);
      assert.equal(r.newCategoryShare, 0.5);
      assert.deepEqual(r.unseenCategories, ['z']);
    });

    it('two categories → Z test with Cohen’s h', () => {
      const r = analyzeCategorical(cat('b', [...Array(30).fill('y'), ...Array(70).fill('n')]), cat('b', [...Array(50).fill('y'), ...Array(50).fill('n')]), opts);
      assert.equal(r.method, 'z');
      assert.ok(r.pValue! < 0.01);
      assert.equal(r.effectSize?.name, 'cohens_h');
    });

    it('large reference → Jensen–Shannon on one bin per category', () => {
      // ref: a 50%, b 50%; cur: a 100% → JS = SciPy jensenshannon([.5,.5],[1,0]) = 0.4645014…
      const r = analyzeCategorical(cat('j', Array.from({ length: 2000 }, (_, i) => (i % 2 ? 'a' : 'b'))), cat('j', Array(500).fill('a')), opts);
      assert.equal(r.method, 'jensenshannon');
      assert.ok(Math.abs(r.statistic! - 0.46450140402245893) < 1e-12);
      assert.equal(r.drifted, true);
    });

    it('TFDV mode: L-infinity on categories; JS divergence (log2) over 10 equal-width buckets on numbers', () => {
      // Categories: ref a 50% b 50%, cur a 80% b 20% → L∞ = 0.3.
      const c = analyzeCategorical(cat('t', ['a', 'a', 'a', 'a', 'a', 'b', 'b', 'b', 'b', 'b']), cat('t', ['a', 'a', 'a', 'a', 'b']), { mode: 'tfdv' });
      assert.equal(c.method, 'linf');
      assert.ok(Math.abs(c.statistic! - 0.3) < 1e-12);
      assert.equal(c.drifted, true);
      // Numbers 0..9 (one per bucket of [0, 19]) vs 10..19: disjoint buckets → JS divergence = 1 bit.
      const n = analyzeNumeric(num('u', seq(10, (i) => i * 2)), num('u', seq(10, (i) => 20 + i * 2)), { mode: 'tfdv' });
      assert.equal(n.method, 'jsd');
      assert.ok(Math.abs(n.statistic! - 1) < 1e-12, String(n.statistic));
      const same = analyzeNumeric(num('u', seq(10, (i) => i)), num('u', seq(10, (i) => i)), { mode: 'tfdv' });
      assert.equal(same.statistic, 0);
      assert.equal(same.drifted, false);
    });

    it('KS on a categorical column is not applicable (reported, not crashed)', () => {
      const r = analyzeCategorical(cat('k', ['a', 'b', 'c']), cat('k', ['a', 'b', 'c']), { ...opts, method: 'ks' });
      assert.equal(r.method, null);
      assert.equal(r.skipped?.reason, 'method-not-applicable');
    });
  });

  describe('datasets', () => {
    const ref = dataset('ref.csv', [num('a', seq(50, (i) => i)), num('b', seq(50, (i) => i % 7)), cat('c', seq(50, (i) => i % 3).map(String)), num('gone', seq(50, (i) => i))]);
    const cur = dataset('cur.csv', [num('a', seq(50, (i) => i + 100)), num('b', seq(50, (i) => i % 7)), num('c', seq(50, (i) => i % 3)), cat('extra', Array<string>(50).fill('x'))]);

    it('schema drift: missing, extra and type changes; numbers vs strings are tested as categorical', async () => {
      const r = await analyzeDrift(ref, cur);
      assert.deepEqual(r.schema.missingInCurrent, ['gone']);
      assert.deepEqual(r.schema.extraInCurrent, ['extra']);
      assert.deepEqual(r.schema.typeChanges, [{ name: 'c', reference: 'categorical', current: 'numeric', testedAs: 'categorical' }]);
      const c = r.columns.find((x) => x.name === 'c')!;
      assert.equal(c.drifted, false);
      assert.deepEqual(r.columns.map((x) => [x.name, x.drifted]), [['a', true], ['b', false], ['c', false]]);
      // 1 of 3 drifted < 0.5 → no dataset drift; with drift share 1/3 → drift.
      assert.equal(r.datasetDrift, false);
      assert.equal(r.shareDrifted, 1 / 3);
      assert.equal((await analyzeDrift(ref, cur, { driftShare: 1 / 3 })).datasetDrift, true);
    });

    it('per-column method, threshold and type overrides', async () => {
      const r = await analyzeDrift(ref, cur, { overrides: { a: { method: 'psi', threshold: 100 }, b: { type: 'categorical' } } });
      const a = r.columns.find((x) => x.name === 'a')!;
      assert.equal(a.method, 'psi');
      assert.equal(a.threshold, 100);
      assert.equal(a.drifted, false);
      assert.equal(r.columns.find((x) => x.name === 'b')!.type, 'categorical');
    });

    it('--columns limits the tests and rejects unknown names', async () => {
      const r = await analyzeDrift(ref, cur, { columns: ['b'] });
      assert.deepEqual(r.columns.map((c) => c.name), ['b']);
      await assert.rejects(analyzeDrift(ref, cur, { columns: ['nope'] }), (ex: unknown) => DriftError.is(ex, 'unknown-column') && /'nope'/.test((ex as Error).message));
    });

    it('no column in common is a schema mismatch naming both files', async () => {
      await assert.rejects(analyzeDrift(ref, dataset('other.csv', [num('p', [1, 2])])), (ex: unknown) => DriftError.is(ex, 'schema-mismatch') && /ref\.csv and other\.csv have no column in common/.test((ex as Error).message));
    });

    it('cancels between columns', async () => {
      const ac = new AbortController();
      ac.abort();
      await assert.rejects(analyzeDrift(ref, cur, { signal: ac.signal }), (ex: unknown) => DriftError.is(ex, 'cancelled'));
    });

    it('type reconciliation', () => {
      assert.equal(reconcileTypes('numeric', 'datetime'), 'numeric');
      assert.equal(reconcileTypes('boolean', 'categorical'), 'categorical');
      assert.equal(reconcileTypes('numeric', 'text'), 'categorical');
    });

    it('the HTML report is self-contained and escapes names and categories', async () => {
      const evil = '<img src=x onerror=alert(1)>';
      const r = await analyzeDrift(dataset('<r>.csv', [cat(evil, ['a', evil, 'b'])]), dataset('c.csv', [cat(evil, ['a', evil, '</script><script>alert(2)</script>'])]));
      const html = renderDriftHtml({ ...r, timings: { readMs: 0, analyzeMs: 0 } });
      assert.ok(!html.includes('<img src=x'));
      assert.ok(!html.includes('<script>alert(2)'));
      assert.ok(html.includes('&#60;img src=x onerror=alert(1)&#62;'));
      assert.ok(!/(src|href)=["']?https?:/i.test(html), 'no external URL');
      assert.match(html, /Content-Security-Policy/);
      assert.equal((html.match(/<script>/g) ?? []).length, 1);
    });
  });

  describe('config and flags', () => {
    it('parses col=value assignments, aliases and merges later sources over earlier ones', () => {
      assert.deepEqual(parseAssignments('method', ['a=ks,b=chi2', 'x=y=psi'], parseMethod), { a: 'ks', b: 'chisquare', 'x=y': 'psi' });
      assert.deepEqual(parseAssignments('threshold', ['a=0.2'], parseThreshold), { a: 0.2 });
      assert.throws(() => parseAssignments('method', ['a=magic'], parseMethod), /'magic' is not a drift method/);
      assert.throws(() => parseAssignments('threshold', ['a'], parseThreshold), /expected column=value/);
      assert.deepEqual(mergeOverrides({ a: { method: 'ks', threshold: 0.1 } }, { a: { threshold: 0.2 } }), { a: { method: 'ks', threshold: 0.2 } });
    });

    it('validates the workspace config file with the file and key in the message', () => {
      assert.deepEqual(parseDriftConfig('{"columns": {"age": {"method": "psi", "threshold": 0.2}}, "mode": "tfdv"}', 'd.json'), { columns: { age: { method: 'psi', threshold: 0.2 } }, mode: 'tfdv' });
      assert.throws(() => parseDriftConfig('{"columns": {"age": {"methd": "psi"}}}', 'd.json'), /d\.json: columns\.age: unknown key 'methd'/);
      assert.throws(() => parseDriftConfig('{', 'd.json'), /d\.json: invalid JSON/);
    });
  });
});
