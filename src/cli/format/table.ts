/** Plain-text tables for the terminal: left-aligned text, right-aligned numbers, no colour dependency. */
import { terminalLine } from '../../shared/escape';

export interface Column {
  header: string;
  align?: 'left' | 'right';
  /**
   * May be left out when the table is wider than the terminal: columns with a drop rank are removed lowest
   * rank first until the table fits (see {@link fitTable}). Columns without one always stay.
   */
  drop?: number;
  /** Left-aligned text that may be cut (with …) to this many characters at least, when dropping was not enough. */
  shrinkTo?: number;
}

/** Display width of a string (code points; combining marks and wide CJK are rare in model metadata). */
function width(s: string): number {
  return [...s].length;
}

export function renderTable(columns: readonly Column[], rows: ReadonlyArray<readonly string[]>, indent = '  '): string {
  const widths = columns.map((c, i) => Math.max(width(c.header), ...rows.map((r) => width(r[i] ?? ''))));
  const cell = (text: string, i: number): string => {
    const pad = ' '.repeat(widths[i]! - width(text));
    return columns[i]!.align === 'right' ? pad + text : text + pad;
  };
  const line = (cells: readonly string[]): string => indent + cells.map((c, i) => cell(c, i)).join('  ').trimEnd();
  return [line(columns.map((c) => c.header)), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].join('\n');
}

/**
 * Makes untrusted text (from a model, a dataset, a workspace) safe for one terminal line: the terminal rule's
 * {@link terminalLine} (src/shared/escape.ts: ESC and other controls visible, newlines escaped), then shortened.
 */
export function sanitizeForTerminal(s: string, max = 200): string {
  // Newlines show as ⏎ in tables and listings (one cell, one line); everything else as terminalLine escapes.
  const clean = terminalLine(s.replace(/\r?\n/g, '⏎'));
  return width(clean) > max ? `${[...clean].slice(0, max - 1).join('')}…` : clean;
}

/** Width of a rendered table line (the widest line, including the indent). */
function tableWidth(columns: readonly Column[], rows: ReadonlyArray<readonly string[]>, indent: string): number {
  const widths = columns.map((c, i) => Math.max(width(c.header), ...rows.map((r) => width(r[i] ?? ''))));
  return width(indent) + widths.reduce((a, b) => a + b, 0) + 2 * Math.max(0, columns.length - 1);
}

function cut(s: string, max: number): string {
  return width(s) > max ? `${[...s].slice(0, Math.max(1, max - 1)).join('')}…` : s;
}

/**
 * Renders a table that fits in `maxWidth` characters (the terminal's width): leaves out the columns with the
 * lowest `drop` rank first, then cuts `shrinkTo` columns. Returns the table and the headers left out, so the
 * caller can say where to find them (`--json`, a wider terminal).
 */
export function fitTable(columns: readonly Column[], rows: ReadonlyArray<readonly string[]>, maxWidth: number, indent = '  '): { text: string; omitted: string[] } {
  let keep = columns.map((_, i) => i);
  const view = () => ({ cols: keep.map((i) => columns[i]!), body: rows.map((r) => keep.map((i) => r[i] ?? '')) });
  const droppable = columns.map((c, i) => ({ c, i })).filter(({ c }) => c.drop !== undefined).sort((a, b) => a.c.drop! - b.c.drop!);
  for (const { i } of droppable) {
    const { cols, body } = view();
    if (tableWidth(cols, body, indent) <= maxWidth) break;
    keep = keep.filter((k) => k !== i);
  }
  let { cols, body } = view();
  let excess = tableWidth(cols, body, indent) - maxWidth;
  if (excess > 0) {
    const limits = cols.map((c, ci) => Math.max(width(c.header), ...body.map((r) => width(r[ci]!))));
    for (let ci = 0; ci < cols.length && excess > 0; ci++) {
      const min = cols[ci]!.shrinkTo;
      if (min === undefined || limits[ci]! <= min) continue;
      const target = Math.max(min, limits[ci]! - excess);
      excess -= limits[ci]! - target;
      body = body.map((r) => r.map((cell, k) => (k === ci ? cut(cell, target) : cell)));
    }
  }
  const omitted = columns.filter((_, i) => !keep.includes(i)).map((c) => c.header);
  return { text: renderTable(cols, body, indent), omitted };
}
