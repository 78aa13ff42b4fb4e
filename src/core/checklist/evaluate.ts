/**
 * Grades a workspace folder: gathers {@link Facts}, runs every item's evaluator, applies the team's n/a
 * marks (`.mlpreflight/checklist.json`). An evaluator that throws yields `unknown` with the error, so one
 * broken input never hides the rest of the checklist.
 */
import { countStatuses, type ChecklistItemResult, type ChecklistReport } from '../../shared/checklist';
import { gatherFacts, type Facts } from './facts';
import { ITEMS, type ItemDefinition } from './items';
import type { CompareDrift } from './liveDrift';
import type { AnalyzeSkew } from './liveSkew';
import { readNaMarks } from './naStore';
import { ChecklistError } from './workspace';

export interface ChecklistOptions {
  signal?: AbortSignal;
  /** `false`: use saved results only, run no live analysis (skew, drift). Default true. */
  live?: boolean;
  /** How the live drift check compares a sample pair (default: on this thread; VS Code: a worker thread). */
  compareDrift?: CompareDrift;
  /** How the live skew report is computed (default: on this thread; VS Code: the skew service or its worker thread). */
  analyzeSkew?: AnalyzeSkew;
  /** Git ref the serving contract is compared with (default HEAD). */
  base?: string;
  /** `false`: run no git command (the serving-contract item is then unknown). VS Code: Workspace Trust. */
  git?: boolean;
  /** Evaluate only these items (default: all). */
  items?: readonly ItemDefinition[];
  /** Glob of files and folders not graded (`mlPreflight.models.exclude`, the same the tree applies). */
  exclude?: string;
  /** Grade files ML Preflight generated like the user's own (default false: they are left out, see src/core/generated.ts). */
  includeGenerated?: boolean;
}

/** Grades already-gathered facts (exported for tests and for `review`, which reuses the facts). */
export async function evaluateFacts(facts: Facts, options: ChecklistOptions = {}): Promise<ChecklistReport> {
  const { marks, warning } = await readNaMarks(facts.ws.root);
  const warnings = [...facts.sources.warnings];
  if (warning) warnings.push(warning);
  if (facts.ws.truncated) warnings.push(`Only the first ${facts.ws.files.length} files were read`);
  const items: ChecklistItemResult[] = [];
  for (const def of options.items ?? ITEMS) {
    if (options.signal?.aborted) throw new ChecklistError('aborted', facts.ws.root, 'the checklist run was cancelled');
    let result: ChecklistItemResult;
    try {
      const v = await def.evaluate(facts);
      result = { id: def.id, area: def.area, title: def.title, status: v.status, summary: v.summary, explanation: def.explanation, evidence: v.evidence, findings: v.findings ?? [], fix: def.fix };
    } catch (ex) {
      result = { id: def.id, area: def.area, title: def.title, status: 'unknown', summary: `Could not be evaluated: ${ex instanceof Error ? ex.message : String(ex)}`, explanation: def.explanation, evidence: [], findings: [], fix: def.fix };
    }
    const mark = marks[def.id];
    if (mark) {
      result.measured = result.status as Exclude<ChecklistItemResult['status'], 'na'>;
      result.status = 'na';
      result.na = mark;
    }
    items.push(result);
  }
  for (const id of Object.keys(marks)) if (!items.some((i) => i.id === id)) warnings.push(`.mlpreflight/checklist.json: unknown item '${id}' (ignored)`);
  return {
    root: facts.ws.root,
    items,
    counts: countStatuses(items),
    sources: { profiles: facts.sources.profiles.map((p) => p.source), drift: facts.sources.drift.map((d) => d.source), skew: facts.sources.skew?.source ?? null },
    excluded: { generated: [...facts.ws.excluded.generated], byPattern: facts.ws.excluded.byPattern },
    warnings,
  };
}

/**
 * Grades the workspace folder `root`.
 *
 * @throws ChecklistError `not-found`, `not-a-folder`, `aborted`.
 */
export async function runChecklist(root: string, options: ChecklistOptions = {}): Promise<ChecklistReport> {
  return evaluateFacts(await gatherFacts(root, options), options);
}
