import * as vscode from 'vscode';
import type { DriftReport } from '../../shared/drift';

/** A remembered comparison (workspaceState): file URIs as strings, and its latest verdict. */
export interface DriftPair {
  reference: string;
  current: string;
  /** ISO time of the last run. */
  lastRun?: string;
  verdict?: DriftSummary;
}

/** What the tree shows of the latest report. */
export interface DriftSummary {
  datasetDrift: boolean;
  driftedColumns: number;
  testedColumns: number;
  shareDrifted: number;
  drifted: string[];
  schemaIssues: number;
}

const PAIRS_KEY = 'mlPreflight.drift.pairs';
const MAX_PAIRS = 10;

export function summarize(report: DriftReport): DriftSummary {
  return {
    datasetDrift: report.datasetDrift,
    driftedColumns: report.driftedColumns,
    testedColumns: report.testedColumns,
    shareDrifted: report.shareDrifted,
    drifted: report.columns.filter((c) => c.drifted).map((c) => c.name),
    schemaIssues: report.schema.missingInCurrent.length + report.schema.extraInCurrent.length + report.schema.typeChanges.length,
  };
}

/**
 * Remembered pairs (most recent first, at most 10, in `workspaceState`), the file picked with "Set as Drift
 * Reference/Current" and the running comparison; fires `onDidChange` for the tree.
 */
export class DriftState implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  /** Set by the Explorer context menu until its counterpart is chosen. */
  pendingReference: vscode.Uri | undefined;
  pendingCurrent: vscode.Uri | undefined;
  running: DriftPair | undefined;

  constructor(private readonly memento: vscode.Memento) {}

  pairs(): DriftPair[] {
    const raw = this.memento.get<unknown>(PAIRS_KEY);
    if (!Array.isArray(raw)) return [];
    return raw.filter((p): p is DriftPair => typeof p === 'object' && p !== null && typeof (p as DriftPair).reference === 'string' && typeof (p as DriftPair).current === 'string');
  }

  latest(): DriftPair | undefined {
    return this.pairs()[0];
  }

  async remember(pair: DriftPair): Promise<void> {
    const rest = this.pairs().filter((p) => !(p.reference === pair.reference && p.current === pair.current));
    await this.memento.update(PAIRS_KEY, [pair, ...rest].slice(0, MAX_PAIRS));
    this.emitter.fire();
  }

  async forget(pair: DriftPair): Promise<void> {
    await this.memento.update(PAIRS_KEY, this.pairs().filter((p) => !(p.reference === pair.reference && p.current === pair.current)));
    this.emitter.fire();
  }

  changed(): void {
    this.emitter.fire();
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
