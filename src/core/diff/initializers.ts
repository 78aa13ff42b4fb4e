/**
 * Initializer-level comparison of two models, streamed from disk: tensors added, removed, reshaped or retyped
 * (from the headers alone), and for tensors with the same dtype and dims, whether their data changed, how many
 * elements differ and the largest |new − old|.
 *
 * Memory is bounded whatever the model size: payloads are read in {@link CHUNK_BYTES} chunks from both files
 * (two chunks per side: one compared while the next is read), equal chunks are recognised by `memcmp`
 * (`Buffer.equals`) and only differing ones are decoded element by element. Inline payloads are read from the
 * model file at the ranges `parseModel` recorded; external ones from their data file, resolved with the same
 * refusal rules as the inspection (no absolute paths, no `..` escapes, no symlinks out of the model's folder).
 */
import type { FileHandle } from 'node:fs/promises';
import { open, realpath, stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { InitializerComparison, TensorChange } from '../../shared/modelDiff';
import { MAX_TENSOR_CHANGES } from '../../shared/modelDiff';
import { dtypeName, dtypeSize } from '../onnx/dataTypes';
import { lexicalRefusal } from '../onnx/externalData';
import { collectGraphs } from '../onnx/inspect';
import type { RawModel, RawTensor } from '../onnx/rawModel';
import { isInside } from '../paths';
import { DiffError } from './errors';
import { numberDelta } from './modelChanges';

/** Bytes per read (a multiple of every element size). */
export const CHUNK_BYTES = 4 * 1024 * 1024;

export interface InitializerSide {
  /** The model file the tensor headers were read from (external data resolves next to it). */
  path: string;
  raw: RawModel;
}

export interface CompareOptions {
  signal?: AbortSignal;
  /** Bytes per chunk (tests use small ones to cross chunk borders); rounded down to a multiple of 16. */
  chunkBytes?: number;
}

/** How the payload is encoded: fixed-width little-endian elements (raw_data, packed float/double), or varints. */
type Encoding = 'fixed' | 'varint';

interface Source {
  file: string;
  offset: number;
  length: number;
  encoding: Encoding;
}

type Resolved = { source: Source } | { note: string };

interface Entry {
  name: string;
  tensor: RawTensor;
  sparse: boolean;
}

function entries(raw: RawModel): Map<string, Entry> {
  const out = new Map<string, Entry>();
  const add = (e: Entry): void => {
    let key = e.name;
    for (let i = 2; out.has(key); i++) key = `${e.name}#${i}`;
    out.set(key, e);
  };
  for (const g of raw.graph ? collectGraphs(raw.graph) : []) {
    for (const t of g.initializers) add({ name: t.name, tensor: t, sparse: false });
    for (const s of g.sparseInitializers) add({ name: s.values.name, tensor: { ...s.values, dims: s.dims }, sparse: true });
    // Exporters such as spox store weights in Constant nodes rather than initializers: compare those too,
    // keyed by the node's output name.
    for (const node of g.nodes) {
      const t = node.opType === 'Constant' && (node.domain === '' || node.domain === 'ai.onnx') ? node.attributes.get('value')?.t : undefined;
      if (t && node.outputs[0]) add({ name: `Constant:${node.outputs[0]}`, tensor: t, sparse: false });
    }
  }
  return out;
}

function dimsText(d: readonly number[] | null): string {
  return d === null ? 'scalar' : `[${d.join(',')}]`;
}

/** Opens files read-only, once each, and checks each is a regular file; closes them all at the end. */
class Files {
  private readonly handles = new Map<string, Promise<{ fh: FileHandle; size: number }>>();

  get(file: string): Promise<{ fh: FileHandle; size: number }> {
    let h = this.handles.get(file);
    if (!h) {
      h = (async () => {
        // Checked before opening: opening a FIFO or a device would block or never end.
        let st0;
        try {
          st0 = await stat(file);
        } catch (ex) {
          throw new DiffError('io', file, `cannot read it (${(ex as NodeJS.ErrnoException).code ?? String(ex)})`, { cause: ex });
        }
        if (!st0.isFile()) throw new DiffError('io', file, 'is not a regular file');
        let fh: FileHandle;
        try {
          fh = await open(file, 'r');
        } catch (ex) {
          throw new DiffError('io', file, `cannot open it (${(ex as NodeJS.ErrnoException).code ?? String(ex)})`, { cause: ex });
        }
        const st = await fh.stat();
        if (!st.isFile()) {
          await fh.close();
          throw new DiffError('io', file, 'is not a regular file');
        }
        return { fh, size: st.size };
      })();
      this.handles.set(file, h);
    }
    return h;
  }

  async close(): Promise<void> {
    for (const h of this.handles.values()) {
      try {
        await (await h).fh.close();
      } catch {
        // Opening failed: nothing to close.
      }
    }
  }
}

async function resolve(modelPath: string, t: RawTensor, files: Files, realDirs: Map<string, string>): Promise<Resolved> {
  if (t.external) {
    const { location, offset, length } = t.external;
    const refusal = lexicalRefusal(location);
    if (refusal) return { note: `external data '${location}' refused (${refusal})` };
    const dir = path.dirname(path.resolve(modelPath));
    let real: string;
    try {
      let realDir = realDirs.get(dir);
      if (!realDir) {
        realDir = await realpath(dir);
        realDirs.set(dir, realDir);
      }
      real = await realpath(path.resolve(dir, location.replace(/\\/g, '/')));
      if (!isInside(realDir, real)) return { note: `external data '${location}' refused (symlink resolves outside the model folder)` };
    } catch {
      return { note: `external data '${location}' is missing` };
    }
    let size: number;
    try {
      ({ size } = await files.get(real));
    } catch (ex) {
      return { note: `external data '${location}' cannot be read (${DiffError.is(ex) ? ex.detail : String(ex)})` };
    }
    const len = length ?? size - offset;
    if (offset + len > size || len < 0) return { note: `external data '${location}' is shorter (${size} bytes) than the tensor's range ${offset}+${len}` };
    return { source: { file: real, offset, length: len, encoding: 'fixed' } };
  }
  const p = t.payload;
  if (!p) return { note: t.storedBytes === 0 ? 'no data stored' : 'data split over several fields (not compared)' };
  const encoding: Encoding = p.field === 9 || p.field === 4 || p.field === 10 ? 'fixed' : 'varint';
  return { source: { file: path.resolve(modelPath), offset: p.offset, length: p.length, encoding } };
}

let halfTable: Float32Array | null = null;

/** float16 bit patterns → float32, built once (256 KiB). */
function halfToFloat(): Float32Array {
  if (halfTable) return halfTable;
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const frac = h & 0x3ff;
    t[h] = exp === 0 ? sign * 2 ** -14 * (frac / 1024) : exp === 31 ? (frac ? NaN : sign * Infinity) : sign * 2 ** (exp - 15) * (1 + frac / 1024);
  }
  halfTable = t;
  return t;
}

interface Stats {
  changed: number;
  maxAbs: number;
  nonFinite: boolean;
  measurable: boolean;
}

/** Element-wise comparison of two equal-length chunks that are known to differ. */
function compareChunk(dataType: number, a: Buffer, b: Buffer, n: number, s: Stats): void {
  const ab = a.buffer;
  const bb = b.buffer;
  const num = (x: ArrayLike<number>, y: ArrayLike<number>, count: number): void => {
    for (let i = 0; i < count; i++) {
      const u = x[i]!;
      const v = y[i]!;
      if (u === v || (u !== u && v !== v)) continue;
      s.changed++;
      const d = Math.abs(v - u);
      if (Number.isFinite(d)) {
        if (d > s.maxAbs) s.maxAbs = d;
      } else s.nonFinite = true;
    }
  };
  switch (dataType) {
    case 1: // float32
      return num(new Float32Array(ab, a.byteOffset, n / 4), new Float32Array(bb, b.byteOffset, n / 4), n / 4);
    case 11: // float64
      return num(new Float64Array(ab, a.byteOffset, n / 8), new Float64Array(bb, b.byteOffset, n / 8), n / 8);
    case 10:
    case 16: {
      // float16 via a lookup table; bfloat16 is the top half of a float32.
      const x = new Uint16Array(ab, a.byteOffset, n / 2);
      const y = new Uint16Array(bb, b.byteOffset, n / 2);
      const t = dataType === 10 ? halfToFloat() : null;
      const f = new Float32Array(1);
      const bits = new Uint32Array(f.buffer);
      const conv = (h: number): number => {
        if (t) return t[h]!;
        bits[0] = h << 16;
        return f[0]!;
      };
      for (let i = 0; i < x.length; i++) {
        if (x[i] === y[i]) continue;
        const u = conv(x[i]!);
        const v = conv(y[i]!);
        if (u !== u && v !== v) continue;
        s.changed++;
        const d = Math.abs(v - u);
        if (Number.isFinite(d)) {
          if (d > s.maxAbs) s.maxAbs = d;
        } else s.nonFinite = true;
      }
      return;
    }
    case 2:
    case 9:
      return num(new Uint8Array(ab, a.byteOffset, n), new Uint8Array(bb, b.byteOffset, n), n);
    case 3:
      return num(new Int8Array(ab, a.byteOffset, n), new Int8Array(bb, b.byteOffset, n), n);
    case 4:
      return num(new Uint16Array(ab, a.byteOffset, n / 2), new Uint16Array(bb, b.byteOffset, n / 2), n / 2);
    case 5:
      return num(new Int16Array(ab, a.byteOffset, n / 2), new Int16Array(bb, b.byteOffset, n / 2), n / 2);
    case 6:
      return num(new Int32Array(ab, a.byteOffset, n / 4), new Int32Array(bb, b.byteOffset, n / 4), n / 4);
    case 12:
      return num(new Uint32Array(ab, a.byteOffset, n / 4), new Uint32Array(bb, b.byteOffset, n / 4), n / 4);
    case 7:
    case 13: {
      const x = dataType === 7 ? new BigInt64Array(ab, a.byteOffset, n / 8) : new BigUint64Array(ab, a.byteOffset, n / 8);
      const y = dataType === 7 ? new BigInt64Array(bb, b.byteOffset, n / 8) : new BigUint64Array(bb, b.byteOffset, n / 8);
      for (let i = 0; i < x.length; i++) {
        if (x[i] === y[i]) continue;
        s.changed++;
        const d = Math.abs(Number(y[i]! - x[i]!));
        if (d > s.maxAbs) s.maxAbs = d;
      }
      return;
    }
    default: {
      // Types without a numeric reading here (complex, float8, packed int4…): count differing bytes.
      s.measurable = false;
      for (let i = 0; i < n; i++) if (a[i] !== b[i]) s.changed++;
    }
  }
}

/** Reads `length` bytes at `position` fully into `buf` (from 0). */
async function readFully(fh: FileHandle, file: string, buf: Buffer, length: number, position: number): Promise<void> {
  let got = 0;
  while (got < length) {
    let bytesRead: number;
    try {
      ({ bytesRead } = await fh.read(buf, got, length - got, position + got));
    } catch (ex) {
      throw new DiffError('io', file, `read failed at offset ${position + got} (${(ex as NodeJS.ErrnoException).code ?? String(ex)})`, { cause: ex });
    }
    if (bytesRead === 0) throw new DiffError('io', file, `the file ends before offset ${position + length}`);
    got += bytesRead;
  }
}

interface Buffers {
  a: [Buffer, Buffer];
  b: [Buffer, Buffer];
}

/** Chunk buffers of finished comparisons, reused so repeated diffs do not pile up garbage waiting for GC. */
const pool: Buffers[] = [];

function acquire(chunk: number): Buffers {
  const i = pool.findIndex((b) => b.a[0].length === chunk);
  if (i >= 0) return pool.splice(i, 1)[0]!;
  return { a: [Buffer.allocUnsafeSlow(chunk), Buffer.allocUnsafeSlow(chunk)], b: [Buffer.allocUnsafeSlow(chunk), Buffer.allocUnsafeSlow(chunk)] };
}

function release(b: Buffers): void {
  if (pool.length < 2) pool.push(b);
}

/** Streams both payloads chunk by chunk (the next pair is read while the current one is compared). */
async function compareData(dataType: number, sa: Source, sb: Source, files: Files, bufs: Buffers, chunk: number, signal: AbortSignal | undefined): Promise<Stats> {
  const s: Stats = { changed: 0, maxAbs: 0, nonFinite: false, measurable: sa.encoding === 'fixed' };
  const fa = await files.get(sa.file);
  const fb = await files.get(sb.file);
  if (sa.offset + sa.length > fa.size) throw new DiffError('io', sa.file, `tensor data ${sa.offset}+${sa.length} runs past the end of the file (${fa.size} bytes)`);
  if (sb.offset + sb.length > fb.size) throw new DiffError('io', sb.file, `tensor data ${sb.offset}+${sb.length} runs past the end of the file (${fb.size} bytes)`);
  const total = sa.length;
  const read = (i: number, at: number): Promise<[void, void]> => {
    const n = Math.min(chunk, total - at);
    return Promise.all([readFully(fa.fh, sa.file, bufs.a[i]!, n, sa.offset + at), readFully(fb.fh, sb.file, bufs.b[i]!, n, sb.offset + at)]);
  };
  let slot = 0;
  let pending: Promise<[void, void]> | null = total > 0 ? read(0, 0) : null;
  for (let at = 0; at < total; at += chunk) {
    if (signal?.aborted) {
      await pending?.catch(() => undefined);
      throw new DiffError('aborted', sa.file, 'the comparison was cancelled');
    }
    await pending;
    const n = Math.min(chunk, total - at);
    const next = at + chunk;
    pending = next < total ? read(1 - slot, next) : null;
    const a = bufs.a[slot]!.subarray(0, n);
    const b = bufs.b[slot]!.subarray(0, n);
    if (!a.equals(b)) {
      if (sa.encoding === 'varint') {
        s.changed = -1; // differences exist; elements are not counted for varint payloads
      } else {
        compareChunk(dataType, a, b, n, s);
      }
    }
    slot = 1 - slot;
  }
  return s;
}

/**
 * Compares the initializers of two models (main graph and subgraphs; sparse initializers by header only), and the
 * `value` tensors of Constant nodes (keyed `Constant:<output name>`).
 *
 * @throws DiffError `io` when a payload cannot be read, `aborted` on cancellation.
 */
export async function compareInitializers(before: InitializerSide, after: InitializerSide, options: CompareOptions = {}): Promise<InitializerComparison> {
  const chunk = Math.max(16, Math.floor((options.chunkBytes ?? CHUNK_BYTES) / 16) * 16);
  const olds = entries(before.raw);
  const news = entries(after.raw);
  const result: InitializerComparison = {
    count: numberDelta(olds.size, news.size),
    unchanged: 0,
    added: 0,
    removed: 0,
    reshaped: 0,
    retyped: 0,
    changed: 0,
    notCompared: 0,
    bytesRead: 0,
    tensors: [],
    omitted: 0,
  };
  const changes: TensorChange[] = [];
  const base = (name: string, o: RawTensor | null, n: RawTensor | null): Omit<TensorChange, 'change'> => ({
    name,
    dtype: { before: o ? dtypeName(o.dataType) : null, after: n ? dtypeName(n.dataType) : null },
    dims: { before: o ? (o.dims ?? []) : null, after: n ? (n.dims ?? []) : null },
    elements: { before: o?.elements ?? null, after: n?.elements ?? null },
  });
  const files = new Files();
  const realDirs = new Map<string, string>();
  let bufs: Buffers | null = null;
  try {
    for (const [key, o] of olds) {
      if (options.signal?.aborted) throw new DiffError('aborted', before.path, 'the comparison was cancelled');
      const n = news.get(key);
      if (!n) {
        result.removed++;
        changes.push({ ...base(key, o.tensor, null), change: 'removed' });
        continue;
      }
      if (o.tensor.dataType !== n.tensor.dataType) {
        result.retyped++;
        changes.push({ ...base(key, o.tensor, n.tensor), change: 'retyped' });
        continue;
      }
      if (dimsText(o.tensor.dims) !== dimsText(n.tensor.dims)) {
        result.reshaped++;
        changes.push({ ...base(key, o.tensor, n.tensor), change: 'reshaped' });
        continue;
      }
      const notCompared = (note: string): void => {
        result.notCompared++;
        changes.push({ ...base(key, o.tensor, n.tensor), change: 'not-compared', note });
      };
      if (o.sparse || n.sparse) {
        notCompared('sparse initializer (headers compared only)');
        continue;
      }
      if (dtypeSize(o.tensor.dataType) === 0) {
        notCompared(`${dtypeName(o.tensor.dataType)} data is not compared`);
        continue;
      }
      const ra = await resolve(before.path, o.tensor, files, realDirs);
      const rb = await resolve(after.path, n.tensor, files, realDirs);
      if ('note' in ra || 'note' in rb) {
        notCompared(['note' in ra ? `old: ${ra.note}` : '', 'note' in rb ? `new: ${rb.note}` : ''].filter(Boolean).join('; '));
        continue;
      }
      const sa = ra.source;
      const sb = rb.source;
      if (sa.encoding !== sb.encoding || sa.length !== sb.length) {
        notCompared(sa.encoding !== sb.encoding ? 'stored in different encodings (varint vs fixed-width)' : `stored sizes differ (${sa.length} vs ${sb.length} bytes)`);
        continue;
      }
      bufs ??= acquire(chunk);
      const s = await compareData(o.tensor.dataType, sa, sb, files, bufs, chunk, options.signal);
      result.bytesRead += sa.length + sb.length;
      if (s.changed === 0) {
        result.unchanged++;
        continue;
      }
      result.changed++;
      const c: TensorChange = { ...base(key, o.tensor, n.tensor), change: 'changed' };
      if (s.changed > 0) c.changedElements = s.changed;
      c.maxAbsDiff = s.measurable && s.changed > 0 ? s.maxAbs : null;
      if (s.nonFinite) c.nonFinite = true;
      if (!s.measurable) c.note = sa.encoding === 'varint' ? 'varint-encoded data: elements not counted' : `${dtypeName(o.tensor.dataType)}: differing bytes counted, no numeric difference`;
      changes.push(c);
    }
    for (const [key, n] of news) {
      if (olds.has(key)) continue;
      result.added++;
      changes.push({ ...base(key, null, n.tensor), change: 'added' });
    }
  } finally {
    await files.close();
    if (bufs) release(bufs);
  }
  const size = (c: TensorChange): number => Math.max(c.elements.before ?? 0, c.elements.after ?? 0);
  changes.sort((x, y) => size(y) - size(x) || (x.name < y.name ? -1 : 1));
  result.tensors = changes.slice(0, MAX_TENSOR_CHANGES);
  result.omitted = changes.length - result.tensors.length;
  return result;
}
