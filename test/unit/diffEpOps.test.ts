/**
 * Execution-provider op tables (src/core/onnx/epOps.ts, generated from ONNX Runtime's docs by
 * scripts/genEpOps.ts), the gaps they give for a model, the diff's classification of new gaps, `inspect --ep`,
 * and a cross-check of table facts against onnxruntime-node 1.30.0 on CPU (WebGPU has no adapter here).
 * Expected facts are read off the docs by hand (OperatorKernels.md, webgpu-operators.md), not off the tool.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { onnx } from 'onnx-proto';
import { compactRanges, parseOperatorKernels, parseRange, parseWebGpuOperators } from '../../scripts/genEpOps';
import { diffModels, type DiffOptions } from '../../src/core/diff/diffModels';
import { EP_OPS } from '../../src/core/onnx/epOps';
import { epOpGaps, kernelRanges, rangesCover } from '../../src/core/onnx/epSupport';
import { inspectModel } from '../../src/core/onnx/inspect';
import { formatInspection } from '../../src/cli/format/inspectText';
import type { ModelDiff } from '../../src/shared/modelDiff';
import { DT, graph, model, node, tensorInfo } from '../support/onnxBuilder';
import { runCliCaptured } from '../support/cli';

const ROOT = path.resolve(__dirname, '..', '..');

describe('EP op tables: parsing ONNX Runtime docs', () => {
  it('reads opset cells of both doc formats', () => {
    assert.deepEqual(parseRange('13+', 'x'), { from: 13, to: null });
    assert.deepEqual(parseRange('[6, 12]', 'x'), { from: 6, to: 12 });
    assert.deepEqual(parseRange('6-12', 'x'), { from: 6, to: 12 });
    assert.deepEqual(parseRange('9', 'x'), { from: 9, to: 9 });
    assert.throws(() => parseRange('six', 'f.md:3'), /f\.md:3: cannot read the opset version 'six'/);
  });

  it('merges adjacent ranges, keeps gaps', () => {
    assert.equal(compactRanges([{ from: 13, to: null }, { from: 7, to: 12 }]), '7+');
    assert.equal(compactRanges([{ from: 7, to: 8 }, { from: 9, to: 9 }]), '7-9');
    assert.equal(compactRanges([{ from: 1, to: 4 }, { from: 9, to: null }]), '1-4,9+');
  });

  it('parses an OperatorKernels.md CPU table: domains, continuation rows, stops at the next provider', () => {
    const doc = [
      '## Operators implemented by CPUExecutionProvider',
      '',
      '| Op Name | Parameters | OpSet Version | Types Supported |',
      '|---------|------------|---------------|-----------------|',
      '|**Operator Domain:** *ai.onnx*||||',
      '|Abs|*in* X:**T**<br> *out* Y:**T**|13+|**T** = tensor(float)|',
      '|||[6, 12]|**T** = tensor(float)|',
      '|Upsample|x|9|t|',
      '|||[7, 8]|t|',
      '| |',
      '|**Operator Domain:** *com.microsoft*||||',
      '|FusedConv|x|1+|t|',
      '<a name="cudaexecutionprovider"/>',
      '## Operators implemented by CUDAExecutionProvider',
      '|**Operator Domain:** *ai.onnx*||||',
      '|OnlyOnCuda|x|1+|t|',
    ].join('\n');
    const t = parseOperatorKernels(doc, 'k.md');
    assert.deepEqual([...t.keys()], ['ai.onnx', 'com.microsoft']);
    assert.equal(compactRanges(t.get('ai.onnx')!.get('Abs')!), '6+');
    assert.equal(compactRanges(t.get('ai.onnx')!.get('Upsample')!), '7-9');
    assert.equal(t.get('ai.onnx')!.has('OnlyOnCuda'), false);
    assert.throws(() => parseOperatorKernels('# nothing', 'k.md'), /k\.md: no 'Operators implemented by CPUExecutionProvider' section/);
  });

  it('parses a webgpu-operators.md table with several domains per op', () => {
    const doc = '| Operator | Opset | Comments |\n|:--------:|:-------------:|-----|\n| Conv | ai.onnx(1-10,11+); com.ms.internal.nhwc(11+) | conv3d not supported |\n| GridSample | ai.onnx(16-19) |  |\n';
    const t = parseWebGpuOperators(doc, 'w.md');
    assert.equal(compactRanges(t.get('ai.onnx')!.get('Conv')!), '1+');
    assert.equal(compactRanges(t.get('com.ms.internal.nhwc')!.get('Conv')!), '11+');
    assert.equal(compactRanges(t.get('ai.onnx')!.get('GridSample')!), '16-19');
    assert.throws(() => parseWebGpuOperators('| Relu | onnx 6+ |  |\n', 'w.md'), /w\.md:1: cannot read the opset cell/);
  });

  it('the committed epOps.ts is what the docs give (rerun scripts/genEpOps.ts when they change)', () => {
    const cpu = parseOperatorKernels(readFileSync(path.join(ROOT, 'scripts', 'data', 'ortCpuKernels.md'), 'utf8'), 'cpu');
    const web = parseWebGpuOperators(readFileSync(path.join(ROOT, 'node_modules', 'onnxruntime-web', 'docs', 'webgpu-operators.md'), 'utf8'), 'webgpu');
    for (const [ep, table] of [['cpu', cpu], ['webgpu', web]] as const) {
      const fromDoc: Record<string, Record<string, string>> = {};
      for (const [d, ops] of table) fromDoc[d] = Object.fromEntries([...ops].map(([op, r]) => [op, compactRanges(r)]));
      assert.deepEqual(EP_OPS[ep], fromDoc, `${ep} table`);
    }
  });

  it('facts read by hand from the docs', () => {
    // OperatorKernels.md (CPU): Conv [1,10], [11,21], 22+; Upsample [7,8], 9; Scatter [9,10]; no HardSwish row.
    assert.equal(kernelRanges('cpu', 'ai.onnx', 'Conv'), '1+');
    assert.equal(kernelRanges('cpu', 'ai.onnx', 'Upsample'), '7-9');
    assert.equal(kernelRanges('cpu', 'ai.onnx', 'Scatter'), '9-10');
    assert.equal(kernelRanges('cpu', 'ai.onnx', 'HardSwish'), undefined);
    assert.equal(kernelRanges('cpu', 'ai.onnx.ml', 'TreeEnsembleClassifier'), '1+');
    assert.equal(kernelRanges('cpu', 'com.microsoft', 'MatMulNBits'), '1+');
    // webgpu-operators.md (onnxruntime-web 1.30.0): GridSample ai.onnx(16-19); no LSTM, no TopK rows.
    assert.equal(kernelRanges('webgpu', 'ai.onnx', 'GridSample'), '16-19');
    assert.equal(kernelRanges('webgpu', 'ai.onnx', 'LSTM'), undefined);
    assert.equal(kernelRanges('webgpu', 'ai.onnx', 'TopK'), undefined);
    assert.equal(kernelRanges('webgpu', 'ai.onnx', 'Relu'), '6+');
    assert.equal(rangesCover('16-19', 20), false);
    assert.equal(rangesCover('1-4,9+', 5), false);
    assert.equal(rangesCover('1-4,9+', 30), true);
  });
});

describe('EP op gaps of a model', () => {
  const base = { opsets: { 'ai.onnx': 20, 'ai.onnx.ml': 3 } as Record<string, number> };

  it('CPU: a missing kernel, an op only covered at other opsets, a function op and Constant', () => {
    const r = epOpGaps({ ...base, opHistogram: { Conv: 3, ImageDecoder: 1, Upsample: 1, HardSwish: 2, Constant: 4, 'org.acme::MyOp': 1 } }, 'cpu')!;
    assert.equal(r.ep, 'cpu');
    assert.match(r.source, /OperatorKernels\.md/);
    assert.deepEqual(r.gaps.map((g) => [g.key, g.opset, g.kernelOpsets, g.expandsAsFunction]), [
      ['HardSwish', 20, null, true],
      ['ImageDecoder', 20, null, false],
      ['Upsample', 20, '7-9', false],
    ]);
  });

  it('WebGPU: ops outside its table, and GridSample past opset 19', () => {
    const r = epOpGaps({ ...base, opHistogram: { Conv: 1, LSTM: 1, GridSample: 1, 'com.microsoft::MatMulNBits': 1, 'com.microsoft::QAttention': 1 } }, 'webgpu')!;
    assert.deepEqual(r.gaps.map((g) => g.key), ['GridSample', 'LSTM', 'com.microsoft::QAttention']);
    assert.equal(r.gaps.find((g) => g.key === 'com.microsoft::QAttention')!.opset, 1, 'contrib ops default to version 1');
  });

  it('EPs without a table are not checked', () => {
    assert.equal(epOpGaps({ ...base, opHistogram: { ImageDecoder: 1 } }, 'cuda'), null);
  });
});

interface Spec {
  nodes: onnx.INodeProto[];
  opset?: number;
}

function build(s: Spec): Uint8Array {
  return model({
    graph: graph({ nodes: s.nodes, inputs: [tensorInfo('x', DT.FLOAT, ['batch', 8])], outputs: [tensorInfo('y', DT.FLOAT, ['batch', 8])] }),
    opsets: { '': s.opset ?? 17 },
    irVersion: 9,
  });
}

describe('model diff: ops the chosen EP lacks', () => {
  let dir: string;
  let n = 0;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'mlp-epops-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function pair(oldSpec: Spec, newSpec: Spec, options: DiffOptions = {}): Promise<ModelDiff> {
    const sub = path.join(dir, String(n++));
    await mkdir(sub, { recursive: true });
    await writeFile(path.join(sub, 'old.onnx'), build(oldSpec));
    await writeFile(path.join(sub, 'new.onnx'), build(newSpec));
    return diffModels(path.join(sub, 'old.onnx'), path.join(sub, 'new.onnx'), options);
  }

  const epChanges = (d: ModelDiff): string[] => d.changes.filter((c) => c.kind === 'op-missing-on-ep').map((c) => `${c.severity} ${c.subject}`);

  it('CPU (default): a new op whose CPU kernels stop before the model\'s opset is breaking, naming the op and opsets', async () => {
    const d = await pair({ nodes: [node('Relu', ['x'], ['y'])], opset: 20 }, { nodes: [node('Relu', ['x'], ['h']), node('Upsample', ['h'], ['y'])], opset: 20 });
    assert.deepEqual(epChanges(d), ['breaking Upsample']);
    const c = d.changes.find((x) => x.kind === 'op-missing-on-ep')!;
    assert.match(c.reason, /CPU EP has no kernel for Upsample at opset 20 \(kernels for opset 7-9\)/);
    assert.match(c.reason, /Could not find an implementation/);
    assert.equal(d.verdict, 'breaking');
  });

  it('CPU: an op absent from the transcribed table altogether is reported, but informational (profile confirms)', async () => {
    const d = await pair({ nodes: [node('Relu', ['x'], ['y'])], opset: 20 }, { nodes: [node('Relu', ['x'], ['h']), node('ImageDecoder', ['h'], ['y'])], opset: 20 });
    assert.deepEqual(epChanges(d), ['informational ImageDecoder']);
    assert.match(d.changes.find((x) => x.kind === 'op-missing-on-ep')!.reason, /not in the CPU EP's kernel table at all.*ml-preflight profile/);
  });

  it('CPU: a new function op (HardSwish) is informational, not breaking', async () => {
    const d = await pair({ nodes: [node('Relu', ['x'], ['y'])] }, { nodes: [node('HardSwish', ['x'], ['y'])] });
    assert.deepEqual(epChanges(d), ['informational HardSwish']);
    assert.match(d.changes.find((x) => x.kind === 'op-missing-on-ep')!.reason, /function/);
  });

  it('WebGPU: a new op without a WebGPU kernel is informational, with the CPU fallback in the reason', async () => {
    const d = await pair({ nodes: [node('Relu', ['x'], ['y'])] }, { nodes: [node('Sign', ['x'], ['y'])] }, { ep: 'webgpu' });
    assert.deepEqual(epChanges(d), ['informational Sign']);
    assert.match(d.changes.find((x) => x.kind === 'op-missing-on-ep')!.reason, /WebGPU EP has no kernel for Sign at opset 17; ONNX Runtime falls back to the CPU EP/);
    assert.notEqual(d.verdict, 'breaking');
  });

  it('WebGPU: an op the old model used at a covered opset and the new at an uncovered one is reported', async () => {
    const gs = (): onnx.INodeProto => node('GridSample', ['x', 'x'], ['y']);
    const d = await pair({ nodes: [gs()], opset: 19 }, { nodes: [gs()], opset: 20 }, { ep: 'webgpu' });
    const c = d.changes.find((x) => x.kind === 'op-missing-on-ep')!;
    assert.equal(c.subject, 'GridSample');
    assert.equal(c.severity, 'informational');
    assert.equal(c.before, 'opset 19');
    assert.equal(c.after, 'opset 20');
    assert.match(c.reason, /kernels for opset 16-19/);
  });

  it('a gap the old model already had is not reported again; no gaps on CPU for common ops', async () => {
    const d = await pair({ nodes: [node('Sign', ['x'], ['y'])] }, { nodes: [node('Sign', ['x'], ['h']), node('Relu', ['h'], ['y'])] }, { ep: 'webgpu' });
    assert.deepEqual(epChanges(d), []);
    const cpu = await pair({ nodes: [node('Relu', ['x'], ['y'])] }, { nodes: [node('Sign', ['x'], ['h']), node('Tanh', ['h'], ['y'])] });
    assert.deepEqual(epChanges(cpu), []);
  });

  it('an EP without a table (cuda) is not checked', async () => {
    const d = await pair({ nodes: [node('Relu', ['x'], ['y'])], opset: 20 }, { nodes: [node('ImageDecoder', ['x'], ['y'])], opset: 20 }, { ep: 'cuda' });
    assert.deepEqual(epChanges(d), []);
  });
});

describe('inspect --ep', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'mlp-epinspect-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('lists the ops the EP lacks in the text report', async () => {
    const file = path.join(dir, 'm.onnx');
    await writeFile(file, build({ nodes: [node('Sign', ['x'], ['h']), node('Relu', ['h'], ['y'])] }));
    const m = await inspectModel(file);
    assert.equal(m.epOps, undefined, 'no EP asked for: no field');
    assert.doesNotMatch(formatInspection(m, 'm.onnx'), /execution provider/);
    m.epOps = epOpGaps(m, 'webgpu');
    const text = formatInspection(m, 'm.onnx');
    assert.match(text, /Ops the webgpu execution provider lacks: 1 \(onnxruntime-web@1\.30\.0:docs\/webgpu-operators\.md\)/);
    assert.match(text, /WebGPU EP has no kernel for Sign at opset 17; ONNX Runtime falls back to the CPU EP.*\(×1\)/);
    m.epOps = epOpGaps(m, 'cpu');
    assert.match(formatInspection(m, 'm.onnx'), /Ops the cpu execution provider lacks: none/);
    m.epOps = epOpGaps(m, 'coreml');
    assert.match(formatInspection(m, 'm.onnx'), /Execution provider: not checked/);
  });

  it('the CLI passes --ep through to the text and the JSON', async () => {
    const file = path.join(dir, 'cli.onnx');
    await writeFile(file, build({ nodes: [node('Sign', ['x'], ['h']), node('Relu', ['h'], ['y'])] }));
    const text = await runCliCaptured(['inspect', file, '--ep', 'webgpu']);
    assert.equal(text.code, 0);
    assert.match(text.stdout, /Ops the webgpu execution provider lacks: 1/);
    const json = await runCliCaptured(['inspect', file, '--ep', 'webgpu', '--json']);
    assert.deepEqual((JSON.parse(json.stdout) as { epOps: { gaps: { key: string }[] } }).epOps.gaps.map((g) => g.key), ['Sign']);
    const plain = await runCliCaptured(['inspect', file, '--json']);
    assert.equal('epOps' in (JSON.parse(plain.stdout) as object), false);
  });
});

describe('EP op tables against onnxruntime-node 1.30.0 (CPU)', function () {
  this.timeout(30_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'mlp-epruntime-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  interface OrtSession {
    release(): Promise<void>;
  }
  async function load(name: string, nodes: onnx.INodeProto[], opset: number, input: onnx.IValueInfoProto, output: onnx.IValueInfoProto): Promise<string> {
    const ort = require('onnxruntime-node') as { InferenceSession: { create(path: string): Promise<OrtSession> } };
    const file = path.join(dir, `${name}.onnx`);
    await writeFile(file, model({ graph: graph({ nodes, inputs: [input], outputs: [output] }), opsets: { '': opset }, irVersion: 9 }));
    try {
      const s = await ort.InferenceSession.create(file);
      await s.release();
      return 'loads';
    } catch (ex) {
      return String((ex as Error).message);
    }
  }

  it('an op the CPU table lacks (ImageDecoder, opset 20) fails session creation as the table predicts', async () => {
    assert.equal(epOpGaps({ opsets: { 'ai.onnx': 20 }, opHistogram: { ImageDecoder: 1 } }, 'cpu')!.gaps.length, 1);
    const r = await load('imagedecoder', [node('ImageDecoder', ['x'], ['y'])], 20, tensorInfo('x', DT.UINT8, [10]), tensorInfo('y', DT.UINT8, null));
    assert.match(r, /Could not find an implementation for ImageDecoder\(20\)/);
  });

  it('function ops the CPU table lacks (HardSwish, Mish, CastLike) load: ONNX Runtime expands them', async () => {
    for (const [op, opset, inputs] of [['HardSwish', 17, ['x']], ['Mish', 18, ['x']], ['CastLike', 19, ['x', 'x']]] as const) {
      const gap = epOpGaps({ opsets: { 'ai.onnx': opset }, opHistogram: { [op]: 1 } }, 'cpu')!.gaps[0]!;
      assert.equal(gap.expandsAsFunction, true, op);
      assert.equal(await load(op, [node(op, [...inputs], ['y'])], opset, tensorInfo('x', DT.FLOAT, [2, 3]), tensorInfo('y', DT.FLOAT, null)), 'loads', op);
    }
  });

  it('ops the WebGPU table lacks (Sign, Mod) and has (Relu) all run on CPU, which has them', async () => {
    for (const [op, inputs] of [['Sign', ['x']], ['Mod', ['x', 'x']], ['Relu', ['x']]] as const) {
      assert.ok(kernelRanges('cpu', 'ai.onnx', op), op);
      assert.equal(await load(op, [node(op, [...inputs], ['y'])], 17, tensorInfo('x', DT.FLOAT, [2, 3]), tensorInfo('y', DT.FLOAT, null)), 'loads', op);
    }
    assert.equal(kernelRanges('webgpu', 'ai.onnx', 'Sign'), undefined);
    assert.equal(kernelRanges('webgpu', 'ai.onnx', 'Mod'), undefined);
  });
});
