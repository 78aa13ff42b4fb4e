/** `ml-preflight skew --training <files…> --serving <files…> [--model m.onnx] [--json]` and `skew --workspace <dir>`. */
import { nonRegularKindSync } from '../../core/safeFs';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzePairs, analyzeWorkspace } from '../../core/skew/analyze';
import { SkewConfigError } from '../../core/skew/pairing';
import { SkewParserError } from '../../core/skew/pyAst';
import type { SkewFinding, SkewLocation, SkewReport } from '../../shared/skew';
import { workspaceRelative } from '../../core/paths';
import { renderTable, sanitizeForTerminal } from '../format/table';
import { CliError, ExitCode, type CliIO } from '../io';

export const skewHelp = `Usage: ml-preflight skew --training <file.py>... --serving <file.py>... [--model <m.onnx>] [--json]
       ml-preflight skew --workspace <dir> [--json]

Compares the preprocessing code of training with that of serving (image, text, tabular,
audio) and, when a model is paired, each side with the ONNX model's input and its
preprocessing.* metadata. With --workspace, pairs come from <dir>/.mlpreflight/skew.json,
else from file names (train*, dataset*, features* vs serve*, app*, handler*, predict*…).

Options:
  --training <files…>  training-side Python files
  --serving <files…>   serving-side Python files
  --model <m.onnx>     the model both sides feed (default: referenced by the code or alone nearby)
  --workspace <dir>    discover the pairs of a folder
  --max-file-bytes <n> skip larger files with a note (default 1048576)
  --json               print JSON: { pairs: [{ training, serving, model? }], findings: [...], notes: [...] }
  -h, --help           show this help

Exit codes: 0 no finding; 1 findings (error or warning, not suppressed); 2 bad input or usage.
`;

interface Args {
  training: string[];
  serving: string[];
  model?: string;
  workspace?: string;
  json: boolean;
  help: boolean;
  maxFileBytes?: number;
}

function parse(args: string[]): Args {
  const out: Args = { training: [], serving: [], json: false, help: false };
  let mode: 'training' | 'serving' | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = (): string => {
      const v = args[++i];
      if (v === undefined || v.startsWith('--')) throw new CliError(`skew: ${a} needs a value (see ml-preflight skew --help)`);
      return v;
    };
    if (a === '--training' || a === '--serving') mode = a.slice(2) as 'training' | 'serving';
    else if (a === '--json') out.json = true;
    else if (a === '-h' || a === '--help') out.help = true;
    else if (a === '--model') out.model = value();
    else if (a === '--workspace') out.workspace = value();
    else if (a === '--max-file-bytes') {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 1) throw new CliError('skew: --max-file-bytes must be a positive integer');
      out.maxFileBytes = n;
    } else if (a.startsWith('-')) throw new CliError(`skew: unknown option ${a} (see ml-preflight skew --help)`);
    else if (mode) out[mode].push(a);
    else throw new CliError(`skew: '${a}' is neither after --training nor after --serving`);
  }
  return out;
}

const rel = workspaceRelative;

/** The report as the documented JSON (paths relative to the workspace). */
export function skewJson(report: SkewReport, root: string): unknown {
  const loc = (l: SkewLocation | null) => (l ? { file: rel(root, l.file), line: l.line, column: l.column, endLine: l.endLine, endColumn: l.endColumn } : null);
  return {
    pairs: report.pairs.map((p) => ({ training: p.pair.training.map((f) => rel(root, f)), serving: p.pair.serving.map((f) => rel(root, f)), ...(p.pair.model ? { model: rel(root, p.pair.model) } : {}), source: p.pair.source })),
    findings: report.pairs.flatMap((p) => p.findings.map((f: SkewFinding) => ({
      kind: f.kind,
      severity: f.severity,
      message: f.message,
      training: loc(f.training),
      serving: loc(f.serving),
      trainingValue: f.trainingValue,
      servingValue: f.servingValue,
      ...(f.model ? { model: rel(root, f.model) } : {}),
      ...(f.fix ? { fix: { ...f.fix, file: rel(root, f.fix.file) } } : {}),
      ...(f.suppressed ? { suppressed: f.suppressed } : {}),
    }))),
    notes: report.notes.map((n) => ({ file: rel(root, n.file), reason: n.reason, message: n.message.split(n.file).join(rel(root, n.file)) })),
  };
}

export function formatSkew(report: SkewReport, root: string): string {
  const out: string[] = [];
  if (!report.pairs.length) out.push('No training/serving pair found (name files train*/serve*, or write .mlpreflight/skew.json).');
  for (const { pair, findings } of report.pairs) {
    // Terminal rule: file names are workspace-controlled (newlines, ESC): one line each.
    out.push(`training: ${pair.training.map((f) => sanitizeForTerminal(rel(root, f), 300)).join(', ')}`);
    out.push(`serving:  ${pair.serving.map((f) => sanitizeForTerminal(rel(root, f), 300)).join(', ')}`);
    if (pair.model) out.push(`model:    ${sanitizeForTerminal(rel(root, pair.model), 300)}`);
    if (!findings.length) out.push('  no skew found');
    else {
      const at = (l: SkewLocation | null): string => (l ? sanitizeForTerminal(`${rel(root, l.file)}:${l.line}`, 120) : '—');
      out.push(renderTable(
        [{ header: 'severity' }, { header: 'kind' }, { header: 'serving' }, { header: 'training' }, { header: 'message' }],
        findings.map((f) => [f.suppressed ? `${f.severity} (suppressed)` : f.severity, f.kind, at(f.serving), at(f.training), sanitizeForTerminal(f.message, 160)]),
      ));
    }
    out.push('');
  }
  // Analysis notes (a file skipped, a syntax error recovered) are not findings: not labelled like a severity.
  for (const n of report.notes) out.push(`analysis: ${sanitizeForTerminal(n.message.split(n.file).join(rel(root, n.file)), 300)}`);
  const count = report.pairs.reduce((s, p) => s + p.findings.length, 0);
  out.push(`${count} finding${count === 1 ? '' : 's'} in ${report.pairs.length} pair${report.pairs.length === 1 ? '' : 's'}`);
  return `${out.join('\n')}\n`;
}

export async function skewCommand(args: string[], io: CliIO): Promise<number> {
  const a = parse(args);
  if (a.help) {
    io.stdout(skewHelp);
    return ExitCode.ok;
  }
  let report: SkewReport;
  let root: string;
  try {
    if (a.workspace) {
      if (a.training.length || a.serving.length) throw new CliError('skew: use either --workspace or --training/--serving');
      root = path.resolve(io.cwd, a.workspace);
      if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) throw new CliError(`skew: ${a.workspace}: not-found: not a folder`);
      report = await analyzeWorkspace(root, { signal: io.signal, maxFileBytes: a.maxFileBytes });
    } else {
      if (!a.training.length || !a.serving.length) throw new CliError('skew: give --training <files…> and --serving <files…>, or --workspace <dir> (see ml-preflight skew --help)');
      root = io.cwd;
      for (const f of [...a.training, ...a.serving, ...(a.model ? [a.model] : [])]) {
        const abs = path.resolve(io.cwd, f);
        if (!fs.existsSync(abs)) throw new CliError(`skew: ${f}: not-found: no such file`);
        // Read rule: say what the path is (a FIFO is not "a folder"); specials are never opened.
        const kind = nonRegularKindSync(abs);
        if (kind) throw new CliError(`skew: ${f}: not-a-file: is ${kind}, not a regular file`);
      }
      report = await analyzePairs(
        [{ training: a.training.map((f) => path.resolve(io.cwd, f)), serving: a.serving.map((f) => path.resolve(io.cwd, f)), ...(a.model ? { model: path.resolve(io.cwd, a.model) } : {}), source: 'explicit' }],
        { root, signal: io.signal, maxFileBytes: a.maxFileBytes },
      );
    }
  } catch (ex) {
    if (SkewConfigError.is(ex)) throw new CliError(`skew: ${rel(io.cwd, ex.file)}: invalid-config: ${ex.detail}`);
    if (SkewParserError.is(ex)) throw new CliError(`skew: ${ex.message}`, ExitCode.internal);
    throw ex;
  }
  if (a.json) io.stdout(`${JSON.stringify(skewJson(report, root), null, 2)}\n`);
  else io.stdout(formatSkew(report, root));
  // A suppressed finding (`# ml-preflight: ignore[kind]`, a pair's ignore list) is reported but never fails.
  const serious = report.pairs.some((p) => p.findings.some((f) => f.severity !== 'info' && !f.suppressed));
  return serious ? ExitCode.findings : ExitCode.ok;
}
