/**
 * Latency statistics. Pure functions over plain arrays; inputs are never mutated.
 *
 * Percentiles: linear interpolation between the closest ranks, numpy's default (`method='linear'`) and
 * R's type 7: with the samples sorted ascending as x[0..n−1] and h = (n − 1)·q, the q-quantile is
 * x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]). So p50 of [1, 2, 3, 4] is 2.5 and p99 of 1..100 is 99.01.
 */
import type { Histogram, LatencyStats } from '../../shared/profileResult';

/**
 * The q-quantile (0 ≤ q ≤ 1) of ascending-sorted samples, linear interpolation (numpy default, R type 7).
 *
 * @throws Error when `sorted` is empty or q is outside [0, 1].
 * @example quantileSorted([1, 2, 3, 4], 0.5) // 2.5
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) throw new Error('quantileSorted requires at least one sample');
  if (!(q >= 0 && q <= 1)) throw new Error(`quantileSorted: q must be in [0, 1], got ${q}`);
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** An ascending sorted copy. */
export function sortedCopy(samples: ArrayLike<number>): Float64Array {
  return Float64Array.from(samples as ArrayLike<number>).sort();
}

/**
 * min, max, mean, sample std (n − 1), CoV and p50/p90/p95/p99/p999 of `samples` (ms).
 *
 * @throws Error when `samples` is empty or holds a non-finite value.
 */
export function summarize(samples: ArrayLike<number>): LatencyStats {
  const n = samples.length;
  if (n === 0) throw new Error('summarize requires at least one sample');
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = samples[i]!;
    if (!Number.isFinite(v)) throw new Error(`summarize: sample ${i} is not a finite number (${v})`);
    sum += v;
  }
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (samples[i]! - mean) ** 2;
  const std = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
  const sorted = sortedCopy(samples);
  return {
    count: n,
    min: sorted[0]!,
    max: sorted[n - 1]!,
    mean,
    std,
    cov: mean > 0 ? std / mean : 0,
    p50: quantileSorted(sorted, 0.5),
    p90: quantileSorted(sorted, 0.9),
    p95: quantileSorted(sorted, 0.95),
    p99: quantileSorted(sorted, 0.99),
    p999: quantileSorted(sorted, 0.999),
  };
}

/** Quantiles at 0, 1/steps, …, 1 (steps + 1 values): a downsampled empirical CDF for charts. */
export function quantileCurve(samples: ArrayLike<number>, steps = 100): number[] {
  const sorted = sortedCopy(samples);
  return Array.from({ length: steps + 1 }, (_, i) => quantileSorted(sorted, i / steps));
}

/**
 * Equal-width histogram of `samples` between their min and their p99 (the slowest 1 % goes into the last
 * bin, so a few outliers do not squash the chart; the p99.9 and max stay in the statistics). `bins` defaults to the Freedman–Diaconis count clamped to [5, 40].
 */
export function histogram(samples: ArrayLike<number>, bins?: number): Histogram {
  const sorted = sortedCopy(samples);
  const n = sorted.length;
  if (n === 0) return { edgesMs: [], counts: [] };
  const lo = sorted[0]!;
  let hi = quantileSorted(sorted, 0.99);
  if (!(hi > lo)) hi = sorted[n - 1]! > lo ? sorted[n - 1]! : lo + Math.max(Math.abs(lo) * 1e-3, 1e-6);
  let k = bins;
  if (k === undefined) {
    const iqr = quantileSorted(sorted, 0.75) - quantileSorted(sorted, 0.25);
    const width = 2 * iqr / Math.cbrt(n);
    k = width > 0 ? Math.ceil((hi - lo) / width) : 10;
    k = Math.max(5, Math.min(40, k));
  }
  const width = (hi - lo) / k;
  const counts = new Array<number>(k).fill(0);
  for (let i = 0; i < n; i++) {
    const b = Math.min(k - 1, Math.floor((sorted[i]! - lo) / width));
    counts[Math.max(0, b)]!++;
  }
  return { edgesMs: Array.from({ length: k + 1 }, (_, i) => lo + i * width), counts };
}
