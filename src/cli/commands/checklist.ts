/** `ml-preflight checklist <dir> [--json]` */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { runChecklist } from '../../core/checklist/evaluate';
import { ChecklistError } from '../../core/checklist/workspace';
import { CHECKLIST_AREAS, formatCounts, statusLabel, type ChecklistReport, type ChecklistStatus } from '../../shared/checklist';
import { renderTable, sanitizeForTerminal as t } from '../format/table';
import { CliError, ExitCode, type CliIO } from '../io';

export const checklistHelp = `Usage: ml-preflight checklist [<dir>] [--json] [--fail-on LEVEL]

Grades a workspace folder (default: .) against the deployment checklist: model format and
opset, size/quantization, latency and memory (profiler results), drift, preprocessing skew,
Dockerfile lint, health/readiness, input validation, metrics, logging, fallback, serving
configs vs the model, pinned dependencies, versioning, tests, CI, rollout/rollback,
autoscaling, alerts, authentication.

Each item is pass / warn / fail / unknown (not yet measured) / n/a (marked by the team in
.mlpreflight/checklist.json, with a reason). Latency and memory come from saved profiles
(.mlpreflight/profiles/*.json, written by \`ml-preflight profile\`). Drift comes from saved
reports (.mlpreflight/drift/*.json), else from a live comparison of the folder's
reference/current sample files. Skew is analysed live on the training/serving pairs
(.mlpreflight/skew.json is that pair configuration, not a result), unless saved findings
exist in .mlpreflight/skew-report.json.

Options:
  --json           print the report as JSON
  --fail-on LEVEL  error (default): exit 1 when an item fails; warning: also when one warns;
                   never: exit 0 whatever the grades
  -h, --help       show this help

Exit codes: 0 below the --fail-on threshold; 1 an item at or above it; 2 the folder cannot be
read or a usage error.
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
    options: { json: { type: 'boolean', default: false }, 'fail-on': { type: 'string', default: 'error' }, help: { type: 'boolean', short: 'h', default: false } },
  });
  if (values.help) {
    io.stdout(checklistHelp);
    return ExitCode.ok;
  }
  const failOn = values['fail-on'];
  if (failOn !== 'error' && failOn !== 'warning' && failOn !== 'never') throw new CliError(`checklist: --fail-on must be error, warning or never, got '${failOn}'`);
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
  return checklistExitCode(report, failOn);
}

/** The exit code of a graded checklist under `--fail-on` (items, not findings: `warning` also counts warned items). */
export function checklistExitCode(report: ChecklistReport, failOn: 'error' | 'warning' | 'never'): number {
  if (failOn === 'never') return ExitCode.ok;
  const over = report.counts.fail + (failOn === 'warning' ? report.counts.warn : 0);
  return over > 0 ? ExitCode.findings : ExitCode.ok;
}
