/** `emit` copies a model's external-data files with it (issue 11, class 8), and refuses locations it cannot copy safely. */
import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { emitFiles } from '../../src/core/emit/emit';
import { EmitError } from '../../src/core/emit/modelIo';
import { planFiles, writePlan } from '../../src/core/emit/plan';
import { inspectModel } from '../../src/core/onnx/inspect';
import { DT, graph, model, node, tensor, tensorInfo } from '../support/onnxBuilder';

function externalModel(file: string, location: string): void {
  writeFileSync(file, model({
    graph: graph({
      name: 'ext',
      nodes: [node('MatMul', ['x', 'w'], ['y'])],
      inputs: [tensorInfo('x', DT.FLOAT, ['batch', 4])],
      outputs: [tensorInfo('y', DT.FLOAT, ['batch', 2])],
      initializers: [tensor('w', DT.FLOAT, [4, 2], { external: { location, offset: 0, length: 32 } })],
    }),
  }));
}

describe('emit: external data travels with the model', function () {
  this.timeout(30_000);
  let tmp: string;
  before(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'mlp-emit-ext-'));
  });
  after(async () => rm(tmp, { recursive: true, force: true }));

  it('docker and triton copy weights.bin beside model.onnx; the Dockerfile copies the folder', async () => {
    const file = path.join(tmp, 'm.onnx');
    externalModel(file, 'weights.bin');
    writeFileSync(path.join(tmp, 'weights.bin'), Buffer.alloc(32, 7));
    const files = await emitFiles(await inspectModel(file), ['docker', 'triton']);
    const paths = files.map((f) => f.path);
    assert.ok(paths.includes('model/weights.bin') && paths.includes('m/1/weights.bin'), paths.join(', '));
    assert.match(files.find((f) => f.path === 'Dockerfile')!.content!, /^COPY --chown=10001:10001 model\/ \/models\/$/m);
    assert.match(files.find((f) => f.path === '.dockerignore')!.content!, /^!model\/weights\.bin$/m);
    const out = path.join(tmp, 'out');
    await writePlan(await planFiles(out, files));
    assert.deepEqual(readFileSync(path.join(out, 'm', '1', 'weights.bin')), Buffer.alloc(32, 7));
  });

  it('a missing, escaping or oddly named location is refused (exit 2 in the CLI), never emitted half', async () => {
    for (const [location, why] of [['missing.bin', /missing beside the model/], ['../outside.bin', /was refused/], ['w\neights.bin', /not a plain relative file name/]] as const) {
      const file = path.join(tmp, `bad-${why.source.length}.onnx`);
      externalModel(file, location);
      if (location.includes('\n')) writeFileSync(path.join(tmp, location), Buffer.alloc(32));
      await assert.rejects(emitFiles(await inspectModel(file), ['docker']), (ex: unknown) => EmitError.is(ex, 'unsupported-model') && why.test((ex as Error).message), location);
    }
  });
});
