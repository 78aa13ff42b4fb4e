/**
 * Deployment checklist inside a real extension host, on the example workspace (a copy of `examples/`):
 * the graded items, n/a marks stored in `.mlpreflight/checklist.json`, the checklist webview, and
 * "Generate Triton config" writing a model repository into a temporary folder (existing changed files are
 * only overwritten when allowed).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ChecklistReport } from '../../../src/shared/checklist';
import { waitFor, workspaceFolder } from './util';

interface EmitOutcome {
  outDir: string;
  written: string[];
  unchanged: string[];
  skipped: string[];
}

const folder = workspaceFolder;

describe('Deployment checklist in the extension host', () => {
  let tmp: string;

  before(async () => {
    await vscode.extensions.getExtension('ml-preflight.ml-preflight')?.activate();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-e2e-emit-'));
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(tmp, { recursive: true, force: true });
    // Only what this suite wrote: the other suites may keep their own files under .mlpreflight/.
    fs.rmSync(path.join(folder().uri.fsPath, '.mlpreflight', 'checklist.json'), { force: true });
  });

  it('grades the example workspace: its deliberate problems fail (skew included), unmeasured items are unknown', async () => {
    const reports = await vscode.commands.executeCommand<ChecklistReport[]>('mlPreflight.checklist.refresh');
    assert.equal(reports.length, 1);
    const report = reports[0]!;
    assert.equal(report.root, folder().uri.fsPath);
    const status = Object.fromEntries(report.items.map((i) => [i.id, i.status]));
    assert.equal(status['model.format'], 'pass');
    assert.equal(status['serving.health'], 'fail');
    assert.equal(status['container.dockerfile'], 'fail');
    assert.equal(status['perf.latency'], 'unknown');
    // Drift is compared live on data/reference.csv vs data/current.csv: 3 of 7 columns drift (warn, not dataset drift).
    assert.equal(status['data.drift'], 'warn');
    // Skew is analysed live (src/core/skew): the example's serving code has deliberate preprocessing bugs.
    assert.equal(status['data.skew'], 'fail');
    assert.ok(report.items.find((i) => i.id === 'data.skew')!.findings.some((f) => f.file === 'serving/app.py' && f.ruleId === 'skew/color-order'));
    assert.ok(report.items.length >= 20);
    const health = report.items.find((i) => i.id === 'serving.health')!;
    assert.deepEqual(health.evidence[0], { file: 'serving/app.py', line: 1, text: 'serving code without health routes' });
    assert.equal(health.fix?.id, 'emit.docker');
  });

  it('marks an item n/a with a reason in .mlpreflight/checklist.json, and clears it', async () => {
    const marked = await vscode.commands.executeCommand<ChecklistReport>('mlPreflight.checklist.markNa', { itemId: 'security.auth', reason: 'internal network only (e2e)' });
    const auth = marked.items.find((i) => i.id === 'security.auth')!;
    assert.equal(auth.status, 'na');
    assert.equal(auth.na?.reason, 'internal network only (e2e)');
    const stored = JSON.parse(fs.readFileSync(path.join(folder().uri.fsPath, '.mlpreflight', 'checklist.json'), 'utf8')) as { na: Record<string, { reason: string }> };
    assert.equal(stored.na['security.auth']?.reason, 'internal network only (e2e)');
    const cleared = await vscode.commands.executeCommand<ChecklistReport>('mlPreflight.checklist.clearNa', { itemId: 'security.auth' });
    assert.equal(cleared.items.find((i) => i.id === 'security.auth')!.status, 'fail');
  });

  it('opens the checklist webview', async () => {
    const shown = await vscode.commands.executeCommand<boolean>('mlPreflight.checklist.show', { item: 'serving.health' });
    assert.equal(shown, true);
    const tab = await waitFor('the checklist tab', () => vscode.window.tabGroups.all.flatMap((g) => g.tabs)
      .find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('mlPreflight.checklist')));
    assert.equal(tab.label, 'Checklist');
  });

  it('"Generate Triton config" writes <name>/config.pbtxt and <name>/1/model.onnx into the chosen folder', async () => {
    const model = vscode.Uri.joinPath(folder().uri, 'models', 'classifier.onnx');
    const out = vscode.Uri.file(path.join(tmp, 'triton-repo'));
    const first = await vscode.commands.executeCommand<EmitOutcome>('mlPreflight.checklist.emitTriton', { model, outDir: out, overwrite: 'never' });
    assert.deepEqual(first.written.sort(), ['classifier/1/model.onnx', 'classifier/config.pbtxt']);
    const config = fs.readFileSync(path.join(out.fsPath, 'classifier', 'config.pbtxt'), 'utf8');
    assert.match(config, /max_batch_size: 8/);
    assert.match(config, /dims: \[ 3, 64, 64 \]/);
    assert.deepEqual(fs.readFileSync(path.join(out.fsPath, 'classifier', '1', 'model.onnx')), fs.readFileSync(model.fsPath));

    // An edited config is kept unless overwriting is allowed (the UI shows vscode.diff and asks first).
    fs.writeFileSync(path.join(out.fsPath, 'classifier', 'config.pbtxt'), 'name: "edited by hand"\n');
    const kept = await vscode.commands.executeCommand<EmitOutcome>('mlPreflight.checklist.emit', { target: 'triton', model, outDir: out, overwrite: 'never' });
    assert.deepEqual(kept.skipped, ['classifier/config.pbtxt']);
    assert.deepEqual(kept.unchanged, ['classifier/1/model.onnx']);
    assert.equal(fs.readFileSync(path.join(out.fsPath, 'classifier', 'config.pbtxt'), 'utf8'), 'name: "edited by hand"\n');
    const forced = await vscode.commands.executeCommand<EmitOutcome>('mlPreflight.checklist.emit', { target: 'triton', model, outDir: out, overwrite: 'always' });
    assert.deepEqual(forced.written, ['classifier/config.pbtxt']);
    assert.match(fs.readFileSync(path.join(out.fsPath, 'classifier', 'config.pbtxt'), 'utf8'), /name: "classifier"/);
  });
});
