/**
 * JSON Lines (one object per line, streamed) and JSON (an array of objects, or an object of equal-length
 * arrays, read whole up to a byte limit) readers. Keys become columns in first-seen order; a key absent from a
 * row is a missing value.
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Dataset } from './columns';
import { ColumnBuilder } from './columns';
import { DataReadError } from './errors';
import { checkColumns, resolveLimits, type DataLimits } from './limits';

export interface JsonReadOptions {
  signal?: AbortSignal;
  maxRows?: number;
  /** JSON (not JSON Lines) files are parsed whole: refuse larger ones (default: 1/8 of the memory budget, at most 512 MiB). */
  maxJsonBytes?: number;
  /** Column bound (`maxColumns`), memory budget. */
  limits?: Partial<DataLimits>;
}

class RowSink {
  readonly builders = new Map<string, ColumnBuilder>();
  rows = 0;

  constructor(private readonly file: string, private readonly maxRows: number, private readonly limits: DataLimits) {}

  /** @throws DataReadError `too-large` (rows, columns), `malformed` (a value nested too deeply). */
  push(obj: Record<string, unknown>, where: string): void {
    try {
      this.pushRow(obj);
    } catch (ex) {
      if (ex instanceof RangeError) throw new DataReadError('malformed', this.file, `${where}: ${ex.message}`);
      throw ex;
    }
  }

  private pushRow(obj: Record<string, unknown>): void {
    if (++this.rows > this.maxRows) {
      throw new DataReadError('too-large', this.file, `more than ${this.maxRows.toLocaleString('en-US')} rows (limit: setting mlPreflight.drift.maxRows / --max-rows)`);
    }
    const row = this.rows - 1;
    for (const key of Object.keys(obj)) {
      let b = this.builders.get(key);
      if (!b) {
        checkColumns(this.file, this.builders.size + 1, this.limits);
        b = new ColumnBuilder(key);
        for (let i = 0; i < row; i++) b.pushMissing();
        this.builders.set(key, b);
      }
      if (b.rows === row) b.pushJson(obj[key]);
    }
    for (const b of this.builders.values()) if (b.rows === row) b.pushMissing();
  }

  finish(format: 'json' | 'jsonl', bytes: number): Dataset {
    if (this.rows === 0) throw new DataReadError('empty', this.file, 'no rows');
    if (this.builders.size === 0) throw new DataReadError('no-columns', this.file, 'the objects have no keys');
    return { file: this.file, format, bytes, rows: this.rows, columns: [...this.builders.values()].map((b) => b.finish()), warnings: [] };
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** @throws DataReadError `malformed` naming the line that is not a JSON object, `empty`, `too-large`, `cancelled`. */
export async function readJsonLines(path: string, file: string, bytes: number, options: JsonReadOptions = {}): Promise<Dataset> {
  const sink = new RowSink(file, options.maxRows ?? Number.POSITIVE_INFINITY, resolveLimits({ ...options.limits, maxRows: options.maxRows }));
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const text of lines) {
      line++;
      if (options.signal?.aborted) throw new DataReadError('cancelled', file, 'cancelled');
      const t = line === 1 && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
      if (!t.trim()) continue;
      let value: unknown;
      try {
        value = JSON.parse(t);
      } catch (ex) {
        throw new DataReadError('malformed', file, `line ${line} is not valid JSON (${(ex as Error).message})`);
      }
      if (!isRecord(value)) throw new DataReadError('malformed', file, `line ${line} is not a JSON object`);
      sink.push(value, `line ${line}`);
    }
  } catch (ex) {
    stream.destroy();
    if (DataReadError.is(ex)) throw ex;
    throw new DataReadError('io', file, (ex as Error).message, { cause: ex });
  }
  return sink.finish('jsonl', bytes);
}

/** @throws DataReadError `malformed` (invalid JSON, not an array of objects), `too-large`, `empty`. */
export async function readJson(path: string, file: string, bytes: number, options: JsonReadOptions = {}): Promise<Dataset> {
  const limits = resolveLimits({ ...options.limits, maxRows: options.maxRows });
  // JSON.parse needs several times the text in memory: bound the text by the memory budget.
  const maxJsonBytes = options.maxJsonBytes ?? Math.min(512 * 1024 * 1024, Math.floor((limits.maxMemoryMb * 1024 * 1024) / 8));
  if (bytes > maxJsonBytes) {
    throw new DataReadError('too-large', file, `${bytes} bytes of JSON is over the ${maxJsonBytes}-byte limit for whole-file JSON; convert it to JSON Lines (one object per line), which is streamed`);
  }
  let value: unknown;
  try {
    const text = await readFile(path, { encoding: 'utf8', signal: options.signal });
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (ex) {
    if ((ex as { name?: string }).name === 'AbortError') throw new DataReadError('cancelled', file, 'cancelled');
    if (ex instanceof SyntaxError) throw new DataReadError('malformed', file, `invalid JSON (${ex.message})`);
    if (ex instanceof RangeError) throw new DataReadError('malformed', file, `JSON nested too deeply or too large to parse (${ex.message})`);
    throw new DataReadError('io', file, (ex as Error).message, { cause: ex });
  }
  const sink = new RowSink(file, options.maxRows ?? Number.POSITIVE_INFINITY, limits);
  if (Array.isArray(value)) {
    value.forEach((row, i) => {
      if (!isRecord(row)) throw new DataReadError('malformed', file, `element ${i} of the array is not an object`);
      sink.push(row, `element ${i}`);
    });
    return sink.finish('json', bytes);
  }
  if (isRecord(value) && Object.values(value).every(Array.isArray)) {
    // Columnar JSON (pandas `to_json(orient='list')`-like): { "a": [...], "b": [...] }.
    const entries = Object.entries(value) as Array<[string, unknown[]]>;
    checkColumns(file, entries.length, limits);
    const n = entries[0]?.[1].length ?? 0;
    const bad = entries.find(([, v]) => v.length !== n);
    if (bad) throw new DataReadError('malformed', file, `column '${bad[0]}' has ${bad[1].length} values, expected ${n}`);
    if (n > (options.maxRows ?? Number.POSITIVE_INFINITY)) throw new DataReadError('too-large', file, `${n} rows, over the limit of ${options.maxRows}`);
    if (n === 0) throw new DataReadError('empty', file, 'no rows');
    const columns = entries.map(([name, vs]) => {
      const b = new ColumnBuilder(name);
      try {
        for (const v of vs) b.pushJson(v);
      } catch (ex) {
        if (ex instanceof RangeError) throw new DataReadError('malformed', file, `column '${name}': ${ex.message}`);
        throw ex;
      }
      return b.finish();
    });
    return { file, format: 'json', bytes, rows: n, columns, warnings: [] };
  }
  throw new DataReadError('malformed', file, 'expected an array of objects (records) or an object of arrays (columns)');
}
