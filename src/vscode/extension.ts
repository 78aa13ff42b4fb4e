/**
 * ML Preflight's VS Code entry point: wiring only. Analysis lives in `src/core` (vscode-free); each capability
 * registers its commands, views and providers from its own folder (profile/, checklist/, skew/, drift/).
 *
 * Workspace Trust (`capabilities.untrustedWorkspaces.supported: "limited"`): inspection, skew, drift and the
 * checklist only read files and are available in untrusted workspaces; profiling runs the model, so its
 * command is hidden there and refuses with an explanation (src/vscode/profile/register.ts).
 */
import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { InspectorEditorProvider } from './inspectorEditor';
import { createLog } from './log';
import { ModelIndex } from './modelIndex';
import { ModelTreeProvider, TREE_VIEW_ID } from './modelTree';
import { registerChecklist } from './checklist/register';
import { registerModelDiff } from './diff/register';
import { registerDrift } from './drift/register';
import { registerProfiling } from './profile/register';
import { registerSkew } from './skew/register';

export function activate(context: vscode.ExtensionContext): void {
  const log = createLog();
  context.subscriptions.push(log);
  const index = new ModelIndex(log);
  const tree = new ModelTreeProvider(index);
  context.subscriptions.push(
    index,
    tree,
    vscode.window.createTreeView(TREE_VIEW_ID, { treeDataProvider: tree, showCollapseAll: true }),
    InspectorEditorProvider.register(context.extensionUri, index, log),
    ...registerCommands({ index, log }),
    ...registerProfiling({ context, index, log }),
    ...registerChecklist({ context, index, log, tree }),
    ...registerSkew({ context, log }),
    ...registerDrift({ context, log, tree }),
    ...registerModelDiff({ context, index, log }),
  );
  const version = (context.extension.packageJSON as { version?: string }).version ?? '?';
  log.info(`ML Preflight ${version} activated (${vscode.env.appName} ${vscode.version}, ${vscode.workspace.isTrusted ? 'trusted' : 'untrusted'} workspace)`);
  void index.rescan();
}

export function deactivate(): void {}
