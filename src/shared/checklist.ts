/**
 * The deployment checklist and review results: plain JSON shared by the core (`src/core/checklist`,
 * `src/core/review`), the CLI (`checklist`, `review`), the extension (tree, webview) and the webview bundle.
 * No Node, no DOM, no vscode.
 *
 * Paths in evidence are workspace-relative with `/` separators; lines and columns are 1-based.
 */

import type { Severity } from './skew';

/** `pass`: checked and fine; `warn`: works but below production practice; `fail`: blocks a launch;
 * `unknown`: could not be decided (e.g. not yet measured); `na`: marked not applicable by the team. */
export type ChecklistStatus = 'pass' | 'warn' | 'fail' | 'unknown' | 'na';

export const CHECKLIST_STATUSES: readonly ChecklistStatus[] = ['fail', 'warn', 'unknown', 'pass', 'na'];

/** Areas the items are grouped by (tree sections, report sections). */
export type ChecklistArea = 'model' | 'performance' | 'data' | 'container' | 'serving' | 'operations' | 'reproducibility' | 'security';

export const CHECKLIST_AREAS: readonly { id: ChecklistArea; title: string }[] = [
  { id: 'model', title: 'Model' },
  { id: 'performance', title: 'Performance' },
  { id: 'data', title: 'Data' },
  { id: 'container', title: 'Container' },
  { id: 'serving', title: 'Serving code' },
  { id: 'operations', title: 'Operations' },
  { id: 'reproducibility', title: 'Reproducibility' },
  { id: 'security', title: 'Security' },
];

/** What an item's status rests on: a place in a file, a measured number, or both. */
export interface Evidence {
  /** Workspace-relative path (`/` separators). */
  file?: string;
  /** 1-based line in `file`. */
  line?: number;
  /** 1-based column in `file`. */
  column?: number;
  /** Plain-language statement of the fact (e.g. `p99 42.1 ms at batch 1`, `FROM python:3.12 has no digest`). */
  text: string;
}

/**
 * Fix actions, stable ids the adapters map to commands: `emit.*` generate files, `run.*` run another
 * capability, `doc.*` open the documentation section, `na` mark the item not applicable.
 */
export type FixActionId =
  | 'emit.docker'
  | 'emit.triton'
  | 'emit.kserve'
  | 'emit.k8s'
  | 'emit.prometheus'
  | 'emit.k6'
  | 'run.profile'
  | 'run.drift'
  | 'run.skew'
  | 'doc';

export interface FixAction {
  id: FixActionId;
  /** Button label, e.g. `Generate Dockerfile`. */
  label: string;
}

/** A problem found by an evaluator or a linter, with a location when it has one (SARIF result). */
export interface Finding {
  /** Stable rule id, e.g. `dockerfile/unpinned-base-image`, `triton/input-dims-mismatch`. */
  ruleId: string;
  /** `info` is SARIF's `note` (src/core/review/sarif.ts maps it). */
  level: Severity;
  message: string;
  /** Workspace-relative path. */
  file?: string;
  line?: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
  /** Skew findings: the training side, the quick fix, suppression and help text for SARIF (src/core/skew). */
  skew?: SkewSarif;
}

/** What SARIF needs of a skew finding beyond the primary location (workspace-relative paths). */
export interface SkewSarif {
  help: string;
  confidence: 'high' | 'medium' | 'low';
  related: Array<{ file: string; line: number; column?: number; endLine?: number; endColumn?: number; message: string }>;
  fix?: { file: string; line: number; column: number; endLine: number; endColumn: number; newText: string; description: string };
  suppressed?: { kind: 'inSource' | 'external'; justification: string };
}

/** One graded checklist item. */
export interface ChecklistItemResult {
  /** Stable id (`model.format`, `container.dockerfile`, …), the key of n/a marks. */
  id: string;
  area: ChecklistArea;
  title: string;
  status: ChecklistStatus;
  /** One line: why this status. */
  summary: string;
  /** Why the item matters in production and what "pass" takes. */
  explanation: string;
  evidence: Evidence[];
  /** Detailed problems (with locations) behind a warn/fail, e.g. Dockerfile lint results. */
  findings: Finding[];
  /** What fixes it, when ML Preflight can help. */
  fix?: FixAction;
  /** Set when the team marked the item not applicable; `status` is then `na` and `measured` keeps the evaluator's verdict. */
  na?: { reason: string; by?: string; date?: string };
  /** The evaluator's own status when the item is marked n/a. */
  measured?: Exclude<ChecklistStatus, 'na'>;
}

export type StatusCounts = Record<ChecklistStatus, number>;

/** The graded checklist of one workspace folder. */
export interface ChecklistReport {
  /** Absolute path of the workspace folder. */
  root: string;
  items: ChecklistItemResult[];
  counts: StatusCounts;
  /** Which optional inputs were found (saved results of the other capabilities). */
  sources: { profiles: string[]; drift: string[]; skew: string | null };
  /**
   * Files not graded: `generated` ones ML Preflight wrote (listed in a `.mlpreflight-generated.json` manifest or
   * carrying its marker; workspace-relative), and how many matched the exclude glob.
   */
  excluded?: { generated: string[]; byPattern: number };
  /** Problems reading inputs (a bad `.mlpreflight/checklist.json`, an unreadable profile) that did not stop the run. */
  warnings: string[];
}

/** Counts of each status in `items`. */
export function countStatuses(items: readonly { status: ChecklistStatus }[]): StatusCounts {
  const counts: StatusCounts = { pass: 0, warn: 0, fail: 0, unknown: 0, na: 0 };
  for (const item of items) counts[item.status] += 1;
  return counts;
}

/**
 * Item counts with their unit, so they never read as finding counts: `3 items fail, 2 warn, 4 unknown, 5 pass, 1 n/a`
 * (`1 item fails` for one).
 */
export function formatCounts(counts: StatusCounts): string {
  const parts = CHECKLIST_STATUSES.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s === 'na' ? 'n/a' : s}`);
  if (!parts.length) return 'no items';
  const first = CHECKLIST_STATUSES.find((s) => counts[s] > 0)!;
  const n = counts[first];
  const verb = first === 'na' ? 'n/a' : n === 1 ? { pass: 'passes', warn: 'warns', fail: 'fails', unknown: 'unknown' }[first] : first;
  parts[0] = `${n} ${n === 1 ? 'item' : 'items'} ${verb}`;
  return parts.join(', ');
}

/** Finding counts with their unit: `18 error findings, 4 warnings` (info findings left out when there are none). */
export function formatFindingCounts(findings: readonly { level: Severity }[]): string {
  const n = (level: Severity): number => findings.filter((f) => f.level === level).length;
  const plural = (k: number, one: string, many: string): string => `${k} ${k === 1 ? one : many}`;
  const parts = [plural(n('error'), 'error finding', 'error findings'), plural(n('warning'), 'warning', 'warnings')];
  if (n('info')) parts.push(plural(n('info'), 'info finding', 'info findings'));
  return parts.join(', ');
}

/** Human label of a status. */
export function statusLabel(status: ChecklistStatus): string {
  return status === 'na' ? 'n/a' : status;
}
