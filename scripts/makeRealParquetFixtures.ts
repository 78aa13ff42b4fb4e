/**
 * Writes the small real-writer fixtures under test/fixtures/drift (run: `npx tsx scripts/makeRealParquetFixtures.ts`).
 * The writer is arrow-rs (the `parquet-wasm` npm package, via test/support/arrowParquetWriter.ts), not the
 * project's own test writer: files laid out as pandas/pyarrow-style writers do (ARROW:schema metadata, OPTIONAL
 * columns with definition levels, RLE_DICTIONARY pages with a PLAIN dictionary page). Deterministic.
 *
 * - `real.snappy.parquet`: 400 rows × (double with nulls, int64 with nulls, Utf8 strings with nulls: dictionary
 *   pages), snappy, 4 row groups of 100 rows.
 * - `real.zstd.parquet`: the same data, zstd, strings declared Arrow Dictionary (a pandas `category`), 3 row groups.
 * - `real.required.parquet`: the same data without nulls (REQUIRED columns), snappy, 2 row groups.
 * - `real-decimal.parquet` / `real-decimal.arrow`: one decimal(9, 2) column and one double, the same 200 rows in
 *   Parquet (arrow-rs) and Arrow IPC (apache-arrow): readers must give the same numbers (issue 11, class 8).
 * - `real-dup.parquet` / `real-dup.arrow`: two columns both named `a` (Arrow schemas allow it).
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Decimal, Field, Float64, makeData, makeVector, RecordBatch, Schema, Struct, Table, tableToIPC } from 'apache-arrow';
import { arrowTable, writeArrowParquet, writeRealParquet, type RealColumn } from '../test/support/arrowParquetWriter';

const dir = path.join(__dirname, '..', 'test', 'fixtures', 'drift');

let seed = 7;
function rand(): number {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
}

const N = 400;
const x = new Float64Array(N);
const k = new Float64Array(N);
const s = new Int32Array(N);
for (let i = 0; i < N; i++) {
  x[i] = Math.round(rand() * 10000) / 100;
  k[i] = Math.floor(rand() * 9);
  s[i] = Math.floor(rand() * 7);
}
const dictionary = ['red', 'green', 'blue', 'teal, dark', 'say "hi"', 'ünïcödé', ''];
const withNulls = (): RealColumn[] => {
  const xn = x.slice();
  const kn = k.slice();
  const sn = s.slice();
  for (let i = 0; i < N; i++) {
    if (i % 9 === 3) xn[i] = NaN;
    if (i % 13 === 5) kn[i] = NaN;
    if (i % 6 === 1) sn[i] = -1;
  }
  return [
    { name: 'x', type: 'double', values: xn, nullable: true },
    { name: 'k', type: 'int64', values: kn, nullable: true },
    { name: 's', type: 'string', codes: sn, dictionary, nullable: true },
  ];
};
writeFileSync(path.join(dir, 'real.snappy.parquet'), writeRealParquet(withNulls(), { codec: 'SNAPPY', rowGroupSize: 100 }));
writeFileSync(path.join(dir, 'real.zstd.parquet'), writeRealParquet(withNulls().map((c) => (c.type === 'string' ? { ...c, arrowDictionary: true } : c)), { codec: 'ZSTD', rowGroupSize: 134 }));
writeFileSync(path.join(dir, 'real.required.parquet'), writeRealParquet([
  { name: 'x', type: 'double', values: x, nullable: false },
  { name: 'k', type: 'int64', values: k, nullable: false },
  { name: 's', type: 'string', codes: s, dictionary, nullable: false },
], { codec: 'SNAPPY', rowGroupSize: 200 }));

// Decimal(9, 2) + double, same rows in Parquet and Arrow.
const M = 200;
const words = new Uint32Array(M * 4);
const d = new Float64Array(M);
for (let i = 0; i < M; i++) {
  const cents = Math.floor(rand() * 2_000_000) - 1_000_000;
  words[i * 4] = cents >>> 0;
  const sign = cents < 0 ? 0xffffffff : 0;
  words[i * 4 + 1] = sign;
  words[i * 4 + 2] = sign;
  words[i * 4 + 3] = sign;
  d[i] = cents / 100;
}
const amount = makeVector({ type: new Decimal(2, 9, 128), length: M, data: words });
const dbl = makeVector({ type: new Float64(), length: M, data: d });
const fields = [new Field('amount', amount.type, false), new Field('amount_f64', dbl.type, false)];
const decimalTable = new Table(new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length: M, nullCount: 0, children: [amount.data[0]!, dbl.data[0]!] })));
writeFileSync(path.join(dir, 'real-decimal.parquet'), writeArrowParquet(decimalTable, { codec: 'SNAPPY' }));
writeFileSync(path.join(dir, 'real-decimal.arrow'), tableToIPC(decimalTable, 'file'));

// Duplicate names.
const dup = arrowTable([
  { name: 'a', type: 'double', values: x.slice(0, 50) },
  { name: 'b', type: 'double', values: k.slice(0, 50) },
]);
const dupFields = [new Field('a', dup.schema.fields[0]!.type, false), new Field('a', dup.schema.fields[1]!.type, false)];
const dupTable = new Table(new RecordBatch(new Schema(dupFields), makeData({ type: new Struct(dupFields), length: 50, nullCount: 0, children: [dup.getChildAt(0)!.data[0]!, dup.getChildAt(1)!.data[0]!] })));
writeFileSync(path.join(dir, 'real-dup.arrow'), tableToIPC(dupTable, 'file'));
writeFileSync(path.join(dir, 'real-dup.parquet'), writeArrowParquet(dupTable, { codec: 'UNCOMPRESSED' }));
console.log('wrote real-writer fixtures to', dir);
