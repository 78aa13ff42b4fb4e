/**
 * Hostile data files (issue 11, classes 1, 8, 9) with a fixed seed: every case ends in a report or a typed error
 * (the CLI's exit 2) whose message is one line naming the file, never an untyped exception (exit 3) or a crash.
 * The longer run with time and memory per case is `npm run bench -- hostileData`.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DataReadError } from '../../src/core/data/errors';
import { readDataset } from '../../src/core/data/readDataset';
import { hostileCorpus, parquetSeeds, runHostileCase, setFooterNumRows } from '../support/hostileData';

const SEED = 20261201;

describe('hostile data files (fixed seed)', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'mlp-hostile-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('the corpus has real-writer seeds that read cleanly', async () => {
    for (const s of parquetSeeds(SEED)) {
      const f = path.join(dir, `${s.name}${s.ext}`);
      writeFileSync(f, s.bytes);
      const d = await readDataset(f);
      assert.equal(d.columns.length, 3, s.name);
    }
  });

  it('every case ends in a result or a typed error naming the file, never an untyped exception', async () => {
    const cases = hostileCorpus(SEED, { parquet: 160, arrow: 60, textScale: 0.1 });
    const counts: Record<string, number> = {};
    const untyped: string[] = [];
    for (let i = 0; i < cases.length; i++) {
      const c = cases[i]!;
      const f = path.join(dir, `case-${i}${c.ext}`);
      writeFileSync(f, c.bytes);
      const { outcome, message } = await runHostileCase(f);
      counts[outcome] = (counts[outcome] ?? 0) + 1;
      if (outcome === 'exit 3') untyped.push(`${c.name}: ${message.split('\n').slice(0, 3).join(' | ')}`);
      if (outcome === 'exit 2' && message.startsWith(f)) assert.ok(!message.includes('\n'), `one line: ${message}`);
      rmSync(f);
    }
    assert.deepEqual(untyped, [], `untyped errors:\n${untyped.join('\n')}`);
    assert.ok((counts['exit 2'] ?? 0) > 50, `most mutations are refused: ${JSON.stringify(counts)}`);
  });

  it('footer num_rows: absurd, negative or not the row groups\' sum is refused before allocating, naming the file', async () => {
    const seed = parquetSeeds(SEED)[0]!;
    const cases: Array<[bigint, RegExp]> = [
      [9_999_999n, /^claims\.parquet: corrupt: the footer declares 9,999,999 rows but its row groups hold 300$/],
      [-5n, /^claims\.parquet: corrupt: the footer declares -5 rows \(not a row count\)$/],
      [301n, /^claims\.parquet: corrupt: the footer declares 301 rows but its row groups hold 300$/],
      [10_000_000_000n, /^claims\.parquet: too-large: 10,000,000,000 rows, over the limit of 10,000,000/],
    ];
    for (const [rows, message] of cases) {
      const f = path.join(dir, 'claims.parquet');
      writeFileSync(f, setFooterNumRows(seed.bytes, rows));
      await assert.rejects(readDataset(f, { displayName: 'claims.parquet' }), (ex: unknown) => {
        assert.ok(DataReadError.is(ex), String(ex));
        assert.match(ex.message, message);
        return true;
      });
    }
  });
});
