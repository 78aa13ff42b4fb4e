/**
 * Streaming CSV reader (RFC 4180 quoting: `"a, b"`, `""` inside quotes, newlines inside quotes; LF or CRLF;
 * UTF-8 with or without BOM). Delimiter (`,` `;` tab `|`) and header are guessed from the first 64 KiB; values
 * go straight into columnar builders, so memory grows with rows × columns × 8 bytes, not with the file's text.
 */
import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import type { Dataset } from './columns';
import { ColumnBuilder, parseDateTime, parseNumber } from './columns';
import { DataReadError } from './errors';
import { checkColumns, resolveLimits, uniqueNames, type DataLimits } from './limits';

const QUOTE = 34;
const LF = 10;
const CR = 13;

/** A record has more fields than the tokenizer's `maxFields`. */
export class TooManyFields extends Error {
  constructor(readonly line: number, readonly maxFields: number) {
    super(`line ${line} has more than ${maxFields.toLocaleString('en-US')} fields`);
  }
}

/** Receives one record: its fields and the 1-based line where it starts. */
export type RecordSink = (fields: string[], line: number) => void;

/** Incremental CSV tokenizer: feed text chunks, then `end()`. */
export class CsvTokenizer {
  private field = '';
  private fields: string[] = [];
  private inQuotes = false;
  private afterQuote = false;
  private quoted = false;
  private pendingCR = false;
  private line = 1;
  private recordLine = 1;
  private quoteLine = 0;
  private readonly delim: number;

  /**
   * @param maxFields a record with more fields throws `TooManyFields` as soon as it gets there (bounds memory on a
   *   50 MB single line of numbers or 200,000 columns: issue 11, class 9).
   */
  constructor(delimiter: string, private readonly sink: RecordSink, private readonly maxFields = Number.POSITIVE_INFINITY) {
    this.delim = delimiter.charCodeAt(0);
  }

  feed(text: string): void {
    const n = text.length;
    const delim = this.delim;
    let start = 0;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (this.pendingCR) {
        this.pendingCR = false;
        if (c === LF) {
          start = i + 1;
          continue;
        }
      }
      if (this.inQuotes) {
        if (c === QUOTE) {
          this.field += text.slice(start, i);
          this.inQuotes = false;
          this.afterQuote = true;
          start = i + 1;
        } else if (c === LF) this.line++;
        continue;
      }
      if (c === delim) {
        if (this.fields.length >= this.maxFields) throw new TooManyFields(this.recordLine, this.maxFields);
        this.fields.push(this.field + text.slice(start, i));
        this.field = '';
        this.afterQuote = false;
        this.quoted = false;
        start = i + 1;
      } else if (c === LF || c === CR) {
        this.fields.push(this.field + text.slice(start, i));
        this.field = '';
        this.afterQuote = false;
        this.emit();
        this.line++;
        this.recordLine = this.line;
        if (c === CR) this.pendingCR = true;
        start = i + 1;
      } else if (c === QUOTE) {
        if (this.afterQuote) {
          // `""` inside a quoted field: one literal quote, back inside the quotes.
          this.field += '"';
          this.inQuotes = true;
          this.afterQuote = false;
          start = i + 1;
        } else if (i === start && this.field === '' && !this.quoted) {
          this.inQuotes = true;
          this.quoted = true;
          this.quoteLine = this.line;
          start = i + 1;
        }
        // A quote inside an unquoted field is kept as text (as pandas does).
      } else if (this.afterQuote) {
        // Text after a closing quote (`"a"b`): keep it, as pandas does.
        this.afterQuote = false;
      }
    }
    if (start < n) this.field += text.slice(start);
  }

  private emit(): void {
    const fields = this.fields;
    this.fields = [];
    this.quoted = false;
    // Blank line.
    if (fields.length === 1 && fields[0] === '') return;
    this.sink(fields, this.recordLine);
  }

  /** Flushes the last record. @throws Error naming the line of an unterminated quote. */
  end(): void {
    if (this.inQuotes) throw new Error(`unterminated quoted field starting on line ${this.quoteLine}`);
    if (this.field !== '' || this.fields.length > 0) {
      this.fields.push(this.field);
      this.field = '';
      this.emit();
    }
  }
}

/** The delimiter whose per-line count is most consistent (and non-zero) over the sample's first lines. */
export function sniffDelimiter(sample: string): string {
  const records: string[][] = [];
  const candidates = [',', ';', '\t', '|'];
  let best = ',';
  let bestScore = -1;
  for (const d of candidates) {
    records.length = 0;
    const t = new CsvTokenizer(d, (f) => {
      if (records.length < 20) records.push(f);
    });
    try {
      t.feed(sample);
    } catch {
      continue;
    }
    // The last line of a sample may be cut: ignore it unless it is the only one.
    const rows = records.length > 1 ? records.slice(0, -1) : records;
    if (rows.length === 0) continue;
    const n = rows[0]!.length;
    if (n < 2) continue;
    const consistent = rows.filter((r) => r.length === n).length / rows.length;
    const score = consistent * 1000 + Math.min(n, 999);
    if (score > bestScore) {
      bestScore = score;
      best = d;
    }
  }
  return best;
}

function looksLikeValue(s: string): boolean {
  return s.trim() !== '' && (parseNumber(s) !== undefined || parseDateTime(s) !== undefined);
}

/**
 * Whether the first record is a header: no cell of it is a number or a date while the same column holds
 * one in a later record, and none is empty. When every column is text, a header is assumed (pandas' default).
 */
export function sniffHeader(records: readonly string[][]): boolean {
  const first = records[0];
  if (!first) return false;
  if (first.some((c) => looksLikeValue(c))) return false;
  return true;
}

/**
 * Unique header names: empty → `Unnamed: i`, duplicates → `name.1`, `name.2` (pandas' `mangle_dupe_cols`), never
 * colliding with a later or earlier real name (`a, a, a.1` → `a, a.1, a.1.1`); each rename is a warning.
 */
export function headerNames(cells: readonly string[], warnings: string[] = []): string[] {
  return uniqueNames(cells.map((raw, i) => raw.trim() || `Unnamed: ${i}`), warnings);
}

export interface CsvReadOptions {
  signal?: AbortSignal;
  /** Refuse files with more data rows. */
  maxRows?: number;
  /** Force a delimiter instead of sniffing. */
  delimiter?: string;
  /** Force header on/off instead of guessing. */
  header?: boolean;
  /** Progress: bytes read so far. */
  onProgress?: (bytesRead: number) => void;
  /** Column bound (`maxColumns`); `maxRows` above wins over `limits.maxRows`. */
  limits?: Partial<DataLimits>;
}

/**
 * Reads a CSV file into columns.
 *
 * @throws DataReadError `empty` (no data), `malformed` (a row with the wrong number of fields, naming its line;
 *   an unterminated quote), `format-mismatch` (binary content), `too-large` (over `maxRows`), `cancelled`, `io`.
 */
export async function readCsv(path: string, file: string, bytes: number, options: CsvReadOptions = {}): Promise<Dataset> {
  const { signal, maxRows = Number.POSITIVE_INFINITY } = options;
  const limits = resolveLimits({ ...options.limits, maxRows });
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  const decoder = new StringDecoder('utf8');
  const warnings: string[] = [];
  let builders: ColumnBuilder[] | undefined;
  let names: string[] | undefined;
  let rows = 0;
  let failure: DataReadError | undefined;
  let pending: string[][] | undefined = [];
  let sampled = '';
  let tokenizer: CsvTokenizer | undefined;
  let bytesRead = 0;
  let first = true;

  const onRecord = (fields: string[], line: number): void => {
    if (failure) return;
    if (!builders) {
      // First record: header or data.
      const header = options.header ?? sniffHeader(pending && pending.length ? pending : [fields]);
      checkColumns(file, fields.length, limits);
      names = header ? headerNames(fields, warnings) : fields.map((_, i) => `column_${i + 1}`);
      builders = names.map((n) => new ColumnBuilder(n));
      if (!options.header && !header) warnings.push(`no header row detected: columns are named column_1…column_${names.length}`);
      if (header) return;
    }
    if (fields.length !== builders.length) {
      failure = new DataReadError('malformed', file, `line ${line} has ${fields.length} field${fields.length === 1 ? '' : 's'}, expected ${builders.length} (as in the ${options.header === false ? 'first row' : 'header'})`);
      return;
    }
    if (++rows > maxRows) {
      failure = new DataReadError('too-large', file, `more than ${maxRows.toLocaleString('en-US')} rows (limit: setting mlPreflight.drift.maxRows / --max-rows)`);
      return;
    }
    for (let i = 0; i < fields.length; i++) builders[i]!.pushText(fields[i]!);
  };

  const start = (sample: string): void => {
    const delimiter = options.delimiter ?? sniffDelimiter(sample);
    // Header guess from the sample's first records.
    const sampleRecords: string[][] = [];
    const sniff = new CsvTokenizer(delimiter, (f) => {
      if (sampleRecords.length < 20) sampleRecords.push(f);
    }, limits.maxColumns);
    try {
      sniff.feed(sample);
    } catch {
      /* the real pass reports it */
    }
    pending = sampleRecords;
    tokenizer = new CsvTokenizer(delimiter, onRecord, limits.maxColumns);
    tokenizer.feed(sample);
    pending = undefined;
  };

  try {
    for await (const chunk of stream) {
      if (signal?.aborted) throw new DataReadError('cancelled', file, 'cancelled');
      const buf = chunk as Buffer;
      bytesRead += buf.length;
      if (first) {
        first = false;
        const probe = buf.subarray(0, 8192);
        if (probe.includes(0)) throw new DataReadError('format-mismatch', file, 'binary content, not CSV text (is it Parquet, Arrow or a compressed file?)');
      }
      let text = decoder.write(buf);
      if (tokenizer) tokenizer.feed(text);
      else {
        if (sampled === '' && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        sampled += text;
        if (sampled.length >= 65536) {
          start(sampled);
          sampled = '';
        }
      }
      if (failure) throw failure;
      options.onProgress?.(bytesRead);
    }
    const rest = decoder.end();
    if (!tokenizer) start(sampled + rest);
    else tokenizer.feed(rest);
    tokenizer!.end();
  } catch (ex) {
    stream.destroy();
    if (DataReadError.is(ex)) throw ex;
    if (ex instanceof TooManyFields) throw new DataReadError('too-large', file, `${ex.message}, over the limit of ${ex.maxFields.toLocaleString('en-US')} columns (setting mlPreflight.drift.maxColumns)`);
    if (ex instanceof Error && /unterminated quoted field/.test(ex.message)) throw new DataReadError('malformed', file, ex.message);
    throw new DataReadError('io', file, ex instanceof Error ? ex.message : String(ex), { cause: ex });
  }
  if (failure) throw failure;
  if (!builders || !names) throw new DataReadError('empty', file, 'no rows (the file is empty or blank)');
  if (rows === 0) throw new DataReadError('empty', file, `a header (${names.length} columns) but no data rows`);
  return { file, format: 'csv', bytes, rows, columns: builders.map((b) => b.finish()), warnings };
}
