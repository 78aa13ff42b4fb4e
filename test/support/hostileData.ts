/**
 * Hostile data files (issue 11, classes 1, 8, 9), generated from a seed: every case is `{ name, ext, bytes }`, to be
 * written to a temp dir and read by `readDataset` / `computeDrift`. The unit tier runs a small fixed-seed corpus
 * (test/unit/hostileData.test.ts); `npm run bench -- hostileData` runs a larger one and counts outcomes.
 *
 * - Parquet: seeds written by a real Arrow-based writer (arrow-rs via parquet-wasm: OPTIONAL columns, dictionary
 *   strings, several row groups, snappy / zstd / uncompressed). Mutations: every integer field of the thrift
 *   footer and of the page headers is located by a small compact-protocol walker and set to hostile values
 *   (huge, negative, zero, ±1: num_rows, row group sizes, offsets, page sizes, value counts, dictionary sizes,
 *   CRCs); random byte flips in the footer and in pages; truncations; a forged footer length.
 * - Arrow IPC: file and stream seeds from apache-arrow (decimals, dictionaries, nulls), byte flips, truncations,
 *   forged lengths.
 * - CSV / JSON / JSON Lines: shapes (200,000 columns, one huge line of numbers, deep nesting, ±inf, duplicate
 *   names, NUL bytes, ragged rows, unterminated quotes, many keys).
 */
import { Decimal, Dictionary, Field, Float64, Int32, makeData, makeVector, RecordBatch, Schema, Struct, Table, tableToIPC, Utf8, vectorFromArray } from 'apache-arrow';
import { DataReadError } from '../../src/core/data/errors';
import { computeDrift, DriftError } from '../../src/core/drift/computeDrift';
import { writeRealParquet, type RealCodec, type RealColumn } from './arrowParquetWriter';

export interface HostileCase {
  name: string;
  /** File extension, with the dot. */
  ext: string;
  bytes: Uint8Array;
}

/** Deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ------------------------------------------------------------------ thrift compact walker

/** An integer field found in a thrift compact struct: where its varint starts and ends. */
interface IntField {
  path: string;
  start: number;
  end: number;
  type: 'i32' | 'i64';
}

function readVarint(b: Uint8Array, p: number): [number, number] {
  let shift = 0;
  let v = 0;
  for (;;) {
    if (p >= b.length) throw new Error('varint past end');
    const byte = b[p++]!;
    v += (byte & 0x7f) * 2 ** shift;
    if (!(byte & 0x80)) return [v, p];
    shift += 7;
    if (shift > 70) throw new Error('varint too long');
  }
}

/** Walks one compact-protocol struct at `p`, collecting integer fields; returns the offset after its STOP. */
function walkStruct(b: Uint8Array, p: number, path: string, out: IntField[]): number {
  let fid = 0;
  for (;;) {
    const byte = b[p++]!;
    if (byte === undefined) throw new Error('struct past end');
    const type = byte & 0x0f;
    if (type === 0) return p;
    const delta = byte >> 4;
    if (delta) fid += delta;
    else {
      const [z, q] = readVarint(b, p);
      fid = (z >>> 1) ^ -(z & 1);
      p = q;
    }
    p = walkElement(b, p, type, `${path}.${fid}`, out);
  }
}

function walkElement(b: Uint8Array, p: number, type: number, path: string, out: IntField[]): number {
  switch (type) {
    case 1:
    case 2:
      return p;
    case 3:
      return p + 1;
    case 4:
    case 5:
    case 6: {
      const [, q] = readVarint(b, p);
      out.push({ path, start: p, end: q, type: type === 6 ? 'i64' : 'i32' });
      return q;
    }
    case 7:
      return p + 8;
    case 8: {
      const [n, q] = readVarint(b, p);
      return q + n;
    }
    case 9:
    case 10: {
      const head = b[p++]!;
      const elem = head & 0x0f;
      let size = head >> 4;
      if (size === 15) [size, p] = readVarint(b, p);
      for (let i = 0; i < size; i++) p = elem === 1 || elem === 2 ? p + 1 : walkElement(b, p, elem, `${path}[${i}]`, out);
      return p;
    }
    case 12:
      return walkStruct(b, p, path, out);
    default:
      throw new Error(`thrift type ${type}`);
  }
}

function zigzagVarint(v: bigint): number[] {
  let z = v >= 0n ? v << 1n : (-v << 1n) - 1n;
  const bytes: number[] = [];
  do {
    let byte = Number(z & 0x7fn);
    z >>= 7n;
    if (z > 0n) byte |= 0x80;
    bytes.push(byte);
  } while (z > 0n);
  return bytes;
}

function splice(b: Uint8Array, start: number, end: number, insert: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(b.length - (end - start) + insert.length);
  out.set(b.subarray(0, start), 0);
  out.set(insert as Uint8Array, start);
  out.set(b.subarray(end), start + insert.length);
  return out;
}

/** The footer (FileMetaData) region of a Parquet file: [start, end). */
function footer(b: Uint8Array): [number, number] {
  const len = new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(b.length - 8, true);
  return [b.length - 8 - len, b.length - 8];
}

/** Replaces the integer field `f` of the footer with `value`, fixing the footer length. */
function setFooterInt(b: Uint8Array, f: IntField, value: bigint): Uint8Array {
  const out = splice(b, f.start, f.end, zigzagVarint(value));
  const [start] = footer(b);
  const len = out.length - 8 - start;
  new DataView(out.buffer).setUint32(out.length - 8, len, true);
  return out;
}

/** Page headers: thrift structs at each column chunk's first page (found by walking the footer's offsets). */
function pageHeaderFields(b: Uint8Array): IntField[] {
  const [start] = footer(b);
  const fields: IntField[] = [];
  walkStruct(b, start, 'footer', fields);
  const out: IntField[] = [];
  // ColumnMetaData: data_page_offset = field 9, dictionary_page_offset = field 11 (path …row_groups[i].1[j].3.9).
  for (const f of fields) {
    if (!/\.3\.(9|11)$/.test(f.path)) continue;
    const [v] = readVarint(b, f.start);
    const offset = Number((BigInt(v) >> 1n) ^ -(BigInt(v) & 1n));
    if (offset < 4 || offset >= start) continue;
    try {
      const header: IntField[] = [];
      walkStruct(b, offset, `page@${offset}`, header);
      out.push(...header);
    } catch {
      /* not a page header */
    }
  }
  return out;
}

const HOSTILE_INTS: readonly bigint[] = [0n, -1n, 1n, -2147483648n, 2147483647n, 4294967295n, 9_999_999n, 10_000_000_000n, 9223372036854775807n, -9223372036854775807n];

// ------------------------------------------------------------------ seeds

function frame(rand: () => number, rows: number, nulls: boolean): RealColumn[] {
  const x = new Float64Array(rows);
  const k = new Float64Array(rows);
  const s = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    x[i] = nulls && i % 7 === 0 ? NaN : Math.round(rand() * 1e4) / 100;
    k[i] = nulls && i % 11 === 0 ? NaN : Math.floor(rand() * 20);
    s[i] = nulls && i % 5 === 0 ? -1 : Math.floor(rand() * 12);
  }
  const dictionary = Array.from({ length: 12 }, (_, i) => `cat_${i}`);
  return [
    { name: 'x', type: 'double', values: x, nullable: true },
    { name: 'k', type: 'int64', values: k, nullable: nulls },
    { name: 's', type: 'string', codes: s, dictionary, nullable: true },
  ];
}

/** Real-writer Parquet seeds: nullable + dictionary + several row groups, in three codecs. */
export function parquetSeeds(seed = 1): HostileCase[] {
  const rand = prng(seed);
  const codecs: RealCodec[] = ['SNAPPY', 'ZSTD', 'UNCOMPRESSED'];
  return codecs.map((codec, i) => ({
    name: `seed-${codec.toLowerCase()}`,
    ext: '.parquet',
    bytes: writeRealParquet(frame(rand, 300 + i * 50, i !== 2), { codec, rowGroupSize: 100 }),
  }));
}

/** Arrow IPC seeds (file and stream): decimal(9, 2), dictionary strings, nullable doubles. */
export function arrowSeeds(seed = 1): HostileCase[] {
  const rand = prng(seed);
  const n = 200;
  const amounts = new Uint32Array(n * 4);
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const cents = Math.floor(rand() * 1e6) - 5e5;
    amounts[i * 4] = cents >>> 0;
    const neg = cents < 0 ? 0xffffffff : 0;
    amounts[i * 4 + 1] = neg;
    amounts[i * 4 + 2] = neg;
    amounts[i * 4 + 3] = neg;
    x[i] = rand();
  }
  const decimal = makeVector({ type: new Decimal(2, 9, 128), length: n, data: amounts });
  const keys = new Int32Array(n).map(() => Math.floor(rand() * 5));
  const dict = makeVector({ type: new Dictionary(new Utf8(), new Int32()), length: n, data: keys, dictionary: vectorFromArray(['a', 'b', 'c', 'd', 'e'], new Utf8()) });
  const xs = makeVector({ type: new Float64(), length: n, data: x });
  const fields = [new Field('amount', decimal.type, false), new Field('s', dict.type, false), new Field('x', xs.type, false)];
  const data = makeData({ type: new Struct(fields), length: n, nullCount: 0, children: [decimal.data[0]!, dict.data[0]!, xs.data[0]!] });
  const table = new Table(new RecordBatch(new Schema(fields), data));
  return [
    { name: 'seed-file', ext: '.arrow', bytes: tableToIPC(table, 'file') },
    { name: 'seed-stream', ext: '.arrows', bytes: tableToIPC(table, 'stream') },
  ];
}

// ------------------------------------------------------------------ mutations

function flip(b: Uint8Array, rand: () => number, from: number, to: number, count: number): Uint8Array {
  const out = b.slice();
  for (let i = 0; i < count; i++) {
    const p = from + Math.floor(rand() * Math.max(1, to - from));
    if (p < out.length) out[p] = Math.floor(rand() * 256);
  }
  return out;
}

/** `count` mutated Parquet files from the real-writer seeds. */
export function hostileParquet(seed: number, count: number): HostileCase[] {
  const rand = prng(seed);
  const seeds = parquetSeeds(seed);
  const out: HostileCase[] = [];
  const footerFields = seeds.map((s) => {
    const f: IntField[] = [];
    walkStruct(s.bytes, footer(s.bytes)[0], 'footer', f);
    return f;
  });
  const pageFields = seeds.map((s) => pageHeaderFields(s.bytes));
  // Structured cases first: every footer integer field set to each hostile value, for the first seed.
  for (const f of footerFields[0]!) {
    if (out.length >= count / 2) break;
    const v = HOSTILE_INTS[Math.floor(rand() * HOSTILE_INTS.length)]!;
    out.push({ name: `footer ${f.path}=${v}`, ext: '.parquet', bytes: setFooterInt(seeds[0]!.bytes, f, v) });
  }
  let i = 0;
  while (out.length < count) {
    const si = i++ % seeds.length;
    const s = seeds[si]!;
    const [fs, fe] = footer(s.bytes);
    const kind = Math.floor(rand() * 7);
    if (kind === 0) {
      const f = footerFields[si]![Math.floor(rand() * footerFields[si]!.length)]!;
      const v = HOSTILE_INTS[Math.floor(rand() * HOSTILE_INTS.length)]!;
      out.push({ name: `${s.name} footer ${f.path}=${v}`, ext: '.parquet', bytes: setFooterInt(s.bytes, f, v) });
    } else if (kind === 1 && pageFields[si]!.length > 0) {
      const f = pageFields[si]![Math.floor(rand() * pageFields[si]!.length)]!;
      const v = HOSTILE_INTS[Math.floor(rand() * HOSTILE_INTS.length)]!;
      // Page headers: same-length overwrite when possible, else splice (shifts later offsets: also hostile).
      out.push({ name: `${s.name} ${f.path}=${v}`, ext: '.parquet', bytes: splice(s.bytes, f.start, f.end, zigzagVarint(v)) });
    } else if (kind === 2) {
      out.push({ name: `${s.name} footer flips`, ext: '.parquet', bytes: flip(s.bytes, rand, fs, fe, 1 + Math.floor(rand() * 4)) });
    } else if (kind === 3) {
      out.push({ name: `${s.name} page flips`, ext: '.parquet', bytes: flip(s.bytes, rand, 4, fs, 1 + Math.floor(rand() * 8)) });
    } else if (kind === 4) {
      const cut = Math.floor(rand() * s.bytes.length);
      const b = s.bytes.slice(0, cut);
      // Keep the magic at the end sometimes, so the footer parser is reached.
      const t = rand() < 0.5 ? b : Uint8Array.from([...b, ...s.bytes.subarray(s.bytes.length - 8)]);
      out.push({ name: `${s.name} truncated at ${cut}`, ext: '.parquet', bytes: t });
    } else if (kind === 5) {
      const b = s.bytes.slice();
      new DataView(b.buffer).setUint32(b.length - 8, Math.floor(rand() * 2 ** 32), true);
      out.push({ name: `${s.name} footer length forged`, ext: '.parquet', bytes: b });
    } else {
      const f = footerFields[si]!.filter((x) => x.type === 'i64');
      const g = f[Math.floor(rand() * f.length)]!;
      const v = BigInt(Math.floor(rand() * 2 ** 40)) * (rand() < 0.3 ? -1n : 1n);
      out.push({ name: `${s.name} footer ${g.path}=${v}`, ext: '.parquet', bytes: setFooterInt(s.bytes, g, v) });
    }
  }
  return out.slice(0, count);
}

/** `count` mutated Arrow IPC files. */
export function hostileArrow(seed: number, count: number): HostileCase[] {
  const rand = prng(seed);
  const seeds = arrowSeeds(seed);
  const out: HostileCase[] = [];
  let i = 0;
  while (out.length < count) {
    const s = seeds[i++ % seeds.length]!;
    const kind = Math.floor(rand() * 4);
    if (kind === 0) out.push({ name: `${s.name} flips`, ext: s.ext, bytes: flip(s.bytes, rand, 0, s.bytes.length, 1 + Math.floor(rand() * 6)) });
    else if (kind === 1) out.push({ name: `${s.name} metadata flips`, ext: s.ext, bytes: flip(s.bytes, rand, 0, Math.min(s.bytes.length, 600), 1 + Math.floor(rand() * 3)) });
    else if (kind === 2) out.push({ name: `${s.name} truncated`, ext: s.ext, bytes: s.bytes.slice(0, Math.floor(rand() * s.bytes.length)) });
    else {
      // Forge a 32-bit little-endian value (a length, a count) somewhere in the first KiB.
      const b = s.bytes.slice();
      const p = 4 * Math.floor((rand() * Math.min(b.length - 8, 1024)) / 4);
      new DataView(b.buffer).setInt32(p, [0x7fffffff, -1, 0x10000000, 9_999_999][Math.floor(rand() * 4)]!, true);
      out.push({ name: `${s.name} int at ${p} forged`, ext: s.ext, bytes: b });
    }
  }
  return out;
}

const enc = (s: string): Uint8Array => Buffer.from(s, 'utf8');

/**
 * Text shapes. `scale` 1 = the sizes of issue 11 (200,000 columns, a 50 MB line); smaller in the unit tier.
 */
export function hostileText(seed: number, scale = 1): HostileCase[] {
  const rand = prng(seed);
  const wideCols = Math.round(200_000 * scale);
  const header = Array.from({ length: wideCols }, (_, i) => `c${i}`).join(',');
  const row = Array.from({ length: wideCols }, () => String(Math.floor(rand() * 10))).join(',');
  const lineBytes = Math.round(50 * 1024 * 1024 * scale);
  const line = (() => {
    const parts: string[] = [];
    let n = 0;
    while (n < lineBytes) {
      const v = (rand() * 1000).toFixed(3);
      parts.push(v);
      n += v.length + 1;
    }
    return parts.join(',');
  })();
  const deep = 100_000;
  const cases: HostileCase[] = [
    { name: `csv ${wideCols} columns`, ext: '.csv', bytes: enc(`${header}\n${row}\n${row}\n`) },
    { name: `csv one ${lineBytes}-byte line of numbers`, ext: '.csv', bytes: enc(line + '\n') },
    { name: 'csv one huge field', ext: '.csv', bytes: enc('a\n' + 'x'.repeat(Math.round(8 * 1024 * 1024 * scale)) + '\n') },
    { name: 'csv inf values', ext: '.csv', bytes: enc('x,y\n1,inf\n2,-inf\n3,Infinity\n4,5\n') },
    { name: 'csv duplicate names', ext: '.csv', bytes: enc('a,a,a.1\n1,2,3\n4,5,6\n') },
    { name: 'csv NUL bytes', ext: '.csv', bytes: Uint8Array.from([0x61, 0x2c, 0x62, 0x0a, 0x31, 0x00, 0x2c, 0x32, 0x0a]) },
    { name: 'csv ragged', ext: '.csv', bytes: enc('a,b\n1,2\n3\n4,5,6\n') },
    { name: 'csv unterminated quote', ext: '.csv', bytes: enc('a,b\n"1,2\n3,4\n') },
    { name: 'csv ESC and newlines in names', ext: '.csv', bytes: enc('"a\u001b[31m","b\nc"\n1,2\n') },
    { name: 'csv only delimiters', ext: '.csv', bytes: enc(',,,,\n,,,,\n') },
    { name: `json ${deep}-deep`, ext: '.json', bytes: enc('[{"a":' + '['.repeat(deep) + ']'.repeat(deep) + '}]') },
    { name: `jsonl ${deep}-deep`, ext: '.jsonl', bytes: enc('{"a":' + '{"b":'.repeat(deep) + '1' + '}'.repeat(deep) + '}\n') },
    { name: 'json many keys', ext: '.json', bytes: enc('[' + JSON.stringify(Object.fromEntries(Array.from({ length: Math.round(50_000 * scale) }, (_, i) => [`k${i}`, i]))) + ']') },
    { name: 'json columns of unequal length', ext: '.json', bytes: enc('{"a":[1,2,3],"b":[1]}') },
    { name: 'json proto keys', ext: '.jsonl', bytes: enc('{"__proto__":1,"constructor":2}\n{"__proto__":3,"constructor":4}\n') },
    { name: 'json not records', ext: '.json', bytes: enc('[1,2,3]') },
    { name: 'jsonl garbage line', ext: '.jsonl', bytes: enc('{"a":1}\n{"a":\n') },
  ];
  return cases;
}

/** The whole corpus for one seed. */
export function hostileCorpus(seed: number, options: { parquet: number; arrow: number; textScale: number }): HostileCase[] {
  return [...parquetSeeds(seed), ...arrowSeeds(seed), ...hostileParquet(seed, options.parquet), ...hostileArrow(seed, options.arrow), ...hostileText(seed, options.textScale)];
}

/** What happened to one case. `exit 2` = a typed data/drift error (the CLI's exit 2); `exit 3` = anything untyped. */
export type HostileOutcome = 'ok' | 'exit 2' | 'exit 3';

/**
 * Runs one case the way `ml-preflight drift` would (the file against itself: both readers, then every statistic)
 * and classifies the end: a report, a typed error (exit 2), or anything else (exit 3).
 */
export async function runHostileCase(file: string): Promise<{ outcome: HostileOutcome; message: string }> {
  try {
    const r = await computeDrift(file, file, { referenceName: file, currentName: file });
    return { outcome: 'ok', message: `${r.testedColumns} columns tested` };
  } catch (ex) {
    if (DataReadError.is(ex) || DriftError.is(ex)) return { outcome: 'exit 2', message: (ex as Error).message };
    return { outcome: 'exit 3', message: ex instanceof Error ? (ex.stack ?? ex.message) : String(ex) };
  }
}

/** A copy of a Parquet file whose footer declares `rows` rows (FileMetaData field 3), row groups unchanged. */
export function setFooterNumRows(parquet: Uint8Array, rows: bigint): Uint8Array {
  const fields: IntField[] = [];
  walkStruct(parquet, footer(parquet)[0], 'footer', fields);
  const f = fields.find((x) => x.path === 'footer.3');
  if (!f) throw new Error('no num_rows field');
  return setFooterInt(parquet, f, rows);
}
