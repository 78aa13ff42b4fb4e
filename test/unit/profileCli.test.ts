import * as assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { DT, graph, model, node, tensorInfo } from '../support/onnxBuilder';
import { runCliCaptured } from '../support/cli';

const ROOT = path.resolve(__dirname, '..', '..');
const RUN_OPTIONS = { workerPath: path.join(ROOT, 'src', 'worker', 'worker.ts'), execArgv: ['--require', 'tsx/cjs'] };

const cli = (args: string[], cwd = ROOT): ReturnType<typeof runCliCaptured> => runCliCaptured(args, cwd, RUN_OPTIONS);

describe('ml-preflight profile (CLI)', function () {
  this.timeout(60_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mlp-profile-cli-'));
    await writeFile(path.join(dir, 'bad.onnx'), 'this is not a model');
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('--json prints the documented fields (times in ms)', async () => {
    const r = await cli(['profile', 'examples/models/classifier.onnx', '--iterations', '50', '--batch', '1,4', '--json', '--no-baseline', '--op-runs', '3']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const j = JSON.parse(r.stdout);
    for (const key of ['ortVersion', 'ep', 'threads', 'coldStartMs', 'firstRunMs', 'runs', 'peakRssBytes', 'ops', 'fallbackNodes', 'warnings']) assert.ok(key in j, key);
    assert.equal(j.ep, 'cpu');
    assert.equal(typeof j.ortVersion, 'string');
    assert.equal(typeof j.threads, 'number');
    assert.ok(j.coldStartMs > 0 && j.firstRunMs > 0 && j.peakRssBytes > 0);
    assert.deepEqual(j.runs.map((x: { batch: number }) => x.batch), [1, 4]);
    for (const run of j.runs) {
      for (const k of ['batch', 'iterations', 'p50', 'p90', 'p95', 'p99', 'mean', 'std', 'throughput']) assert.equal(typeof run[k], 'number', k);
      assert.equal(run.iterations, 50);
    }
    assert.ok(j.ops.length > 0);
    for (const k of ['op', 'provider', 'totalMs', 'share']) assert.ok(k in j.ops[0], k);
    assert.deepEqual(j.fallbackNodes, []);
    assert.ok(Array.isArray(j.warnings));
    assert.ok(j.environment.cpuModel && j.environment.os, 'environment recorded');
    assert.equal(j.settings.graphOptimizationLevel, 'all');
  });

  it('prints a readable report with a budget verdict and Triton advice', async () => {
    const r = await cli(['profile', 'examples/models/classifier.onnx', '--iterations', '20', '--batch', '1,8', '--warmup', '3', '--budget-ms', '500', '--no-baseline', '--op-runs', '1']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Cold start \(session creation\): [\d.]+ ms/);
    assert.match(r.stdout, /Budget 500 ms \(p99\): largest batch within budget is 8/);
    // The advice follows measured throughput: batch 8 is normally faster per sample than batch 1.
    assert.match(r.stdout, /dynamic_batching \{ preferred_batch_size: \[ [\d, ]+ \] max_queue_delay_microseconds: \d+ \}|Triton dynamic batching: throughput does not grow/);
    assert.match(r.stdout, /Warm-up: 3 fixed iterations/);
  });

  it('exits 1 when no batch size meets the budget', async () => {
    const r = await cli(['profile', 'examples/models/classifier.onnx', '--iterations', '5', '--batch', '1', '--warmup', '1', '--budget-ms', '0.000001', '--no-baseline', '--op-runs', '0']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /no batch size is within budget/);
  });

  it('a bad model exits 2 with one line naming the file', async () => {
    const r = await cli(['profile', path.join(dir, 'bad.onnx'), '--json', '--no-baseline']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /^ml-preflight: profile: .*bad\.onnx: not-onnx: /);
  });

  it('an impossible --shape exits 2 with one line', async () => {
    const r = await cli(['profile', 'examples/models/classifier.onnx', '--shape', 'image=1x3x224x224', '--no-baseline']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /classifier\.onnx: bad-shape: --shape image=1x3x224x224: dim 2 is fixed to 64 in the model, not 224/);
    const syntax = await cli(['profile', 'examples/models/classifier.onnx', '--shape', 'image=1xbig', '--no-baseline']);
    assert.equal(syntax.code, 2);
    assert.match(syntax.stderr, /expected positive integers separated by 'x'/);
  });

  it('an unavailable provider exits 2 saying why', async () => {
    const r = await cli(['profile', 'examples/models/classifier.onnx', '--ep', 'coreml', '--no-baseline']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /ep-unavailable: coreml not available: /);
    const unknown = await cli(['profile', 'examples/models/classifier.onnx', '--ep', 'tpu']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown execution provider 'tpu'/);
  });

  it('usage errors exit 2', async () => {
    assert.equal((await cli(['profile'])).code, 2);
    assert.equal((await cli(['profile', 'examples/models/classifier.onnx', '--iterations', '5', '--duration', '1'])).code, 2);
    assert.equal((await cli(['profile', 'examples/models/classifier.onnx', '--dim', 'batch'])).code, 2);
    const help = await cli(['profile', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: ml-preflight profile <model\.onnx>/);
  });

  it('maps CSV columns to an input', async () => {
    const m = path.join(dir, 'tabular.onnx');
    await writeFile(m, model({ graph: graph({ nodes: [node('Identity', ['features'], ['out'])], inputs: [tensorInfo('features', DT.FLOAT, ['batch', 2])], outputs: [tensorInfo('out', DT.FLOAT, ['batch', 2])] }) }));
    const csv = path.join(dir, 'rows.csv');
    await writeFile(csv, 'age,income,country\n31,52000,DE\n45,61000,US\n');
    const r = await cli(['profile', m, '--input', `features=${csv}:age,income`, '--batch', '1,8', '--iterations', '5', '--warmup', '1', '--op-runs', '0', '--no-baseline', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.deepEqual(j.runs.map((x: { shapes: Record<string, number[]> }) => x.shapes.features), [[1, 2], [8, 2]]);
    assert.ok(j.notes.some((n: string) => /rows\.csv \(2 rows, repeated to fill the batch\)/.test(n)), j.notes.join('\n'));
    const bad = await cli(['profile', m, '--input', `features=${csv}:age`, '--no-baseline']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /bad-samples: .*rows\.csv: samples for 'features' have rows of shape \[1\], the input needs \[2\]/);
  });

  it('reads real samples from an .npy file', async () => {
    const npyFile = path.join(dir, 'x.npy');
    let header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3, 64, 64), }";
    header += ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
    const body = new Float32Array(2 * 3 * 64 * 64).fill(0.25);
    const head = Buffer.alloc(10);
    Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(head);
    head.writeUInt16LE(header.length, 8);
    await writeFile(npyFile, Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.from(body.buffer)]));
    const r = await cli(['profile', 'examples/models/classifier.onnx', '--input', npyFile, '--batch', '1,4', '--iterations', '5', '--warmup', '1', '--op-runs', '0', '--no-baseline', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.settings.inputSource, 'file');
    assert.ok(j.notes.some((n: string) => /x\.npy \(2 rows, repeated to fill the batch\)/.test(n)));
    const bad = await cli(['profile', 'examples/models/classifier.onnx', '--input', path.join(dir, 'missing.npy'), '--no-baseline']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /missing\.npy: cannot read the sample file \(not found\)/);
  });
});
