/**
 * A small, strict parser of protobuf text format (what Triton's `config.pbtxt` is), resolved against a
 * protobufjs message type: unknown fields, bad enum values, wrong scalar kinds and repeated non-repeated fields
 * are errors with a 1-based line:column. Output is a plain object keyed by the proto field names
 * (snake_case), with 64-bit integers as numbers when safe and strings otherwise.
 *
 * Supported syntax: `name: value`, `name { … }`, `name: { … }`, `name < … >`, lists `name: [a, b]`,
 * `name [ {…}, {…} ]`, repeated fields written several times, map fields as `{ key: … value: … }` entries,
 * `#` comments, `,`/`;` separators, adjacent string literals concatenated, enum values by name or number.
 * Not supported (not used by Triton configs): `Any` expansion `[type.googleapis.com/…]` and extension fields.
 */
import * as protobuf from 'protobufjs';
import { MODEL_CONFIG_PROTO } from './tritonModelConfigProto';

export class PbtxtError extends Error {
  constructor(readonly line: number, readonly column: number, readonly detail: string) {
    super(`${line}:${column}: ${detail}`);
    this.name = 'PbtxtError';
  }
}

type TokKind = 'ident' | 'number' | 'string' | 'punct' | 'eof';
interface Token {
  kind: TokKind;
  text: string;
  /** Decoded value for strings. */
  value?: string;
  line: number;
  column: number;
}

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let col = 1;
  const advance = (n: number): void => {
    for (let k = 0; k < n; k++) {
      if (src.charCodeAt(i) === 10) {
        line++;
        col = 1;
      } else col++;
      i++;
    }
  };
  while (i < src.length) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      advance(1);
      continue;
    }
    if (c === '#') {
      while (i < src.length && src[i] !== '\n') advance(1);
      continue;
    }
    const start = { line, column: col };
    if ('{}[]<>:,;'.includes(c)) {
      tokens.push({ kind: 'punct', text: c, ...start });
      advance(1);
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let out = '';
      while (j < src.length && src[j] !== c) {
        if (src[j] === '\n') throw new PbtxtError(start.line, start.column, 'unterminated string literal');
        if (src[j] === '\\') {
          const e = src[j + 1];
          const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'", a: '\x07', b: '\b', f: '\f', v: '\v', '?': '?' };
          if (e !== undefined && simple[e] !== undefined) {
            out += simple[e];
            j += 2;
          } else if (e !== undefined && /[0-7]/.test(e)) {
            const m = /^[0-7]{1,3}/.exec(src.slice(j + 1))![0];
            out += String.fromCharCode(parseInt(m, 8));
            j += 1 + m.length;
          } else if (e === 'x') {
            const m = /^[0-9a-fA-F]{1,2}/.exec(src.slice(j + 2));
            if (!m) throw new PbtxtError(line, col + (j - i), 'bad \\x escape');
            out += String.fromCharCode(parseInt(m[0], 16));
            j += 2 + m[0].length;
          } else throw new PbtxtError(start.line, start.column, `unknown escape '\\${e ?? ''}' in string`);
        } else out += src[j++];
      }
      if (j >= src.length) throw new PbtxtError(start.line, start.column, 'unterminated string literal');
      tokens.push({ kind: 'string', text: src.slice(i, j + 1), value: out, ...start });
      advance(j + 1 - i);
      continue;
    }
    if (/[\d.]/.test(c) || (c === '-' && /[\d.a-zA-Z]/.test(src[i + 1] ?? ''))) {
      const num = /^-?(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[fF]?|inf(?:inity)?|nan)(?![\w.])/i.exec(src.slice(i));
      if (!num) throw new PbtxtError(line, col, `malformed number '${/^\S*/.exec(src.slice(i))![0].slice(0, 20)}'`);
      tokens.push({ kind: 'number', text: num[0], ...start });
      advance(num[0].length);
      continue;
    }
    const ident = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(src.slice(i));
    if (ident) {
      tokens.push({ kind: 'ident', text: ident[0], ...start });
      advance(ident[0].length);
      continue;
    }
    throw new PbtxtError(line, col, `unexpected character '${c}'`);
  }
  tokens.push({ kind: 'eof', text: '', line, column: col });
  return tokens;
}

const INT_TYPES = new Set(['int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64', 'fixed32', 'fixed64', 'sfixed32', 'sfixed64']);
const INT_RANGE: Record<string, [bigint, bigint]> = {
  int32: [-(2n ** 31n), 2n ** 31n - 1n], sint32: [-(2n ** 31n), 2n ** 31n - 1n], sfixed32: [-(2n ** 31n), 2n ** 31n - 1n],
  uint32: [0n, 2n ** 32n - 1n], fixed32: [0n, 2n ** 32n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n], sint64: [-(2n ** 63n), 2n ** 63n - 1n], sfixed64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n], fixed64: [0n, 2n ** 64n - 1n],
};

export type PbValue = string | number | boolean | PbMessage | PbValue[];
export interface PbMessage {
  [field: string]: PbValue;
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.pos]!;
  }

  private next(): Token {
    return this.tokens[this.pos++]!;
  }

  private isPunct(text: string): boolean {
    const t = this.peek();
    return t.kind === 'punct' && t.text === text;
  }

  private expectPunct(text: string): Token {
    const t = this.next();
    if (t.kind !== 'punct' || t.text !== text) throw new PbtxtError(t.line, t.column, `expected '${text}', got ${describe(t)}`);
    return t;
  }

  parseMessage(type: protobuf.Type, close: string | null): PbMessage {
    const out: PbMessage = {};
    const seen = new Set<string>();
    for (;;) {
      const t = this.peek();
      if (close === null && t.kind === 'eof') break;
      if (close !== null && t.kind === 'punct' && t.text === close) {
        this.next();
        break;
      }
      if (t.kind === 'eof') throw new PbtxtError(t.line, t.column, `unexpected end of input: missing '${close}' of ${type.name}`);
      if (t.kind !== 'ident') throw new PbtxtError(t.line, t.column, `expected a field name of ${type.name}, got ${describe(t)}`);
      this.next();
      const field = type.fields[t.text];
      if (!field) throw new PbtxtError(t.line, t.column, `unknown field '${t.text}' in ${type.name}`);
      field.resolve();
      const repeated = field.repeated || field.map;
      if (!repeated && seen.has(field.name)) throw new PbtxtError(t.line, t.column, `field '${field.name}' of ${type.name} is set more than once`);
      if (!repeated && field.partOf) {
        const other = field.partOf.fieldsArray.find((f) => f !== field && seen.has(f.name));
        if (other) throw new PbtxtError(t.line, t.column, `'${field.name}' and '${other.name}' are in the same oneof '${field.partOf.name}' of ${type.name}`);
      }
      seen.add(field.name);
      const isMessage = field.map ? true : field.resolvedType instanceof protobuf.Type;
      let hadColon = false;
      if (this.isPunct(':')) {
        this.next();
        hadColon = true;
      } else if (!isMessage && !(repeated && this.isPunct('['))) {
        const n = this.peek();
        throw new PbtxtError(n.line, n.column, `expected ':' after scalar field '${field.name}', got ${describe(n)}`);
      }
      void hadColon;
      const values: PbValue[] = [];
      if (this.isPunct('[')) {
        if (!repeated) {
          const n = this.peek();
          throw new PbtxtError(n.line, n.column, `field '${field.name}' of ${type.name} is not repeated: a list is not allowed`);
        }
        this.next();
        if (!this.isPunct(']')) {
          for (;;) {
            values.push(this.readValue(field, type));
            if (this.isPunct(',')) {
              this.next();
              continue;
            }
            break;
          }
        }
        this.expectPunct(']');
      } else {
        values.push(this.readValue(field, type));
      }
      if (field.map) {
        const map = (out[field.name] ??= {}) as PbMessage;
        for (const entry of values as PbMessage[]) {
          const key = entry.key;
          if (key === undefined) throw new PbtxtError(t.line, t.column, `map entry of '${field.name}' has no key`);
          map[String(key)] = entry.value ?? {};
        }
      } else if (repeated) {
        ((out[field.name] ??= []) as PbValue[]).push(...values);
      } else {
        out[field.name] = values[0]!;
      }
      if (this.isPunct(',') || this.isPunct(';')) this.next();
    }
    return out;
  }

  private readValue(field: protobuf.Field, owner: protobuf.Type): PbValue {
    if (field.map) {
      const open = this.next();
      if (open.kind !== 'punct' || (open.text !== '{' && open.text !== '<')) throw new PbtxtError(open.line, open.column, `expected '{' for map field '${field.name}', got ${describe(open)}`);
      const entryType = new protobuf.Type(`${field.name}Entry`);
      entryType.add(new protobuf.Field('key', 1, (field as unknown as protobuf.MapField).keyType));
      entryType.add(new protobuf.Field('value', 2, field.type));
      entryType.parent = field.parent as protobuf.Namespace;
      // Resolve `value`'s type in the scope of the map field's declaring message.
      (entryType.fields.value as protobuf.Field).resolvedType = field.resolvedType;
      (entryType.fields.value as protobuf.Field).resolved = true;
      return this.parseMessage(entryType, open.text === '{' ? '}' : '>');
    }
    const rt = field.resolvedType;
    if (rt instanceof protobuf.Type) {
      const open = this.next();
      if (open.kind !== 'punct' || (open.text !== '{' && open.text !== '<')) throw new PbtxtError(open.line, open.column, `expected '{' for message field '${field.name}' (${rt.name}), got ${describe(open)}`);
      return this.parseMessage(rt, open.text === '{' ? '}' : '>');
    }
    const t = this.next();
    if (rt instanceof protobuf.Enum) {
      if (t.kind === 'ident') {
        if (!(t.text in rt.values)) throw new PbtxtError(t.line, t.column, `'${t.text}' is not a value of enum ${rt.name} (field '${field.name}' of ${owner.name}; expected one of ${Object.keys(rt.values).join(', ')})`);
        return t.text;
      }
      if (t.kind === 'number' && /^-?\d+$/.test(t.text)) {
        const name = rt.valuesById[Number(t.text)];
        if (name === undefined) throw new PbtxtError(t.line, t.column, `${t.text} is not a value of enum ${rt.name}`);
        return name;
      }
      throw new PbtxtError(t.line, t.column, `expected an enum value of ${rt.name} for '${field.name}', got ${describe(t)}`);
    }
    const type = field.type;
    if (type === 'string' || type === 'bytes') {
      if (t.kind !== 'string') throw new PbtxtError(t.line, t.column, `expected a string for '${field.name}', got ${describe(t)}`);
      let value = t.value!;
      while (this.peek().kind === 'string') value += this.next().value!;
      return value;
    }
    if (type === 'bool') {
      if (t.kind === 'ident' && (t.text === 'true' || t.text === 'True' || t.text === 't')) return true;
      if (t.kind === 'ident' && (t.text === 'false' || t.text === 'False' || t.text === 'f')) return false;
      if (t.kind === 'number' && (t.text === '0' || t.text === '1')) return t.text === '1';
      throw new PbtxtError(t.line, t.column, `expected true or false for '${field.name}', got ${describe(t)}`);
    }
    if (INT_TYPES.has(type)) {
      if (t.kind !== 'number' || !/^-?(0[xX][0-9a-fA-F]+|\d+)$/.test(t.text)) throw new PbtxtError(t.line, t.column, `expected an integer (${type}) for '${field.name}', got ${describe(t)}`);
      const neg = t.text.startsWith('-');
      const big = BigInt(neg ? t.text.slice(1) : t.text) * (neg ? -1n : 1n);
      const [lo, hi] = INT_RANGE[type]!;
      if (big < lo || big > hi) throw new PbtxtError(t.line, t.column, `${t.text} is out of range for ${type} field '${field.name}'`);
      return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big.toString();
    }
    if (type === 'float' || type === 'double') {
      if (t.kind === 'number') {
        const body = t.text.replace(/[fF]$/, '');
        if (/inf/i.test(body)) return body.startsWith('-') ? -Infinity : Infinity;
        if (/nan/i.test(body)) return NaN;
        return Number(body);
      }
      if (t.kind === 'ident' && /^(inf|infinity|nan)$/i.test(t.text)) return /^nan$/i.test(t.text) ? NaN : Infinity;
      throw new PbtxtError(t.line, t.column, `expected a number for '${field.name}', got ${describe(t)}`);
    }
    throw new PbtxtError(t.line, t.column, `unsupported field type '${type}' of '${field.name}'`);
  }
}

function describe(t: Token): string {
  return t.kind === 'eof' ? 'end of input' : `'${t.text}'`;
}

/**
 * Parses protobuf text format against `type`.
 *
 * @throws PbtxtError with line/column on any syntax or schema error.
 */
export function parsePbtxt(text: string, type: protobuf.Type): PbMessage {
  return new Parser(tokenize(text)).parseMessage(type, null);
}

let modelConfigType: protobuf.Type | undefined;

/** `inference.ModelConfig` from the embedded `model_config.proto` (parsed once). */
export function tritonModelConfigType(): protobuf.Type {
  modelConfigType ??= protobuf.parse(MODEL_CONFIG_PROTO, { keepCase: true }).root.lookupType('inference.ModelConfig');
  return modelConfigType;
}

/** Parses a Triton `config.pbtxt`. @throws PbtxtError */
export function parseTritonConfig(text: string): PbMessage {
  return parsePbtxt(text, tritonModelConfigType());
}
