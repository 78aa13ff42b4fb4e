/**
 * Wires the deployment checklist into VS Code: the grading service, the "Checklist" section of the Preflight
 * tree, the checklist webview, and the commands (show, refresh, mark/clear n/a, generate files). Everything
 * here only reads the workspace or writes files the user asked for, so it works in untrusted workspaces;
 * fix actions that run a model (profiling) go through commands that check trust themselves.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CompareDrift } from '../../core/checklist/liveDrift';
import { setNaMark } from '../../core/checklist/naStore';
import { runDriftInWorker } from '../../core/drift/runDriftWorker';
import type { ChecklistReport, FixActionId } from '../../shared/checklist';
import type { EmitTargetId } from '../../shared/checklistEmit';
import { EMIT_TARGET_IDS } from '../../shared/checklistProtocol';
import { errorMessage, reportError, type Log } from '../log';
import type { ModelIndex } from '../modelIndex';
import type { ModelTreeProvider } from '../modelTree';
import { ChecklistCommand } from './commandIds';
import { ProposedContentProvider, PROPOSED_SCHEME, runEmit, type EmitRequest } from './emitFlow';
import { confirmWriteIfUntrusted } from './trust';
import { ChecklistPanel, type PanelActionHandler } from './panel';
import { ChecklistService } from './service';
import { ChecklistTreeSection } from './treeSection';

interface Deps {
  context: vscode.ExtensionContext;
  index: ModelIndex;
  log: Log;
  tree: ModelTreeProvider;
}

/** Candidate command ids of the other capabilities' "run" actions (the first registered one is used). */
const RUN_COMMANDS: Record<'run.profile' | 'run.drift' | 'run.skew', string[]> = {
  'run.profile': ['mlPreflight.profileModel'],
  'run.drift': ['mlPreflight.drift.compare', 'mlPreflight.drift.run', 'mlPreflight.compareData', 'mlPreflight.checkDrift'],
  'run.skew': ['mlPreflight.skew.refresh', 'mlPreflight.skew.showPairs'],
};

const CLI_HINT: Record<'run.profile' | 'run.drift' | 'run.skew', string> = {
  'run.profile': 'ml-preflight profile <model.onnx> --json > .mlpreflight/profiles/<model>.json',
  'run.drift': 'ml-preflight drift <reference> <current> --json > .mlpreflight/drift/<name>.json',
  'run.skew': 'save the skew findings as .mlpreflight/skew.json',
};

function folderOf(service: ChecklistService, uri?: string): vscode.WorkspaceFolder | undefined {
  const folders = service.folders();
  if (!uri) return folders[0];
  return folders.find((f) => f.uri.toString() === uri || f.uri.fsPath === uri);
}

/** `{ itemId, folder }` from a tree node (`{ kind: 'section', node: { kind: 'item', … } }`) or a plain object. */
function itemTarget(service: ChecklistService, arg: unknown): { itemId: string; folder: vscode.WorkspaceFolder; reason?: string } {
  const a = arg as { node?: { kind?: string; folder?: vscode.WorkspaceFolder; item?: { id: string } }; itemId?: unknown; reason?: unknown; folder?: unknown } | undefined;
  if (a?.node?.kind === 'item' && a.node.folder && a.node.item) return { itemId: a.node.item.id, folder: a.node.folder };
  if (a && typeof a.itemId === 'string') {
    const folder = folderOf(service, typeof a.folder === 'string' ? a.folder : undefined);
    if (!folder) throw new Error('ML Preflight: no workspace folder on disk to store the n/a mark in');
    return { itemId: a.itemId, folder, reason: typeof a.reason === 'string' ? a.reason : undefined };
  }
  throw new Error('ML Preflight: expected a checklist item (from the tree) or { itemId, reason?, folder? }');
}

/** An emit request from a command argument: a model Uri (Explorer menu), a tree model node, or a request object. */
function requestOf(arg: unknown): Partial<EmitRequest> {
  if (arg instanceof vscode.Uri) return { model: arg };
  if (typeof arg !== 'object' || arg === null) return {};
  const a = arg as { kind?: unknown; uri?: unknown };
  if (a.kind === 'model' && a.uri instanceof vscode.Uri) return { model: a.uri };
  if (a.kind !== undefined) return {};
  return arg as Partial<EmitRequest>;
}

export function registerChecklist({ context, index, log, tree }: Deps): vscode.Disposable[] {
  // The live drift check reads and compares sample files: in the drift worker thread, as "Compare Data Drift"
  // does, so grading never runs the statistics on the extension host's thread.
  const driftWorker = path.join(context.extensionUri.fsPath, 'dist', 'driftWorker.js');
  const compareDrift: CompareDrift | undefined = existsSync(driftWorker)
    ? (reference, current, names, signal) => runDriftInWorker(reference, current, names, { workerPath: driftWorker, signal })
    : undefined;
  const service = new ChecklistService(log, compareDrift);
  const proposed = new ProposedContentProvider();

  const emit = async (request: EmitRequest) => {
    // Workspace Trust: generating files writes into the workspace; untrusted workspaces confirm first.
    if (!(await confirmWriteIfUntrusted('Generating serving files', 'ML Preflight would write a Dockerfile, server code or serving configs derived from a model in this workspace.'))) return undefined;
    const outcome = await runEmit(request, { index, log, proposed });
    if (outcome) void service.refresh();
    return outcome;
  };

  const markNa = async (arg: unknown): Promise<ChecklistReport | undefined> => {
    try {
      const { itemId, folder, reason: given } = itemTarget(service, arg);
      const reason = given ?? (await vscode.window.showInputBox({
        title: `Mark "${itemId}" as not applicable`,
        prompt: `Why does this item not apply? Stored in .mlpreflight/checklist.json (commit it so the team and CI share the decision).`,
        placeHolder: 'e.g. internal batch job without a network API',
        validateInput: (v) => (v.trim() ? undefined : 'A reason is required'),
        ignoreFocusOut: true,
      }));
      if (!reason) return undefined;
      // Workspace Trust: the mark is written to .mlpreflight/checklist.json; untrusted workspaces confirm first.
      if (!(await confirmWriteIfUntrusted('Marking an item n/a', `ML Preflight would write the mark to .mlpreflight/checklist.json in ${folder.name}.`))) return undefined;
      await setNaMark(folder.uri.fsPath, itemId, { reason });
      log.info(`Checklist: marked ${itemId} n/a in ${folder.name}: ${reason}`);
      return await service.grade(folder);
    } catch (ex) {
      reportError(log, `Cannot mark the item n/a: ${errorMessage(ex)}`, ex);
      throw ex;
    }
  };

  const clearNa = async (arg: unknown): Promise<ChecklistReport | undefined> => {
    try {
      const { itemId, folder } = itemTarget(service, arg);
      if (!(await confirmWriteIfUntrusted('Clearing an n/a mark', `ML Preflight would rewrite .mlpreflight/checklist.json in ${folder.name}.`))) return undefined;
      await setNaMark(folder.uri.fsPath, itemId, null);
      return await service.grade(folder);
    } catch (ex) {
      reportError(log, `Cannot clear the n/a mark: ${errorMessage(ex)}`, ex);
      throw ex;
    }
  };

  const runAction = async (action: FixActionId, itemId: string): Promise<void> => {
    if (action === 'emit.docker' || action === 'emit.triton' || action === 'emit.kserve' || action === 'emit.k8s' || action === 'emit.prometheus' || action === 'emit.k6') {
      await emit({ target: action.slice(5) as EmitTargetId });
      return;
    }
    if (action === 'doc') {
      const doc = vscode.Uri.joinPath(context.extensionUri, 'docs', 'checklist.md');
      try {
        await vscode.workspace.fs.stat(doc);
        await vscode.commands.executeCommand('markdown.showPreview', doc);
      } catch {
        void vscode.window.showInformationMessage(`See the explanation of "${itemId}" in the checklist; the full guide is docs/checklist.md in the ML Preflight repository.`);
      }
      return;
    }
    const available = new Set(await vscode.commands.getCommands(true));
    const command = RUN_COMMANDS[action].find((c) => available.has(c));
    if (command) {
      await vscode.commands.executeCommand(command);
      return;
    }
    void vscode.window.showInformationMessage(`This capability is not available in this build. From a terminal: ${CLI_HINT[action]}; the checklist reads the saved result.`);
  };

  const onPanelAction: PanelActionHandler = async (message, folder) => {
    try {
      switch (message.type) {
        case 'checklist/refresh':
          await service.grade(folder);
          break;
        case 'checklist/markNa':
          await markNa({ itemId: message.itemId, folder: folder.uri.toString() });
          break;
        case 'checklist/clearNa':
          await clearNa({ itemId: message.itemId, folder: folder.uri.toString() });
          break;
        case 'checklist/action':
          await runAction(message.action, message.itemId);
          break;
        case 'checklist/emit':
          await emit({ target: message.target });
          break;
        case 'checklist/open':
          break;
      }
    } catch (ex) {
      log.error(`Checklist action ${message.type} failed: ${errorMessage(ex)}`);
    }
  };

  const panel = new ChecklistPanel(context.extensionUri, service, log, onPanelAction);

  const show = (arg?: unknown): boolean => {
    const a = arg as { folder?: unknown; item?: unknown } | undefined;
    const folder = folderOf(service, typeof a?.folder === 'string' ? a.folder : undefined);
    if (!folder) {
      void vscode.window.showInformationMessage('ML Preflight: open a folder to grade its deployment checklist.');
      return false;
    }
    panel.show(folder, typeof a?.item === 'string' ? a.item : undefined);
    return true;
  };

  const emitCommand = (arg?: unknown) => {
    const a = (arg ?? {}) as Partial<EmitRequest> & { target?: unknown };
    if (typeof a.target !== 'string' || !(EMIT_TARGET_IDS as readonly string[]).includes(a.target)) {
      return vscode.window.showQuickPick(EMIT_TARGET_IDS.map((t) => ({ label: t, target: t })), { title: 'Generate serving files' }).then((p) => (p ? emit({ target: p.target }) : undefined));
    }
    const overwrite = a.overwrite === 'never' || a.overwrite === 'always' ? a.overwrite : 'ask';
    return emit({ target: a.target as EmitTargetId, model: a.model, outDir: a.outDir, overwrite });
  };

  return [
    service,
    proposed,
    panel,
    vscode.workspace.registerTextDocumentContentProvider(PROPOSED_SCHEME, proposed),
    tree.addSection(new ChecklistTreeSection(service)),
    vscode.commands.registerCommand(ChecklistCommand.Show, show),
    vscode.commands.registerCommand(ChecklistCommand.Refresh, async () => {
      await service.refresh();
      return service.folders().map((f) => {
        const s = service.state(f);
        return s.kind === 'ready' ? s.report : { root: f.uri.fsPath, error: s.kind === 'error' ? s.message : 'pending' };
      });
    }),
    vscode.commands.registerCommand(ChecklistCommand.MarkNa, markNa),
    vscode.commands.registerCommand(ChecklistCommand.ClearNa, clearNa),
    vscode.commands.registerCommand(ChecklistCommand.Emit, emitCommand),
    vscode.commands.registerCommand(ChecklistCommand.EmitTriton, (arg?: unknown) => emitCommand({ ...requestOf(arg), target: 'triton' })),
    vscode.commands.registerCommand(ChecklistCommand.EmitDocker, (arg?: unknown) => emitCommand({ ...requestOf(arg), target: 'docker' })),
  ];
}
