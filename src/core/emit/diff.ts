/**
 * A unified diff of two texts (LCS over lines, 3 lines of context), for showing what an emitter would change
 * in an existing file (CLI; the extension uses `vscode.diff`). Quadratic in lines: emitted files are small;
 * above 4,000 × 4,000 lines it falls back to "replace everything".
 */

const CONTEXT = 3;
const MAX_CELLS = 16_000_000;

type Op = { kind: ' ' | '-' | '+'; text: string; a: number; b: number };

function lineOps(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  if (n * m > MAX_CELLS) {
    return [...a.map((text, i) => ({ kind: '-' as const, text, a: i, b: 0 })), ...b.map((text, j) => ({ kind: '+' as const, text, a: n, b: j }))];
  }
  // lcs[i][j] = LCS length of a[i..] and b[j..]
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) ops.push({ kind: ' ', text: a[i]!, a: i++, b: j++ });
    else if (i < n && (j >= m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) ops.push({ kind: '-', text: a[i]!, a: i++, b: j });
    else ops.push({ kind: '+', text: b[j]!, a: i, b: j++ });
  }
  return ops;
}

function split(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** `--- a/<name>` / `+++ b/<name>` unified diff; empty string when the texts are equal. */
export function unifiedDiff(oldText: string, newText: string, name: string): string {
  if (oldText === newText) return '';
  const ops = lineOps(split(oldText), split(newText));
  const out = [`--- a/${name}`, `+++ b/${name}`];
  let k = 0;
  while (k < ops.length) {
    while (k < ops.length && ops[k]!.kind === ' ') k++;
    if (k >= ops.length) break;
    let start = Math.max(0, k - CONTEXT);
    let end = k;
    // extend the hunk while changes are within 2×CONTEXT of each other
    for (;;) {
      while (end < ops.length && ops[end]!.kind !== ' ') end++;
      let next = end;
      while (next < ops.length && ops[next]!.kind === ' ') next++;
      if (next < ops.length && next - end <= 2 * CONTEXT) end = next;
      else break;
    }
    const stop = Math.min(ops.length, end + CONTEXT);
    const hunk = ops.slice(start, stop);
    const aStart = hunk[0]!.a;
    const bStart = hunk[0]!.b;
    const aLen = hunk.filter((o) => o.kind !== '+').length;
    const bLen = hunk.filter((o) => o.kind !== '-').length;
    out.push(`@@ -${aLen ? aStart + 1 : aStart},${aLen} +${bLen ? bStart + 1 : bStart},${bLen} @@`);
    for (const o of hunk) out.push(`${o.kind}${o.text}`);
    k = stop;
    start = stop;
  }
  return out.join('\n') + '\n';
}
