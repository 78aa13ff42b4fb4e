/**
 * Real input samples from files: NumPy `.npy` (format 1.0–3.0, little- or big-endian, C order), JSON
 * (`{ "input": [[…], …] }` nested arrays, or `{ "input": { "dims": [...], "data": [...] } }`, or a bare nested
 * array for a single-input model), and CSV (one sample per row; a header row names the columns, and
 * `file.csv:colA,colB` picks and orders columns). The leading dim of each array counts samples (rows).
 */
import { parseJsonBounded } from '../jsonSafe';
import { readRegularFile, SafeFsError } from '../safeFs';
import * as path from 'node:path';
import { ProfileError } from './errors';
import { fromFloat16Bits } from './inputs';

/** Largest sample file read (the samples are held in memory, then tiled into every batch). */
const MAX_SAMPLE_BYTES = 1024 ** 3;

/** Sample values of one input: flat data in C order plus its shape. */
export interface SampleArray {
  file: string;
  shape: number[];
  /** Numbers as float64, integers as int64, bools as uint8, strings as strings. */
  data: Float64Array | BigInt64Array | Uint8Array | string[];
}

const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/**
 * Parses a `.npy` file's bytes.
 *
 * @throws ProfileError 'bad-samples' naming the file for a bad header, Fortran order, an unsupported dtype or short data.
 */
export function parseNpy(file: string, bytes: Uint8Array): SampleArray {
  const fail = (why: string): never => {
    throw new ProfileError('bad-samples', `${file}: not a usable .npy file: ${why}`);
  };
  if (bytes.length < 10 || NPY_MAGIC.some((b, i) => bytes[i] !== b)) fail('missing the \\x93NUMPY magic');
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  if (headerStart + headerLen > bytes.length) fail('header runs past the end of the file');
  const header = new TextDecoder(major >= 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, headerStart + headerLen));
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1] ?? fail(`no 'descr' in header ${JSON.stringify(header.slice(0, 80))}`);
  if (/'fortran_order'\s*:\s*True/.test(header)) fail('Fortran-ordered arrays are not supported (save with np.ascontiguousarray)');
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1] ?? fail('no shape in header');
  const shape = shapeText.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) fail(`bad shape (${shapeText})`);
  const count = shape.reduce((a, b) => a * b, 1);
  const m = /^([<>|=])([a-zA-Z])(\d+)$/.exec(descr) ?? fail(`unsupported dtype '${descr}'`);
  const little = m[1] !== '>';
  const kind = m[2]!;
  const size = Number(m[3]);
  const offset = headerStart + headerLen;
  if (kind === 'U') {
    // numpy unicode: UCS-4 code units, `size` characters per element.
    if (offset + count * size * 4 > bytes.length) fail(`data is shorter than shape [${shape.join(', ')}] needs`);
    const out: string[] = [];
    for (let i = 0; i < count; i++) {
      let s = '';
      for (let c = 0; c < size; c++) {
        const cp = view.getUint32(offset + (i * size + c) * 4, little);
        if (cp === 0) break;
        s += String.fromCodePoint(cp);
      }
      out.push(s);
    }
    return { file, shape, data: out };
  }
  if (offset + count * size > bytes.length) fail(`data is shorter than shape [${shape.join(', ')}] needs (${count} × ${size} bytes)`);
  const read: Record<string, ((o: number) => number | bigint) | undefined> = {
    f2: (o) => fromFloat16Bits(view.getUint16(o, little)),
    f4: (o) => view.getFloat32(o, little),
    f8: (o) => view.getFloat64(o, little),
    i1: (o) => view.getInt8(o),
    u1: (o) => view.getUint8(o),
    b1: (o) => view.getUint8(o),
    i2: (o) => view.getInt16(o, little),
    u2: (o) => view.getUint16(o, little),
    i4: (o) => view.getInt32(o, little),
    u4: (o) => view.getUint32(o, little),
    i8: (o) => view.getBigInt64(o, little),
    u8: (o) => view.getBigUint64(o, little),
  };
  const get = read[`${kind}${size}`] ?? fail(`unsupported dtype '${descr}'`);
  if (kind === 'b') {
    const data = new Uint8Array(count);
    for (let i = 0; i < count; i++) data[i] = Number(get(offset + i * size)) ? 1 : 0;
    return { file, shape, data };
  }
  if (size === 8 && (kind === 'i' || kind === 'u')) {
    const data = new BigInt64Array(count);
    for (let i = 0; i < count; i++) data[i] = BigInt.asIntN(64, get(offset + i * size) as bigint);
    return { file, shape, data };
  }
  const data = new Float64Array(count);
  for (let i = 0; i < count; i++) data[i] = get(offset + i * size) as number;
  return { file, shape, data };
}

/** Shape and flat values of a nested JSON array; @throws ProfileError on ragged or mixed arrays. */
export function flattenNested(file: string, what: string, value: unknown): SampleArray {
  const shape: number[] = [];
  let probe: unknown = value;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = probe[0];
  }
  const flat: unknown[] = [];
  const walk = (v: unknown, depth: number): void => {
    if (depth === shape.length) {
      flat.push(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) {
      throw new ProfileError('bad-samples', `${file}: '${what}' is a ragged array (expected length ${shape[depth]} at depth ${depth})`);
    }
    for (const x of v) walk(x, depth + 1);
  };
  walk(value, 0);
  return fromValues(file, what, shape, flat);
}

function fromValues(file: string, what: string, shape: number[], flat: unknown[]): SampleArray {
  if (flat.every((v) => typeof v === 'string')) return { file, shape, data: flat as string[] };
  if (flat.every((v) => typeof v === 'boolean')) return { file, shape, data: Uint8Array.from(flat as boolean[], (b) => (b ? 1 : 0)) };
  if (flat.every((v) => typeof v === 'number' && Number.isFinite(v))) return { file, shape, data: Float64Array.from(flat as number[]) };
  const bad = flat.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
  throw new ProfileError('bad-samples', `${file}: '${what}' holds a value that is not a finite number, a bool or a string (element ${bad}: ${JSON.stringify(flat[bad])?.slice(0, 40)})`);
}

/**
 * Parses a JSON samples document. A bare array goes to `singleInput` (the model's only input).
 *
 * @throws ProfileError 'bad-samples' for invalid JSON or arrays that are ragged or mixed.
 */
export function parseJsonSamples(file: string, text: string, singleInput?: string): Record<string, SampleArray> {
  let doc: unknown;
  try {
    doc = parseJsonBounded(text); // nesting limit: the sample walker recurses
  } catch (ex) {
    throw new ProfileError('bad-samples', `${file}: invalid JSON: ${ex instanceof Error ? ex.message : String(ex)}`);
  }
  if (Array.isArray(doc)) {
    if (!singleInput) throw new ProfileError('bad-samples', `${file}: a bare array needs a model with one input; use { "<input>": [...] }`);
    return { [singleInput]: flattenNested(file, singleInput, doc) };
  }
  if (typeof doc !== 'object' || doc === null) throw new ProfileError('bad-samples', `${file}: expected an object mapping input names to arrays`);
  const out: Record<string, SampleArray> = {};
  for (const [name, v] of Object.entries(doc)) {
    if (v && typeof v === 'object' && !Array.isArray(v) && Array.isArray((v as { dims?: unknown }).dims)) {
      const { dims, data } = v as { dims: unknown[]; data?: unknown };
      if (!dims.every((d) => Number.isInteger(d) && (d as number) >= 0) || !Array.isArray(data)) {
        throw new ProfileError('bad-samples', `${file}: '${name}' needs integer "dims" and a flat "data" array`);
      }
      const expected = (dims as number[]).reduce((a, b) => a * b, 1);
      if (data.length !== expected) throw new ProfileError('bad-samples', `${file}: '${name}' has ${data.length} values, dims [${dims.join(', ')}] need ${expected}`);
      out[name] = fromValues(file, name, dims as number[], data);
    } else {
      out[name] = flattenNested(file, name, v);
    }
  }
  return out;
}

/** Splits CSV text into rows of fields (RFC 4180 quoting: `"a,b"`, `""` for a quote). */
export function splitCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      field = '';
      if (row.some((f) => f.trim() !== '')) rows.push(row);
      row = [];
    } else field += c;
  }
  row.push(field);
  if (row.some((f) => f.trim() !== '')) rows.push(row);
  return rows;
}

const NUMBER = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

/**
 * Parses CSV samples: rows → samples, the chosen columns → features (shape `[rows, columns]`). The first row is a
 * header when any of its fields is not a number. `columns` (names from the header, or 0-based indices) picks
 * and orders the columns; default: all. Numbers become float64; a column with any non-number makes the whole
 * array strings (for string inputs).
 *
 * @throws ProfileError 'bad-samples' naming the file for an empty file, an unknown column or ragged rows.
 */
export function parseCsvSamples(file: string, text: string, columns?: readonly string[]): SampleArray {
  const rows = splitCsv(text);
  if (rows.length === 0) throw new ProfileError('bad-samples', `${file}: the CSV file is empty`);
  const hasHeader = rows[0]!.some((f) => !NUMBER.test(f));
  const header = hasHeader ? rows[0]!.map((h) => h.trim()) : rows[0]!.map((_, i) => String(i));
  const body = hasHeader ? rows.slice(1) : rows;
  if (body.length === 0) throw new ProfileError('bad-samples', `${file}: the CSV file has a header but no rows`);
  const picked = (columns?.length ? columns : header).map((c) => {
    const byName = header.indexOf(c.trim());
    const index = byName >= 0 ? byName : /^\d+$/.test(c.trim()) && !hasHeader ? Number(c) : -1;
    if (index < 0 || index >= header.length) {
      throw new ProfileError('bad-samples', `${file}: no column '${c}' (columns: ${header.slice(0, 20).join(', ')}${header.length > 20 ? ', …' : ''})`);
    }
    return index;
  });
  const bad = body.findIndex((r) => r.length !== header.length);
  if (bad >= 0) throw new ProfileError('bad-samples', `${file}: row ${bad + (hasHeader ? 2 : 1)} has ${body[bad]!.length} fields, the ${hasHeader ? 'header' : 'first row'} has ${header.length}`);
  const cells = body.flatMap((r) => picked.map((i) => r[i]!));
  const shape = [body.length, picked.length];
  if (cells.every((v) => NUMBER.test(v))) return { file, shape, data: Float64Array.from(cells, Number) };
  return { file, shape, data: cells.map((v) => v.trim()) };
}

/**
 * Reads samples from `.npy` or `.csv` (for `input`, or the single input) or `.json` files; `columns` picks CSV columns.
 *
 * @throws ProfileError 'bad-samples' naming the file when it cannot be read or parsed.
 */
export async function readSamples(file: string, input: string | undefined, singleInput: string | undefined, columns?: readonly string[]): Promise<Record<string, SampleArray>> {
  let bytes: Uint8Array;
  try {
    // Read rule: a regular file (a FIFO or device never hangs the run), at most MAX_SAMPLE_BYTES.
    bytes = await readRegularFile(file, { maxBytes: MAX_SAMPLE_BYTES });
  } catch (ex) {
    if (SafeFsError.is(ex)) throw new ProfileError('bad-samples', `${file}: cannot read the sample file (${ex.reason === 'not-found' ? 'not found' : ex.detail})`);
    throw new ProfileError('bad-samples', `${file}: cannot read the sample file (${String(ex)})`);
  }
  const ext = path.extname(file).toLowerCase();
  if (ext === '.npy') {
    const name = input ?? singleInput;
    if (!name) throw new ProfileError('bad-samples', `${file}: say which input it feeds (--input NAME=${path.basename(file)}); the model has several inputs`);
    return { [name]: parseNpy(file, bytes) };
  }
  if (ext === '.csv') {
    const name = input ?? singleInput;
    if (!name) throw new ProfileError('bad-samples', `${file}: say which input it feeds (--input NAME=${path.basename(file)}); the model has several inputs`);
    return { [name]: parseCsvSamples(file, new TextDecoder().decode(bytes), columns) };
  }
  if (ext === '.json') {
    const all = parseJsonSamples(file, new TextDecoder().decode(bytes), input ?? singleInput);
    return input && !all[input] && Object.keys(all).length === 1 ? { [input]: Object.values(all)[0]! } : all;
  }
  throw new ProfileError('bad-samples', `${file}: unsupported sample format '${ext || 'none'}' (use .npy, .json or .csv)`);
}
