import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { SkewFinding } from '../../src/shared/skew';
import { loadLabelled, matchesSkew, parseAt, scoreCorpus, scoreProject, type LabelledProject } from '../fixtures/skew/labels';

const DIR = path.join(__dirname, '..', 'fixtures', 'skew-harness');

function finding(over: Partial<SkewFinding>): SkewFinding {
  return { kind: 'normalize-std', severity: 'error', message: 'm', training: null, serving: null, trainingValue: null, servingValue: null, confidence: 'high', evidence: [], ...over };
}
const loc = (file: string, line: number) => ({ file, line, column: 1, endLine: line, endColumn: 2 });

describe('skew: scoring harness (labels.json corpora)', () => {
  it('parses the label format', () => {
    const ps = loadLabelled(DIR);
    assert.deepEqual(ps.map((p) => [p.name, p.clean, p.skews.length]), [['clean_numpy', true, 0], ['clean_open', true, 0], ['skewed_std', false, 1]]);
    assert.deepEqual(parseAt('serve/app.py:42'), { file: 'serve/app.py', line: 42 });
    assert.equal(parseAt(null), undefined);
  });

  it('matches a finding within ±2 lines of either labelled line in the right file, errors and warnings only', () => {
    const p: LabelledProject = { name: 'x', dir: '/p', clean: false, training: ['t.py'], serving: ['s.py'], model: null, skews: [{ id: '1', kind: 'normalize', training: 't.py:10', serving: 's.py:20' }] };
    const s = p.skews[0];
    assert.ok(matchesSkew('/p', s, finding({ serving: loc('/p/s.py', 22) })));
    assert.ok(!matchesSkew('/p', s, finding({ serving: loc('/p/s.py', 23) })));
    assert.ok(matchesSkew('/p', s, finding({ training: loc('/p/t.py', 8) })));
    assert.ok(!matchesSkew('/p', s, finding({ serving: loc('/p/other.py', 20) })));
    const info = scoreProject(p, [finding({ severity: 'info', serving: loc('/p/s.py', 20) })]);
    assert.equal(info.found.length, 0, 'info findings never count');
    const sup = scoreProject(p, [finding({ serving: loc('/p/s.py', 20), suppressed: { kind: 'inSource', justification: '#' } })]);
    assert.equal(sup.found.length, 0, 'suppressed findings never count');
    const hit = scoreProject(p, [finding({ serving: loc('/p/s.py', 20) }), finding({ serving: loc('/p/s.py', 40), severity: 'warning' })]);
    assert.equal(hit.found.length, 1);
    assert.equal(hit.falsePositives.length, 1);
    const clean = scoreProject({ ...p, clean: true, skews: [] }, [finding({ serving: loc('/p/s.py', 20) }), finding({ severity: 'info' })]);
    assert.equal(clean.falsePositives.length, 1, 'on a clean project every error/warning is a false positive');
  });

  for (const pairing of ['explicit', 'workspace'] as const) {
    it(`scores the self-test corpus with ${pairing} pairing: the planted skew found, no error/warning on the clean projects`, async () => {
      const score = await scoreCorpus(loadLabelled(DIR), pairing);
      assert.equal(score.planted, 1);
      assert.equal(score.found, 1, JSON.stringify(score.perProject.map((x) => x.missed)));
      assert.equal(score.cleanFalsePositives, 0, JSON.stringify(score.perProject.flatMap((x) => x.falsePositives.map((f) => f.message))));
      const open = score.perProject.find((x) => x.project.name === 'clean_open')!;
      assert.ok(open.findings.some((f) => f.kind === 'unverified' && f.severity === 'info' && /vision_kit|standardize/.test(f.message)), JSON.stringify(open.findings.map((f) => f.message)));
    });
  }
});
