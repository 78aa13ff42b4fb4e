/** `ml-preflight review [<dir>] [--json] [--sarif out.sarif] [--html out.html] [--fail-on error|warning|never]` */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { ChecklistError } from '../../core/checklist/workspace';
import { isInside } from '../../core/paths';
import { renderReviewHtml } from '../../core/review/html';
import { reviewExitCode, runReview, type FailOn, type ReviewReport } from '../../core/review/review';
import { toSarif } from '../../core/review/sarif';
import { checkDistinct, checkWritable, writeOutput } from '../outputFile';
import { CliError, ExitCode, type CliIO } from '../io';
import { formatChecklist } from './checklist';
import { formatFindingCounts } from '../../shared/checklist';

export const reviewHelp = `Usage: ml-preflight review [<dir>] [--json] [--sarif FILE] [--html FILE] [--fail-on LEVEL] [--base REF]

Runs every capability that applies to the workspace folder (default: .): inspects its ONNX
models, reads saved profiles (.mlpreflight/profiles/), compares drift live on the folder's
reference/current sample files unless saved reports exist (.mlpreflight/drift/), analyses
skew live on the training/serving pairs (.mlpreflight/skew.json configures the pairs; saved
findings in .mlpreflight/skew-report.json are used instead when present), lints serving
configs and Dockerfiles against their schemas and the model, and grades the deployment
checklist.

Options:
  --json             print the whole report as JSON
  --sarif FILE       write SARIF 2.1.0 (GitHub code scanning: upload with github/codeql-action/upload-sarif)
  --sarif-root DIR   repository root the SARIF paths are relative to (default: the current directory
                     when it contains <dir>, else <dir>)
  --html FILE        write a self-contained HTML report
  --force            replace a --sarif/--html file that ML Preflight did not write (its own earlier
                     reports are replaced without asking)
  --fail-on LEVEL    error (default): exit 1 when an item fails; warning: also on warnings; never: exit 0
  --base REF         git ref the models' serving contract is compared with (pull requests:
                     the target branch, e.g. origin/main; default HEAD): a breaking change
                     without a version bump fails "Serving contract unchanged, or versioned"
  -h, --help         show this help

Exit codes: 0 below the --fail-on threshold; 1 findings at or above it; 2 bad input.
`;

export async function reviewCommand(args: string[], io: CliIO, version: string): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      sarif: { type: 'string' },
      'sarif-root': { type: 'string' },
      html: { type: 'string' },
      'fail-on': { type: 'string', default: 'error' },
      force: { type: 'boolean', default: false },
      base: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.stdout(reviewHelp);
    return ExitCode.ok;
  }
  const failOn = values['fail-on'];
  if (failOn !== 'error' && failOn !== 'warning' && failOn !== 'never') throw new CliError(`review: --fail-on must be error, warning or never, got '${failOn}'`);
  if (positionals.length > 1) throw new CliError('review: expected one folder');
  const dir = positionals[0] ?? '.';
  const root = path.resolve(io.cwd, dir);
  // Checked before the work: an existing file that ML Preflight did not write is never replaced without --force.
  await checkDistinct('review', io.cwd, [['--sarif', values.sarif], ['--html', values.html]]);
  const sarifPath = values.sarif ? await checkWritable('review', io.cwd, values.sarif, values.force) : undefined;
  const htmlPath = values.html ? await checkWritable('review', io.cwd, values.html, values.force) : undefined;
  let report: ReviewReport;
  try {
    report = await runReview(root, { signal: io.signal, version, base: values.base });
  } catch (ex) {
    if (ChecklistError.is(ex)) throw new CliError(`review: ${dir}: ${ex.reason}: ${ex.detail}`);
    throw ex;
  }
  const written: string[] = [];
  if (values.sarif && sarifPath) {
    const repoRoot = values['sarif-root'] ? path.resolve(io.cwd, values['sarif-root']) : isInside(io.cwd, root) ? io.cwd : root;
    await writeOutput('review', sarifPath, values.sarif, JSON.stringify(toSarif(report, { repoRoot }), null, 2) + '\n');
    written.push(sarifPath);
  }
  if (values.html && htmlPath) {
    await writeOutput('review', htmlPath, values.html, renderReviewHtml(report));
    written.push(htmlPath);
  }
  const code = reviewExitCode(report, failOn as FailOn);
  if (values.json) {
    io.stdout(JSON.stringify(report, null, 2) + '\n');
  } else {
    io.stdout(formatChecklist(report.checklist, dir));
    io.stdout(`${report.models.length} model(s), ${formatFindingCounts(report.findings)} in ${report.durationMs} ms (--fail-on ${failOn}: exit ${code})\n`);
    for (const w of written) io.stdout(`wrote ${path.relative(io.cwd, w) || w}\n`);
  }
  return code;
}
