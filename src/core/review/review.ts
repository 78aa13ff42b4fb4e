/**
 * `review`: everything ML Preflight can say about a workspace folder in one run: the models' inspections,
 * the saved profile/drift/skew results (when present), the serving-config lint and the deployment checklist,
 * flattened into {@link Finding}s for SARIF and the exit code.
 */
import type { ChecklistItemResult, ChecklistReport, Finding } from '../../shared/checklist';
import type { ModelInspection } from '../../shared/modelInspection';
import { evaluateFacts } from '../checklist/evaluate';
import { gatherFacts } from '../checklist/facts';

export interface ReviewModel {
  file: string;
  inspection?: ModelInspection;
  error?: { reason: string; message: string };
}

export interface ReviewReport {
  tool: { name: 'ml-preflight'; version: string };
  /** ISO time of the run. */
  generatedAt: string;
  root: string;
  models: ReviewModel[];
  checklist: ChecklistReport;
  /** Every finding, checklist items without detailed findings included (one per failed/warned item). */
  findings: Finding[];
  durationMs: number;
}

export type FailOn = 'error' | 'warning' | 'never';

/** Findings of one item: its detailed findings, or one finding for the item itself. */
export function itemFindings(item: ChecklistItemResult): Finding[] {
  if (item.status !== 'fail' && item.status !== 'warn') return [];
  const level: Finding['level'] = item.status === 'fail' ? 'error' : 'warning';
  const detailed = item.findings.filter((f) => f.level !== 'info');
  if (detailed.length) return detailed;
  const where = item.evidence.find((e) => e.file);
  return [{ ruleId: `checklist/${item.id}`, level, message: `${item.title}: ${item.summary}`, file: where?.file, line: where?.line }];
}

/** Runs the review of `root`. @throws ChecklistError for a missing folder or cancellation. */
export async function runReview(root: string, options: { signal?: AbortSignal; version?: string; now?: () => Date; base?: string } = {}): Promise<ReviewReport> {
  const started = Date.now();
  const facts = await gatherFacts(root, options);
  const checklist = await evaluateFacts(facts, options);
  const findings = checklist.items.flatMap(itemFindings);
  for (const m of facts.models) {
    for (const w of m.inspection?.warnings ?? []) findings.push({ ruleId: 'model/inspection-warning', level: 'info', message: `${m.file}: ${w}`, file: m.file });
  }
  return {
    tool: { name: 'ml-preflight', version: options.version ?? 'dev' },
    generatedAt: (options.now?.() ?? new Date()).toISOString(),
    root: facts.ws.root,
    models: facts.models.map((m) => ({ file: m.file, inspection: m.inspection, error: m.error })),
    checklist,
    findings,
    durationMs: Date.now() - started,
  };
}

/** Exit code by `--fail-on`: 1 when a finding reaches the threshold, else 0. */
export function reviewExitCode(report: ReviewReport, failOn: FailOn): 0 | 1 {
  if (failOn === 'never') return 0;
  const levels = failOn === 'error' ? ['error'] : ['error', 'warning'];
  // Suppressed skew findings (`# ml-preflight: ignore[kind]`, `.mlpreflight/skew.json` ignore) never fail the gate.
  return report.findings.some((f) => levels.includes(f.level) && !f.skew?.suppressed) ? 1 : 0;
}
