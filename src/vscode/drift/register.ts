/**
 * Data drift in VS Code (one call from extension.ts): "ML Preflight: Compare Data Drift", the Explorer's
 * "Set as Drift Reference/Current", the report webview and the "Data drift" section of the Preflight tree.
 *
 * Workspace Trust: drift only reads data files (no code runs), so it works in untrusted workspaces.
 * Reading and the statistics run in a worker thread (`dist/driftWorker.js`, heap capped) so the extension host
 * stays responsive and cannot run out of memory on a huge file; rows are bounded by `mlPreflight.drift.maxRows`.
 */
import { existsSync } from 'node:fs';
import { readTextFile, writeFileAtomic } from '../../core/safeFs';
import { stampReport } from '../../core/reportStamp';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DataReadError } from '../../core/data/errors';
import { findDriftPairs } from '../../core/checklist/liveDrift';
import { DATA_EXTENSIONS } from '../../core/data/readDataset';
import { computeDrift, DriftError } from '../../core/drift/computeDrift';
import { DRIFT_CONFIG_FILE, mergeOverrides, parseDriftConfig } from '../../core/drift/config';
import { renderDriftHtml } from '../../core/drift/htmlReport';
import { runDriftInWorker } from '../../core/drift/runDriftWorker';
import { driftShortVerdict, driftVerdict, type DriftConfigFile, type DriftReport } from '../../shared/drift';
import type { DriftWebviewToHostMessage } from '../../shared/driftProtocol';
import { errorMessage, reportError, type Log } from '../log';
import type { ModelTreeProvider } from '../modelTree';
import { readDriftSettings } from './config';
import { DriftPanel } from './panel';
import { DriftState, summarize, type DriftPair } from './state';
import { DriftTreeSection } from './tree';

/** Command ids (package.json `contributes.commands`). */
export const DriftCommandId = {
  Compare: 'mlPreflight.drift.compare',
  SetReference: 'mlPreflight.drift.setReference',
  SetCurrent: 'mlPreflight.drift.setCurrent',
  ExportHtml: 'mlPreflight.drift.exportHtml',
} as const;

interface Deps {
  context: vscode.ExtensionContext;
  log: Log;
  tree?: ModelTreeProvider;
}

const FILTERS: Record<string, string[]> = { 'Data files': Object.keys(DATA_EXTENSIONS).map((e) => e.slice(1)), 'All files': ['*'] };

/** A `Uri` from a command argument: a Uri (Explorer), a path or URI string, or `{ uri }`. */
function toUri(arg: unknown): vscode.Uri | undefined {
  if (arg === undefined || arg === null) return undefined;
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string' && arg.trim()) return /^[a-z][\w+.-]+:/i.test(arg) && !/^[a-z]:[\\/]/i.test(arg) ? vscode.Uri.parse(arg, true) : vscode.Uri.file(arg);
  if (typeof arg === 'object' && 'uri' in arg && (arg as { uri: unknown }).uri instanceof vscode.Uri) return (arg as { uri: vscode.Uri }).uri;
  throw new Error(`ML Preflight: expected a data file Uri or path, got ${typeof arg}`);
}

function rel(uri: vscode.Uri): string {
  // Name the folder only in multi-root workspaces.
  return vscode.workspace.asRelativePath(uri, (vscode.workspace.workspaceFolders?.length ?? 0) > 1);
}

class DriftController implements vscode.Disposable {
  readonly state: DriftState;
  readonly panel: DriftPanel;
  private running: AbortController | undefined;
  private lastPair: { reference: vscode.Uri; current: vscode.Uri } | undefined;

  private readonly workerPath: string;

  constructor(context: vscode.ExtensionContext, private readonly log: Log) {
    this.workerPath = path.join(context.extensionUri.fsPath, 'dist', 'driftWorker.js');
    this.state = new DriftState(context.workspaceState);
    this.panel = new DriftPanel(context.extensionUri, log, { onMessage: (m) => this.onMessage(m) });
  }

  dispose(): void {
    this.running?.abort();
    this.panel.dispose();
    this.state.dispose();
  }

  private onMessage(message: DriftWebviewToHostMessage): void {
    switch (message.type) {
      case 'webview/ready':
        break;
      case 'drift/openFile': {
        const uri = this.lastPair?.[message.side];
        if (!uri) return;
        const text = ['csv', 'jsonl', 'json'].includes(DATA_EXTENSIONS[path.extname(uri.path).toLowerCase()] ?? '');
        void vscode.commands.executeCommand(text ? 'vscode.open' : 'revealInExplorer', uri);
        break;
      }
      case 'drift/rerun':
        if (this.lastPair) void this.compare(this.lastPair.reference, this.lastPair.current).catch(() => undefined);
        break;
      case 'drift/exportHtml':
        void this.exportHtml();
        break;
    }
  }

  /**
   * The reference/current pairs the checklist's live drift check finds (same rule: same folder and extension, names
   * differing by reference/train/baseline vs current/prod/serving), so the picker suggests what the checklist graded.
   */
  private async suggestedPairs(): Promise<DriftPair[]> {
    const out: DriftPair[] = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const exts = Object.keys(DATA_EXTENSIONS).map((e) => e.slice(1)).join(',');
      const uris = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, `**/*.{${exts}}`), '**/{node_modules,.git,.venv,venv,dist,build}/**', 2000);
      const byRel = new Map(uris.map((u) => [path.posix.relative(folder.uri.path, u.path), u]));
      for (const p of findDriftPairs([...byRel.keys()].sort())) out.push({ reference: byRel.get(p.reference)!.toString(), current: byRel.get(p.current)!.toString() });
    }
    return out;
  }

  /** Quick pick: remembered pairs, the pairs the checklist found, or pick two files. */
  private async pickPair(): Promise<{ reference: vscode.Uri; current: vscode.Uri } | undefined> {
    type Item = vscode.QuickPickItem & { pair?: DriftPair; browse?: true };
    const remembered = this.state.pairs();
    const items: Item[] = remembered.map((pair) => ({
      label: `$(history) ${rel(vscode.Uri.parse(pair.reference))} → ${rel(vscode.Uri.parse(pair.current))}`,
      description: pair.verdict ? driftShortVerdict(pair.verdict) : undefined,
      pair,
    }));
    const known = new Set(remembered.map((p) => `${p.reference}|${p.current}`));
    for (const pair of await this.suggestedPairs().catch(() => [])) {
      if (known.has(`${pair.reference}|${pair.current}`)) continue;
      items.push({ label: `$(lightbulb) ${rel(vscode.Uri.parse(pair.reference))} → ${rel(vscode.Uri.parse(pair.current))}`, description: 'found in the workspace (the pair the checklist compares)', pair });
    }
    items.push({ label: '$(folder-opened) Pick reference and current files…', browse: true, alwaysShow: true });
    const picked = items.length === 1 ? items[0] : await vscode.window.showQuickPick(items, { title: 'Compare Data Drift', placeHolder: 'A remembered pair, or pick two files' });
    if (!picked) return undefined;
    if (picked.pair) return { reference: vscode.Uri.parse(picked.pair.reference), current: vscode.Uri.parse(picked.pair.current) };
    const reference = this.state.pendingReference ?? (await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Use as reference', title: 'Reference data (e.g. training sample)', filters: FILTERS }))?.[0];
    if (!reference) return undefined;
    for (;;) {
      const current = this.state.pendingCurrent ?? (await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Use as current', title: 'Current data (e.g. recent production inputs)', filters: FILTERS, defaultUri: vscode.Uri.joinPath(reference, '..') }))?.[0];
      if (!current) return undefined;
      if (current.toString() !== reference.toString()) return { reference, current };
      // The same file twice can only say "no drift": say so instead of showing a meaningless green report.
      this.state.pendingCurrent = undefined;
      const choice = await vscode.window.showWarningMessage(`${rel(reference)} is both the reference and the current file: every column would match. Pick another current file?`, { modal: true }, 'Pick Another', 'Compare Anyway');
      if (choice === 'Compare Anyway') return { reference, current };
      if (choice !== 'Pick Another') return undefined;
    }
  }

  /** Reads `.mlpreflight/drift.json` of the workspace folder holding `uri` (or the first folder). */
  private async configFile(uri: vscode.Uri): Promise<DriftConfigFile | undefined> {
    const folder = vscode.workspace.getWorkspaceFolder(uri) ?? vscode.workspace.workspaceFolders?.[0];
    if (!folder || folder.uri.scheme !== 'file') return undefined;
    const file = path.join(folder.uri.fsPath, DRIFT_CONFIG_FILE);
    if (!existsSync(file)) return undefined;
    // Read rule: a regular file inside the workspace (realpath), at most 1 MiB (a committed symlink to /dev/zero is refused).
    return parseDriftConfig(await readTextFile(file, { root: folder.uri.fsPath, maxBytes: 1024 * 1024, display: DRIFT_CONFIG_FILE }), DRIFT_CONFIG_FILE);
  }

  /**
   * Compares two files and shows the report. Resolves to the report (plain JSON) or undefined when the user
   * dismissed a picker or cancelled. @throws Error (after an error notification) when a file cannot be read.
   */
  async compare(refArg?: unknown, curArg?: unknown): Promise<DriftReport | undefined> {
    let reference: vscode.Uri | undefined;
    let current: vscode.Uri | undefined;
    try {
      reference = toUri(refArg);
      current = toUri(curArg);
    } catch (ex) {
      reportError(this.log, errorMessage(ex), ex);
      throw ex;
    }
    if (!reference || !current) {
      const picked = await this.pickPair();
      if (!picked) return undefined;
      ({ reference, current } = picked);
    }
    for (const uri of [reference, current]) {
      if (uri.scheme !== 'file') {
        const message = `ML Preflight: ${uri.toString()} is not on disk (drift needs local files)`;
        reportError(this.log, message);
        throw new Error(message);
      }
    }
    this.state.pendingReference = undefined;
    this.state.pendingCurrent = undefined;
    this.running?.abort();
    const controller = new AbortController();
    this.running = controller;
    this.lastPair = { reference, current };
    const pair: DriftPair = { reference: reference.toString(), current: current.toString() };
    const refName = rel(reference);
    const curName = rel(current);
    this.panel.show(`Drift: ${path.posix.basename(reference.path)} → ${path.posix.basename(current.path)}`);
    this.panel.post({ type: 'drift/loading', reference: refName, current: curName });
    this.state.running = pair;
    this.state.changed();
    const started = performance.now();
    try {
      const { settings, problems } = readDriftSettings(reference);
      for (const p of problems) this.log.warn(`Drift: ${p}`);
      const config = await this.configFile(reference);
      const report = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Data drift: ${refName} vs ${curName}`, cancellable: true },
        async (progress, token) => {
          const sub = token.onCancellationRequested(() => controller.abort());
          try {
            const read = { reference: 0, current: 0 };
            const total = { reference: 1, current: 1 };
            let lastReport = 0;
            const options = {
              referenceName: refName,
              currentName: curName,
              maxRows: settings.maxRows,
              maxColumns: settings.maxColumns,
              maxMemoryMb: settings.maxMemoryMb,
              columns: config?.include,
              overrides: mergeOverrides(config?.columns, settings.columns),
              driftShare: config?.driftShare ?? settings.driftShare,
              mode: config?.mode ?? settings.mode,
            };
            const callbacks = {
              onRead: (side: 'reference' | 'current', bytes: number, all: number) => {
                read[side] = bytes;
                total[side] = all;
                const now = performance.now();
                if (now - lastReport < 200) return;
                lastReport = now;
                const pct = Math.round(((read.reference + read.current) / (total.reference + total.current)) * 100);
                progress.report({ message: `reading… ${pct}%` });
                this.panel.post({ type: 'drift/progress', message: `Reading… ${pct}%` });
              },
              onColumn: (done: number, count: number, name: string) => {
                progress.report({ message: `column ${done} of ${count} (${name})` });
                this.panel.post({ type: 'drift/progress', message: `Compared column ${done} of ${count}: ${name}` });
              },
            };
            // Off the extension host's thread when the bundled worker is there (always, in a built extension).
            if (existsSync(this.workerPath)) {
              return await runDriftInWorker(reference!.fsPath, current!.fsPath, options, { workerPath: this.workerPath, signal: controller.signal, ...callbacks });
            }
            this.log.warn(`Drift: ${this.workerPath} is missing; comparing on the extension host's thread`);
            return await computeDrift(reference!.fsPath, current!.fsPath, { ...options, ...callbacks, signal: controller.signal });
          } finally {
            sub.dispose();
          }
        },
      );
      if (this.running !== controller) return undefined;
      this.panel.post({ type: 'drift/show', report });
      await this.state.remember({ ...pair, lastRun: new Date().toISOString(), verdict: summarize(report) });
      this.log.info(`Drift ${refName} vs ${curName}: ${driftVerdict(report)} (${Math.round(performance.now() - started)} ms)`);
      return report;
    } catch (ex) {
      if (this.running !== controller) return undefined;
      const cancelled = controller.signal.aborted || DataReadError.is(ex, 'cancelled') || DriftError.is(ex, 'cancelled');
      if (cancelled) {
        this.panel.post({ type: 'drift/error', reason: 'cancelled', message: 'The comparison was cancelled.' });
        this.log.info(`Drift ${refName} vs ${curName}: cancelled`);
        return undefined;
      }
      const reason = DataReadError.is(ex) || DriftError.is(ex) ? ex.reason : 'internal';
      const message = errorMessage(ex);
      this.panel.post({ type: 'drift/error', reason, message });
      reportError(this.log, `Cannot compare data drift: ${message}`, ex);
      throw new Error(`Cannot compare data drift: ${message}`, { cause: ex });
    } finally {
      if (this.running === controller) {
        this.running = undefined;
        this.state.running = undefined;
        this.state.changed();
      }
    }
  }

  /** Explorer: remember a reference or current file; run when both are set. */
  async setSide(side: 'reference' | 'current', arg: unknown): Promise<DriftReport | undefined> {
    const uri = toUri(arg) ?? vscode.window.activeTextEditor?.document.uri;
    if (!uri) return undefined;
    if (side === 'reference') this.state.pendingReference = uri;
    else this.state.pendingCurrent = uri;
    this.state.changed();
    const { pendingReference: ref, pendingCurrent: cur } = this.state;
    if (ref && cur && ref.toString() === cur.toString()) {
      // The same file on both sides can only match itself: keep it as this side and ask for the other.
      if (side === 'reference') this.state.pendingCurrent = undefined;
      else this.state.pendingReference = undefined;
      this.state.changed();
      void vscode.window.showWarningMessage(`ML Preflight: ${rel(uri)} is already the drift ${side === 'reference' ? 'current' : 'reference'} file; comparing a file with itself shows no drift. Pick a different ${side === 'reference' ? 'current' : 'reference'} file.`);
      return undefined;
    }
    if (ref && cur) return this.compare(ref, cur);
    const other = side === 'reference' ? 'Set as Drift Current' : 'Set as Drift Reference';
    void vscode.window.showInformationMessage(`ML Preflight: ${rel(uri)} is the drift ${side}. Right-click another data file → "${other}" to compare.`);
    return undefined;
  }

  /** Saves the shown report as one self-contained HTML file (the save dialog asks before replacing a file). */
  async exportHtml(target?: unknown): Promise<vscode.Uri | undefined> {
    const report = this.panel.report;
    if (!report) {
      void vscode.window.showWarningMessage('ML Preflight: run "Compare Data Drift" first.');
      return undefined;
    }
    let uri = toUri(target);
    if (!uri) {
      const base = this.lastPair ? vscode.Uri.joinPath(this.lastPair.current, '..', 'drift-report.html') : undefined;
      uri = await vscode.window.showSaveDialog({ defaultUri: base, filters: { HTML: ['html'] }, title: 'Save drift report' });
    }
    if (!uri) return undefined;
    // Write rule (issue 11): the report carries its own ownership stamp, and a local file is written through the
    // one atomic writer (exclusive temp file, fsync, rename; never through a symlink at the destination). The save
    // dialog has already asked before replacing an existing file.
    const html = stampReport(renderDriftHtml(report));
    if (uri.scheme === 'file') {
      try {
        await writeFileAtomic(uri.fsPath, html, { display: rel(uri) });
      } catch (ex) {
        void vscode.window.showErrorMessage(`ML Preflight: the drift report was not saved: ${errorMessage(ex)}`);
        return undefined;
      }
    } else {
      await vscode.workspace.fs.writeFile(uri, Buffer.from(html, 'utf8'));
    }
    this.log.info(`Drift report saved to ${uri.fsPath}`);
    return uri;
  }
}

export function registerDrift({ context, log, tree }: Deps): vscode.Disposable[] {
  const controller = new DriftController(context, log);
  const disposables: vscode.Disposable[] = [
    controller,
    vscode.commands.registerCommand(DriftCommandId.Compare, (ref?: unknown, cur?: unknown) => controller.compare(ref, cur)),
    vscode.commands.registerCommand(DriftCommandId.SetReference, (arg?: unknown) => controller.setSide('reference', arg)),
    vscode.commands.registerCommand(DriftCommandId.SetCurrent, (arg?: unknown) => controller.setSide('current', arg)),
    vscode.commands.registerCommand(DriftCommandId.ExportHtml, (target?: unknown) => controller.exportHtml(target)),
  ];
  if (tree) disposables.push(tree.addSection(new DriftTreeSection(controller.state, DriftCommandId.Compare)));
  return disposables;
}
