import type { FileHandle } from 'node:fs/promises';
import { OnnxInspectError } from './errors';

/** Protobuf wire types (https://protobuf.dev/programming-guides/encoding/#structure). */
export const enum WireType {
  Varint = 0,
  Fixed64 = 1,
  LengthDelimited = 2,
  StartGroup = 3,
  EndGroup = 4,
  Fixed32 = 5,
}

/** Default size of the read-ahead window. */
const WINDOW = 64 * 1024;
/** Strings longer than this are cut (the rest is skipped, never read). */
export const MAX_STRING = 1024 * 1024;

const textDecoder = new TextDecoder('utf-8', { fatal: false });

/**
 * A lazy protobuf wire-format reader over positional reads of a file handle.
 *
 * It keeps one buffered window (64 KiB by default) and never reads a length-delimited field it is told to
 * skip: `skip()` moves the cursor, so tensor payloads cost nothing. Every length is checked against the
 * enclosing message and the file size; violations throw `OnnxInspectError` (`truncated` when a length runs
 * past the end of the file, `malformed` otherwise).
 */
export class ProtoReader {
  /** Absolute offset of the cursor. */
  pos = 0;
  private buf: Buffer;
  /** Absolute offset of `buf[0]`. */
  private bufStart = 0;
  /** Number of valid bytes in `buf`. */
  private bufLen = 0;
  /** Number of positional reads issued (for tests and the benchmark). */
  reads = 0;

  constructor(
    private readonly fh: FileHandle,
    /** File size in bytes. */
    readonly size: number,
    /** File name used in error messages. */
    readonly file: string,
    private readonly window = WINDOW,
  ) {
    this.buf = Buffer.allocUnsafe(window);
  }

  /** Throws the `truncated` or `malformed` error for this file. */
  fail(reason: 'truncated' | 'malformed', detail: string): never {
    throw new OnnxInspectError(reason, this.file, detail);
  }

  private get bufEnd(): number {
    return this.bufStart + this.bufLen;
  }

  /** Makes at least `min(n, size - pos)` bytes from `pos` available in the window. */
  async ensure(n: number): Promise<void> {
    if (this.pos >= this.bufStart && this.pos + n <= this.bufEnd) return;
    if (this.pos >= this.bufStart && this.bufEnd >= this.size && this.pos <= this.bufEnd) return;
    const want = Math.min(Math.max(this.window, n), this.size - this.pos);
    if (want <= 0) return;
    if (this.buf.length < want) this.buf = Buffer.allocUnsafe(want);
    let got = 0;
    while (got < want) {
      this.reads++;
      const { bytesRead } = await this.fh.read(this.buf, got, want - got, this.pos + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    this.bufStart = this.pos;
    this.bufLen = got;
    if (got < want) this.fail('truncated', `the file ends at ${this.pos + got} bytes, shorter than its stated size ${this.size}`);
  }

  private byteAt(p: number): number {
    return this.buf[p - this.bufStart]!;
  }

  /** Reads a varint as a non-negative number (exact up to 2^53). */
  async varint(end: number): Promise<number> {
    if (this.pos < this.bufStart || (this.pos + 10 > this.bufEnd && this.bufEnd < this.size)) await this.ensure(10);
    return this.varintSync(end);
  }

  private varintSync(end: number): number {
    const start = this.pos;
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= end) {
        if (end >= this.size) this.fail('truncated', `varint at offset ${start} runs past the end of the file (${this.size} bytes)`);
        this.fail('malformed', `varint at offset ${start} runs past the end of its message at ${end}`);
      }
      const b = this.byteAt(this.pos++);
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 128;
    }
    this.fail('malformed', `varint at offset ${start} is longer than 10 bytes`);
  }

  /** Reads a varint as a signed int64 (two's complement, as protobuf encodes negative int64/int32). */
  async int64(end: number): Promise<number> {
    if (this.pos < this.bufStart || (this.pos + 10 > this.bufEnd && this.bufEnd < this.size)) await this.ensure(10);
    const start = this.pos;
    const limit = Math.min(end, this.bufEnd);
    const off = this.pos - this.bufStart;
    const [value, used] = varint64(this.buf, off, off + (limit - this.pos));
    if (used < 0) {
      if (limit - start >= 10) this.fail('malformed', `varint at offset ${start} is longer than 10 bytes`);
      if (end >= this.size) this.fail('truncated', `varint at offset ${start} runs past the end of the file (${this.size} bytes)`);
      this.fail('malformed', `varint at offset ${start} runs past the end of its message at ${end}`);
    }
    this.pos += used;
    return value;
  }

  /** Reads a field tag; returns `[fieldNumber, wireType]`. */
  async tag(end: number): Promise<[number, number]> {
    const at = this.pos;
    const t = await this.varint(end);
    const field = Math.floor(t / 8);
    const wire = t % 8;
    if (field === 0 || field > 536870911) this.fail('malformed', `invalid field number ${field} at offset ${at}`);
    return [field, wire];
  }

  /**
   * Reads a length prefix and returns the absolute end offset of the field's payload, checked against
   * the enclosing message end and the file size. `what` names the field for the error message.
   */
  async length(end: number, what: string): Promise<number> {
    const at = this.pos;
    const len = await this.varint(end);
    const stop = this.pos + len;
    if (stop > this.size) this.fail('truncated', `${what} claims ${len} bytes at offset ${at} but the file ends at ${this.size}`);
    if (stop > end) this.fail('malformed', `${what} claims ${len} bytes at offset ${at} but its message ends at ${end}`);
    return stop;
  }

  /** Reads a length-delimited UTF-8 string, cut at `MAX_STRING` bytes (the rest is skipped). */
  async string(end: number, what: string): Promise<string> {
    const stop = await this.length(end, what);
    const n = Math.min(stop - this.pos, MAX_STRING);
    await this.ensure(n);
    const off = this.pos - this.bufStart;
    const s = textDecoder.decode(this.buf.subarray(off, off + n));
    const cut = n < stop - this.pos;
    this.pos = stop;
    return cut ? `${s}…` : s;
  }

  /** Reads `n` bytes at the cursor into a new array (for small payloads only). */
  async bytes(n: number): Promise<Uint8Array> {
    await this.ensure(n);
    const off = this.pos - this.bufStart;
    const out = Uint8Array.prototype.slice.call(this.buf, off, off + n);
    this.pos += n;
    return out;
  }

  /** Moves the cursor to `to` without reading (checked against the file size). */
  seek(to: number): void {
    if (to > this.size) this.fail('truncated', `offset ${to} is past the end of the file (${this.size} bytes)`);
    this.pos = to;
  }

  /** Skips one field of the given wire type without reading its payload. */
  async skip(wire: number, field: number, end: number): Promise<void> {
    switch (wire) {
      case WireType.Varint:
        await this.varint(end);
        return;
      case WireType.Fixed64:
        this.advance(8, end, field);
        return;
      case WireType.Fixed32:
        this.advance(4, end, field);
        return;
      case WireType.LengthDelimited:
        this.pos = await this.length(end, `field ${field}`);
        return;
      default:
        this.fail('malformed', `field ${field} at offset ${this.pos} has unsupported wire type ${wire}`);
    }
  }

  private advance(n: number, end: number, field: number): void {
    if (this.pos + n > this.size) this.fail('truncated', `field ${field} at offset ${this.pos} runs past the end of the file (${this.size} bytes)`);
    if (this.pos + n > end) this.fail('malformed', `field ${field} at offset ${this.pos} runs past the end of its message at ${end}`);
    this.pos += n;
  }

  /** Reads a little-endian float32 (wire type 5). */
  async float32(end: number): Promise<number> {
    await this.ensure(4);
    const at = this.pos;
    this.advance(4, end, 0);
    return this.buf.readFloatLE(at - this.bufStart);
  }

  /** Checks a known field's wire type. */
  expect(wire: number, expected: number, what: string): void {
    if (wire !== expected) this.fail('malformed', `${what} has wire type ${wire} at offset ${this.pos}, expected ${expected}`);
  }
}

/** Decodes a packed or single varint payload held in memory (for small int64 tensors only). */
export function decodeVarints(bytes: Uint8Array): number[] {
  const out: number[] = [];
  let p = 0;
  while (p < bytes.length) {
    const [value, used] = varint64(bytes, p, bytes.length);
    if (used < 0) break;
    out.push(value);
    p += used;
  }
  return out;
}

/**
 * Decodes one varint as a signed 64-bit integer (two's complement, as protobuf writes int64/int32), exact
 * for |v| ≤ 2^53. Returns `[value, bytesUsed]`, with `bytesUsed = -1` when the varint does not end
 * before `limit` or within 10 bytes.
 */
export function varint64(bytes: Uint8Array, start: number, limit: number): [number, number] {
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < 10; i++) {
    const p = start + i;
    if (p >= limit) return [0, -1];
    const b = bytes[p]!;
    if (i < 4) lo |= (b & 0x7f) << (7 * i);
    else if (i === 4) {
      lo |= (b & 0x0f) << 28;
      hi = (b & 0x7f) >> 4;
    } else hi |= (b & 0x7f) << (7 * (i - 5) + 3);
    if (b < 0x80) return [(hi | 0) * 2 ** 32 + (lo >>> 0), i + 1];
  }
  return [0, -1];
}

/** Decodes little-endian int64 values held in memory (for small int64 tensors only). */
export function decodeInt64LE(bytes: Uint8Array): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: number[] = [];
  for (let p = 0; p + 8 <= bytes.length; p += 8) out.push(Number(view.getBigInt64(p, true)));
  return out;
}
