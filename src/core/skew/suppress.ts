/**
 * Suppression of skew findings: a `# ml-preflight: ignore[kind, …]` comment (or a bare `# ml-preflight: ignore`)
 * on the finding's serving or training line, and the `ignore` list of a pair in `.mlpreflight/skew.json`. A
 * suppressed finding stays in the report with `suppressed` set (SARIF reports it as suppressed); the editor
 * shows nothing for it and `review --fail-on` does not count it.
 */
import type { SkewFinding, SkewLocation } from '../../shared/skew';

const COMMENT = /#\s*ml-preflight:\s*ignore(?:\[([^\]]*)\])?/i;

/** True when `kind` is named by a list entry (`*`, the kind, or the base kind of a `model-` kind). */
export function kindMatches(list: string[], kind: string): boolean {
  const base = kind.startsWith('model-') ? kind.slice(6) : kind;
  return list.some((k) => {
    const x = k.trim();
    return x === '*' || x === kind || x === base;
  });
}

/** The kinds a line's `# ml-preflight: ignore[…]` comment names (`['*']` for a bare ignore), or undefined. */
export function ignoredOnLine(line: string): string[] | undefined {
  const m = COMMENT.exec(line);
  if (!m) return undefined;
  return m[1] === undefined ? ['*'] : m[1].split(',').map((s) => s.trim()).filter(Boolean);
}

export function applySuppressions(findings: SkewFinding[], sourceOf: (file: string) => string | undefined, pairIgnore?: string[]): SkewFinding[] {
  const lines = new Map<string, string[]>();
  const lineOf = (loc: SkewLocation): string => {
    let ls = lines.get(loc.file);
    if (!ls) {
      ls = (sourceOf(loc.file) ?? '').split('\n');
      lines.set(loc.file, ls);
    }
    return ls[loc.line - 1] ?? '';
  };
  return findings.map((f) => {
    if (pairIgnore?.length && kindMatches(pairIgnore, f.kind)) {
      return { ...f, suppressed: { kind: 'external', justification: `.mlpreflight/skew.json ignore [${pairIgnore.join(', ')}]` } };
    }
    for (const loc of [f.serving, f.training]) {
      if (!loc) continue;
      const text = lineOf(loc);
      const kinds = ignoredOnLine(text);
      if (kinds && kindMatches(kinds, f.kind)) return { ...f, suppressed: { kind: 'inSource', justification: text.slice(text.search(COMMENT)).trim() } };
    }
    return f;
  });
}
