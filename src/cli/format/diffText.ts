/** The `ml-preflight diff` report as terminal text. Pure: diff in, string out; model strings pass through `sanitizeForTerminal`. */
import { formatBytes, formatCount, formatFlops } from '../../shared/format';
import { summarizeAssumption } from '../../shared/dimAssumptions';
import type { ChangeSeverity, ModelDiff, NumberDelta, TensorChange } from '../../shared/modelDiff';
import { renderTable, sanitizeForTerminal as t } from './table';

const LABEL: Record<ChangeSeverity, string> = { breaking: 'BREAKING', compatible: 'compatible', informational: 'info' };

function delta(d: NumberDelta, fmt: (n: number) => string): string {
  if (d.before === null && d.after === null) return 'unknown';
  const b = d.before === null ? 'unknown' : fmt(d.before);
  const a = d.after === null ? 'unknown' : fmt(d.after);
  if (d.delta === 0) return `${a} (unchanged)`;
  const rel = d.relative === null ? '' : ` (${d.relative >= 0 ? '+' : ''}${(d.relative * 100).toFixed(1)} %)`;
  return `${b} → ${a}${rel}`;
}

function dims(x: number[] | null): string {
  return x === null ? '—' : `[${x.join(',')}]`;
}

function tensorRow(c: TensorChange): string[] {
  const dt = c.dtype.before === c.dtype.after ? (c.dtype.after ?? c.dtype.before ?? '') : `${c.dtype.before ?? '—'} → ${c.dtype.after ?? '—'}`;
  const dm = dims(c.dims.before) === dims(c.dims.after) ? dims(c.dims.after) : `${dims(c.dims.before)} → ${dims(c.dims.after)}`;
  const diff = c.change === 'changed' ? `${c.changedElements === undefined ? '' : `${formatCount(c.changedElements)} el.`}${c.maxAbsDiff !== undefined && c.maxAbsDiff !== null ? `, max |Δ| ${c.maxAbsDiff.toPrecision(4)}` : ''}${c.nonFinite ? ', NaN/∞' : ''}` : t(c.note ?? '', 80);
  return [t(c.name, 60), c.change, t(dt, 40), t(dm, 60), diff];
}

export function formatDiffText(d: ModelDiff): string {
  const out: string[] = [];
  out.push(`${t(d.old.label, 200)} → ${t(d.new.label, 200)}`);
  const verdict =
    d.verdict === 'breaking'
      ? `${d.counts.breaking} BREAKING change${d.counts.breaking === 1 ? '' : 's'} for clients of the deployed model`
      : d.verdict === 'compatible'
        ? 'no breaking change: current clients keep working'
        : d.verdict === 'informational'
          ? 'no change to the serving contract'
          : 'identical in everything compared';
  out.push(`  ${verdict} (${d.counts.breaking} breaking, ${d.counts.compatible} compatible, ${d.counts.informational} informational)`);
  if (d.old.version !== null || d.new.version !== null) out.push(`  declared version: ${t(d.old.version ?? 'none', 40)} → ${t(d.new.version ?? 'none', 40)}`);

  if (d.changes.length) {
    out.push('', 'Contract changes');
    for (const c of d.changes) out.push(`  ${LABEL[c.severity].padEnd(10)}  ${c.kind}: ${t(c.reason, 400)}`);
  }

  out.push('', 'Inputs and outputs');
  const side = (x: (typeof d.io)[number]['old']): string => (x ? `${t(x.name, 40)} ${t(x.dtype, 20)} [${x.shape === null ? 'unknown' : x.shape.map((s) => t(String(s), 20)).join(',')}]` : '—');
  out.push(renderTable([{ header: '' }, { header: 'old' }, { header: 'new' }, { header: 'changed' }], d.io.map((r) => [r.role, side(r.old), side(r.new), r.changed.length ? `${r.changed.join(', ')}${r.severity === 'breaking' ? ' !' : ''}` : ''])));

  const m = d.model;
  out.push('', 'Model changes');
  const facts: Array<[string, string]> = [
    ['Parameters', delta(m.parameters, formatCount)],
    ['Weights', `${delta(m.weightBytes, formatBytes)}${m.weightBytesByDtype.length ? `; ${m.weightBytesByDtype.map((w) => `${t(w.dtype, 20)} ${delta(w, formatBytes)}`).join(', ')}` : ''}`],
    ['File', delta(m.fileBytes, formatBytes)],
    ['FLOPs', `${delta(m.flops, (n) => formatFlops(n))}${Object.keys(m.flopsAssumption).length ? ` at ${t(summarizeAssumption(m.flopsAssumption), 300)}` : ''}`],
    ['Nodes', delta(m.nodeCount, String)],
    ['Quantization', m.quantization.changed ? `${m.quantization.before} → ${m.quantization.after}` : `${m.quantization.after} (unchanged)`],
  ];
  if (m.producer.changed) facts.push(['Producer', `${t(m.producer.before || 'unknown', 60)} → ${t(m.producer.after || 'unknown', 60)}`]);
  const w = Math.max(...facts.map(([k]) => k.length));
  for (const [k, v] of facts) out.push(`  ${k.padEnd(w)}  ${v}`);
  if (m.opHistogram.length) {
    out.push('', 'Operator counts');
    out.push(renderTable([{ header: 'op' }, { header: 'before', align: 'right' }, { header: 'after', align: 'right' }, { header: 'Δ', align: 'right' }], m.opHistogram.slice(0, 15).map((o) => [t(o.op, 60), String(o.before), String(o.after), `${o.delta > 0 ? '+' : ''}${o.delta}`])));
    if (m.opHistogram.length > 15) out.push(`  … ${m.opHistogram.length - 15} more (use --json for all)`);
  }
  if (m.metadata.length) {
    out.push('', 'Metadata');
    out.push(renderTable([{ header: 'key' }, { header: 'change' }, { header: 'before' }, { header: 'after' }], m.metadata.map((e) => [`${t(e.key, 50)}${e.preprocessing ? ' (preprocessing!)' : ''}`, e.change, t(e.before ?? '', 60), t(e.after ?? '', 60)])));
    if (m.metadata.some((e) => e.preprocessing)) out.push('  ! preprocessing metadata changed: the serving code that prepares inputs must change with it, or training/serving skew follows');
  }

  const init = d.initializers;
  if (init) {
    out.push('', `Weights (streamed, ${formatBytes(init.bytesRead)} read): ${init.changed} changed, ${init.added} added, ${init.removed} removed, ${init.reshaped} reshaped, ${init.retyped} retyped, ${init.notCompared} not compared, ${init.unchanged} unchanged`);
    if (init.tensors.length) {
      const shown = init.tensors.slice(0, 20);
      out.push(renderTable([{ header: 'tensor' }, { header: 'change' }, { header: 'dtype' }, { header: 'dims' }, { header: 'difference' }], shown.map(tensorRow)));
      const more = init.tensors.length - shown.length + init.omitted;
      if (more > 0) out.push(`  … ${more} more (use --json)`);
    }
  } else {
    out.push('', 'Weights: not compared (--contract-only)');
  }
  if (d.performance) {
    const p = d.performance;
    out.push('', `Latency and memory (saved profiles, ${t(p.ep, 20)}, batch ${p.batch})`);
    out.push(`  p50         ${delta(p.p50Ms, (n) => `${n.toFixed(2)} ms`)}`);
    out.push(`  p99         ${delta(p.p99Ms, (n) => `${n.toFixed(2)} ms`)}${p.budgetMs !== null ? `  (budget ${p.budgetMs} ms: ${p.overBudget ? 'OVER' : 'within'})` : ''}`);
    out.push(`  throughput  ${delta(p.throughput, (n) => `${n.toFixed(1)}/s`)}`);
    out.push(`  peak RSS    ${delta(p.peakRssBytes, formatBytes)}`);
    if (p.caveat) out.push(`  ! ${t(p.caveat, 300)}`);
  }
  return out.join('\n') + '\n';
}
