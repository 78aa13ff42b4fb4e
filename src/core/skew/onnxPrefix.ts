/**
 * In-model preprocessing of an ONNX graph: the arithmetic and layout ops between the first input and the first
 * compute op (Conv, MatMul, Gemm, …). `Sub`/`Div`/`Mul`/`Add` there normalise, `Cast` converts the dtype,
 * `Transpose` changes the layout and `Resize` resizes: a step done there counts as done at serving.
 */
import { open } from 'node:fs/promises';
import { parseModel } from '../onnx/parseModel';
import { ProtoReader } from '../onnx/protoReader';
import { sniffModel } from '../onnx/sniff';

const COMPUTE = new Set(['Conv', 'ConvInteger', 'QLinearConv', 'MatMul', 'MatMulInteger', 'QLinearMatMul', 'Gemm', 'ConvTranspose', 'LSTM', 'GRU', 'RNN', 'Gather', 'Attention', 'STFT', 'DFT']);
const STEP: Record<string, string[]> = {
  Sub: ['image.mean'],
  Add: ['image.mean'],
  Div: ['image.std', 'image.scale'],
  Mul: ['image.std', 'image.scale'],
  Cast: ['image.dtype'],
  Transpose: ['image.layout'],
  Resize: ['image.size', 'image.interpolation'],
};

/** Step key → "ONNX Sub (node 'sub_mean') at input 'pixels'". Empty when the graph starts with compute. */
export async function onnxInputPrefix(file: string, maxBytes = 2 ** 31 - 1): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const fh = await open(file, 'r');
  try {
    const st = await fh.stat();
    if (!st.isFile() || st.size === 0 || st.size > maxBytes) return out;
    const reader = new ProtoReader(fh, st.size, file);
    await sniffModel(reader);
    const raw = await parseModel(reader);
    const g = raw.graph;
    if (!g) return out;
    const inits = new Set(g.initializers.map((t) => t.name));
    const input = g.inputs.find((i) => !inits.has(i.name));
    if (!input) return out;
    // Forward from the input, in graph (topological) order, until the first compute op on that path.
    const reached = new Set([input.name]);
    for (const n of g.nodes) {
      if (!n.inputs.some((x) => reached.has(x))) continue;
      if (COMPUTE.has(n.opType)) break;
      for (const key of STEP[n.opType] ?? []) if (!out.has(key)) out.set(key, `ONNX ${n.opType}${n.name ? ` (node '${n.name}')` : ''} at input '${input.name}'`);
      for (const o of n.outputs) reached.add(o);
    }
    return out;
  } finally {
    await fh.close();
  }
}
