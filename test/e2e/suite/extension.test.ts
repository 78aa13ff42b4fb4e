/**
 * API tests inside a real extension host, against the example workspace (a copy of `examples/`).
 * Needs env `MLP_E2E_LOGS_DIR` (the user-data `logs` folder) for the log check; the runners set it.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ModelInspection } from '../../../src/shared/modelInspection';
import { waitFor, workspaceFile } from './util';

const EXTENSION_ID = 'ml-preflight.ml-preflight';
const VIEW_TYPE = 'mlPreflight.onnxInspector';
const CONTRACT_COMMANDS = ['mlPreflight.inspectModel', 'mlPreflight.refresh', 'mlPreflight.showLog'];

function customTab(uri: vscode.Uri): vscode.Tab | undefined {
  return vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .find((tab) => tab.input instanceof vscode.TabInputCustom
      && tab.input.viewType === VIEW_TYPE && tab.input.uri.toString() === uri.toString());
}

/** Lines of the extension's log output channel files (any `*ML Preflight*.log` under the logs folder). */
function extensionLogLines(): string[] {
  const root = process.env.MLP_E2E_LOGS_DIR;
  assert.ok(root, 'MLP_E2E_LOGS_DIR is set by the runner');
  if (!fs.existsSync(root)) return [];
  const lines: string[] = [];
  for (const entry of fs.readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && /ML Preflight.*\.log$/i.test(entry.name)) {
      lines.push(...fs.readFileSync(path.join(entry.parentPath, entry.name), 'utf8').split('\n'));
    }
  }
  return lines;
}

describe('ML Preflight in the extension host', () => {
  let extension: vscode.Extension<unknown>;

  before(async () => {
    const found = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(found, `${EXTENSION_ID} is installed`);
    extension = found;
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('activates', async () => {
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  it('registers every contributed command', async () => {
    const contributed: string[] = (extension.packageJSON.contributes?.commands ?? []).map((c: { command: string }) => c.command);
    for (const id of CONTRACT_COMMANDS) assert.ok(contributed.includes(id), `package.json contributes ${id}`);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], 'contributed but not registered');
  });

  it('mlPreflight.inspectModel resolves to the example model\'s ModelInspection', async () => {
    const uri = workspaceFile('models', 'classifier.onnx');
    const inspection = await vscode.commands.executeCommand<ModelInspection>('mlPreflight.inspectModel', uri);
    assert.ok(inspection, 'the command resolves to an inspection');
    assert.equal(path.basename(inspection.file.path), 'classifier.onnx');
    assert.deepEqual(inspection.inputs.map(({ name, dtype, shape }) => ({ name, dtype, shape })),
      [{ name: 'image', dtype: 'float32', shape: ['batch', 3, 64, 64] }]);
    assert.deepEqual(inspection.outputs.map(({ name, dtype, shape }) => ({ name, dtype, shape })),
      [{ name: 'logits', dtype: 'float32', shape: ['batch', 5] }]);
    assert.ok(inspection.nodeCount > 0, 'the graph has nodes');
    assert.ok(inspection.parameterCount > 0, 'the model has parameters');
    // Plain JSON: it survives a round trip unchanged (no BigInt, no typed arrays).
    assert.deepEqual(JSON.parse(JSON.stringify(inspection)), inspection);
    await waitFor('the command to open the model in the inspector', () => customTab(uri));
  });

  it('vscode.openWith opens the model in the ONNX Model Inspector custom editor', async () => {
    const uri = workspaceFile('models', 'classifier.onnx');
    await vscode.commands.executeCommand('vscode.openWith', uri, VIEW_TYPE);
    const tab = await waitFor('the inspector tab', () => customTab(uri));
    assert.equal(tab.label, 'classifier.onnx');
    assert.equal(tab.isActive, true);
  });

  it('a corrupt .onnx opens without throwing and is logged as an error', async () => {
    const uri = workspaceFile('corrupt-e2e.onnx');
    // Bytes that are not a protobuf ModelProto: a text header followed by an over-long length-delimited field.
    await vscode.workspace.fs.writeFile(uri, Buffer.concat([Buffer.from('not an onnx model\n'), Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3])]));
    try {
      await vscode.commands.executeCommand('vscode.openWith', uri, VIEW_TYPE);
      await waitFor('the inspector tab for the corrupt file', () => customTab(uri));
      const errorLine = await waitFor('an [error] line naming corrupt-e2e.onnx in the ML Preflight log',
        () => extensionLogLines().find((line) => line.includes('[error]') && line.includes('corrupt-e2e.onnx')));
      assert.match(errorLine, /corrupt-e2e\.onnx/);
      // The extension is still alive and still inspects good models.
      assert.equal(extension.isActive, true);
      const good = await vscode.commands.executeCommand<ModelInspection>('mlPreflight.inspectModel', workspaceFile('models', 'classifier.onnx'));
      assert.equal(good?.inputs[0]?.name, 'image');
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.workspace.fs.delete(uri);
    }
  });

  it('declares Workspace Trust support as limited, with a description', () => {
    const trust = extension.packageJSON.capabilities?.untrustedWorkspaces;
    assert.equal(trust?.supported, 'limited');
    assert.ok(typeof trust?.description === 'string' && trust.description.length > 20);
  });

  it('every contributed command is in the "ML Preflight" category', () => {
    const commands: { command: string; category?: string }[] = extension.packageJSON.contributes?.commands ?? [];
    assert.ok(commands.length >= 3);
    for (const c of commands) assert.equal(c.category, 'ML Preflight', c.command);
  });

  it('mlPreflight.* settings have their documented defaults', () => {
    const config = vscode.workspace.getConfiguration('mlPreflight');
    assert.equal(config.inspect('models.include')?.defaultValue, '**/*.onnx');
    assert.equal(config.inspect('models.exclude')?.defaultValue, '**/{node_modules,.git,.venv,venv,dist,build}/**');
    assert.equal(config.inspect('models.maxFiles')?.defaultValue, 500);
    const configuration = extension.packageJSON.contributes?.configuration ?? [];
    const sections: { properties?: Record<string, unknown> }[] = Array.isArray(configuration) ? configuration : [configuration];
    const declared = sections.flatMap((section) => Object.keys(section.properties ?? {}));
    for (const key of ['mlPreflight.models.include', 'mlPreflight.models.exclude', 'mlPreflight.models.maxFiles']) {
      assert.ok(declared.includes(key), `package.json declares ${key}`);
    }
  });
});
