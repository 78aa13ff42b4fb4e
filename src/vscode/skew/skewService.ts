/**
 * Keeps the skew findings of the workspace current: discovers the pairs of each workspace folder, analyses
 * them with the editor's unsaved contents, caches results per document version, debounces while typing and
 * re-analyses on save. Diagnostics, CodeLenses and quick fixes read from here.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { SkewConfigError } from '../../core/skew/pairing';
import { SkewWorkerClient } from '../../core/skew/runSkewWorker';
import { readTreatGeneratedAsOwn } from '../config';
import type { SkewFinding, SkewNote, SkewPair, SkewReport } from '../../shared/skew';
import type { SkewResultsProvider } from '../skewResults';
import { errorMessage, type Log } from '../log';
import { readSkewConfig } from './config';

interface FolderState {
  folder: vscode.WorkspaceFolder;
  pairs: SkewPair[];
  error?: string;
}

interface PairState {
  pair: SkewPair;
  root: string;
  /** Versions of the open documents of this pair at the last analysis. */
  signature: string;
  findings: SkewFinding[];
  notes: SkewNote[];
  /** The analysis of this pair failed (its findings are then unknown, not empty). */
  failed?: boolean;
}

export class SkewService implements vscode.Disposable, SkewResultsProvider {
  /** Discovery (a directory walk) and analysis (tree-sitter) run in a worker thread, never on the host's. */
  private readonly worker: SkewWorkerClient;
  private folders: FolderState[] = [];
  private results: PairState[] = [];
  private running: Promise<void> | undefined;
  private rerun = false;
  private timer: NodeJS.Timeout | undefined;
  private discovered = false;
  /** Notes already written to the log (each once per session). */
  private readonly logged = new Set<string>();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires after each analysis (diagnostics and CodeLenses refresh). */
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor(private readonly log: Log, workerPath: string) {
    this.worker = new SkewWorkerClient({ workerPath });
    this.disposables.push({ dispose: () => this.worker.dispose() });
    const watcher = vscode.workspace.createFileSystemWatcher('**/{*.py,*.yaml,*.yml,*.json,*.onnx}');
    const onFiles = (uri: vscode.Uri): void => {
      if (/[\\/](node_modules|\.git|\.venv|venv|__pycache__)[\\/]/.test(uri.fsPath)) return;
      if (uri.fsPath.endsWith('.py') || uri.fsPath.endsWith('.onnx') || uri.fsPath.endsWith(path.join('.mlpreflight', 'skew.json'))) this.discovered = false;
      this.schedule(0);
    };
    this.disposables.push(
      watcher,
      watcher.onDidCreate(onFiles),
      watcher.onDidDelete(onFiles),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length && this.isRelevant(e.document)) this.schedule(readSkewConfig(e.document.uri).debounceMs);
      }),
      vscode.workspace.onDidSaveTextDocument((d) => {
        if (d.uri.fsPath.endsWith(path.join('.mlpreflight', 'skew.json'))) this.discovered = false;
        if (d.languageId === 'python' || /\.(ya?ml|json)$/.test(d.uri.fsPath)) this.schedule(0);
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('mlPreflight.skew')) {
          this.discovered = false;
          this.schedule(0);
        }
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => {
        this.discovered = false;
        this.schedule(0);
      }),
    );
  }

  /** Unsaved edits matter for the Python files of a pair (configs and imported modules are read from disk, on save). */
  private isRelevant(doc: vscode.TextDocument): boolean {
    if (doc.uri.scheme !== 'file' || doc.languageId !== 'python') return false;
    return !this.discovered || this.results.some((r) => r.pair.training.includes(doc.uri.fsPath) || r.pair.serving.includes(doc.uri.fsPath));
  }

  /** Re-analyse after `delayMs` (trailing debounce). */
  schedule(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.refresh();
    }, delayMs);
  }

  /** Analyses now (coalescing concurrent calls); resolves when results are current. */
  async refresh(options: { rediscover?: boolean } = {}): Promise<void> {
    if (options.rediscover) this.discovered = false;
    if (this.running) {
      this.rerun = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.rerun = false;
          try {
            await this.analyze();
          } catch (ex) {
            // Never leave waiting CodeLens requests hanging: report and publish what we have.
            this.log.error(`skew: analysis failed: ${errorMessage(ex)}`);
            if (ex instanceof Error && ex.stack) this.log.debug(ex.stack);
            this.changed.fire();
          }
        } while (this.rerun);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  /**
   * Resolves when the results match `doc`'s current version. While the user types (a debounced run is pending)
   * it waits for that run instead of starting one, so CodeLens requests do not defeat the debounce.
   */
  async whenCurrent(doc: vscode.TextDocument, token?: vscode.CancellationToken): Promise<void> {
    if (this.timer) {
      await new Promise<void>((resolve) => {
        const subs: vscode.Disposable[] = [];
        const done = (): void => {
          for (const d of subs) d.dispose();
          resolve();
        };
        subs.push(this.onDidChange(done));
        if (token) subs.push(token.onCancellationRequested(done));
      });
      return;
    }
    if (this.running || !this.discovered || this.isStale(doc)) await this.refresh();
  }

  private isStale(doc: vscode.TextDocument): boolean {
    const r = this.results.find((x) => x.pair.training.includes(doc.uri.fsPath) || x.pair.serving.includes(doc.uri.fsPath));
    return !!r && r.signature !== this.signature(r.pair);
  }

  private signature(pair: SkewPair): string {
    const open = new Map(vscode.workspace.textDocuments.map((d) => [d.uri.fsPath, d]));
    return [...pair.training, ...pair.serving].map((f) => {
      const d = open.get(f);
      return d ? `${f}@${d.version}${d.isDirty ? '*' : ''}` : f;
    }).join('|');
  }

  private async analyze(): Promise<void> {
    const t0 = Date.now();
    if (!this.discovered) {
      this.discovered = true;
      this.folders = await Promise.all((vscode.workspace.workspaceFolders ?? []).map(async (folder): Promise<FolderState> => {
        const config = readSkewConfig(folder.uri, (m) => this.log.warn(m));
        if (!config.enabled || folder.uri.scheme !== 'file') return { folder, pairs: [] };
        try {
          const { pairs, truncated } = await this.worker.discover(folder.uri.fsPath, config.pairs, readTreatGeneratedAsOwn(folder.uri));
          if (truncated) this.log.warn(`skew: ${folder.name}: stopped listing Python files at 20,000`);
          this.log.info(`skew: ${folder.name}: ${pairs.length} training/serving pair(s) (${pairs.map((p) => p.source).join(', ') || 'none'})`);
          return { folder, pairs };
        } catch (ex) {
          const error = SkewConfigError.is(ex) ? ex.message : errorMessage(ex);
          this.log.warn(`skew: ${error}`);
          return { folder, pairs: [], error };
        }
      }));
      this.results = [];
    }
    // Unsaved contents of open files, sent to the worker with each analysis.
    const overlay: Record<string, string> = {};
    for (const d of vscode.workspace.textDocuments) if (d.uri.scheme === 'file' && d.isDirty) overlay[d.uri.fsPath] = d.getText();
    const next: PairState[] = [];
    for (const { folder, pairs } of this.folders) {
      const config = readSkewConfig(folder.uri);
      for (const pair of pairs) {
        const signature = this.signature(pair);
        const prev = this.results.find((r) => r.signature === signature && samePair(r.pair, pair));
        if (prev) {
          next.push(prev);
          continue;
        }
        try {
          const report = await this.worker.analyze([pair], folder.uri.fsPath, overlay, config.maxFileBytes);
          const res = report.pairs[0];
          next.push({ pair: res?.pair ?? pair, root: folder.uri.fsPath, signature, findings: res?.findings ?? [], notes: report.notes });
          for (const n of report.notes) {
            if (this.logged.has(n.message)) continue;
            this.logged.add(n.message);
            if (n.reason === 'syntax-error') this.log.debug(`skew: ${n.message}`);
            else this.log.info(`skew: ${n.message}`);
          }
        } catch (ex) {
          this.log.error(`skew: analysis of ${pair.serving.map((f) => path.basename(f)).join(', ')} failed: ${errorMessage(ex)}`);
          if (ex instanceof Error && ex.stack) this.log.debug(ex.stack);
          next.push({ pair, root: folder.uri.fsPath, signature, findings: [], notes: [], failed: true });
        }
      }
    }
    this.results = next;
    this.log.debug(`skew: analysed ${next.length} pair(s) in ${Date.now() - t0} ms`);
    this.changed.fire();
  }

  /** All current findings. */
  findings(): SkewFinding[] {
    // Suppressed findings (`# ml-preflight: ignore[kind]`, `.mlpreflight/skew.json` ignore) are not shown.
    return this.results.flatMap((r) => r.findings).filter((f) => !f.suppressed);
  }

  /**
   * The document version the current results of `file` were computed from (undefined when the file was not
   * open then, or no pair contains it): a quick fix applies only to that version.
   */
  analyzedVersion(file: string): number | undefined {
    for (const r of this.results) {
      for (const part of r.signature.split('|')) {
        const m = /^(.*)@(\d+)\*?$/.exec(part);
        if (m && m[1] === file) return Number(m[2]);
      }
    }
    return undefined;
  }

  /** Findings with a location in `file` (either side). */
  findingsIn(file: string): SkewFinding[] {
    return this.findings().filter((f) => f.serving?.file === file || f.training?.file === file);
  }

  /**
   * The current report of the workspace folder at `root`: every pair's findings (suppressed ones included, as
   * `analyzeWorkspace` returns them) and notes, from the last analysis (unsaved editor contents included). Waits
   * for an analysis in progress. Undefined when this service has not analysed that folder: no analysis ran yet,
   * skew is disabled there, its pair configuration is invalid, or a pair's analysis failed. The checklist then
   * runs the analysis itself (in the skew worker thread).
   */
  async reportFor(root: string): Promise<SkewReport | undefined> {
    if (this.running) await this.running;
    if (!this.discovered) return undefined;
    const abs = path.resolve(root);
    const state = this.folders.find((f) => f.folder.uri.scheme === 'file' && path.resolve(f.folder.uri.fsPath) === abs);
    if (!state || state.error || !readSkewConfig(state.folder.uri).enabled) return undefined;
    const report: SkewReport = { pairs: [], notes: [] };
    const noted = new Set<string>();
    for (const pair of state.pairs) {
      const r = this.results.find((x) => x.root === state.folder.uri.fsPath && samePair(x.pair, pair));
      if (!r || r.failed) return undefined;
      report.pairs.push({ pair: r.pair, findings: r.findings });
      for (const n of r.notes) {
        const key = `${n.file}\0${n.reason}\0${n.message}`;
        if (noted.has(key)) continue;
        noted.add(key);
        report.notes.push(n);
      }
    }
    return report;
  }

  pairs(): Array<{ folder: vscode.WorkspaceFolder; pair: SkewPair }> {
    return this.folders.flatMap((f) => f.pairs.map((pair) => ({ folder: f.folder, pair: this.results.find((r) => samePair(r.pair, pair))?.pair ?? pair })));
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}

function samePair(a: SkewPair, b: SkewPair): boolean {
  return a.training.join('|') === b.training.join('|') && a.serving.join('|') === b.serving.join('|');
}
