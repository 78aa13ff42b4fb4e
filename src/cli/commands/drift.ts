/** `ml-preflight drift <reference> <current> [--json] [--html report.html] [--columns a,b] [--method col=ks] …` */
import { existsSync } from 'node:fs';
import { readTextFile, SafeFsError } from '../../core/safeFs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { DataReadError } from '../../core/data/errors';
import { DEFAULT_MAX_ROWS } from '../../core/data/readDataset';
import { computeDrift, DriftError } from '../../core/drift/computeDrift';
import { DRIFT_CONFIG_FILE, mergeOverrides, parseAssignments, parseDriftConfig, parseMethod, parseThreshold, parseType } from '../../core/drift/config';
import { renderDriftHtml } from '../../core/drift/htmlReport';
import { DRIFT_METHOD_LABELS, driftVerdict, type ColumnOverride, type DriftConfigFile, type DriftReport } from '../../shared/drift';
import { formatP, formatShare, formatStat } from '../../shared/driftChart';
import { fitTable, sanitizeForTerminal } from '../format/table';
import { CliError, DEFAULT_COLUMNS, ExitCode, type CliIO } from '../io';
import { checkWritable, writeOutput } from '../outputFile';

export const driftHelp = `Usage: ml-preflight drift <reference> <current> [options]

Compares a reference sample (e.g. training data) with a current sample (e.g. recent
production inputs) column by column, with Evidently's default tests: reference ≤ 1000 rows →
KS / chi-square / two-proportion Z (p-values); larger → normed Wasserstein / Jensen–Shannon.
Every column also gets KS, PSI, JS distance, missing shares, new categories, range
violations and an effect size. Formats: CSV/TSV, Parquet, Arrow IPC/Feather v2, JSON Lines, JSON.

Options:
  --json                  print the report as JSON
  --html <file>           also write a self-contained HTML report (replaces an earlier
                          ML Preflight report; any other existing file only with --force)
  --columns a,b           only these columns
  --method col=ks         test for a column: ks, chisquare, z, wasserstein, jensenshannon,
                          psi, linf, jsd (repeatable, or a=ks,b=psi)
  --threshold col=0.2     threshold for a column (p-value or distance, per method)
  --type col=categorical  column type: numeric, categorical, boolean, datetime, text
  --tfdv                  TFDV-compatible checks (L-infinity for categorical, JS divergence
                          log2 over 10 buckets for numeric)
  --drift-share 0.5       share of drifted columns that means dataset drift
  --max-rows N            refuse files with more rows (default ${DEFAULT_MAX_ROWS.toLocaleString('en-US')})
  --config <file>         per-column overrides (default: ${DRIFT_CONFIG_FILE} if present)
  --fail-on-drift         exit 1 when the dataset drifted (for CI)
  --force                 replace an --html file that ML Preflight did not write
  -h, --help              show this help

Exit codes: 0 compared (drift or not, unless --fail-on-drift); 1 dataset drift with
--fail-on-drift; 2 unreadable input, mismatched schemas or a usage error (one line on stderr);
3 internal error.
`;

/** The notes of the core that the text report already says in its own line (new categories: listed with names). */
function restatesNewCategories(note: string, col: DriftReport['columns'][number]): boolean {
  return col.newCategoryCount > 0 && /^\d+ categor(y|ies) in current never seen in reference\b/.test(note);
}

/** The text report; the column table fits `width` characters (less important columns are left out first). */
export function formatDriftText(report: DriftReport, width = DEFAULT_COLUMNS): string {
  const lines: string[] = [];
  const r = report.reference;
  const c = report.current;
  lines.push(`Reference  ${sanitizeForTerminal(r.path)}  ${r.rows.toLocaleString('en-US')} rows × ${r.columns} columns (${r.format})`);
  lines.push(`Current    ${sanitizeForTerminal(c.path)}  ${c.rows.toLocaleString('en-US')} rows × ${c.columns} columns (${c.format})`);
  lines.push('');
  const rows = report.columns.map((col) => [
    sanitizeForTerminal(col.name, 40),
    col.type,
    col.method ? DRIFT_METHOD_LABELS[col.method] : `not tested (${col.skipped?.reason ?? '?'})`,
    formatStat(col.statistic, col.statisticInfinite),
    formatP(col.pValue),
    formatStat(col.threshold),
    col.skipped ? '—' : col.drifted ? 'DRIFT' : 'ok',
    col.ks ? formatP(col.ks.pValue) : '—',
    formatStat(col.wassersteinNormed),
    formatStat(col.psi),
    formatStat(col.jsDistance),
    col.effectSize ? `${formatStat(col.effectSize.value)} ${col.effectSize.magnitude ?? ''}`.trim() : '—',
    `${formatShare(col.missing.reference)} / ${formatShare(col.missing.current)}`,
  ]);
  // Left out first (lowest rank) when the terminal is narrow: the secondary statistics; the deciding test stays.
  const table = fitTable([
    { header: 'column', shrinkTo: 12 }, { header: 'type', drop: 8 }, { header: 'test', shrinkTo: 10 }, { header: 'stat', align: 'right' }, { header: 'p', align: 'right' },
    { header: 'thr', align: 'right', drop: 6 }, { header: 'drift' },
    { header: 'KS p', align: 'right', drop: 1 }, { header: 'W norm', align: 'right', drop: 2 }, { header: 'PSI', align: 'right', drop: 7 }, { header: 'JS', align: 'right', drop: 3 },
    { header: 'effect', drop: 4 }, { header: 'missing ref/cur', align: 'right', drop: 5 },
  ], rows, width);
  lines.push(table.text);
  if (table.omitted.length) lines.push(`  (${table.omitted.join(', ')}: left out to fit ${width} columns; see --json or --html)`);
  const details: string[] = [];
  for (const col of report.columns) {
    const name = sanitizeForTerminal(col.name, 40);
    if (col.newCategoryCount) details.push(`${name}: ${col.newCategoryCount} new categor${col.newCategoryCount === 1 ? 'y' : 'ies'} never seen in reference (${formatShare(col.newCategoryShare)} of current rows): ${col.newCategories.slice(0, 5).map((s) => sanitizeForTerminal(s, 40)).join(', ')}${col.newCategoryCount > 5 ? ', …' : ''}`);
    if (col.statisticInfinite && col.method === 'chisquare') {
      details.push(`${name}: χ² = ∞ and p = 0 because ${col.newCategoryCount ? 'current has a category the reference never saw' : 'a category has no reference rows'}: its expected count under the reference is 0, so the statistic cannot be finite. That is certain drift, not a numeric failure; PSI and Jensen–Shannon say how large it is.`);
    }
    if (col.rangeViolations && col.rangeViolations.below + col.rangeViolations.above > 0) {
      details.push(`${name}: ${formatShare(col.rangeViolations.share)} of current values outside the reference range`);
    }
    for (const n of col.notes) if (!restatesNewCategories(n, col)) details.push(`${name}: ${sanitizeForTerminal(n, 300)}`);
  }
  const s = report.schema;
  if (s.missingInCurrent.length) details.push(`schema: missing in current: ${s.missingInCurrent.map((n) => sanitizeForTerminal(n, 40)).join(', ')}`);
  if (s.extraInCurrent.length) details.push(`schema: only in current: ${s.extraInCurrent.map((n) => sanitizeForTerminal(n, 40)).join(', ')}`);
  for (const t of s.typeChanges) details.push(`schema: ${sanitizeForTerminal(t.name, 40)} changed type ${t.reference} → ${t.current} (tested as ${t.testedAs})`);
  for (const w of report.warnings) details.push(`warning: ${sanitizeForTerminal(w, 300)}`);
  if (details.length) lines.push('', ...details.map((d) => `  ${d}`));
  lines.push('', driftVerdict(report) + ` (dataset drift at ≥ ${formatShare(report.driftShareThreshold)})`);
  return lines.join('\n') + '\n';
}

async function loadConfig(file: string, explicit: boolean): Promise<DriftConfigFile | undefined> {
  if (!explicit && !existsSync(file)) return undefined;
  let text: string;
  try {
    // Read rule: a regular file within 1 MiB (a config linked to /dev/zero or a FIFO is refused, not read).
    text = await readTextFile(file, { maxBytes: 1024 * 1024 });
  } catch (ex) {
    throw new CliError(`drift: cannot read config ${file}: ${SafeFsError.is(ex) ? ex.detail : (ex as Error).message}`);
  }
  return parseDriftConfig(text, file);
}

export async function driftCommand(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      html: { type: 'string' },
      columns: { type: 'string' },
      method: { type: 'string', multiple: true, default: [] },
      threshold: { type: 'string', multiple: true, default: [] },
      type: { type: 'string', multiple: true, default: [] },
      tfdv: { type: 'boolean', default: false },
      'drift-share': { type: 'string' },
      'max-rows': { type: 'string' },
      config: { type: 'string' },
      'fail-on-drift': { type: 'boolean', default: false },
      force: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.stdout(driftHelp);
    return ExitCode.ok;
  }
  if (positionals.length !== 2) throw new CliError(`drift: expected <reference> <current>, got ${positionals.length} file${positionals.length === 1 ? '' : 's'} (see \`ml-preflight drift --help\`)`);
  const [refGiven, curGiven] = positionals as [string, string];
  try {
    const configPath = values.config ? path.resolve(io.cwd, values.config) : path.join(io.cwd, DRIFT_CONFIG_FILE);
    const config = await loadConfig(configPath, values.config !== undefined);
    const cli: Record<string, ColumnOverride> = {};
    for (const [col, method] of Object.entries(parseAssignments('method', values.method, parseMethod))) cli[col] = { ...cli[col], method };
    for (const [col, threshold] of Object.entries(parseAssignments('threshold', values.threshold, parseThreshold))) cli[col] = { ...cli[col], threshold };
    for (const [col, type] of Object.entries(parseAssignments('type', values.type, parseType))) cli[col] = { ...cli[col], type };
    let driftShare = config?.driftShare;
    if (values['drift-share'] !== undefined) {
      driftShare = Number(values['drift-share']);
      if (!(driftShare > 0 && driftShare <= 1)) throw new CliError(`drift: --drift-share ${values['drift-share']}: expected a number in (0, 1]`);
    }
    let maxRows: number | undefined;
    if (values['max-rows'] !== undefined) {
      maxRows = Number(values['max-rows']);
      if (!Number.isInteger(maxRows) || maxRows < 1) throw new CliError(`drift: --max-rows ${values['max-rows']}: expected a positive integer`);
    }
    const htmlPath = values.html ? await checkWritable('drift', io.cwd, values.html, values.force) : undefined;
    const columns = values.columns ? values.columns.split(',').map((s) => s.trim()).filter(Boolean) : config?.include;
    const report = await computeDrift(path.resolve(io.cwd, refGiven), path.resolve(io.cwd, curGiven), {
      signal: io.signal,
      referenceName: refGiven,
      currentName: curGiven,
      maxRows,
      columns,
      overrides: mergeOverrides(config?.columns, cli),
      driftShare,
      mode: values.tfdv ? 'tfdv' : config?.mode,
    });
    if (htmlPath && values.html) await writeOutput('drift', htmlPath, values.html, renderDriftHtml(report));
    io.stdout(values.json ? JSON.stringify(report, null, 2) + '\n' : formatDriftText(report, io.columns ?? DEFAULT_COLUMNS) + (htmlPath ? `HTML report: ${values.html}\n` : ''));
    return values['fail-on-drift'] && report.datasetDrift ? ExitCode.findings : ExitCode.ok;
  } catch (ex) {
    if (DataReadError.is(ex)) throw new CliError(`drift: ${ex.message}`);
    if (DriftError.is(ex)) throw new CliError(`drift: ${ex.reason}: ${ex.message}`);
    throw ex;
  }
}
