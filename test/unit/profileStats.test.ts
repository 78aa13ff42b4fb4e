import * as assert from 'node:assert/strict';
import { histogram, quantileCurve, quantileSorted, summarize } from '../../src/core/profile/stats';
import { isStable } from '../../src/core/profile/stability';

const close = (a: number, b: number, eps = 1e-9): void => assert.ok(Math.abs(a - b) <= eps, `${a} ≉ ${b}`);

describe('profile statistics', () => {
  it('percentiles interpolate linearly between closest ranks (numpy default), by hand', () => {
    close(quantileSorted([1, 2, 3, 4], 0.5), 2.5);
    close(quantileSorted([1, 2, 3, 4], 0.25), 1.75); // h = 0.75 → 1 + 0.75·(2 − 1)
    close(quantileSorted([10], 0.99), 10);
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    close(quantileSorted(hundred, 0.5), 50.5);
    close(quantileSorted(hundred, 0.9), 90.1); // h = 89.1
    close(quantileSorted(hundred, 0.95), 95.05);
    close(quantileSorted(hundred, 0.99), 99.01);
    close(quantileSorted(hundred, 0.999), 99.901);
    close(quantileSorted(hundred, 0), 1);
    close(quantileSorted(hundred, 1), 100);
  });

  it('summarize: mean, sample std, CoV, min/max and percentiles; input not mutated', () => {
    const samples = Object.freeze([4, 1, 3, 2]);
    const s = summarize(samples);
    assert.deepEqual(samples, [4, 1, 3, 2]);
    assert.equal(s.count, 4);
    assert.equal(s.min, 1);
    assert.equal(s.max, 4);
    close(s.mean, 2.5);
    close(s.std, Math.sqrt(5 / 3)); // Σ(x − 2.5)² = 5, n − 1 = 3
    close(s.cov, Math.sqrt(5 / 3) / 2.5);
    close(s.p50, 2.5);
    close(s.p90, 3.7); // h = 2.7 → 3 + 0.7
    close(s.p99, 3.97);
    close(s.p999, 3.997);
  });

  it('summarize: one sample has std 0; empty and non-finite input throw', () => {
    const s = summarize([7]);
    assert.equal(s.std, 0);
    assert.equal(s.p99, 7);
    assert.throws(() => summarize([]), /at least one sample/);
    assert.throws(() => summarize([1, NaN]), /sample 1 is not a finite number/);
    assert.throws(() => quantileSorted([1], 1.5), /q must be in \[0, 1\]/);
  });

  it('quantile curve has 101 points from min to max, non-decreasing', () => {
    const q = quantileCurve([5, 1, 4, 2, 3]);
    assert.equal(q.length, 101);
    assert.equal(q[0], 1);
    assert.equal(q[100], 5);
    for (let i = 1; i < q.length; i++) assert.ok(q[i]! >= q[i - 1]!);
  });

  it('histogram counts every sample once and the tail folds into the last bin', () => {
    const samples = [...Array.from({ length: 999 }, (_, i) => 1 + (i % 10) / 10), 1000];
    const hgram = histogram(samples, 10);
    assert.equal(hgram.counts.length, 10);
    assert.equal(hgram.edgesMs.length, 11);
    assert.equal(hgram.counts.reduce((a, b) => a + b, 0), samples.length);
    assert.ok(hgram.edgesMs[10]! < 1000, 'the outlier does not stretch the axis');
    const flat = histogram([2, 2, 2]);
    assert.equal(flat.counts.reduce((a, b) => a + b, 0), 3);
  });

  it('stability: the last 3 windows within ±10 % of their mean (perf_analyzer)', () => {
    assert.equal(isStable([1, 1]), false, 'fewer than 3 windows');
    assert.equal(isStable([5, 1.02, 0.99, 1.0]), true, 'an early slow window does not matter');
    assert.equal(isStable([1, 1, 1.25]), false, '1.25 is 15 % over the mean 1.083');
    assert.equal(isStable([1, 1, 1.15]), true, '1.15 is 9.7 % over the mean 1.05');
    assert.equal(isStable([1, 1, 1.15], 0.05), false);
    assert.equal(isStable([0, 0, 0]), false);
  });
});
