/**
 * Issue 11, classes 2–4 and 7: special files, escaping paths, redirected writes. The read/write rules of
 * src/core/safeFs.ts directly, then every capability that reads or writes workspace files, over the hostile
 * workspace corpus of test/support/hostileCorpus.ts (fixed seed).
 */
import * as assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { readNaMarks, setNaMark } from '../../src/core/checklist/naStore';
import { loadSources } from '../../src/core/checklist/sources';
import { planFiles, writePlan } from '../../src/core/emit/plan';
import { parseJsonBounded } from '../../src/core/jsonSafe';
import { ProfileError } from '../../src/core/profile/errors';
import { planInputs } from '../../src/core/profile/plan';
import { safeWorkspaceRelative } from '../../src/core/paths';
import { isOwnReport, stampReport } from '../../src/core/reportStamp';
import { copyFileAtomic, readRegularFile, readRegularFileSync, resolveInsideSync, SafeFsError, writeFileAtomic } from '../../src/core/safeFs';
import { discoverPairs } from '../../src/core/skew/pairing';
import { runCliCaptured } from '../support/cli';
import { makeHostileWorkspace, mkfifo, OUTSIDE_CANARY, rng, SECRET_TOKEN, TRAP_KINDS } from '../support/hostileCorpus';

const SEED = 0x11;

describe('hostile files: the read rule (safeFs)', function () {
  this.timeout(20_000);
  let tmp: string;
  let hasFifo = false;
  before(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'mlp-hostile-read-'));
    mkdirSync(path.join(tmp, 'ws'));
    writeFileSync(path.join(tmp, 'ws', 'ok.json'), '{"a":1}');
    writeFileSync(path.join(tmp, 'secret.txt'), SECRET_TOKEN);
    symlinkSync('/dev/zero', path.join(tmp, 'ws', 'zero.json'));
    symlinkSync(path.join(tmp, 'secret.txt'), path.join(tmp, 'ws', 'leak.json'));
    symlinkSync('ok.json', path.join(tmp, 'ws', 'inside-link.json'));
    mkdirSync(path.join(tmp, 'ws', 'dir.json'));
    hasFifo = mkfifo(path.join(tmp, 'ws', 'fifo.json'));
  });
  after(async () => rm(tmp, { recursive: true, force: true }));

  const ws = (f: string) => path.join(tmp, 'ws', f);
  const refused = async (file: string, reason: SafeFsError['reason'], text: RegExp, root?: string) => {
    await assert.rejects(readRegularFile(file, { root }), (ex: unknown) => SafeFsError.is(ex, reason) && text.test((ex as Error).message));
    assert.throws(() => readRegularFileSync(file, { root }), (ex: unknown) => SafeFsError.is(ex, reason) && text.test((ex as Error).message));
  };

  it('reads a regular file, and a symlink that stays inside the workspace', async () => {
    assert.equal((await readRegularFile(ws('ok.json'), { root: path.join(tmp, 'ws') })).toString(), '{"a":1}');
    assert.equal(readRegularFileSync(ws('inside-link.json'), { root: path.join(tmp, 'ws') }).toString(), '{"a":1}');
  });

  it('refuses a symlink to /dev/zero as a character device (never reads it)', () => refused(ws('zero.json'), 'not-a-file', /is a character device/));

  it('refuses a FIFO as a FIFO, without hanging', async function () {
    if (!hasFifo) this.skip();
    await refused(ws('fifo.json'), 'not-a-file', /is a FIFO/);
  });

  it('refuses a folder as a folder', () => refused(ws('dir.json'), 'not-a-file', /is a folder/));

  it('refuses a symlink out of the workspace by realpath, and a lexical escape', async () => {
    await refused(ws('leak.json'), 'outside', /outside the workspace/, path.join(tmp, 'ws'));
    await refused(path.join(tmp, 'ws', '..', 'secret.txt'), 'outside', /outside the workspace/, path.join(tmp, 'ws'));
  });

  it('refuses a file over the size limit', async () => {
    await assert.rejects(readRegularFile(ws('ok.json'), { maxBytes: 3 }), (ex: unknown) => SafeFsError.is(ex, 'too-large'));
  });

  it('resolveInsideSync: configured paths must stay inside (lexically and through symlinks)', () => {
    const root = path.join(tmp, 'ws');
    assert.equal(resolveInsideSync(root, 'ok.json'), ws('ok.json'));
    assert.equal(resolveInsideSync(root, 'not/yet/there.py'), ws('not/yet/there.py'));
    for (const p of ['../secret.txt', '/etc/passwd', 'leak.json']) assert.throws(() => resolveInsideSync(root, p), (ex: unknown) => SafeFsError.is(ex, 'outside'), p);
  });

  it('JSON nested 100,000 deep is refused with a message (not a stack overflow later)', () => {
    assert.throws(() => parseJsonBounded('['.repeat(100_000) + ']'.repeat(100_000)), /nested more than 256 levels/);
    assert.deepEqual(parseJsonBounded('{"a":[1,{"b":"[[["}]}'), { a: [1, { b: '[[[' }] });
  });

  it('safeWorkspaceRelative keeps clean relative paths and refuses URIs, absolute outside paths and ..', () => {
    const root = path.join(tmp, 'ws');
    assert.equal(safeWorkspaceRelative(root, 'serve/app.py'), 'serve/app.py');
    assert.equal(safeWorkspaceRelative(root, './serve\\app.py'), 'serve/app.py');
    assert.equal(safeWorkspaceRelative(root, path.join(root, 'a', 'b.py')), 'a/b.py');
    for (const p of ['javascript:alert(1)', 'https://evil.example/x', '/etc/passwd', '../../x', 'a/../../x', 'file:///etc/passwd', 'C:\\x', '\\\\host\\share', 'a\nb', '']) {
      assert.equal(safeWorkspaceRelative(root, p), undefined, JSON.stringify(p));
    }
  });
});

describe('hostile files: the write rule (safeFs)', function () {
  this.timeout(20_000);
  let tmp: string;
  before(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'mlp-hostile-write-'));
  });
  after(async () => rm(tmp, { recursive: true, force: true }));

  it('writes atomically: the content lands, no temp file is left, an existing mode is kept', async () => {
    const dir = path.join(tmp, 'a');
    await writeFileAtomic(path.join(dir, 'x.txt'), 'one');
    await writeFileAtomic(path.join(dir, 'x.txt'), 'two');
    assert.equal(readFileSync(path.join(dir, 'x.txt'), 'utf8'), 'two');
    assert.deepEqual(readdirSync(dir), ['x.txt']);
  });

  it('never writes through a symlink at the destination, nor over a FIFO or folder', async () => {
    const dir = path.join(tmp, 'b');
    mkdirSync(dir);
    const outside = path.join(tmp, 'outside.txt');
    writeFileSync(outside, OUTSIDE_CANARY);
    symlinkSync(outside, path.join(dir, 'report.html'));
    await assert.rejects(writeFileAtomic(path.join(dir, 'report.html'), 'x'), /is a symlink; refusing/);
    mkdirSync(path.join(dir, 'folder'));
    await assert.rejects(writeFileAtomic(path.join(dir, 'folder'), 'x'), /is a folder/);
    if (mkfifo(path.join(dir, 'fifo'))) await assert.rejects(writeFileAtomic(path.join(dir, 'fifo'), 'x'), /is a FIFO/);
    assert.equal(readFileSync(outside, 'utf8'), OUTSIDE_CANARY);
    assert.ok(lstatSync(path.join(dir, 'report.html')).isSymbolicLink());
  });

  it('temp-file races: links planted at every predictable temp name do not redirect the write', async () => {
    const dir = path.join(tmp, 'c');
    mkdirSync(dir);
    const outside = path.join(tmp, 'canary2.txt');
    writeFileSync(outside, OUTSIDE_CANARY);
    for (const name of [`out.txt.mlp-${process.pid}.tmp`, `out.txt.${process.pid}.tmp`, '.out.txt.tmp']) symlinkSync(outside, path.join(dir, name));
    await writeFileAtomic(path.join(dir, 'out.txt'), 'mine');
    await copyFileAtomic(path.join(dir, 'out.txt'), path.join(dir, 'copy.txt'));
    assert.equal(readFileSync(path.join(dir, 'copy.txt'), 'utf8'), 'mine');
    assert.equal(readFileSync(outside, 'utf8'), OUTSIDE_CANARY);
  });

  it('with a root, a folder that resolves outside it is refused', async () => {
    const root = path.join(tmp, 'd');
    mkdirSync(root);
    mkdirSync(path.join(tmp, 'elsewhere'));
    symlinkSync(path.join(tmp, 'elsewhere'), path.join(root, '.mlpreflight'));
    await assert.rejects(writeFileAtomic(path.join(root, '.mlpreflight', 'checklist.json'), '{}', { root }), (ex: unknown) => SafeFsError.is(ex, 'outside'));
    assert.deepEqual(readdirSync(path.join(tmp, 'elsewhere')), []);
  });

  it('a FIFO as the file to copy is refused, not read forever', async function () {
    if (!mkfifo(path.join(tmp, 'model.fifo'))) this.skip();
    await assert.rejects(copyFileAtomic(path.join(tmp, 'model.fifo'), path.join(tmp, 'copied.onnx')), /is a FIFO/);
  });

  it('emit: a symlink planted in --out after the plan (or at the old temp name) cannot redirect a file', async () => {
    const out = path.join(tmp, 'emit-out');
    const outside = path.join(tmp, 'canary3.txt');
    writeFileSync(outside, OUTSIDE_CANARY);
    const plan = await planFiles(out, [{ path: 'm/config.pbtxt', content: 'name: "m"\n', description: 'x' }, { path: 'Dockerfile', content: 'FROM x\n', description: 'y' }]);
    mkdirSync(path.join(out, 'm'), { recursive: true });
    symlinkSync(outside, path.join(out, `Dockerfile.mlp-${process.pid}.tmp`));
    symlinkSync(outside, path.join(out, 'm', 'config.pbtxt'));
    await assert.rejects(writePlan(plan), /config\.pbtxt.*symlink/);
    assert.equal(readFileSync(outside, 'utf8'), OUTSIDE_CANARY);
  });

  it('report ownership: only a report whose stamp matches its content is ours', () => {
    const report = stampReport('<html><head><meta name="generator" content="ml-preflight-report"></head><body>x</body></html>');
    assert.match(report, /ml-preflight-report;sha256=[0-9a-f]{64}"/);
    assert.ok(isOwnReport(report));
    assert.ok(!isOwnReport(report.replace('<body>x', '<body>my edit')));
    assert.ok(!isOwnReport('my notes mention ml-preflight-report" in the first line'));
  });
});

describe('hostile workspaces: every capability over the corpus', function () {
  this.timeout(120_000);
  let tmp: string;
  before(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'mlp-hostile-ws-'));
  });
  after(async () => rm(tmp, { recursive: true, force: true }));

  it('one workspace per trap: checklist/review/skew end with exit 0–2, never read outside, never write outside', async () => {
    const next = rng(SEED);
    const outcomes: string[] = [];
    for (const kind of TRAP_KINDS) {
      const base = path.join(tmp, kind);
      const w = makeHostileWorkspace(base, next, [kind]);
      for (const args of [['checklist', w.root, '--json'], ['review', w.root, '--sarif', path.join(base, 'r.sarif'), '--html', path.join(base, 'r.html'), '--fail-on', 'never'], ['skew', '--workspace', w.root, '--json']]) {
        const started = Date.now();
        const r = await runCliCaptured(args, base);
        const label = `${kind}: ${args[0]}`;
        outcomes.push(`${label}: ${r.code}`);
        assert.ok(r.code >= 0 && r.code <= 2, `${label}: exit ${r.code}\n${r.stderr}`);
        assert.ok(Date.now() - started < 30_000, `${label}: took ${Date.now() - started} ms`);
        assert.ok(!r.stderr.includes('internal error'), `${label}: ${r.stderr}`);
        assert.equal(r.stderr.split('\n').filter(Boolean).every((l) => !l.includes('\u001b')), true, `${label}: raw ESC on stderr`);
        for (const text of [r.stdout, r.stderr, ...['r.sarif', 'r.html'].map((f) => (existsSync(path.join(base, f)) ? readFileSync(path.join(base, f), 'utf8') : ''))]) {
          assert.ok(!text.includes(SECRET_TOKEN), `${label}: the output holds a secret from outside the workspace`);
        }
        for (const c of w.canaries) assert.equal(readFileSync(c, 'utf8'), OUTSIDE_CANARY, `${label}: an outside file changed`);
      }
      if (kind.startsWith('skew-json') || kind.startsWith('skew-pairs')) {
        const r = outcomes.at(-1)!;
        assert.match(r, /: 2$/, `${kind}: a refused skew config is bad input`);
      }
    }
  });

  it('SARIF artifactLocation.uri only from paths resolved inside the reviewed folder', async () => {
    const base = path.join(tmp, 'sarif');
    const w = makeHostileWorkspace(base, rng(SEED), ['skew-report-uris']);
    const r = await runCliCaptured(['review', w.root, '--sarif', path.join(base, 'out.sarif'), '--fail-on', 'never'], base);
    assert.equal(r.code, 0, r.stderr);
    const sarif = JSON.parse(readFileSync(path.join(base, 'out.sarif'), 'utf8')) as { runs: Array<{ results: Array<{ locations?: Array<{ physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } } }> }> }> };
    const uris = sarif.runs[0]!.results.flatMap((x) => x.locations ?? []).map((l) => l.physicalLocation.artifactLocation.uri);
    for (const u of uris) {
      assert.ok(!/^[a-z][a-z0-9+.-]*:/i.test(u) && !u.startsWith('/') && !u.split('/').includes('..') && !/%0a|\n/i.test(u), `unsafe uri ${u}`);
    }
    for (const l of sarif.runs[0]!.results.flatMap((x) => x.locations ?? [])) if (l.physicalLocation.region) assert.ok(Number.isSafeInteger(l.physicalLocation.region.startLine) && l.physicalLocation.region.startLine >= 1);
  });

  it('skew pairs naming ../ or absolute paths are refused with a message; settings pairs too', () => {
    const base = path.join(tmp, 'pairs');
    const w = makeHostileWorkspace(base, rng(SEED), ['skew-pairs-escape']);
    assert.throws(() => discoverPairs(w.root), /pairs\[0\]\.training: '\.\.\/outside\/\*\.py' .*outside the workspace/);
    const plain = makeHostileWorkspace(path.join(tmp, 'pairs2'), rng(SEED), []);
    assert.throws(() => discoverPairs(plain.root, { settingsPairs: [{ training: ['/etc/passwd'], serving: ['serve/app.py'] }] }), /setting mlPreflight\.skew\.pairs: pairs\[0\]\.training: '\/etc\/passwd' is outside/);
    assert.throws(() => discoverPairs(plain.root, { settingsPairs: [{ training: ['train/train.py'], serving: ['serve/app.py'], model: '../../m.onnx' }] }), /pairs\[0\]\.model/);
  });

  it('n/a marks: /dev/zero and FIFOs are refused with a warning; a symlinked .mlpreflight or a planted temp link never redirects the write', async () => {
    const zero = makeHostileWorkspace(path.join(tmp, 'na1'), rng(SEED), ['checklist-json-dev-zero']);
    assert.match((await readNaMarks(zero.root)).warning ?? '', /unreadable \(resolves through a symlink to \/dev\/zero, outside the workspace/);
    const planted = makeHostileWorkspace(path.join(tmp, 'na2'), rng(SEED), ['checklist-tmp-symlink']);
    await setNaMark(planted.root, 'security.auth', { reason: 'internal' });
    assert.equal(readFileSync(planted.canaries[0]!, 'utf8'), OUTSIDE_CANARY);
    assert.equal((await readNaMarks(planted.root)).marks['security.auth']?.reason, 'internal');
    const linked = makeHostileWorkspace(path.join(tmp, 'na3'), rng(SEED), ['mlpreflight-dir-symlink']);
    await assert.rejects(setNaMark(linked.root, 'security.auth', { reason: 'x' }), /outside/);
    assert.ok(!JSON.stringify(await readNaMarks(linked.root)).includes(SECRET_TOKEN));
  });

  it('saved results: symlinks out, /dev/zero, deep and absurd JSON become warnings, never data', async () => {
    const w = makeHostileWorkspace(path.join(tmp, 'src'), rng(SEED), ['profile-symlink-outside', 'profile-dev-zero', 'profile-deep-json', 'drift-json-fifo']);
    const sources = await loadSources(w.root);
    assert.ok(!JSON.stringify(sources).includes(SECRET_TOKEN));
    // Symlinks and FIFOs in the result folders are not even listed; the deep file is named with the reason.
    assert.deepEqual(sources.profiles, []);
    assert.match(sources.warnings.join('\n'), /profiles\/deep\.json: not valid JSON \(nested more than 256 levels/);
    // A saved result linked from elsewhere is refused by realpath when read directly.
    await assert.rejects(readRegularFile(path.join(w.root, '.mlpreflight', 'profiles', 'leak.json'), { root: w.root }), /outside the workspace/);
  });

  it('CLI: a FIFO as --training says "is a FIFO"; a FIFO as --html is refused at once; --html X --sarif X is a usage error', async function () {
    const base = path.join(tmp, 'cli');
    const w = makeHostileWorkspace(base, rng(SEED), []);
    if (!mkfifo(path.join(base, 'pipe'))) this.skip();
    const skew = await runCliCaptured(['skew', '--training', 'pipe', '--serving', path.join(w.root, 'serve', 'app.py')], base);
    assert.equal(skew.code, 2);
    assert.match(skew.stderr, /pipe: not-a-file: is a FIFO/);
    const html = await runCliCaptured(['review', w.root, '--html', 'pipe'], base);
    assert.equal(html.code, 2);
    assert.match(html.stderr, /pipe is a FIFO \(named pipe\), not a regular file/);
    const same = await runCliCaptured(['review', w.root, '--html', 'same.out', '--sarif', './same.out'], base);
    assert.equal(same.code, 2);
    assert.match(same.stderr, /--sarif and --html name the same file/);
    assert.ok(!existsSync(path.join(base, 'same.out')));
    // A user file that merely contains the mark in its first 4 KiB is not ours.
    writeFileSync(path.join(base, 'notes.html'), '<!-- ml-preflight-report" --> my notes');
    const notOurs = await runCliCaptured(['review', w.root, '--html', 'notes.html', '--fail-on', 'never'], base);
    assert.equal(notOurs.code, 2);
    assert.equal(readFileSync(path.join(base, 'notes.html'), 'utf8'), '<!-- ml-preflight-report" --> my notes');
  });

  it('CLI: emit --out that is a file or under /proc, a fixed dim ≥ 2^31 in profile: exit 2 with one line', async () => {
    const base = path.join(tmp, 'emit');
    mkdirSync(base, { recursive: true });
    writeFileSync(path.join(base, 'afile'), 'x');
    const model = path.resolve(__dirname, '..', '..', 'examples', 'models', 'classifier.onnx');
    for (const out of ['afile', '/proc/self/mlp-x']) {
      const r = await runCliCaptured(['emit', 'triton', '--model', model, '--out', out], base);
      assert.equal(r.code, 2, `${out}: ${r.stderr}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
    writeFileSync(path.join(base, 'absurd.json'), JSON.stringify({ p50Ms: 1, p99Ms: 2, peakRssBytes: 1e300 }));
    const absurd = await runCliCaptured(['emit', 'k8s', '--model', model, '--out', 'o', '--profile', 'absurd.json'], base);
    assert.equal(absurd.code, 2, absurd.stderr);
    assert.match(absurd.stderr, /absurd\.json: bad-option: peakRssBytes 1e\+300 is not a plausible measurement/);
    // profile: the input plan refuses a 2^31 fixed dim before any worker allocates it (ProfileError → exit 2).
    assert.throws(() => planInputs([{ name: 'x', dtype: 'float32', shape: [2 ** 31, 1] }], [1]), (ex: unknown) => ProfileError.is(ex, 'bad-shape') && /more than 2\^31 elements/.test((ex as Error).message));
    const sweep = planInputs([{ name: 'x', dtype: 'float32', shape: ['batch', 4096, 4096] }], [1, 2, 64]);
    assert.deepEqual(sweep.batches.map((b) => b.batch), [1, 2]);
    assert.ok(sweep.notes.some((n) => /batch 64 skipped: inputs over 2\.0 GiB/.test(n)));
  });

  it('CLI: a one-line error stays one line when a name holds newlines and ESC', async () => {
    const base = path.join(tmp, 'term');
    mkdirSync(base, { recursive: true });
    const r = await runCliCaptured(['inspect', 'no\nsuch\u001b[2J.onnx'], base);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
    assert.ok(!r.stderr.includes('\u001b'));
    assert.match(r.stderr, /no\\nsuch\\x1b\[2J\.onnx/);
  });
});
