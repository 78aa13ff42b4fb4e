import { open, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { kindOf } from '../safeFs';
import type { DtypeWeights, ModelInspection, TensorInfo } from '../../shared/modelInspection';
import { analyzeBatch } from './batchAnalysis';
import { dtypeName } from './dataTypes';
import { OnnxInspectError } from './errors';
import { summarizeExternalData } from './externalData';
import { estimateFlops } from './flops';
import { parseModel } from './parseModel';
import { ProtoReader } from './protoReader';
import { classifyQuantization } from './quantization';
import type { RawGraph, RawModel, RawNode, RawTensor, RawType, RawValueInfo } from './rawModel';
import { sniffModel } from './sniff';

/** Options for {@link inspectModel}. */
export interface InspectOptions {
  /** Cancels the inspection; it then rejects with `OnnxInspectError` reason `aborted`. */
  signal?: AbortSignal;
  /** Values of named dynamic dims for the FLOP estimate (`--dim seq=128`); see `estimateFlops`. */
  dims?: Readonly<Record<string, number>>;
}

/** protobuf's hard limit for one serialized message (2 GiB − 1). */
const PROTOBUF_LIMIT = 2 ** 31 - 1;
/** Domains every ONNX runtime implements. */
const STANDARD_DOMAINS = new Set(['', 'ai.onnx', 'ai.onnx.ml', 'ai.onnx.training', 'ai.onnx.preview.training']);

/**
 * Inspects an ONNX model file without loading its weights: the protobuf is read lazily through a 64 KiB
 * window, tensor payloads (inline `raw_data`/typed data and external data) are skipped by seeking, so the
 * cost grows with the graph, not with the weights.
 *
 * @param path Path of the `.onnx` file; external data is resolved relative to its folder (never outside it).
 * @throws OnnxInspectError with a stable `reason` (`not-found`, `not-a-file`, `io`, `empty`, `not-onnx`,
 *   `truncated`, `malformed`, `too-deep`, `aborted`); nothing else escapes.
 */
export async function inspectModel(path: string, options: InspectOptions = {}): Promise<ModelInspection> {
  return (await inspectModelWithGraph(path, options)).inspection;
}

/**
 * {@link inspectModel}, plus the decoded graph structure it was computed from (tensor headers with the file
 * ranges of their payloads), for callers that go on to read weights selectively (the model diff).
 *
 * @throws OnnxInspectError as {@link inspectModel}.
 */
export async function inspectModelWithGraph(path: string, options: InspectOptions = {}): Promise<{ inspection: ModelInspection; raw: RawModel }> {
  try {
    return await inspect(path, options.signal, options.dims);
  } catch (ex) {
    if (ex instanceof OnnxInspectError) throw ex;
    const detail = ex instanceof Error ? ex.message : String(ex);
    throw new OnnxInspectError('malformed', path, `unexpected error while decoding: ${detail}`, { cause: ex });
  }
}

function checkAbort(path: string, signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new OnnxInspectError('aborted', path, 'inspection was cancelled');
}

async function statFile(path: string): Promise<Stats> {
  let st: Stats;
  try {
    st = await stat(path);
  } catch (ex) {
    const code = (ex as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new OnnxInspectError('not-found', path, 'no such file');
    throw new OnnxInspectError('io', path, `cannot read the file (${code ?? String(ex)})`, { cause: ex });
  }
  if (st.isDirectory()) throw new OnnxInspectError('not-a-file', path, 'is a directory, not a model file');
  // Read rule: say what a special file is (a FIFO is refused before it is opened, so it never hangs).
  if (!st.isFile()) throw new OnnxInspectError('not-a-file', path, `is ${kindOf(st)}, not a regular file`);
  if (st.size === 0) throw new OnnxInspectError('empty', path, 'the file is empty (0 bytes)');
  return st;
}

async function readModel(path: string, size: number, signal: AbortSignal | undefined): Promise<RawModel> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (ex) {
    const code = (ex as NodeJS.ErrnoException).code;
    throw new OnnxInspectError('io', path, `cannot open the file (${code ?? String(ex)})`, { cause: ex });
  }
  try {
    const reader = new ProtoReader(fh, size, path);
    await sniffModel(reader);
    checkAbort(path, signal);
    return await parseModel(reader, signal);
  } finally {
    await fh.close();
  }
}

async function inspect(path: string, signal: AbortSignal | undefined, dims: Readonly<Record<string, number>> | undefined): Promise<{ inspection: ModelInspection; raw: RawModel }> {
  checkAbort(path, signal);
  const st = await statFile(path);
  checkAbort(path, signal);
  const raw = await readModel(path, st.size, signal);
  checkAbort(path, signal);

  const graphs = raw.graph ? collectGraphs(raw.graph) : [];
  const nodes = graphs.flatMap((g) => g.nodes);
  const main = raw.graph;

  const opsets: Record<string, number> = {};
  for (const o of raw.opsets) opsets[o.domain === '' ? 'ai.onnx' : o.domain] = o.version;

  const opHistogram: Record<string, number> = {};
  for (const n of nodes) {
    const key = n.domain === '' || n.domain === 'ai.onnx' ? n.opType : `${n.domain}::${n.opType}`;
    opHistogram[key] = (opHistogram[key] ?? 0) + 1;
  }

  const tensors: RawTensor[] = [];
  const weightsByDtype: Record<string, DtypeWeights> = {};
  let parameterCount = 0;
  let weightBytes = 0;
  const add = (dtype: string, params: number, bytes: number): void => {
    const w = (weightsByDtype[dtype] ??= { count: 0, parameters: 0, bytes: 0 });
    w.count++;
    w.parameters += params;
    w.bytes += bytes;
    parameterCount += params;
    weightBytes += bytes;
  };
  for (const g of graphs) {
    for (const t of g.initializers) {
      tensors.push(t);
      add(dtypeName(t.dataType), t.elements, t.bytes);
    }
    for (const s of g.sparseInitializers) {
      tensors.push(s.values);
      if (s.indices) tensors.push(s.indices);
      add(dtypeName(s.values.dataType), s.values.elements, s.values.bytes + (s.indices?.bytes ?? 0));
    }
  }
  const initializerCount = graphs.reduce((n, g) => n + g.initializers.length + g.sparseInitializers.length, 0);

  const initNames = new Set<string>();
  for (const t of main?.initializers ?? []) initNames.add(t.name);
  for (const s of main?.sparseInitializers ?? []) initNames.add(s.values.name);
  const inputs = (main?.inputs ?? []).filter((v) => !initNames.has(v.name)).map(tensorInfo);
  const outputs = (main?.outputs ?? []).map(tensorInfo);

  checkAbort(path, signal);
  const externalData = await summarizeExternalData(path, tensors);
  checkAbort(path, signal);

  const constants = new Set<string>();
  for (const g of graphs) for (const t of g.initializers) constants.add(t.name);
  for (const n of nodes) if (n.opType === 'Constant' && n.outputs[0]) constants.add(n.outputs[0]);
  const quantization = classifyQuantization(nodes, weightsByDtype, constants);
  const metadata = Object.fromEntries(raw.metadata.map((e) => [e.key, e.value]));
  const flopsEstimate = estimateFlops(main, { dims, metadata });
  const functionDomains = new Set(raw.functions.map((f) => f.domain));
  const warnings = collectWarnings({ raw, st, graphs, nodes, inputs, outputs, externalData, functionDomains });

  const inspection: ModelInspection = {
    file: { path, bytes: st.size },
    irVersion: raw.irVersion,
    opsets,
    producer: { name: raw.producerName, version: raw.producerVersion },
    domain: raw.domain,
    modelVersion: raw.modelVersion,
    docString: raw.docString,
    graphName: main?.name ?? '',
    metadata,
    inputs,
    outputs,
    nodeCount: nodes.length,
    opHistogram,
    subgraphCount: Math.max(0, graphs.length - 1),
    functionCount: raw.functions.length,
    initializerCount,
    parameterCount,
    weightBytes,
    weightsByDtype,
    externalData,
    quantization,
    batch: analyzeBatch(inputs, outputs),
    flops: flopsEstimate.flops,
    flopsEstimate,
    warnings,
  };
  return { inspection, raw };
}

/** The main graph and every nested graph, depth first. */
export function collectGraphs(root: RawGraph): RawGraph[] {
  const out: RawGraph[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const g = stack.pop()!;
    out.push(g);
    for (let i = g.nodes.length - 1; i >= 0; i--) stack.push(...[...g.nodes[i]!.subgraphs].reverse());
  }
  return out;
}

/** Type string of a value: `float32`, `sequence<float32>`, `map<int64,float32>`, `optional<…>`, `sparse<…>`. */
export function typeName(t: RawType | null): string {
  if (!t) return 'unknown';
  switch (t.kind) {
    case 'tensor':
      return dtypeName(t.elemType);
    case 'sparse':
      return `sparse<${dtypeName(t.elemType)}>`;
    case 'sequence':
      return `sequence<${typeName(t.elem)}>`;
    case 'optional':
      return `optional<${typeName(t.elem)}>`;
    case 'map':
      return `map<${dtypeName(t.keyType)},${typeName(t.value)}>`;
    case 'opaque':
      return 'opaque';
    default:
      return 'unknown';
  }
}

function tensorInfo(v: RawValueInfo): TensorInfo {
  const shape = v.type && (v.type.kind === 'tensor' || v.type.kind === 'sparse') ? v.type.shape : null;
  const info: TensorInfo = { name: v.name, dtype: typeName(v.type), shape: shape ? [...shape] : null };
  if (v.docString !== '') info.docString = v.docString;
  return info;
}

function formatList(names: readonly string[], max = 5): string {
  const shown = names.slice(0, max).map((n) => `'${n}'`).join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}

interface WarningInput {
  raw: RawModel;
  st: Stats;
  graphs: RawGraph[];
  nodes: RawNode[];
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  externalData: ModelInspection['externalData'];
  functionDomains: Set<string>;
}

function collectWarnings({ raw, st, graphs, nodes, inputs, outputs, externalData, functionDomains }: WarningInput): string[] {
  const w: string[] = [];
  if (st.size > PROTOBUF_LIMIT) {
    w.push(`the file is ${st.size} bytes, over protobuf's 2 GB message limit: many tools cannot load it; store the weights as external data`);
  }
  if (raw.irVersion === null) w.push('ir_version is not set');
  else if (raw.irVersion < 3) w.push(`ir_version ${raw.irVersion} is older than 3: current runtimes may refuse the model`);
  const defaultOpset = raw.opsets.find((o) => o.domain === '' || o.domain === 'ai.onnx');
  if (!defaultOpset) w.push('no opset_import for the default ONNX domain');
  else if (defaultOpset.version < 7) w.push(`default-domain opset ${defaultOpset.version} is older than 7: current runtimes may refuse the model`);

  const noShape = [...inputs.map((t) => ['input', t] as const), ...outputs.map((t) => ['output', t] as const)].filter(([, t]) => t.shape === null && !/^(sequence|map|optional|opaque)\b/.test(t.dtype));
  for (const [role, t] of noShape.slice(0, 10)) w.push(`${role} '${t.name}' has no shape information`);
  if (noShape.length > 10) w.push(`${noShape.length - 10} more inputs/outputs have no shape information`);

  for (const f of externalData) {
    if (f.refused) w.push(`external data '${f.location}' refused (${f.refused}); it was not opened`);
    else if (!f.exists) w.push(`external data file '${f.location}' is missing (${f.tensors} tensor${f.tensors === 1 ? '' : 's'}, ${f.bytes} bytes)`);
  }

  const custom = new Map<string, Map<string, number>>();
  for (const n of nodes) {
    if (STANDARD_DOMAINS.has(n.domain) || functionDomains.has(n.domain)) continue;
    const ops = custom.get(n.domain) ?? new Map<string, number>();
    ops.set(n.opType, (ops.get(n.opType) ?? 0) + 1);
    custom.set(n.domain, ops);
  }
  for (const [domain, ops] of custom) {
    const list = [...ops].slice(0, 5).map(([op, c]) => `${op} ×${c}`).join(', ');
    w.push(`ops from custom domain '${domain}' (${list}${ops.size > 5 ? ', …' : ''}): runtimes other than the one that defines them may lack these ops`);
  }

  if (raw.metadata.length === 0) w.push('no metadata_props (author, license, version, intended use…)');
  if (raw.modelVersion === null || raw.modelVersion === 0) w.push('model_version is not set');

  const used = new Set<string>();
  for (const n of nodes) for (const i of n.inputs) used.add(i);
  for (const f of raw.functions) for (const n of f.nodes) for (const i of n.inputs) used.add(i);
  for (const g of graphs) for (const o of g.outputs) used.add(o.name);
  const unused = graphs.flatMap((g) => [...g.initializers.map((t) => t.name), ...g.sparseInitializers.map((s) => s.values.name)]).filter((n) => !used.has(n));
  if (unused.length > 0) w.push(`${unused.length} unused initializer${unused.length === 1 ? '' : 's'}: ${formatList(unused)} (dead weight in the file)`);

  w.push(...raw.notes);
  return w;
}
