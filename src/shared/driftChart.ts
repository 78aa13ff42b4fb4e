/**
 * Chart geometry for the drift report, shared by the self-contained HTML report (string SVG) and the webview
 * (DOM SVG). Pure: turns {@link ColumnChart} data into rectangles, polylines and labels; each renderer only
 * maps them to elements, so both draw the same picture.
 */
import type { ColumnChart } from './drift';

export interface ChartRect { x: number; y: number; w: number; h: number; cls: 'ref' | 'cur'; title: string }
export interface ChartLine { points: Array<[number, number]>; cls: 'ref' | 'cur' }
export interface ChartText { x: number; y: number; text: string; anchor: 'start' | 'middle' | 'end'; rotate?: boolean }
export interface ChartShapes {
  width: number;
  height: number;
  rects: ChartRect[];
  lines: ChartLine[];
  texts: ChartText[];
  /** Axis lines. */
  axes: Array<[number, number, number, number]>;
}

const PAD = { left: 40, right: 10, top: 10, bottom: 34 };

/** Short number for axis labels: 3 significant digits, k/M suffixes, dates as YYYY-MM-DD. */
export function axisNumber(v: number, datetime = false): string {
  if (datetime) return new Date(v).toISOString().slice(0, 10);
  const a = Math.abs(v);
  if (a >= 1e6) return `${+(v / 1e6).toPrecision(3)}M`;
  if (a >= 1e4) return `${+(v / 1e3).toPrecision(3)}k`;
  if (a === 0) return '0';
  return `${+v.toPrecision(3)}`;
}

function pct(v: number): string {
  return `${(v * 100).toFixed(1)}%`;
}

/** Overlaid histogram (numeric) or grouped bars (categorical) of reference vs current shares. */
export function histogramShapes(chart: ColumnChart, width = 420, height = 180, datetime = false): ChartShapes {
  const plotW = width - PAD.left - PAD.right;
  const plotH = height - PAD.top - PAD.bottom;
  const maxShare = Math.max(1e-9, ...chart.reference, ...chart.current);
  const y = (v: number): number => PAD.top + plotH - (v / maxShare) * plotH;
  const rects: ChartRect[] = [];
  const texts: ChartText[] = [];
  const n = chart.reference.length;
  if (chart.kind === 'histogram') {
    const bw = plotW / n;
    for (let i = 0; i < n; i++) {
      const range = `[${axisNumber(chart.edges[i]!, datetime)}, ${axisNumber(chart.edges[i + 1]!, datetime)}${i === n - 1 ? ']' : ')'}`;
      for (const side of ['ref', 'cur'] as const) {
        const v = side === 'ref' ? chart.reference[i]! : chart.current[i]!;
        rects.push({ x: PAD.left + i * bw, y: y(v), w: Math.max(bw - 0.5, 0.5), h: PAD.top + plotH - y(v), cls: side, title: `${range} ${side === 'ref' ? 'reference' : 'current'} ${pct(v)}` });
      }
    }
    texts.push({ x: PAD.left, y: height - PAD.bottom + 14, text: axisNumber(chart.edges[0]!, datetime), anchor: 'start' });
    texts.push({ x: PAD.left + plotW, y: height - PAD.bottom + 14, text: axisNumber(chart.edges[n]!, datetime), anchor: 'end' });
  } else {
    const group = plotW / Math.max(n, 1);
    const bw = Math.max((group - 2) / 2, 0.5);
    for (let i = 0; i < n; i++) {
      const label = chart.labels[i]!;
      rects.push({ x: PAD.left + i * group + 1, y: y(chart.reference[i]!), w: bw, h: PAD.top + plotH - y(chart.reference[i]!), cls: 'ref', title: `${label}: reference ${pct(chart.reference[i]!)}` });
      rects.push({ x: PAD.left + i * group + 1 + bw, y: y(chart.current[i]!), w: bw, h: PAD.top + plotH - y(chart.current[i]!), cls: 'cur', title: `${label}: current ${pct(chart.current[i]!)}` });
      if (n <= 12) texts.push({ x: PAD.left + (i + 0.5) * group, y: height - PAD.bottom + 12, text: label.length > 10 ? `${label.slice(0, 9)}…` : label, anchor: 'middle' });
    }
  }
  texts.push({ x: PAD.left - 4, y: PAD.top + 8, text: pct(maxShare), anchor: 'end' });
  texts.push({ x: PAD.left - 4, y: PAD.top + plotH, text: '0', anchor: 'end' });
  return { width, height, rects, lines: [], texts, axes: [[PAD.left, PAD.top + plotH, PAD.left + plotW, PAD.top + plotH], [PAD.left, PAD.top, PAD.left, PAD.top + plotH]] };
}

/** ECDF of reference and current (numeric columns only); undefined for bar charts. */
export function ecdfShapes(chart: ColumnChart, width = 420, height = 180, datetime = false): ChartShapes | undefined {
  if (chart.kind !== 'histogram' || chart.ecdf.length < 2) return undefined;
  const plotW = width - PAD.left - PAD.right;
  const plotH = height - PAD.top - PAD.bottom;
  const x0 = chart.ecdf[0]![0];
  const x1 = chart.ecdf[chart.ecdf.length - 1]![0];
  const x = (v: number): number => PAD.left + (x1 === x0 ? 0 : ((v - x0) / (x1 - x0)) * plotW);
  const y = (v: number): number => PAD.top + plotH - v * plotH;
  const line = (k: 1 | 2): Array<[number, number]> => chart.ecdf.map((p) => [x(p[0]), y(p[k])]);
  return {
    width,
    height,
    rects: [],
    lines: [{ points: line(1), cls: 'ref' }, { points: line(2), cls: 'cur' }],
    texts: [
      { x: PAD.left, y: height - PAD.bottom + 14, text: axisNumber(x0, datetime), anchor: 'start' },
      { x: PAD.left + plotW, y: height - PAD.bottom + 14, text: axisNumber(x1, datetime), anchor: 'end' },
      { x: PAD.left - 4, y: PAD.top + 8, text: '1', anchor: 'end' },
      { x: PAD.left - 4, y: PAD.top + plotH, text: '0', anchor: 'end' },
    ],
    axes: [[PAD.left, PAD.top + plotH, PAD.left + plotW, PAD.top + plotH], [PAD.left, PAD.top, PAD.left, PAD.top + plotH]],
  };
}

/** Formats a statistic for tables: 4 significant digits, exponent under 1e-4, `∞`, `—` for null. */
export function formatStat(v: number | null | undefined, infinite = false): string {
  if (infinite) return '∞';
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  if (v === 0) return '0';
  if (Math.abs(v) < 1e-4) return v.toExponential(2);
  return `${+v.toPrecision(4)}`;
}

/** Formats a p-value like {@link formatStat}; positive values under 1e-99 as `< 1e-99` (nothing is decided down there). */
export function formatP(v: number | null | undefined): string {
  if (v !== null && v !== undefined && v > 0 && v < 1e-99) return '< 1e-99';
  return formatStat(v);
}

/** `p = 0.031` or `p < 1e-99`. */
export function pEquals(v: number | null | undefined): string {
  const f = formatP(v);
  return f.startsWith('<') ? `p ${f}` : `p = ${f}`;
}

/** Share as a percentage with one decimal. */
export function formatShare(v: number): string {
  return `${(v * 100).toFixed(1)}%`;
}
