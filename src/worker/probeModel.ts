/**
 * A one-node ONNX model (`y = Identity(x)`, x: float32[1]) encoded by hand, so the worker can check an
 * execution provider without reading any file. Field numbers from onnx.proto3 (ModelProto, GraphProto, …).
 */

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return out;
}

function bytesField(field: number, payload: number[]): number[] {
  return [...varint((field << 3) | 2), ...varint(payload.length), ...payload];
}

function stringField(field: number, s: string): number[] {
  return bytesField(field, [...Buffer.from(s, 'utf8')]);
}

function intField(field: number, n: number): number[] {
  return [...varint(field << 3), ...varint(n)];
}

function valueInfo(name: string): number[] {
  const dim = bytesField(1, intField(1, 1)); // TensorShapeProto.Dimension{dim_value: 1}
  const shape = bytesField(2, dim); // TypeProto.Tensor.shape
  const tensorType = bytesField(1, [...intField(1, 1), ...shape]); // TypeProto.tensor_type{elem_type: FLOAT}
  return [...stringField(1, name), ...bytesField(2, tensorType)];
}

/** Serialized ModelProto of the probe model. */
export function probeModelBytes(): Uint8Array {
  const node = [...stringField(1, 'x'), ...stringField(2, 'y'), ...stringField(4, 'Identity')];
  const graph = [
    ...bytesField(1, node),
    ...stringField(2, 'ml_preflight_probe'),
    ...bytesField(11, valueInfo('x')),
    ...bytesField(12, valueInfo('y')),
  ];
  const opset = [...stringField(1, ''), ...intField(2, 17)];
  return Uint8Array.from([...intField(1, 8), ...bytesField(8, opset), ...bytesField(7, graph)]);
}
