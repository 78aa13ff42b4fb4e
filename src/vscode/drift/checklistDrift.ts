import * as vscode from 'vscode';
import type { ChecklistReport, ChecklistStatus } from '../../shared/checklist';

/** What the checklist's drift item found (its live comparison or a saved report), for the tree's "Data drift" row. */
export interface ChecklistDriftSummary {
  status: ChecklistStatus;
  /** The item's one-line summary, e.g. `3 drifted column(s), below the dataset-drift share`. */
  summary: string;
  /** What was compared, e.g. `live drift check (data/reference.csv → data/current.csv)`. */
  source?: string;
}

/**
 * The latest drift result of the checklist, shared between the checklist service (writer) and the drift tree
 * section (reader), so the tree never says "not run" while the checklist has compared the workspace's samples.
 */
class ChecklistDriftRegistry {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  private value: ChecklistDriftSummary | undefined;

  get(): ChecklistDriftSummary | undefined {
    return this.value;
  }

  /** Takes the `data.drift` item of a graded report (no change when the report has no drift source). */
  setFromReport(report: ChecklistReport): void {
    const item = report.items.find((i) => i.id === 'data.drift');
    const next = item && report.sources.drift.length ? { status: item.status, summary: item.summary, source: report.sources.drift[0] } : undefined;
    if (JSON.stringify(next) === JSON.stringify(this.value)) return;
    this.value = next;
    this.emitter.fire();
  }
}

/**
 * One registry per extension host. The checklist and the drift features are separate bundles (dist/ext-*.js, see
 * scripts/build.mjs) that each get their own copy of this module, so the instance lives on `globalThis` under a
 * registered symbol, the one place both copies share.
 */
const KEY = Symbol.for('mlPreflight.checklistDrift');
const holder = globalThis as unknown as Record<symbol, ChecklistDriftRegistry | undefined>;
export const checklistDrift: ChecklistDriftRegistry = (holder[KEY] ??= new ChecklistDriftRegistry());
