/**
 * Dataset readers against the committed fixtures in test/fixtures/drift (made by scripts/makeDriftFixtures.ts):
 * the same 300 rows as CSV, Parquet (every codec), Arrow IPC file/stream, Feather v2, JSON Lines and JSON must
 * decode to the same columns; bad input gives typed errors that name the file and the problem.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ColumnBuilder, isNumericColumn, parseDateTime, type DataColumn, type Dataset } from '../../src/core/data/columns';
import { CsvTokenizer, sniffDelimiter } from '../../src/core/data/csv';
import { DataReadError, type DataErrorReason } from '../../src/core/data/errors';
import { readDataset } from '../../src/core/data/readDataset';

const dir = path.join(__dirname, '..', 'fixtures', 'drift');
const fx = (name: string): string => path.join(dir, name);

/** Column values as plain JS (null for missing) to compare readers. */
function valuesOf(c: DataColumn): Array<number | string | null> {
  if (isNumericColumn(c)) return [...c.values].map((v) => (Number.isNaN(v) ? null : v));
  return [...c.codes].map((k) => (k < 0 ? null : c.dictionary[k]!));
}

function column(d: Dataset, name: string): DataColumn {
  const c = d.columns.find((x) => x.name === name);
  assert.ok(c, `${d.file} has column ${name}`);
  return c;
}

async function rejectsWith(file: string, reason: DataErrorReason, message: RegExp, options = {}): Promise<void> {
  await assert.rejects(readDataset(file, { displayName: path.basename(file), ...options }), (ex: unknown) => {
    assert.ok(DataReadError.is(ex), `DataReadError expected, got ${String(ex)}`);
    assert.equal(ex.reason, reason);
    assert.match(ex.message, message);
    assert.ok(ex.message.startsWith(path.basename(file)), 'the message starts with the file name');
    return true;
  });
}

describe('dataset readers', () => {
  let csv: Dataset;
  before(async () => {
    csv = await readDataset(fx('sample.csv'));
  });

  it('CSV: infers numeric, categorical and boolean columns; quoted commas and quotes survive', () => {
    assert.equal(csv.rows, 300);
    assert.deepEqual(csv.columns.map((c) => [c.name, c.type]), [['x', 'numeric'], ['k', 'numeric'], ['s', 'categorical'], ['s_plain', 'categorical'], ['flag', 'boolean']]);
    const s = valuesOf(column(csv, 's'));
    assert.ok(s.includes('teal, dark'));
    assert.ok(s.includes('say "hi"'));
    assert.equal(valuesOf(column(csv, 'x'))[3], null);
  });

  for (const codec of ['uncompressed', 'snappy', 'gzip', 'brotli', 'zstd', 'lz4', 'lz4_raw']) {
    it(`Parquet (${codec}) decodes to the same values as the CSV`, async () => {
      const d = await readDataset(fx(`sample.${codec}.parquet`));
      assert.equal(d.format, 'parquet');
      assert.equal(d.rows, 300);
      for (const name of ['x', 'k', 's', 's_plain', 'flag']) assert.deepEqual(valuesOf(column(d, name)), valuesOf(column(csv, name)), name);
      assert.equal(column(d, 'flag').type, 'boolean');
    });
  }

  for (const file of ['sample.arrow', 'sample.feather', 'sample.stream.arrows', 'sample.jsonl', 'sample.json']) {
    it(`${file} decodes to the same values as the CSV`, async () => {
      const d = await readDataset(fx(file));
      assert.equal(d.rows, 300);
      for (const name of ['x', 'k', 's', 'flag']) assert.deepEqual(valuesOf(column(d, name)), valuesOf(column(csv, name)), name);
    });
  }

  it('CSV: RFC 4180 quoting with newlines inside quotes, and spaces kept', async () => {
    const d = await readDataset(fx('quoted.csv'));
    assert.deepEqual(valuesOf(column(d, 'name')), ['Smith, J', 'plain', 'x']);
    assert.deepEqual(valuesOf(column(d, 'comment')), ['said "hi"\nthen left', null, '  y ']);
    assert.deepEqual(valuesOf(column(d, 'value')), [1.5, 2, 3]);
  });

  it('CSV: sniffs ";" (decimal commas stay text), dates become datetime', async () => {
    const d = await readDataset(fx('semicolon.csv'));
    assert.deepEqual(d.columns.map((c) => [c.name, c.type]), [['a', 'categorical'], ['b', 'categorical'], ['c', 'datetime']]);
    assert.equal(valuesOf(column(d, 'c'))[0], Date.UTC(2024, 0, 2));
  });

  it('CSV: no header → column_1…, with a warning', async () => {
    const d = await readDataset(fx('no-header.csv'));
    assert.deepEqual(d.columns.map((c) => c.name), ['column_1', 'column_2', 'column_3']);
    assert.equal(d.rows, 3);
    assert.match(d.warnings[0]!, /no header row/);
  });

  it('CSV: BOM and CRLF; NA is missing', async () => {
    const d = await readDataset(fx('bom-crlf.csv'));
    assert.deepEqual(d.columns.map((c) => c.name), ['id', 'score']);
    assert.deepEqual(valuesOf(column(d, 'score')), [0.5, null, 0.75]);
  });

  it('CSV tokenizer: quotes and CRLF split across chunks', () => {
    const records: string[][] = [];
    const t = new CsvTokenizer(',', (f) => records.push(f));
    for (const piece of ['a,"b', '""c",d\r', '\n1,2,3\r', '\n']) t.feed(piece);
    t.end();
    assert.deepEqual(records, [['a', 'b"c', 'd'], ['1', '2', '3']]);
    assert.equal(sniffDelimiter('a\tb\tc\n1\t2\t3\n'), '\t');
    assert.equal(sniffDelimiter('a|b\n1|2\n'), '|');
  });

  it('column builder: numbers turning into strings are relabelled; booleans; text', () => {
    const b = new ColumnBuilder('m');
    for (const v of ['1', '2.50', 'NA', 'x']) b.pushText(v);
    const c = b.finish();
    assert.equal(c.type, 'categorical');
    assert.deepEqual(valuesOf(c), ['1', '2.5', null, 'x']);
    const t = new ColumnBuilder('t');
    for (let i = 0; i < 300; i++) t.pushText(`a long free text comment number ${i} about the product`);
    assert.equal(t.finish().type, 'text');
    assert.equal(parseDateTime('2024-05-01T12:30:00.123456Z'), Date.UTC(2024, 4, 1, 12, 30, 0, 123));
    // Regression: growing past the initial capacity after switching to strings.
    const g = new ColumnBuilder('g');
    for (let i = 0; i < 5000; i++) g.pushText(i < 3000 ? String(i) : `s${i % 7}`);
    const gc = g.finish();
    assert.equal(valuesOf(gc).length, 5000);
    assert.equal(valuesOf(gc)[2999], '2999');
    assert.equal(valuesOf(gc)[4999], `s${4999 % 7}`);
    assert.equal(parseDateTime('2024-13-45'), undefined);
  });

  describe('bad input', () => {
    it('malformed CSV row: names its line', () => rejectsWith(fx('malformed.csv'), 'malformed', /line 4 has 2 fields, expected 3/));
    it('unterminated quote: names the line it starts on', () => rejectsWith(fx('unterminated.csv'), 'malformed', /unterminated quoted field starting on line 2/));
    it('empty file', () => rejectsWith(fx('empty.csv'), 'empty', /0 bytes/));
    it('header without rows', () => rejectsWith(fx('header-only.csv'), 'empty', /no data rows/));
    it('binary content in a .csv', () => rejectsWith(fx('binary.csv'), 'format-mismatch', /extension says CSV but the content is a zip archive/));
    it('CSV text in a .parquet', () => rejectsWith(fx('csv-content.parquet'), 'format-mismatch', /extension says PARQUET but the content is text/));
    it('corrupt Parquet page', () => rejectsWith(fx('corrupt-page.parquet'), 'corrupt', /column 'x': a GZIP page does not decompress/));
    it('truncated Parquet', () => rejectsWith(fx('truncated.parquet'), 'corrupt', /no PAR1 footer/));
    it('Feather v1', () => rejectsWith(fx('feather-v1.feather'), 'unsupported-format', /Feather v1 is not supported/));
    it('JSON Lines: names the bad line', () => rejectsWith(fx('bad-line.jsonl'), 'malformed', /line 3 is not valid JSON/));
    it('missing file / directory', async () => {
      await rejectsWith(fx('nope.csv'), 'not-found', /no such file/);
      await rejectsWith(dir, 'not-a-file', /not a data file/);
    });
    it('row limit: refused with the setting named, for streamed CSV and for Parquet', async () => {
      await rejectsWith(fx('sample.csv'), 'too-large', /more than 100 rows .*mlPreflight\.drift\.maxRows/, { maxRows: 100 });
      await rejectsWith(fx('sample.zstd.parquet'), 'too-large', /300 rows, over the limit of 100/, { maxRows: 100 });
    });
    it('cancellation', async () => {
      const ac = new AbortController();
      ac.abort();
      await rejectsWith(fx('sample.csv'), 'cancelled', /cancelled/, { signal: ac.signal });
    });
    it('unknown extension is sniffed; JSON that is not records is refused', async () => {
      const tmp = mkdtempSync(path.join(tmpdir(), 'mlp-data-'));
      writeFileSync(path.join(tmp, 'data.dat'), 'a,b\n1,2\n');
      assert.equal((await readDataset(path.join(tmp, 'data.dat'))).format, 'csv');
      writeFileSync(path.join(tmp, 'bad.json'), '[1, 2, 3]');
      await rejectsWith(path.join(tmp, 'bad.json'), 'malformed', /element 0 of the array is not an object/);
      writeFileSync(path.join(tmp, 'cols.json'), '{"a": [1, 2, null], "b": ["x", "y", "z"]}');
      const d = await readDataset(path.join(tmp, 'cols.json'));
      assert.deepEqual(valuesOf(column(d, 'a')), [1, 2, null]);
    });
  });
});
