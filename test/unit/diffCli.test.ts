/** `ml-preflight diff`: output formats, exit codes, escaping of model strings, and `--against <git-ref>`. */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { markdownCell } from '../../src/core/diff/markdown';
import type { ModelDiff } from '../../src/shared/modelDiff';
import { runCliCaptured } from '../support/cli';
import { DT, graph, model, node, tensor, tensorInfo } from '../support/onnxBuilder';

function classifier(opts: { input?: string; inputShape?: Array<number | string>; output?: string; metadata?: Record<string, string>; external?: boolean; weight?: number } = {}): Uint8Array {
  const input = opts.input ?? 'image';
  const output = opts.output ?? 'logits';
  const w = tensor('w', DT.FLOAT, [4], opts.external ? { external: { location: 'weights.bin', offset: 0, length: 16 } } : {});
  if (!opts.external && opts.weight !== undefined) w.rawData = new Uint8Array(new Float32Array([opts.weight, 0, 0, 0]).buffer);
  return model({
    graph: graph({
      nodes: [node('Mul', [input, 'w'], [output])],
      inputs: [tensorInfo(input, DT.FLOAT, opts.inputShape ?? ['batch', 4])],
      outputs: [tensorInfo(output, DT.FLOAT, ['batch', 4])],
      initializers: [w],
    }),
    metadata: opts.metadata ?? { author: 'tests' },
    modelVersion: 1,
  });
}

describe('ml-preflight diff', function () {
  this.timeout(30_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'mlp-diffcli-'));
    await writeFile(path.join(dir, 'a.onnx'), classifier());
    await writeFile(path.join(dir, 'renamed.onnx'), classifier({ input: 'pixels' }));
    await writeFile(path.join(dir, 'fixed.onnx'), classifier({ inputShape: [4, 4], output: 'logits' }));
    await writeFile(path.join(dir, 'wider.onnx'), classifier({ inputShape: ['batch', 'n'] }));
    await writeFile(path.join(dir, 'reweighted.onnx'), classifier({ weight: 0.25 }));
    await writeFile(path.join(dir, 'hostile.onnx'), classifier({ input: 'x|y`z\n\u001b[31mred', metadata: { 'preprocessing.mean': '<img src=x onerror=alert(1)> | `rm -rf`' } }));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('exit 1 with breaking changes, and the breaking change first', async () => {
    const r = await runCliCaptured(['diff', 'a.onnx', 'renamed.onnx'], dir);
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stdout.split('\n');
    assert.match(lines[1]!, /1 BREAKING change/);
    assert.match(r.stdout, /Contract changes\n {2}BREAKING {4}input-renamed: Input 'image' is gone and 'pixels' takes its place/);
  });

  it('exit 0 for compatible changes (unless --fail-on compatible), and for identical models', async () => {
    const c = await runCliCaptured(['diff', 'a.onnx', 'wider.onnx'], dir);
    assert.equal(c.code, 0, c.stdout);
    assert.match(c.stdout, /no breaking change: current clients keep working/);
    assert.equal((await runCliCaptured(['diff', 'a.onnx', 'wider.onnx', '--fail-on', 'compatible'], dir)).code, 1);
    assert.equal((await runCliCaptured(['diff', 'a.onnx', 'renamed.onnx', '--fail-on', 'never'], dir)).code, 0);
    const same = await runCliCaptured(['diff', 'a.onnx', 'a.onnx'], dir);
    assert.equal(same.code, 0);
    assert.match(same.stdout, /identical in everything compared/);
  });

  it('--json is the ModelDiff object; weights are compared unless --contract-only', async () => {
    const r = await runCliCaptured(['diff', 'a.onnx', 'reweighted.onnx', '--json'], dir);
    assert.equal(r.code, 0);
    const d = JSON.parse(r.stdout) as ModelDiff;
    assert.equal(d.version, 1);
    assert.equal(d.verdict, 'informational');
    assert.equal(d.initializers?.changed, 1);
    assert.equal(d.initializers?.tensors[0]?.name, 'w');
    assert.equal(d.initializers?.tensors[0]?.maxAbsDiff, 0.25);
    const c = JSON.parse((await runCliCaptured(['diff', 'a.onnx', 'reweighted.onnx', '--json', '--contract-only'], dir)).stdout) as ModelDiff;
    assert.equal(c.initializers, undefined);
  });

  it('--markdown: a table with the breaking change first', async () => {
    const r = await runCliCaptured(['diff', 'a.onnx', 'fixed.onnx', '--markdown'], dir);
    assert.equal(r.code, 1);
    const rows = r.stdout.split('\n').filter((l) => l.startsWith('| 🔴') || l.startsWith('| 🟢') || l.startsWith('| ℹ️'));
    assert.ok(rows.length >= 2);
    assert.match(rows[0]!, /^\| 🔴 breaking \| dim-dynamic-to-fixed \| image \(axis 0\)/);
  });

  it('escapes model strings for each format: terminal, Markdown, JSON', async () => {
    const t = await runCliCaptured(['diff', 'a.onnx', 'hostile.onnx'], dir);
    assert.ok(!t.stdout.includes('\u001b'), 'no raw ESC on the terminal');
    assert.match(t.stdout, /x\|y`z(⏎|\\n)\\x1b\[31mred/); // newline and ESC made visible by sanitizeForTerminal
    const m = await runCliCaptured(['diff', 'a.onnx', 'hostile.onnx', '--markdown'], dir);
    assert.ok(!m.stdout.includes('<img'), 'no raw HTML in Markdown');
    assert.ok(m.stdout.includes('&lt;img src=x onerror=alert(1)&gt;'));
    // Every row of the changes table keeps its 6 cells: escaped pipes do not split cells.
    const changeRows = m.stdout.split('\n').filter((l) => /^\| (🔴|🟢|ℹ️)/.test(l));
    assert.ok(changeRows.length >= 1);
    for (const line of changeRows) assert.equal(line.replace(/\\\|/g, '').split('|').length, 8, line);
    assert.ok(changeRows.some((l) => l.includes('x\\|y\\`z')), 'the hostile name is in a row, escaped');
    const j = JSON.parse((await runCliCaptured(['diff', 'a.onnx', 'hostile.onnx', '--json'], dir)).stdout) as ModelDiff;
    assert.ok(j.changes.some((c) => c.subject === 'x|y`z\n\u001b[31mred'), 'JSON carries the exact string');
  });

  it('markdownCell: pipes, backticks, newlines, HTML', () => {
    assert.equal(markdownCell('a|b'), 'a\\|b');
    assert.equal(markdownCell('`x`'), '\\`x\\`');
    assert.equal(markdownCell('a\nb\r\nc'), 'a b  c');
    assert.equal(markdownCell('<b>&'), '&lt;b&gt;&amp;');
    assert.equal(markdownCell('![x](http://e/x.png) *a* _b_ ~c~'), '!\\[x\\](http://e/x.png) \\*a\\* \\_b\\_ \\~c\\~');
  });

  it('bad input: exit 2 with one line naming the file', async () => {
    const r = await runCliCaptured(['diff', 'a.onnx', 'nope.onnx'], dir);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.match(r.stderr, /nope\.onnx: not-found/);
    assert.equal((await runCliCaptured(['diff', 'a.onnx'], dir)).code, 2);
    assert.equal((await runCliCaptured(['diff', 'a.onnx', 'a.onnx', '--fail-on', 'sometimes'], dir)).code, 2);
  });

  it('--help says exit 1 means breaking changes', async () => {
    const r = await runCliCaptured(['diff', '--help'], dir);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Exit codes: 0 no breaking change; 1 breaking changes/);
    assert.match((await runCliCaptured(['--help'], dir)).stdout, /diff <old\.onnx> <new\.onnx>/);
  });

  describe('--against <git-ref>', () => {
    let repo: string;
    const git = (...args: string[]): string => execFileSync('git', args, { cwd: repo, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' } });
    before(async () => {
      repo = path.join(dir, 'repo');
      await mkdir(path.join(repo, 'models'), { recursive: true });
      git('init', '-q', '-b', 'main');
      await writeFile(path.join(repo, 'models', 'm.onnx'), classifier({ external: true }));
      await writeFile(path.join(repo, 'models', 'weights.bin'), Buffer.alloc(16));
      await writeFile(path.join(repo, 'models', 'lfs.onnx'), 'version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n');
      git('add', '.');
      git('commit', '-q', '-m', 'v1');
      git('tag', 'v1');
      await writeFile(path.join(repo, 'models', 'm.onnx'), classifier({ input: 'pixels', external: true }));
      await writeFile(path.join(repo, 'models', 'new.onnx'), classifier());
      await writeFile(path.join(repo, 'models', 'lfs.onnx'), classifier());
    });

    it('reads the old model (and its external data) from git and finds the breaking change', async () => {
      const r = await runCliCaptured(['diff', 'models/m.onnx', '--against', 'v1', '--json'], repo);
      assert.equal(r.code, 1, r.stderr);
      const d = JSON.parse(r.stdout) as ModelDiff;
      assert.equal(d.old.label, 'models/m.onnx at v1');
      assert.deepEqual(d.changes.filter((c) => c.severity === 'breaking').map((c) => c.kind), ['input-renamed']);
      // The old model's weights.bin came out of git too: the weights were compared, not refused as missing.
      assert.equal(d.initializers?.unchanged, 1);
      assert.ok(!d.changes.some((c) => c.kind === 'external-data-missing'));
    });

    it('a Git LFS pointer at the ref: exit 2, says so', async () => {
      const r = await runCliCaptured(['diff', 'models/lfs.onnx', '--against', 'main'], repo);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /models\/lfs\.onnx at main: lfs-pointer: the blob is a Git LFS pointer \(oid sha256:4d7a214614ab…, 12345 bytes\)/);
      assert.equal(r.stderr.trim().split('\n').length, 1);
    });

    it('a file missing at the ref, a bad ref, a ref like an option: exit 2', async () => {
      const missing = await runCliCaptured(['diff', 'models/new.onnx', '--against', 'v1'], repo);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /models\/new\.onnx at v1: not-in-ref: no such file at that ref/);
      const bad = await runCliCaptured(['diff', 'models/m.onnx', '--against', 'no-such-branch'], repo);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /bad-ref: 'no-such-branch' is not a commit/);
      const opt = await runCliCaptured(['diff', 'models/m.onnx', '--against=--output=/tmp/x'], repo);
      assert.equal(opt.code, 2);
      assert.match(opt.stderr, /bad-ref: '--output=\/tmp\/x' starts with '-'/);
    });

    it('outside a repository: exit 2', async () => {
      const r = await runCliCaptured(['diff', 'a.onnx', '--against', 'HEAD'], dir);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /git: not inside a git repository/);
    });
  });
});
