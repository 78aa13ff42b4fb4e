import * as assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { profileModel, type ProfileOptions } from '../../src/core/profile/profile';
import { WorkerError } from '../../src/core/runtime/workerClient';
import { DT, graph, model, node, tensor, tensorInfo } from '../support/onnxBuilder';
import { rejectsWithWorkerError } from '../support/workerErrors';

const ROOT = path.resolve(__dirname, '..', '..');
const EXAMPLE = path.join(ROOT, 'examples', 'models', 'classifier.onnx');
const TS_WORKER = { workerPath: path.join(ROOT, 'src', 'worker', 'worker.ts'), execArgv: ['--require', 'tsx/cjs'] };
/** Small and quick: a fixed warm-up, few iterations, few profiled runs. */
const QUICK: ProfileOptions = { ...TS_WORKER, iterations: 5, warmup: 2, opProfileRuns: 2 };

const rejectsWith = rejectsWithWorkerError;

/** x[batch, 3] → Reshape to [7]: valid graph, fails when run. */
function reshapeModel(): Uint8Array {
  return model({
    graph: graph({
      nodes: [node('Reshape', ['x', 'shape'], ['y'], {}, { name: 'impossible_reshape' })],
      inputs: [tensorInfo('x', DT.FLOAT, ['batch', 3])],
      outputs: [tensorInfo('y', DT.FLOAT, [7])],
      initializers: [tensor('shape', DT.INT64, [1], { int64s: [7] })],
    }),
  });
}

/** A chain of MatMuls: slow enough to be mid-run when a test interferes. */
function matmulModel(width = 256, depth = 8): Uint8Array {
  const nodes = [];
  const inits = [];
  let prev = 'x';
  for (let i = 0; i < depth; i++) {
    inits.push(tensor(`w${i}`, DT.FLOAT, [width, width]));
    nodes.push(node('MatMul', [prev, `w${i}`], [`h${i}`]));
    prev = `h${i}`;
  }
  nodes.push(node('Identity', [prev], ['y']));
  return model({ graph: graph({ nodes, inputs: [tensorInfo('x', DT.FLOAT, ['batch', width])], outputs: [tensorInfo('y', DT.FLOAT, ['batch', width])], initializers: inits }) });
}

const ALL_TYPES: Array<[string, number]> = [
  ['f32', DT.FLOAT], ['f64', DT.DOUBLE], ['f16', DT.FLOAT16], ['i8', DT.INT8], ['u8', DT.UINT8],
  ['i32', DT.INT32], ['i64', DT.INT64], ['flag', DT.BOOL], ['text', DT.STRING],
];

/** One Identity per dtype, with a batch dim, a named dim and an unnamed dim. */
function allTypesModel(): Uint8Array {
  return model({
    graph: graph({
      nodes: ALL_TYPES.map(([n]) => node('Identity', [n], [`${n}_out`])),
      inputs: ALL_TYPES.map(([n, t]) => tensorInfo(n, t, ['batch', 'seq', null])),
      outputs: ALL_TYPES.map(([n, t]) => tensorInfo(`${n}_out`, t, ['batch', 'seq', null])),
    }),
  });
}

describe('profiler (isolated worker)', function () {
  this.timeout(60_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mlp-profile-test-'));
    await writeFile(path.join(dir, 'reshape.onnx'), reshapeModel());
    await writeFile(path.join(dir, 'matmul.onnx'), matmulModel());
    await writeFile(path.join(dir, 'types.onnx'), allTypesModel());
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('profiles the example model: runs per batch, stats, ops from the trace, memory, environment, progress', async () => {
    const phases: string[] = [];
    const r = await profileModel(EXAMPLE, { ...QUICK, batches: [1, 2], budgetMs: 1000, costPerHour: 2, onProgress: (p) => phases.push(p.phase) });
    assert.equal(r.ortVersion, require('onnxruntime-node/package.json').version);
    assert.equal(r.ep, 'cpu');
    assert.deepEqual(r.runs.map((x) => x.batch), [1, 2]);
    for (const run of r.runs) {
      assert.equal(run.iterations, 5);
      assert.ok(run.min <= run.p50 && run.p50 <= run.p90 && run.p90 <= run.p99 && run.p99 <= run.max, JSON.stringify(run));
      assert.ok(run.throughput > 0 && Math.abs(run.samplesPerSecond - run.throughput * run.batch) <= 1e-5 * run.samplesPerSecond, "6 significant digits");
      assert.deepEqual(run.shapes.image, [run.batch, 3, 64, 64]);
      assert.equal(run.warmup.mode, 'fixed');
      assert.equal(run.warmup.iterations, 2);
      assert.equal(run.quantilesMs.length, 101);
      assert.equal(run.histogram.counts.reduce((a, b) => a + b, 0), 5);
      assert.equal(run.withinBudget, true);
      assert.ok(run.costPer1k! > 0);
    }
    assert.ok(r.coldStartMs > 0 && r.firstRunMs > 0);
    assert.ok(r.peakRssBytes >= r.memory.rssAfterSessionBytes, 'peak ≥ RSS after session');
    assert.equal(r.memory.weightBytes, 5908);
    assert.ok(r.ops.some((o) => o.op === 'Conv' && o.provider === 'CPUExecutionProvider'));
    assert.ok(Math.abs(r.ops.reduce((s, o) => s + o.share, 0) - 1) < 1e-3, JSON.stringify(r.ops));
    assert.equal(r.opProfile!.runs, 2);
    assert.deepEqual(r.fallbackNodes, []);
    assert.equal(r.budget!.largestBatchWithinBudget, 2);
    // Batching advice depends on measured throughput (batch 2 is usually faster per sample; on a loaded machine maybe not).
    if (r.advice.dynamicBatching) assert.equal(r.advice.dynamicBatching.maxBatchSize, 2);
    else assert.match(r.advice.reason ?? '', /throughput does not grow/);
    assert.ok(r.environment.cpuModel.length > 0 && r.environment.logicalCores >= 1);
    assert.match(r.model.sha256, /^[0-9a-f]{64}$/);
    assert.ok(r.notes.some((n) => /'batch' of 'image'/.test(n)));
    assert.deepEqual([...new Set(phases)], ['session', 'warmup', 'measure', 'batch-done', 'ops', 'done']);
    assert.equal(r.baseline, null);
  });

  it('warm-up by the stability rule reports windows; a duration replaces the iteration count', async () => {
    const r = await profileModel(EXAMPLE, { ...TS_WORKER, batches: [1], durationS: 0.2, opProfileRuns: 0 });
    const w = r.runs[0]!.warmup;
    assert.equal(w.mode, 'stable');
    assert.ok(w.windows! >= 3 || !w.stable);
    assert.equal(w.windowMeansMs!.length, w.windows);
    assert.ok(r.runs[0]!.iterations > 5, 'ran for 0.2 s');
    assert.equal(r.settings.iterations, null);
    assert.equal(r.opProfile, null);
  });

  it('feeds every ORT dtype (bool, string, float16, int8, uint8, int64, …) with dynamic dims', async () => {
    const r = await profileModel(path.join(dir, 'types.onnx'), { ...QUICK, batches: [1, 3], dims: { seq: 4 } });
    assert.deepEqual(r.runs.map((x) => x.batch), [1, 3]);
    for (const [n] of ALL_TYPES) assert.deepEqual(r.runs[1]!.shapes[n], [3, 4, 1], n);
    assert.ok(r.notes.some((n) => /dim 2 \(unnamed\) of 'f32' = 1/.test(n)), r.notes.join('\n'));
  });

  it('skips the batch sweep when the batch dim is given by --shape', async () => {
    const r = await profileModel(EXAMPLE, { ...QUICK, shapes: { image: [3, 3, 64, 64] } });
    assert.deepEqual(r.runs.map((x) => x.batch), [3]);
    assert.match(r.sweep.skipped ?? '', /no input has a dynamic batch dim/);
    assert.equal(r.advice.dynamicBatching, null);
  });

  it('saves a baseline and compares the next run with it', async () => {
    const baselineDir = path.join(dir, '.mlpreflight', 'profiles');
    const first = await profileModel(EXAMPLE, { ...QUICK, batches: [1], opProfileRuns: 0, baselineDir });
    assert.equal(first.baseline, null);
    const files = await readdir(baselineDir);
    assert.equal(files.length, 1);
    const second = await profileModel(EXAMPLE, { ...QUICK, batches: [1], opProfileRuns: 0, baselineDir });
    assert.ok(second.baseline);
    assert.equal(second.baseline.baselineCreatedAt, first.createdAt);
    assert.ok(second.baseline.deltas.some((d) => d.metric === 'p50' && d.batch === 1));
  });

  it('a model that fails at run time gives a typed run-failed error naming the model', async () => {
    await rejectsWith(profileModel(path.join(dir, 'reshape.onnx'), { ...QUICK, batches: [1] }), 'run-failed', /reshape\.onnx: running the model at batch 1 failed: .*(shape|Reshape)/i);
  });

  it('an unavailable execution provider fails cleanly with the reason (WebGPU without an adapter here)', async function () {
    try {
      const r = await profileModel(EXAMPLE, { ...QUICK, ep: 'webgpu', batches: [1] });
      // A machine with a GPU and a Vulkan driver: then it must have run on WebGPU.
      assert.equal(r.ep, 'webgpu');
      assert.ok(r.runs[0]!.p50 > 0);
    } catch (ex) {
      assert.ok(ex instanceof WorkerError, String(ex));
      assert.equal(ex.kind, 'ep-unavailable');
      assert.match(ex.message, /^webgpu not available: /);
    }
    await rejectsWith(profileModel(EXAMPLE, { ...QUICK, ep: 'coreml' }), 'ep-unavailable', /coreml not available: .*does not include the coreml/);
  });

  it('a worker killed mid-run gives a typed crashed error', async () => {
    let killed = false;
    const p = profileModel(path.join(dir, 'matmul.onnx'), {
      ...TS_WORKER, batches: [64], durationS: 30, warmup: 1, opProfileRuns: 0,
      onProgress: (pr) => {
        if (pr.phase === 'measure' && !killed) {
          killed = true;
          process.kill(pr.pid, 'SIGKILL');
        }
      },
    });
    await rejectsWith(p, 'crashed', /killed by SIGKILL/);
    assert.ok(killed);
  });

  it('a run past the timeout is stopped with a typed timeout error', async () => {
    const t0 = Date.now();
    await rejectsWith(profileModel(path.join(dir, 'matmul.onnx'), { ...TS_WORKER, batches: [64], durationS: 30, warmup: 1, timeoutMs: 2500 }), 'timeout', /2\.5 s/);
    assert.ok(Date.now() - t0 < 20_000);
  });

  it('a worker over the memory ceiling is stopped with a typed memory error', async function () {
    if (process.platform !== 'linux') this.skip();
    // Node alone is well over 40 MiB resident: the first poll trips the ceiling.
    await rejectsWith(profileModel(path.join(dir, 'matmul.onnx'), { ...TS_WORKER, batches: [64], durationS: 30, warmup: 1, maxRssBytes: 40 * 1024 ** 2 }), 'memory', /over the 40 MiB ceiling/);
  });

  it('cancellation through an AbortSignal gives a typed aborted error', async () => {
    const controller = new AbortController();
    const p = profileModel(path.join(dir, 'matmul.onnx'), {
      ...TS_WORKER, batches: [64], durationS: 30, warmup: 1, signal: controller.signal,
      onProgress: (pr) => {
        if (pr.phase === 'measure') controller.abort();
      },
    });
    await rejectsWith(p, 'aborted');
  });
});
