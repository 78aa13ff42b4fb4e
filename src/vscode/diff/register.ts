/**
 * "ML Preflight: Compare Models" (one call from extension.ts): two model files, or a model against its version
 * at a git ref, from the command palette, the Explorer, the SCM view and the inspector's title bar. The diff
 * (contract classified breaking/compatible/informational, model changes, weights streamed from disk) is computed
 * by `src/core/diff` in the extension host; only JSON goes to the webview.
 *
 * Workspace Trust: comparing two files only reads them, so it works in untrusted workspaces; reading a git ref
 * runs git in the repository, which needs a trusted workspace (as VS Code's own git extension).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { diffModels } from '../../core/diff/diffModels';
import { DiffError } from '../../core/diff/errors';
import { readModelAtRef, type GitModel } from '../../core/diff/gitBlob';
import { performanceFromProfiles } from '../../core/diff/performance';
import { baselineDir } from '../../core/profile/baseline';
import { OnnxInspectError } from '../../core/onnx/errors';
import type { DiffWebviewToHostMessage } from '../../shared/diffProtocol';
import { INSPECTOR_VIEW_TYPE } from '../inspectorEditor';
import { displayName } from '../inspectUri';
import { errorMessage, type Log } from '../log';
import type { ModelIndex } from '../modelIndex';
import { DiffPanel } from './panel';

/** Command ids (package.json `contributes.commands`). */
export const DiffCommandId = {
  Compare: 'mlPreflight.compareModels',
} as const;

interface Deps {
  context: vscode.ExtensionContext;
  index: ModelIndex;
  log: Log;
}

/** What the panel shows: the new model and either an old model file or a git ref. */
interface Request {
  old: { uri: vscode.Uri } | { ref: string };
  new: vscode.Uri;
}

type Pick = vscode.QuickPickItem & { uri?: vscode.Uri; ref?: string; action?: 'browse' | 'ref' };

/** A model URI from a command argument: a Uri, a tree node `{ uri }`, or an SCM resource state `{ resourceUri }`. */
function uriOf(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'object' && arg !== null) {
    if ('resourceUri' in arg && arg.resourceUri instanceof vscode.Uri) return arg.resourceUri;
    if ('uri' in arg && arg.uri instanceof vscode.Uri) return arg.uri;
  }
  return undefined;
}

/** The model shown by the active ONNX Model Inspector tab, if any. */
function activeInspectorModel(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputCustom && input.viewType === INSPECTOR_VIEW_TYPE ? input.uri : undefined;
}

export function registerModelDiff({ context, index, log }: Deps): vscode.Disposable[] {
  let current: Request | undefined;
  let controller: AbortController | undefined;
  const panel = new DiffPanel(context.extensionUri, log, (message: DiffWebviewToHostMessage) => {
    if (message.type === 'diff/rerun' && current) void run(current);
    if (message.type === 'diff/openModel' && current) {
      const uri = message.side === 'new' ? current.new : 'uri' in current.old ? current.old.uri : undefined;
      if (uri) void vscode.commands.executeCommand('vscode.openWith', uri, INSPECTOR_VIEW_TYPE);
      else void vscode.window.showInformationMessage(`The old side is ${displayName(current.new)} at ${'ref' in current.old ? current.old.ref : ''}, read from git; open it with git (e.g. the Timeline view).`);
    }
  });

  async function pickModels(title: string, exclude?: vscode.Uri, extra: Pick[] = []): Promise<Pick | undefined> {
    await index.whenScanned();
    const items: Pick[] = [
      ...extra,
      ...index.models.filter((m) => m.uri.toString() !== exclude?.toString()).map((m) => ({ label: m.name, description: m.folder || undefined, uri: m.uri })),
      { label: '', kind: vscode.QuickPickItemKind.Separator },
      { label: '$(folder-opened) Browse…', description: 'Pick a model file from disk', alwaysShow: true, action: 'browse' as const },
    ];
    const picked = await vscode.window.showQuickPick(items, { title, placeHolder: 'Select an ONNX model', matchOnDescription: true });
    if (picked?.action === 'browse') {
      const files = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Compare', filters: { 'ONNX models': ['onnx'], 'All files': ['*'] } });
      return files?.[0] ? { label: path.basename(files[0].fsPath), uri: files[0] } : undefined;
    }
    return picked;
  }

  async function gitRef(): Promise<string | undefined> {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage('Comparing with a git ref runs git in this repository, which needs a trusted workspace. Compare two files instead, or trust the workspace.');
      return undefined;
    }
    return vscode.window.showInputBox({ title: 'Compare Models: git ref', prompt: 'Commit, branch or tag of the old version (e.g. HEAD, main, v1.2)', value: 'HEAD', validateInput: (v) => (v.trim() === '' || v.startsWith('-') || /[\s:]/.test(v) ? 'A commit, branch or tag (no spaces, no leading -, no :)' : undefined) });
  }

  async function run(request: Request): Promise<void> {
    controller?.abort();
    const ctl = new AbortController();
    controller = ctl;
    current = request;
    const newName = path.basename(request.new.fsPath);
    const oldName = 'uri' in request.old ? path.basename(request.old.uri.fsPath) : `${newName} at ${request.old.ref}`;
    panel.show(`Diff: ${oldName} → ${newName}`);
    panel.post({ type: 'diff/loading', old: oldName, new: newName });
    let fromGit: GitModel | undefined;
    try {
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Comparing ${oldName} with ${newName}`, cancellable: true }, async (_progress, token) => {
        token.onCancellationRequested(() => ctl.abort());
        let oldPath: string;
        if ('uri' in request.old) oldPath = request.old.uri.fsPath;
        else {
          fromGit = await readModelAtRef(request.new.fsPath, request.old.ref, { signal: ctl.signal });
          oldPath = fromGit.path;
        }
        const folder = vscode.workspace.getWorkspaceFolder(request.new);
        const performance = folder ? await performanceFromProfiles(baselineDir(folder.uri.fsPath), oldPath, request.new.fsPath, { signal: ctl.signal }).catch(() => undefined) : undefined;
        const diff = await diffModels(oldPath, request.new.fsPath, { signal: ctl.signal, initializers: true, performance, labels: { old: 'uri' in request.old ? vscode.workspace.asRelativePath(request.old.uri) : `${vscode.workspace.asRelativePath(request.new)} at ${request.old.ref}`, new: vscode.workspace.asRelativePath(request.new) } });
        if (ctl.signal.aborted || current !== request) return;
        panel.post({ type: 'diff/show', diff });
        log.info(`Compare Models: ${oldName} → ${newName}: ${diff.verdict} (${diff.counts.breaking} breaking, ${diff.counts.compatible} compatible, ${diff.counts.informational} informational)`);
      });
    } catch (ex) {
      if (current !== request) return;
      const reason = OnnxInspectError.is(ex) || DiffError.is(ex) ? ex.reason : ctl.signal.aborted ? 'cancelled' : 'internal';
      const message = OnnxInspectError.is(ex) || DiffError.is(ex) ? ex.message : errorMessage(ex);
      panel.post({ type: 'diff/error', reason, message: reason === 'cancelled' ? 'The comparison was cancelled.' : message });
      log.warn(`Compare Models: ${message}`);
      if (ex instanceof Error && ex.stack && reason === 'internal') log.debug(ex.stack);
    } finally {
      await fromGit?.dispose();
    }
  }

  const compare = async (first?: unknown, second?: unknown): Promise<void> => {
    const a = uriOf(first);
    const b = uriOf(second);
    // Two models given (API, multi-select in the Explorer): compare them.
    if (a && b) return run({ old: { uri: a }, new: b });
    // SCM view: the working-tree model against HEAD.
    if (a && typeof first === 'object' && first !== null && 'resourceUri' in first) {
      if (!vscode.workspace.isTrusted) return void (await gitRef());
      return run({ old: { ref: 'HEAD' }, new: a });
    }
    const subject = a ?? activeInspectorModel();
    if (subject) {
      const picked = await pickModels(`Compare ${path.basename(subject.fsPath)} with…`, subject, [
        { label: '$(git-commit) Its version at HEAD', description: 'uncommitted changes', ref: 'HEAD' },
        { label: '$(git-branch) Its version at a git ref…', description: 'a branch, tag or commit', action: 'ref' },
        { label: '', kind: vscode.QuickPickItemKind.Separator },
      ]);
      if (!picked) return;
      if (picked.uri) return run({ old: { uri: picked.uri }, new: subject });
      const ref = picked.ref && vscode.workspace.isTrusted ? picked.ref : await gitRef();
      if (ref) return run({ old: { ref }, new: subject });
      return;
    }
    const old = await pickModels('Compare Models (1/2): the old model');
    if (!old?.uri) return;
    const next = await pickModels(`Compare Models (2/2): the new model, compared with ${old.label}`, old.uri);
    if (!next?.uri) return;
    return run({ old: { uri: old.uri }, new: next.uri });
  };

  return [panel, vscode.commands.registerCommand(DiffCommandId.Compare, compare), { dispose: () => controller?.abort() }];
}
