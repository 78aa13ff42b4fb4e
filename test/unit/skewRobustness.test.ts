/** Bad input never crashes or hangs the skew analysis: syntax errors, non-UTF-8, huge, generated, binary `.py`. */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzePairs } from '../../src/core/skew/analyze';
import type { SkewReport } from '../../src/shared/skew';

const TRAIN = `from torchvision import transforms
tf = transforms.Compose([transforms.Resize((64, 64)), transforms.ToTensor(), transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])
`;

describe('skew: robustness', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-skew-'));
    fs.writeFileSync(path.join(dir, 'train.py'), TRAIN);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function run(serving: string | Buffer, name = 'serve.py', maxFileBytes?: number): Promise<SkewReport> {
    const file = path.join(dir, name);
    fs.writeFileSync(file, serving);
    return analyzePairs([{ training: [path.join(dir, 'train.py')], serving: [file], source: 'explicit' }], { root: dir, checkModel: false, maxFileBytes });
  }
  // Errors and warnings only: info-level "could not verify" notes are checked in skewPolicy.test.ts.
  const kinds = (r: SkewReport): string[] => r.pairs.flatMap((p) => p.findings.filter((f) => f.severity !== 'info').map((f) => f.kind)).sort();

  it('reports findings from the parts of a file that parse, with a syntax-error note', async () => {
    const r = await run(`from torchvision import transforms
def broken(:
    return (
tf = transforms.Compose([transforms.Resize((64, 64)), transforms.ToTensor(), transforms.Normalize([0.485, 0.456, 0.406], [0.5, 0.5, 0.5])])
`);
    assert.deepEqual(kinds(r), ['normalize-std']);
    assert.deepEqual(r.notes.map((n) => n.reason), ['syntax-error']);
    assert.match(r.notes[0].message, /serve\.py:\d+: syntax error/);
  });

  it('analyses a latin-1 file with a note instead of failing', async () => {
    const text = `# caf\xe9\nfrom torchvision import transforms\ntf = transforms.Compose([transforms.Resize((32, 32)), transforms.ToTensor(), transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])\n`;
    const r = await run(Buffer.from(text, 'latin1'));
    assert.deepEqual(kinds(r), ['resize-size']);
    assert.deepEqual(r.notes.map((n) => n.reason), ['not-utf8']);
  });

  it('skips a binary file named .py with a note', async () => {
    const bytes = Buffer.alloc(4096);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) % 256;
    const r = await run(bytes, 'model.py');
    assert.deepEqual(kinds(r), []);
    assert.deepEqual(r.notes.map((n) => [n.reason, path.basename(n.file)]), [['binary', 'model.py']]);
  });

  it('skips files over the size limit, and minified ones, with a note', async () => {
    const big = `X = [${'1, '.repeat(400_000)}]\n`;
    const r = await run(big, 'huge.py', 100_000);
    assert.deepEqual(r.notes.map((n) => n.reason), ['too-large']);
    assert.match(r.notes[0].message, /over the 100000-byte limit/);
    const r2 = await run(`X = [${'1,'.repeat(20_000)}]\n`, 'minified.py');
    assert.deepEqual(r2.notes.map((n) => n.reason), ['too-large']);
    assert.match(r2.notes[0].message, /generated or minified/);
  });

  it('terminates on self-referential and mutually recursive definitions', async () => {
    const r = await run(`from torchvision import transforms
A = B
B = A
def f(x=f): return f(x)
STD = STD
tf = transforms.Compose([transforms.Resize(A), transforms.Normalize(MEAN, STD)])
`);
    assert.ok(Array.isArray(r.pairs[0].findings));
  });

  it('terminates on import cycles between project modules', async () => {
    fs.writeFileSync(path.join(dir, 'cyc_a.py'), 'from cyc_b import SIZE\n');
    fs.writeFileSync(path.join(dir, 'cyc_b.py'), 'from cyc_a import SIZE\n');
    const r = await run('from cyc_a import SIZE\nfrom torchvision import transforms\ntf = transforms.Compose([transforms.Resize(SIZE), transforms.ToTensor(), transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])\n');
    assert.deepEqual(kinds(r), []);
  });

  it('handles deeply nested expressions', async () => {
    const r = await run(`X = ${'('.repeat(2000)}1${')'.repeat(2000)}\n`);
    assert.ok(r.pairs.length === 1);
  });

  it('reports an unreadable file as a note', async () => {
    const r = await analyzePairs([{ training: [path.join(dir, 'train.py')], serving: [path.join(dir, 'missing.py')], source: 'explicit' }], { checkModel: false });
    assert.deepEqual(r.notes.map((n) => n.reason), ['unreadable']);
  });

  it('stops when aborted', async () => {
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(analyzePairs([{ training: [path.join(dir, 'train.py')], serving: [path.join(dir, 'train.py')], source: 'explicit' }], { signal: ac.signal }), /aborted/);
  });
});

describe('skew: wasm memory', () => {
  it('survives garbage collection between many parses (cursors and trees are freed in order)', function () {
    this.timeout(60_000);
    // A child with --expose-gc: collect after every parse, so any object web-tree-sitter's finalizers would free
    // late (a cursor after its tree) is freed at once and corrupts the heap if the order is wrong.
    const src = (f: string): string => JSON.stringify(path.resolve(__dirname, '..', '..', 'src', 'core', 'skew', f));
    const script = `
      const { analyzeWorkspace } = require(${src('analyze.ts')});
      const { ModuleCache } = require(${src('project.ts')});
      (async () => {
        for (let i = 0; i < 40; i++) {
          const r = await analyzeWorkspace('examples', { cache: new ModuleCache(), checkModel: false });
          if (r.pairs[0].findings.length !== 8) throw new Error('run ' + i + ': ' + r.pairs[0].findings.length + ' findings');
          global.gc();
          await new Promise((resolve) => setTimeout(resolve, 0)); // let the finalizers run
        }
        console.log('ok');
      })().catch((e) => { console.error(String(e)); process.exit(1); });`;
    const r = spawnSync(process.execPath, ['--expose-gc', '--require', 'tsx/cjs', '-e', script], { encoding: 'utf8', cwd: path.resolve(__dirname, '..', '..') });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'ok');
  });
});
