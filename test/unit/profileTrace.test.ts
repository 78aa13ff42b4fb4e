import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { aggregateTrace, fallbackNodes, parseTrace } from '../../src/core/profile/trace';

const ROOT = path.resolve(__dirname, '..', '..');
/** Recorded with onnxruntime-node 1.30.0: the example classifier, 3 runs at batch 1, 1 intra-op thread. */
const TRACE = JSON.parse(readFileSync(path.join(ROOT, 'test', 'fixtures', 'profile', 'classifier-cpu-trace.json'), 'utf8')) as unknown;

const close = (a: number, b: number, eps = 1e-9): void => assert.ok(Math.abs(a - b) <= eps, `${a} ≉ ${b}`);

describe('ORT profiling trace', () => {
  it('parses the node events of a recorded trace and tags each with its run', () => {
    const events = parseTrace(TRACE);
    assert.equal(events.length, 24, '8 nodes × 3 runs');
    assert.deepEqual([...new Set(events.map((e) => e.run))], [0, 1, 2]);
    assert.deepEqual(events[0], { name: 'relu1_out_nchwc', op: 'Conv', provider: 'CPUExecutionProvider', durUs: 188, run: 0 });
    assert.ok(events.every((e) => e.provider === 'CPUExecutionProvider'));
  });

  it('aggregates by op and provider, skipping the first (warm-up) run; numbers by hand', () => {
    const p = aggregateTrace(parseTrace(TRACE), 1);
    assert.equal(p.runs, 2);
    // Runs 1 and 2: Conv 30+17+24+17, ReorderOutput 7+2+5+2, MaxPool 8+7, GAP 3+2, Flatten 2+2, Gemm 3+2 = 133 µs.
    close(p.nodeMsPerRun, 0.133 / 2);
    const conv = p.ops.find((o) => o.op === 'Conv')!;
    assert.equal(conv.calls, 4);
    assert.equal(conv.nodes, 2);
    close(conv.totalMs, 0.088);
    close(conv.meanMsPerRun, 0.044);
    close(conv.share, 88 / 133);
    assert.equal(p.ops[0]!.op, 'Conv', 'sorted by time');
    close(p.ops.reduce((s, o) => s + o.share, 0), 1);
    assert.equal(p.ops.find((o) => o.op === 'ReorderOutput')!.nodes, 2);
    assert.equal(p.topNodes[0]!.node, 'relu1_out_nchwc');
    close(p.topNodes[0]!.meanMsPerRun, 0.027);
  });

  it('reports CPU fallback nodes only when another provider was requested', () => {
    const events = parseTrace(TRACE).map((e) => (e.op === 'Conv' ? { ...e, provider: 'WebGpuExecutionProvider' } : e));
    assert.deepEqual(fallbackNodes(events, 'cpu'), []);
    const fb = fallbackNodes(events, 'webgpu');
    assert.deepEqual(fb.map((f) => f.node), ['ReorderOutput', '/features/pool1/MaxPool', 'gap_out_nchwc', 'ReorderOutput_token_5', '/Flatten', '/fc/Gemm']);
    const p = aggregateTrace(events, 1);
    assert.ok(p.ops.some((o) => o.op === 'Conv' && o.provider === 'WebGpuExecutionProvider'));
  });

  it('tolerates junk: not an array, events without fields, nodes outside any run', () => {
    assert.deepEqual(parseTrace({ not: 'a trace' }), []);
    assert.deepEqual(parseTrace([null, 1, { cat: 'Node', name: 'x_kernel_time', ts: 5, dur: 1 }]), []);
    const one = parseTrace([{ cat: 'Session', name: 'model_run', ts: 0, dur: 10 }, { cat: 'Node', name: 'n_kernel_time', ts: 2, dur: 4 }]);
    assert.deepEqual(one, [{ name: 'n', op: 'unknown', provider: 'unknown', durUs: 4, run: 0 }]);
    const p = aggregateTrace(one, 1);
    assert.equal(p.runs, 1, 'a single run is counted');
    close(p.nodeMsPerRun, 0.004);
  });
});
