/**
 * The checklist reads the skew service's results (issue 10 "one finding, everywhere"; issue 13: no skew analysis
 * on the extension host's thread): once the skew feature has analysed the workspace, the checklist's data.skew
 * item shows the same findings, unsaved editor contents included, instead of re-analysing the saved files.
 * (Before the skew feature loads, the checklist suite grades skew through the skew worker thread.)
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ChecklistReport } from '../../../src/shared/checklist';
import { waitFor, workspaceFile } from './util';

const ours = (uri: vscode.Uri): vscode.Diagnostic[] => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'ML Preflight');

describe('ML Preflight: the checklist grades the skew service\'s findings', () => {
  const app = (): vscode.Uri => workspaceFile('serving', 'app.py');

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('an unsaved edit the skew service analysed reaches the checklist', async () => {
    const doc = await vscode.workspace.openTextDocument(app());
    const editor = await vscode.window.showTextDocument(doc);
    await waitFor('skew diagnostics on serving/app.py', () => (ours(app()).some((d) => d.code === 'color-order') ? true : undefined), 20_000);
    const row = [...Array(doc.lineCount).keys()].find((i) => /^\s*STD = np\.array\(\[/.test(doc.lineAt(i).text));
    assert.ok(row !== undefined, 'serving/app.py has a STD = np.array([...]) line');
    const text = doc.lineAt(row).text;
    const open = text.indexOf('[') + 1;
    await editor.edit((e) => e.replace(new vscode.Range(row, open, row, text.indexOf(']')), '0.3125, 0.3125, 0.3125'));
    assert.ok(doc.isDirty);
    await waitFor('the skew service to analyse the unsaved edit', () => ours(app()).find((d) => d.code === 'normalize-std' && d.message.includes('0.3125')), 20_000);
    const reports = await vscode.commands.executeCommand<ChecklistReport[]>('mlPreflight.checklist.refresh');
    const skew = reports[0]!.items.find((i) => i.id === 'data.skew')!;
    assert.equal(skew.status, 'fail');
    const std = skew.findings.find((f) => f.ruleId === 'skew/normalize-std');
    assert.ok(std, `findings: ${skew.findings.map((f) => f.ruleId).join(', ')}`);
    // The saved file does not say 0.3125: the checklist took the editor's findings, not a re-analysis on disk.
    assert.match(std.message, /0\.3125/);
    assert.equal(std.file, 'serving/app.py');
    assert.equal(std.line, row + 1);
    // The same set of findings as the Problems panel shows for the serving file (same typed findings).
    const diagCodes = ours(app()).map((d) => `skew/${String(d.code)}@${d.range.start.line + 1}`).sort();
    const listCodes = skew.findings.filter((f) => f.file === 'serving/app.py').map((f) => `${f.ruleId}@${f.line}`).sort();
    assert.deepEqual(listCodes, diagCodes);
  });
});
