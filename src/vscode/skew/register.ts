/** Wires the training/serving skew analysis into VS Code (one call from extension.ts). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CONFIG_FILE } from '../../core/skew/pairing';
import type { Log } from '../log';
import type { SkewResultsLink } from '../skewResults';
import { SkewCodeActionProvider, SkewCodeLensProvider, SkewCommandId, SkewDiagnostics } from './skewUi';
import { SkewService } from './skewService';

interface Deps {
  context: vscode.ExtensionContext;
  log: Log;
  /** Where the checklist (another bundle) finds this service's results. */
  results?: SkewResultsLink;
}

const PYTHON: vscode.DocumentSelector = [{ language: 'python', scheme: 'file' }];
/** Python, and the config files a finding can point at (a TorchServe model-config.yaml value read by the handler). */
const LENS_FILES: vscode.DocumentSelector = [{ language: 'python', scheme: 'file' }, { scheme: 'file', pattern: '**/*.{yaml,yml,json}' }];

export function registerSkew({ context, log, results }: Deps): vscode.Disposable[] {
  const service = new SkewService(log, path.join(context.extensionUri.fsPath, 'dist', 'skewWorker.js'));
  if (results) results.current = service;
  const diagnostics = new SkewDiagnostics(service);
  const lenses = new SkewCodeLensProvider(service);
  void service.refresh();
  return [
    service,
    { dispose: () => { if (results?.current === service) results.current = undefined; } },
    diagnostics,
    lenses,
    vscode.languages.registerCodeLensProvider(LENS_FILES, lenses),
    vscode.languages.registerCodeActionsProvider(PYTHON, new SkewCodeActionProvider(service), { providedCodeActionKinds: SkewCodeActionProvider.providedCodeActionKinds }),
    vscode.commands.registerCommand(SkewCommandId.Refresh, async () => {
      await service.refresh({ rediscover: true });
      const n = service.findings().length;
      void vscode.window.showInformationMessage(`ML Preflight: ${n} training/serving skew finding${n === 1 ? '' : 's'} in ${service.pairs().length} pair(s).`);
    }),
    vscode.commands.registerCommand(SkewCommandId.OpenLocation, async (file: unknown, line: unknown, column: unknown) => {
      if (typeof file !== 'string') return;
      const pos = new vscode.Position(Math.max(0, Number(line) - 1 || 0), Math.max(0, Number(column) - 1 || 0));
      await vscode.window.showTextDocument(vscode.Uri.file(file), { selection: new vscode.Range(pos, pos), preview: false });
    }),
    vscode.commands.registerCommand(SkewCommandId.ShowPairs, () => showPairs(service)),
  ];
}

/** Lists the pairs (how each was chosen) and offers to edit them in `.mlpreflight/skew.json`. */
async function showPairs(service: SkewService): Promise<void> {
  await service.refresh();
  type Item = vscode.QuickPickItem & { run?: () => Promise<void> };
  const items: Item[] = service.pairs().map(({ folder, pair }) => {
    const rel = (f: string): string => path.relative(folder.uri.fsPath, f);
    return {
      label: `$(server) ${pair.serving.map(rel).join(', ')}`,
      description: `vs $(beaker) ${pair.training.map(rel).join(', ')}`,
      detail: `${pair.source === 'heuristic' ? 'guessed from file names' : pair.source === 'config' ? `from ${CONFIG_FILE}` : pair.source === 'settings' ? 'from mlPreflight.skew.pairs' : pair.source}${pair.model ? ` · model ${rel(pair.model)}` : ''}`,
      run: () => openFile(pair.serving[0]),
    };
  });
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    items.push({
      label: `$(edit) Edit pairs in ${CONFIG_FILE}`,
      description: folder.name,
      run: () => editConfig(folder, service),
    });
  }
  const pick = await vscode.window.showQuickPick(items, { title: 'ML Preflight: training/serving pairs', placeHolder: items.length > 1 ? 'Pick a pair to open its serving file' : 'No pair found' });
  await pick?.run?.();
}

async function openFile(file: string): Promise<void> {
  await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: false });
}

/** Opens `.mlpreflight/skew.json`, creating it from the current pairs when it does not exist (never overwrites). */
async function editConfig(folder: vscode.WorkspaceFolder, service: SkewService): Promise<void> {
  const file = path.join(folder.uri.fsPath, CONFIG_FILE);
  if (!fs.existsSync(file)) {
    const rel = (f: string): string => path.relative(folder.uri.fsPath, f).split(path.sep).join('/');
    const pairs = service.pairs().filter((p) => p.folder === folder).map(({ pair }) => ({ training: pair.training.map(rel), serving: pair.serving.map(rel), ...(pair.model ? { model: rel(pair.model) } : {}) }));
    const edit = new vscode.WorkspaceEdit();
    edit.createFile(vscode.Uri.file(file), { ignoreIfExists: true, contents: Buffer.from(`${JSON.stringify({ pairs }, null, 2)}\n`) });
    await vscode.workspace.applyEdit(edit);
  }
  await openFile(file);
}
