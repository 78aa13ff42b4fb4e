/**
 * The real-public-code skew corpus (test/fixtures/skew-real/) is well formed: every pair's labels.json follows the
 * corpus format, every labelled path is a sourced file with a pinned commit, blob and redistributable license, and
 * SOURCE.md names each file's repository, commit, path and license. Where the third-party files can be read (a
 * materialized copy, or the repository snapshot it is copied from), every labelled line exists and is not blank, and
 * the bytes are the pinned blob. It does not run the skew analyzer: scoring is the benchmark's job.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CORPUS_DIR,
  gitBlobId,
  listPairs,
  materialize,
  parseLocation,
  readPair,
  validatePairContent,
  validatePairMetadata,
  type RealPair,
} from '../../scripts/lib/skewRealCorpus';

describe('skew-real corpus', () => {
  const ids = listPairs();
  const pairs: RealPair[] = ids.map((id) => readPair(id));

  it('has at least 10 pairs, at least 4 clean and at least 4 with skews', () => {
    assert.ok(ids.length >= 10, `only ${ids.length} pairs`);
    const clean = pairs.filter((p) => p.labels.clean).length;
    assert.ok(clean >= 4, `${clean} clean pairs`);
    assert.ok(ids.length - clean >= 4, `${ids.length - clean} pairs with skews`);
  });

  it('README lists every pair in its table with its clean/skew count', () => {
    const readme = fs.readFileSync(path.join(CORPUS_DIR, 'README.md'), 'utf8');
    for (const p of pairs) {
      const row = readme.split('\n').find((l) => l.startsWith(`| \`${p.id}\``));
      assert.ok(row, `README.md has no table row for ${p.id}`);
      const verdict = p.labels.clean ? 'clean' : `${p.labels.skews.length} skew`;
      assert.ok(row.includes(verdict), `README.md row for ${p.id} does not say "${verdict}": ${row}`);
    }
  });

  for (const pair of pairs) {
    describe(pair.id, () => {
      it('labels.json, sources.json and SOURCE.md are well formed and consistent', () => {
        assert.deepEqual(validatePairMetadata(pair), []);
      });

      it('labelled lines exist in the pinned files (when the files can be read here)', function () {
        const { errors, unavailable } = validatePairContent(pair);
        assert.deepEqual(errors, []);
        if (unavailable.length) {
          // No copy and no snapshot on this machine (e.g. CI): the metadata checks above still ran.
          this.skip();
        }
      });
    });
  }

  describe('validators catch broken metadata', () => {
    const base = pairs.find((p) => !p.labels.clean) ?? pairs[0];
    const clone = (): RealPair => JSON.parse(JSON.stringify(base)) as RealPair;

    it('an unknown kind, a path outside sources.json and a bad line are reported', () => {
      const p = clone();
      p.labels.skews = [
        { id: 's1', kind: 'colour' as never, training: p.labels.training[0] + ':3', serving: 'nowhere.py:2', description: 'x'.repeat(30) },
        { id: 's1', kind: 'resize', training: p.labels.training[0], serving: p.labels.serving[0] + ':0', description: 'x'.repeat(30) },
      ];
      p.labels.clean = false;
      const errs = validatePairMetadata(p).join('\n');
      assert.match(errs, /kind "colour" is not a known kind/);
      assert.match(errs, /serving file nowhere\.py is not in sources\.json/);
      assert.match(errs, /id must be a unique s<N>/);
      assert.match(errs, /training ".*" is not path:line/);
      assert.match(errs, /serving ".*:0" is not path:line/);
    });

    it('a non-redistributable license, a short sha and a SOURCE.md without the repository are reported', () => {
      const p = clone();
      p.sources.files[0].license = 'AGPL-3.0-only';
      p.sources.files[0].commit = 'abc123';
      p.sourceMd = 'License: see upstream.';
      const errs = validatePairMetadata(p).join('\n');
      assert.match(errs, /license "AGPL-3\.0-only" is not one of/);
      assert.match(errs, /commit must be a full 40-hex sha/);
      assert.match(errs, new RegExp(`SOURCE\\.md: does not name "${base.sources.files[0].repo}"`));
    });

    it('a Debian-origin source must name package, version and upstream, and keep its local layout', () => {
      const withDeb = pairs.find((q) => q.sources.files.some((f) => f.origin === 'debian'));
      assert.ok(withDeb, 'the corpus has a pair with a Debian-origin file');
      const p = JSON.parse(JSON.stringify(withDeb)) as RealPair;
      const f = p.sources.files.find((x) => x.origin === 'debian')!;
      f.version = 'not a version!';
      f.upstream = 'vision';
      f.local = 'other/' + f.path;
      const errs = validatePairMetadata(p).join('\n');
      assert.match(errs, /version must be a Debian version/);
      assert.match(errs, /upstream must be owner\/name/);
      assert.match(errs, new RegExp(`local other/.* must be ${f.package}/`));
      // A git entry must not carry Debian fields, and vice versa.
      const g = JSON.parse(JSON.stringify(withDeb)) as RealPair;
      const gf = g.sources.files.find((x) => x.origin !== 'debian')!;
      (gf as unknown as Record<string, unknown>).package = 'python3-x';
      assert.match(validatePairMetadata(g).join('\n'), /keys are \[.*package.*\], expected/);
    });

    it('clean must agree with the skews list', () => {
      const p = clone();
      p.labels.clean = true;
      assert.match(validatePairMetadata(p).join('\n'), /clean pair has \d+ skews/);
    });

    it('a line past the end of a file, and a materialized copy that is not the pinned blob, are reported', () => {
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'skew-real-'));
      try {
        const p = clone();
        p.dir = tmp;
        const f = p.sources.files[0];
        const bytes = Buffer.from('line one\nline two\n');
        f.blob = gitBlobId(bytes);
        fs.mkdirSync(path.dirname(path.join(tmp, f.local)), { recursive: true });
        fs.writeFileSync(path.join(tmp, f.local), bytes);
        p.sources.files = [f];
        p.labels.skews = [{ id: 's1', kind: 'resize', training: `${f.local}:9`, serving: `${f.local}:3`, description: 'x'.repeat(30) }];
        const { errors } = validatePairContent(p, path.join(tmp, 'no-mirror'));
        assert.match(errors.join('\n'), /s1 training .*:9 is past the end \(3 lines\)/);
        assert.match(errors.join('\n'), /s1 serving .*:3 points at a blank line/);
        fs.writeFileSync(path.join(tmp, f.local), 'changed\n');
        assert.throws(() => validatePairContent(p, path.join(tmp, 'no-mirror')), /is not the pinned/);
      } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
      }
    });
  });

  it('materialize reports files whose snapshot is missing instead of writing anything', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'skew-real-'));
    try {
      const id = ids[0];
      fs.cpSync(path.join(CORPUS_DIR, id, 'labels.json'), path.join(tmp, id, 'labels.json'));
      fs.cpSync(path.join(CORPUS_DIR, id, 'sources.json'), path.join(tmp, id, 'sources.json'));
      const { written, missing } = materialize([id], path.join(tmp, 'no-mirror'), tmp);
      assert.deepEqual(written, []);
      assert.equal(missing.length, pairs[0].sources.files.length);
      assert.match(missing[0], /snapshot expected at .*no-mirror/);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('parseLocation splits path:line and rejects other forms', () => {
    assert.deepEqual(parseLocation('serve/ts/a.py:25'), { file: 'serve/ts/a.py', line: 25 });
    assert.equal(parseLocation('serve/ts/a.py'), undefined);
    assert.equal(parseLocation('a.py:0'), undefined);
    assert.equal(parseLocation(12), undefined);
  });
});
