/**
 * Data drift in a real extension host, on the example workspace (a copy of `examples/`): the compare command
 * on data/reference.csv vs data/current.csv (the example's deliberate drift in age, income and country), the
 * Explorer's Set as Drift Reference/Current pair, the remembered pair, the HTML export, and a bad file.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DriftReport } from '../../../src/shared/drift';
import { workspaceFile } from './util';

function driftTab(): vscode.Tab | undefined {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('mlPreflight.driftReport'));
}

describe('ML Preflight: data drift', () => {
  const reference = (): vscode.Uri => workspaceFile('data', 'reference.csv');
  const current = (): vscode.Uri => workspaceFile('data', 'current.csv');

  it('"Compare Data Drift" returns the report and opens the report panel', async () => {
    const report = await vscode.commands.executeCommand<DriftReport>('mlPreflight.drift.compare', reference(), current());
    assert.ok(report, 'a report');
    assert.deepEqual(report.rows, { reference: 800, current: 800 });
    const drifted = report.columns.filter((c) => c.drifted).map((c) => c.name);
    assert.deepEqual(drifted, ['age', 'income', 'country']);
    assert.equal(report.columns.find((c) => c.name === 'age')?.method, 'ks');
    assert.deepEqual(report.columns.find((c) => c.name === 'country')?.newCategories, ['BR']);
    const tab = driftTab();
    assert.ok(tab, 'the drift report tab is open');
    assert.match(tab.label, /Drift: reference\.csv → current\.csv/);
  });

  it('Set as Drift Reference, then Set as Drift Current, runs the comparison', async () => {
    const none = await vscode.commands.executeCommand<DriftReport | undefined>('mlPreflight.drift.setReference', current());
    assert.equal(none, undefined, 'one side alone does not run');
    const report = await vscode.commands.executeCommand<DriftReport>('mlPreflight.drift.setCurrent', reference());
    assert.ok(report);
    // Swapped sides: the same columns drift.
    assert.deepEqual(report.columns.filter((c) => c.drifted).map((c) => c.name).sort(), ['age', 'country', 'income']);
  });

  it('saves the shown report as one HTML file', async () => {
    const target = workspaceFile('drift-report.html');
    const saved = await vscode.commands.executeCommand<vscode.Uri>('mlPreflight.drift.exportHtml', target);
    assert.equal(saved?.toString(), target.toString());
    const html = Buffer.from(await vscode.workspace.fs.readFile(target)).toString('utf8');
    assert.match(html, /<svg/);
    assert.match(html, /Content-Security-Policy/);
    await vscode.workspace.fs.delete(target);
  });

  it('a malformed CSV fails with its line number, and the host keeps working', async () => {
    const bad = workspaceFile('data', 'broken.csv');
    await vscode.workspace.fs.writeFile(bad, Buffer.from('age,income\n1,2\n3\n'));
    try {
      await assert.rejects(
        Promise.resolve(vscode.commands.executeCommand('mlPreflight.drift.compare', bad, current())),
        /broken\.csv: malformed: line 3 has 1 field, expected 2/,
      );
    } finally {
      await vscode.workspace.fs.delete(bad);
    }
    const again = await vscode.commands.executeCommand<DriftReport>('mlPreflight.drift.compare', reference(), current());
    assert.equal(again.datasetDrift, false);
  });
});
