/**
 * ML Preflight's VS Code entry point: wiring only. Analysis lives in `src/core` (vscode-free); this layer turns
 * it into a tree view, a custom editor and commands.
 *
 * Workspace Trust: everything registered here only reads model metadata (no model code runs), so it is
 * available in untrusted workspaces (`capabilities.untrustedWorkspaces.supported: "limited"`).
 */
import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { InspectorEditorProvider } from './inspectorEditor';
import { createLog } from './log';
import { ModelIndex } from './modelIndex';
import { ModelTreeProvider, TREE_VIEW_ID } from './modelTree';
import { registerProfiling } from './profile/register';
import { registerChecklist } from './checklist/register';
import { registerDrift } from './drift/register';
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
  );
  const version = (context.extension.packageJSON as { version?: string }).version ?? '?';
  log.info(`ML Preflight ${version} activated (${vscode.env.appName} ${vscode.version}, ${vscode.workspace.isTrusted ? 'trusted' : 'untrusted'} workspace)`);
  void index.rescan();
}

export function deactivate(): void {}
