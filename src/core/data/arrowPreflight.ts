/**
 * Checks the framing of an Arrow IPC file or stream before apache-arrow decodes it (issue 11, class 1).
 * apache-arrow believes the vector lengths in each message's flatbuffer: a forged `buffers` count of millions in a
 * 6 KB file made it decode millions of buffer descriptors (1 GB, 10 s). This walks every message with a minimal
 * flatbuffer reader and checks, against the real bytes: each message's metadata and body lie inside the file;
 * the `nodes` / `buffers` vectors of record and dictionary batches and the schema's `fields` fit inside their
 * message; every buffer lies inside its body; declared row counts are non-negative and plausible for the file
 * size (the footer's block list of the file format is checked the same way).
 *
 * Layouts: Arrow columnar format, "Serialization and Interprocess Communication" (encapsulated messages:
 * 0xFFFFFFFF continuation, int32 metadata length, flatbuffer `Message`, body) and Message.fbs / File.fbs / Schema.fbs.
 */
import { DataReadError } from './errors';
import { FREE_CELLS, MAX_CELLS_PER_BYTE } from './limits';

class FlatTable {
  constructor(private readonly v: DataView, readonly pos: number, private readonly end: number) {}

  static root(v: DataView, start: number, end: number): FlatTable {
    return new FlatTable(v, checkedPos(v, start + v.getUint32(start, true), start, end), end).checked(start);
  }

  private checked(start: number): FlatTable {
    const vt = this.pos - this.v.getInt32(this.pos, true);
    if (vt < start || vt + 4 > this.end) throw new RangeError('vtable outside the message');
    const vtLen = this.v.getUint16(vt, true);
    if (vt + vtLen > this.end) throw new RangeError('vtable runs past the message');
    return this;
  }

  /** Absolute position of field `slot`, or 0 when absent. */
  private field(slot: number): number {
    const vt = this.pos - this.v.getInt32(this.pos, true);
    const vtLen = this.v.getUint16(vt, true);
    const o = 4 + slot * 2;
    if (o + 2 > vtLen) return 0;
    const rel = this.v.getUint16(vt + o, true);
    return rel ? this.pos + rel : 0;
  }

  u8(slot: number): number {
    const p = this.field(slot);
    return p ? this.v.getUint8(checkedPos(this.v, p, 0, this.end)) : 0;
  }

  i64(slot: number): number {
    const p = this.field(slot);
    return p ? Number(this.v.getBigInt64(checkedPos(this.v, p, 0, this.end - 7), true)) : 0;
  }

  table(slot: number, start: number): FlatTable | undefined {
    const p = this.field(slot);
    if (!p) return undefined;
    return new FlatTable(this.v, checkedPos(this.v, p + this.v.getUint32(p, true), start, this.end), this.end).checked(start);
  }

  /** A vector of `elemSize`-byte elements: its first element's position and its length, checked against the buffer. */
  vector(slot: number, elemSize: number): { at: number; length: number } | undefined {
    const p = this.field(slot);
    if (!p) return undefined;
    const vpos = checkedPos(this.v, p + this.v.getUint32(p, true), 0, this.end - 3);
    const length = this.v.getUint32(vpos, true);
    if (vpos + 4 + length * elemSize > this.end) throw new RangeError(`a vector of ${length} elements runs past its message`);
    return { at: vpos + 4, length };
  }
}

function checkedPos(_v: DataView, p: number, start: number, end: number): number {
  if (!(p >= start && p < end)) throw new RangeError(`offset ${p} outside the message`);
  return p;
}

/**
 * @throws DataReadError `corrupt` naming the problem.
 */
export function preflightArrow(bytes: Uint8Array, file: string): void {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = bytes.length;
  const maxRows = size * MAX_CELLS_PER_BYTE + FREE_CELLS;
  const fail = (detail: string): never => {
    throw new DataReadError('corrupt', file, `Arrow IPC: ${detail}`);
  };
  /** Checks the encapsulated message at `at`; returns the position after its body, or -1 at an end-of-stream marker. */
  const checkMessage = (at: number, end: number, index: number): number => {
    let q = at;
    let len = v.getInt32(q, true);
    q += 4;
    if (len === -1) {
      if (q + 4 > end) return -1;
      len = v.getInt32(q, true);
      q += 4;
    }
    if (len === 0) return -1;
    if (len < 0 || q + len > end) fail(`message ${index} declares ${len} bytes of metadata at byte ${at}, past the end (${end})`);
    const msg = FlatTable.root(v, q, q + len);
    const headerType = msg.u8(1);
    const bodyLength = msg.i64(3);
    if (!(bodyLength >= 0) || q + len + bodyLength > end) fail(`message ${index} declares a ${bodyLength}-byte body, past the end of the file`);
    if (headerType < 1 || headerType > 5) fail(`message ${index} has header type ${headerType}`);
    const header = msg.table(2, q);
    if (!header) fail(`message ${index} has no header`);
    if (headerType === 1) {
      header!.vector(1, 4);
    } else if (headerType === 2 || headerType === 3) {
      const batch = headerType === 3 ? header! : header!.table(1, q);
      if (!batch) fail(`dictionary batch ${index} has no data`);
      const rows = batch!.i64(0);
      if (!(rows >= 0 && rows <= maxRows)) fail(`a record batch declares ${rows.toLocaleString('en-US')} rows in a ${size.toLocaleString('en-US')}-byte file`);
      const nodes = batch!.vector(1, 16);
      if (nodes) {
        for (let i = 0; i < nodes.length; i++) {
          const n = Number(v.getBigInt64(nodes.at + i * 16, true));
          const nulls = Number(v.getBigInt64(nodes.at + i * 16 + 8, true));
          if (!(n >= 0 && n <= maxRows && nulls >= 0 && nulls <= n)) fail(`a field node declares ${n} values (${nulls} null)`);
        }
      }
      const buffers = batch!.vector(2, 16);
      if (buffers) {
        for (let i = 0; i < buffers.length; i++) {
          const off = Number(v.getBigInt64(buffers.at + i * 16, true));
          const blen = Number(v.getBigInt64(buffers.at + i * 16 + 8, true));
          if (!(off >= 0 && blen >= 0 && off + blen <= bodyLength)) fail(`buffer ${i} (${off} + ${blen} bytes) lies outside its ${bodyLength}-byte message body`);
        }
      }
    }
    return q + len + bodyLength;
  };
  const blockStarts: number[] = [];
  const isFile = size >= 6 && Buffer.from(bytes.subarray(0, 6)).toString('latin1') === 'ARROW1';
  let p = isFile ? 8 : 0;
  let end = size;
  try {
    if (isFile) {
      if (size < 18 || Buffer.from(bytes.subarray(size - 6)).toString('latin1') !== 'ARROW1') fail('no ARROW1 magic at the end of the file');
      const footerLen = v.getInt32(size - 10, true);
      if (footerLen <= 0 || footerLen > size - 18) fail(`footer length ${footerLen} in a ${size}-byte file`);
      const footerStart = size - 10 - footerLen;
      const footer = FlatTable.root(v, footerStart, size - 10);
      for (const slot of [2, 3]) {
        const blocks = footer.vector(slot, 24);
        if (!blocks) continue;
        for (let i = 0; i < blocks.length; i++) {
          const b = blocks.at + i * 24;
          const offset = Number(v.getBigInt64(b, true));
          const metaLen = v.getInt32(b + 8, true);
          const bodyLen = Number(v.getBigInt64(b + 16, true));
          if (!(offset >= 8 && metaLen > 0 && bodyLen >= 0 && offset + metaLen + bodyLen <= footerStart)) fail(`block ${i} (${offset} + ${metaLen} + ${bodyLen} bytes) lies outside the file`);
          blockStarts.push(offset);
        }
      }
      end = footerStart;
    }
    // Sequential walk (stream format; the file format's stream part), then each block the footer points at.
    let messages = 0;
    while (p + 4 <= end) {
      const next = checkMessage(p, end, messages);
      if (next < 0) break;
      p = next;
      messages++;
    }
    for (const b of blockStarts) checkMessage(b, end, messages++);
  } catch (ex) {
    if (DataReadError.is(ex)) throw ex;
    fail(`unreadable message framing (${(ex as Error).message})`);
  }
}
