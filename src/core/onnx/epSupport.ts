/**
 * Which operators of a model an ONNX Runtime execution provider has no kernel for, at the model's opset, from
 * the tables in `epOps.ts` (generated from ONNX Runtime's docs by `scripts/genEpOps.ts`). Pure and offline.
 *
 * What a gap means differs by EP (see docs/diff.md, "Execution-provider op checks"):
 * - `cpu`: the CPU EP is ONNX Runtime's last resort. A node no registered EP can take fails session creation
 *   ("Could not find an implementation for X(N) node"), unless ONNX defines the op as a function, which
 *   ONNX Runtime then inlines into ops it has kernels for.
 * - `webgpu`: ONNX Runtime places nodes the WebGPU EP lacks on the CPU EP (registered after it), so the model
 *   still loads and runs, with copies between GPU and CPU memory around each such node.
 */
import type { EpOpGap, EpOpReport, ModelInspection } from '../../shared/modelInspection';
import { EP_OPS, EP_OPS_SOURCES, type TabledEp } from './epOps';

/**
 * ONNX ops defined as ONNX functions that ONNX Runtime's CPU EP has no kernel for; ONNX Runtime expands them
 * into their function body when no EP claims the node. Not in the generated table (the docs list kernels, not
 * functions); HardSwish, Mish and CastLike checked against onnxruntime-node 1.30.0 on CPU
 * (test/unit/diffEpOps.test.ts).
 */
const ONNX_FUNCTION_OPS = new Set([
  'Bernoulli', 'CastLike', 'CenterCropPad', 'GroupNormalization', 'HardSwish', 'Mish', 'NegativeLogLikelihoodLoss',
  'SequenceMap', 'SoftmaxCrossEntropyLoss', 'Swish',
]);

/** Ops that never reach an EP: ONNX Runtime turns `Constant` nodes into initializers when it loads the graph. */
const GRAPH_LEVEL_OPS = new Set(['Constant']);

/** Domains the tables describe; ops of other (custom) domains are the custom-domain check's business. */
const CHECKED_DOMAINS = new Set(['ai.onnx', 'ai.onnx.ml', 'com.microsoft']);

/** Human name of a tabled EP, for reasons. */
export const EP_LABEL: Record<TabledEp, string> = { cpu: 'CPU EP', webgpu: 'WebGPU EP' };

export function isTabledEp(ep: string): ep is TabledEp {
  return Object.hasOwn(EP_OPS, ep);
}

/** Whether `ranges` (`6-12,13+`) covers `opset`. */
export function rangesCover(ranges: string, opset: number): boolean {
  return ranges.split(',').some((r) => {
    const m = /^(\d+)(?:-(\d+)|(\+))?$/.exec(r.trim());
    if (!m) return false;
    const from = Number(m[1]);
    if (m[3]) return opset >= from;
    const to = m[2] !== undefined ? Number(m[2]) : from;
    return opset >= from && opset <= to;
  });
}

/** The kernel ranges an EP has for an op (`undefined` = no kernel at any opset). */
export function kernelRanges(ep: TabledEp, domain: string, op: string): string | undefined {
  const ops = EP_OPS[ep][domain];
  return ops && Object.hasOwn(ops, op) ? ops[op] : undefined;
}

/** Split an `opHistogram` key (`Conv`, `com.microsoft::FusedMatMul`) into domain and op type. */
export function splitOpKey(key: string): { domain: string; op: string } {
  const i = key.lastIndexOf('::');
  return i < 0 ? { domain: 'ai.onnx', op: key } : { domain: key.slice(0, i) || 'ai.onnx', op: key.slice(i + 2) };
}

/**
 * The model's ops the EP has no kernel for at the model's opset of the op's domain. `null` for EPs without a
 * table (cuda, tensorrt, …): nothing is claimed about them.
 */
export function epOpGaps(inspection: Pick<ModelInspection, 'opHistogram' | 'opsets'>, ep: string): EpOpReport | null {
  if (!isTabledEp(ep)) return null;
  const gaps: EpOpGap[] = [];
  for (const key of Object.keys(inspection.opHistogram).sort()) {
    const { domain, op } = splitOpKey(key);
    if (!CHECKED_DOMAINS.has(domain) || (domain === 'ai.onnx' && GRAPH_LEVEL_OPS.has(op))) continue;
    // A missing opset import: ONNX Runtime refuses the model anyway; the opset check reports it. Contrib ops
    // are version 1 when the model does not import the domain (ONNX Runtime's default).
    const opset = inspection.opsets[domain] ?? (domain === 'com.microsoft' ? 1 : undefined);
    if (opset === undefined) continue;
    const ranges = kernelRanges(ep, domain, op);
    if (ranges !== undefined && rangesCover(ranges, opset)) continue;
    const expandsAsFunction = domain === 'ai.onnx' && ONNX_FUNCTION_OPS.has(op);
    gaps.push({ key, domain, op, opset, count: inspection.opHistogram[key], kernelOpsets: ranges ?? null, expandsAsFunction });
  }
  return { ep, source: EP_OPS_SOURCES[ep], gaps };
}

/** One line on a gap: what is missing and what ONNX Runtime does about it. */
export function describeGap(ep: TabledEp, g: EpOpGap): string {
  const label = EP_LABEL[ep];
  const what = `${label} has no kernel for ${g.key} at opset ${g.opset}${g.kernelOpsets ? ` (kernels for opset ${g.kernelOpsets})` : ''}`;
  if (g.expandsAsFunction) return `${what}; ONNX defines it as a function, which ONNX Runtime expands into ops it implements`;
  if (ep === 'webgpu') return `${what}; ONNX Runtime falls back to the CPU EP for these nodes (GPU↔CPU copies around them, slower)`;
  if (g.kernelOpsets === null) {
    return `${what}: the op is not in the ${label}'s kernel table at all; if that holds, ONNX Runtime cannot create a session ("Could not find an implementation"). Not graded breaking on the table alone: run \`ml-preflight profile\` on the model to create a real session`;
  }
  return `${what}; ONNX Runtime cannot create a session for the model ("Could not find an implementation")`;
}
