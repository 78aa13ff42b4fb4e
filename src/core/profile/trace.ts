/**
 * ONNX Runtime's profiling trace (`enableProfiling` + `profileFilePrefix`; Chrome trace-event JSON): parsing
 * the node events, aggregating them by op type and provider, and finding nodes that fell back to the CPU.
 *
 * A trace is an array of `{cat, name, ts, dur, args}` events (µs). `cat: "Session"` events mark
 * `model_loading_uri`, `session_initialization` and one `model_run` per `session.run`; `cat: "Node"` events
 * named `<node>_kernel_time` carry `args.op_name` and `args.provider` (e.g. `CPUExecutionProvider`).
 */
import type { FallbackNode, OpProfile, OpTime } from '../../shared/profileResult';
import type { ExecutionProvider, TraceNodeEvent } from '../../shared/workerProtocol';

/** The provider name ORT writes in traces for each EP. */
export const PROVIDER_NAMES: Record<ExecutionProvider, string> = {
  cpu: 'CPUExecutionProvider',
  webgpu: 'WebGpuExecutionProvider',
  cuda: 'CUDAExecutionProvider',
  tensorrt: 'TensorrtExecutionProvider',
  dml: 'DmlExecutionProvider',
  coreml: 'CoreMLExecutionProvider',
};

interface RawEvent {
  cat?: unknown;
  name?: unknown;
  ts?: unknown;
  dur?: unknown;
  args?: { op_name?: unknown; provider?: unknown };
}

const KERNEL_SUFFIX = '_kernel_time';

/**
 * The node events of a parsed trace, each tagged with the index of the `model_run` it belongs to.
 * Node events outside any `model_run` (none in practice) are dropped. Unknown shapes are skipped, never thrown.
 */
export function parseTrace(events: unknown): TraceNodeEvent[] {
  if (!Array.isArray(events)) return [];
  const runs: Array<[start: number, end: number]> = [];
  for (const e of events as RawEvent[]) {
    if (e && e.cat === 'Session' && e.name === 'model_run' && typeof e.ts === 'number' && typeof e.dur === 'number') runs.push([e.ts, e.ts + e.dur]);
  }
  runs.sort((a, b) => a[0] - b[0]);
  const out: TraceNodeEvent[] = [];
  for (const e of events as RawEvent[]) {
    if (!e || e.cat !== 'Node' || typeof e.name !== 'string' || !e.name.endsWith(KERNEL_SUFFIX)) continue;
    if (typeof e.ts !== 'number' || typeof e.dur !== 'number') continue;
    const ts = e.ts;
    const run = runs.findIndex(([s, end]) => ts >= s && ts <= end);
    if (run < 0) continue;
    out.push({
      name: e.name.slice(0, -KERNEL_SUFFIX.length),
      op: typeof e.args?.op_name === 'string' ? e.args.op_name : 'unknown',
      provider: typeof e.args?.provider === 'string' ? e.args.provider : 'unknown',
      durUs: e.dur,
      run,
    });
  }
  return out;
}

/**
 * Aggregates node events by (op, provider) over the profiled runs, skipping run 0 (the warm-up) when there
 * are more runs. `share` is the fraction of all node time; ops sorted by total time, descending.
 */
export function aggregateTrace(events: readonly TraceNodeEvent[], batch: number, topN = 10): OpProfile {
  const maxRun = events.reduce((m, e) => Math.max(m, e.run), -1);
  const counted = maxRun >= 1 ? events.filter((e) => e.run >= 1) : [...events];
  const runs = maxRun >= 1 ? maxRun : maxRun + 1;
  const totalUs = counted.reduce((s, e) => s + e.durUs, 0);
  const byOp = new Map<string, { op: string; provider: string; calls: number; nodes: Set<string>; us: number }>();
  const byNode = new Map<string, { node: string; op: string; provider: string; us: number }>();
  for (const e of counted) {
    const key = `${e.op}\u0000${e.provider}`;
    const agg = byOp.get(key) ?? { op: e.op, provider: e.provider, calls: 0, nodes: new Set<string>(), us: 0 };
    agg.calls++;
    agg.nodes.add(e.name);
    agg.us += e.durUs;
    byOp.set(key, agg);
    const nk = `${e.name}\u0000${e.provider}`;
    const n = byNode.get(nk) ?? { node: e.name, op: e.op, provider: e.provider, us: 0 };
    n.us += e.durUs;
    byNode.set(nk, n);
  }
  const share = (us: number): number => (totalUs > 0 ? us / totalUs : 0);
  const ops: OpTime[] = [...byOp.values()]
    .map((a) => ({ op: a.op, provider: a.provider, calls: a.calls, nodes: a.nodes.size, totalMs: a.us / 1000, meanMsPerRun: runs ? a.us / 1000 / runs : 0, share: share(a.us) }))
    .sort((a, b) => b.totalMs - a.totalMs || a.op.localeCompare(b.op));
  const topNodes = [...byNode.values()]
    .sort((a, b) => b.us - a.us || a.node.localeCompare(b.node))
    .slice(0, topN)
    .map((n) => ({ node: n.node, op: n.op, provider: n.provider, meanMsPerRun: runs ? n.us / 1000 / runs : 0, share: share(n.us) }));
  return { runs, batch, nodeMsPerRun: runs ? totalUs / 1000 / runs : 0, ops, topNodes };
}

/** Nodes that ran on the CPU provider when `ep` (not CPU) was requested, once each, in execution order. */
export function fallbackNodes(events: readonly TraceNodeEvent[], ep: ExecutionProvider): FallbackNode[] {
  if (ep === 'cpu') return [];
  const cpu = PROVIDER_NAMES.cpu;
  const seen = new Set<string>();
  const out: FallbackNode[] = [];
  for (const e of events) {
    if (e.provider !== cpu || seen.has(e.name)) continue;
    seen.add(e.name);
    out.push({ node: e.name, op: e.op, provider: e.provider });
  }
  return out;
}
