/**
 * The warm-up stability rule of Triton's perf_analyzer: a measurement is stable when the last 3 windows are
 * each within ±tolerance (default 10 %) of the mean of those 3 windows. We apply it to each window's mean
 * latency (for one sequential stream, throughput is its inverse, so both criteria agree).
 */

/** Windows compared by the rule. */
export const STABILITY_WINDOWS = 3;

/**
 * True when the last {@link STABILITY_WINDOWS} values are each within ±`tolerance` of their mean.
 * Fewer than 3 windows is never stable.
 *
 * @example isStable([5, 1.02, 0.99, 1.0]) // true: 1.02, 0.99, 1.0 are within 10 % of 1.003
 */
export function isStable(windowValues: readonly number[], tolerance = 0.1): boolean {
  if (windowValues.length < STABILITY_WINDOWS) return false;
  const last = windowValues.slice(-STABILITY_WINDOWS);
  const mean = last.reduce((a, b) => a + b, 0) / STABILITY_WINDOWS;
  if (!(mean > 0)) return false;
  return last.every((v) => Math.abs(v - mean) <= tolerance * mean);
}
