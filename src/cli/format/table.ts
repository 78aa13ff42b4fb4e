/** Plain-text tables for the terminal: left-aligned text, right-aligned numbers, no colour dependency. */
import { terminalLine } from '../../shared/escape';

export interface Column {
  header: string;
  align?: 'left' | 'right';
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
  const clean = terminalLine(s);
  return width(clean) > max ? `${[...clean].slice(0, max - 1).join('')}…` : clean;
}
