/**
 * Values the skew analysis can follow through Python code: literals, containers, references to library
 * constants (`cv2.INTER_NEAREST`), files opened for a config loader, and instances of dataclasses. Every
 * value may remember the literal it came from (`origin`), which is where a finding points and what a
 * quick fix rewrites.
 */

/** A literal in a file: where a value was written. 0-based rows/cols like {@link PyNode}. */
export interface Origin {
  file: string;
  row: number;
  col: number;
  endRow: number;
  endCol: number;
  /** The literal's source text (for quick fixes). */
  text: string;
  /** True when the value is written as a Python literal the quick fix can replace. */
  literal: boolean;
  /** The value was read from a YAML/JSON config file: a finding points there, no quick fix rewrites it. */
  config?: boolean;
}

export type Value =
  | { k: 'num'; v: number; o?: Origin }
  | { k: 'str'; v: string; o?: Origin }
  | { k: 'bool'; v: boolean; o?: Origin }
  | { k: 'none'; o?: Origin }
  | { k: 'list'; items: Value[]; tuple?: boolean; o?: Origin }
  | { k: 'dict'; entries: Array<[Value, Value]>; o?: Origin }
  /** A library name or constant, canonical dotted (`cv2.INTER_NEAREST`, `numpy.float32`). */
  | { k: 'ref'; name: string; o?: Origin }
  /** A file path handed to a loader (`open("config.yaml")`). */
  | { k: 'file'; path: string; o?: Origin }
  /** An instance of a class of the project (dataclass / config object): field values. */
  | { k: 'obj'; cls: string; fields: Map<string, Value>; o?: Origin }
  | { k: 'unknown'; o?: Origin };

export const UNKNOWN: Value = Object.freeze({ k: 'unknown' }) as Value;

export function num(v: number, o?: Origin): Value {
  return { k: 'num', v, o };
}
export function str(v: string, o?: Origin): Value {
  return { k: 'str', v, o };
}

export function isKnown(v: Value | undefined): v is Value {
  return !!v && v.k !== 'unknown';
}

/** Numbers of a number or a list of numbers (nested lists flattened), else undefined. */
export function numbers(v: Value | undefined): number[] | undefined {
  if (!v) return undefined;
  if (v.k === 'num') return [v.v];
  if (v.k === 'bool') return [v.v ? 1 : 0];
  if (v.k === 'list') {
    const out: number[] = [];
    for (const it of v.items) {
      const n = numbers(it);
      if (!n) return undefined;
      out.push(...n);
    }
    return out;
  }
  return undefined;
}

export function strings(v: Value | undefined): string[] | undefined {
  if (!v || v.k !== 'list') return undefined;
  const out: string[] = [];
  for (const it of v.items) {
    if (it.k !== 'str') return undefined;
    out.push(it.v);
  }
  return out;
}

/** Dict entry by string key. */
export function dictGet(v: Value | undefined, key: string | number): Value | undefined {
  if (!v) return undefined;
  if (v.k === 'dict') {
    for (const [k, val] of v.entries) if ((k.k === 'str' || k.k === 'num') && k.v === key) return val;
    return undefined;
  }
  if (v.k === 'obj' && typeof key === 'string') return v.fields.get(key);
  if (v.k === 'list' && typeof key === 'number') return v.items[key < 0 ? v.items.length + key : key];
  return undefined;
}

/** Python-like display: `(0.5, 0.5, 0.5)`, `'RGB'`, `True`. */
export function display(v: Value | undefined): string {
  if (!v) return '?';
  switch (v.k) {
    case 'num':
      return v.o?.literal && /^-?[\d._]+(e-?\d+)?$/i.test(v.o.text) ? v.o.text : formatNum(v.v);
    case 'str':
      return `'${v.v}'`;
    case 'bool':
      return v.v ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'list': {
      const inner = v.items.map(display).join(', ');
      return v.tuple ? `(${inner}${v.items.length === 1 ? ',' : ''})` : `[${inner}]`;
    }
    case 'dict':
      return `{${v.entries.map(([k, val]) => `${display(k)}: ${display(val)}`).join(', ')}}`;
    case 'ref':
      return v.name;
    case 'file':
      return `file ${v.path}`;
    case 'obj':
      return `${v.cls}(…)`;
    default:
      return '?';
  }
}

export function formatNum(n: number): string {
  if (Number.isInteger(n)) return String(n);
  const s = String(Number(n.toPrecision(6)));
  return s;
}

/** Python source for a value (only for literal-like values; undefined otherwise). */
export function toPython(v: Value, tupleDefault = false): string | undefined {
  switch (v.k) {
    case 'num':
      return v.o?.literal && /^-?[\d._]+(e-?\d+)?$/i.test(v.o.text) ? v.o.text : formatNum(v.v);
    case 'str':
      return JSON.stringify(v.v);
    case 'bool':
      return v.v ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'list': {
      const parts: string[] = [];
      for (const it of v.items) {
        const p = toPython(it);
        if (p === undefined) return undefined;
        parts.push(p);
      }
      const tuple = v.tuple ?? tupleDefault;
      return tuple ? `(${parts.join(', ')}${parts.length === 1 ? ',' : ''})` : `[${parts.join(', ')}]`;
    }
    default:
      return undefined;
  }
}

/** Numeric closeness used for statistics: absolute 1e-4 or relative 1e-3. */
export function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= Math.max(1e-4, 1e-3 * Math.max(Math.abs(a), Math.abs(b)));
}

/** Equal number lists, broadcasting a single number against a list (0.5 == [0.5, 0.5, 0.5]). */
export function closeLists(a: number[], b: number[]): boolean {
  if (a.length !== b.length) {
    if (a.length === 1) return b.every((x) => close(a[0], x));
    if (b.length === 1) return a.every((x) => close(x, b[0]));
    return false;
  }
  return a.every((x, i) => close(x, b[i]));
}

/** Structural equality of two values (numbers compared with {@link close}). */
export function sameValue(a: Value, b: Value): boolean {
  if (a.k === 'num' && b.k === 'num') return close(a.v, b.v);
  if ((a.k === 'num' || a.k === 'bool') && (b.k === 'num' || b.k === 'bool')) return numbers(a)![0] === numbers(b)![0];
  if (a.k !== b.k) return false;
  switch (a.k) {
    case 'str':
      return a.v === (b as typeof a).v;
    case 'none':
      return true;
    case 'ref':
      return a.name === (b as typeof a).name;
    case 'list': {
      const bi = (b as typeof a).items;
      return a.items.length === bi.length && a.items.every((x, i) => sameValue(x, bi[i]));
    }
    case 'dict': {
      const be = (b as typeof a).entries;
      return a.entries.length === be.length && a.entries.every(([k, v]) => {
        const other = be.find(([bk]) => sameValue(bk, k));
        return !!other && sameValue(v, other[1]);
      });
    }
    default:
      return false;
  }
}
