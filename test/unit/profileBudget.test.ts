import * as assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { baselineFile, compareWithBaseline, loadBaseline, saveBaseline } from '../../src/core/profile/baseline';
import { adviseBatching, adviseCost, budgetReport, costPer1k } from '../../src/core/profile/budget';
import { ProfileError } from '../../src/core/profile/errors';
import type { ProfileResult } from '../../src/shared/profileResult';

const close = (a: number, b: number, eps = 1e-9): void => assert.ok(Math.abs(a - b) <= eps, `${a} ≉ ${b}`);

// p99 grows with the batch; samples/s saturates around batch 8.
const RUNS = [
  { batch: 1, p50: 1, p99: 1.5, samplesPerSecond: 900 },
  { batch: 2, p50: 1.6, p99: 2.2, samplesPerSecond: 1200 },
  { batch: 4, p50: 2.8, p99: 3.6, samplesPerSecond: 1400 },
  { batch: 8, p50: 5.2, p99: 6.4, samplesPerSecond: 1520 },
  { batch: 16, p50: 10.4, p99: 12.5, samplesPerSecond: 1530 },
];

describe('profile budget and advice', () => {
  it('verdict per batch on p99 and the largest batch within budget', () => {
    const b = budgetReport(RUNS, 5);
    assert.deepEqual(b.verdicts.map((v) => v.withinBudget), [true, true, true, false, false]);
    assert.equal(b.largestBatchWithinBudget, 4);
    close(b.verdicts[2]!.headroomMs, 1.4);
    assert.equal(budgetReport(RUNS, 1).largestBatchWithinBudget, null);
    assert.equal(budgetReport(RUNS, 1.5).largestBatchWithinBudget, 1, 'p99 equal to the budget is within it');
  });

  it('Triton dynamic batching within a budget: max batch, knee + largest preferred, half the headroom as queue delay', () => {
    const a = adviseBatching(RUNS, true, 5);
    assert.ok(a.dynamicBatching);
    assert.equal(a.dynamicBatching.maxBatchSize, 4);
    // Best within budget 1400 samples/s; 90 % = 1260 → knee at batch 4 (batch 2 has 1200).
    assert.deepEqual(a.dynamicBatching.preferredBatchSizes, [4]);
    assert.equal(a.dynamicBatching.maxQueueDelayMicroseconds, 700); // (5 − 3.6) / 2 ms
  });

  it('without a budget: all batches, knee and largest, p50 at batch 1 as queue delay', () => {
    const a = adviseBatching(RUNS, true);
    assert.equal(a.dynamicBatching!.maxBatchSize, 16);
    // 90 % of the best (1530) = 1377: batch 4 (1400) is the first to reach it.
    assert.deepEqual(a.dynamicBatching!.preferredBatchSizes, [4, 16]);
    assert.equal(a.dynamicBatching!.maxQueueDelayMicroseconds, 1000); // p50 at batch 1 = 1 ms
  });

  it('max batch stops where samples/s falls below 90 % of the best; no advice when batching does not help', () => {
    const peaked = [
      { batch: 1, p50: 1, p99: 1.2, samplesPerSecond: 1000 },
      { batch: 2, p50: 1.4, p99: 1.8, samplesPerSecond: 1500 },
      { batch: 4, p50: 3.5, p99: 4, samplesPerSecond: 1150 },
    ];
    const a = adviseBatching(peaked, true);
    assert.equal(a.dynamicBatching!.maxBatchSize, 2);
    assert.deepEqual(a.dynamicBatching!.preferredBatchSizes, [2]);
    const flat = adviseBatching([{ batch: 1, p50: 1, p99: 1, samplesPerSecond: 1000 }, { batch: 2, p50: 2.5, p99: 3, samplesPerSecond: 800 }], true);
    assert.equal(flat.dynamicBatching, null);
    assert.match(flat.reason!, /throughput does not grow with the batch size here \(best at batch 1\)/);
  });

  it('no advice for a fixed batch axis, a single batch, or no batch within budget', () => {
    assert.equal(adviseBatching(RUNS, false).dynamicBatching, null);
    assert.match(adviseBatching(RUNS, false).reason!, /max_batch_size 0/);
    assert.match(adviseBatching(RUNS.slice(0, 1), true).reason!, /at least two batch sizes/);
    assert.match(adviseBatching(RUNS, true, 1).reason!, /no batch size meets the 1 ms p99 budget/);
  });

  it('cost per 1,000 predictions at the best throughput within budget', () => {
    close(costPer1k(3.6, 1000), 0.001); // 3.6 / (1000 × 3600) × 1000
    const c = adviseCost(RUNS, 3.6, 5)!;
    assert.equal(c.atBatch, 4);
    close(c.per1kPredictions, 3.6 / (1400 * 3600) * 1000);
    assert.equal(adviseCost(RUNS, 3.6)!.atBatch, 16);
  });
});

function result(p50: number, throughput: number, rss: number, extra: Partial<ProfileResult> = {}): ProfileResult {
  return {
    version: 1, createdAt: '2026-01-01T00:00:00.000Z', ep: 'cpu', threads: 0, ortVersion: '1.30.0', peakRssBytes: rss, coldStartMs: 20,
    environment: { cpuModel: 'cpu', logicalCores: 2, os: 'linux', arch: 'x64', node: 'v20', totalMemoryBytes: 1 },
    settings: { graphOptimizationLevel: 'all', inputSource: 'synthetic' },
    runs: [{ batch: 1, p50, p90: p50 * 1.1, p99: p50 * 1.3, throughput }],
    ...extra,
  } as unknown as ProfileResult;
}

describe('profile baselines', () => {
  it('flags a p50 +10 % (more) as a regression, a throughput drop too, and improvements the other way', () => {
    const c = compareWithBaseline(result(1.2, 800, 100), result(1, 1000, 100), 'b.json');
    const p50 = c.deltas.find((d) => d.metric === 'p50')!;
    close(p50.change, 0.2);
    assert.equal(p50.regression, true);
    assert.equal(c.deltas.find((d) => d.metric === 'throughput')!.regression, true);
    assert.equal(c.deltas.find((d) => d.metric === 'peakRssBytes')!.regression, false);
    assert.equal(c.regressions, 4, 'p50, p90, p99, throughput');
    const same = compareWithBaseline(result(1.05, 980, 105), result(1, 1000, 100), 'b.json');
    assert.equal(same.regressions, 0, '5 % is within the threshold');
    const better = compareWithBaseline(result(0.5, 2000, 50), result(1, 1000, 100), 'b.json');
    assert.equal(better.regressions, 0);
    assert.ok(better.deltas.filter((d) => d.metric !== 'coldStartMs').every((d) => d.improvement));
  });

  it('states caveats when settings differ', () => {
    const c = compareWithBaseline(result(1, 1000, 100, { threads: 4 }), result(1, 1000, 100, { ortVersion: '1.29.0' }), 'b.json');
    assert.ok(c.caveats.some((x) => /threads changed: 0 → 4/.test(x)));
    assert.ok(c.caveats.some((x) => /ONNX Runtime changed: 1\.29\.0 → 1\.30\.0/.test(x)));
  });

  it('saves atomically, loads back, and reports a corrupt baseline as baseline-io', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mlp-baseline-'));
    try {
      const file = baselineFile(path.join(dir, '.mlpreflight', 'profiles'), '/models/My Model.onnx', 'cpu');
      assert.match(path.basename(file), /^My_Model-[0-9a-f]{10}-cpu\.json$/);
      assert.equal(await loadBaseline(file), undefined);
      await saveBaseline(file, result(1, 1000, 100));
      assert.equal((await loadBaseline(file))!.runs[0]!.p50, 1);
      assert.match(await readFile(file, 'utf8'), /"version": 1/);
      await writeFile(file, '{"oops"');
      await assert.rejects(loadBaseline(file), (ex: unknown) => ProfileError.is(ex, 'baseline-io') && /not a profile result/.test((ex as Error).message));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
