/**
 * Inline SVG charts built with DOM APIs (`createElementNS` + `setAttribute` + text nodes): no markup parsing,
 * no external library, nothing the CSP would block. Colours come from CSS classes (theme variables).
 */
import type { BatchRun } from '../../src/shared/profileResult';
import { formatLatencyMs } from '../../src/shared/profileFormat';
import { svg } from '../shared/dom';
import { logTicks, useLogScale } from './format';

/** "Nice" tick values spanning [lo, hi]. */
export function ticks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

const W = 520;
const H = 220;
const M = { left: 52, right: 62, top: 14, bottom: 36 };

/** Latency distribution of one run: histogram bars (left axis: count) and the ECDF line (right axis: 0–100 %). */
export function latencyChart(doc: Document, run: BatchRun): SVGElement {
  const root = svg(doc, 'svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart latency-chart', role: 'img', 'aria-label': `Latency distribution at batch ${run.batch}` });
  const { edgesMs, counts } = run.histogram;
  const q = run.quantilesMs;
  const lo = edgesMs[0] ?? run.min;
  const hi = Math.max(edgesMs[edgesMs.length - 1] ?? run.max, lo + 1e-9);
  const maxCount = Math.max(1, ...counts);
  // A wide spread (a tail 20× the fastest run) gets a log axis, so the bulk of the runs is not one bar.
  const log = useLogScale(lo, hi);
  const x = log
    ? (v: number): number => M.left + (Math.log(Math.min(Math.max(v, lo), hi) / lo) / Math.log(hi / lo)) * (W - M.left - M.right)
    : (v: number): number => M.left + ((Math.min(Math.max(v, lo), hi) - lo) / (hi - lo)) * (W - M.left - M.right);
  if (log) root.setAttribute('data-scale', 'log');
  const y = (c: number): number => H - M.bottom - (c / maxCount) * (H - M.top - M.bottom);
  const yp = (p: number): number => H - M.bottom - p * (H - M.top - M.bottom);
  const bars = svg(doc, 'g', { class: 'bars' });
  counts.forEach((c, i) => {
    const x0 = x(edgesMs[i]!);
    const x1 = x(edgesMs[i + 1]!);
    bars.appendChild(svg(doc, 'rect', { x: x0 + 0.5, y: y(c), width: Math.max(0.5, x1 - x0 - 1), height: H - M.bottom - y(c), class: 'bar' }, svg(doc, 'title', {}, `${formatLatencyMs(edgesMs[i]!)} – ${formatLatencyMs(edgesMs[i + 1]!)}: ${c}`)));
  });
  root.appendChild(bars);
  const pts = q.map((v, i) => `${x(v).toFixed(1)},${yp(i / (q.length - 1)).toFixed(1)}`).join(' ');
  root.appendChild(svg(doc, 'polyline', { points: pts, class: 'ecdf', fill: 'none' }));
  // Labels on two rows so close markers stay readable; the p99 label sits left of its line at the right edge.
  ([['p50', run.p50], ['p99', run.p99]] as const).forEach(([label, v], i) => {
    const nearRight = x(v) > W - M.right - 90;
    root.appendChild(svg(doc, 'line', { x1: x(v), x2: x(v), y1: M.top, y2: H - M.bottom, class: `marker marker-${label}` }));
    root.appendChild(svg(doc, 'text', { x: nearRight ? x(v) - 3 : x(v) + 3, y: M.top + 10 + i * 13, class: 'marker-label', 'text-anchor': nearRight ? 'end' : 'start' }, `${label} ${formatLatencyMs(v)}`));
  });
  axes(doc, root, (log ? logTicks(lo, hi) : ticks(lo, hi)).map((t) => [x(t), formatLatencyMs(t)]), ticks(0, maxCount, 4).filter((t) => Number.isInteger(t)).map((t) => [y(t), String(t)]), log ? 'latency (log scale)' : 'latency', 'runs');
  for (const p of [0, 0.5, 1]) root.appendChild(svg(doc, 'text', { x: W - M.right + 6, y: yp(p) + 4, class: 'tick' }, `${p * 100}%`));
  return root;
}

/** Throughput (samples/s, bars) and p99 (line) across the batch sweep. */
export function sweepChart(doc: Document, runs: readonly BatchRun[], budgetMs?: number): SVGElement {
  const root = svg(doc, 'svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart sweep-chart', role: 'img', 'aria-label': 'Throughput and p99 latency by batch size' });
  const n = runs.length;
  const slot = (W - M.left - M.right) / Math.max(1, n);
  const maxThr = Math.max(1, ...runs.map((r) => r.samplesPerSecond));
  const maxP99 = Math.max(1e-6, ...runs.map((r) => r.p99), budgetMs ?? 0);
  const yT = (v: number): number => H - M.bottom - (v / maxThr) * (H - M.top - M.bottom);
  const yL = (v: number): number => H - M.bottom - (v / maxP99) * (H - M.top - M.bottom);
  const cx = (i: number): number => M.left + slot * (i + 0.5);
  runs.forEach((r, i) => {
    root.appendChild(svg(doc, 'rect', { x: cx(i) - slot * 0.3, y: yT(r.samplesPerSecond), width: slot * 0.6, height: H - M.bottom - yT(r.samplesPerSecond), class: r.withinBudget === false ? 'bar over-budget' : 'bar' },
      svg(doc, 'title', {}, `batch ${r.batch}: ${Math.round(r.samplesPerSecond)} samples/s, p99 ${formatLatencyMs(r.p99)}`)));
    root.appendChild(svg(doc, 'text', { x: cx(i), y: H - M.bottom + 14, class: 'tick', 'text-anchor': 'middle' }, String(r.batch)));
  });
  root.appendChild(svg(doc, 'polyline', { points: runs.map((r, i) => `${cx(i).toFixed(1)},${yL(r.p99).toFixed(1)}`).join(' '), class: 'p99-line', fill: 'none' }));
  runs.forEach((r, i) => root.appendChild(svg(doc, 'circle', { cx: cx(i), cy: yL(r.p99), r: 3, class: 'p99-dot' })));
  if (budgetMs !== undefined) {
    root.appendChild(svg(doc, 'line', { x1: M.left, x2: W - M.right, y1: yL(budgetMs), y2: yL(budgetMs), class: 'budget-line' }));
    root.appendChild(svg(doc, 'text', { x: W - M.right - 4, y: yL(budgetMs) - 4, class: 'marker-label', 'text-anchor': 'end' }, `budget ${formatLatencyMs(budgetMs)}`));
  }
  axes(doc, root, [], ticks(0, maxThr, 4).map((t) => [yT(t), t >= 1000 ? `${(t / 1000).toFixed(t >= 10_000 ? 0 : 1)}k` : String(t)]), 'batch size', 'samples/s');
  for (const t of ticks(0, maxP99, 4)) root.appendChild(svg(doc, 'text', { x: W - M.right + 6, y: yL(t) + 4, class: 'tick tick-p99' }, formatLatencyMs(t)));
  return root;
}

function axes(doc: Document, root: SVGElement, xt: Array<[number, string]>, yt: Array<[number, string]>, xLabel: string, yLabel: string): void {
  root.appendChild(svg(doc, 'line', { x1: M.left, x2: W - M.right, y1: H - M.bottom, y2: H - M.bottom, class: 'axis' }));
  root.appendChild(svg(doc, 'line', { x1: M.left, x2: M.left, y1: M.top, y2: H - M.bottom, class: 'axis' }));
  for (const [px, label] of xt) root.appendChild(svg(doc, 'text', { x: px, y: H - M.bottom + 14, class: 'tick', 'text-anchor': 'middle' }, label));
  for (const [py, label] of yt) root.appendChild(svg(doc, 'text', { x: M.left - 6, y: py + 4, class: 'tick', 'text-anchor': 'end' }, label));
  root.appendChild(svg(doc, 'text', { x: (M.left + W - M.right) / 2, y: H - 4, class: 'axis-label', 'text-anchor': 'middle' }, xLabel));
  root.appendChild(svg(doc, 'text', { x: 12, y: (M.top + H - M.bottom) / 2, class: 'axis-label', 'text-anchor': 'middle', transform: `rotate(-90 12 ${(M.top + H - M.bottom) / 2})` }, yLabel));
}
