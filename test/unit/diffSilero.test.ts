/**
 * A real model pair shipped in an npm package: Silero VAD "legacy" (PyTorch 1.12 export) and v5 (spox), both in
 * @ricky0123/vad-web. The expected classification was written by hand from the two models' IO as ONNX Runtime
 * reports it (session inputNames/outputNames and metadata, checked below first, so the labels rest on an
 * independent read and not on ML Preflight's parser):
 *
 *   legacy inputs  input float32 [batch, sequence], sr int64 [], h float32 [2, batch, 64], c float32 [2, batch, 64]
 *   legacy outputs output float32 [batch, 1], hn float32 [2, batch, 64], cn float32 [2, batch, 64]
 *   v5 inputs      input float32 [?, ?], state float32 [2, ?, 128], sr int64 []
 *   v5 outputs     output float32 [?, 1], stateN float32 [?, ?, ?]
 *
 * A client of a legacy service sends input, sr, h, c and reads output, hn, cn. Against v5:
 * - h and c are gone: breaking (ORT refuses unknown input names). state is new and required: breaking.
 *   Not a rename: state [2, ?, 128] matches neither h nor c ([2, batch, 64]) in shape.
 * - hn and cn are gone: breaking. stateN is new: compatible.
 * - input and output keep name, dtype and rank; their named dims became unnamed: informational.
 * - sr moved from position 1 to 2: informational (bound by name).
 * - Neither model has a batch axis shared by every tensor (sr is a scalar), so no batch change.
 * - Both ai.onnx opset 16, IR 8. legacy imports eight more domains it never uses (ai.onnx.ml 3, …): removed, informational.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { onnx } from 'onnx-proto';
import { diffModels } from '../../src/core/diff/diffModels';
import type { ModelDiff } from '../../src/shared/modelDiff';

type OrtMeta = { name: string; isTensor: boolean; type?: string; shape?: Array<number | string> };
type OrtSession = { inputNames: readonly string[]; outputNames: readonly string[]; inputMetadata: readonly OrtMeta[]; outputMetadata: readonly OrtMeta[]; release(): Promise<void> };

const HAND = {
  legacy: {
    inputs: [['input', 'float32', ['batch', 'sequence']], ['sr', 'int64', []], ['h', 'float32', [2, 'batch', 64]], ['c', 'float32', [2, 'batch', 64]]],
    outputs: [['output', 'float32', ['batch', 1]], ['hn', 'float32', [2, 'batch', 64]], ['cn', 'float32', [2, 'batch', 64]]],
  },
  v5: {
    inputs: [['input', 'float32', ['?', '?']], ['state', 'float32', [2, '?', 128]], ['sr', 'int64', []]],
    outputs: [['output', 'float32', ['?', 1]], ['stateN', 'float32', ['?', '?', '?']]],
  },
};

/** legacy → v5, by hand (see the header). Order: breaking, compatible, informational; IO in the models' order. */
const EXPECTED_LEGACY_TO_V5 = {
  breaking: ['input-removed h', 'input-removed c', 'input-added state', 'output-removed hn', 'output-removed cn'],
  compatible: ['output-added stateN'],
  informational: [
    'dim-renamed input@0',
    'dim-renamed input@1',
    'position-changed sr',
    'dim-renamed output@0',
    // Domains imported by legacy only.
    ...['ai.onnx.ml', 'ai.onnx.training', 'com.ms.internal.nhwc', 'ai.onnx.preview.training', 'com.microsoft', 'com.microsoft.experimental', 'com.microsoft.nchwc', 'org.pytorch.aten'].map((d) => `opset-domain-removed ${d}`),
  ],
};

function ortDims(shape: ReadonlyArray<number | string> | undefined): Array<number | string> | undefined {
  return shape?.map((d) => (d === -1 || d === '' ? '?' : d));
}

function bySeverity(d: ModelDiff, severity: string, withOps = false): string[] {
  return d.changes.filter((c) => c.severity === severity && (withOps || (c.kind !== 'op-added' && c.kind !== 'op-removed'))).map((c) => `${c.kind} ${c.subject}${c.axis !== undefined ? `@${c.axis}` : ''}`);
}

describe('model diff: real pair Silero VAD legacy → v5 (@ricky0123/vad-web)', function () {
  this.timeout(60_000);
  const legacy = require.resolve('@ricky0123/vad-web/dist/silero_vad_legacy.onnx');
  const v5 = require.resolve('@ricky0123/vad-web/dist/silero_vad_v5.onnx');

  it('the hand-written IO matches ONNX Runtime session metadata (the independent read)', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ort = require('onnxruntime-node') as { InferenceSession: { create(path: string): Promise<OrtSession> } };
    for (const [file, hand] of [[legacy, HAND.legacy], [v5, HAND.v5]] as const) {
      const s = await ort.InferenceSession.create(file);
      try {
        assert.deepEqual([...s.inputNames], hand.inputs.map((x) => x[0]));
        assert.deepEqual([...s.outputNames], hand.outputs.map((x) => x[0]));
        const metas = [...s.inputMetadata, ...s.outputMetadata];
        const hands = [...hand.inputs, ...hand.outputs];
        metas.forEach((m, i) => {
          assert.equal(m.type, hands[i]![1], `dtype of ${m.name}`);
          assert.deepEqual(ortDims(m.shape), hands[i]![2], `shape of ${m.name}`);
        });
      } finally {
        await s.release();
      }
    }
  });

  it('classifies legacy → v5 as written by hand', async () => {
    const d = await diffModels(legacy, v5);
    assert.equal(d.verdict, 'breaking');
    assert.deepEqual(bySeverity(d, 'breaking'), EXPECTED_LEGACY_TO_V5.breaking);
    assert.deepEqual(bySeverity(d, 'compatible'), EXPECTED_LEGACY_TO_V5.compatible);
    assert.deepEqual(bySeverity(d, 'informational').sort(), [...EXPECTED_LEGACY_TO_V5.informational].sort());
    // Ops, from a full onnx-proto decode of both graphs (subgraphs included): v5 adds Constant, Not, Size and
    // drops Log, Mul, Neg.
    assert.deepEqual(d.changes.filter((c) => c.kind === 'op-added').map((c) => c.subject), ['Constant', 'Not', 'Size']);
    assert.deepEqual(d.changes.filter((c) => c.kind === 'op-removed').map((c) => c.subject), ['Log', 'Mul', 'Neg']);
    assert.ok(d.changes.every((c) => c.severity !== 'breaking' || !c.kind.startsWith('op')), 'no op change is breaking on the CPU EP');
  });

  it('classifies v5 → legacy (the rollback) as written by hand', async () => {
    const d = await diffModels(v5, legacy);
    // Rolling back: state gone, h and c new and required; stateN gone; hn, cn new.
    assert.deepEqual(bySeverity(d, 'breaking'), ['input-removed state', 'input-added h', 'input-added c', 'output-removed stateN']);
    assert.deepEqual(bySeverity(d, 'compatible'), ['output-added hn', 'output-added cn']);
    const info = bySeverity(d, 'informational');
    assert.ok(info.includes('position-changed sr'));
    assert.ok(info.includes('opset-domain-added ai.onnx.ml'));
  });

  it('v5 → v6: same contract, retrained weights found by the streamed comparison (checked against a full decode)', async () => {
    const v6 = require.resolve('@ricky0123/vad-web/dist/silero_vad_v6.onnx');
    const d = await diffModels(v5, v6, { initializers: true });
    assert.deepEqual(d.changes, [], 'v5 and v6 have the same IO, opsets and ops');
    assert.equal(d.verdict, 'informational');
    // Oracle: decode both files with onnx-proto and compare every Constant node's value bytes by output name.
    const oracle = constantsOf(v5, v6);
    const init = d.initializers!;
    assert.equal(init.count.before, oracle.total);
    assert.equal(init.changed, oracle.changed.length);
    assert.equal(init.unchanged, oracle.total - oracle.changed.length);
    assert.deepEqual(init.tensors.filter((t) => t.change === 'changed').map((t) => t.name.replace(/^Constant:/, '')).sort(), [...oracle.changed].sort());
    const biggest = init.tensors[0]!;
    assert.equal(biggest.maxAbsDiff, oracle.maxAbs.get(biggest.name.replace(/^Constant:/, '')));
    assert.ok(oracle.changed.length > 0 && oracle.changed.length < oracle.total);
  });

  it('legacy → legacy with the initializer comparison: identical, every tensor read', async () => {
    const same = await diffModels(legacy, legacy, { initializers: true });
    assert.equal(same.verdict, 'identical');
    assert.equal(same.initializers!.unchanged, same.initializers!.count.before);
    assert.ok(same.initializers!.count.before! > 200);
    assert.ok(same.initializers!.bytesRead > 1_000_000);
  });
});

/** Constant-node values of two models, compared with a full protobufjs decode (independent of src/core). */
function constantsOf(a: string, b: string): { total: number; changed: string[]; maxAbs: Map<string, number> } {
  const read = (file: string): Map<string, onnx.ITensorProto> => {
    const m = onnx.ModelProto.decode(readFileSync(file));
    const out = new Map<string, onnx.ITensorProto>();
    const walk = (g: onnx.IGraphProto): void => {
      for (const n of g.node ?? []) {
        const v = n.opType === 'Constant' ? n.attribute?.find((x) => x.name === 'value')?.t : undefined;
        if (v && n.output?.[0]) out.set(n.output[0], v);
        for (const at of n.attribute ?? []) for (const sub of [...(at.g ? [at.g] : []), ...(at.graphs ?? [])]) walk(sub);
      }
    };
    walk(m.graph!);
    return out;
  };
  const x = read(a);
  const y = read(b);
  const changed: string[] = [];
  const maxAbs = new Map<string, number>();
  for (const [name, t] of x) {
    const u = y.get(name)!;
    const bx = Buffer.from(t.rawData ?? []);
    const by = Buffer.from(u.rawData ?? []);
    if (bx.equals(by)) continue;
    changed.push(name);
    if (t.dataType === 1) {
      let m = 0;
      for (let i = 0; i < bx.length; i += 4) m = Math.max(m, Math.abs(by.readFloatLE(i) - bx.readFloatLE(i)));
      maxAbs.set(name, m);
    }
  }
  return { total: x.size, changed, maxAbs };
}
