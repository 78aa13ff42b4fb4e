import type { RawDim, RawNode } from './rawModel';

/** A fully resolved shape (symbolic dims already replaced by their assumed value). */
export type Shape = number[];

/** Shapes and small int64 constants visible in a graph; subgraphs see their parents' names. */
export class Scope {
  private readonly shapes = new Map<string, Shape>();
  private readonly consts = new Map<string, number[]>();

  constructor(private readonly parent: Scope | null = null) {}

  shape(name: string): Shape | undefined {
    return this.shapes.get(name) ?? this.parent?.shape(name);
  }

  setShape(name: string, shape: Shape | undefined): void {
    if (shape && name !== '') this.shapes.set(name, shape);
  }

  constValues(name: string): number[] | undefined {
    return this.consts.get(name) ?? this.parent?.constValues(name);
  }

  setConst(name: string, values: number[]): void {
    this.consts.set(name, values);
  }
}

/**
 * Replaces symbolic (`'batch'`) and unknown (`'?'`) dims by their value in `values` (default 1), recording each
 * in `assumption` (so the FLOP estimate states what it assumed).
 */
export function resolveDims(dims: readonly RawDim[] | null, assumption: Record<string, number>, values: Readonly<Record<string, number>> = {}): Shape | undefined {
  if (!dims) return undefined;
  return dims.map((d) => {
    if (typeof d === 'number') return d;
    const v = Object.hasOwn(values, d) ? values[d]! : 1;
    assumption[d] = v;
    return v;
  });
}

const UNARY = new Set([
  'Relu', 'LeakyRelu', 'PRelu', 'Elu', 'Selu', 'Celu', 'Sigmoid', 'HardSigmoid', 'HardSwish', 'Tanh', 'Softmax',
  'LogSoftmax', 'Softplus', 'Softsign', 'Mish', 'Gelu', 'Erf', 'Exp', 'Log', 'Sqrt', 'Neg', 'Abs', 'Reciprocal',
  'Floor', 'Ceil', 'Round', 'Sign', 'Sin', 'Cos', 'Not', 'Identity', 'Dropout', 'Cast', 'CastLike', 'Clip',
  'BatchNormalization', 'InstanceNormalization', 'LayerNormalization', 'LRN', 'QuantizeLinear', 'DequantizeLinear',
  'ThresholdedRelu', 'Shrink', 'IsNaN', 'IsInf',
]);
const BROADCAST = new Set(['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Max', 'Min', 'Sum', 'Mean', 'Equal', 'Greater', 'Less',
  'GreaterOrEqual', 'LessOrEqual', 'And', 'Or', 'Xor', 'Where', 'Mod', 'BitShift']);
const POOLS = new Set(['MaxPool', 'AveragePool', 'LpPool']);
const GLOBAL_POOLS = new Set(['GlobalAveragePool', 'GlobalMaxPool', 'GlobalLpPool']);

function ints(node: RawNode, name: string): number[] | undefined {
  return node.attributes.get(name)?.ints;
}

function int(node: RawNode, name: string, fallback: number): number {
  return node.attributes.get(name)?.i ?? fallback;
}

/** numpy-style broadcast of shapes; `undefined` when any is unknown or they are incompatible. */
export function broadcast(shapes: ReadonlyArray<Shape | undefined>): Shape | undefined {
  if (shapes.length === 0 || shapes.some((s) => s === undefined)) return undefined;
  const rank = Math.max(...shapes.map((s) => s!.length));
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    let d = 1;
    for (const s of shapes as Shape[]) {
      const v = s[s.length - rank + i] ?? 1;
      if (v === 1) continue;
      if (d !== 1 && d !== v) return undefined;
      d = v;
    }
    out.push(d);
  }
  return out;
}

/** Output spatial sizes of a Conv/pool window (ONNX Conv/MaxPool output-shape formulas). */
function windowOut(node: RawNode, x: Shape, kernel: readonly number[], ceilMode: boolean): number[] | undefined {
  const n = kernel.length;
  const strides = ints(node, 'strides') ?? [];
  const dilations = ints(node, 'dilations') ?? [];
  const pads = ints(node, 'pads') ?? [];
  const autoPad = node.attributes.get('auto_pad')?.s ?? 'NOTSET';
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const size = x[2 + i];
    const k = kernel[i];
    if (size === undefined || k === undefined) return undefined;
    const s = strides[i] ?? 1;
    const dk = ((k - 1) * (dilations[i] ?? 1)) + 1;
    if (s <= 0) return undefined;
    let o: number;
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') o = Math.ceil(size / s);
    else if (autoPad === 'VALID') o = Math.floor((size - dk) / s) + 1;
    else {
      const span = size + (pads[i] ?? 0) + (pads[i + n] ?? 0) - dk;
      o = (ceilMode ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
    }
    if (!(o > 0)) return undefined;
    out.push(o);
  }
  return out;
}

function normAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

/** MatMul output shape (numpy matmul semantics) with its M, N, K and broadcast batch. */
export function matmulDims(a: Shape, b: Shape): { out: Shape; batch: number; m: number; n: number; k: number } | undefined {
  if (a.length === 0 || b.length === 0) return undefined;
  const a2 = a.length === 1 ? [1, a[0]!] : a;
  const b2 = b.length === 1 ? [b[0]!, 1] : b;
  const m = a2[a2.length - 2]!;
  const k = a2[a2.length - 1]!;
  const n = b2[b2.length - 1]!;
  if (b2[b2.length - 2] !== k) return undefined;
  const batchShape = broadcast([a2.slice(0, -2), b2.slice(0, -2)]);
  if (!batchShape) return undefined;
  const out = [...batchShape, ...(a.length === 1 ? [] : [m]), ...(b.length === 1 ? [] : [n])];
  return { out, batch: batchShape.reduce((x, y) => x * y, 1), m, n, k };
}

/** Gemm's M, N, K from A, B and the transA/transB attributes. */
export function gemmDims(node: RawNode, a: Shape, b: Shape): { m: number; n: number; k: number } | undefined {
  if (a.length !== 2 || b.length !== 2) return undefined;
  const ta = int(node, 'transA', 0) !== 0;
  const tb = int(node, 'transB', 0) !== 0;
  const m = ta ? a[1]! : a[0]!;
  const k = ta ? a[0]! : a[1]!;
  const kb = tb ? b[1]! : b[0]!;
  const n = tb ? b[0]! : b[1]!;
  return k === kb ? { m, n, k } : undefined;
}

/**
 * Output shapes of one node from its input shapes, for the common ops listed above; `[]` when unknown.
 * Also records constants produced by `Constant` nodes.
 */
export function inferNode(node: RawNode, ins: ReadonlyArray<Shape | undefined>, scope: Scope): Array<Shape | undefined> {
  const op = node.opType;
  const x = ins[0];
  if (UNARY.has(op)) return [x];
  if (BROADCAST.has(op)) return [broadcast(ins)];
  switch (op) {
    case 'Constant': {
      const t = node.attributes.get('value')?.t;
      if (t?.int64Values && node.outputs[0]) scope.setConst(node.outputs[0], t.int64Values);
      if (t) return [t.dims ?? []];
      if (node.attributes.get('value_ints')?.ints) return [[node.attributes.get('value_ints')!.ints!.length]];
      return [];
    }
    case 'Conv': {
      const w = ins[1];
      if (!x || !w || x.length < 3 || w.length !== x.length) return [];
      const spatial = windowOut(node, x, ints(node, 'kernel_shape') ?? w.slice(2), false);
      return spatial ? [[x[0]!, w[0]!, ...spatial]] : [];
    }
    case 'ConvTranspose': {
      const w = ins[1];
      if (!x || !w || x.length < 3 || w.length !== x.length) return [];
      const kernel = ints(node, 'kernel_shape') ?? w.slice(2);
      const strides = ints(node, 'strides') ?? [];
      const dil = ints(node, 'dilations') ?? [];
      const pads = ints(node, 'pads') ?? [];
      const outPad = ints(node, 'output_padding') ?? [];
      const explicit = ints(node, 'output_shape');
      const autoPad = node.attributes.get('auto_pad')?.s ?? 'NOTSET';
      const n = kernel.length;
      const spatial: number[] = [];
      for (let i = 0; i < n; i++) {
        const s = strides[i] ?? 1;
        let o = explicit?.[explicit.length - n + i];
        if (o === undefined) {
          o = autoPad.startsWith('SAME')
            ? x[2 + i]! * s
            : s * (x[2 + i]! - 1) + (outPad[i] ?? 0) + ((kernel[i]! - 1) * (dil[i] ?? 1) + 1) - (pads[i] ?? 0) - (pads[i + n] ?? 0);
        }
        if (!(o > 0)) return [];
        spatial.push(o);
      }
      return [[x[0]!, w[1]! * int(node, 'group', 1), ...spatial]];
    }
    case 'Gemm': {
      const d = x && ins[1] ? gemmDims(node, x, ins[1]) : undefined;
      return d ? [[d.m, d.n]] : [];
    }
    case 'MatMul': {
      const d = x && ins[1] ? matmulDims(x, ins[1]) : undefined;
      return d ? [d.out] : [];
    }
    case 'Gather': {
      // data[:axis] + indices.shape + data[axis+1:] (embedding lookups: [vocab, d] with [batch, seq] → [batch, seq, d]).
      const idx = ins[1];
      if (!x || !idx || x.length === 0) return [];
      const axis = normAxis(int(node, 'axis', 0), x.length);
      return [[...x.slice(0, axis), ...idx, ...x.slice(axis + 1)]];
    }
    case 'Flatten': {
      if (!x) return [];
      const axis = normAxis(int(node, 'axis', 1), x.length);
      const p = (s: number[]): number => s.reduce((a, b) => a * b, 1);
      return [[p(x.slice(0, axis)), p(x.slice(axis))]];
    }
    case 'Reshape': {
      const target = node.inputs[1] ? scope.constValues(node.inputs[1]) : ints(node, 'shape');
      if (!x || !target) return [];
      const allowZero = int(node, 'allowzero', 0) !== 0;
      const out = target.map((d, i) => (d === 0 && !allowZero ? x[i] ?? 0 : d));
      const total = x.reduce((a, b) => a * b, 1);
      const known = out.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
      const unknown = out.indexOf(-1);
      if (unknown >= 0) {
        if (known === 0 || total % known !== 0) return [];
        out[unknown] = total / known;
      }
      return out.some((d) => d < 0) ? [] : [out];
    }
    case 'Transpose': {
      if (!x) return [];
      const perm = ints(node, 'perm') ?? x.map((_, i) => x.length - 1 - i);
      return perm.length === x.length ? [perm.map((p) => x[p]!)] : [];
    }
    case 'Concat': {
      if (ins.length === 0 || ins.some((s) => !s) || !x) return [];
      const axis = normAxis(int(node, 'axis', 0), x.length);
      const out = [...x];
      out[axis] = (ins as Shape[]).reduce((sum, s) => sum + (s[axis] ?? 0), 0);
      return [out];
    }
    case 'Squeeze':
    case 'Unsqueeze': {
      if (!x) return [];
      const axes = ints(node, 'axes') ?? (node.inputs[1] ? scope.constValues(node.inputs[1]) : undefined);
      if (op === 'Squeeze') {
        if (!axes) return [x.filter((d) => d !== 1)];
        const drop = new Set(axes.map((a) => normAxis(a, x.length)));
        return [x.filter((_, i) => !drop.has(i))];
      }
      if (!axes) return [];
      const rank = x.length + axes.length;
      const add = new Set(axes.map((a) => normAxis(a, rank)));
      const out: number[] = [];
      let j = 0;
      for (let i = 0; i < rank; i++) out.push(add.has(i) ? 1 : x[j++]!);
      return [out];
    }
    case 'Shape':
      return x ? [[x.length]] : [];
    default:
      break;
  }
  if (POOLS.has(op)) {
    const kernel = ints(node, 'kernel_shape');
    if (!x || !kernel || x.length !== kernel.length + 2) return [];
    const spatial = windowOut(node, x, kernel, int(node, 'ceil_mode', 0) !== 0);
    return spatial ? [[x[0]!, x[1]!, ...spatial], [x[0]!, x[1]!, ...spatial]] : [];
  }
  if (GLOBAL_POOLS.has(op)) return x && x.length >= 2 ? [[x[0]!, x[1]!, ...x.slice(2).map(() => 1)]] : [];
  return [];
}
