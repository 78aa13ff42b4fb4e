/** `ml-preflight skew`: JSON shape, exit codes, one-line errors. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCliCaptured } from '../support/cli';

const ROOT = path.resolve(__dirname, '..', '..');

const cli = (args: string[], cwd = ROOT): ReturnType<typeof runCliCaptured> => runCliCaptured(args, cwd);

describe('ml-preflight skew', () => {
  it('--workspace --json: pairs and findings with paths relative to the workspace; exit 1', async () => {
    const r = await cli(['skew', '--workspace', 'examples', '--json']);
    assert.equal(r.code, 1, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.deepEqual(j.pairs, [{ training: ['training/preprocess.py', 'training/train.py'], serving: ['serving/app.py'], model: 'models/classifier.onnx', source: 'heuristic' }]);
    const std = j.findings.find((f: { kind: string }) => f.kind === 'normalize-std');
    assert.deepEqual(std.serving, { file: 'serving/app.py', line: 22, column: 16, endLine: 22, endColumn: 31 });
    assert.equal(std.training.file, 'training/preprocess.py');
    assert.equal(std.severity, 'error');
    for (const f of j.findings) {
      assert.equal(typeof f.message, 'string');
      assert.ok(f.training === null || typeof f.training.line === 'number');
      assert.ok(f.serving === null || typeof f.serving.line === 'number');
    }
    assert.deepEqual(j.notes, []);
  });

  it('--training/--serving: several files per side, a readable table', async () => {
    const r = await cli(['skew', '--training', 'examples/training/preprocess.py', 'examples/training/train.py', '--serving', 'examples/serving/app.py']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /training: examples\/training\/preprocess\.py, examples\/training\/train\.py/);
    assert.match(r.stdout, /model: {4}examples\/models\/classifier\.onnx/);
    assert.match(r.stdout, /normalize-std +examples\/serving\/app\.py:22 +examples\/training\/preprocess\.py:35/);
    assert.match(r.stdout, /8 findings in 1 pair/);
  });

  it('a suppressed finding is shown as suppressed (text and JSON) and does not fail the run', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-skew-sup-'));
    try {
      fs.writeFileSync(path.join(dir, 'train.py'), 'from transformers import AutoTokenizer\ntok = AutoTokenizer.from_pretrained("roberta-base")\n\ndef enc(t):\n    return tok(t, truncation=True, max_length=128)\n');
      fs.writeFileSync(path.join(dir, 'serve.py'), 'from transformers import AutoTokenizer\ntok = AutoTokenizer.from_pretrained("roberta-base")\n\ndef pre(t):\n    return tok(t, truncation=True, max_length=64)  # ml-preflight: ignore[max-length]\n');
      const j = await cli(['skew', '--training', 'train.py', '--serving', 'serve.py', '--json'], dir);
      assert.equal(j.code, 0, j.stderr);
      const ml = JSON.parse(j.stdout).findings.find((f: { kind: string }) => f.kind === 'max-length');
      assert.equal(ml.suppressed.kind, 'inSource');
      const t = await cli(['skew', '--training', 'train.py', '--serving', 'serve.py'], dir);
      assert.equal(t.code, 0);
      assert.match(t.stdout, /error \(suppressed\) +max-length/);
      // Without the comment the same finding fails the run.
      fs.writeFileSync(path.join(dir, 'serve.py'), fs.readFileSync(path.join(dir, 'serve.py'), 'utf8').replace('  # ml-preflight: ignore[max-length]', ''));
      assert.equal((await cli(['skew', '--training', 'train.py', '--serving', 'serve.py'], dir)).code, 1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exit 0 on a clean pair', async () => {
    const dir = path.join(ROOT, 'test', 'fixtures', 'skew', 'img_clean_compose_vs_numpy');
    const r = await cli(['skew', '--training', 'train.py', '--serving', 'serve.py'], dir);
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /no skew found/);
  });

  it('exit 2 with one line naming the file on bad input', async () => {
    let r = await cli(['skew', '--training', 'nope.py', '--serving', 'examples/serving/app.py']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'ml-preflight: skew: nope.py: not-found: no such file\n');
    r = await cli(['skew', '--training', 'examples/training/preprocess.py']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /give --training <files…> and --serving <files…>/);
    r = await cli(['skew', '--bogus']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown option --bogus \(see ml-preflight skew --help\)/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-skew-cli-'));
    try {
      fs.mkdirSync(path.join(dir, '.mlpreflight'));
      fs.writeFileSync(path.join(dir, '.mlpreflight', 'skew.json'), '[');
      r = await cli(['skew', '--workspace', dir]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /skew\.json: invalid-config: invalid JSON/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints its help', async () => {
    const r = await cli(['skew', '--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /--workspace <dir>/);
    assert.match((await cli(['--help'])).stdout, /skew --training/);
  });
});
