/**
 * The escaping rule (issue 11, class 5/6): one escaping function per output format, in this one file. Every
 * string that comes from a model (tensor and dim names, metadata), a dataset (column names) or a workspace
 * (file names, saved results) goes through the function of the format it lands in; emitters never concatenate
 * such a string raw. `test/unit/emitterFuzz.test.ts` feeds hostile strings through every emitter and re-parses
 * the output with each format's real parser.
 *
 * Pure (no node, no DOM): the CLI, the extension and the webviews share it.
 */

/** Characters that end or break a line somewhere: LF, CR, VT, FF, NEL, LINE/PARAGRAPH SEPARATOR. */
// eslint-disable-next-line no-control-regex
const LINE_BREAKS = /[\n\r\v\f\u0085\u2028\u2029]/g;
/** C0/C1 controls, DEL, lone surrogates, BOM and bidi overrides (Trojan Source): never shown raw. */
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufff9-\ufffb]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function u(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

// ─── pbtxt (protobuf text format: Triton config.pbtxt) ────────────────────────────────────────────

/** pbtxt string literal: UTF-8 passes through; quotes, backslashes and control characters escaped (octal). */
export function pbtxtString(s: string): string {
  return `"${s
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/'/g, "\\'")
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`)}"`;
}

/**
 * Text for the inside of a `#` comment in pbtxt, YAML, Dockerfile, Python or shell: a single line whatever the
 * input (line breaks and controls shown as `\uXXXX`), so a name can never start a new line of configuration.
 */
export function commentText(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(LINE_BREAKS, u).replace(INVISIBLE, u);
}

// ─── YAML ──────────────────────────────────────────────────────────────────────────────────────────

/**
 * A YAML 1.2 double-quoted scalar. Everything outside printable ASCII and ordinary printable Unicode is
 * `\uXXXX`-escaped (YAML forbids C0/C1 controls, lone surrogates and BOM raw). Structured YAML is written by the
 * `yaml` library, which escapes itself; this is for scalars placed in hand-written YAML text.
 */
export function yamlString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(LINE_BREAKS, u).replace(INVISIBLE, u).replace(/\t/g, '\\t')}"`;
}

// ─── Dockerfile ────────────────────────────────────────────────────────────────────────────────────

/**
 * A Dockerfile JSON-form (exec form) array element or a quoted `LABEL`/`ENV` value: a JSON string (Docker parses
 * exec form as JSON) with line breaks escaped, so it can never continue onto a new instruction; `$` is escaped
 * as `\$` only in shell-form contexts, which the emitters do not use for model strings.
 */
export function dockerfileString(s: string): string {
  return jsonString(s);
}

// ─── Python ────────────────────────────────────────────────────────────────────────────────────────

/**
 * A Python 3 string literal (double-quoted) that evaluates to exactly `s`: `\\`, `"`, controls, line breaks and
 * lone surrogates escaped (`\xHH`, `\uXXXX`); other Unicode passes through (the emitted file is UTF-8).
 */
export function pythonString(s: string): string {
  return `"${s
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
    .replace(/[\u2028\u2029\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, u)}"`;
}

// ─── JavaScript / JSON / SARIF ─────────────────────────────────────────────────────────────────────

/** A JSON string (also valid JSON inside SARIF): `JSON.stringify` plus U+2028/2029 and C1 controls escaped. */
export function jsonString(s: string): string {
  // eslint-disable-next-line no-control-regex
  return JSON.stringify(s).replace(/[\u007f-\u009f\u2028\u2029]/g, u);
}

/** A JavaScript string literal (k6 scripts): {@link jsonString} plus `<` escaped, so `</script>` never closes a tag. */
export function jsString(s: string): string {
  return jsonString(s).replace(/</g, '\\u003c');
}

/** Any JSON value as JavaScript source (objects/arrays of strings and numbers), strings escaped by {@link jsString}. */
export function jsValue(value: unknown): string {
  return (JSON.stringify(value) ?? 'null').replace(/[\u007f-\u009f\u2028\u2029<]/g, u);
}

// ─── HTML ──────────────────────────────────────────────────────────────────────────────────────────

/** HTML element text and double- or single-quoted attribute values: `& < > " '` as character references. */
export function htmlText(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Alias of {@link htmlText} for attribute values (the same escaping is safe in both places). */
export const htmlAttr = htmlText;

// ─── Prometheus ────────────────────────────────────────────────────────────────────────────────────

/** A PromQL double-quoted label value (`model="…"`): Go string escaping of `\`, `"` and line breaks. */
export function promqlString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}"`;
}

// ─── Markdown ──────────────────────────────────────────────────────────────────────────────────────

/**
 * Untrusted text for one Markdown table cell, or inline text not at a line start (the diff's `--markdown`):
 * control characters and line breaks become spaces; the characters that act inside a line (`\`, backtick, `*`,
 * `_`, `[`, `]`, `~`) and the cell separator `|` get a backslash (with `[` `]` escaped, `(…)` and `!` can no
 * longer form a link or an image); `<`, `>`, `&` become entities (GitHub renders inline HTML). Longer than
 * `max` characters: cut with `…`.
 */
export function markdownText(text: string, max = 300): string {
  // eslint-disable-next-line no-control-regex
  let s = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ');
  if ([...s].length > max) s = `${[...s].slice(0, max - 1).join('')}…`;
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|~])/g, '\\$1');
}

// ─── Terminal ──────────────────────────────────────────────────────────────────────────────────────

/**
 * Text for a terminal (CLI stdout/stderr): ESC and every other control, DEL, C1, bidi overrides and lone
 * surrogates shown as `\uXXXX` (JSON-compatible, so `--json` output parses to the same values); `\n` and `\t`
 * kept. Applied to everything the CLI prints (src/cli/run.ts).
 */
export function terminalText(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, u);
}

/** Carriage return + erase line: the only control sequence the CLI prints on purpose (profile's status line), always as a write of its own. */
export const ERASE_LINE = '\r\x1b[K';

/**
 * One terminal line, for names inside human-readable output and error messages: line breaks and tabs as `\n`,
 * `\r`, `\t`, other controls (ESC, BEL, C1) as `\xHH`, bidi overrides and lone surrogates as `\uXXXX`, so a
 * name never splits a line, moves the cursor or recolours the terminal.
 */
export function terminalLine(s: string): string {
  return s
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
    .replace(/[\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, u);
}
