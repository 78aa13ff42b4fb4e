/**
 * Profiler API tests inside a real extension host, on the example workspace: the command runs the model in
 * the worker (dist/worker.js) and resolves to a ProfileResult; the results tab opens; a bad model is refused
 * without taking the extension host down.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ProfileResult } from '../../../src/shared/profileResult';
import { workspaceFile } from './util';

const EXTENSION_ID = 'ml-preflight.ml-preflight';
const COMMAND = 'mlPreflight.profileModel';
/** Small and quick. */
const QUICK = { iterations: 20, batches: [1, 2], warmup: 2, opProfileRuns: 2, saveBaseline: false };

function resultsTab(): vscode.Tab | undefined {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs)
    .find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('mlPreflight.profileResults'));
}

describe('ML Preflight profiler (extension host)', function () {
  this.timeout(120_000);
  const extension = vscode.extensions.getExtension(EXTENSION_ID)!;

  before(async () => {
    await extension.activate();
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('contributes "Profile Model", hidden where the workspace is untrusted', () => {
    const contributes = extension.packageJSON.contributes;
    const cmd = contributes.commands.find((c: { command: string }) => c.command === COMMAND);
    assert.equal(cmd?.title, 'Profile Model');
    assert.equal(cmd?.category, 'ML Preflight');
    const palette = contributes.menus.commandPalette.find((m: { command: string }) => m.command === COMMAND);
    assert.match(palette?.when ?? '', /isWorkspaceTrusted/);
    for (const menu of ['view/item/context', 'explorer/context', 'editor/title']) {
      const entry = contributes.menus[menu].find((m: { command: string }) => m.command === COMMAND);
      assert.match(entry?.when ?? '', /isWorkspaceTrusted/, menu);
    }
    const config = vscode.workspace.getConfiguration('mlPreflight');
    assert.equal(config.inspect('profile.maxBatch')?.defaultValue, 32);
    assert.equal(config.inspect('latencyBudgetMs')?.defaultValue, null);
  });

  it('profiles the example model and resolves to a result with runs', async () => {
    assert.equal(vscode.workspace.isTrusted, true, 'the e2e workspace is trusted');
    const uri = workspaceFile('models', 'classifier.onnx');
    const result = await vscode.commands.executeCommand<ProfileResult>(COMMAND, uri, QUICK);
    assert.ok(result, 'the command resolves to a result');
    assert.deepEqual(result.runs.map((r) => r.batch), [1, 2]);
    for (const r of result.runs) {
      assert.equal(r.iterations, 20);
      assert.ok(r.p50 > 0 && r.p99 >= r.p50);
    }
    assert.equal(result.ep, 'cpu');
    assert.ok(result.ops.length > 0, 'per-op times');
    assert.ok(result.peakRssBytes > 0);
    assert.deepEqual(JSON.parse(JSON.stringify(result)), result, 'plain JSON');
    const deadline = Date.now() + 15_000;
    while (!resultsTab() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    assert.ok(resultsTab(), 'the results tab is open');
    assert.equal(resultsTab()!.label, 'Profile: classifier.onnx');
  });

  it('a model that is not ONNX is refused with an error, and the host stays up', async () => {
    const uri = workspaceFile('not-a-model-e2e.onnx');
    await vscode.workspace.fs.writeFile(uri, Buffer.from('not an onnx model'));
    try {
      await assert.rejects(Promise.resolve(vscode.commands.executeCommand(COMMAND, uri, QUICK)), /Cannot profile .*not-a-model-e2e\.onnx/);
      assert.equal(extension.isActive, true);
    } finally {
      await vscode.workspace.fs.delete(uri);
    }
  });

  it('an unavailable provider fails with the reason', async () => {
    const uri = workspaceFile('models', 'classifier.onnx');
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand(COMMAND, uri, { ...QUICK, ep: 'coreml' })), /coreml not available/);
  });
});
