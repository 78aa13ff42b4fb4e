/**
 * Inspection accuracy fixed with the model diff (issue 14, item 7): ONNX Runtime's dynamic int8 quantization is
 * `dynamic` (not `mixed`) even with weight-only dequantized embeddings; quantized kernels count FLOPs; dynamic
 * sequence dims are stated at a sequence length; dim assumptions are summarized. The models follow the node
 * pattern `onnxruntime.quantization.quantize_dynamic` writes (DynamicQuantizeLinear → MatMulInteger → Cast →
 * Mul by the scales, and DequantizeLinear → Gather for an int8 embedding table); MACs are computed by hand.
 */
import * as assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { inspectModel } from '../../src/core/onnx/inspect';
import { summarizeAssumption } from '../../src/shared/dimAssumptions';
import { runCliCaptured } from '../support/cli';
import { DT, graph, model, node, tensor, tensorInfo } from '../support/onnxBuilder';

/** ids int64 [batch, sequence] → Gather(DequantizeLinear(E int8 [1000, 64])) → x [batch, sequence, 64] → MatMulInteger with W int8 [64, 32]. */
function dynamicQuantized(opts: { staticQ?: boolean; metadata?: Record<string, string> } = {}): Uint8Array {
  const nodes = [
    node('DequantizeLinear', ['E_q', 'E_scale', 'E_zp'], ['E']),
    node('Gather', ['E', 'ids'], ['x']),
    node('DynamicQuantizeLinear', ['x'], ['x_q', 'x_scale', 'x_zp']),
    node('MatMulInteger', ['x_q', 'W_q', 'x_zp', 'W_zp'], ['mm_i32']),
    node('Cast', ['mm_i32'], ['mm_f'], { to: DT.FLOAT }),
    node('Mul', ['x_scale', 'W_scale'], ['s']),
    node('Mul', ['mm_f', 's'], ['y']),
  ];
  if (opts.staticQ) nodes.push(node('QuantizeLinear', ['y', 'W_scale', 'W_zp'], ['y_q']));
  return model({
    graph: graph({
      nodes,
      inputs: [tensorInfo('ids', DT.INT64, ['batch', 'sequence'])],
      outputs: [tensorInfo(opts.staticQ ? 'y_q' : 'y', opts.staticQ ? DT.UINT8 : DT.FLOAT, ['batch', 'sequence', 32])],
      initializers: [tensor('E_q', DT.INT8, [1000, 64]), tensor('E_scale', DT.FLOAT, []), tensor('E_zp', DT.INT8, []), tensor('W_q', DT.INT8, [64, 32]), tensor('W_scale', DT.FLOAT, []), tensor('W_zp', DT.INT8, [])],
    }),
    opsets: { '': 17 },
    metadata: opts.metadata,
  });
}

describe('inspection accuracy: dynamic quantization, quantized FLOPs, sequence length', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'mlp-acc-'));
    await writeFile(path.join(dir, 'dyn.onnx'), dynamicQuantized());
    await writeFile(path.join(dir, 'dyn_static.onnx'), dynamicQuantized({ staticQ: true }));
    await writeFile(path.join(dir, 'dyn_meta.onnx'), dynamicQuantized({ metadata: { max_seq_length: '256' } }));
    await writeFile(
      path.join(dir, 'qlinear.onnx'),
      model({
        graph: graph({
          nodes: [
            node('QuantizeLinear', ['x', 's', 'zp'], ['xq']),
            node('QLinearConv', ['xq', 's', 'zp', 'w', 's', 'zp', 's', 'zp'], ['yq'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }),
            node('ConvInteger', ['yq', 'w2', 'zp', 'zp'], ['z'], { kernel_shape: [1, 1] }),
            node('Cast', ['z'], ['zf'], { to: DT.FLOAT }),
            node('Flatten', ['zf'], ['f']),
            node('QuantizeLinear', ['f', 's', 'zp'], ['fq']),
            node('QLinearMatMul', ['fq', 's', 'zp', 'fc', 's', 'zp', 's', 'zp'], ['out']),
          ],
          inputs: [tensorInfo('x', DT.FLOAT, [1, 3, 8, 8])],
          outputs: [tensorInfo('out', DT.UINT8, [1, 10])],
          initializers: [tensor('s', DT.FLOAT, []), tensor('zp', DT.UINT8, []), tensor('w', DT.UINT8, [4, 3, 3, 3]), tensor('w2', DT.UINT8, [2, 4, 1, 1]), tensor('fc', DT.UINT8, [128, 10])],
        }),
      }),
    );
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('ORT dynamic int8 with a weight-only dequantized embedding is dynamic, not mixed', async () => {
    const r = await inspectModel(path.join(dir, 'dyn.onnx'));
    assert.equal(r.quantization.kind, 'dynamic');
    assert.deepEqual(r.quantization.signals, ['dynamic']);
    assert.match(r.quantization.detail ?? '', /1 weight-only DequantizeLinear on constant int8 weights \(1 feeding Gather: dequantized embeddings\)/);
  });

  it('with a QuantizeLinear on activations it is still mixed (dynamic + qdq)', async () => {
    const r = await inspectModel(path.join(dir, 'dyn_static.onnx'));
    assert.equal(r.quantization.kind, 'mixed');
    assert.deepEqual(r.quantization.signals, ['dynamic', 'qdq']);
    assert.equal(r.quantization.detail, undefined);
  });

  it('counts MatMulInteger FLOPs at the default sequence length 128, stated', async () => {
    const r = await inspectModel(path.join(dir, 'dyn.onnx'));
    // x [1, 128, 64] × W [64, 32]: 1·128·64·32 MACs.
    assert.equal(r.flopsEstimate.macs, 128 * 64 * 32);
    assert.equal(r.flops, 2 * 128 * 64 * 32);
    assert.deepEqual(r.flopsEstimate.sequence, { dims: ['sequence'], length: 128, source: 'default' });
    assert.deepEqual(r.flopsEstimate.assumption, { batch: 1, sequence: 128 });
  });

  it('takes the sequence length from the metadata, or from --dim', async () => {
    const m = await inspectModel(path.join(dir, 'dyn_meta.onnx'));
    assert.equal(m.flopsEstimate.macs, 256 * 64 * 32);
    assert.equal(m.flopsEstimate.sequence?.source, "metadata 'max_seq_length'");
    const d = await inspectModel(path.join(dir, 'dyn_meta.onnx'), { dims: { sequence: 16, batch: 4 } });
    assert.equal(d.flopsEstimate.macs, 4 * 16 * 64 * 32);
    assert.equal(d.flopsEstimate.sequence, undefined);
    const cli = await runCliCaptured(['inspect', 'dyn.onnx'], dir);
    assert.match(cli.stdout, /FLOPs +524 KFLOPs per inference at sequence length 128 \(default; --dim sequence=N to change\) assuming batch=1 and sequence=128/);
    const cli16 = await runCliCaptured(['inspect', 'dyn.onnx', '--dim', 'sequence=16'], dir);
    assert.match(cli16.stdout, /FLOPs +65\.5 KFLOPs per inference assuming batch=1 and sequence=16/);
    assert.equal((await runCliCaptured(['inspect', 'dyn.onnx', '--dim', 'sequence=0'], dir)).code, 2);
  });

  it('counts QLinearConv, ConvInteger and QLinearMatMul as Conv/Conv/MatMul', async () => {
    const r = await inspectModel(path.join(dir, 'qlinear.onnx'));
    // QLinearConv: Y [1,4,8,8], W [4,3,3,3] → 256 × 27 = 6912. ConvInteger 1×1: Z [1,2,8,8], W [2,4,1,1] → 128 × 4 = 512.
    // Flatten → [1,128]; QLinearMatMul with [128,10] → 1280.
    assert.equal(r.flopsEstimate.nodesTotal, 3);
    assert.equal(r.flopsEstimate.nodesCounted, 3);
    assert.equal(r.flopsEstimate.macs, 6912 + 512 + 1280);
  });

  it('summarizes generated dims instead of listing them', () => {
    const a: Record<string, number> = { batch: 1, sequence: 128 };
    for (let i = 0; i < 76; i++) a[`unk__${i}`] = 1;
    assert.equal(summarizeAssumption(a), 'batch=1, sequence=128 and 76 generated dims (unk__0, unk__1, …)=1');
    assert.equal(summarizeAssumption({ batch: 1 }), 'batch=1');
    assert.equal(summarizeAssumption({}), '');
  });
});
