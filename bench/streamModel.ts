/**
 * Writes ONNX models with large float32 weights by streaming the protobuf: the small messages (nodes, value
 * infos, tensor headers) are encoded in memory with onnx-proto, and each tensor payload is written as the
 * `raw_data` tag + length varint followed by the bytes, in chunks of a repeating pattern buffer. Memory use is
 * the pattern (4 MiB) whatever the model size. With `external: true`, the payloads go to a `weights.bin` next
 * to the model instead (`data_location: EXTERNAL`, `location`/`offset`/`length` entries).
 *
 * Graph: `x` float32 [batch, K] → h_i = MatMul(x, W_i) for each W_i [K, N] → y = h_0 + h_1 + … → `y` [batch, N].
 */
import { open, rename, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { onnx } from 'onnx-proto';

export interface BigModelSpec {
  /** Number of weight tensors. */
  tensors: number;
  /** Each weight is [k, n] float32. */
  k: number;
  n: number;
  /** Payloads in a `weights.bin` next to the model instead of inline `raw_data`. */
  external: boolean;
}

/** Name of the external data file (relative to the model). */
export const WEIGHTS_FILE = 'weights.bin';
const PATTERN_BYTES = 4 * 1024 * 1024;
const FLOAT = onnx.TensorProto.DataType.FLOAT;

/** The repeating payload: float32 values (i mod 251 − 125) / 1000, so ONNX Runtime computes finite outputs. */
export function patternBuffer(bytes = PATTERN_BYTES): Buffer {
  const buf = Buffer.alloc(bytes);
  for (let i = 0; i < bytes / 4; i++) buf.writeFloatLE(((i % 251) - 125) / 1000, i * 4);
  return buf;
}

function varint(value: number): Buffer {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return Buffer.from(out);
}

/** Tag + length prefix of a length-delimited field (wire type 2). */
function lengthPrefix(field: number, length: number): Buffer {
  return Buffer.concat([varint(field * 8 + 2), varint(length)]);
}

function fieldBytes(field: number, message: Uint8Array): Buffer {
  return Buffer.concat([lengthPrefix(field, message.length), message]);
}

/** Bytes of one weight tensor's payload. */
export function tensorBytes(spec: BigModelSpec): number {
  return spec.k * spec.n * 4;
}

/** One piece of the file: bytes in memory, or `length` bytes of the pattern. */
type Piece = Buffer | { pattern: number };

function pieceLength(p: Piece): number {
  return Buffer.isBuffer(p) ? p.length : p.pattern;
}

/** The model file as pieces; with `external`, the weights file's size is `tensors × tensorBytes`. */
function modelPieces(spec: BigModelSpec, name: string): Piece[] {
  const bytes = tensorBytes(spec);
  const graphPieces: Piece[] = [];
  const names = Array.from({ length: spec.tensors }, (_, i) => `W${i}`);
  for (const [i, w] of names.entries()) {
    graphPieces.push(fieldBytes(1, onnx.NodeProto.encode({ opType: 'MatMul', name: `matmul${i}`, input: ['x', w], output: [`h${i}`] }).finish()));
  }
  for (let i = 1; i < spec.tensors; i++) {
    const a = i === 1 ? 'h0' : `s${i - 1}`;
    const out = i === spec.tensors - 1 ? 'y' : `s${i}`;
    graphPieces.push(fieldBytes(1, onnx.NodeProto.encode({ opType: 'Add', name: `add${i}`, input: [a, `h${i}`], output: [out] }).finish()));
  }
  if (spec.tensors === 1) graphPieces.push(fieldBytes(1, onnx.NodeProto.encode({ opType: 'Identity', input: ['h0'], output: ['y'] }).finish()));
  graphPieces.push(fieldBytes(2, Buffer.from(name, 'utf8')));
  for (const [i, w] of names.entries()) {
    if (spec.external) {
      const header = onnx.TensorProto.encode({
        name: w,
        dims: [spec.k, spec.n],
        dataType: FLOAT,
        dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
        externalData: [
          { key: 'location', value: WEIGHTS_FILE },
          { key: 'offset', value: String(i * bytes) },
          { key: 'length', value: String(bytes) },
        ],
      }).finish();
      graphPieces.push(fieldBytes(5, header));
    } else {
      const header = Buffer.from(onnx.TensorProto.encode({ name: w, dims: [spec.k, spec.n], dataType: FLOAT }).finish());
      const rawPrefix = lengthPrefix(9, bytes);
      graphPieces.push(lengthPrefix(5, header.length + rawPrefix.length + bytes), header, rawPrefix, { pattern: bytes });
    }
  }
  const tensorType = (dims: Array<number | string>): onnx.ITypeProto => ({
    tensorType: { elemType: FLOAT, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } },
  });
  graphPieces.push(fieldBytes(11, onnx.ValueInfoProto.encode({ name: 'x', type: tensorType(['batch', spec.k]) }).finish()));
  graphPieces.push(fieldBytes(12, onnx.ValueInfoProto.encode({ name: 'y', type: tensorType(['batch', spec.n]) }).finish()));
  const graphLength = graphPieces.reduce((s, p) => s + pieceLength(p), 0);

  const head = onnx.ModelProto.encode({
    irVersion: 8,
    producerName: 'ml-preflight-bench',
    producerVersion: '1.0',
    modelVersion: 1,
    opsetImport: [{ domain: '', version: 17 }],
    metadataProps: [{ key: 'purpose', value: 'ML Preflight inspection benchmark (pattern weights)' }],
  }).finish();
  return [Buffer.from(head), lengthPrefix(7, graphLength), ...graphPieces];
}

/** Size in bytes of the model file (and of `weights.bin` with `external`). */
export function plannedSizes(spec: BigModelSpec, name: string): { model: number; weights: number } {
  const model = modelPieces(spec, name).reduce((s, p) => s + pieceLength(p), 0);
  return { model, weights: spec.external ? spec.tensors * tensorBytes(spec) : 0 };
}

async function writePieces(file: string, pieces: Piece[], pattern: Buffer): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    for (const p of pieces) {
      if (Buffer.isBuffer(p)) {
        await fh.write(p);
        continue;
      }
      for (let left = p.pattern; left > 0; ) {
        const n = Math.min(left, pattern.length);
        await fh.write(pattern, 0, n);
        left -= n;
      }
    }
  } catch (ex) {
    await fh.close();
    await rm(tmp, { force: true });
    throw ex;
  }
  await fh.close();
  await rename(tmp, file);
}

/**
 * Writes the model to `file` (and `weights.bin` next to it with `external`). Never holds more than the pattern
 * buffer and the small encoded messages in memory.
 */
export async function writeBigModel(file: string, spec: BigModelSpec, pattern = patternBuffer()): Promise<void> {
  const name = path.basename(file, '.onnx');
  await writePieces(file, modelPieces(spec, name), pattern);
  if (spec.external) {
    const weights = Array.from({ length: spec.tensors }, (): Piece => ({ pattern: tensorBytes(spec) }));
    await writePieces(path.join(path.dirname(file), WEIGHTS_FILE), weights, pattern);
  }
}
