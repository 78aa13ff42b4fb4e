/** `ml-preflight checklist <dir> [--json]` */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { runChecklist } from '../../core/checklist/evaluate';
import { ChecklistError } from '../../core/checklist/workspace';
import { CHECKLIST_AREAS, formatCounts, statusLabel, type ChecklistReport, type ChecklistStatus } from '../../shared/checklist';
import { renderTable, sanitizeForTerminal as t } from '../format/table';
import { CliError, ExitCode, type CliIO } from '../io';

export const checklistHelp = `Usage: ml-preflight checklist [<dir>] [--json]

Grades a workspace folder (default: .) against the deployment checklist: model format and
opset, size/quantization, latency and memory (profiler results), drift, preprocessing skew,
Dockerfile lint, health/readiness, input validation, metrics, logging, fallback, serving
configs vs the model, pinned dependencies, versioning, tests, CI, rollout/rollback,
autoscaling, alerts, authentication.

Each item is pass / warn / fail / unknown (not yet measured) / n/a (marked by the team in
.mlpreflight/checklist.json, with a reason). Saved results of the other capabilities are read
from .mlpreflight/profiles/*.json, .mlpreflight/drift/*.json and .mlpreflight/skew.json.

Options:
  --json      print the report as JSON
  -h, --help  show this help

Exit codes: 0 no failed item; 1 at least one item fails; 2 the folder cannot be read.
`;

const ICON: Record<ChecklistStatus, string> = { pass: '✓', warn: '!', fail: '✗', unknown: '?', na: '-' };

export function formatChecklist(report: ChecklistReport, shownRoot: string): string {
  const out: string[] = [`Deployment checklist: ${t(shownRoot, 300)}`, `${formatCounts(report.counts)}`, ''];
  for (const area of CHECKLIST_AREAS) {
    const items = report.items.filter((i) => i.area === area.id);
    if (!items.length) continue;
    out.push(area.title);
    const rows = items.map((i) => {
      const ev = i.evidence.find((e) => e.file);
      return [`${ICON[i.status]} ${statusLabel(i.status)}`, i.title, t(i.na ? `n/a: ${i.na.reason}` : i.summary, 110), ev ? t(`${ev.file}${ev.line ? `:${ev.line}` : ''}`, 60) : ''];
    });
    out.push(renderTable([{ header: 'status' }, { header: 'item' }, { header: 'why' }, { header: 'where' }], rows), '');
  }
  for (const w of report.warnings) out.push(`warning: ${t(w, 300)}`);
  return out.join('\n') + '\n';
}

export async function checklistCommand(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
  });
  if (values.help) {
    io.stdout(checklistHelp);
    return ExitCode.ok;
  }
  if (positionals.length > 1) throw new CliError('checklist: expected one folder');
  const dir = positionals[0] ?? '.';
  let report: ChecklistReport;
  try {
    report = await runChecklist(path.resolve(io.cwd, dir), { signal: io.signal });
  } catch (ex) {
    if (ChecklistError.is(ex)) throw new CliError(`checklist: ${dir}: ${ex.reason}: ${ex.detail}`);
    throw ex;
  }
  io.stdout(values.json ? JSON.stringify(report, null, 2) + '\n' : formatChecklist(report, dir));
  return report.counts.fail > 0 ? ExitCode.findings : ExitCode.ok;
}
