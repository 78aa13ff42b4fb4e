/**
 * Columnar datasets: numbers in `Float64Array`s (NaN = missing; ±Infinity is treated as missing, as Evidently
 * does), strings dictionary-encoded (`Int32Array` codes into a `dictionary`, -1 = missing). Never row objects.
 */
import type { ColumnType, DataFormat } from '../../shared/drift';

export interface NumericColumn {
  readonly name: string;
  readonly type: 'numeric' | 'datetime';
  /** One value per row; NaN marks a missing value. Datetimes are milliseconds since the Unix epoch (UTC). */
  readonly values: Float64Array;
}

export interface CategoricalColumn {
  readonly name: string;
  readonly type: 'categorical' | 'boolean' | 'text';
  /** One code per row into `dictionary`; -1 marks a missing value. */
  readonly codes: Int32Array;
  readonly dictionary: readonly string[];
}

export type DataColumn = NumericColumn | CategoricalColumn;

export interface Dataset {
  /** The file as given. */
  readonly file: string;
  readonly format: DataFormat;
  readonly bytes: number;
  readonly rows: number;
  readonly columns: readonly DataColumn[];
  /** Things the reader skipped or assumed (nested columns, header guess…). */
  readonly warnings: readonly string[];
}

export function isNumericColumn(c: DataColumn): c is NumericColumn {
  return c.type === 'numeric' || c.type === 'datetime';
}

/** Formats a number as a category label (`1`, `2.5`), as pandas' `astype(str)` would for most values. */
export function numberLabel(v: number): string {
  return Number.isInteger(v) && Math.abs(v) < 1e21 ? String(v) : String(v);
}

/** Dictionary-encodes the numbers of a numeric column (for a categorical override or a type mismatch). */
export function numericToCategorical(c: NumericColumn, type: CategoricalColumn['type'] = 'categorical'): CategoricalColumn {
  const dict = new Map<number, number>();
  const dictionary: string[] = [];
  const codes = new Int32Array(c.values.length);
  for (let i = 0; i < c.values.length; i++) {
    const v = c.values[i]!;
    if (Number.isNaN(v)) {
      codes[i] = -1;
      continue;
    }
    let code = dict.get(v);
    if (code === undefined) {
      code = dictionary.length;
      dict.set(v, code);
      dictionary.push(c.type === 'datetime' ? new Date(v).toISOString() : numberLabel(v));
    }
    codes[i] = code;
  }
  return { name: c.name, type, codes, dictionary };
}

/**
 * Parses the dictionary entries of a categorical column as numbers (for a numeric override). Entries that are
 * not numbers become missing; returns how many rows that made missing.
 */
export function categoricalToNumeric(c: CategoricalColumn, type: NumericColumn['type'] = 'numeric'): { column: NumericColumn; unparsed: number } {
  const parsed = c.dictionary.map((s) => (type === 'datetime' ? parseDateTime(s) : parseNumber(s)));
  const values = new Float64Array(c.codes.length);
  let unparsed = 0;
  for (let i = 0; i < c.codes.length; i++) {
    const code = c.codes[i]!;
    if (code < 0) {
      values[i] = NaN;
      continue;
    }
    const v = parsed[code]!;
    if (v === undefined) {
      values[i] = NaN;
      unparsed++;
    } else values[i] = v;
  }
  return { column: { name: c.name, type, values }, unparsed };
}

/** Converts a column to `type`. @throws Error naming the column when a conversion loses every value. */
export function convertColumn(c: DataColumn, type: ColumnType): { column: DataColumn; unparsed: number } {
  if (c.type === type) return { column: c, unparsed: 0 };
  if (type === 'numeric' || type === 'datetime') {
    if (isNumericColumn(c)) return { column: { name: c.name, type, values: c.values }, unparsed: 0 };
    return categoricalToNumeric(c, type);
  }
  if (isNumericColumn(c)) return { column: numericToCategorical(c, type), unparsed: 0 };
  return { column: { name: c.name, type, codes: c.codes, dictionary: c.dictionary }, unparsed: 0 };
}

const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

const INFINITY_RE = /^[+-]?(?:inf|infinity)$/i;

/**
 * `inf`, `-inf`, `Infinity`, `+INF`… (numpy / pandas / Python spellings): a numeric value that counts as missing
 * (docs/drift.md: ±∞ are dropped like NaN), so such a cell keeps its column numeric.
 */
export function isInfinityToken(s: string): boolean {
  return s.length <= 9 && INFINITY_RE.test(s.trim());
}

/** A decimal number (`12`, `-1.5e3`, `.5`), `inf`/`nan` spellings excluded; undefined when not a number. */
export function parseNumber(s: string): number | undefined {
  const t = s.trim();
  if (!NUMBER_RE.test(t)) return undefined;
  return Number(t);
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** ISO 8601 date or date-time (`2024-05-01`, `2024-05-01 12:30:00`, `…T12:30:00.5Z`) → epoch ms (UTC when no zone). */
export function parseDateTime(s: string): number | undefined {
  const t = s.trim();
  if (!DATE_RE.test(t)) return undefined;
  let iso = t.replace(' ', 'T');
  if (iso.length === 10) iso += 'T00:00:00Z';
  else if (!/(?:Z|[+-]\d{2}:?\d{2})$/.test(iso)) iso += 'Z';
  // Trim sub-millisecond digits: Date.parse accepts at most 3.
  iso = iso.replace(/(\.\d{3})\d+/, '$1');
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}

/** pandas' default `na_values` (read_csv), plus the empty string. */
export const MISSING_TOKENS: ReadonlySet<string> = new Set([
  '', '#N/A', '#N/A N/A', '#NA', '-1.#IND', '-1.#QNAN', '-NaN', '-nan', '1.#IND', '1.#QNAN', '<NA>', 'N/A', 'NA', 'NULL', 'NaN', 'None', 'n/a', 'nan', 'null',
]);

const TRUE_TOKENS = new Set(['true', 'True', 'TRUE']);
const FALSE_TOKENS = new Set(['false', 'False', 'FALSE']);

/**
 * Builds one column from text cells (CSV) or JSON values, inferring its type as values arrive:
 * all numbers → numeric; all ISO dates → datetime; all true/false → boolean; otherwise categorical, or text
 * when values are long and mostly unique (≥ 50% unique, > 100 distinct, mean length ≥ 30 characters).
 * Numbers seen before the first non-number are re-labelled with their shortest decimal form.
 */
export class ColumnBuilder {
  private state: 'empty' | 'numeric' | 'datetime' | 'string' = 'empty';
  // Small at first: a file may have 200,000 columns (issue 11); capacity doubles as rows arrive.
  private nums = new Float64Array(16);
  private codes = new Int32Array(16);
  private readonly dict = new Map<string, number>();
  private readonly dictionary: string[] = [];
  private length = 0;
  private boolOnly = true;
  private totalChars = 0;
  private strCount = 0;

  constructor(readonly name: string) {}

  get rows(): number {
    return this.length;
  }

  private grow(): void {
    const cap = this.codes.length * 2;
    if (this.state !== 'string') {
      const n = new Float64Array(cap);
      n.set(this.nums);
      this.nums = n;
    }
    const c = new Int32Array(cap);
    c.set(this.codes);
    this.codes = c;
  }

  private code(s: string): number {
    let code = this.dict.get(s);
    if (code === undefined) {
      code = this.dictionary.length;
      this.dict.set(s, code);
      this.dictionary.push(s);
      this.totalChars += s.length;
    }
    return code;
  }

  /** Switches to string storage, re-labelling what was stored. */
  private toStrings(): void {
    if (this.state === 'numeric' || this.state === 'datetime') {
      const datetime = this.state === 'datetime';
      for (let i = 0; i < this.length; i++) {
        const v = this.nums[i]!;
        this.codes[i] = Number.isNaN(v) ? -1 : this.code(datetime ? new Date(v).toISOString() : numberLabel(v));
      }
      this.boolOnly = false;
    } else {
      this.codes.fill(-1, 0, this.length);
    }
    this.nums = new Float64Array(0);
    this.state = 'string';
  }

  /** A missing value. */
  pushMissing(): void {
    if (this.length === this.codes.length) this.grow();
    if (this.state === 'string') this.codes[this.length++] = -1;
    else this.nums[this.length++] = NaN;
  }

  /** A text cell (CSV): missing tokens, numbers, dates, booleans, strings. */
  pushText(s: string): void {
    if (MISSING_TOKENS.has(s)) {
      this.pushMissing();
      return;
    }
    if (this.length === this.codes.length) this.grow();
    switch (this.state) {
      case 'empty':
      case 'numeric': {
        if (isInfinityToken(s)) {
          this.state = 'numeric';
          this.nums[this.length++] = NaN;
          return;
        }
        const v = parseNumber(s);
        if (v !== undefined) {
          this.state = 'numeric';
          this.nums[this.length++] = Number.isFinite(v) ? v : NaN;
          return;
        }
        if (this.state === 'empty') {
          const d = parseDateTime(s);
          if (d !== undefined) {
            this.state = 'datetime';
            this.nums[this.length++] = d;
            return;
          }
        }
        this.toStrings();
        break;
      }
      case 'datetime': {
        const d = parseDateTime(s);
        if (d !== undefined) {
          this.nums[this.length++] = d;
          return;
        }
        this.toStrings();
        break;
      }
      case 'string':
        break;
    }
    if (this.boolOnly && !TRUE_TOKENS.has(s) && !FALSE_TOKENS.has(s)) this.boolOnly = false;
    this.strCount++;
    this.codes[this.length++] = this.code(TRUE_TOKENS.has(s) ? 'true' : FALSE_TOKENS.has(s) ? 'false' : s);
  }

  /** A JSON value: numbers stay numbers, strings are strings (dates detected), booleans, null = missing, others as JSON text. */
  pushJson(v: unknown): void {
    if (v === null || v === undefined) {
      this.pushMissing();
      return;
    }
    if (typeof v === 'number') {
      if (this.state === 'empty' || this.state === 'numeric') {
        if (this.length === this.codes.length) this.grow();
        this.state = 'numeric';
        this.nums[this.length++] = Number.isFinite(v) ? v : NaN;
        return;
      }
      this.pushString(numberLabel(v));
      return;
    }
    if (typeof v === 'boolean') {
      this.pushString(v ? 'true' : 'false');
      return;
    }
    if (typeof v === 'string') {
      if (v === '') {
        this.pushMissing();
        return;
      }
      if (this.state === 'empty' || this.state === 'datetime') {
        const d = parseDateTime(v);
        if (d !== undefined) {
          if (this.length === this.codes.length) this.grow();
          this.state = 'datetime';
          this.nums[this.length++] = d;
          return;
        }
      }
      this.boolOnly = false;
      this.pushString(v);
      return;
    }
    this.boolOnly = false;
    let text: string;
    try {
      text = JSON.stringify(v);
    } catch {
      // A value nested deeper than the stack allows (e.g. 100,000 levels) is not a comparable value.
      throw new RangeError('a value is nested too deeply to compare');
    }
    this.pushString(text);
  }

  private pushString(s: string): void {
    if (this.state !== 'string') this.toStrings();
    if (this.length === this.codes.length) this.grow();
    if (s !== 'true' && s !== 'false') this.boolOnly = false;
    this.strCount++;
    this.codes[this.length++] = this.code(s);
  }

  /** The finished column (all-missing columns come out numeric). */
  finish(): DataColumn {
    if (this.state !== 'string') {
      return { name: this.name, type: this.state === 'datetime' ? 'datetime' : 'numeric', values: this.nums.slice(0, this.length) };
    }
    const n = this.dictionary.length;
    const type = this.boolOnly && n <= 2
      ? 'boolean'
      : n > 100 && n >= 0.5 * this.strCount && this.totalChars / n >= 30
        ? 'text'
        : 'categorical';
    return { name: this.name, type, codes: this.codes.slice(0, this.length), dictionary: this.dictionary };
  }
}
