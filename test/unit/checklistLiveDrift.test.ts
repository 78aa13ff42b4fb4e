import * as assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runChecklist } from '../../src/core/checklist/evaluate';
import { findDriftPairs, liveDrift } from '../../src/core/checklist/liveDrift';
import { openWorkspace } from '../../src/core/checklist/workspace';

const ROOT = path.resolve(__dirname, '..', '..');

describe('checklist: live drift check', () => {
  it('pairs reference/current samples by name, in the same folder, with the same extension', () => {
    const pairs = findDriftPairs([
      'data/reference.csv', 'data/current.csv',
      'f/features_train.parquet', 'f/features_prod.parquet',
      'g/reference.csv', 'h/current.csv', // different folders
      'k/ref.jsonl', 'k/cur.csv', // different extensions
      'm/training_data.csv', 'm/serving_data.csv',
      'n/preference.csv', 'n/concurrent.csv', // words inside other words do not count
      '.mlpreflight/drift/reference.csv', '.mlpreflight/drift/current.csv',
    ]);
    assert.deepEqual(pairs, [
      { reference: 'data/reference.csv', current: 'data/current.csv' },
      { reference: 'f/features_train.parquet', current: 'f/features_prod.parquet' },
      { reference: 'm/training_data.csv', current: 'm/serving_data.csv' },
    ]);
  });

  it('compares the example workspace samples: age, income and country drift', async function () {
    this.timeout(30_000);
    const ws = await openWorkspace(path.join(ROOT, 'examples'));
    const { facts, warnings } = await liveDrift(ws);
    assert.deepEqual(warnings, []);
    assert.equal(facts.length, 1);
    const drifted = facts[0]!.columns.filter((c) => c.drift).map((c) => c.name).sort();
    assert.deepEqual(drifted, ['age', 'country', 'income']);
    assert.equal(typeof facts[0]!.datasetDrift, 'boolean');
  });

  describe('data.drift item', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'mlp-live-drift-'));
      await mkdir(path.join(dir, 'data'));
    });
    afterEach(async () => {
      await rm(dir, { recursive: true, force: true });
    });
    const item = async (): Promise<{ status: string; summary: string }> => {
      const result = await runChecklist(dir);
      return result.items.find((i) => i.id === 'data.drift')!;
    };
    const csv = (rows: Array<[number, string]>): string => `x,c\n${rows.map(([x, c]) => `${x},${c}`).join('\n')}\n`;

    it('fails on dataset drift', async () => {
      await writeFile(path.join(dir, 'data', 'reference.csv'), csv(Array.from({ length: 200 }, (_, i) => [i % 50, i % 2 ? 'a' : 'b'])));
      await writeFile(path.join(dir, 'data', 'current.csv'), csv(Array.from({ length: 200 }, (_, i) => [100 + (i % 50), i % 3 ? 'c' : 'd'])));
      const r = await item();
      assert.equal(r.status, 'fail', r.summary);
      assert.match(r.summary, /Dataset drift: 2 drifted/);
    });

    it('passes when the samples agree', async () => {
      const rows = Array.from({ length: 200 }, (_, i): [number, string] => [i % 50, i % 2 ? 'a' : 'b']);
      await writeFile(path.join(dir, 'data', 'reference.csv'), csv(rows));
      await writeFile(path.join(dir, 'data', 'current.csv'), csv(rows.slice().reverse()));
      const r = await item();
      assert.equal(r.status, 'pass', r.summary);
    });

    it('stays unknown without a pair', async () => {
      await writeFile(path.join(dir, 'data', 'sample.csv'), csv([[1, 'a']]));
      assert.equal((await item()).status, 'unknown');
    });
  });
});
