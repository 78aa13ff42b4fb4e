/**
 * Renders a model diff with DOM APIs only (text nodes and `setAttribute`; nothing parses HTML), so tensor names,
 * op types and metadata from the models stay text. Breaking changes come first; the IO tables sit side by side
 * with changed cells marked; operator-count deltas are an SVG bar chart.
 */
import { summarizeAssumption } from '../../src/shared/dimAssumptions';
import { formatBytes, formatCount, formatFlops } from '../../src/shared/format';
import type { ChangeSeverity, IoRow, ModelDiff, NumberDelta, OpDelta } from '../../src/shared/modelDiff';
import { append, h, svg } from '../shared/dom';

export interface DiffActions {
  open(side: 'old' | 'new'): void;
  rerun(): void;
}

const SEVERITY_LABEL: Record<ChangeSeverity, string> = { breaking: 'Breaking', compatible: 'Compatible', informational: 'Info' };

function delta(d: NumberDelta, fmt: (n: number) => string): string {
  if (d.before === null && d.after === null) return 'unknown';
  const b = d.before === null ? 'unknown' : fmt(d.before);
  const a = d.after === null ? 'unknown' : fmt(d.after);
  if (d.delta === 0) return `${a} (unchanged)`;
  const rel = d.relative === null ? '' : ` (${d.relative >= 0 ? '+' : ''}${(d.relative * 100).toFixed(1)} %)`;
  return `${b} → ${a}${rel}`;
}

function verdictText(d: ModelDiff): string {
  if (d.verdict === 'breaking') return `${d.counts.breaking} breaking change${d.counts.breaking === 1 ? '' : 's'} for clients of the deployed model`;
  if (d.verdict === 'compatible') return 'No breaking change: current clients keep working';
  if (d.verdict === 'informational') return 'No change to the serving contract';
  return 'The models are identical in everything compared';
}

function changesTable(doc: Document, d: ModelDiff): HTMLElement {
  if (d.changes.length === 0) return h(doc, 'p', { class: 'detail' }, 'No contract change.');
  const rows = d.changes.map((c) =>
    h(doc, 'tr', { class: `change s-${c.severity}`, 'data-kind': c.kind },
      h(doc, 'td', {}, h(doc, 'span', { class: `badge s-${c.severity}` }, SEVERITY_LABEL[c.severity])),
      h(doc, 'td', { class: 'kind' }, c.kind),
      h(doc, 'td', { class: 'subject' }, c.subject, c.axis !== undefined ? ` (axis ${c.axis})` : ''),
      h(doc, 'td', { class: 'values' }, c.before !== undefined || c.after !== undefined ? `${c.before ?? '—'} → ${c.after ?? '—'}` : ''),
      h(doc, 'td', { class: 'reason' }, c.reason)));
  return h(doc, 'div', { class: 'table-wrap' },
    h(doc, 'table', { class: 'changes' },
      h(doc, 'thead', {}, h(doc, 'tr', {}, h(doc, 'th', {}, ''), h(doc, 'th', {}, 'Change'), h(doc, 'th', {}, 'Subject'), h(doc, 'th', {}, 'Before → after'), h(doc, 'th', {}, 'Why'))),
      h(doc, 'tbody', {}, ...rows)));
}

function ioTable(doc: Document, rows: readonly IoRow[]): HTMLElement {
  const cell = (row: IoRow, side: 'old' | 'new', what: 'name' | 'dtype' | 'shape'): HTMLElement => {
    const t = row[side];
    const text = !t ? '—' : what === 'name' ? t.name : what === 'dtype' ? t.dtype : t.shape === null ? 'unknown' : t.shape.length === 0 ? 'scalar' : t.shape.map(String).join(' × ');
    const changed = row.changed.includes('presence') || row.changed.includes(what);
    return h(doc, 'td', { class: `${side}${changed && t ? ' changed' : ''}${!t ? ' absent' : ''}` }, text);
  };
  const body = rows.map((r) =>
    h(doc, 'tr', { class: r.severity ? `s-${r.severity}` : 'same', 'data-role': r.role, 'data-name': r.new?.name ?? r.old?.name ?? '' },
      h(doc, 'td', { class: 'role' }, r.role),
      cell(r, 'old', 'name'), cell(r, 'old', 'dtype'), cell(r, 'old', 'shape'),
      cell(r, 'new', 'name'), cell(r, 'new', 'dtype'), cell(r, 'new', 'shape'),
      h(doc, 'td', { class: 'changed-cells' }, r.changed.join(', '))));
  return h(doc, 'div', { class: 'table-wrap' },
    h(doc, 'table', { class: 'io' },
      h(doc, 'thead', {},
        h(doc, 'tr', {}, h(doc, 'th', {}, ''), h(doc, 'th', { colspan: 3, class: 'old' }, 'Old'), h(doc, 'th', { colspan: 3, class: 'new' }, 'New'), h(doc, 'th', {}, '')),
        h(doc, 'tr', {}, h(doc, 'th', {}, ''), h(doc, 'th', {}, 'name'), h(doc, 'th', {}, 'dtype'), h(doc, 'th', {}, 'shape'), h(doc, 'th', {}, 'name'), h(doc, 'th', {}, 'dtype'), h(doc, 'th', {}, 'shape'), h(doc, 'th', {}, 'changed'))),
      h(doc, 'tbody', {}, ...body)));
}

/** Horizontal bars of the operator-count deltas: right (green) for more, left (red) for fewer. */
export function opDeltaChart(doc: Document, ops: readonly OpDelta[], max = 20): SVGElement {
  const shown = ops.slice(0, max);
  const rowH = 18;
  const labelW = 190;
  const half = 170;
  const width = labelW + 2 * half + 50;
  const height = shown.length * rowH + 6;
  const biggest = Math.max(1, ...shown.map((o) => Math.abs(o.delta)));
  const chart = svg(doc, 'svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', class: 'chart op-chart' });
  chart.setAttribute('aria-label', 'Operator count changes');
  const zero = labelW + half;
  chart.appendChild(svg(doc, 'line', { x1: zero, y1: 0, x2: zero, y2: height, class: 'axis' }));
  shown.forEach((o, i) => {
    const y = i * rowH + 3;
    const w = (Math.abs(o.delta) / biggest) * half;
    const label = svg(doc, 'text', { x: labelW - 6, y: y + 12, 'text-anchor': 'end', class: 'op-label' });
    label.textContent = o.op.length > 28 ? `${o.op.slice(0, 27)}…` : o.op;
    chart.appendChild(label);
    const bar = svg(doc, 'rect', { x: (o.delta > 0 ? zero : zero - w).toFixed(1), y, width: Math.max(1, w).toFixed(1), height: rowH - 5, class: o.delta > 0 ? 'bar more' : 'bar fewer', 'data-op': o.op });
    const title = svg(doc, 'title', {});
    title.textContent = `${o.op}: ${o.before} → ${o.after} (${o.delta > 0 ? '+' : ''}${o.delta})`;
    bar.appendChild(title);
    chart.appendChild(bar);
    const value = svg(doc, 'text', { x: (o.delta > 0 ? zero + w + 4 : zero - w - 4).toFixed(1), y: y + 12, 'text-anchor': o.delta > 0 ? 'start' : 'end', class: 'op-value' });
    value.textContent = `${o.delta > 0 ? '+' : ''}${o.delta}`;
    chart.appendChild(value);
  });
  return chart;
}

function modelFacts(doc: Document, d: ModelDiff): HTMLElement {
  const m = d.model;
  const rows: Array<[string, string]> = [
    ['Parameters', delta(m.parameters, formatCount)],
    ['Weights', delta(m.weightBytes, formatBytes)],
    ...m.weightBytesByDtype.map((w): [string, string] => [`Weights ${w.dtype}`, delta(w, formatBytes)]),
    ['File', delta(m.fileBytes, formatBytes)],
    ['FLOPs', `${delta(m.flops, (n) => formatFlops(n))}${Object.keys(m.flopsAssumption).length ? ` at ${summarizeAssumption(m.flopsAssumption)}` : ''}`],
    ['Nodes', delta(m.nodeCount, String)],
    ['Quantization', m.quantization.changed ? `${m.quantization.before} → ${m.quantization.after}` : `${m.quantization.after} (unchanged)`],
    ['Producer', m.producer.changed ? `${m.producer.before || 'unknown'} → ${m.producer.after || 'unknown'}` : m.producer.after || 'unknown'],
    ['Declared version', `${d.old.version ?? 'none'} → ${d.new.version ?? 'none'}`],
  ];
  return h(doc, 'table', { class: 'facts' }, h(doc, 'tbody', {}, ...rows.map(([k, v]) => h(doc, 'tr', {}, h(doc, 'th', {}, k), h(doc, 'td', {}, v)))));
}

function metadataTable(doc: Document, d: ModelDiff): HTMLElement | null {
  if (d.model.metadata.length === 0) return null;
  return h(doc, 'div', { class: 'table-wrap' },
    h(doc, 'table', { class: 'metadata' },
      h(doc, 'thead', {}, h(doc, 'tr', {}, h(doc, 'th', {}, 'Key'), h(doc, 'th', {}, 'Change'), h(doc, 'th', {}, 'Before'), h(doc, 'th', {}, 'After'))),
      h(doc, 'tbody', {}, ...d.model.metadata.map((e) =>
        h(doc, 'tr', { class: e.preprocessing ? 'preprocessing' : '' },
          h(doc, 'td', {}, e.key, e.preprocessing ? h(doc, 'span', { class: 'badge s-breaking', title: 'Preprocessing metadata: the serving code must change with it' }, 'preprocessing') : null),
          h(doc, 'td', {}, e.change), h(doc, 'td', {}, e.before ?? ''), h(doc, 'td', {}, e.after ?? ''))))));
}

function weightsSection(doc: Document, d: ModelDiff): HTMLElement[] {
  const init = d.initializers;
  if (!init) return [];
  const out: HTMLElement[] = [h(doc, 'h2', {}, 'Weights'), h(doc, 'p', { class: 'detail' }, `${init.changed} changed, ${init.added} added, ${init.removed} removed, ${init.reshaped} reshaped, ${init.retyped} retyped, ${init.notCompared} not compared, ${init.unchanged} unchanged (${formatBytes(init.bytesRead)} read from disk)`)];
  if (init.tensors.length) {
    const dims = (x: number[] | null): string => (x === null ? '—' : `[${x.join(', ')}]`);
    out.push(h(doc, 'div', { class: 'table-wrap' },
      h(doc, 'table', { class: 'tensors' },
        h(doc, 'thead', {}, h(doc, 'tr', {}, h(doc, 'th', {}, 'Tensor'), h(doc, 'th', {}, 'Change'), h(doc, 'th', {}, 'dtype'), h(doc, 'th', {}, 'dims'), h(doc, 'th', {}, 'Difference'))),
        h(doc, 'tbody', {}, ...init.tensors.slice(0, 100).map((t) =>
          h(doc, 'tr', { 'data-change': t.change },
            h(doc, 'td', {}, t.name), h(doc, 'td', {}, t.change),
            h(doc, 'td', {}, t.dtype.before === t.dtype.after ? (t.dtype.after ?? '') : `${t.dtype.before ?? '—'} → ${t.dtype.after ?? '—'}`),
            h(doc, 'td', {}, dims(t.dims.before) === dims(t.dims.after) ? dims(t.dims.after) : `${dims(t.dims.before)} → ${dims(t.dims.after)}`),
            h(doc, 'td', {}, t.change === 'changed' ? `${t.changedElements !== undefined ? `${formatCount(t.changedElements)} elements` : ''}${t.maxAbsDiff !== undefined && t.maxAbsDiff !== null ? `, max |Δ| ${t.maxAbsDiff.toPrecision(4)}` : ''}` : (t.note ?? ''))))))));
    const more = Math.max(0, init.tensors.length - 100) + init.omitted;
    if (more) out.push(h(doc, 'p', { class: 'detail' }, `… ${more} more`));
  }
  return out;
}

export function renderDiff(root: HTMLElement, d: ModelDiff, actions: DiffActions): void {
  const doc = root.ownerDocument;
  const side = (which: 'old' | 'new'): HTMLElement => {
    const b = h(doc, 'button', { class: 'link', type: 'button', 'data-action': `open-${which}`, title: `Open ${d[which].label}` }, d[which].label);
    b.addEventListener('click', () => actions.open(which));
    return h(doc, 'div', { class: 'side' }, h(doc, 'span', { class: 'label' }, which === 'old' ? 'Old' : 'New'), b, h(doc, 'span', { class: 'detail' }, formatBytes(d[which].bytes)));
  };
  const rerun = h(doc, 'button', { type: 'button', class: 'action', 'data-action': 'rerun' }, 'Compare again');
  rerun.addEventListener('click', () => actions.rerun());
  const ok = d.verdict !== 'breaking';
  const children: Array<HTMLElement | SVGElement | null> = [
    h(doc, 'header', { class: 'diff-header' }, h(doc, 'h1', {}, 'Compare models'), side('old'), side('new'), h(doc, 'div', { class: 'actions' }, rerun)),
    h(doc, 'div', { class: `verdict ${ok ? 'ok' : 'breaking'}`, role: 'status' }, verdictText(d), h(doc, 'span', { class: 'detail' }, ` · ${d.counts.breaking} breaking, ${d.counts.compatible} compatible, ${d.counts.informational} informational`)),
    h(doc, 'h2', {}, 'Contract changes'),
    changesTable(doc, d),
    h(doc, 'h2', {}, 'Inputs and outputs'),
    ioTable(doc, d.io),
    h(doc, 'h2', {}, 'Model'),
    modelFacts(doc, d),
  ];
  if (d.model.opHistogram.length) {
    children.push(h(doc, 'h2', {}, 'Operator counts'), opDeltaChart(doc, d.model.opHistogram));
    if (d.model.opHistogram.length > 20) children.push(h(doc, 'p', { class: 'detail' }, `… ${d.model.opHistogram.length - 20} more ops changed`));
  }
  const meta = metadataTable(doc, d);
  if (meta) children.push(h(doc, 'h2', {}, 'Metadata'), meta);
  children.push(...weightsSection(doc, d));
  if (d.performance) {
    const p = d.performance;
    const ms = (n: number): string => `${n.toFixed(2)} ms`;
    children.push(
      h(doc, 'h2', {}, 'Latency and memory'),
      h(doc, 'p', { class: 'detail' }, `Saved profiles, ${p.ep}, batch ${p.batch}`),
      h(doc, 'table', { class: 'facts perf' }, h(doc, 'tbody', {},
        h(doc, 'tr', {}, h(doc, 'th', {}, 'p50'), h(doc, 'td', {}, delta(p.p50Ms, ms))),
        h(doc, 'tr', { class: p.overBudget ? 'over-budget' : '' }, h(doc, 'th', {}, 'p99'), h(doc, 'td', {}, delta(p.p99Ms, ms), p.budgetMs !== null ? ` (budget ${p.budgetMs} ms: ${p.overBudget ? 'over' : 'within'})` : '')),
        h(doc, 'tr', {}, h(doc, 'th', {}, 'Throughput'), h(doc, 'td', {}, delta(p.throughput, (n) => `${n.toFixed(1)}/s`))),
        h(doc, 'tr', {}, h(doc, 'th', {}, 'Peak RSS'), h(doc, 'td', {}, delta(p.peakRssBytes, formatBytes))))),
    );
    if (p.caveat) children.push(h(doc, 'p', { class: 'detail' }, p.caveat));
  }
  root.replaceChildren();
  append(root, ...children);
  root.dataset.state = 'ready';
  root.removeAttribute('aria-busy');
}

export function renderLoading(root: HTMLElement, oldName: string, newName: string): void {
  const doc = root.ownerDocument;
  root.replaceChildren(h(doc, 'p', { class: 'status' }, `Comparing ${oldName} with ${newName}…`));
  root.dataset.state = 'loading';
  root.setAttribute('aria-busy', 'true');
}

export function renderError(root: HTMLElement, reason: string, message: string, onRerun: () => void): void {
  const doc = root.ownerDocument;
  const retry = h(doc, 'button', { type: 'button', class: 'action', 'data-action': 'rerun' }, 'Compare again');
  retry.addEventListener('click', onRerun);
  root.replaceChildren(h(doc, 'div', { class: 'error', role: 'alert' }, h(doc, 'h1', {}, reason === 'cancelled' ? 'Comparison cancelled' : 'Cannot compare these models'), h(doc, 'p', {}, message), h(doc, 'p', { class: 'detail' }, `Reason: ${reason}`), retry));
  root.dataset.state = 'error';
  root.removeAttribute('aria-busy');
}
