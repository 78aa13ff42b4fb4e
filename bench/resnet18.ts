/**
 * A ResNet-18-shaped ONNX model built with test/support/onnxBuilder.ts (zero weights: a convolution costs the
 * same whatever its values): conv 7×7/2 + max pool, four stages of two basic blocks (3×3 convs, ReLU,
 * residual Add, 1×1/2 projection where the width doubles), global average pool, Gemm 512 → 1000. 11.69 M
 * parameters, about 1.8 GFLOPs at 1×3×224×224, batch dim `batch`. BatchNorm is left out: exporters and ORT
 * fold it into the convs.
 */
import { DT, graph, model, node, tensor, tensorInfo } from '../test/support/onnxBuilder';

type NodeProto = ReturnType<typeof node>;
type TensorProto = ReturnType<typeof tensor>;

export function resnet18Model(): Uint8Array {
  const nodes: NodeProto[] = [];
  const inits: TensorProto[] = [];
  let n = 0;
  const conv = (x: string, cin: number, cout: number, k: number, stride: number): string => {
    const id = `conv${n++}`;
    inits.push(tensor(`${id}.w`, DT.FLOAT, [cout, cin, k, k]), tensor(`${id}.b`, DT.FLOAT, [cout]));
    nodes.push(node('Conv', [x, `${id}.w`, `${id}.b`], [id], { kernel_shape: [k, k], strides: [stride, stride], pads: Array(4).fill(Math.floor(k / 2)) }));
    return id;
  };
  const relu = (x: string): string => {
    nodes.push(node('Relu', [x], [`${x}.relu`]));
    return `${x}.relu`;
  };
  let x = relu(conv('input', 3, 64, 7, 2));
  nodes.push(node('MaxPool', [x], ['pool0'], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }));
  x = 'pool0';
  let width = 64;
  for (const [stage, out] of [64, 128, 256, 512].entries()) {
    for (let block = 0; block < 2; block++) {
      const stride = stage > 0 && block === 0 ? 2 : 1;
      const h = relu(conv(x, width, out, 3, stride));
      const y = conv(h, out, out, 3, 1);
      const shortcut = stride !== 1 || width !== out ? conv(x, width, out, 1, stride) : x;
      nodes.push(node('Add', [y, shortcut], [`${y}.add`]));
      x = relu(`${y}.add`);
      width = out;
    }
  }
  nodes.push(node('GlobalAveragePool', [x], ['gap']), node('Flatten', ['gap'], ['flat'], { axis: 1 }));
  inits.push(tensor('fc.w', DT.FLOAT, [1000, 512]), tensor('fc.b', DT.FLOAT, [1000]));
  nodes.push(node('Gemm', ['flat', 'fc.w', 'fc.b'], ['logits'], { transB: 1 }));
  return model({ graph: graph({ name: 'resnet18_shaped', nodes, inputs: [tensorInfo('input', DT.FLOAT, ['batch', 3, 224, 224])], outputs: [tensorInfo('logits', DT.FLOAT, ['batch', 1000])], initializers: inits }) });
}

