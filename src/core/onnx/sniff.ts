import { OnnxInspectError } from './errors';
import { WireType, type ProtoReader } from './protoReader';

/** ModelProto field number → [name, wire type] (onnx.proto). */
const MODEL_FIELDS: ReadonlyMap<number, readonly [string, number]> = new Map([
  [1, ['ir_version', WireType.Varint]],
  [2, ['producer_name', WireType.LengthDelimited]],
  [3, ['producer_version', WireType.LengthDelimited]],
  [4, ['domain', WireType.LengthDelimited]],
  [5, ['model_version', WireType.Varint]],
  [6, ['doc_string', WireType.LengthDelimited]],
  [7, ['graph', WireType.LengthDelimited]],
  [8, ['opset_import', WireType.LengthDelimited]],
  [14, ['metadata_props', WireType.LengthDelimited]],
  [20, ['training_info', WireType.LengthDelimited]],
  [25, ['functions', WireType.LengthDelimited]],
  [26, ['configuration', WireType.LengthDelimited]],
]);

/** GraphProto field numbers (all length-delimited). */
const GRAPH_FIELDS = new Set([1, 2, 5, 10, 11, 12, 13, 14, 15, 16]);

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Magic numbers of common non-ONNX files, for a friendlier message. */
const MAGIC: ReadonlyArray<readonly [number[], string]> = [
  [[0x89, 0x50, 0x4e, 0x47], 'a PNG image'],
  [[0x50, 0x4b, 0x03, 0x04], 'a zip archive (PyTorch .pt, .npz, .keras?)'],
  [[0x89, 0x48, 0x44, 0x46], 'an HDF5 file (Keras .h5?)'],
  [[0x1f, 0x8b], 'a gzip file'],
  [[0x80], 'a Python pickle'],
  [[0x47, 0x47, 0x55, 0x46], 'a GGUF file'],
  [[0x7f, 0x45, 0x4c, 0x46], 'an ELF binary'],
];

/**
 * Checks cheaply that the file looks like a serialized `ModelProto` before a full parse (as Netron's
 * `onnx.ProtoReader.open` peeks at the first field tags): walks the top-level field tags, seeking past
 * their payloads, and validates the first field's content.
 *
 * @throws OnnxInspectError `not-onnx` when the bytes do not look like ONNX; `truncated`/`malformed` when they do
 *   but a top-level length is broken.
 */
export async function sniffModel(r: ProtoReader): Promise<void> {
  const head = await peekHead(r);
  for (const [magic, what] of MAGIC) {
    if (magic.every((b, i) => head[i] === b)) notOnnx(r, `the file looks like ${what}`);
  }
  r.seek(0);
  let evidence = false;
  let sawGraph = false;
  let sawOpset = false;
  let first = true;
  while (r.pos < r.size) {
    const at = r.pos;
    try {
      const [field, wire] = await r.tag(r.size);
      const known = MODEL_FIELDS.get(field);
      if (first && !known) notOnnx(r, `the first field (number ${field}, at offset 0) is not a ModelProto field`);
      if (known && known[1] !== wire) {
        if (first || !evidence) notOnnx(r, `field ${field} (${known[0]}) has wire type ${wire}, expected ${known[1]}`);
        r.fail('malformed', `field ${field} (${known[0]}) at offset ${at} has wire type ${wire}, expected ${known[1]}`);
      }
      if (!known) {
        await r.skip(wire, field, r.size);
        first = false;
        continue;
      }
      if (wire === WireType.Varint) {
        const v = await r.int64(r.size);
        if (field === 1) {
          if (v < 1 || v > 100) notOnnx(r, `ir_version ${v} is implausible`);
          evidence = true;
        }
      } else {
        const stop = await r.length(r.size, `field ${field} (${known[0]})`);
        if (field === 2 || field === 3 || field === 4) {
          const n = stop - r.pos;
          if (n > 4096 || !isText(await r.bytes(n))) notOnnx(r, `field ${field} (${known[0]}) at offset ${at} is not text`);
        } else if (first && field === 6) {
          const n = stop - r.pos;
          if (!isText(await r.bytes(Math.min(n, 4096)), n > 4096)) notOnnx(r, `field 6 (doc_string) at offset ${at} is not text`);
        } else if (field === 7 && !sawGraph) {
          if (stop > r.pos && !(await firstInnerTagIs(r, stop, (f, w) => GRAPH_FIELDS.has(f) && w === WireType.LengthDelimited))) {
            if (!evidence) notOnnx(r, `field 7 at offset ${at} does not hold a GraphProto`);
          }
          sawGraph = true;
          evidence = true;
        } else if (field === 8) {
          const ok = await firstInnerTagIs(r, stop, (f, w) => (f === 1 && w === WireType.LengthDelimited) || (f === 2 && w === WireType.Varint));
          if (!ok && !evidence) notOnnx(r, `field 8 at offset ${at} does not hold an OperatorSetIdProto`);
          sawOpset = true;
          evidence = true;
        }
        r.seek(stop);
      }
      first = false;
    } catch (ex) {
      if (OnnxInspectError.is(ex) && ex.reason !== 'not-onnx' && !evidence) {
        notOnnx(r, `no ONNX structure found (${ex.message.slice(`${ex.file}: ${ex.reason}: `.length)})`);
      }
      throw ex;
    }
  }
  if (!sawGraph) {
    if (sawOpset) r.fail('malformed', 'the model has no graph (ModelProto field 7)');
    notOnnx(r, 'no ONNX graph found (ModelProto field 7)');
  }
}

function notOnnx(r: ProtoReader, detail: string): never {
  throw new OnnxInspectError('not-onnx', r.file, detail);
}

async function peekHead(r: ProtoReader): Promise<Uint8Array> {
  r.seek(0);
  return r.bytes(Math.min(8, r.size));
}

/** Reads the first tag inside a length-delimited field and tests it (the cursor is restored by the caller). */
async function firstInnerTagIs(r: ProtoReader, stop: number, test: (field: number, wire: number) => boolean): Promise<boolean> {
  try {
    const [f, w] = await r.tag(stop);
    return test(f, w);
  } catch (ex) {
    if (OnnxInspectError.is(ex)) return false;
    throw ex;
  }
}

/** Valid UTF-8 without control characters other than tab/CR/LF. `prefix`: the bytes may be cut mid-character. */
function isText(bytes: Uint8Array, prefix = false): boolean {
  let s: string;
  try {
    s = fatalUtf8.decode(prefix ? bytes.subarray(0, Math.max(0, bytes.length - 3)) : bytes);
  } catch {
    return false;
  }
  // eslint-disable-next-line no-control-regex
  return !/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(s);
}
