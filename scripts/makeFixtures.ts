/**
 * Builds the deterministic ONNX test fixtures into `test/fixtures/generated/` (gitignored).
 * Each fixture's purpose and expected facts are in `test/fixtures/manifest.json`.
 *
 *   npm run fixtures            # or: npx tsx scripts/makeFixtures.ts [outDir]
 */
import { mkdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { onnx } from 'onnx-proto';
import {
  DT,
  graph,
  mapType,
  model,
  node,
  sequenceType,
  tensor,
  tensorInfo,
  tensorType,
  valueInfo,
  type ModelSpec,
} from '../test/support/onnxBuilder';

/** Default output folder. */
export const GENERATED_DIR = path.resolve(__dirname, '..', 'test', 'fixtures', 'generated');

/** Payloads that must come out escaped in any HTML view (see the webview tests). */
export const XSS = {
  script: '<script>window.__pwned=1</script>',
  img: '<img src=x onerror="window.__pwned=2">',
  svg: '"><svg onload=window.__pwned=3>',
} as const;

const FIXED_META = { author: 'ml-preflight', license: 'MIT' };

function convGemm(): ModelSpec {
  return {
    irVersion: 8,
    opsets: { '': 17 },
    domain: 'org.mlpreflight',
    modelVersion: 3,
    docString: 'Conv + Gemm toy network for FLOP tests',
    metadata: FIXED_META,
    graph: graph({
      name: 'conv_gemm',
      inputs: [tensorInfo('image', DT.FLOAT, ['batch', 3, 8, 8])],
      outputs: [tensorInfo('logits', DT.FLOAT, ['batch', 10])],
      initializers: [
        tensor('conv_w', DT.FLOAT, [4, 3, 3, 3]),
        tensor('conv_b', DT.FLOAT, [4], { storage: 'typed' }),
        tensor('fc_w', DT.FLOAT, [10, 64]),
        tensor('fc_b', DT.FLOAT, [10], { storage: 'typed' }),
      ],
      nodes: [
        node('Conv', ['image', 'conv_w', 'conv_b'], ['c1'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }),
        node('Relu', ['c1'], ['r1']),
        node('MaxPool', ['r1'], ['p1'], { kernel_shape: [2, 2], strides: [2, 2] }),
        node('Flatten', ['p1'], ['f1'], { axis: 1 }),
        node('Gemm', ['f1', 'fc_w', 'fc_b'], ['logits'], { transB: 1 }),
      ],
    }),
  };
}

function simple(name: string, inputs: onnx.IValueInfoProto[], outputs: onnx.IValueInfoProto[], nodes: onnx.INodeProto[], extra: Partial<ModelSpec> = {}, initializers: onnx.ITensorProto[] = []): ModelSpec {
  return { graph: graph({ name, inputs, outputs, nodes, initializers }), ...extra };
}

function externalModel(location: string): ModelSpec {
  return simple(
    'external',
    [tensorInfo('x', DT.FLOAT, ['batch', 4])],
    [tensorInfo('y', DT.FLOAT, ['batch', 4])],
    [node('MatMul', ['x', 'w'], ['y'])],
    {},
    [tensor('w', DT.FLOAT, [4, 4], { external: { location, offset: 0, length: 64 } })],
  );
}

/** An If whose then-branch holds an If whose then-branch …, `depth` levels deep. */
function nestedIf(depth: number): onnx.IGraphProto {
  const leaf = graph({ name: 'leaf', nodes: [node('Identity', ['x'], ['leaf_out'])], outputs: [tensorInfo('leaf_out', DT.FLOAT, [1])] });
  let inner = graph({ name: `level${depth}`, nodes: [node('Identity', ['x'], [`o${depth}`])], outputs: [tensorInfo(`o${depth}`, DT.FLOAT, [1])] });
  for (let d = depth - 1; d >= 0; d--) {
    inner = graph({
      name: `level${d}`,
      nodes: [node('If', ['cond'], [`o${d}`], { then_branch: { g: inner }, else_branch: { g: leaf } })],
      outputs: [tensorInfo(`o${d}`, DT.FLOAT, [1])],
    });
  }
  return inner;
}

const body = (name: string, nodes: onnx.INodeProto[], out: string, initializers: onnx.ITensorProto[] = []): onnx.IGraphProto =>
  graph({ name, nodes, outputs: [tensorInfo(out, DT.FLOAT, ['batch', 4])], initializers });

/** name → model bytes (paths relative to the output folder). */
export function fixtureModels(): Map<string, Uint8Array> {
  const m = new Map<string, ModelSpec>();
  const x4 = tensorInfo('x', DT.FLOAT, ['batch', 4]);
  const y4 = tensorInfo('y', DT.FLOAT, ['batch', 4]);

  m.set('conv_gemm.onnx', convGemm());
  m.set('fixed_batch.onnx', simple('fixed', [tensorInfo('x', DT.FLOAT, [1, 3, 8, 8])], [tensorInfo('y', DT.FLOAT, [1, 3, 8, 8])], [node('Relu', ['x'], ['y'])]));
  m.set('no_shape.onnx', simple('no_shape', [tensorInfo('x', DT.FLOAT, null)], [valueInfo('y', null)], [node('Relu', ['x'], ['y'])]));
  m.set(
    'symbolic_dims.onnx',
    simple('symbolic', [tensorInfo('tokens', DT.FLOAT, ['N', 'seq', 16])], [tensorInfo('out', DT.FLOAT, ['N', 'seq', 8])], [node('MatMul', ['tokens', 'w'], ['out'])], {}, [tensor('w', DT.FLOAT, [16, 8])]),
  );
  m.set('init_as_inputs.onnx', {
    irVersion: 3,
    opsets: { '': 8 },
    graph: graph({
      name: 'legacy',
      inputs: [x4, tensorInfo('W', DT.FLOAT, [4, 2]), tensorInfo('B', DT.FLOAT, [2])],
      outputs: [tensorInfo('y', DT.FLOAT, ['batch', 2])],
      initializers: [tensor('W', DT.FLOAT, [4, 2]), tensor('B', DT.FLOAT, [2])],
      nodes: [node('Gemm', ['x', 'W', 'B'], ['y'])],
    }),
  });
  m.set('old_opset.onnx', { ...simple('old', [x4], [y4], [node('Relu', ['x'], ['y'])]), irVersion: 2, opsets: { '': 5 } });
  m.set('custom_domain.onnx', {
    ...simple('custom', [tensorInfo('x', DT.FLOAT, ['batch', 3, 8, 8])], [tensorInfo('y', DT.FLOAT, null)], [
      node('FusedConv', ['x', 'w'], ['a'], { activation: 'Relu' }, { domain: 'com.microsoft' }),
      node('Foo', ['a'], ['b'], {}, { domain: 'my.custom' }),
      node('Relu', ['b'], ['y']),
    ], {}, [tensor('w', DT.FLOAT, [4, 3, 3, 3])]),
    opsets: { '': 17, 'com.microsoft': 1, 'my.custom': 1 },
  });
  m.set('unused_init.onnx', simple('unused', [x4], [y4], [node('Mul', ['x', 'scale'], ['y'])], {}, [tensor('scale', DT.FLOAT, []), tensor('orphan', DT.FLOAT, [100])]));
  m.set('quant_dynamic.onnx', simple('dynamic', [x4], [y4], [
    node('DynamicQuantizeLinear', ['x'], ['xq', 'xs', 'xz']),
    node('MatMulInteger', ['xq', 'wq', 'xz', 'wz'], ['yi']),
    node('Cast', ['yi'], ['yf'], { to: DT.FLOAT }),
    node('Mul', ['yf', 'scale'], ['y']),
  ], {}, [tensor('wq', DT.INT8, [4, 4]), tensor('wz', DT.INT8, []), tensor('scale', DT.FLOAT, [])]));
  m.set('quant_qdq.onnx', simple('qdq', [tensorInfo('x', DT.FLOAT, ['batch', 3, 8, 8])], [tensorInfo('y', DT.FLOAT, ['batch', 4, 6, 6])], [
    node('QuantizeLinear', ['x', 's', 'z'], ['xq']),
    node('DequantizeLinear', ['xq', 's', 'z'], ['xd']),
    node('DequantizeLinear', ['wq', 'ws', 'wz'], ['wd']),
    node('Conv', ['xd', 'wd'], ['y']),
  ], {}, [tensor('s', DT.FLOAT, []), tensor('z', DT.UINT8, []), tensor('wq', DT.INT8, [4, 3, 3, 3]), tensor('ws', DT.FLOAT, []), tensor('wz', DT.INT8, [])]));
  m.set('quant_qoperator.onnx', simple('qoperator', [tensorInfo('x', DT.FLOAT, ['batch', 3, 8, 8])], [tensorInfo('y', DT.FLOAT, ['batch', 4, 6, 6])], [
    node('QuantizeLinear', ['x', 's', 'z'], ['xq']),
    node('QLinearConv', ['xq', 's', 'z', 'wq', 'ws', 'wz', 's', 'z'], ['yq']),
    node('DequantizeLinear', ['yq', 's', 'z'], ['y']),
  ], {}, [tensor('s', DT.FLOAT, []), tensor('z', DT.UINT8, []), tensor('wq', DT.INT8, [4, 3, 3, 3]), tensor('ws', DT.FLOAT, []), tensor('wz', DT.INT8, [])]));
  m.set('quant_fp16.onnx', simple('fp16', [tensorInfo('x', DT.FLOAT16, ['batch', 4])], [tensorInfo('y', DT.FLOAT16, ['batch', 4])], [node('MatMul', ['x', 'w'], ['y'])], {}, [tensor('w', DT.FLOAT16, [4, 4])]));
  m.set('quant_mixed.onnx', simple('mixed', [tensorInfo('x', DT.FLOAT16, ['batch', 64])], [tensorInfo('y', DT.FLOAT16, ['batch', 64])], [
    node('DequantizeLinear', ['wq', 'ws', 'wz'], ['wd']),
    node('MatMul', ['x', 'wd'], ['h']),
    node('MatMul', ['h', 'w2'], ['y']),
  ], {}, [tensor('wq', DT.INT8, [64, 64]), tensor('ws', DT.FLOAT16, []), tensor('wz', DT.INT8, []), tensor('w2', DT.FLOAT16, [64, 64])]));
  m.set('external_ok.onnx', simple('external', [x4], [y4], [node('MatMul', ['x', 'w1'], ['h']), node('Add', ['h', 'w2'], ['y'])], {}, [
    tensor('w1', DT.FLOAT, [4, 4], { external: { location: 'weights.bin', offset: 0, length: 64 } }),
    tensor('w2', DT.FLOAT, [4], { external: { location: 'weights.bin', offset: 64, length: 16 } }),
  ]));
  m.set('external_missing.onnx', externalModel('missing.bin'));
  m.set('escape/external_escape.onnx', externalModel('../outside.bin'));
  m.set('escape/external_absolute.onnx', externalModel('/etc/passwd'));
  m.set('escape/external_symlink.onnx', externalModel('link.bin'));

  const cond = tensorInfo('cond', DT.BOOL, []);
  m.set('subgraph_if.onnx', simple('if', [cond, x4], [y4], [
    node('If', ['cond'], ['y'], {
      then_branch: { g: body('then', [node('Relu', ['x'], ['t_out'])], 't_out') },
      else_branch: { g: body('else', [node('Sigmoid', ['x'], ['e_out'])], 'e_out') },
    }),
  ]));
  const loopBody = (name: string, extra: onnx.INodeProto[] = []): onnx.IGraphProto =>
    graph({
      name,
      inputs: [tensorInfo('iter', DT.INT64, []), tensorInfo('c_in', DT.BOOL, []), tensorInfo('v', DT.FLOAT, ['batch', 4])],
      outputs: [tensorInfo('c_out', DT.BOOL, []), tensorInfo('v_out', DT.FLOAT, ['batch', 4])],
      initializers: [tensor('one', DT.FLOAT, [])],
      nodes: [node('Identity', ['c_in'], ['c_out']), node('Add', ['v', 'one'], ['v_out']), ...extra],
    });
  m.set('subgraph_loop.onnx', simple('loop', [tensorInfo('trip', DT.INT64, []), cond, x4], [y4], [node('Loop', ['trip', 'cond', 'x'], ['y'], { body: { g: loopBody('body') } })]));
  const innerIf = node('If', ['c_in'], ['unused_if_out'], {
    then_branch: { g: body('inner_then', [node('Relu', ['v'], ['it'])], 'it') },
    else_branch: { g: body('inner_else', [node('Neg', ['v'], ['ie'])], 'ie') },
  });
  m.set('subgraph_nested.onnx', simple('nested', [tensorInfo('trip', DT.INT64, []), cond, x4], [y4], [
    node('If', ['cond'], ['y'], {
      then_branch: { g: body('then', [node('Loop', ['trip', 'cond', 'x'], ['lo'], { body: { g: loopBody('loop_body', [innerIf]) } })], 'lo') },
      else_branch: { g: body('else', [node('Identity', ['x'], ['eo'])], 'eo') },
    }),
  ]));
  m.set('sparse_init.onnx', {
    graph: graph({
      name: 'sparse',
      inputs: [x4],
      outputs: [y4],
      nodes: [node('MatMul', ['x', 'sw'], ['y'])],
      sparseInitializers: [{ values: tensor('sw', DT.FLOAT, [3]), indices: tensor('sw_idx', DT.INT64, [3], { int64s: [0, 5, 10] }), dims: [4, 4] }],
    }),
  });
  m.set('functions.onnx', {
    ...simple('fn', [x4], [y4], [node('MyRelu', ['x'], ['y'], {}, { domain: 'local.fn' })]),
    opsets: { '': 17, 'local.fn': 1 },
    functions: [{ name: 'MyRelu', domain: 'local.fn', input: ['X'], output: ['Y'], node: [node('Relu', ['X'], ['Y'])], opsetImport: [{ domain: '', version: 17 }] }],
  });
  m.set('non_tensor_io.onnx', {
    ...simple('zipmap', [tensorInfo('probs', DT.FLOAT, ['batch', 3])], [valueInfo('out', sequenceType(mapType(DT.INT64, tensorType(DT.FLOAT, null))))], [
      node('ZipMap', ['probs'], ['out'], { classlabels_int64s: [0, 1, 2] }, { domain: 'ai.onnx.ml' }),
    ]),
    opsets: { '': 17, 'ai.onnx.ml': 3 },
  });
  m.set('xss.onnx', {
    producerName: XSS.svg,
    docString: XSS.img,
    domain: XSS.script,
    modelVersion: 1,
    metadata: { [XSS.script]: XSS.img, description: XSS.svg, note: XSS.script },
    opsets: { '': 17, [XSS.script]: 1 },
    graph: graph({
      name: XSS.script,
      docString: XSS.img,
      inputs: [tensorInfo(XSS.img, DT.FLOAT, [XSS.script, 3], XSS.svg)],
      outputs: [tensorInfo(XSS.svg, DT.FLOAT, [XSS.script, 3])],
      initializers: [tensor(XSS.script, DT.FLOAT, [2])],
      nodes: [node('Relu', [XSS.img], ['mid'], {}, { name: XSS.svg }), node(XSS.img, ['mid'], [XSS.svg], {}, { domain: XSS.script })],
    }),
  });
  m.set('deep_nested.onnx', simple('deep', [cond], [tensorInfo('o0', DT.FLOAT, [1])], nestedIf(40).node ?? []));

  const out = new Map<string, Uint8Array>();
  for (const [name, spec] of m) out.set(name, model(spec));
  const convBytes = out.get('conv_gemm.onnx')!;
  out.set('truncated.onnx', convBytes.subarray(0, Math.floor(convBytes.length * 0.6)));
  out.set('empty.onnx', new Uint8Array(0));
  out.set('png_renamed.onnx', Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89]));
  out.set('text.onnx', new TextEncoder().encode('hello, this is a text file and not a model\n'));
  out.set('zip_renamed.onnx', Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0, 8, 0, ...new Array<number>(40).fill(0)]));
  // A TensorFlow SavedModel: field 1 = schema version 1, field 2 = MetaGraphDef (binary), no ONNX graph.
  const meta = Uint8Array.from([0x0a, 0x08, 0x12, 0x06, 0x73, 0x65, 0x72, 0x76, 0x65, 0x00, 0x12, 0x04, 0x0a, 0x02, 0x08, 0x01, 0x22, 0x03, 0x01, 0x02, 0x03]);
  out.set('saved_model.onnx', Uint8Array.from([0x08, 0x01, 0x12, meta.length, ...meta]));
  return out;
}

/** Writes atomically (temp file + rename) so concurrent test processes never read a half-written fixture. */
async function writeAtomic(file: string, bytes: Uint8Array): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, bytes);
  await rename(tmp, file);
}

/** Builds every fixture into `dir` (default `test/fixtures/generated/`) and returns the folder. */
export async function makeFixtures(dir = GENERATED_DIR): Promise<string> {
  for (const [name, bytes] of fixtureModels()) await writeAtomic(path.join(dir, name), bytes);
  const weights = new Uint8Array(80);
  for (let i = 0; i < weights.length; i++) weights[i] = i;
  await writeAtomic(path.join(dir, 'weights.bin'), weights);
  await writeAtomic(path.join(dir, 'outside.bin'), new TextEncoder().encode('data outside the escape/ folder: must never be opened\n'));
  const link = path.join(dir, 'escape', 'link.bin');
  const tmpLink = `${link}.${process.pid}.tmp`;
  await rm(tmpLink, { force: true });
  await symlink('../outside.bin', tmpLink);
  await rename(tmpLink, link);
  await mkdir(path.join(dir, 'dir.onnx'), { recursive: true });
  return dir;
}

if (require.main === module) {
  makeFixtures(process.argv[2] ? path.resolve(process.argv[2]) : GENERATED_DIR).then(
    (dir) => console.log(`fixtures written to ${path.relative(process.cwd(), dir) || '.'}`),
    (ex: unknown) => {
      console.error(ex);
      process.exitCode = 1;
    },
  );
}
