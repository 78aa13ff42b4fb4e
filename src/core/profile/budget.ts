/**
 * Latency budget verdicts, Triton `dynamic_batching` advice and serving cost. Pure functions over the runs.
 *
 * Verdict: a batch is within budget when its p99 ≤ the budget (ms). The advice assumes one model instance
 * serving sequential batches on the profiled hardware.
 */
import type { AdviceReport, BatchRun, BudgetReport, DynamicBatchingAdvice } from '../../shared/profileResult';

type RunStats = Pick<BatchRun, 'batch' | 'p50' | 'p99' | 'samplesPerSecond'>;

/** Verdict per batch size and the largest batch whose p99 is within `budgetMs`. */
export function budgetReport(runs: readonly RunStats[], budgetMs: number): BudgetReport {
  const verdicts = runs.map((r) => ({ batch: r.batch, p99: r.p99, withinBudget: r.p99 <= budgetMs, headroomMs: budgetMs - r.p99 }));
  const within = verdicts.filter((v) => v.withinBudget).map((v) => v.batch);
  return { budgetMs, statistic: 'p99', largestBatchWithinBudget: within.length ? Math.max(...within) : null, verdicts };
}

/** Cost of 1,000 predictions (samples) at `samplesPerSecond` on a machine costing `perHour`. */
export function costPer1k(perHour: number, samplesPerSecond: number): number {
  return samplesPerSecond > 0 ? (perHour / (samplesPerSecond * 3600)) * 1000 : Infinity;
}

/** Upper bound of the suggested queue delay (Triton's own examples stay around 100 ms and below). */
export const MAX_QUEUE_DELAY_US = 100_000;

/**
 * Suggested Triton `dynamic_batching`:
 * - candidates: swept batches within budget (all swept batches when there is no budget);
 * - `max_batch_size`: the largest candidate that still reaches ≥ 90 % of the best samples/s among the candidates
 *   (a bigger batch that is slower per sample is not worth its latency);
 * - `preferred_batch_size`: the smallest candidate reaching ≥ 90 % of the best samples/s (the throughput knee)
 *   and `max_batch_size`, deduplicated;
 * - `max_queue_delay_microseconds`: with a budget, half the headroom left at `max_batch_size` (p99) so queueing
 *   and the batch together stay within it; without one, the p50 at batch 1 (wait at most one small inference).
 *   Clamped to [0, 100 ms].
 *
 * `dynamicBatching` is null (with a reason) when the batch axis is fixed, only one batch was swept, no batch is
 * within budget, or batching does not raise throughput (the best batch is the smallest).
 */
export function adviseBatching(runs: readonly RunStats[], batchable: boolean, budgetMs?: number): AdviceReport {
  if (!batchable) return { dynamicBatching: null, reason: 'the batch axis is fixed in the model: use max_batch_size 0 (no dynamic batching)' };
  if (runs.length < 2) return { dynamicBatching: null, reason: 'sweep at least two batch sizes to get dynamic batching advice' };
  const candidates = budgetMs === undefined ? [...runs] : runs.filter((r) => r.p99 <= budgetMs);
  if (candidates.length === 0) {
    return { dynamicBatching: null, reason: `no batch size meets the ${budgetMs} ms p99 budget, not even ${Math.min(...runs.map((r) => r.batch))}` };
  }
  candidates.sort((a, b) => a.batch - b.batch);
  const best = Math.max(...candidates.map((r) => r.samplesPerSecond));
  const good = candidates.filter((r) => r.samplesPerSecond >= 0.9 * best);
  const largest = good[good.length - 1]!;
  const knee = good[0]!;
  if (largest.batch === candidates[0]!.batch) {
    return { dynamicBatching: null, reason: `throughput does not grow with the batch size here (best at batch ${largest.batch}): dynamic batching would add queueing delay for no gain` };
  }
  const preferred = [...new Set([knee.batch, largest.batch])].sort((a, b) => a - b);
  const smallest = [...runs].sort((a, b) => a.batch - b.batch)[0]!;
  let delayUs: number;
  let why: string;
  if (budgetMs !== undefined) {
    delayUs = ((budgetMs - largest.p99) / 2) * 1000;
    why = `max batch ${largest.batch} is within the ${budgetMs} ms budget (p99 ${largest.p99.toFixed(2)} ms); queue delay = half the remaining headroom`;
  } else {
    delayUs = smallest.p50 * 1000;
    why = `no budget given: all swept batches considered; queue delay = p50 at batch ${smallest.batch}`;
  }
  const advice: DynamicBatchingAdvice = {
    maxBatchSize: largest.batch,
    preferredBatchSizes: preferred,
    maxQueueDelayMicroseconds: Math.round(Math.max(0, Math.min(MAX_QUEUE_DELAY_US, delayUs))),
    reason: `${why}; throughput reaches 90 % of its best (${best.toFixed(0)} samples/s) at batch ${knee.batch}`,
  };
  return { dynamicBatching: advice };
}

/** The cost line of the advice: at the largest batch within budget (or the best throughput without a budget). */
export function adviseCost(runs: readonly RunStats[], perHour: number, budgetMs?: number): AdviceReport['cost'] {
  const pool = budgetMs === undefined ? runs : runs.filter((r) => r.p99 <= budgetMs);
  const from = pool.length ? pool : runs;
  const best = [...from].sort((a, b) => b.samplesPerSecond - a.samplesPerSecond)[0];
  if (!best) return undefined;
  return { perHour, per1kPredictions: costPer1k(perHour, best.samplesPerSecond), atBatch: best.batch };
}
