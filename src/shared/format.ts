/**
 * Number and shape formatting for the model inspector. Pure functions, no DOM: unit-tested in Node
 * (`test/unit/format.test.ts`). Used by the webview and by the
 * extension's tree view, so both show the same numbers; it must stay free of DOM and Node APIs.
 */
import type { Dim } from './modelInspection';
import type { NumberDelta } from './modelDiff';

const BYTE_UNITS = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** One decimal below 100, none above, without a trailing `.0`: 2.9, 45.6, 512. */
function short(value: number): string {
  const digits = value < 100 ? 1 : 0;
  return String(Number(value.toFixed(digits)));
}

/** Scales `value` by `base` until it is below `base`; returns the scaled value and the unit index (-1: unscaled). */
function scale(value: number, base: number, units: number): [number, number] {
  let v = value;
  let unit = -1;
  while (Math.abs(v) >= base && unit < units - 1) {
    v /= base;
    unit++;
  }
  // 1023.999 KiB rounds to "1024 KiB": move up one unit instead.
  if (unit < units - 1 && Number(short(Math.abs(v))) >= base) {
    v /= base;
    unit++;
  }
  return [v, unit];
}

/** Bytes in binary units: `512 B`, `2.9 KiB`, `45.6 MiB`, `1.2 GiB`. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '?';
  const [v, unit] = scale(bytes, 1024, BYTE_UNITS.length);
  return unit < 0 ? `${bytes} B` : `${short(v)} ${BYTE_UNITS[unit]}`;
}

const COUNT_UNITS = ['K', 'M', 'B', 'T'];

/** Counts with SI-style suffixes: `762`, `15.1K`, `1.2M`, `7.5B`. */
export function formatCount(count: number): string {
  if (!Number.isFinite(count)) return '?';
  const [v, unit] = scale(count, 1000, COUNT_UNITS.length);
  return unit < 0 ? String(count) : `${short(v)}${COUNT_UNITS[unit]}`;
}

/** An exact integer with thousands separators: `1,234,567`. */
export function formatInteger(value: number): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: 0 });
}

const FLOP_UNITS = ['KFLOPs', 'MFLOPs', 'GFLOPs', 'TFLOPs', 'PFLOPs'];

/** FLOPs with decimal prefixes: `900 FLOPs`, `15.1 KFLOPs`, `4.1 GFLOPs`; `unknown` for `null`. */
export function formatFlops(flops: number | null): string {
  if (flops === null || !Number.isFinite(flops)) return 'unknown';
  const [v, unit] = scale(flops, 1000, FLOP_UNITS.length);
  return unit < 0 ? `${flops} FLOPs` : `${short(v)} ${FLOP_UNITS[unit]}`;
}

/** A shape as dims joined by ` × `; symbolic dims as named (`batch × 3 × 64 × 64`); `scalar` for `[]`, `unknown` for `null`. */
export function formatShape(shape: readonly Dim[] | null): string {
  if (shape === null) return 'unknown';
  if (shape.length === 0) return 'scalar';
  return shape.map((d) => String(d)).join(' × ');
}

/** The last segment of a path or URI (either separator). */
export function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] || path;
}

/** One bar of the operator histogram. */
export interface HistogramRow {
  op: string;
  count: number;
}

/** The bars to draw: the `limit` most frequent ops (count desc, then name), and how many op types were left off. */
export function histogramRows(histogram: Readonly<Record<string, number>>, limit = 30): { rows: HistogramRow[]; more: number } {
  const all = Object.entries(histogram)
    .map(([op, count]) => ({ op, count }))
    .sort((a, b) => b.count - a.count || (a.op < b.op ? -1 : a.op > b.op ? 1 : 0));
  return { rows: all.slice(0, limit), more: Math.max(0, all.length - limit) };
}

/**
 * A before → after change as text: `12 MiB → 14 MiB (+16.7 %)`, `12 MiB (unchanged)`, or `unknown` for a side
 * that was not measured. `fmt` formats one value (e.g. {@link formatBytes}).
 */
export function formatDelta(d: NumberDelta, fmt: (n: number) => string): string {
  if (d.before === null && d.after === null) return 'unknown';
  const b = d.before === null ? 'unknown' : fmt(d.before);
  const a = d.after === null ? 'unknown' : fmt(d.after);
  if (d.delta === 0) return `${a} (unchanged)`;
  const rel = d.relative === null ? '' : ` (${d.relative >= 0 ? '+' : ''}${(d.relative * 100).toFixed(1)} %)`;
  return `${b} → ${a}${rel}`;
}
