/** Latency/memory delta of `diff` from saved profiles, matched by the models' SHA-256. */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performanceFromProfiles } from '../../src/core/diff/performance';
import type { ModelDiff } from '../../src/shared/modelDiff';
import { runCliCaptured } from '../support/cli';
import { DT, graph, model, node, tensorInfo } from '../support/onnxBuilder';

function m(name: string): Uint8Array {
  return model({ graph: graph({ name, nodes: [node('Relu', ['x'], ['y'])], inputs: [tensorInfo('x', DT.FLOAT, ['batch', 4])], outputs: [tensorInfo('y', DT.FLOAT, ['batch', 4])] }) });
}

function profile(bytes: Uint8Array, file: string, p50: number, p99: number, opts: { cpu?: string; createdAt?: string; budgetMs?: number; rss?: number } = {}): unknown {
  return {
    version: 1,
    model: { path: file, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') },
    createdAt: opts.createdAt ?? '2026-12-01T10:00:00.000Z',
    ortVersion: '1.22.0',
    ep: 'cpu',
    threads: 0,
    environment: { cpuModel: opts.cpu ?? 'AMD EPYC', logicalCores: 2, os: 'linux', arch: 'x64', node: 'v20', totalMemoryBytes: 1 },
    runs: [{ batch: 1, p50, p99, throughput: 1000 / p50 }, { batch: 8, p50: p50 * 4, p99: p99 * 4, throughput: 250 / p50 }],
    peakRssBytes: opts.rss ?? 100 * 1024 * 1024,
    budget: opts.budgetMs ? { budgetMs: opts.budgetMs, statistic: 'p99', largestBatchWithinBudget: 1, verdicts: [] } : null,
  };
}

describe('model diff: latency and memory from saved profiles', () => {
  let dir: string;
  const a = m('a');
  const b = m('b');
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'mlp-diffperf-'));
    await writeFile(path.join(dir, 'a.onnx'), a);
    await writeFile(path.join(dir, 'b.onnx'), b);
    const prof = path.join(dir, '.mlpreflight', 'profiles');
    await mkdir(prof, { recursive: true });
    await writeFile(path.join(prof, 'a-old-cpu.json'), JSON.stringify(profile(a, 'a.onnx', 9, 20, { createdAt: '2026-01-01T00:00:00.000Z' })));
    await writeFile(path.join(prof, 'a-cpu.json'), JSON.stringify(profile(a, 'a.onnx', 10, 12)));
    await writeFile(path.join(prof, 'b-cpu.json'), JSON.stringify(profile(b, 'b.onnx', 15, 30, { budgetMs: 25, rss: 150 * 1024 * 1024 })));
    await writeFile(path.join(prof, 'junk.json'), '{ not json');
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('uses the newest profile of each model, at the smallest common batch, against the new profile\'s budget', async () => {
    const p = await performanceFromProfiles(path.join(dir, '.mlpreflight', 'profiles'), path.join(dir, 'a.onnx'), path.join(dir, 'b.onnx'));
    assert.ok(p);
    assert.equal(p.batch, 1);
    assert.deepEqual(p.p50Ms, { before: 10, after: 15, delta: 5, relative: 0.5 });
    assert.equal(p.p99Ms.after, 30);
    assert.equal(p.peakRssBytes.delta, 50 * 1024 * 1024);
    assert.equal(p.budgetMs, 25);
    assert.equal(p.overBudget, true);
    assert.equal(p.caveat, undefined);
  });

  it('no profile for one side: no delta; different machines: a caveat', async () => {
    const other = path.join(dir, 'other');
    await mkdir(other);
    await writeFile(path.join(other, 'b.json'), JSON.stringify(profile(b, 'b.onnx', 15, 30)));
    assert.equal(await performanceFromProfiles(other, path.join(dir, 'a.onnx'), path.join(dir, 'b.onnx')), undefined);
    await writeFile(path.join(other, 'a.json'), JSON.stringify(profile(a, 'a.onnx', 10, 12, { cpu: 'Intel Xeon' })));
    const p = await performanceFromProfiles(other, path.join(dir, 'a.onnx'), path.join(dir, 'b.onnx'), { budgetMs: 50 });
    assert.match(p?.caveat ?? '', /not taken under the same conditions \(CPU Intel Xeon ×2 vs AMD EPYC ×2\)/);
    assert.equal(p?.overBudget, false);
  });

  it('the CLI reads .mlpreflight/profiles by default and prints the delta', async () => {
    const r = await runCliCaptured(['diff', 'a.onnx', 'b.onnx', '--json'], dir);
    const d = JSON.parse(r.stdout) as ModelDiff;
    assert.equal(d.performance?.p50Ms.delta, 5);
    const t = await runCliCaptured(['diff', 'a.onnx', 'b.onnx'], dir);
    assert.match(t.stdout, /p99 +12\.00 ms → 30\.00 ms \(\+150\.0 %\) +\(budget 25 ms: OVER\)/);
  });
});
