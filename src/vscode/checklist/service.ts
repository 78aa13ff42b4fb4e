/**
 * Holds the graded checklist of each workspace folder (file scheme) and re-grades it when files change
 * (debounced), so the tree and the webview always show the current state. Grading only reads files, so it
 * runs in untrusted workspaces too.
 */
import * as vscode from 'vscode';
import { runChecklist } from '../../core/checklist/evaluate';
import type { CompareDrift } from '../../core/checklist/liveDrift';
import type { AnalyzeSkew } from '../../core/checklist/liveSkew';
import type { ChecklistReport } from '../../shared/checklist';
import { GENERATED_SECTION, MODELS_SECTION, readModelsConfig, readTreatGeneratedAsOwn } from '../config';
import { checklistDrift } from '../drift/checklistDrift';
import { errorMessage, type Log } from '../log';

export type FolderState =
  | { kind: 'pending' }
  | { kind: 'ready'; report: ChecklistReport }
  | { kind: 'error'; message: string };

/** Wait after the last file event before grading again. */
const REGRADE_DELAY_MS = 800;
const IGNORED = /[\\/](node_modules|\.git|\.venv|venv|__pycache__|dist|build|out|test-results)[\\/]/;

export class ChecklistService implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  /** A folder's state changed. */
  readonly onDidChange = this.emitter.event;
  private readonly states = new Map<string, FolderState>();
  private readonly running = new Map<string, Promise<ChecklistReport | undefined>>();
  private readonly disposables: vscode.Disposable[] = [this.emitter];
  private readonly lifetime = new AbortController();
  private timer: ReturnType<typeof setTimeout> | undefined;

  /**
   * @param compareDrift how the live drift check compares sample pairs (a worker thread, off the host's thread).
   * @param analyzeSkew how the live skew report is computed (the skew service's results or the skew worker thread).
   */
  constructor(private readonly log: Log, private readonly compareDrift?: CompareDrift, private readonly analyzeSkew?: AnalyzeSkew) {
    const watcher = vscode.workspace.createFileSystemWatcher('**/*');
    const onEvent = (uri: vscode.Uri) => {
      if (!IGNORED.test(uri.fsPath)) this.schedule();
    };
    this.disposables.push(
      watcher,
      watcher.onDidCreate(onEvent),
      watcher.onDidChange(onEvent),
      watcher.onDidDelete(onEvent),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.schedule()),
      // The tree and the checklist see the same files: re-grade when what is excluded changes.
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(MODELS_SECTION) || e.affectsConfiguration(GENERATED_SECTION)) this.schedule();
      }),
    );
  }

  /** Workspace folders on disk. */
  folders(): readonly vscode.WorkspaceFolder[] {
    return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
  }

  state(folder: vscode.WorkspaceFolder): FolderState {
    return this.states.get(folder.uri.toString()) ?? { kind: 'pending' };
  }

  /** The folder's report, grading it first when it has none. */
  async report(folder: vscode.WorkspaceFolder): Promise<ChecklistReport | undefined> {
    const s = this.state(folder);
    if (s.kind === 'ready') return s.report;
    return this.grade(folder);
  }

  /** Grades every folder now. */
  async refresh(): Promise<void> {
    await Promise.all(this.folders().map((f) => this.grade(f)));
  }

  /** Grades `folder` (concurrent calls share the run). */
  grade(folder: vscode.WorkspaceFolder): Promise<ChecklistReport | undefined> {
    const key = folder.uri.toString();
    const existing = this.running.get(key);
    if (existing) return existing;
    const run = (async () => {
      const started = Date.now();
      try {
        const report = await runChecklist(folder.uri.fsPath, {
          signal: this.lifetime.signal,
          compareDrift: this.compareDrift,
          analyzeSkew: this.analyzeSkew,
          exclude: readModelsConfig(folder.uri).exclude,
          includeGenerated: readTreatGeneratedAsOwn(folder.uri),
          git: vscode.workspace.isTrusted,
        });
        this.states.set(key, { kind: 'ready', report });
        checklistDrift.setFromReport(report);
        this.log.info(`Checklist for ${folder.name}: ${report.counts.fail} fail, ${report.counts.warn} warn, ${report.counts.unknown} unknown, ${report.counts.pass} pass, ${report.counts.na} n/a (${Date.now() - started} ms)`);
        for (const w of report.warnings) this.log.warn(`Checklist: ${w}`);
        return report;
      } catch (ex) {
        if (this.lifetime.signal.aborted) return undefined;
        this.states.set(key, { kind: 'error', message: errorMessage(ex) });
        this.log.error(`Checklist for ${folder.name} failed: ${errorMessage(ex)}`);
        return undefined;
      } finally {
        this.running.delete(key);
        this.emitter.fire();
      }
    })();
    this.running.set(key, run);
    return run;
  }

  private schedule(): void {
    if (this.lifetime.signal.aborted) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), REGRADE_DELAY_MS);
  }

  dispose(): void {
    this.lifetime.abort();
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}
