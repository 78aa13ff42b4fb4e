/**
 * Training/serving skew in a real extension host, on the example workspace (a copy of `examples/`):
 * diagnostics from source "ML Preflight" on serving/app.py, CodeLenses naming the training value, and the quick
 * fix that copies the training std into the serving literal and makes its diagnostic go away.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { waitFor as waitUntil, workspaceFile } from './util';

/** Skew diagnostics wait for the debounced analysis: a longer default. */
const waitFor = <T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> => waitUntil(what, probe, timeoutMs);

const ours = (uri: vscode.Uri): vscode.Diagnostic[] => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'ML Preflight');

describe('ML Preflight: training/serving skew', () => {
  const app = (): vscode.Uri => workspaceFile('serving', 'app.py');

  it('reports the example skew as diagnostics with related information on the training side', async () => {
    const doc = await vscode.workspace.openTextDocument(app());
    await vscode.window.showTextDocument(doc);
    const diags = await waitFor('skew diagnostics on serving/app.py', () => {
      const d = ours(app());
      return d.some((x) => x.code === 'normalize-std') ? d : undefined;
    });
    const codes = diags.map((d) => String(d.code)).sort();
    for (const k of ['color-order', 'feature-order', 'fill-value', 'normalize-std', 'resize-interpolation']) assert.ok(codes.includes(k), `${k} in ${codes.join(', ')}`);
    const std = diags.find((d) => d.code === 'normalize-std')!;
    assert.equal(std.range.start.line, 21);
    assert.equal(std.severity, vscode.DiagnosticSeverity.Error);
    assert.match(std.message, /0\.5.*0\.229/);
    assert.ok(std.relatedInformation?.some((r) => r.location.uri.path.endsWith('/training/preprocess.py') && r.location.range.start.line === 34));
  });

  it('provides CodeLenses that name the training value and open the training side', async () => {
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', app(), 100);
    const std = lenses.find((l) => l.command?.title.includes('Normalize std'));
    assert.ok(std, `lenses: ${lenses.map((l) => l.command?.title).join(' | ')}`);
    assert.match(std.command!.title, /0\.229, 0\.224, 0\.225.*preprocess\.py:35/);
    assert.equal(std.command!.command, 'mlPreflight.skew.openLocation');
    await vscode.commands.executeCommand(std.command!.command, ...(std.command!.arguments ?? []));
    await waitFor('preprocess.py active', () => (vscode.window.activeTextEditor?.document.uri.path.endsWith('/training/preprocess.py') ? true : undefined));
    assert.equal(vscode.window.activeTextEditor!.selection.active.line, 34);
    const training = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', workspaceFile('training', 'preprocess.py'), 100);
    assert.ok(training.some((l) => /Serving differs/.test(l.command?.title ?? '')));
  });

  it('applies the quick fix and the diagnostic goes away', async () => {
    const doc = await vscode.workspace.openTextDocument(app());
    await vscode.window.showTextDocument(doc);
    const std = ours(app()).find((d) => d.code === 'normalize-std');
    assert.ok(std);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', app(), std.range, vscode.CodeActionKind.QuickFix.value);
    const fix = actions.find((a) => a.title.includes('0.229'));
    assert.ok(fix?.edit, `actions: ${actions.map((a) => a.title).join(' | ')}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.match(doc.lineAt(21).text, /STD = np\.array\(\[0\.229, 0\.224, 0\.225\]/);
    await doc.save();
    await waitFor('the normalize-std diagnostic to go away', () => (ours(app()).some((d) => d.code === 'normalize-std') ? undefined : true));
    assert.ok(ours(app()).some((d) => d.code === 'color-order'), 'other findings stay');
  });

  it('re-analyses unsaved edits after the debounce', async () => {
    const doc = await vscode.workspace.openTextDocument(app());
    const editor = await vscode.window.showTextDocument(doc);
    const line = doc.lineAt(21);
    const at = line.text.indexOf('0.229, 0.224, 0.225');
    assert.ok(at > 0);
    await editor.edit((e) => e.replace(new vscode.Range(21, at, 21, at + '0.229, 0.224, 0.225'.length), '0.25, 0.25, 0.25'));
    assert.ok(doc.isDirty);
    const std = await waitFor('a normalize-std diagnostic for the unsaved edit', () => ours(app()).find((d) => d.code === 'normalize-std' && d.message.includes('0.25')));
    assert.equal(std.range.start.line, 21);
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await waitFor('the diagnostic to go after the revert', () => (ours(app()).some((d) => d.code === 'normalize-std') ? undefined : true));
  });

  describe('a value read from a TorchServe model-config.yaml', () => {
    const dir = (): vscode.Uri => workspaceFile('textclf');
    const yaml = (): vscode.Uri => workspaceFile('textclf', 'serve', 'model-config.yaml');
    const write = (uri: vscode.Uri, text: string): Thenable<void> => vscode.workspace.fs.writeFile(uri, Buffer.from(text));
    before(async () => {
      await write(workspaceFile('textclf', 'train.py'), 'from transformers import AutoTokenizer\ntok = AutoTokenizer.from_pretrained("bert-base-cased")\n\ndef enc(b):\n    return tok(b["text"], truncation=True)\n');
      await write(workspaceFile('textclf', 'serve', 'handler.py'), [
        'from transformers import AutoTokenizer',
        'from ts.torch_handler.base_handler import BaseHandler',
        '',
        'class Handler(BaseHandler):',
        '    def initialize(self, ctx):',
        '        self.cfg = ctx.model_yaml_config.get("handler", {})',
        '        self.tokenizer = AutoTokenizer.from_pretrained(self.cfg["model_name"], do_lower_case=self.cfg["do_lower_case"])',
        '',
        '    def preprocess(self, text):',
        '        return self.tokenizer(text, truncation=True, max_length=self.cfg["max_length"], return_tensors="pt")',
        '',
      ].join('\n'));
      await write(yaml(), 'handler:\n  model_name: bert-base-cased\n  do_lower_case: true\n  max_length: 128\n');
      await vscode.commands.executeCommand('mlPreflight.skew.refresh');
    });
    after(async () => {
      await vscode.workspace.fs.delete(dir(), { recursive: true, useTrash: false });
      await vscode.commands.executeCommand('mlPreflight.skew.refresh');
    });

    it('puts the diagnostic and the CodeLens on the YAML line that sets it', async () => {
      const diags = await waitFor('skew diagnostics on model-config.yaml', () => {
        const d = ours(yaml());
        return d.some((x) => x.code === 'max-length') && d.some((x) => x.code === 'lowercase') ? d : undefined;
      });
      assert.equal(diags.find((d) => d.code === 'max-length')!.range.start.line, 3);
      assert.equal(diags.find((d) => d.code === 'lowercase')!.range.start.line, 2);
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(yaml()));
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', yaml(), 100);
      const ml = lenses.find((l) => /max_length/.test(l.command?.title ?? ''));
      assert.ok(ml, `lenses: ${lenses.map((l) => l.command?.title).join(' | ')}`);
      assert.equal(ml.range.start.line, 3);
      assert.match(ml.command!.title, /128.*512.*textclf\/train\.py:5|128.*512/);
    });
  });
});
