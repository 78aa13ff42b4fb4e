import * as vscode from 'vscode';
import type { ModelInspection } from '../shared/modelInspection';
import { INSPECTOR_VIEW_TYPE } from './inspectorEditor';
import { displayName } from './inspectUri';
import { errorMessage, reportError, type Log } from './log';
import type { ModelIndex } from './modelIndex';

/** Command ids (package.json `contributes.commands`), in one place. */
export const CommandId = {
  /** {@link inspectModel} */
  InspectModel: 'mlPreflight.inspectModel',
  /** Rescans the workspace and forgets cached inspections. */
  Refresh: 'mlPreflight.refresh',
  /** Shows the "ML Preflight" log. */
  ShowLog: 'mlPreflight.showLog',
} as const;

interface Deps {
  index: ModelIndex;
  log: Log;
}

type Pick = vscode.QuickPickItem & { uri?: vscode.Uri };

/**
 * Turns a command argument into a model URI: a `Uri` (Explorer context menu, API callers), a tree model node
 * (`{ uri }`), or a path / URI string. `undefined` means "ask the user".
 *
 * @throws Error for anything else.
 */
function targetOf(arg: unknown): vscode.Uri | undefined {
  if (arg === undefined || arg === null) return undefined;
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string' && arg.trim()) return /^[a-z][\w+.-]+:/i.test(arg) && !/^[a-z]:[\\/]/i.test(arg) ? vscode.Uri.parse(arg, true) : vscode.Uri.file(arg);
  if (typeof arg === 'object' && 'uri' in arg && arg.uri instanceof vscode.Uri) return arg.uri;
  throw new Error(`ML Preflight: Inspect Model expects a model Uri or path, got ${typeof arg === 'object' ? 'an object without a uri' : `${typeof arg} ${String(arg).slice(0, 100)}`}`);
}

/** Quick pick among the workspace models, plus "Browse…"; undefined when dismissed. */
async function pickModel(index: ModelIndex): Promise<vscode.Uri | undefined> {
  await index.whenScanned();
  const items: Pick[] = index.models.map((m) => ({ label: m.name, description: m.folder || undefined, uri: m.uri }));
  if (items.length > 0) items.push({ label: '', kind: vscode.QuickPickItemKind.Separator });
  items.push({ label: '$(folder-opened) Browse…', description: 'Pick a model file from disk', alwaysShow: true });
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Inspect Model',
    placeHolder: items.length > 1 ? 'Select an ONNX model' : 'No ONNX model in this workspace (mlPreflight.models.include)',
    matchOnDescription: true,
  });
  if (!picked) return undefined;
  if (picked.uri) return picked.uri;
  const files = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Inspect', filters: { 'ONNX models': ['onnx'], 'All files': ['*'] } });
  return files?.[0];
}

/**
 * `mlPreflight.inspectModel`: inspects a model (argument, or picked from the workspace), opens it in the ONNX
 * Model Inspector and resolves to its `ModelInspection` (plain JSON). Resolves to undefined when the user
 * dismisses the pick.
 *
 * A model that cannot be inspected opens in the inspector too, which shows the error there; resolves to undefined.
 *
 * @throws Error (after an error notification) when the argument is not a model location.
 */
async function inspectModel({ index, log }: Deps, arg?: unknown): Promise<ModelInspection | undefined> {
  let uri: vscode.Uri | undefined;
  try {
    uri = targetOf(arg) ?? (await pickModel(index));
  } catch (ex) {
    reportError(log, errorMessage(ex), ex);
    throw ex;
  }
  if (!uri) return undefined;
  let inspection: ModelInspection;
  try {
    inspection = await index.inspect(uri);
  } catch (ex) {
    // One error, one place: the inspector opens on the file and says what is wrong with it and what to do
    // (no toast, no rejection that the command palette would turn into a second, modal, error).
    log.error(`Cannot inspect ${errorMessage(ex)}`);
    await vscode.commands.executeCommand('vscode.openWith', uri, INSPECTOR_VIEW_TYPE);
    return undefined;
  }
  log.info(`Inspected ${displayName(uri)}: ${inspection.nodeCount} nodes, ${inspection.parameterCount} parameters`);
  await vscode.commands.executeCommand('vscode.openWith', uri, INSPECTOR_VIEW_TYPE);
  return inspection;
}

/** Registers the contributed commands; the caller pushes the result into `context.subscriptions`. */
export function registerCommands(deps: Deps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(CommandId.InspectModel, (arg?: unknown) => inspectModel(deps, arg)),
    vscode.commands.registerCommand(CommandId.Refresh, () => deps.index.rescan({ clearCache: true })),
    vscode.commands.registerCommand(CommandId.ShowLog, () => deps.log.show()),
  ];
}
