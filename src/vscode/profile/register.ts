/**
 * "ML Preflight: Profile Model" (`mlPreflight.profileModel`): runs `profileModel` (src/core/profile) on a
 * workspace model in a fresh worker process, with a cancellable progress notification, then shows the
 * results tab, updates the tree's "Latency p50" row and the status bar.
 *
 * Workspace Trust: running a model executes it in ONNX Runtime, so the command is hidden in untrusted
 * workspaces (`when: isWorkspaceTrusted`) and refuses with an explanation when invoked anyway.
 */
import { readdir } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { OnnxInspectError } from '../../core/onnx/errors';
import { baselineDir, loadBaseline } from '../../core/profile/baseline';
import { ProfileError } from '../../core/profile/errors';
import { profileModel, type ProfileOptions } from '../../core/profile/profile';
import { WorkerError } from '../../core/runtime/workerClient';
import type { BatchSummary } from '../../shared/workerProtocol';
import { formatLatencyMs } from '../../shared/profileFormat';
import type { ProfileResult } from '../../shared/profileResult';
import { displayName } from '../inspectUri';
import { errorMessage, reportError, type Log } from '../log';
import type { ModelIndex } from '../modelIndex';
import { readProfileConfig } from './config';
import { latencyRegistry } from './latencyRegistry';
import { ProfileResultsPanel } from './resultsPanel';

export const ProfileCommandId = {
  /** {@link profileCommand} */
  ProfileModel: 'mlPreflight.profileModel',
  /** Reveals the results tab of the last profiled model (status bar). */
  ShowProfileResults: 'mlPreflight.showProfileResults',
} as const;

interface Deps {
  context: vscode.ExtensionContext;
  index: ModelIndex;
  log: Log;
}

/** Overrides for programmatic callers (tests, other commands): any `ProfileOptions` that are plain data. */
export type ProfileOverrides = Pick<ProfileOptions, 'iterations' | 'batches' | 'maxBatch' | 'threads' | 'ep' | 'budgetMs' | 'costPerHour' | 'opProfileRuns' | 'warmup' | 'dims' | 'shapes' | 'durationS' | 'saveBaseline'>;

function targetOf(arg: unknown): vscode.Uri | undefined {
  if (arg === undefined || arg === null) return undefined;
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string' && arg.trim()) return /^[a-z][\w+.-]+:/i.test(arg) && !/^[a-z]:[\\/]/i.test(arg) ? vscode.Uri.parse(arg, true) : vscode.Uri.file(arg);
  if (typeof arg === 'object' && 'uri' in arg && (arg as { uri: unknown }).uri instanceof vscode.Uri) return (arg as { uri: vscode.Uri }).uri;
  throw new Error(`ML Preflight: Profile Model expects a model Uri or path, got ${typeof arg}`);
}

async function pickModel(index: ModelIndex): Promise<vscode.Uri | undefined> {
  await index.whenScanned();
  type Item = vscode.QuickPickItem & { uri?: vscode.Uri };
  const items: Item[] = index.models.map((m) => ({ label: m.name, description: m.folder || undefined, uri: m.uri, detail: latencyRegistry.summary(m.uri)?.text }));
  if (items.length) items.push({ label: '', kind: vscode.QuickPickItemKind.Separator });
  items.push({ label: '$(folder-opened) Browse…', description: 'Pick a model file from disk', alwaysShow: true });
  const picked = await vscode.window.showQuickPick(items, { title: 'Profile Model', placeHolder: 'Select an ONNX model to profile', matchOnDescription: true });
  if (!picked) return undefined;
  if (picked.uri) return picked.uri;
  const files = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Profile', filters: { 'ONNX models': ['onnx'] } });
  return files?.[0];
}

/** Models being profiled now (one run per model at a time: two would compete for the same cores). */
const running = new Set<string>();
/** Fires when {@link running} changes (the status bar shows the run instead of the last result). */
const runningChanged = new vscode.EventEmitter<void>();

const TRUST_MESSAGE = 'Profiling runs the model in ONNX Runtime, so it needs a trusted workspace. Inspection keeps working without trust.';

/**
 * Profiles a model and resolves to its `ProfileResult` (undefined when the pick is dismissed or the run is cancelled).
 *
 * @throws Error (after an error notification) when the workspace is untrusted or the model cannot be profiled.
 */
async function profileCommand(deps: Deps, arg?: unknown, overrides: ProfileOverrides = {}): Promise<ProfileResult | undefined> {
  const { log, index } = deps;
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage(TRUST_MESSAGE, 'Manage Workspace Trust').then((choice) => {
      if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
    });
    throw new Error(`ML Preflight: ${TRUST_MESSAGE}`);
  }
  const uri = targetOf(arg) ?? (await pickModel(index));
  if (!uri) return undefined;
  if (uri.scheme !== 'file') {
    const message = `Cannot profile ${displayName(uri)}: ONNX Runtime needs a file on disk`;
    reportError(log, message);
    throw new Error(message);
  }
  if (running.has(uri.toString())) {
    void vscode.window.showInformationMessage(`${uri.path.split('/').pop()} is being profiled already; wait for it or cancel it from its notification.`);
    return undefined;
  }
  const file = displayName(uri);
  // A model that cannot run is refused before any view opens: one error, with the next step, and no "Profile again".
  const unrunnable = await index.inspect(uri).then(
    (i) => {
      const refused = i.externalData.find((d) => d.refused);
      return refused ? `its external-data path "${refused.location}" was refused (${refused.refused}); move the data file next to the model and re-export with a relative location` : undefined;
    },
    (ex: unknown) => `${OnnxInspectError.is(ex) ? ex.detail : errorMessage(ex)}; open it in the ONNX Model Inspector for details`,
  );
  if (unrunnable) {
    const message = `Cannot profile ${file}: ${unrunnable}`;
    log.error(message);
    void vscode.window.showErrorMessage(message, 'Open in Inspector').then((choice) => {
      if (choice) void vscode.commands.executeCommand('vscode.openWith', uri, 'mlPreflight.onnxInspector');
    });
    if (Object.keys(overrides).length === 0) return undefined; // interactive: said once, above
    throw new Error(message);
  }
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  const config = readProfileConfig(folder ?? uri);
  const panel = ProfileResultsPanel.show(deps.context.extensionUri, uri, log, (u) => void vscode.commands.executeCommand(ProfileCommandId.ProfileModel, u));
  panel.running('starting the ONNX Runtime worker…');
  log.info(`Profiling ${file} (${overrides.ep ?? config.ep}, up to batch ${overrides.maxBatch ?? config.maxBatch})`);
  const started = performance.now();
  running.add(uri.toString());
  runningChanged.fire();
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Profiling ${uri.path.split('/').pop()}`, cancellable: true },
      async (progress, token) => {
        const controller = new AbortController();
        const sub = token.onCancellationRequested(() => controller.abort());
        let done = 0;
        const partial: BatchSummary[] = [];
        const t0 = performance.now();
        try {
          return await profileModel(uri.fsPath, {
            ep: config.ep,
            maxBatch: config.maxBatch,
            // Only a count the user set lifts the time budget (core rule): the default is left to the budget.
            iterations: config.iterationsSet ? config.iterations : undefined,
            timeBudgetS: config.timeBudgetS,
            threads: config.threads,
            dims: config.dims,
            budgetMs: config.budgetMs,
            costPerHour: config.costPerHour,
            timeoutMs: config.timeoutMs,
            maxRssBytes: config.maxRssBytes,
            baselineDir: config.saveBaselines && folder ? baselineDir(folder.uri.fsPath) : undefined,
            ...overrides,
            signal: controller.signal,
            onProgress: (p) => {
              const increment = p.total ? ((p.done - done) / p.total) * 100 : 0;
              done = p.done;
              if (p.phase === 'batch-done' && p.summary) partial.push(p.summary);
              progress.report({ message: p.message, increment: increment > 0 ? increment : undefined });
              panel.running(p.message, { partial: [...partial], elapsedS: (performance.now() - t0) / 1000, budgetS: config.timeBudgetS || undefined });
            },
          });
        } finally {
          sub.dispose();
        }
      },
    );
    latencyRegistry.set(uri, result);
    panel.show(result);
    const first = result.runs[0];
    log.info(`Profiled ${file} in ${Math.round(performance.now() - started)} ms: ${first ? `p50 ${formatLatencyMs(first.p50)} at batch ${first.batch}` : 'no runs'}${result.baseline ? `, ${result.baseline.regressions} regression(s) vs baseline` : ''}`);
    if (result.baseline?.regressions) {
      void vscode.window.showWarningMessage(`${uri.path.split('/').pop()}: ${result.baseline.regressions} metric(s) regressed by more than ${result.baseline.threshold * 100} % against the last baseline.`);
    }
    return result;
  } catch (ex) {
    if (ex instanceof WorkerError && ex.kind === 'aborted') {
      log.info(`Profiling ${file} cancelled`);
      panel.error('aborted', 'Profiling was cancelled.');
      return undefined;
    }
    const kind = ex instanceof WorkerError ? ex.kind : ProfileError.is(ex) ? ex.reason : OnnxInspectError.is(ex) ? ex.reason : 'internal';
    // OnnxInspectError messages start with the path already.
    const message = `Cannot profile ${file}: ${OnnxInspectError.is(ex) ? `${ex.reason}: ${ex.detail}` : errorMessage(ex)}`;
    panel.error(kind, message);
    reportError(log, message, ex);
    throw new Error(message, { cause: ex });
  } finally {
    running.delete(uri.toString());
    runningChanged.fire();
  }
}

function createStatusBar(): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('mlPreflight.profileLatency', vscode.StatusBarAlignment.Right, 100);
  item.name = 'ML Preflight: last profiled latency';
  item.command = ProfileCommandId.ShowProfileResults;
  const update = (): void => {
    // During a run the item says what is being measured, never the previous model's p50.
    const now = [...running][0];
    if (now) {
      item.text = `$(sync~spin) profiling ${vscode.Uri.parse(now).path.split('/').pop()}…`;
      item.tooltip = 'ML Preflight is profiling this model; the latency appears here when the run ends.';
      item.backgroundColor = undefined;
      item.show();
      return;
    }
    const latest = latencyRegistry.latest();
    if (!latest) {
      item.hide();
      return;
    }
    const s = latest.summary;
    item.text = `$(pulse) p50 ${s.p50Text}`;
    item.tooltip = `${s.uri.path.split('/').pop()}: ${s.text}${s.regressions ? `, ${s.regressions} regression(s) vs baseline` : ''}. Click to show the profile.`;
    item.backgroundColor = s.regressions ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    item.show();
  };
  const sub = latencyRegistry.onDidChange(update);
  const runSub = runningChanged.event(update);
  return vscode.Disposable.from(item, sub, runSub);
}

/**
 * Fills the registry from the saved baselines (`.mlpreflight/profiles/*.json` of each workspace folder), so the
 * tree and the status bar show the last p50 after a reload. Only reads JSON; unreadable files are skipped.
 */
async function restoreFromBaselines(log: Log): Promise<void> {
  const found: ProfileResult[] = [];
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    if (folder.uri.scheme !== 'file') continue;
    const dir = baselineDir(folder.uri.fsPath);
    let files: string[];
    try {
      files = (await readdir(dir)).filter((f) => f.endsWith('.json'));
    } catch {
      continue;
    }
    for (const f of files) {
      try {
        const r = await loadBaseline(path.join(dir, f));
        if (r && typeof r.model?.path === 'string' && typeof r.createdAt === 'string') found.push(r);
      } catch (ex) {
        log.debug(`Profile baselines: skipped ${f}: ${errorMessage(ex)}`);
      }
    }
  }
  found.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  for (const r of found) {
    const uri = vscode.Uri.file(r.model.path);
    // A newer run in this window wins over a file read late.
    const current = latencyRegistry.summary(uri);
    if (!current || current.createdAt < r.createdAt) latencyRegistry.set(uri, r);
  }
  if (found.length) log.info(`Profile baselines: restored the last result of ${found.length} model/provider pair(s)`);
}

/** Registers the profiler's commands and status bar item; the caller pushes the result into `context.subscriptions`. */
export function registerProfiling(deps: Deps): vscode.Disposable[] {
  void restoreFromBaselines(deps.log).catch((ex: unknown) => deps.log.warn(`Profile baselines: ${errorMessage(ex)}`));
  return [
    latencyRegistry,
    createStatusBar(),
    vscode.commands.registerCommand(ProfileCommandId.ProfileModel, (arg?: unknown, overrides?: ProfileOverrides) => profileCommand(deps, arg, overrides ?? {})),
    vscode.commands.registerCommand(ProfileCommandId.ShowProfileResults, () => {
      const latest = latencyRegistry.latest();
      if (!latest) return;
      ProfileResultsPanel.show(deps.context.extensionUri, latest.summary.uri, deps.log, (u) => void vscode.commands.executeCommand(ProfileCommandId.ProfileModel, u)).show(latest.result);
    }),
    { dispose: () => ProfileResultsPanel.disposeAll() },
  ];
}
