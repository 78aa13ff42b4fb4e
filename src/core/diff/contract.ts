/**
 * The serving contract of a model (its inputs and outputs, batch axis, opsets, IR version, operators, custom
 * domains and external-data layout) compared between two inspections, each change classified for a client of
 * the deployed service. Pure: two `ModelInspection`s in, a list of changes out.
 */
import type { ChangeSeverity, ContractChange, IoRow } from '../../shared/modelDiff';
import { SEVERITY_ORDER } from '../../shared/modelDiff';
import { formatShape } from '../../shared/format';
import type { Dim, ModelInspection, TensorInfo } from '../../shared/modelInspection';
import { compareVersions, minimumOrtRelease, NEWEST_KNOWN_RELEASE } from './ortReleases';

export interface ContractOptions {
  /** The execution provider the service runs (default `cpu`). */
  ep?: string;
  /** The ONNX Runtime release the service runs (`1.17.0`); opset/IR bumps past it are breaking. */
  ortVersion?: string | null;
}

/** Domains every ONNX runtime implements (as in `inspect.ts`). */
const STANDARD_DOMAINS = new Set(['', 'ai.onnx', 'ai.onnx.ml', 'ai.onnx.training', 'ai.onnx.preview.training']);

type Role = 'input' | 'output';
type Positioned = TensorInfo & { position: number };

function positioned(list: readonly TensorInfo[]): Positioned[] {
  return list.map((t, position) => ({ ...t, position }));
}

function shapeText(shape: readonly Dim[] | null): string {
  return formatShape(shape);
}

function sameSignature(a: TensorInfo, b: TensorInfo): boolean {
  return a.dtype === b.dtype && shapeText(a.shape) === shapeText(b.shape);
}

function isDynamic(d: Dim): boolean {
  return typeof d === 'string';
}

function dimLabel(d: Dim): string {
  return d === '?' ? 'an unnamed dynamic dim' : typeof d === 'string' ? `dynamic '${d}'` : String(d);
}

/** The domain of an op histogram key (`com.microsoft::FusedMatMul` → `com.microsoft`, `Conv` → ``). */
function opDomain(key: string): string {
  const i = key.lastIndexOf('::');
  return i < 0 ? '' : key.slice(0, i);
}

/**
 * Compares the contract of `before` and `after`.
 *
 * IO tensors are matched by name; the ones left over are paired as "renamed?" when they have the same position,
 * dtype and shape (then, failing that, when exactly one candidate has the same dtype and shape).
 */
export function diffContract(before: ModelInspection, after: ModelInspection, options: ContractOptions = {}): { changes: ContractChange[]; io: IoRow[] } {
  const changes: ContractChange[] = [];
  const io: IoRow[] = [];
  for (const role of ['input', 'output'] as const) {
    diffIo(role, positioned(role === 'input' ? before.inputs : before.outputs), positioned(role === 'input' ? after.inputs : after.outputs), changes, io);
  }
  diffBatch(before, after, changes);
  diffVersions(before, after, options, changes);
  diffOps(before, after, changes);
  diffExternalData(before, after, changes);
  // Stable sort: breaking first, then compatible, then informational; discovery order within each.
  const sorted = changes.map((c, i) => [c, i] as const).sort((a, b) => SEVERITY_ORDER[a[0].severity] - SEVERITY_ORDER[b[0].severity] || a[1] - b[1]).map(([c]) => c);
  return { changes: sorted, io };
}

function worst(list: readonly ContractChange[]): ChangeSeverity | null {
  let best: ChangeSeverity | null = null;
  for (const c of list) if (best === null || SEVERITY_ORDER[c.severity] < SEVERITY_ORDER[best]) best = c.severity;
  return best;
}

function diffIo(role: Role, olds: Positioned[], news: Positioned[], changes: ContractChange[], io: IoRow[]): void {
  const newByName = new Map(news.map((t) => [t.name, t]));
  const oldNames = new Set(olds.map((t) => t.name));
  const pairs: Array<[Positioned, Positioned, boolean]> = [];
  const goneOld: Positioned[] = [];
  for (const o of olds) {
    const n = newByName.get(o.name);
    if (n) pairs.push([o, n, false]);
    else goneOld.push(o);
  }
  const freshNew = news.filter((n) => !oldNames.has(n.name));
  // Renamed? Same position + dtype + shape first, then a unique dtype + shape match.
  const renamed = new Map<Positioned, Positioned>();
  for (const o of goneOld) {
    const n = freshNew.find((c) => c.position === o.position && sameSignature(o, c) && ![...renamed.values()].includes(c));
    if (n) renamed.set(o, n);
  }
  for (const o of goneOld) {
    if (renamed.has(o)) continue;
    const candidates = freshNew.filter((c) => sameSignature(o, c) && ![...renamed.values()].includes(c));
    const others = goneOld.filter((x) => x !== o && !renamed.has(x) && candidates.some((c) => sameSignature(x, c)));
    if (candidates.length === 1 && others.length === 0) renamed.set(o, candidates[0]!);
  }
  for (const [o, n] of renamed) pairs.push([o, n, true]);

  const Role = role === 'input' ? 'Input' : 'Output';
  for (const [o, n, isRename] of pairs) {
    const rowChanges: ContractChange[] = [];
    const push = (c: ContractChange): void => {
      rowChanges.push(c);
      changes.push(c);
    };
    const cells = new Set<IoRow['changed'][number]>();
    if (isRename) {
      cells.add('name');
      push({
        kind: `${role}-renamed`,
        severity: 'breaking',
        role,
        subject: n.name,
        before: o.name,
        after: n.name,
        reason:
          role === 'input'
            ? `${Role} '${o.name}' is gone and '${n.name}' takes its place (same ${o.position === n.position ? 'position, ' : ''}dtype and shape): renamed? Clients that send '${o.name}' are refused (unknown input name) and never send '${n.name}'.`
            : `${Role} '${o.name}' is gone and '${n.name}' takes its place (same ${o.position === n.position ? 'position, ' : ''}dtype and shape): renamed? Clients that read '${o.name}' find nothing.`,
      });
    }
    const subject = n.name;
    if (o.dtype !== n.dtype) {
      cells.add('dtype');
      push({
        kind: 'dtype-changed',
        severity: 'breaking',
        role,
        subject,
        before: o.dtype,
        after: n.dtype,
        reason:
          role === 'input'
            ? `${Role} '${subject}' changed type from ${o.dtype} to ${n.dtype}: requests built with ${o.dtype} tensors are refused (type mismatch).`
            : `${Role} '${subject}' changed type from ${o.dtype} to ${n.dtype}: clients decoding ${o.dtype} read garbage or fail.`,
      });
    }
    diffShape(role, subject, o, n, push, cells);
    if (o.position !== n.position) {
      cells.add('position');
      push({
        kind: 'position-changed',
        severity: 'informational',
        role,
        subject,
        before: String(o.position),
        after: String(n.position),
        reason: `${Role} '${subject}' moved from position ${o.position} to ${n.position}. ONNX Runtime, Triton and KServe v2 bind tensors by name, so only clients that pass them by position notice.`,
      });
    }
    io.push({ role, old: o, new: n, changed: [...cells], severity: worst(rowChanges) });
  }
  for (const o of goneOld) {
    if (renamed.has(o)) continue;
    const c: ContractChange = {
      kind: `${role}-removed`,
      severity: 'breaking',
      role,
      subject: o.name,
      before: `${o.dtype} ${shapeText(o.shape)}`,
      reason:
        role === 'input'
          ? `Input '${o.name}' (${o.dtype} ${shapeText(o.shape)}) was removed: clients that still send it are refused (ONNX Runtime: invalid input name; Triton: unexpected inference input).`
          : `Output '${o.name}' (${o.dtype} ${shapeText(o.shape)}) was removed: clients that read or request it fail.`,
    };
    changes.push(c);
    io.push({ role, old: o, new: null, changed: ['presence'], severity: c.severity });
  }
  const renamedNew = new Set(renamed.values());
  for (const n of freshNew) {
    if (renamedNew.has(n)) continue;
    const c: ContractChange =
      role === 'input'
        ? {
            kind: 'input-added',
            severity: 'breaking',
            role,
            subject: n.name,
            after: `${n.dtype} ${shapeText(n.shape)}`,
            reason: `New required input '${n.name}' (${n.dtype} ${shapeText(n.shape)}) has no default (no initializer): requests from current clients lack it and are refused.`,
          }
        : {
            kind: 'output-added',
            severity: 'compatible',
            role,
            subject: n.name,
            after: `${n.dtype} ${shapeText(n.shape)}`,
            reason: `New output '${n.name}' (${n.dtype} ${shapeText(n.shape)}): current clients ignore it.`,
          };
    changes.push(c);
    io.push({ role, old: null, new: n, changed: ['presence'], severity: c.severity });
  }
  io.sort((a, b) => (a.role === b.role ? (a.new?.position ?? a.old!.position + 1000) - (b.new?.position ?? b.old!.position + 1000) : a.role === 'input' ? -1 : 1));
}

function diffShape(role: Role, subject: string, o: TensorInfo, n: TensorInfo, push: (c: ContractChange) => void, cells: Set<IoRow['changed'][number]>): void {
  const Role = role === 'input' ? 'Input' : 'Output';
  const before = shapeText(o.shape);
  const after = shapeText(n.shape);
  if (o.shape === null || n.shape === null) {
    if (o.shape === n.shape) return;
    cells.add('shape');
    push({
      kind: 'shape-unknown',
      severity: 'informational',
      role,
      subject,
      before,
      after,
      reason:
        n.shape === null
          ? `${Role} '${subject}' no longer declares a shape (was ${before}): clients and serving configs can no longer be checked against it.`
          : `${Role} '${subject}' now declares its shape ${after} (was undeclared).`,
    });
    return;
  }
  if (o.shape.length !== n.shape.length) {
    cells.add('shape');
    push({
      kind: 'rank-changed',
      severity: 'breaking',
      role,
      subject,
      before,
      after,
      reason:
        role === 'input'
          ? `${Role} '${subject}' changed rank from ${o.shape.length} to ${n.shape.length} (${before} → ${after}): current requests are refused.`
          : `${Role} '${subject}' changed rank from ${o.shape.length} to ${n.shape.length} (${before} → ${after}): clients indexing the old layout break.`,
    });
    return;
  }
  o.shape.forEach((od, axis) => {
    const nd = n.shape![axis]!;
    if (od === nd) return;
    const at = `axis ${axis} of ${role} '${subject}'`;
    const base = { role, subject, before: String(od), after: String(nd), axis };
    if (!isDynamic(od) && !isDynamic(nd)) {
      cells.add('shape');
      push({
        ...base,
        kind: 'dim-size-changed',
        severity: 'breaking',
        reason: role === 'input' ? `The fixed size of ${at} changed from ${od} to ${nd}: requests sized for ${od} are refused.` : `The fixed size of ${at} changed from ${od} to ${nd}: clients expecting ${od} values read the wrong layout.`,
      });
    } else if (!isDynamic(od) && isDynamic(nd)) {
      cells.add('shape');
      push({
        ...base,
        kind: 'dim-fixed-to-dynamic',
        severity: 'compatible',
        reason:
          role === 'input'
            ? `${at[0]!.toUpperCase()}${at.slice(1)} was fixed at ${od} and is now ${dimLabel(nd)}: current requests still fit.`
            : `${at[0]!.toUpperCase()}${at.slice(1)} was fixed at ${od} and is now ${dimLabel(nd)}: clients that assumed ${od} should read the returned shape.`,
      });
    } else if (isDynamic(od) && !isDynamic(nd)) {
      cells.add('shape');
      push({
        ...base,
        kind: 'dim-dynamic-to-fixed',
        severity: role === 'input' ? 'breaking' : 'compatible',
        reason:
          role === 'input'
            ? `${at[0]!.toUpperCase()}${at.slice(1)} was ${dimLabel(od)} and is now fixed at ${nd}: requests with any other size are refused.`
            : `${at[0]!.toUpperCase()}${at.slice(1)} was ${dimLabel(od)} and is now always ${nd}: still a size clients accept.`,
      });
    } else {
      cells.add('shape');
      push({
        ...base,
        kind: 'dim-renamed',
        severity: 'informational',
        reason: `${at[0]!.toUpperCase()}${at.slice(1)} is still dynamic but was ${dimLabel(od)} and is now ${dimLabel(nd)}: dims that shared a name (e.g. one batch axis) may no longer be tied together, and configs that name the dim (Triton, --dim) need the new name.`,
      });
    }
  });
}

function diffBatch(before: ModelInspection, after: ModelInspection, changes: ContractChange[]): void {
  const b = before.batch.supportsTritonBatching;
  const a = after.batch.supportsTritonBatching;
  if (b && !a) {
    changes.push({
      kind: 'batch-dim-lost',
      severity: 'breaking',
      role: 'batch',
      subject: String(before.batch.leadingDim ?? 'batch'),
      before: `shared dynamic leading dim '${String(before.batch.leadingDim)}'`,
      after: 'none',
      reason: `The shared dynamic batch axis is gone: ${after.batch.reason}. A Triton config with max_batch_size > 0 no longer loads, and batched requests are refused.`,
    });
  } else if (!b && a) {
    changes.push({
      kind: 'batch-dim-gained',
      severity: 'compatible',
      role: 'batch',
      subject: String(after.batch.leadingDim ?? 'batch'),
      before: 'none',
      after: `shared dynamic leading dim '${String(after.batch.leadingDim)}'`,
      reason: `Every input and output now shares a dynamic leading dim, so Triton dynamic batching (max_batch_size > 0) becomes possible.`,
    });
  }
}

function runtimeVerdict(min: string | null, options: ContractOptions): { severity: ChangeSeverity; note: string } {
  const ort = options.ortVersion ?? null;
  if (min === null) {
    return { severity: ort ? 'breaking' : 'informational', note: `no ONNX Runtime release up to ${NEWEST_KNOWN_RELEASE} is listed as supporting it` };
  }
  if (ort && compareVersions(min, ort) > 0) return { severity: 'breaking', note: `needs ONNX Runtime ≥ ${min}; the service runs ${ort}` };
  return { severity: 'informational', note: `needs ONNX Runtime ≥ ${min}${ort ? ` (the service runs ${ort})` : ''}` };
}

function diffVersions(before: ModelInspection, after: ModelInspection, options: ContractOptions, changes: ContractChange[]): void {
  if (before.irVersion !== after.irVersion && after.irVersion !== null) {
    const up = before.irVersion === null || after.irVersion > before.irVersion;
    const v = up ? runtimeVerdict(minimumOrtRelease('ir', after.irVersion), options) : { severity: 'informational' as const, note: 'older runtimes can load it too' };
    changes.push({
      kind: 'ir-version-changed',
      severity: v.severity,
      role: 'ir',
      subject: 'ir_version',
      before: before.irVersion === null ? 'unset' : String(before.irVersion),
      after: String(after.irVersion),
      reason: `IR version ${before.irVersion ?? 'unset'} → ${after.irVersion}: ${v.note}.`,
    });
  }
  const domains = new Set([...Object.keys(before.opsets), ...Object.keys(after.opsets)]);
  for (const d of domains) {
    const o = Object.hasOwn(before.opsets, d) ? before.opsets[d] : undefined;
    const n = Object.hasOwn(after.opsets, d) ? after.opsets[d] : undefined;
    if (o === n) continue;
    if (o !== undefined && n !== undefined) {
      const up = n > o;
      const table = d === 'ai.onnx' ? 'opset' : d === 'ai.onnx.ml' ? 'ai.onnx.ml' : null;
      const v = up && table ? runtimeVerdict(minimumOrtRelease(table, n), options) : { severity: 'informational' as const, note: up ? 'a runtime must implement this domain version' : 'a downgrade; current runtimes still load it' };
      changes.push({ kind: 'opset-changed', severity: v.severity, role: 'opset', subject: d, before: String(o), after: String(n), reason: `Opset of '${d}' ${o} → ${n}: ${v.note}.` });
    } else if (n !== undefined) {
      const table = d === 'ai.onnx' ? 'opset' : d === 'ai.onnx.ml' ? 'ai.onnx.ml' : null;
      const v = table ? runtimeVerdict(minimumOrtRelease(table, n), options) : { severity: 'informational' as const, note: 'an opset import of a new domain' };
      changes.push({ kind: 'opset-domain-added', severity: v.severity, role: 'opset', subject: d, after: String(n), reason: `Imports domain '${d}' version ${n}: ${v.note}.` });
    } else {
      changes.push({ kind: 'opset-domain-removed', severity: 'informational', role: 'opset', subject: d, before: String(o), reason: `No longer imports domain '${d}' (was version ${o}).` });
    }
  }
}

function diffOps(before: ModelInspection, after: ModelInspection, changes: ContractChange[]): void {
  const o = before.opHistogram;
  const n = after.opHistogram;
  const customBefore = new Set(Object.keys(o).map(opDomain).filter((d) => !STANDARD_DOMAINS.has(d)));
  const customAfter = new Set(Object.keys(n).map(opDomain).filter((d) => !STANDARD_DOMAINS.has(d)));
  for (const d of customAfter) {
    if (customBefore.has(d)) continue;
    const ops = Object.keys(n).filter((k) => opDomain(k) === d).map((k) => k.slice(d.length + 2));
    const ortBuiltIn = d === 'com.microsoft' || d.startsWith('com.microsoft.') || d === 'com.ms.internal.nhwc';
    const localFunctions = after.functionCount > 0;
    changes.push({
      kind: 'custom-domain-added',
      severity: ortBuiltIn || localFunctions ? 'informational' : 'breaking',
      role: 'ops',
      subject: d,
      after: ops.slice(0, 8).join(', ') + (ops.length > 8 ? ', …' : ''),
      reason: ortBuiltIn
        ? `Now uses ops of '${d}' (${ops.slice(0, 5).join(', ')}${ops.length > 5 ? ', …' : ''}): ONNX Runtime contrib ops; runtimes other than ONNX Runtime (TensorRT, OpenVINO, TVM) may lack them.`
        : localFunctions
          ? `Now uses ops of '${d}' (${ops.slice(0, 5).join(', ')}${ops.length > 5 ? ', …' : ''}); the model defines local functions, which may implement them.`
          : `Now uses ops of the custom domain '${d}' (${ops.slice(0, 5).join(', ')}${ops.length > 5 ? ', …' : ''}): the serving runtime must register a custom-op library for it, or the model does not load.`,
    });
  }
  for (const d of customBefore) {
    if (!customAfter.has(d)) changes.push({ kind: 'custom-domain-removed', severity: 'informational', role: 'ops', subject: d, reason: `No longer uses ops of the custom domain '${d}': its custom-op library is no longer needed.` });
  }
  const added = Object.keys(n).filter((k) => !Object.hasOwn(o, k)).sort();
  const removed = Object.keys(o).filter((k) => !Object.hasOwn(n, k)).sort();
  for (const k of added) {
    changes.push({ kind: 'op-added', severity: 'informational', role: 'ops', subject: k, before: '0', after: String(n[k]), reason: `New operator ${k} (×${n[k]}): the serving runtime and execution provider must implement it at opset ${after.opsets[opDomain(k) || 'ai.onnx'] ?? '?'}.` });
  }
  for (const k of removed) {
    changes.push({ kind: 'op-removed', severity: 'informational', role: 'ops', subject: k, before: String(o[k]), after: '0', reason: `Operator ${k} (×${o[k]}) is no longer used.` });
  }
}

function diffExternalData(before: ModelInspection, after: ModelInspection, changes: ContractChange[]): void {
  const olds = new Map(before.externalData.map((e) => [e.location, e]));
  for (const e of after.externalData) {
    if (e.refused || !e.exists) {
      changes.push({
        kind: 'external-data-missing',
        severity: 'breaking',
        role: 'external-data',
        subject: e.location,
        reason: e.refused
          ? `External data '${e.location}' is refused (${e.refused}): ONNX Runtime refuses it too, so the new model does not load.`
          : `External data file '${e.location}' (${e.tensors} tensor${e.tensors === 1 ? '' : 's'}) is missing next to the new model: it does not load until the file ships with it.`,
      });
      continue;
    }
    const o = olds.get(e.location);
    if (!o) {
      changes.push({
        kind: 'external-data-changed',
        severity: 'informational',
        role: 'external-data',
        subject: e.location,
        after: `${e.tensors} tensors, ${e.bytes} bytes`,
        reason: before.externalData.length === 0 ? `Weights moved to external data '${e.location}': the file must ship next to the model (image, model repository, volume).` : `New external data file '${e.location}': it must ship next to the model.`,
      });
    }
  }
  const news = new Set(after.externalData.map((e) => e.location));
  for (const o of before.externalData) {
    if (news.has(o.location)) continue;
    changes.push({
      kind: 'external-data-changed',
      severity: 'informational',
      role: 'external-data',
      subject: o.location,
      before: `${o.tensors} tensors, ${o.bytes} bytes`,
      reason: after.externalData.length === 0 ? `Weights are inline again; '${o.location}' is no longer needed.` : `External data file '${o.location}' is no longer used.`,
    });
  }
}
