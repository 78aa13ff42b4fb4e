/**
 * A real model shipped inside an npm package (Silero VAD in @ricky0123/vad-web), checked against two
 * independent oracles: ONNX Runtime's own session metadata, and a full protobufjs decode (onnx-proto).
 */
import * as assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { onnx } from 'onnx-proto';
import { inspectModel } from '../../src/core/onnx/inspect';
import type { Dim, ModelInspection } from '../../src/shared/modelInspection';

type OrtValueMetadata = { name: string; isTensor: boolean; type?: string; shape?: Array<number | string> };
type OrtSession = { inputNames: readonly string[]; outputNames: readonly string[]; inputMetadata: readonly OrtValueMetadata[]; outputMetadata: readonly OrtValueMetadata[]; release(): Promise<void> };

/** Facts read by hand (ORT session metadata printed once, and the file header: `pytorch` / `1.12.0`, `spox`). */
const MODELS = [
  {
    file: 'silero_vad_legacy.onnx',
    producer: { name: 'pytorch', version: '1.12.0' },
    opset: 16,
    inputs: ['input', 'sr', 'h', 'c'],
    outputs: ['output', 'hn', 'cn'],
  },
  { file: 'silero_vad_v5.onnx', producer: { name: 'spox', version: '' }, opset: 16, inputs: ['input', 'state', 'sr'], outputs: ['output', 'stateN'] },
  { file: 'silero_vad_v6.onnx', producer: null, opset: null, inputs: ['input', 'state', 'sr'], outputs: ['output', 'stateN'] },
];

/** Everything a full protobufjs decode tells us, computed independently of src/core. */
function fullDecode(bytes: Uint8Array): { nodeCount: number; subgraphs: number; histogram: Record<string, number>; opsets: Record<string, number>; initializers: number; parameters: number } {
  const m = onnx.ModelProto.decode(bytes);
  const out = { nodeCount: 0, subgraphs: 0, histogram: {} as Record<string, number>, opsets: {} as Record<string, number>, initializers: 0, parameters: 0 };
  for (const o of m.opsetImport) out.opsets[o.domain ? o.domain : 'ai.onnx'] = Number(o.version);
  const walk = (g: onnx.IGraphProto): void => {
    for (const t of g.initializer ?? []) {
      out.initializers++;
      out.parameters += (t.dims ?? []).reduce<number>((a, d) => a * Number(d), 1);
    }
    for (const n of g.node ?? []) {
      out.nodeCount++;
      const key = n.domain && n.domain !== 'ai.onnx' ? `${n.domain}::${n.opType}` : String(n.opType);
      out.histogram[key] = (out.histogram[key] ?? 0) + 1;
      for (const a of n.attribute ?? []) {
        for (const sub of [...(a.g ? [a.g] : []), ...(a.graphs ?? [])]) {
          out.subgraphs++;
          walk(sub);
        }
      }
    }
  };
  if (m.graph) walk(m.graph);
  return out;
}

/** ORT reports unnamed dynamic dims as -1 or ''; we report '?'. */
function ortDims(shape: ReadonlyArray<number | string> | undefined): Dim[] | undefined {
  return shape?.map((d) => (d === -1 || d === '' ? '?' : d));
}

describe('real model: Silero VAD from @ricky0123/vad-web', function () {
  this.timeout(60_000);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ort = require('onnxruntime-node') as { InferenceSession: { create(path: string): Promise<OrtSession> } };

  for (const spec of MODELS) {
    describe(spec.file, () => {
      const file = require.resolve(`@ricky0123/vad-web/dist/${spec.file}`);
      let result: ModelInspection;
      before(async () => {
        result = await inspectModel(file);
      });

      it('matches the hand-checked facts', () => {
        assert.deepEqual(result.inputs.map((t) => t.name), spec.inputs);
        assert.deepEqual(result.outputs.map((t) => t.name), spec.outputs);
        if (spec.producer) assert.deepEqual(result.producer, spec.producer);
        if (spec.opset) assert.equal(result.opsets['ai.onnx'], spec.opset);
        assert.equal(result.irVersion, 8);
      });

      it('matches ONNX Runtime session metadata (names, types, shapes)', async () => {
        const session = await ort.InferenceSession.create(file);
        try {
          assert.deepEqual(result.inputs.map((t) => t.name), [...session.inputNames]);
          assert.deepEqual(result.outputs.map((t) => t.name), [...session.outputNames]);
          const pairs = [...session.inputMetadata.map((m, i) => [m, result.inputs[i]!] as const), ...session.outputMetadata.map((m, i) => [m, result.outputs[i]!] as const)];
          for (const [meta, ours] of pairs) {
            assert.equal(meta.isTensor, true);
            assert.equal(ours.dtype, meta.type, `dtype of ${meta.name}`);
            assert.deepEqual(ours.shape, ortDims(meta.shape), `shape of ${meta.name}`);
          }
        } finally {
          await session.release();
        }
      });

      it('matches a full protobufjs decode (nodes incl. subgraphs, histogram, opsets, initializers, parameters)', async () => {
        const oracle = fullDecode(await readFile(file));
        assert.equal(result.nodeCount, oracle.nodeCount);
        assert.equal(result.subgraphCount, oracle.subgraphs);
        assert.deepEqual(result.opHistogram, oracle.histogram);
        assert.deepEqual(result.opsets, oracle.opsets);
        assert.equal(result.initializerCount, oracle.initializers);
        assert.equal(result.parameterCount, oracle.parameters);
        assert.ok(oracle.nodeCount > 100 && oracle.subgraphs > 0, 'the oracle saw a real graph');
      });
    });
  }
});
