/**
 * The model diff's contract classification on built pairs, one per change class. Each expectation below was
 * written by hand from the two models' IO as built here (what a client of the deployed service would see),
 * before looking at the tool's output.
 */
import * as assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { onnx } from 'onnx-proto';
import { diffModels, type DiffOptions } from '../../src/core/diff/diffModels';
import { minimumOrtRelease } from '../../src/core/diff/ortReleases';
import type { ContractChange, ModelDiff } from '../../src/shared/modelDiff';
import { DT, graph, model, node, tensor, tensorInfo, type BDim, type ModelSpec } from '../support/onnxBuilder';

interface Io {
  name: string;
  dtype?: number;
  shape: BDim[] | null;
}

interface Spec {
  inputs?: Io[];
  outputs?: Io[];
  nodes?: onnx.INodeProto[];
  initializers?: onnx.ITensorProto[];
  opsets?: Record<string, number>;
  irVersion?: number;
  metadata?: Record<string, string>;
  modelVersion?: number;
}

const IMAGE: Io = { name: 'image', shape: ['batch', 3, 224, 224] };
const LOGITS: Io = { name: 'logits', shape: ['batch', 1000] };

function build(s: Spec): Uint8Array {
  const inputs = s.inputs ?? [IMAGE];
  const outputs = s.outputs ?? [LOGITS];
  const spec: ModelSpec = {
    graph: graph({
      nodes: s.nodes ?? [node('Relu', [inputs[0]?.name ?? 'x'], [outputs[0]?.name ?? 'y'])],
      inputs: inputs.map((t) => tensorInfo(t.name, t.dtype ?? DT.FLOAT, t.shape)),
      outputs: outputs.map((t) => tensorInfo(t.name, t.dtype ?? DT.FLOAT, t.shape)),
      initializers: s.initializers ?? [],
    }),
    opsets: s.opsets,
    irVersion: s.irVersion,
    metadata: s.metadata ?? { author: 'tests' },
    modelVersion: s.modelVersion ?? 1,
  };
  return model(spec);
}

/** Kind/severity/subject of each change, in output order. */
function summary(d: ModelDiff): string[] {
  return d.changes.map((c) => `${c.severity} ${c.kind} ${c.subject}${c.axis !== undefined ? `@${c.axis}` : ''}`);
}

function only(d: ModelDiff, kind: ContractChange['kind']): ContractChange {
  const found = d.changes.filter((c) => c.kind === kind);
  assert.equal(found.length, 1, `one ${kind} expected in ${JSON.stringify(summary(d))}`);
  return found[0]!;
}

describe('model diff: serving contract on built pairs', () => {
  let dir: string;
  let n = 0;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'mlp-diff-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function pair(oldSpec: Spec, newSpec: Spec, options: DiffOptions = {}, extra?: (d: string) => Promise<void>): Promise<ModelDiff> {
    const sub = path.join(dir, String(n++));
    await import('node:fs/promises').then((fs) => fs.mkdir(path.join(sub, 'old'), { recursive: true }).then(() => fs.mkdir(path.join(sub, 'new'))));
    await writeFile(path.join(sub, 'old', 'm.onnx'), build(oldSpec));
    await writeFile(path.join(sub, 'new', 'm.onnx'), build(newSpec));
    if (extra) await extra(sub);
    return diffModels(path.join(sub, 'old', 'm.onnx'), path.join(sub, 'new', 'm.onnx'), options);
  }

  it('identical models: verdict identical, no changes', async () => {
    const d = await pair({}, {});
    assert.equal(d.verdict, 'identical');
    assert.deepEqual(d.changes, []);
    assert.deepEqual(d.counts, { breaking: 0, compatible: 0, informational: 0 });
    assert.ok(d.io.every((r) => r.severity === null && r.changed.length === 0));
  });

  it('input removed and new required input added are breaking; output added is compatible, output removed breaking', async () => {
    const d = await pair(
      { inputs: [IMAGE, { name: 'mask', shape: ['batch', 224, 224] }], outputs: [LOGITS, { name: 'embedding', shape: ['batch', 512] }] },
      { inputs: [IMAGE, { name: 'scale', dtype: DT.INT64, shape: [] }], outputs: [LOGITS, { name: 'probs', shape: ['batch', 10] }] },
    );
    // mask [batch,224,224] vs scale int64 []: different dtype and shape, so not a rename; same for the outputs.
    // The scalar 'scale' has no leading batch axis, so Triton batching is lost too.
    assert.deepEqual(summary(d), ['breaking input-removed mask', 'breaking input-added scale', 'breaking output-removed embedding', 'breaking batch-dim-lost batch', 'compatible output-added probs']);
    assert.equal(d.verdict, 'breaking');
    assert.deepEqual(d.counts, { breaking: 4, compatible: 1, informational: 0 });
    assert.match(only(d, 'input-added').reason, /New required input 'scale'/);
  });

  it('same position, dtype and shape under a new name: renamed? (breaking)', async () => {
    const d = await pair({ inputs: [{ name: 'input_1', shape: ['batch', 3, 224, 224] }], outputs: [{ name: 'out', shape: ['batch', 1000] }] }, { inputs: [{ name: 'pixel_values', shape: ['batch', 3, 224, 224] }], outputs: [{ name: 'logits', shape: ['batch', 1000] }] });
    assert.deepEqual(summary(d), ['breaking input-renamed pixel_values', 'breaking output-renamed logits']);
    const r = only(d, 'input-renamed');
    assert.equal(r.before, 'input_1');
    assert.equal(r.after, 'pixel_values');
    assert.match(r.reason, /renamed\?/);
    const row = d.io.find((x) => x.role === 'input')!;
    assert.deepEqual(row.changed, ['name']);
    assert.equal(row.old?.name, 'input_1');
  });

  it('dtype change and rank change are breaking', async () => {
    const d = await pair({}, { inputs: [{ name: 'image', dtype: DT.FLOAT16, shape: ['batch', 3, 224, 224] }], outputs: [{ name: 'logits', shape: ['batch', 10, 100] }] });
    assert.deepEqual(summary(d), ['breaking dtype-changed image', 'breaking rank-changed logits']);
    assert.equal(only(d, 'dtype-changed').before, 'float32');
    assert.equal(only(d, 'dtype-changed').after, 'float16');
  });

  it('fixed→dynamic input is compatible; dynamic→fixed and a different fixed size are breaking', async () => {
    const d = await pair({ inputs: [{ name: 'image', shape: ['batch', 3, 224, 224] }] }, { inputs: [{ name: 'image', shape: [1, 3, 'height', 256] }] });
    // axis 0: batch → 1 (dynamic → fixed, breaking, and the batch axis is lost); axis 2: 224 → height (compatible);
    // axis 3: 224 → 256 (breaking).
    assert.deepEqual(summary(d), ['breaking dim-dynamic-to-fixed image@0', 'breaking dim-size-changed image@3', 'breaking batch-dim-lost batch', 'compatible dim-fixed-to-dynamic image@2']);
  });

  it('output dims: dynamic→fixed is compatible, fixed size change breaking', async () => {
    const d = await pair({ outputs: [{ name: 'logits', shape: ['batch', 'classes'] }] }, { outputs: [{ name: 'logits', shape: ['batch', 1000] }] });
    assert.deepEqual(summary(d), ['compatible dim-dynamic-to-fixed logits@1']);
    const e = await pair({}, { outputs: [{ name: 'logits', shape: ['batch', 1001] }] });
    assert.deepEqual(summary(e), ['breaking dim-size-changed logits@1']);
  });

  it('batch dim loss breaks Triton batching; gaining it is compatible', async () => {
    const d = await pair({}, { outputs: [{ name: 'logits', shape: [1, 1000] }] });
    assert.deepEqual(summary(d), ['breaking batch-dim-lost batch', 'compatible dim-dynamic-to-fixed logits@0']);
    assert.match(only(d, 'batch-dim-lost').reason, /max_batch_size > 0/);
    const g = await pair({ inputs: [{ name: 'image', shape: [1, 3, 224, 224] }], outputs: [{ name: 'logits', shape: [1, 1000] }] }, {});
    assert.deepEqual(summary(g), ['compatible dim-fixed-to-dynamic image@0', 'compatible dim-fixed-to-dynamic logits@0', 'compatible batch-dim-gained batch']);
  });

  it('a renamed dynamic dim and a moved input are informational', async () => {
    const d = await pair(
      { inputs: [{ name: 'ids', dtype: DT.INT64, shape: ['batch', 'seq'] }, { name: 'mask', dtype: DT.INT64, shape: ['batch', 'seq'] }], outputs: [{ name: 'h', shape: ['batch', 'seq', 768] }] },
      { inputs: [{ name: 'mask', dtype: DT.INT64, shape: ['batch', 'sequence'] }, { name: 'ids', dtype: DT.INT64, shape: ['batch', 'sequence'] }], outputs: [{ name: 'h', shape: ['batch', 'sequence', 768] }] },
    );
    assert.deepEqual(summary(d), [
      'informational dim-renamed ids@1',
      'informational position-changed ids',
      'informational dim-renamed mask@1',
      'informational position-changed mask',
      'informational dim-renamed h@1',
    ]);
    assert.equal(d.verdict, 'informational');
  });

  it('a shape that is no longer declared is informational', async () => {
    const d = await pair({}, { outputs: [{ name: 'logits', shape: null }] });
    // Also: with no output shape the batch analysis can no longer see a batch axis.
    assert.deepEqual(summary(d), ['breaking batch-dim-lost batch', 'informational shape-unknown logits']);
  });

  it('opset bump states the minimum ONNX Runtime release; it breaks only a service on an older runtime', async () => {
    const d = await pair({ opsets: { '': 17 } }, { opsets: { '': 21 } });
    assert.deepEqual(summary(d), ['informational opset-changed ai.onnx']);
    assert.match(only(d, 'opset-changed').reason, /needs ONNX Runtime ≥ 1\.18\.0/);
    const old = await pair({ opsets: { '': 17 } }, { opsets: { '': 21 } }, { ortVersion: '1.16.3' });
    assert.deepEqual(summary(old), ['breaking opset-changed ai.onnx']);
    const ok = await pair({ opsets: { '': 17 } }, { opsets: { '': 21 } }, { ortVersion: '1.20.1' });
    assert.deepEqual(summary(ok), ['informational opset-changed ai.onnx']);
  });

  it('the ORT release table: opset 17 → 1.12, 19 → 1.15, IR 9 → 1.15, opset 99 → none', () => {
    assert.equal(minimumOrtRelease('opset', 17), '1.12.0');
    assert.equal(minimumOrtRelease('opset', 19), '1.15.0');
    assert.equal(minimumOrtRelease('ir', 9), '1.15.0');
    assert.equal(minimumOrtRelease('opset', 99), null);
  });

  it('IR version bump', async () => {
    const d = await pair({ irVersion: 8 }, { irVersion: 10 }, { ortVersion: '1.17.0' });
    assert.deepEqual(summary(d), ['breaking ir-version-changed ir_version']);
    assert.match(d.changes[0]!.reason, /needs ONNX Runtime ≥ 1\.18\.0; the service runs 1\.17\.0/);
  });

  it('ops added and removed are informational; a custom domain is breaking, ONNX Runtime contrib ops informational', async () => {
    const d = await pair(
      { nodes: [node('Relu', ['image'], ['logits'])] },
      {
        nodes: [node('Gelu', ['image'], ['t'], {}, { domain: 'com.microsoft' }), node('MyOp', ['t'], ['logits'], {}, { domain: 'org.acme' })],
        opsets: { '': 17, 'com.microsoft': 1, 'org.acme': 1 },
      },
    );
    assert.deepEqual(summary(d), [
      'breaking custom-domain-added org.acme',
      'informational opset-domain-added com.microsoft',
      'informational opset-domain-added org.acme',
      'informational custom-domain-added com.microsoft',
      'informational op-added com.microsoft::Gelu',
      'informational op-added org.acme::MyOp',
      'informational op-removed Relu',
    ]);
  });

  it('weights moved to external data: informational; a missing external file is breaking', async () => {
    const w = tensor('w', DT.FLOAT, [4], { external: { location: 'weights.bin', offset: 0, length: 16 } });
    const inline = tensor('w', DT.FLOAT, [4]);
    const d = await pair({ initializers: [inline] }, { initializers: [w] }, {}, (sub) => writeFile(path.join(sub, 'new', 'weights.bin'), Buffer.alloc(16)));
    assert.deepEqual(summary(d), ['informational external-data-changed weights.bin']);
    const missing = await pair({ initializers: [inline] }, { initializers: [w] });
    assert.deepEqual(summary(missing), ['breaking external-data-missing weights.bin']);
  });

  it('metadata: preprocessing keys are flagged, version bumps are seen', async () => {
    const d = await pair(
      { metadata: { 'preprocessing.mean': '[0.485,0.456,0.406]', color_order: 'RGB', author: 'a' }, modelVersion: 1 },
      { metadata: { 'preprocessing.mean': '[0.5,0.5,0.5]', color_order: 'BGR', author: 'b', license: 'MIT' }, modelVersion: 2 },
    );
    assert.equal(d.verdict, 'informational');
    const byKey = Object.fromEntries(d.model.metadata.map((m) => [m.key, m]));
    assert.equal(byKey['preprocessing.mean']!.preprocessing, true);
    assert.equal(byKey['color_order']!.preprocessing, true);
    assert.equal(byKey['author']!.preprocessing, false);
    assert.equal(byKey['license']!.change, 'added');
    assert.equal(d.old.version, '1');
    assert.equal(d.new.version, '2');
    assert.deepEqual(d.model.metadata.slice(0, 2).map((m) => m.preprocessing), [true, true], 'preprocessing keys first');
  });
});
