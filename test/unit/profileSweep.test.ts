/** The bounded default profile: the sweep's stopping rule, the time budget, and batches streamed as they finish. */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { profileModel } from '../../src/core/profile/profile';
import { SweepTracker } from '../../src/core/profile/sweep';
import type { BatchSummary, ProfileProgress } from '../../src/shared/workerProtocol';

const ROOT = path.resolve(__dirname, '..', '..');
const EXAMPLE = path.join(ROOT, 'examples', 'models', 'classifier.onnx');
const TS_WORKER = { workerPath: path.join(ROOT, 'src', 'worker', 'worker.ts'), execArgv: ['--require', 'tsx/cjs'] };

function at(batch: number, samplesPerSecond: number, p99 = 1): BatchSummary {
  return { batch, iterations: 100, p50: 1, p90: 1, p99, mean: 1, throughput: samplesPerSecond / batch, samplesPerSecond, stable: true };
}

describe('bounded default profile', function () {
  this.timeout(60_000);

  it('stops the sweep after two steps in a row that gain under 5 % over the best samples/s', () => {
    const t = new SweepTracker({ minGain: 0.05, patience: 2 });
    assert.equal(t.after(at(1, 100), [2, 4, 8, 16]), undefined);
    assert.equal(t.after(at(2, 180), [4, 8, 16]), undefined); // +80 %
    assert.equal(t.after(at(4, 186), [8, 16]), undefined); // +3.3 %: first flat step
    const stop = t.after(at(8, 184), [16]); // −1 % against the best: second flat step
    assert.equal(stop?.reason, 'plateau');
    assert.deepEqual(stop?.skippedBatches, [16]);
    assert.match(stop!.message, /less than 5 % for 2 batch steps in a row \(up to batch 8, best 186\.0 samples\/s\)/);
  });

  it('a step that gains again resets the count, and the last batch never reports a stop', () => {
    const t = new SweepTracker({ minGain: 0.05, patience: 2 });
    t.after(at(1, 100), [2, 4, 8]);
    t.after(at(2, 102), [4, 8]); // flat
    assert.equal(t.after(at(4, 150), [8]), undefined); // +47 %: reset
    assert.equal(t.after(at(8, 151), []), undefined);
  });

  it('stops after a batch whose p99 exceeds the latency budget', () => {
    const t = new SweepTracker({ minGain: 0.05, patience: 2, latencyBudgetMs: 20 });
    assert.equal(t.after(at(1, 100, 5), [2, 4]), undefined);
    const stop = t.after(at(2, 190, 25), [4]);
    assert.equal(stop?.reason, 'latency-budget');
    assert.match(stop!.message, /batch 2's p99 \(25\.00 ms\) exceeds the latency budget \(20 ms\)/);
  });

  it('under the default time budget: every batch keeps ≥ 30 iterations, results stream per batch before the reply, settings record the budget', async () => {
    const progress: ProfileProgress[] = [];
    const r = await profileModel(EXAMPLE, { ...TS_WORKER, maxBatch: 8, opProfileRuns: 0, timeBudgetS: 4, onProgress: (p) => progress.push(p) });
    assert.equal(r.settings.timeBudgetS, 4);
    assert.deepEqual(r.settings.sweepStop, { minGain: 0.05, patience: 2 });
    assert.ok(r.runs.length >= 1);
    for (const run of r.runs) assert.ok(run.iterations >= 30 && run.iterations <= 200, `batch ${run.batch}: ${run.iterations}`);
    const done = progress.filter((p) => p.phase === 'batch-done');
    assert.deepEqual(done.map((p) => p.summary?.batch), r.runs.map((x) => x.batch));
    for (const p of done) assert.ok(p.summary!.p50 > 0 && p.summary!.samplesPerSecond > 0);
    // The sweep ran to batch 8, or says why it stopped and which batches it left out.
    const stopped = r.sweep.stopped;
    if (stopped) assert.deepEqual([...r.runs.map((x) => x.batch), ...stopped.skippedBatches], [1, 2, 4, 8]);
    else assert.deepEqual(r.runs.map((x) => x.batch), [1, 2, 4, 8]);
    assert.ok(r.wallMs < 8000, `${r.wallMs} ms`);
  });

  it('an explicit --iterations or --batch list lifts the budget and the early stop', async () => {
    const r = await profileModel(EXAMPLE, { ...TS_WORKER, batches: [1, 2, 4], iterations: 40, warmup: 2, opProfileRuns: 0 });
    assert.equal(r.settings.timeBudgetS, null);
    assert.equal(r.settings.sweepStop, null);
    assert.deepEqual(r.runs.map((x) => [x.batch, x.iterations]), [[1, 40], [2, 40], [4, 40]]);
    assert.equal(r.sweep.stopped, undefined);
  });

  it('a time budget too small for the next batch stops the sweep with the reason', async () => {
    const r = await profileModel(EXAMPLE, { ...TS_WORKER, maxBatch: 32, opProfileRuns: 0, timeBudgetS: 0.001 });
    assert.equal(r.runs.length, 1, 'the first batch always runs');
    assert.ok(r.runs[0]!.iterations >= 30);
    assert.equal(r.sweep.stopped?.reason, 'time-budget');
    assert.deepEqual(r.sweep.stopped?.skippedBatches, [2, 4, 8, 16, 32]);
  });
});
