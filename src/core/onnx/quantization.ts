import type { DtypeWeights, QuantizationInfo, QuantizationKind } from '../../shared/modelInspection';
import { DataType } from './dataTypes';
import type { RawNode } from './rawModel';

type Signal = Exclude<QuantizationKind, 'none' | 'mixed'>;

/** Ops of ONNX Runtime's dynamic quantization (activations quantized at run time). */
const DYNAMIC_OPS = new Set(['DynamicQuantizeLinear', 'MatMulInteger', 'ConvInteger', 'DynamicQuantizeMatMul', 'DynamicQuantizeLSTM', 'MatMulIntegerToFloat']);
/** Quantized operators of the QOperator format (plus weight-only block-quantized kernels). */
const QOPERATOR_OPS = new Set(['QGemm', 'QAttention', 'QEmbedLayerNormalization', 'QOrderedMatMul', 'QOrderedAttention', 'MatMulNBits', 'MatMulBnb4', 'GatherBlockQuantized']);
const QDQ_OPS = new Set(['QuantizeLinear', 'DequantizeLinear']);
/** Float compute ops that a DequantizeLinear feeds in the QDQ format. */
const QDQ_CONSUMERS = new Set(['Conv', 'ConvTranspose', 'MatMul', 'Gemm', 'Attention', 'Gather', 'LSTM', 'GRU', 'Add', 'Mul']);

function isQOperator(op: string): boolean {
  return op.startsWith('QLinear') || QOPERATOR_OPS.has(op);
}

/**
 * Classifies the model's quantization from its ops and weight types.
 *
 * Signals: `dynamic` (DynamicQuantizeLinear, MatMulInteger, ConvInteger, …), `qoperator` (QLinear*, QGemm,
 * QAttention, MatMulNBits, …), `qdq` (QuantizeLinear/DequantizeLinear, where in a QOperator graph a
 * DequantizeLinear must feed a float compute op to count, since QOperator graphs also carry Q/DQ at their
 * boundaries), `fp16` (float16/bfloat16 weight bytes exceed float32 ones, or with no float weights, more
 * Casts to float16 than to float32). `kind` is `none`, the one signal, or `mixed`.
 *
 * ONNX Runtime's dynamic int8 quantization (`quantize_dynamic`) also writes weight-only `DequantizeLinear` on
 * int8 initializers it cannot feed to MatMulInteger (Gather on embedding tables): with no `QuantizeLinear` and
 * every DequantizeLinear reading a constant (`constants`: initializer and Constant-node names), that is
 * `dynamic`, not `mixed`, and `detail` says so.
 */
export function classifyQuantization(nodes: readonly RawNode[], weights: Record<string, DtypeWeights>, constants?: ReadonlySet<string>): QuantizationInfo {
  const ops: Record<string, number> = {};
  let castTo16 = 0;
  let castTo32 = 0;
  const consumers = new Map<string, string[]>();
  for (const n of nodes) {
    for (const i of n.inputs) {
      const list = consumers.get(i);
      if (list) list.push(n.opType);
      else consumers.set(i, [n.opType]);
    }
    if (DYNAMIC_OPS.has(n.opType) || isQOperator(n.opType) || QDQ_OPS.has(n.opType)) ops[n.opType] = (ops[n.opType] ?? 0) + 1;
    if (n.opType === 'Cast') {
      const to = n.attributes.get('to')?.i;
      if (to === DataType.FLOAT16 || to === DataType.BFLOAT16) castTo16++;
      else if (to === DataType.FLOAT) castTo32++;
    }
  }
  const signals: Signal[] = [];
  const names = Object.keys(ops);
  if (names.some((o) => DYNAMIC_OPS.has(o))) signals.push('dynamic');
  const qop = names.some(isQOperator);
  const hasQdq = names.some((o) => QDQ_OPS.has(o));
  const dqFeedsCompute = nodes.some(
    (n) => n.opType === 'DequantizeLinear' && n.outputs.some((o) => (consumers.get(o) ?? []).some((c) => QDQ_CONSUMERS.has(c))),
  );
  const dqNodes = nodes.filter((n) => n.opType === 'DequantizeLinear');
  const weightOnlyDq =
    constants !== undefined && signals.includes('dynamic') && !ops['QuantizeLinear'] && dqNodes.length > 0 && dqNodes.every((n) => constants.has(n.inputs[0] ?? ''));
  if (hasQdq && (!qop || dqFeedsCompute) && !weightOnlyDq) signals.push('qdq');
  if (qop) signals.push('qoperator');
  const bytes = (k: string): number => weights[k]?.bytes ?? 0;
  const half = bytes('float16') + bytes('bfloat16');
  const single = bytes('float32');
  const anyFloat = Object.keys(weights).some((k) => k.startsWith('float') || k === 'bfloat16');
  if ((half > 0 && half > single) || (!anyFloat && castTo16 > 0 && castTo16 > castTo32)) signals.push('fp16');
  const kind: QuantizationKind = signals.length === 0 ? 'none' : signals.length === 1 ? signals[0]! : 'mixed';
  const weightDtypes = Object.entries(weights)
    .sort((x, y) => y[1].bytes - x[1].bytes)
    .map(([k]) => k);
  const info: QuantizationInfo = { kind, signals, ops, weightDtypes };
  if (weightOnlyDq) {
    const gathers = dqNodes.filter((n) => n.outputs.some((o) => (consumers.get(o) ?? []).includes('Gather'))).length;
    const dyn = Object.entries(ops).filter(([o]) => DYNAMIC_OPS.has(o)).map(([o, c]) => `${o} ×${c}`).join(', ');
    info.detail = `dynamic quantization (${dyn}), with ${dqNodes.length} weight-only DequantizeLinear on constant int8 weights${gathers ? ` (${gathers} feeding Gather: dequantized embeddings)` : ''}; activations are not statically quantized (no QuantizeLinear), so this is not QDQ`;
  }
  return info;
}
