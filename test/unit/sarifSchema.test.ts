/**
 * The SARIF that `ml-preflight review --sarif` writes, validated against the official SARIF 2.1.0 JSON schema
 * (draft 2020-12) from microsoft/sarif-sdk, as shipped in the npm package @microsoft/sarif-multitool-linux@5.7.0
 * (copied to test/fixtures/schemas/sarif-2.1.0.json; see the README there).
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { runReview } from '../../src/core/review/review';
import { toSarif } from '../../src/core/review/sarif';

const ROOT = path.resolve(__dirname, '..', '..');
const SCHEMA = path.join(ROOT, 'test', 'fixtures', 'schemas', 'sarif-2.1.0.json');

describe('SARIF output against the official SARIF 2.1.0 JSON schema', () => {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(SCHEMA, 'utf8')));
  const errors = (log: unknown): string[] => (validate(log) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));

  it('review of the example workspace validates, with results that carry locations', async function () {
    this.timeout(60_000);
    const report = await runReview(path.join(ROOT, 'examples'));
    const sarif = toSarif(report, { repoRoot: ROOT });
    assert.deepEqual(errors(sarif), []);
    const results = (sarif.runs as Array<{ results: Array<{ locations?: unknown[] }> }>)[0]!.results;
    assert.ok(results.length > 0, 'the example has findings');
    assert.ok(results.some((r) => (r.locations?.length ?? 0) > 0), 'some results have locations');
  });

  it('the schema rejects a broken log (the check can fail)', async () => {
    const report = await runReview(path.join(ROOT, 'examples'));
    const sarif = structuredClone(toSarif(report, { repoRoot: ROOT })) as { version: string; runs: Array<{ results: Array<{ level: string }> }> };
    sarif.version = '2.0.0';
    sarif.runs[0]!.results[0]!.level = 'catastrophic';
    const found = errors(sarif);
    assert.ok(found.some((e) => e.startsWith('/version')), found.join('\n'));
    assert.ok(found.some((e) => e.includes('/level')), found.join('\n'));
  });
});
