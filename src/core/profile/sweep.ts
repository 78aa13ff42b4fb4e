/**
 * When the default batch sweep stops (Triton Model Analyzer's rule, applied to one stream): after a batch
 * whose samples/s gained less than `minGain` over the best so far, `patience` times in a row, larger batches
 * are not tried; nor after a batch whose p99 exceeds the latency budget (a larger batch only takes longer).
 * Pure, so the worker and the tests share it.
 */
import type { BatchSummary, SweepStop } from '../../shared/workerProtocol';

export interface SweepRule {
  /** Relative samples/s gain below which a step counts as flat (0.05 = 5 %). */
  minGain: number;
  /** Flat steps in a row that end the sweep. */
  patience: number;
  /** p99 above this (ms) ends the sweep. */
  latencyBudgetMs?: number;
}

/** Tracks the sweep; {@link SweepTracker.after} says whether to stop after a finished batch. */
export class SweepTracker {
  private best = 0;
  private flat = 0;

  constructor(private readonly rule: SweepRule) {}

  /**
   * Records `summary` and returns why the sweep stops now, or undefined to go on. `remaining` are the batch
   * sizes not run yet (the stop lists them).
   */
  after(summary: BatchSummary, remaining: readonly number[]): SweepStop | undefined {
    const { rule } = this;
    const gain = this.best > 0 ? summary.samplesPerSecond / this.best - 1 : Infinity;
    this.flat = gain < rule.minGain ? this.flat + 1 : 0;
    this.best = Math.max(this.best, summary.samplesPerSecond);
    if (remaining.length === 0) return undefined;
    if (rule.latencyBudgetMs !== undefined && summary.p99 > rule.latencyBudgetMs) {
      return { reason: 'latency-budget', message: `batch ${summary.batch}'s p99 (${summary.p99.toFixed(2)} ms) exceeds the latency budget (${rule.latencyBudgetMs} ms); larger batches only take longer`, skippedBatches: [...remaining] };
    }
    if (this.flat >= rule.patience) {
      return { reason: 'plateau', message: `samples/s gained less than ${(rule.minGain * 100).toFixed(0)} % for ${rule.patience} batch steps in a row (up to batch ${summary.batch}, best ${this.best.toFixed(1)} samples/s)`, skippedBatches: [...remaining] };
    }
    return undefined;
  }
}
