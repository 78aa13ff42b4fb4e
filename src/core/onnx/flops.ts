import type { FlopsEstimate } from '../../shared/modelInspection';
import type { RawGraph, RawNode, RawValueInfo } from './rawModel';
import { gemmDims, inferNode, matmulDims, resolveDims, Scope, type Shape } from './shapeInference';

const COUNTED = new Set(['Conv', 'ConvTranspose', 'Gemm', 'MatMul']);

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

/**
 * Static MAC/FLOP estimate: a light shape inference (initializer dims, declared inputs and `value_info`,
 * then the common ops in `shapeInference.ts`, node by node in the graph's topological order), and MACs for
 * the Conv/ConvTranspose/Gemm/MatMul nodes whose shapes resolve. Every symbolic or unknown dim is taken
 * as 1 and listed in `assumption`. Subgraphs are walked with their parent's shapes in scope.
 */
export function estimateFlops(graph: RawGraph | null): FlopsEstimate {
  const state = { macs: 0, counted: 0, total: 0, assumption: {} as Record<string, number> };
  if (graph) walk(graph, null, state);
  const macs = state.counted > 0 ? state.macs : null;
  return {
    macs,
    flops: macs === null ? null : 2 * macs,
    nodesCounted: state.counted,
    nodesTotal: state.total,
    assumption: state.counted > 0 ? state.assumption : {},
  };
}

interface WalkState {
  macs: number;
  counted: number;
  total: number;
  assumption: Record<string, number>;
}

function declare(scope: Scope, infos: readonly RawValueInfo[], assumption: Record<string, number>, into?: Map<string, Shape>): void {
  for (const v of infos) {
    if (v.type?.kind !== 'tensor') continue;
    const shape = resolveDims(v.type.shape, assumption);
    if (!shape) continue;
    if (into) into.set(v.name, shape);
    else scope.setShape(v.name, shape);
  }
}

function walk(graph: RawGraph, parent: Scope | null, state: WalkState): void {
  const scope = new Scope(parent);
  const assumption = state.assumption;
  for (const t of graph.initializers) {
    scope.setShape(t.name, t.dims ?? []);
    if (t.int64Values) scope.setConst(t.name, t.int64Values);
  }
  for (const s of graph.sparseInitializers) scope.setShape(s.values.name, s.dims);
  const initNames = new Set(graph.initializers.map((t) => t.name));
  declare(scope, graph.inputs.filter((v) => !initNames.has(v.name)), assumption);
  const declared = new Map<string, Shape>();
  declare(scope, graph.valueInfo, assumption, declared);
  declare(scope, graph.outputs, assumption, declared);

  for (const node of graph.nodes) {
    const ins = node.inputs.map((n) => (n === '' ? undefined : scope.shape(n)));
    const inferred = isDefaultDomain(node.domain) ? inferNode(node, ins, scope) : [];
    node.outputs.forEach((name, i) => scope.setShape(name, declared.get(name) ?? inferred[i]));
    if (COUNTED.has(node.opType) && isDefaultDomain(node.domain)) {
      state.total++;
      const macs = nodeMacs(node, ins, node.outputs[0] ? scope.shape(node.outputs[0]) : undefined);
      if (macs !== undefined && Number.isFinite(macs)) {
        state.macs += macs;
        state.counted++;
      }
    }
    for (const sub of node.subgraphs) walk(sub, scope, state);
  }
}
