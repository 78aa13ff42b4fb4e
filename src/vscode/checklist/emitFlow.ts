/**
 * "Generate …" in VS Code: pick the model (workspace models, or Browse…), pick the folder, plan the files
 * (core `planFiles`: refuses paths outside the folder), show a `vscode.diff` of every existing file that
 * would change, and overwrite only after an explicit confirmation. New and identical files need no question.
 */
import * as vscode from 'vscode';
import { emitFiles, EMIT_TARGETS, type EmitTarget } from '../../core/emit/emit';
import { EmitError, type EmitOptions } from '../../core/emit/modelIo';
import { findSavedProfile } from '../../core/profile/savedProfile';
import { planFiles, writePlan, type EmitPlan, type WriteResult } from '../../core/emit/plan';
import { EMIT_TARGET_LABELS, type EmitTargetId } from '../../shared/checklistEmit';
import { errorMessage, reportError, type Log } from '../log';
import type { ModelIndex } from '../modelIndex';

/** Scheme of the read-only "proposed content" documents shown on the right of the diff. */
export const PROPOSED_SCHEME = 'mlpreflight-proposed';

export type OverwritePolicy = 'ask' | 'never' | 'always';

export interface EmitRequest {
  target: EmitTargetId;
  /** Model file (Uri or path); asked when absent. */
  model?: vscode.Uri | string;
  /** Output folder (Uri or path); asked when absent. */
  outDir?: vscode.Uri | string;
  /** What to do with existing files that differ (default `ask`: diff, then a modal confirmation). */
  overwrite?: OverwritePolicy;
}

export interface EmitOutcome extends WriteResult {
  outDir: string;
  /** The saved profile the files were sized from (absolute), when one was found. */
  profile?: string;
  /** The file opened as a preview after writing (absolute). */
  opened?: string;
}

/** The file a user wants to see first: the Triton config, the Dockerfile, else the first written text file. */
function mainFile(plan: EmitPlan, result: WriteResult): string | undefined {
  const done = new Set([...result.written, ...result.unchanged]);
  const text = plan.files.filter((f) => f.content !== undefined && done.has(f.path));
  const pick = text.find((f) => f.path.endsWith('config.pbtxt')) ?? text.find((f) => /(^|\/)Dockerfile$/.test(f.path)) ?? text[0];
  return pick?.absPath;
}

/** Serves the proposed contents for `vscode.diff`. */
export class ProposedContentProvider implements vscode.TextDocumentContentProvider {
  private readonly contents = new Map<string, string>();
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;

  set(uri: vscode.Uri, content: string): void {
    this.contents.set(uri.toString(), content);
    this.emitter.fire(uri);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '';
  }

  dispose(): void {
    this.emitter.dispose();
    this.contents.clear();
  }
}

function toUri(v: vscode.Uri | string): vscode.Uri {
  return typeof v === 'string' ? (/^[a-z][\w+.-]+:/i.test(v) && !/^[a-z]:[\\/]/i.test(v) ? vscode.Uri.parse(v, true) : vscode.Uri.file(v)) : v;
}

async function pickModel(index: ModelIndex): Promise<vscode.Uri | undefined> {
  await index.whenScanned();
  const ready = index.models;
  if (ready.length === 1) return ready[0]!.uri;
  type Item = vscode.QuickPickItem & { uri?: vscode.Uri };
  const items: Item[] = ready.map((m) => ({ label: m.name, description: m.folder || undefined, uri: m.uri }));
  items.push({ label: '$(folder-opened) Browse…', alwaysShow: true });
  const picked = await vscode.window.showQuickPick(items, { title: 'Generate serving files: which model?', placeHolder: 'Select an ONNX model' });
  if (!picked) return undefined;
  if (picked.uri) return picked.uri;
  return (await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'ONNX models': ['onnx'] }, openLabel: 'Use this model' }))?.[0];
}

async function pickFolder(target: EmitTargetId): Promise<vscode.Uri | undefined> {
  const base = vscode.workspace.workspaceFolders?.[0]?.uri;
  const suggested = base ? vscode.Uri.joinPath(base, 'deploy', target === 'all' ? '' : target) : undefined;
  return (await vscode.window.showOpenDialog({
    canSelectFiles: false,
    canSelectFolders: true,
    canSelectMany: false,
    defaultUri: suggested ?? base,
    openLabel: 'Generate here',
    title: `${EMIT_TARGET_LABELS[target]}: choose the output folder (files are written only inside it)`,
  }))?.[0];
}

/** Shows the diffs of changed files and asks; returns the paths the user allowed to overwrite. */
async function confirmOverwrites(plan: EmitPlan, proposed: ProposedContentProvider): Promise<string[]> {
  const changed = plan.files.filter((f) => f.exists && !f.identical);
  if (changed.length === 0) return [];
  for (const f of changed) {
    if (f.content === undefined) continue; // binary (the model copy): listed in the question below
    const right = vscode.Uri.from({ scheme: PROPOSED_SCHEME, path: `/${f.path}`, query: `t=${Date.now()}` });
    proposed.set(right, f.content);
    await vscode.commands.executeCommand('vscode.diff', vscode.Uri.file(f.absPath), right, `${f.path}: existing ↔ generated (ML Preflight)`, { preview: false });
  }
  const list = changed.map((f) => f.path).join(', ');
  const choice = await vscode.window.showWarningMessage(
    `${changed.length} existing file(s) would change: ${list}. Overwrite them?`,
    { modal: true, detail: 'The diffs are open beside this dialog. New files are written either way; unchanged files are left alone.' },
    'Overwrite',
    'Keep Existing',
  );
  return choice === 'Overwrite' ? changed.map((f) => f.path) : [];
}

/**
 * Runs one "Generate …" action. Resolves to what was written, or undefined when the user cancelled a pick.
 *
 * @throws Error (after an error notification) when the model cannot be inspected or served, or a path escapes the folder.
 */
export async function runEmit(request: EmitRequest, deps: { index: ModelIndex; log: Log; proposed: ProposedContentProvider }): Promise<EmitOutcome | undefined> {
  const { index, log, proposed } = deps;
  const modelUri = request.model ? toUri(request.model) : await pickModel(index);
  if (!modelUri) return undefined;
  const outUri = request.outDir ? toUri(request.outDir) : await pickFolder(request.target);
  if (!outUri) return undefined;
  if (modelUri.scheme !== 'file' || outUri.scheme !== 'file') throw new Error('ML Preflight: generating files needs a model and a folder on disk');
  const targets: readonly EmitTarget[] | 'all' = request.target === 'all' ? 'all' : [request.target];
  if (request.target !== 'all' && !EMIT_TARGETS.includes(request.target)) throw new Error(`ML Preflight: unknown target '${request.target}'`);
  let plan: EmitPlan;
  // What was measured is used: the model's latest saved profile (`.mlpreflight/profiles/` of its workspace or of
  // the workspace folder that holds it) sizes the Triton batching, the container resources and the ORT pin.
  const folder = vscode.workspace.getWorkspaceFolder(modelUri);
  const profile = await findSavedProfile(modelUri.fsPath, folder?.uri.scheme === 'file' ? [folder.uri.fsPath] : []).catch(() => undefined);
  const options: EmitOptions = profile ? { profile } : {};
  log.info(profile ? `Generate ${request.target}: using the saved profile ${profile.file}` : `Generate ${request.target}: no saved profile of ${modelUri.fsPath}; defaults are used (profile the model to size from measurements)`);
  try {
    const inspection = await index.inspect(modelUri);
    plan = await planFiles(outUri.fsPath, await emitFiles(inspection, targets, options));
  } catch (ex) {
    const message = EmitError.is(ex) ? `Cannot generate files: ${ex.message}` : `Cannot generate files for ${modelUri.fsPath}: ${errorMessage(ex)}`;
    reportError(log, message, ex);
    throw new Error(message, { cause: ex });
  }
  const policy = request.overwrite ?? 'ask';
  const allowed = policy === 'always' ? true : policy === 'never' ? [] : await confirmOverwrites(plan, proposed);
  const result = await writePlan(plan, { overwrite: allowed });
  log.info(`Generated ${request.target} for ${modelUri.fsPath} in ${plan.outDir}: ${result.written.length} written, ${result.unchanged.length} unchanged, ${result.skipped.length} kept`);
  const main = mainFile(plan, result);
  const summary = `${EMIT_TARGET_LABELS[request.target]}: ${result.written.length} file(s) written${result.unchanged.length ? `, ${result.unchanged.length} unchanged` : ''}${result.skipped.length ? `, ${result.skipped.length} existing kept` : ''} in ${vscode.workspace.asRelativePath(outUri)}${profile ? `, sized from the profile ${vscode.workspace.asRelativePath(profile.file)}` : ' (no saved profile: defaults; profile the model and generate again)'}.`;
  if (policy === 'ask') {
    // The main written file opens as a preview, so the result is seen at once; Reveal selects it in the Explorer.
    if (main) await vscode.window.showTextDocument(vscode.Uri.file(main), { preview: true, preserveFocus: false }).then(undefined, (ex: unknown) => log.warn(`Cannot open ${main}: ${errorMessage(ex)}`));
    void vscode.window.showInformationMessage(summary, 'Reveal in Explorer').then((c) => {
      if (c) void vscode.commands.executeCommand('revealInExplorer', main ? vscode.Uri.file(main) : outUri);
    });
  }
  return { outDir: plan.outDir, ...result, ...(profile ? { profile: profile.file } : {}), ...(main ? { opened: main } : {}) };
}
