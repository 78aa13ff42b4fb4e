/**
 * The labeled corpus (test/fixtures/skew/<case>/expected.json, transcribed from `# expect:` markers): every case
 * yields exactly its labeled findings (kind and line on each side), and clean cases yield none.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { labelsOf } from '../fixtures/skew/makeExpected';
import { loadCorpus, runCase } from '../fixtures/skew/corpus';

describe('skew corpus', () => {
  const cases = loadCorpus();

  it('has at least 30 pairs across image, text, tabular and audio, about a third of them clean', () => {
    assert.ok(cases.length >= 30, `${cases.length} cases`);
    for (const d of ['image', 'text', 'tabular', 'audio']) assert.ok(cases.some((c) => c.domain === d), d);
    const clean = cases.filter((c) => c.clean).length;
    assert.ok(clean >= cases.length / 4 && clean <= cases.length / 2, `${clean} clean of ${cases.length}`);
  });

  it('expected.json files match the markers in the sources', () => {
    for (const c of cases) {
      const { name, dir, ...committed } = c;
      assert.deepEqual(committed, labelsOf(path.join(dir)), `${name}: run npx tsx test/fixtures/skew/makeExpected.ts`);
    }
  });

  for (const c of cases) {
    it(`${c.name}: ${c.description}`, async () => {
      const s = await runCase(c);
      assert.deepEqual(
        { falsePositives: s.falsePositives, falseNegatives: s.falseNegatives },
        { falsePositives: [], falseNegatives: [] },
        `found: ${JSON.stringify(s.found)}`,
      );
    });
  }
});
