/** The drift worker thread: same report as in-process, errors re-created with their reason, cancellation. */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { DataReadError } from '../../src/core/data/errors';
import { computeDrift, DriftError } from '../../src/core/drift/computeDrift';
import { runDriftInWorker } from '../../src/core/drift/runDriftWorker';

const root = path.join(__dirname, '..', '..');
const run = { workerPath: path.join(root, 'src', 'core', 'drift', 'driftWorker.ts'), execArgv: ['--require', 'tsx/cjs'] };
const ref = path.join(root, 'examples', 'data', 'reference.csv');
const cur = path.join(root, 'examples', 'data', 'current.csv');

describe('drift worker thread', () => {
  it('returns the same report as in-process, with progress', async () => {
    const columns: string[] = [];
    const viaWorker = await runDriftInWorker(ref, cur, { referenceName: 'r', currentName: 'c' }, { ...run, onColumn: (_d, _t, name) => columns.push(name) });
    const inProcess = await computeDrift(ref, cur, { referenceName: 'r', currentName: 'c' });
    const strip = (r: typeof inProcess): unknown => ({ ...r, createdAt: 0, timings: 0 });
    assert.deepEqual(strip(viaWorker), strip(inProcess));
    assert.deepEqual(columns, inProcess.columns.map((c) => c.name));
  });

  it('re-creates data errors with their reason and file', async () => {
    await assert.rejects(
      runDriftInWorker(path.join(root, 'test/fixtures/drift/malformed.csv'), cur, { referenceName: 'malformed.csv' }, run),
      (ex: unknown) => DataReadError.is(ex, 'malformed') && ex.file === 'malformed.csv' && /line 4/.test(ex.message),
    );
    await assert.rejects(
      runDriftInWorker(path.join(root, 'test/fixtures/drift/other-schema.csv'), cur, {}, run),
      (ex: unknown) => DriftError.is(ex, 'schema-mismatch'),
    );
  });

  it('cancels by terminating the worker', async () => {
    const ac = new AbortController();
    const p = runDriftInWorker(ref, cur, {}, { ...run, signal: ac.signal });
    ac.abort();
    await assert.rejects(p, (ex: unknown) => DriftError.is(ex, 'cancelled'));
  });

  it('memory ceiling: resident memory (not only the heap) past maxMemoryMb stops the worker with the setting named', async () => {
    // Starting a worker that loads tsx and the readers grows RSS by far more than 1 MiB.
    await assert.rejects(
      runDriftInWorker(ref, cur, { maxMemoryMb: 1 }, { ...run, rssIntervalMs: 5 }),
      (ex: unknown) => DriftError.is(ex, 'worker-failed') && /used more than 1 MiB .*resident memory grew by \d+ MiB.*mlPreflight\.drift\.maxMemoryMb/.test((ex as Error).message),
    );
  });

  it('the memory budget reaches the readers inside the worker', async () => {
    const parquet = path.join(root, 'test/fixtures/drift/real.snappy.parquet');
    await assert.rejects(
      runDriftInWorker(parquet, parquet, { maxMemoryMb: 0.01, referenceName: 'real.snappy.parquet', currentName: 'real.snappy.parquet' }, { ...run, rssIntervalMs: 60_000 }),
      (ex: unknown) => DataReadError.is(ex, 'too-large') && /^real\.snappy\.parquet: too-large: .*mlPreflight\.drift\.maxMemoryMb/.test((ex as Error).message),
    );
  });
});
