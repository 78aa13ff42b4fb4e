/**
 * Writes the small committed drift fixtures under test/fixtures/drift (run: `npx tsx scripts/makeDriftFixtures.ts`).
 * Deterministic (a fixed LCG, no Math.random), so re-running gives the same bytes except for zstd, whose
 * output depends on the installed `zstd` tool (see test/support/parquetWriter.ts).
 *
 * - `sample.<codec>.parquet` ×7 codecs: the same 300 rows (double with nulls, int64, dictionary strings with
 *   nulls, plain strings, booleans with nulls) — the readers must agree with `sample.csv`.
 * - `corrupt-page.parquet`: sample.GZIP.parquet with bytes inside the first data page flipped.
 * - `truncated.parquet`: the first half of a valid file. `csv-content.parquet`: CSV text named .parquet.
 * - `sample.arrow` (IPC file = Feather v2), `sample.stream.arrows` (IPC stream), `sample.jsonl`, `sample.json`.
 * - CSV edge cases: quoting, `;` delimiter, no header, BOM + CRLF, malformed row, unterminated quote, empty,
 *   header only, binary content.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { writeParquet, type Codec } from '../test/support/parquetWriter';

const dir = path.join(__dirname, '..', 'test', 'fixtures', 'drift');
mkdirSync(dir, { recursive: true });

let seed = 42;
function rand(): number {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
}

const N = 300;
const x: number[] = [];
const k: number[] = [];
const s: Array<string | null> = [];
const b: Array<boolean | null> = [];
for (let i = 0; i < N; i++) {
  x.push(i % 10 === 3 ? NaN : Math.round((rand() * 100 - 20) * 100) / 100);
  k.push(Math.floor(rand() * 8));
  s.push(i % 17 === 5 ? null : ['red', 'green', 'blue', 'teal, dark', 'say "hi"'][Math.floor(rand() * 5)]!);
  b.push(i % 9 === 4 ? null : rand() < 0.4);
}

const columns = [
  { name: 'x', type: 'double' as const, values: Float64Array.from(x) },
  { name: 'k', type: 'int64' as const, values: Float64Array.from(k) },
  { name: 's', type: 'string' as const, values: s },
  { name: 's_plain', type: 'string' as const, values: s, dictionary: false },
  { name: 'flag', type: 'boolean' as const, values: b },
];
const codecs: Codec[] = ['UNCOMPRESSED', 'SNAPPY', 'GZIP', 'BROTLI', 'ZSTD', 'LZ4', 'LZ4_RAW'];
for (const codec of codecs) {
  writeFileSync(path.join(dir, `sample.${codec.toLowerCase()}.parquet`), writeParquet(columns, { codec, rowGroupSize: 128, pageSize: 50 }));
}

// Corrupt page: flip bytes in the middle of the first gzip data page body (after the dictionary-free x column's header).
const gz = writeParquet(columns, { codec: 'GZIP', rowGroupSize: 128, pageSize: 50 });
const corrupt = gz.slice();
for (let i = 30; i < 60; i++) corrupt[i] = corrupt[i]! ^ 0x5a;
writeFileSync(path.join(dir, 'corrupt-page.parquet'), corrupt);
writeFileSync(path.join(dir, 'truncated.parquet'), gz.slice(0, Math.floor(gz.length / 2)));

function csvCell(v: string | number | boolean | null): string {
  if (v === null || (typeof v === 'number' && Number.isNaN(v))) return '';
  const t = String(v);
  return /[",\n\r]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
}
const csvRows = ['x,k,s,s_plain,flag', ...x.map((_, i) => [x[i]!, k[i]!, s[i]!, s[i]!, b[i]!].map(csvCell).join(','))];
writeFileSync(path.join(dir, 'sample.csv'), csvRows.join('\n') + '\n');
writeFileSync(path.join(dir, 'csv-content.parquet'), csvRows.slice(0, 5).join('\n') + '\n');

// Arrow IPC file (Feather v2) and stream.
const table = tableFromArrays({
  x: Float64Array.from(x),
  k: Int32Array.from(k),
  s: s.map((v) => v) as string[],
  flag: b as boolean[],
});
writeFileSync(path.join(dir, 'sample.arrow'), tableToIPC(table, 'file'));
writeFileSync(path.join(dir, 'sample.feather'), tableToIPC(table, 'file'));
writeFileSync(path.join(dir, 'sample.stream.arrows'), tableToIPC(table, 'stream'));
writeFileSync(path.join(dir, 'feather-v1.feather'), Buffer.concat([Buffer.from('FEA1'), Buffer.alloc(60)]));

// JSON Lines and JSON.
const objects = x.map((_, i) => ({ x: Number.isNaN(x[i]) ? null : x[i], k: k[i], s: s[i], s_plain: s[i], flag: b[i] }));
writeFileSync(path.join(dir, 'sample.jsonl'), objects.map((o) => JSON.stringify(o)).join('\n') + '\n');
writeFileSync(path.join(dir, 'sample.json'), JSON.stringify(objects));
writeFileSync(path.join(dir, 'bad-line.jsonl'), '{"a": 1}\n{"a": 2}\n{"a": 3,}\n');

// CSV edge cases.
writeFileSync(path.join(dir, 'quoted.csv'), 'name,comment,value\n"Smith, J","said ""hi""\nthen left",1.5\nplain,"",2\n"x",  y ,3\n');
writeFileSync(path.join(dir, 'semicolon.csv'), 'a;b;c\n1,5;x;2024-01-02\n2,5;y;2024-01-03\n3,5;x;2024-01-04\n');
writeFileSync(path.join(dir, 'no-header.csv'), '1,2.5,a\n2,3.5,b\n3,4.5,a\n');
writeFileSync(path.join(dir, 'bom-crlf.csv'), '\uFEFFid,score\r\n1,0.5\r\n2,NA\r\n3,0.75\r\n');
writeFileSync(path.join(dir, 'malformed.csv'), 'a,b,c\n1,2,3\n4,5,6\n7,8\n9,10,11\n');
writeFileSync(path.join(dir, 'unterminated.csv'), 'a,b\n1,"open\n2,3\n');
writeFileSync(path.join(dir, 'empty.csv'), '');
writeFileSync(path.join(dir, 'header-only.csv'), 'a,b,c\n');
writeFileSync(path.join(dir, 'binary.csv'), Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 1, 2, 3]));
writeFileSync(path.join(dir, 'other-schema.csv'), 'p,q\n1,2\n3,4\n');
console.log(`wrote fixtures to ${path.relative(process.cwd(), dir)}`);
