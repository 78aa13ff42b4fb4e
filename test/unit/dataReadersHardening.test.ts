/**
 * Readers on files from a real Arrow-based writer (arrow-rs via parquet-wasm: scripts/makeRealParquetFixtures.ts)
 * and the hardening rules of issue 11 that concern data files: the Parquet fast path agrees with hyparquet's
 * general path value for value; decimals read with their scale in Parquet and Arrow alike; duplicate names are
 * renamed visibly; ±inf in a numeric CSV column stays numeric and missing; page checksums; declared sizes and
 * wide/long CSV shapes end in one-line `too-large` / `corrupt` errors.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parquetMetadata } from 'hyparquet';
import { isNumericColumn, type DataColumn, type Dataset } from '../../src/core/data/columns';
import { DataReadError, type DataErrorReason } from '../../src/core/data/errors';
import { readDataset } from '../../src/core/data/readDataset';
import { computeDrift } from '../../src/core/drift/computeDrift';
import { setFooterNumRows } from '../support/hostileData';
import { writeParquet } from '../support/parquetWriter';

const fx = (name: string): string => path.join(__dirname, '..', 'fixtures', 'drift', name);

function valuesOf(c: DataColumn): Array<number | string | null> {
  if (isNumericColumn(c)) return [...c.values].map((v) => (Number.isNaN(v) ? null : v));
  return [...c.codes].map((k) => (k < 0 ? null : c.dictionary[k]!));
}
const col = (d: Dataset, name: string): DataColumn => {
  const c = d.columns.find((x) => x.name === name);
  assert.ok(c, `${d.file}: column ${name} in ${d.columns.map((x) => x.name).join(',')}`);
  return c;
};

async function rejects(file: string, reason: DataErrorReason, message: RegExp, options = {}): Promise<void> {
  await assert.rejects(readDataset(file, { displayName: path.basename(file), ...options }), (ex: unknown) => {
    assert.ok(DataReadError.is(ex), `DataReadError expected, got ${String(ex)}`);
    assert.equal(ex.reason, reason, ex.message);
    assert.match(ex.message, message);
    assert.ok(ex.message.startsWith(`${path.basename(file)}: `), 'the message starts with the file name');
    assert.ok(!ex.message.includes('\n'), 'one line');
    return true;
  });
}

describe('dataset readers: real-writer Parquet and hardening', function () {
  this.timeout(60_000);
  let tmp: string;
  before(() => {
    tmp = mkdtempSync(path.join(tmpdir(), 'mlp-harden-'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  for (const file of ['real.snappy.parquet', 'real.zstd.parquet', 'real.required.parquet']) {
    it(`${file}: the fast path gives hyparquet's values exactly, strings as codes + dictionary`, async () => {
      const fast = await readDataset(fx(file));
      const general = await readDataset(fx(file), { parquetEngine: 'hyparquet' });
      assert.equal(fast.rows, 400);
      assert.deepEqual(fast.columns.map((c) => [c.name, c.type]), [['x', 'numeric'], ['k', 'numeric'], ['s', 'categorical']]);
      for (const name of ['x', 'k', 's']) assert.deepEqual(valuesOf(col(fast, name)), valuesOf(col(general, name)), name);
      const s = col(fast, 's');
      assert.ok(!isNumericColumn(s) && s.codes instanceof Int32Array && s.dictionary.length <= 7);
      assert.ok(valuesOf(s).includes('teal, dark') && valuesOf(s).includes('ünïcödé'));
    });
  }

  it('the three real-writer files hold the same values where the nullable ones are present', async () => {
    const [a, b, r] = await Promise.all(['real.snappy.parquet', 'real.zstd.parquet', 'real.required.parquet'].map((f) => readDataset(fx(f))));
    for (const name of ['x', 'k', 's']) {
      assert.deepEqual(valuesOf(col(a!, name)), valuesOf(col(b!, name)), name);
      const av = valuesOf(col(a!, name));
      const rv = valuesOf(col(r!, name));
      av.forEach((v, i) => v !== null && assert.equal(v, rv[i], `${name}[${i}]`));
    }
    assert.equal(valuesOf(col(a!, 'x')).filter((v) => v === null).length, 45);
  });

  it('decimals: the same data in Parquet and Arrow reads with its scale and shows no drift', async () => {
    const pq = await readDataset(fx('real-decimal.parquet'));
    const arrow = await readDataset(fx('real-decimal.arrow'));
    assert.deepEqual(valuesOf(col(arrow, 'amount')), valuesOf(col(arrow, 'amount_f64')));
    assert.deepEqual(valuesOf(col(pq, 'amount')), valuesOf(col(arrow, 'amount')));
    const report = await computeDrift(fx('real-decimal.parquet'), fx('real-decimal.arrow'));
    assert.equal(report.driftedColumns, 0);
    const amount = report.columns.find((c) => c.name === 'amount')!;
    assert.equal(amount.drifted, false);
  });

  for (const file of ['real-dup.parquet', 'real-dup.arrow']) {
    it(`${file}: duplicate column names are renamed with a warning, not collapsed`, async () => {
      const d = await readDataset(fx(file));
      assert.deepEqual(d.columns.map((c) => c.name), ['a', 'a.1']);
      assert.notDeepEqual(valuesOf(d.columns[0]!), valuesOf(d.columns[1]!));
      assert.ok(d.warnings.some((w) => /duplicate column name 'a'.*'a\.1'/.test(w)), d.warnings.join('; '));
    });
  }

  it('CSV: duplicate headers a,a,a.1 become a, a.1, a.1.1 with warnings', async () => {
    const f = path.join(tmp, 'dup.csv');
    writeFileSync(f, 'a,a,a.1\n1,2,3\n4,5,6\n');
    const d = await readDataset(f);
    assert.deepEqual(d.columns.map((c) => c.name), ['a', 'a.1', 'a.1.1']);
    assert.deepEqual(valuesOf(col(d, 'a.1.1')), [3, 6]);
    assert.equal(d.warnings.length, 2);
  });

  it('CSV: inf, -inf, Infinity keep a column numeric and count as missing', async () => {
    const f = path.join(tmp, 'inf.csv');
    writeFileSync(f, 'x,y\n1,inf\n2,-inf\n3,Infinity\n4,5.5\n5,+INF\n');
    const d = await readDataset(f);
    assert.equal(col(d, 'y').type, 'numeric');
    assert.deepEqual(valuesOf(col(d, 'y')), [null, null, null, 5.5, null]);
  });

  it('Parquet page CRC: checked where the writer stored one; a page that no longer matches is refused', async () => {
    const values = Float64Array.from({ length: 64 }, (_, i) => i * 1.5);
    const good = writeParquet([{ name: 'v', type: 'double', values }], { codec: 'GZIP', crc: true });
    const f = path.join(tmp, 'crc-good.parquet');
    writeFileSync(f, good);
    assert.deepEqual(valuesOf(col(await readDataset(f), 'v')).slice(0, 3), [0, 1.5, 3]);
    // Corrupt one byte inside the gzip stream's stored size trailer: gzip still inflates, only the CRC notices.
    const meta = parquetMetadata(good.buffer.slice(good.byteOffset, good.byteOffset + good.byteLength) as ArrayBuffer);
    const chunk = meta.row_groups[0]!.columns[0]!.meta_data!;
    const end = Number(chunk.data_page_offset) + Number(chunk.total_compressed_size);
    const bad = good.slice();
    bad[end - 6] ^= 0x01; // a byte of the gzip trailer, which the gzip decoder does not verify: only the page CRC notices
    const g = path.join(tmp, 'crc-bad.parquet');
    writeFileSync(g, bad);
    await rejects(g, 'corrupt', /column 'v': row group 0: page checksum mismatch \(CRC-32 stored [0-9a-f]+, computed [0-9a-f]+\)/);
  });

  it('a footer claiming more rows × columns than the file can hold is refused before allocating', async () => {
    // 143 KB-like: a small real file whose footer says 9,999,999 rows and whose row groups agree.
    const bytes = readFileSync(fx('real.snappy.parquet'));
    const f = path.join(tmp, 'claims.parquet');
    writeFileSync(f, setFooterNumRows(bytes, 9_999_999n));
    await rejects(f, 'corrupt', /the footer declares 9,999,999 rows but its row groups hold 400/);
  });

  it('memory budget and column limit: named settings, exit-2 errors', async () => {
    await rejects(fx('real.snappy.parquet'), 'too-large', /400 rows × 3 columns need 1 MiB, over half of the 0\.01 MiB budget \(setting mlPreflight\.drift\.maxMemoryMb\)/, { maxMemoryMb: 0.01 });
    await rejects(fx('real.snappy.parquet'), 'too-large', /3 columns, over the limit of 2 \(setting mlPreflight\.drift\.maxColumns\)/, { maxColumns: 2 });
  });

  it('CSV with 200,000 columns and a 50 MB line of numbers stop quickly with a too-large error', async () => {
    const wide = path.join(tmp, 'wide.csv');
    const header = Array.from({ length: 200_000 }, (_, i) => `c${i}`).join(',');
    writeFileSync(wide, `${header}\n${header.replace(/c\d+/g, '1')}\n`);
    const t0 = performance.now();
    await rejects(wide, 'too-large', /200,000 columns, over the limit of 10,000 \(setting mlPreflight\.drift\.maxColumns\)|more than 10,000 fields/);
    const line = path.join(tmp, 'line.csv');
    const parts: string[] = [];
    for (let n = 0; n < 50 * 1024 * 1024; ) {
      const v = (n % 997).toFixed(2);
      parts.push(v);
      n += v.length + 1;
    }
    writeFileSync(line, parts.join(',') + '\n');
    await rejects(line, 'too-large', /line 1 has more than 10,000 fields, over the limit of 10,000 columns/);
    assert.ok(performance.now() - t0 < 20_000, 'bounded time');
  });

  it('JSON nested 100,000 deep is a malformed error, not a stack overflow', async () => {
    const f = path.join(tmp, 'deep.jsonl');
    const deep = 100_000;
    writeFileSync(f, '{"a":' + '{"b":'.repeat(deep) + '1' + '}'.repeat(deep) + '}\n');
    await rejects(f, 'malformed', /line 1: a value is nested too deeply to compare|nested too deeply/);
  });
});

