/**
 * ML Preflight's VS Code entry point: wiring only. Analysis lives in `src/core` (vscode-free); each capability
 * registers its commands, views and providers from its own folder (profile/, checklist/, skew/, drift/).
 *
 * Activation is cheap (package.json: the views, commands and custom editor imply their own events, plus
 * `workspaceContains:**∕*.onnx`; not every Python file): `activate()` loads this light bundle only, registers
 * the tree, the inspector, inspection and profiling, and stubs for the checklist, drift and skew commands.
 * Those three are separate bundles (`dist/ext-*.js`, see lazyFeature.ts) loaded when the tree first renders
 * its sections, when one of their commands runs, or (skew) when a Python editor is open. The workspace scan
 * starts when the tree or a command asks for the models, not at activation.
 *
 * Workspace Trust (`capabilities.untrustedWorkspaces.supported: "limited"`): inspection, skew, drift and the
 * checklist only read files and are available in untrusted workspaces; profiling runs the model, so its
 * command is hidden there and refuses with an explanation (src/vscode/profile/register.ts).
 */
import * as vscode from 'vscode';
import type * as ChecklistModule from './checklist/register';
import { registerCommands } from './commands';
import type * as DiffModule from './diff/register';
import type * as DriftModule from './drift/register';
import { InspectorEditorProvider } from './inspectorEditor';
import { contributedCommands, LazyFeature } from './lazyFeature';
import { createLog, errorMessage } from './log';
import { ModelIndex } from './modelIndex';
import { ModelTreeProvider, TREE_VIEW_ID } from './modelTree';
import { registerProfiling } from './profile/register';
import type * as SkewModule from './skew/register';

/** When the host finished evaluating this bundle (ms on the host's clock): the log tells bundle load from activate(). */
const evaluatedAt = performance.now();

export function activate(context: vscode.ExtensionContext): void {
  const t0 = performance.now();
  const log = createLog();
  context.subscriptions.push(log);
  const index = new ModelIndex(log);
  const tree = new ModelTreeProvider(index);
  const checklist = new LazyFeature<typeof ChecklistModule>('the deployment checklist', 'ext-checklist.js', contributedCommands(context, 'mlPreflight.checklist.'),
    (m) => m.registerChecklist({ context, index, log, tree }), log);
  const drift = new LazyFeature<typeof DriftModule>('data drift', 'ext-drift.js', contributedCommands(context, 'mlPreflight.drift.'),
    (m) => m.registerDrift({ context, log, tree }), log);
  const diff = new LazyFeature<typeof DiffModule>('model comparison', 'ext-diff.js', contributedCommands(context, 'mlPreflight.compareModels'),
    (m) => m.registerModelDiff({ context, index, log }), log);
  const skew = new LazyFeature<typeof SkewModule>('training/serving skew', 'ext-skew.js', contributedCommands(context, 'mlPreflight.skew.'),
    (m) => m.registerSkew({ context, log }), log);
  // The tree's sections (checklist, drift) come from their bundles: load them before its first render.
  tree.beforeFirstRender(() => {
    for (const f of [checklist, drift]) {
      try {
        f.load();
      } catch (ex) {
        log.error(errorMessage(ex));
      }
    }
  });
  context.subscriptions.push(
    index,
    tree,
    checklist,
    drift,
    diff,
    skew,
    vscode.window.createTreeView(TREE_VIEW_ID, { treeDataProvider: tree, showCollapseAll: true }),
    InspectorEditorProvider.register(context.extensionUri, index, log),
    ...registerCommands({ index, log }),
    ...registerProfiling({ context, index, log }),
    // Skew's CodeLenses and diagnostics are for Python editors: load it when one is (or becomes) visible.
    vscode.window.onDidChangeVisibleTextEditors((editors) => loadSkewFor(editors)),
  );
  const loadSkewFor = (editors: readonly vscode.TextEditor[]): void => {
    if (skew.isLoaded || !editors.some((e) => e.document.languageId === 'python' && e.document.uri.scheme === 'file')) return;
    try {
      skew.load();
    } catch (ex) {
      log.error(errorMessage(ex));
    }
  };
  // After activate() returns: an editor restored with the window may already show a Python file.
  setTimeout(() => loadSkewFor(vscode.window.visibleTextEditors), 0);
  const version = (context.extension.packageJSON as { version?: string }).version ?? '?';
  log.info(`ML Preflight ${version} activated in ${(performance.now() - t0).toFixed(1)} ms, ${(t0 - evaluatedAt).toFixed(0)} ms after its bundle was evaluated (${vscode.env.appName} ${vscode.version}, ${vscode.workspace.isTrusted ? 'trusted' : 'untrusted'} workspace)`);
}

export function deactivate(): void {}
