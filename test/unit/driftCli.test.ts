/** `ml-preflight drift` in-process: JSON shape, exit codes, HTML file, overrides, bad input. */
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCliCaptured } from '../support/cli';

const root = path.join(__dirname, '..', '..');

async function run(args: string[], cwd = root): Promise<{ code: number; out: string; err: string }> {
  const r = await runCliCaptured(['drift', ...args], cwd);
  return { code: r.code, out: r.stdout, err: r.stderr };
}

describe('ml-preflight drift', () => {
  it('--json prints the documented fields; the example data drifts in age, income and country', async () => {
    const r = await run(['examples/data/reference.csv', 'examples/data/current.csv', '--json']);
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    assert.deepEqual(j.rows, { reference: 800, current: 800 });
    assert.equal(typeof j.datasetDrift, 'boolean');
    assert.equal(typeof j.shareDrifted, 'number');
    for (const c of j.columns) {
      for (const key of ['name', 'type', 'method', 'statistic', 'pValue', 'threshold', 'drifted', 'ks', 'wassersteinNormed', 'psi', 'jsDistance', 'missing']) assert.ok(key in c, `${c.name} has ${key}`);
      assert.deepEqual(Object.keys(c.missing).sort(), ['current', 'reference']);
    }
    const drifted = j.columns.filter((c: { drifted: boolean }) => c.drifted).map((c: { name: string }) => c.name);
    assert.deepEqual(drifted, ['age', 'income', 'country']);
    const country = j.columns.find((c: { name: string }) => c.name === 'country');
    assert.equal(country.ks, null);
    assert.equal(country.wassersteinNormed, null);
    assert.deepEqual(country.newCategories, ['BR']);
  });

  it('--fail-on-drift exits 1 when the dataset drifted; --drift-share sets the bar', async () => {
    const args = ['examples/data/reference.csv', 'examples/data/current.csv'];
    assert.equal((await run([...args, '--fail-on-drift'])).code, 0);
    const r = await run([...args, '--fail-on-drift', '--drift-share', '0.4']);
    assert.equal(r.code, 1);
    assert.match(r.out, /Dataset drift: 3 of 7 columns drifted/);
  });

  it('--columns, --method and --threshold apply per column', async () => {
    const r = await run(['examples/data/reference.csv', 'examples/data/current.csv', '--json', '--columns', 'age,device', '--method', 'age=psi', '--threshold', 'age=5']);
    const j = JSON.parse(r.out);
    assert.deepEqual(j.columns.map((c: { name: string }) => c.name), ['age', 'device']);
    assert.equal(j.columns[0].method, 'psi');
    assert.equal(j.columns[0].threshold, 5);
    assert.equal(j.columns[0].drifted, false);
  });

  it('--html writes one self-contained file; replaces its own report, never a user file without --force', async () => {
    const tmp = mkdtempSync(path.join(tmpdir(), 'mlp-drift-'));
    const html = path.join(tmp, 'report.html');
    const args = [path.join(root, 'examples/data/reference.csv'), path.join(root, 'examples/data/current.csv'), '--html'];
    const r = await run([...args, html], tmp);
    assert.equal(r.code, 0, r.err);
    const text = readFileSync(html, 'utf8');
    assert.match(text, /<svg/);
    assert.ok(!/(src|href)=["']?https?:/i.test(text));
    // Our own earlier report is replaced (re-running a command works).
    assert.equal((await run([...args, html], tmp)).code, 0);
    // A file ML Preflight did not write is kept, byte for byte, unless --force.
    const notes = path.join(tmp, 'notes.html');
    writeFileSync(notes, '<p>my notes</p>');
    const refused = await run([...args, notes], tmp);
    assert.equal(refused.code, 2);
    assert.match(refused.err, /notes\.html exists and was not written by ML Preflight; pass --force/);
    assert.equal(readFileSync(notes, 'utf8'), '<p>my notes</p>');
    assert.equal((await run([...args, notes, '--force'], tmp)).code, 0);
    assert.match(readFileSync(notes, 'utf8'), /<svg/);
  });

  it('reads the workspace config file .mlpreflight/drift.json', async () => {
    const tmp = mkdtempSync(path.join(tmpdir(), 'mlp-drift-'));
    writeFileSync(path.join(tmp, 'r.csv'), 'a,b\n1,x\n2,y\n3,x\n');
    writeFileSync(path.join(tmp, 'c.csv'), 'a,b\n1,x\n2,y\n3,y\n');
    const cfgDir = path.join(tmp, '.mlpreflight');
    mkdirSync(cfgDir);
    writeFileSync(path.join(cfgDir, 'drift.json'), JSON.stringify({ columns: { a: { type: 'categorical' } } }));
    const j = JSON.parse((await run(['r.csv', 'c.csv', '--json'], tmp)).out);
    assert.equal(j.columns[0].type, 'categorical');
    writeFileSync(path.join(cfgDir, 'drift.json'), '{"colums": {}}');
    const bad = await run(['r.csv', 'c.csv'], tmp);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /drift\.json: unknown key "colums"/);
    assert.ok(existsSync(path.join(cfgDir, 'drift.json')));
  });

  it('bad input exits 2 with one line naming the file', async () => {
    const r = await run(['test/fixtures/drift/malformed.csv', 'examples/data/current.csv']);
    assert.equal(r.code, 2);
    assert.equal(r.err.trim().split('\n').length, 1);
    assert.match(r.err, /malformed\.csv: malformed: line 4/);
    const m = await run(['test/fixtures/drift/other-schema.csv', 'examples/data/current.csv']);
    assert.equal(m.code, 2);
    assert.match(m.err, /schema-mismatch/);
    assert.equal((await run(['only-one.csv'])).code, 2);
    assert.equal((await run(['a.csv', 'b.csv', '--method', 'a=nope'])).code, 2);
  });

  it('help', async () => {
    const r = await run(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.out, /--fail-on-drift/);
  });
});
