import { dtypeName, dtypeSize, DataType } from './dataTypes';
import { OnnxInspectError } from './errors';
import { decodeInt64LE, decodeVarints, WireType, type ProtoReader } from './protoReader';
import type {
  RawAttribute,
  RawDim,
  RawFunction,
  RawGraph,
  RawModel,
  RawNode,
  RawSparseTensor,
  RawTensor,
  RawType,
  RawValueInfo,
} from './rawModel';

/** Deepest graph nesting accepted (If inside Loop inside …); real models stay far below. */
export const MAX_GRAPH_DEPTH = 32;
/** Deepest `TypeProto` nesting accepted (`sequence<map<…>>`). */
const MAX_TYPE_DEPTH = 32;
/** Most tensor dims accepted; ONNX runtimes support far fewer. */
const MAX_RANK = 64;
/** int64 payloads up to this size are read (shape constants for Reshape etc.). */
const SMALL_INT64_BYTES = 512;
/** At most this many notes are kept. */
const MAX_NOTES = 20;

const Varint = WireType.Varint;
const LengthDelimited = WireType.LengthDelimited;
const Fixed32 = WireType.Fixed32;

/**
 * Decodes a `ModelProto` from `reader` (whole file) into a `RawModel`: graph structure and tensor headers.
 * Tensor payloads are skipped by seeking, except int64 payloads of at most 512 bytes (shape constants).
 *
 * @throws OnnxInspectError `truncated`, `malformed`, `too-deep` or `aborted`.
 */
export async function parseModel(reader: ProtoReader, signal?: AbortSignal): Promise<RawModel> {
  return new ModelParser(reader, signal).model();
}

class ModelParser {
  private readonly notes: string[] = [];
  private steps = 0;

  constructor(
    private readonly r: ProtoReader,
    private readonly signal: AbortSignal | undefined,
  ) {}

  private check(): void {
    if (this.signal?.aborted) throw new OnnxInspectError('aborted', this.r.file, 'inspection was cancelled');
    this.steps++;
  }

  private note(text: string): void {
    if (this.notes.length < MAX_NOTES) this.notes.push(text);
  }

  async model(): Promise<RawModel> {
    const r = this.r;
    const end = r.size;
    r.seek(0);
    const m: RawModel = {
      irVersion: null,
      opsets: [],
      producerName: '',
      producerVersion: '',
      domain: '',
      modelVersion: null,
      docString: '',
      graph: null,
      metadata: [],
      functions: [],
      notes: this.notes,
    };
    while (r.pos < end) {
      this.check();
      const [field, wire] = await r.tag(end);
      switch (field) {
        case 1:
          r.expect(wire, Varint, 'ModelProto.ir_version');
          m.irVersion = await r.int64(end);
          break;
        case 2:
          r.expect(wire, LengthDelimited, 'ModelProto.producer_name');
          m.producerName = await r.string(end, 'producer_name');
          break;
        case 3:
          r.expect(wire, LengthDelimited, 'ModelProto.producer_version');
          m.producerVersion = await r.string(end, 'producer_version');
          break;
        case 4:
          r.expect(wire, LengthDelimited, 'ModelProto.domain');
          m.domain = await r.string(end, 'domain');
          break;
        case 5:
          r.expect(wire, Varint, 'ModelProto.model_version');
          m.modelVersion = await r.int64(end);
          break;
        case 6:
          r.expect(wire, LengthDelimited, 'ModelProto.doc_string');
          m.docString = await r.string(end, 'doc_string');
          break;
        case 7: {
          r.expect(wire, LengthDelimited, 'ModelProto.graph');
          const stop = await r.length(end, 'field 7 (graph)');
          m.graph = await this.graph(stop, 0);
          break;
        }
        case 8: {
          r.expect(wire, LengthDelimited, 'ModelProto.opset_import');
          const stop = await r.length(end, 'field 8 (opset_import)');
          m.opsets.push(await this.opset(stop));
          break;
        }
        case 14: {
          r.expect(wire, LengthDelimited, 'ModelProto.metadata_props');
          const stop = await r.length(end, 'field 14 (metadata_props)');
          m.metadata.push(await this.entry(stop));
          break;
        }
        case 25: {
          r.expect(wire, LengthDelimited, 'ModelProto.functions');
          const stop = await r.length(end, 'field 25 (functions)');
          m.functions.push(await this.func(stop));
          break;
        }
        default:
          await r.skip(wire, field, end);
      }
    }
    return m;
  }

  private async opset(end: number): Promise<{ domain: string; version: number }> {
    const r = this.r;
    const out = { domain: '', version: 0 };
    while (r.pos < end) {
      const [field, wire] = await r.tag(end);
      if (field === 1 && wire === LengthDelimited) out.domain = await r.string(end, 'opset domain');
      else if (field === 2 && wire === Varint) out.version = await r.int64(end);
      else await r.skip(wire, field, end);
    }
    return out;
  }

  private async entry(end: number): Promise<{ key: string; value: string }> {
    const r = this.r;
    const out = { key: '', value: '' };
    while (r.pos < end) {
      const [field, wire] = await r.tag(end);
      if (field === 1 && wire === LengthDelimited) out.key = await r.string(end, 'key');
      else if (field === 2 && wire === LengthDelimited) out.value = await r.string(end, 'value');
      else await r.skip(wire, field, end);
    }
    return out;
  }

  private async func(end: number): Promise<RawFunction> {
    const r = this.r;
    const out: RawFunction = { name: '', domain: '', nodes: [] };
    while (r.pos < end) {
      this.check();
      const [field, wire] = await r.tag(end);
      if (field === 1 && wire === LengthDelimited) out.name = await r.string(end, 'function name');
      else if (field === 10 && wire === LengthDelimited) out.domain = await r.string(end, 'function domain');
      else if (field === 7 && wire === LengthDelimited) {
        const stop = await r.length(end, 'function node');
        out.nodes.push(await this.node(stop, 1));
      } else await r.skip(wire, field, end);
    }
    return out;
  }

  private async graph(end: number, depth: number): Promise<RawGraph> {
    if (depth > MAX_GRAPH_DEPTH) {
      throw new OnnxInspectError('too-deep', this.r.file, `subgraphs nested deeper than ${MAX_GRAPH_DEPTH} levels (offset ${this.r.pos})`);
    }
    const r = this.r;
    const g: RawGraph = {
      name: '',
      docString: '',
      nodes: [],
      initializers: [],
      sparseInitializers: [],
      inputs: [],
      outputs: [],
      valueInfo: [],
      depth,
    };
    while (r.pos < end) {
      this.check();
      const [field, wire] = await r.tag(end);
      if (wire !== LengthDelimited) {
        await r.skip(wire, field, end);
        continue;
      }
      switch (field) {
        case 1:
          g.nodes.push(await this.node(await r.length(end, 'GraphProto.node'), depth));
          break;
        case 2:
          g.name = await r.string(end, 'graph name');
          break;
        case 5:
          g.initializers.push(await this.tensor(await r.length(end, 'GraphProto.initializer')));
          break;
        case 15:
          g.sparseInitializers.push(await this.sparse(await r.length(end, 'GraphProto.sparse_initializer')));
          break;
        case 10:
          g.docString = await r.string(end, 'graph doc_string');
          break;
        case 11:
          g.inputs.push(await this.valueInfo(await r.length(end, 'GraphProto.input')));
          break;
        case 12:
          g.outputs.push(await this.valueInfo(await r.length(end, 'GraphProto.output')));
          break;
        case 13:
          g.valueInfo.push(await this.valueInfo(await r.length(end, 'GraphProto.value_info')));
          break;
        default:
          await r.skip(wire, field, end);
      }
    }
    return g;
  }

  private async node(end: number, depth: number): Promise<RawNode> {
    const r = this.r;
    const n: RawNode = { opType: '', domain: '', name: '', inputs: [], outputs: [], attributes: new Map(), subgraphs: [] };
    while (r.pos < end) {
      this.check();
      const [field, wire] = await r.tag(end);
      if (wire !== LengthDelimited) {
        await r.skip(wire, field, end);
        continue;
      }
      switch (field) {
        case 1:
          n.inputs.push(await r.string(end, 'node input'));
          break;
        case 2:
          n.outputs.push(await r.string(end, 'node output'));
          break;
        case 3:
          n.name = await r.string(end, 'node name');
          break;
        case 4:
          n.opType = await r.string(end, 'op_type');
          break;
        case 7:
          n.domain = await r.string(end, 'node domain');
          break;
        case 5: {
          const a = await this.attribute(await r.length(end, 'NodeProto.attribute'), depth, n.subgraphs);
          n.attributes.set(a.name, a);
          break;
        }
        default:
          await r.skip(wire, field, end);
      }
    }
    return n;
  }

  private async attribute(end: number, depth: number, subgraphs: RawGraph[]): Promise<RawAttribute> {
    const r = this.r;
    const a: RawAttribute = { name: '' };
    while (r.pos < end) {
      const [field, wire] = await r.tag(end);
      switch (field) {
        case 1:
          r.expect(wire, LengthDelimited, 'AttributeProto.name');
          a.name = await r.string(end, 'attribute name');
          break;
        case 2:
          if (wire === Fixed32) a.f = await r.float32(end);
          else await r.skip(wire, field, end);
          break;
        case 3:
          if (wire === Varint) a.i = await r.int64(end);
          else await r.skip(wire, field, end);
          break;
        case 4: {
          r.expect(wire, LengthDelimited, 'AttributeProto.s');
          const stop = await r.length(end, 'attribute s');
          if (stop - r.pos <= 256) a.s = new TextDecoder().decode(await r.bytes(stop - r.pos));
          r.seek(stop);
          break;
        }
        case 5:
          r.expect(wire, LengthDelimited, 'AttributeProto.t');
          a.t = await this.tensor(await r.length(end, 'attribute t'));
          break;
        case 6:
        case 11:
          r.expect(wire, LengthDelimited, field === 6 ? 'AttributeProto.g' : 'AttributeProto.graphs');
          subgraphs.push(await this.graph(await r.length(end, 'attribute graph'), depth + 1));
          break;
        case 8:
          a.ints ??= [];
          if (wire === Varint) a.ints.push(await r.int64(end));
          else if (wire === LengthDelimited) {
            const stop = await r.length(end, 'attribute ints');
            while (r.pos < stop) {
              const v = await r.int64(stop);
              if (a.ints.length < 64) a.ints.push(v);
            }
          } else await r.skip(wire, field, end);
          break;
        default:
          await r.skip(wire, field, end);
      }
    }
    return a;
  }

  private async valueInfo(end: number): Promise<RawValueInfo> {
    const r = this.r;
    const v: RawValueInfo = { name: '', type: null, docString: '' };
    while (r.pos < end) {
      this.check();
      const [field, wire] = await r.tag(end);
      if (field === 1 && wire === LengthDelimited) v.name = await r.string(end, 'value name');
      else if (field === 2 && wire === LengthDelimited) v.type = await this.type(await r.length(end, 'ValueInfoProto.type'), 0);
      else if (field === 3 && wire === LengthDelimited) v.docString = await r.string(end, 'value doc_string');
      else await r.skip(wire, field, end);
    }
    return v;
  }

  private async type(end: number, depth: number): Promise<RawType> {
    const r = this.r;
    if (depth > MAX_TYPE_DEPTH) {
      throw new OnnxInspectError('too-deep', r.file, `type nested deeper than ${MAX_TYPE_DEPTH} levels (offset ${r.pos})`);
    }
    let t: RawType = { kind: 'unknown' };
    while (r.pos < end) {
      const [field, wire] = await r.tag(end);
      if (wire !== LengthDelimited) {
        await r.skip(wire, field, end);
        continue;
      }
      const stop = await r.length(end, 'TypeProto field');
      switch (field) {
        case 1:
        case 8: {
          const { elemType, shape } = await this.tensorType(stop);
          t = { kind: field === 1 ? 'tensor' : 'sparse', elemType, shape };
          break;
        }
        case 4:
        case 9: {
          let elem: RawType | null = null;
          while (r.pos < stop) {
            const [f, w] = await r.tag(stop);
            if (f === 1 && w === LengthDelimited) elem = await this.type(await r.length(stop, 'element type'), depth + 1);
            else await r.skip(w, f, stop);
          }
          t = { kind: field === 4 ? 'sequence' : 'optional', elem };
          break;
        }
        case 5: {
          let keyType = 0;
          let value: RawType | null = null;
          while (r.pos < stop) {
            const [f, w] = await r.tag(stop);
            if (f === 1 && w === Varint) keyType = await r.int64(stop);
            else if (f === 2 && w === LengthDelimited) value = await this.type(await r.length(stop, 'map value type'), depth + 1);
            else await r.skip(w, f, stop);
          }
          t = { kind: 'map', keyType, value };
          break;
        }
        case 6:
          t = { kind: 'opaque' };
          break;
        default:
          break;
      }
      r.seek(stop);
    }
    return t;
  }

  private async tensorType(end: number): Promise<{ elemType: number; shape: RawDim[] | null }> {
    const r = this.r;
    let elemType = 0;
    let shape: RawDim[] | null = null;
    while (r.pos < end) {
      const [field, wire] = await r.tag(end);
      if (field === 1 && wire === Varint) elemType = await r.int64(end);
      else if (field === 2 && wire === LengthDelimited) {
        const stop = await r.length(end, 'TensorShapeProto');
        shape = [];
        while (r.pos < stop) {
          const [f, w] = await r.tag(stop);
          if (f === 1 && w === LengthDelimited) shape.push(await this.dim(await r.length(stop, 'Dimension')));
          else await r.skip(w, f, stop);
        }
      } else await r.skip(wire, field, end);
    }
    return { elemType, shape };
  }

  private async dim(end: number): Promise<RawDim> {
    const r = this.r;
    let d: RawDim = '?';
    while (r.pos < end) {
      const [field, wire] = await r.tag(end);
      if (field === 1 && wire === Varint) {
        const v = await r.int64(end);
        d = v >= 0 ? v : '?';
      } else if (field === 2 && wire === LengthDelimited) {
        const p = await r.string(end, 'dim_param');
        d = p === '' ? '?' : p;
      } else await r.skip(wire, field, end);
    }
    return d;
  }

  private async sparse(end: number): Promise<RawSparseTensor> {
    const r = this.r;
    let values: RawTensor | null = null;
    let indices: RawTensor | null = null;
    const dims: number[] = [];
    while (r.pos < end) {
      this.check();
      const [field, wire] = await r.tag(end);
      if (field === 1 && wire === LengthDelimited) values = await this.tensor(await r.length(end, 'sparse values'));
      else if (field === 2 && wire === LengthDelimited) indices = await this.tensor(await r.length(end, 'sparse indices'));
      else if (field === 3) await this.dimsField(wire, end, dims);
      else await r.skip(wire, field, end);
    }
    if (values === null) return r.fail('malformed', `sparse initializer ending at offset ${end} has no values tensor`);
    return { values, indices, dims };
  }

  private async dimsField(wire: number, end: number, dims: number[]): Promise<void> {
    const r = this.r;
    if (wire === Varint) dims.push(await r.int64(end));
    else if (wire === LengthDelimited) {
      const stop = await r.length(end, 'dims');
      while (r.pos < stop) dims.push(await r.int64(stop));
    } else await r.skip(wire, 1, end);
    if (dims.length > MAX_RANK) r.fail('malformed', `tensor with more than ${MAX_RANK} dims at offset ${r.pos}`);
  }

  /** Decodes a TensorProto header; payload fields are measured and skipped. */
  private async tensor(end: number): Promise<RawTensor> {
    const r = this.r;
    const start = r.pos;
    this.check();
    let name = '';
    let dataType = 0;
    let dims: number[] | null = null;
    let stored = 0;
    let storedKind: 'raw' | 'float' | 'double' | 'varint' | 'string' | null = null;
    let stringCount = 0;
    let small: { kind: 'raw' | 'varint'; bytes: Uint8Array } | null = null;
    let dataFields = 0;
    let payload: RawTensor['payload'] = null;
    let externalLoc = false;
    const ext: Record<string, string> = {};
    while (r.pos < end) {
      const [field, wire] = await r.tag(end);
      switch (field) {
        case 1:
          dims ??= [];
          await this.dimsField(wire, end, dims);
          break;
        case 2:
          if (wire === Varint) dataType = await r.int64(end);
          else await r.skip(wire, field, end);
          break;
        case 8:
          if (wire === LengthDelimited) name = await r.string(end, 'tensor name');
          else await r.skip(wire, field, end);
          break;
        case 4: // float_data
        case 10: // double_data
        case 5: // int32_data
        case 7: // int64_data
        case 11: // uint64_data
        case 9: // raw_data
        case 6: {
          // string_data
          const kind = field === 9 ? 'raw' : field === 4 ? 'float' : field === 10 ? 'double' : field === 6 ? 'string' : 'varint';
          storedKind = kind;
          dataFields++;
          if (wire === LengthDelimited) {
            const stop = await r.length(end, `tensor data field ${field}`);
            const len = stop - r.pos;
            payload = { field, offset: r.pos, length: len };
            stored += len;
            if (field === 6) stringCount++;
            if ((field === 9 || field === 7) && len <= SMALL_INT64_BYTES) small = { kind: field === 9 ? 'raw' : 'varint', bytes: await r.bytes(len) };
            r.seek(stop);
          } else {
            const before = r.pos;
            await r.skip(wire, field, end);
            stored += r.pos - before;
            if (field === 6) stringCount++;
          }
          break;
        }
        case 13:
          if (wire === LengthDelimited) {
            const e = await this.entry(await r.length(end, 'external_data'));
            ext[e.key] = e.value;
          } else await r.skip(wire, field, end);
          break;
        case 14:
          if (wire === Varint) externalLoc = (await r.int64(end)) === 1;
          else await r.skip(wire, field, end);
          break;
        default:
          await r.skip(wire, field, end);
      }
    }
    const size = dtypeSize(dataType);
    const label = name === '' ? `tensor at offset ${start}` : `tensor '${name}'`;
    for (const d of dims ?? []) if (d < 0) r.fail('malformed', `${label} has a negative dim ${d}`);
    let elements = (dims ?? []).reduce((a, b) => a * b, 1);
    if (!Number.isSafeInteger(elements)) r.fail('malformed', `${label} has an implausible shape [${(dims ?? []).join(',')}]`);

    let external: RawTensor['external'] = null;
    if (externalLoc || ext['location'] !== undefined) {
      const offset = Number(ext['offset'] ?? 0);
      const length = ext['length'] === undefined ? null : Number(ext['length']);
      external = {
        location: ext['location'] ?? '',
        offset: Number.isSafeInteger(offset) && offset >= 0 ? offset : 0,
        length: length !== null && Number.isSafeInteger(length) && length >= 0 ? length : null,
      };
    }

    // Element count from the payload when dims are absent (by the spec a scalar, but old writers omit dims).
    if (dims === null) {
      const fromPayload =
        storedKind === 'string'
          ? stringCount
          : storedKind === 'float'
            ? stored / 4
            : storedKind === 'double'
              ? stored / 8
              : external?.length != null && size > 0
                ? Math.floor(external.length / size)
                : storedKind === 'raw' && size > 0
                  ? Math.floor(stored / size)
                  : 1;
      elements = Math.max(1, Math.floor(fromPayload));
    }
    let bytes = dataType === DataType.STRING ? stored : Math.ceil(elements * size);
    if (dims === null && storedKind === 'varint') bytes = stored;
    if (external && dims === null && external.length !== null) bytes = external.length;
    if (!Number.isSafeInteger(bytes)) r.fail('malformed', `${label} has an implausible size`);
    if (storedKind === 'raw' && size > 0 && dims !== null && stored !== bytes && !external) {
      this.note(`${label} (${dtypeName(dataType)}, dims [${dims.join(',')}]) stores ${stored} bytes of raw_data but its dims need ${bytes}`);
    }

    let int64Values: number[] | null = null;
    if (small && dataType === DataType.INT64 && elements <= 64) {
      int64Values = small.kind === 'raw' ? decodeInt64LE(small.bytes) : decodeVarints(small.bytes);
    }
    if (external || dataFields !== 1 || storedKind === 'string') payload = null;
    return { name, dataType, dims, elements, bytes, storedBytes: external ? 0 : stored, external, int64Values, payload };
  }
}
