/**
 * A model diff as GitHub-flavoured Markdown, for a pull-request comment or a job summary
 * (`ml-preflight diff --markdown >> "$GITHUB_STEP_SUMMARY"`). Pure. Every string that comes from a model is
 * escaped with {@link markdownCell}, so a tensor named `a|b` or `<img src=x>` stays text in its cell.
 */
import { formatBytes, formatCount, formatDelta, formatFlops } from '../../shared/format';
import { summarizeAssumption } from '../../shared/dimAssumptions';
import type { ChangeSeverity, ModelDiff } from '../../shared/modelDiff';
import { markdownText } from '../../shared/escape';

/** The one Markdown escaper (src/shared/escape.ts), under the name this module's callers and tests use. */
export const markdownCell = markdownText;

const ICON: Record<ChangeSeverity, string> = { breaking: '🔴 breaking', compatible: '🟢 compatible', informational: 'ℹ️ info' };


/** The diff as Markdown: verdict, contract changes (breaking first), IO side by side, model changes, weights. */
export function formatDiffMarkdown(d: ModelDiff): string {
  const out: string[] = [];
  const verdict =
    d.verdict === 'breaking'
      ? `**${d.counts.breaking} breaking change${d.counts.breaking === 1 ? '' : 's'}** for clients of the deployed model`
      : d.verdict === 'compatible'
        ? 'No breaking change: current clients keep working'
        : d.verdict === 'informational'
          ? 'No change to the serving contract'
          : 'The models are identical in everything compared';
  out.push(`### Model diff: ${markdownCell(d.old.label, 120)} → ${markdownCell(d.new.label, 120)}`, '');
  out.push(`${d.verdict === 'breaking' ? '🔴' : '🟢'} ${verdict} (${d.counts.breaking} breaking, ${d.counts.compatible} compatible, ${d.counts.informational} informational).`);
  if (d.old.version !== null || d.new.version !== null) out.push('', `Declared version: ${markdownCell(d.old.version ?? 'none')} → ${markdownCell(d.new.version ?? 'none')}`);
  out.push('');
  if (d.changes.length) {
    out.push('| | change | subject | before | after | why |', '|---|---|---|---|---|---|');
    for (const c of d.changes) {
      out.push(`| ${ICON[c.severity]} | ${c.kind} | ${markdownCell(c.subject, 80)}${c.axis !== undefined ? ` (axis ${c.axis})` : ''} | ${markdownCell(c.before ?? '')} | ${markdownCell(c.after ?? '')} | ${markdownCell(c.reason, 400)} |`);
    }
    out.push('');
  }
  out.push('<details><summary>Inputs and outputs</summary>', '', '| role | old | new | changed |', '|---|---|---|---|');
  for (const r of d.io) {
    const side = (t: typeof r.old): string => (t ? `${markdownCell(t.name, 60)}: ${markdownCell(t.dtype)} ${markdownCell(t.shape === null ? 'unknown' : `[${t.shape.join(', ')}]`)}` : '—');
    out.push(`| ${r.role} | ${side(r.old)} | ${side(r.new)} | ${r.changed.join(', ') || '—'} |`);
  }
  out.push('', '</details>', '');
  const m = d.model;
  out.push('<details><summary>Model changes</summary>', '', '| | |', '|---|---|');
  out.push(`| parameters | ${formatDelta(m.parameters, formatCount)} |`);
  out.push(`| weights | ${formatDelta(m.weightBytes, formatBytes)} |`);
  for (const w of m.weightBytesByDtype) out.push(`| weights ${markdownCell(w.dtype)} | ${formatDelta(w, formatBytes)} |`);
  out.push(`| file | ${formatDelta(m.fileBytes, formatBytes)} |`);
  out.push(`| FLOPs | ${formatDelta(m.flops, (n) => formatFlops(n))}${Object.keys(m.flopsAssumption).length ? ` at ${markdownCell(summarizeAssumption(m.flopsAssumption))}` : ''} |`);
  out.push(`| nodes | ${formatDelta(m.nodeCount, String)} |`);
  out.push(`| quantization | ${m.quantization.changed ? `${m.quantization.before} → ${m.quantization.after}` : `${m.quantization.after} (unchanged)`} |`);
  if (m.producer.changed) out.push(`| producer | ${markdownCell(m.producer.before || 'unknown')} → ${markdownCell(m.producer.after || 'unknown')} |`);
  out.push('');
  if (m.opHistogram.length) {
    out.push('| op | before | after | Δ |', '|---|---:|---:|---:|');
    for (const o of m.opHistogram.slice(0, 20)) out.push(`| ${markdownCell(o.op, 60)} | ${o.before} | ${o.after} | ${o.delta > 0 ? '+' : ''}${o.delta} |`);
    if (m.opHistogram.length > 20) out.push(`| … ${m.opHistogram.length - 20} more | | | |`);
    out.push('');
  }
  if (m.metadata.length) {
    out.push('| metadata | change | before | after |', '|---|---|---|---|');
    for (const e of m.metadata) out.push(`| ${markdownCell(e.key, 60)}${e.preprocessing ? ' ⚠️ preprocessing: update the serving code' : ''} | ${e.change} | ${markdownCell(e.before ?? '', 120)} | ${markdownCell(e.after ?? '', 120)} |`);
    out.push('');
  }
  out.push('</details>', '');
  const init = d.initializers;
  if (init) {
    out.push(`<details><summary>Weights: ${init.changed} changed, ${init.added} added, ${init.removed} removed, ${init.reshaped} reshaped, ${init.retyped} retyped, ${init.unchanged} unchanged</summary>`, '');
    if (init.tensors.length) {
      out.push('| tensor | change | dtype | dims | changed elements | max abs diff |', '|---|---|---|---|---:|---:|');
      for (const t of init.tensors.slice(0, 50)) {
        const dims = (x: number[] | null): string => (x === null ? '—' : `[${x.join(', ')}]`);
        out.push(
          `| ${markdownCell(t.name, 80)} | ${t.change}${t.note ? ` (${markdownCell(t.note, 120)})` : ''} | ${markdownCell(t.dtype.before ?? '—')}${t.dtype.after !== t.dtype.before ? ` → ${markdownCell(t.dtype.after ?? '—')}` : ''} | ${dims(t.dims.before)}${dims(t.dims.after) !== dims(t.dims.before) ? ` → ${dims(t.dims.after)}` : ''} | ${t.changedElements ?? ''} | ${t.maxAbsDiff === undefined || t.maxAbsDiff === null ? '' : t.maxAbsDiff.toPrecision(4)} |`,
        );
      }
      const more = init.tensors.length - 50 + init.omitted;
      if (more > 0) out.push(`| … ${more} more | | | | | |`);
    }
    out.push('', '</details>', '');
  }
  if (d.performance) {
    const p = d.performance;
    out.push(`**Latency and memory** (saved profiles, ${markdownCell(p.ep)}, batch ${p.batch}): p50 ${formatDelta(p.p50Ms, (n) => `${n.toFixed(2)} ms`)}, p99 ${formatDelta(p.p99Ms, (n) => `${n.toFixed(2)} ms`)}, throughput ${formatDelta(p.throughput, (n) => `${n.toFixed(1)}/s`)}, peak RSS ${formatDelta(p.peakRssBytes, formatBytes)}${p.budgetMs !== null ? `; budget ${p.budgetMs} ms: ${p.overBudget ? '**over budget**' : 'within'}` : ''}${p.caveat ? ` (${markdownCell(p.caveat)})` : ''}`, '');
  }
  return out.join('\n');
}
