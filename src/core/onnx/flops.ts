import type { FlopsEstimate } from '../../shared/modelInspection';
import type { RawGraph, RawNode, RawValueInfo } from './rawModel';
import { gemmDims, inferNode, matmulDims, resolveDims, Scope, type Shape } from './shapeInference';

const COUNTED = new Set(['Conv', 'ConvTranspose', 'Gemm', 'MatMul']);

/**
 * Quantized kernels counted as the float op they compute, with the positions of their A/X and B/W inputs:
 * ONNX's integer ops (MatMulInteger, ConvInteger, QLinearMatMul, QLinearConv) and ONNX Runtime's contrib ones.
 * A multiply–accumulate in int8 is still one MAC.
 */
const QUANTIZED: Record<string, { op: 'MatMul' | 'Conv' | 'Gemm'; a: number; b: number }> = {
  MatMulInteger: { op: 'MatMul', a: 0, b: 1 },
  ConvInteger: { op: 'Conv', a: 0, b: 1 },
  QLinearMatMul: { op: 'MatMul', a: 0, b: 3 },
  QLinearConv: { op: 'Conv', a: 0, b: 3 },
  'com.microsoft::MatMulIntegerToFloat': { op: 'MatMul', a: 0, b: 1 },
  'com.microsoft::DynamicQuantizeMatMul': { op: 'MatMul', a: 0, b: 1 },
  'com.microsoft::QGemm': { op: 'Gemm', a: 0, b: 3 },
};

function quantizedKey(node: RawNode): string {
  return isDefaultDomain(node.domain) ? node.opType : `${node.domain}::${node.opType}`;
}

/** Dim names read as a sequence length (tokens, frames): FLOPs are stated at a sequence length for them. */
const SEQUENCE_DIM = /^(seq|seqlen|seq_len|seq_length|sequence|sequence_len|sequence_length|seq_?\d*|num_tokens|tokens|token_len|text_len|input_len|src_len|tgt_len|decoder_sequence_length|encoder_sequence_length|total_sequence_length)$/i;
/** Metadata keys giving the model's own sequence length. */
const SEQUENCE_KEYS = ['max_seq_length', 'max_sequence_length', 'seq_len', 'sequence_length', 'max_length', 'model_max_length', 'max_position_embeddings'];
/** The sequence length FLOPs are stated at when neither `--dim` nor the metadata says. */
export const DEFAULT_SEQUENCE_LENGTH = 128;

/** Whether a symbolic dim name reads as a sequence length (`sequence`, `seq_len`, `num_tokens`, …, not `past_*`). */
export function isSequenceDim(name: string): boolean {
  return SEQUENCE_DIM.test(name) || (/(^|_)seq(uence)?(_|$)/i.test(name) && !/past/i.test(name));
}

export interface FlopsOptions {
  /** Values of named dims (`--dim seq=128`); others are 1, sequence-like ones the sequence length. */
  dims?: Readonly<Record<string, number>>;
  /** Model metadata, read for a sequence length (`max_seq_length`, …). */
  metadata?: Readonly<Record<string, string>>;
}

function isDefaultDomain(domain: string): boolean {
  return domain === '' || domain === 'ai.onnx';
}

function product(s: readonly number[]): number {
  return s.reduce((a, b) => a * b, 1);
}

/**
 * Multiply–accumulates of one Conv/ConvTranspose/Gemm/MatMul node, or `undefined` when its shapes did not resolve.
 *
 * - Conv: `prod(Y) × prod(W[1:])` = N·M·prod(out spatial)·(C/group)·prod(kernel); bias adds are not counted.
 * - ConvTranspose: `prod(X) × prod(W[1:])` = N·C·prod(in spatial)·(M/group)·prod(kernel).
 * - Gemm: M·N·K (the C addend is not counted). MatMul: batch·M·N·K with numpy broadcasting.
 */
export function nodeMacs(node: RawNode, ins: ReadonlyArray<Shape | undefined>, out: Shape | undefined): number | undefined {
  const [a, b] = ins;
  switch (node.opType) {
    case 'Conv':
      return out && b && b.length >= 2 ? product(out) * product(b.slice(1)) : undefined;
    case 'ConvTranspose':
      return a && b && b.length >= 2 ? product(a) * product(b.slice(1)) : undefined;
    case 'Gemm': {
      const d = a && b ? gemmDims(node, a, b) : undefined;
      return d ? d.m * d.n * d.k : undefined;
    }
    case 'MatMul': {
      const d = a && b ? matmulDims(a, b) : undefined;
      return d ? d.batch * d.m * d.n * d.k : undefined;
    }
    default:
      return undefined;
  }
}

/** The sequence dims of the graph inputs and the length to state them at, with where it came from. */
function sequenceChoice(graph: RawGraph, options: FlopsOptions): FlopsEstimate['sequence'] {
  const names = new Set<string>();
  for (const v of graph.inputs) {
    if (v.type?.kind !== 'tensor' || !v.type.shape) continue;
    for (const d of v.type.shape) if (typeof d === 'string' && d !== '?' && isSequenceDim(d)) names.add(d);
  }
  const dims = [...names].filter((n) => !(options.dims && Object.hasOwn(options.dims, n)));
  if (dims.length === 0) return undefined;
  for (const key of SEQUENCE_KEYS) {
    const raw = options.metadata && Object.hasOwn(options.metadata, key) ? options.metadata[key]! : undefined;
    const v = raw === undefined ? NaN : Number(raw.trim());
    if (Number.isSafeInteger(v) && v > 0 && v <= 1_000_000) return { dims, length: v, source: `metadata '${key}'` };
  }
  return { dims, length: DEFAULT_SEQUENCE_LENGTH, source: 'default' };
}

/**
 * Static MAC/FLOP estimate: a light shape inference (initializer dims, declared inputs and `value_info`,
 * then the common ops in `shapeInference.ts`, node by node in the graph's topological order), and MACs for
 * the Conv/ConvTranspose/Gemm/MatMul nodes whose shapes resolve, and for their quantized forms
 * (MatMulInteger, ConvInteger, QLinearMatMul, QLinearConv, ONNX Runtime's QGemm/MatMulIntegerToFloat/
 * DynamicQuantizeMatMul). Symbolic dims take their value from `options.dims`; sequence-like ones
 * ({@link isSequenceDim}) the metadata's sequence length or {@link DEFAULT_SEQUENCE_LENGTH}, stated in
 * `sequence`; every other symbolic or unknown dim is 1. All of them are listed in `assumption`. Subgraphs are
 * walked with their parent's shapes in scope.
 */
export function estimateFlops(graph: RawGraph | null, options: FlopsOptions = {}): FlopsEstimate {
  const sequence = graph ? sequenceChoice(graph, options) : undefined;
  const values: Record<string, number> = { ...(options.dims ?? {}) };
  for (const d of sequence?.dims ?? []) values[d] = sequence!.length;
  const state: WalkState = { macs: 0, counted: 0, total: 0, assumption: {}, values };
  if (graph) walk(graph, null, state);
  const macs = state.counted > 0 ? state.macs : null;
  const out: FlopsEstimate = {
    macs,
    flops: macs === null ? null : 2 * macs,
    nodesCounted: state.counted,
    nodesTotal: state.total,
    assumption: state.counted > 0 ? state.assumption : {},
  };
  if (sequence && state.counted > 0) out.sequence = sequence;
  return out;
}

interface WalkState {
  macs: number;
  counted: number;
  total: number;
  assumption: Record<string, number>;
  values: Record<string, number>;
}

function declare(scope: Scope, infos: readonly RawValueInfo[], state: WalkState, into?: Map<string, Shape>): void {
  for (const v of infos) {
    if (v.type?.kind !== 'tensor') continue;
    const shape = resolveDims(v.type.shape, state.assumption, state.values);
    if (!shape) continue;
    if (into) into.set(v.name, shape);
    else scope.setShape(v.name, shape);
  }
}

function walk(graph: RawGraph, parent: Scope | null, state: WalkState): void {
  const scope = new Scope(parent);
  for (const t of graph.initializers) {
    scope.setShape(t.name, t.dims ?? []);
    if (t.int64Values) scope.setConst(t.name, t.int64Values);
  }
  for (const s of graph.sparseInitializers) scope.setShape(s.values.name, s.dims);
  const initNames = new Set(graph.initializers.map((t) => t.name));
  declare(scope, graph.inputs.filter((v) => !initNames.has(v.name)), state);
  const declared = new Map<string, Shape>();
  declare(scope, graph.valueInfo, state, declared);
  declare(scope, graph.outputs, state, declared);

  for (const node of graph.nodes) {
    const q = Object.hasOwn(QUANTIZED, quantizedKey(node)) ? QUANTIZED[quantizedKey(node)]! : undefined;
    // A quantized kernel is shape-inferred and counted as the float op it computes, on its A/X and B/W inputs.
    const asFloat: RawNode = q ? { ...node, opType: q.op, domain: '' } : node;
    const all = node.inputs.map((n) => (n === '' ? undefined : scope.shape(n)));
    const ins = q ? [all[q.a], all[q.b]] : all;
    // DynamicQuantizeLinear: y keeps x's shape; y_scale and y_zero_point are scalars.
    const inferred = node.opType === 'DynamicQuantizeLinear' && isDefaultDomain(node.domain) ? [all[0], [], []] : isDefaultDomain(asFloat.domain) ? inferNode(asFloat, ins, scope) : [];
    node.outputs.forEach((name, i) => scope.setShape(name, declared.get(name) ?? inferred[i]));
    if (COUNTED.has(asFloat.opType) && isDefaultDomain(asFloat.domain)) {
      state.total++;
      const macs = nodeMacs(asFloat, ins, node.outputs[0] ? scope.shape(node.outputs[0]) : undefined);
      if (macs !== undefined && Number.isFinite(macs)) {
        state.macs += macs;
        state.counted++;
      }
    }
    for (const sub of node.subgraphs) walk(sub, scope, state);
  }
}
