import * as assert from 'node:assert/strict';
import { ProfileError } from '../../src/core/profile/errors';
import { fromFloat16Bits, ORT_DTYPES, synthesize, toFloat16Bits, toOrtDtype } from '../../src/core/profile/inputs';
import { isBatchLike, parseShape, planInputs } from '../../src/core/profile/plan';
import { parseCsvSamples, parseJsonSamples, parseNpy, splitCsv } from '../../src/core/profile/samples';
import type { TensorInfo } from '../../src/shared/modelInspection';
import type { OrtDtype } from '../../src/shared/workerProtocol';

function throwsReason(fn: () => unknown, reason: string, pattern: RegExp): void {
  assert.throws(fn, (ex: unknown) => {
    assert.ok(ProfileError.is(ex), `expected ProfileError, got ${String(ex)}`);
    assert.equal(ex.reason, reason);
    assert.match(ex.message, pattern);
    return true;
  });
}

/** Builds an .npy (v1.0) file. */
function npy(descr: string, shape: number[], body: Uint8Array): Uint8Array {
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + body.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(body, 10 + header.length);
  return out;
}

describe('profile input synthesis', () => {
  it('builds data for every ORT dtype with the documented ranges, deterministically', () => {
    for (const dtype of ORT_DTYPES) {
      const plan = { name: 'x', dtype, dims: [2, 50], fill: { kind: 'random' as const, seed: 7 } };
      const a = synthesize(plan);
      const b = synthesize(plan);
      assert.equal(a.data.length, 100, dtype);
      assert.deepEqual(a.data, b.data, `${dtype}: same seed, same data`);
      const values = Array.from(a.data as ArrayLike<number | bigint | string>);
      switch (dtype) {
        case 'float32': case 'float64':
          assert.ok(values.every((v) => (v as number) >= 0 && (v as number) < 1), dtype);
          assert.ok(new Set(values).size > 50, `${dtype}: not constant`);
          break;
        case 'float16':
          assert.ok(a.data instanceof Uint16Array);
          assert.ok(values.every((v) => fromFloat16Bits(v as number) >= 0 && fromFloat16Bits(v as number) <= 1), 'half values in [0, 1]');
          break;
        case 'int64':
          assert.ok(a.data instanceof BigInt64Array);
          assert.ok(values.every((v) => (v as bigint) >= 0n && (v as bigint) <= 9n), 'ids ≥ 0');
          break;
        case 'uint64':
          assert.ok(a.data instanceof BigUint64Array);
          break;
        case 'uint8':
          assert.ok(values.every((v) => (v as number) >= 0 && (v as number) <= 255));
          assert.ok(Math.max(...(values as number[])) > 200, 'full byte range');
          break;
        case 'int8':
          assert.ok(a.data instanceof Int8Array);
          assert.ok(Math.min(...(values as number[])) < 0, 'negative values too');
          break;
        case 'bool':
          assert.ok(values.every((v) => v === 0 || v === 1));
          assert.ok(values.includes(0) && values.includes(1));
          break;
        case 'string':
          assert.ok(values.every((v) => typeof v === 'string' && /^sample-\d+$/.test(v)));
          break;
        default:
          assert.ok(values.every((v) => (v as number) >= 0 && (v as number) <= 9), dtype);
      }
    }
    assert.notDeepEqual(synthesize({ name: 'x', dtype: 'float32', dims: [4], fill: { kind: 'random', seed: 1 } }).data,
      synthesize({ name: 'x', dtype: 'float32', dims: [4], fill: { kind: 'random', seed: 2 } }).data);
  });

  it('encodes float16 bits exactly for representable values', () => {
    assert.equal(toFloat16Bits(0), 0);
    assert.equal(toFloat16Bits(1), 0x3c00);
    assert.equal(toFloat16Bits(0.5), 0x3800);
    assert.equal(toFloat16Bits(-2), 0xc000);
    assert.equal(toFloat16Bits(65504), 0x7bff);
    assert.equal(toFloat16Bits(1e6), 0x7c00, 'overflow to +Infinity');
    assert.equal(toFloat16Bits(2 ** -24), 0x0001, 'smallest subnormal');
    for (const v of [0.1, 0.333, 0.999]) assert.ok(Math.abs(fromFloat16Bits(toFloat16Bits(v)) - v) < 1e-3);
  });

  it('maps inspection dtypes and refuses what ORT cannot feed, naming the input', () => {
    assert.equal(toOrtDtype('x', 'float'), 'float32');
    assert.equal(toOrtDtype('x', 'double'), 'float64');
    throwsReason(() => toOrtDtype('seq', 'sequence<float32>'), 'unsupported-input', /input 'seq' has type sequence<float32>: non-tensor/);
    throwsReason(() => toOrtDtype('b', 'bfloat16'), 'unsupported-input', /cannot create bfloat16 tensors/);
  });

  it('fills constants and repeats sample rows to fill a batch', () => {
    assert.deepEqual(Array.from(synthesize({ name: 'm', dtype: 'int64', dims: [3], fill: { kind: 'constant', value: 1 } }).data as BigInt64Array), [1n, 1n, 1n]);
    const rows = synthesize({ name: 'x', dtype: 'float32', dims: [3, 2], fill: { kind: 'rows', data: Float64Array.from([1, 2, 3, 4]), rowShape: [2], rows: 2 } });
    assert.deepEqual(Array.from(rows.data as Float32Array), [1, 2, 3, 4, 1, 2]);
    throwsReason(() => synthesize({ name: 'x', dtype: 'float32', dims: [-1], fill: { kind: 'random', seed: 1 } }), 'bad-shape', /dim -1/);
  });
});

describe('profile input planning (dynamic dims)', () => {
  const image: TensorInfo = { name: 'image', dtype: 'float32', shape: ['batch', 3, 64, 64] };

  it('sets the batch-like dim to each batch under test, with a note', () => {
    const p = planInputs([image], [1, 4]);
    assert.equal(p.batchable, true);
    assert.deepEqual(p.batches.map((b) => [b.batch, b.inputs[0]!.dims]), [[1, [1, 3, 64, 64]], [4, [4, 3, 64, 64]]]);
    assert.ok(p.notes.some((n) => /dim 'batch' of 'image' = the batch under test/.test(n)));
  });

  it('--dim sets named dims; other dims default to 1 with a visible note; unnamed leading dims are batch', () => {
    const ids: TensorInfo = { name: 'input_ids', dtype: 'int64', shape: ['N', 'seq'] };
    const mask: TensorInfo = { name: 'attention_mask', dtype: 'int64', shape: ['N', 'seq'] };
    const extra: TensorInfo = { name: 'extra', dtype: 'float32', shape: ['?', 'other'] };
    const p = planInputs([ids, mask, extra], [2], { dims: { seq: 128 } });
    assert.deepEqual(p.batches[0]!.inputs.map((i) => i.dims), [[2, 128], [2, 128], [2, 1]]);
    assert.ok(p.notes.some((n) => /dim 'other' of 'extra' = 1 \(set it with --dim other=N/.test(n)), p.notes.join('\n'));
    assert.ok(p.notes.some((n) => /dim 0 \(unnamed\) of 'extra' = the batch under test/.test(n)), p.notes.join('\n'));
    assert.deepEqual(p.batches[0]!.inputs[1]!.fill, { kind: 'constant', value: 1 }, 'masks are ones');
    assert.equal(p.batches[0]!.inputs[0]!.fill.kind, 'random');
  });

  it('a fixed batch dim means no sweep: one run at the model\'s batch', () => {
    const p = planInputs([{ name: 'x', dtype: 'float32', shape: [8, 10] }], [1, 2, 4]);
    assert.equal(p.batchable, false);
    assert.deepEqual(p.batches.map((b) => b.batch), [8]);
    assert.ok(isBatchLike('batch', 2) && isBatchLike('?', 0) && !isBatchLike(3, 0) && !isBatchLike('seq', 1));
  });

  it('--shape gives an input its whole shape and disables the sweep for it; bad shapes are refused', () => {
    const p = planInputs([image], [1, 2], { shapes: { image: [2, 3, 64, 64] } });
    assert.equal(p.batchable, false);
    assert.deepEqual(p.batches.map((b) => [b.batch, b.inputs[0]!.dims]), [[2, [2, 3, 64, 64]]]);
    throwsReason(() => planInputs([image], [1], { shapes: { image: [1, 3, 224, 224] } }), 'bad-shape', /dim 2 is fixed to 64 in the model, not 224/);
    throwsReason(() => planInputs([image], [1], { shapes: { image: [1, 3, 64] } }), 'bad-shape', /has rank 4/);
    throwsReason(() => planInputs([image], [1], { shapes: { nope: [1] } }), 'bad-shape', /no input 'nope' \(inputs: image\)/);
    assert.deepEqual(parseShape('x', '1x3x224x224'), [1, 3, 224, 224]);
    throwsReason(() => parseShape('x', '1x-3'), 'bad-shape', /expected positive integers/);
    throwsReason(() => parseShape('x', '0x3'), 'bad-shape', /between 1 and 2\^31/);
  });

  it('takes rows from sample files and checks their shape', () => {
    const sample = { file: 's.json', shape: [2, 3, 64, 64], data: new Float64Array(2 * 3 * 64 * 64) };
    const p = planInputs([image], [1, 4], { samples: { image: sample } });
    assert.deepEqual(p.batches[1]!.inputs[0]!.fill.kind, 'rows');
    assert.ok(p.notes.some((n) => /from s\.json \(2 rows, repeated to fill the batch\)/.test(n)));
    throwsReason(() => planInputs([image], [1], { samples: { image: { ...sample, shape: [2, 3, 32, 32] } } }), 'bad-samples', /s\.json: samples for 'image' have rows of shape \[3, 32, 32\], the input needs \[3, 64, 64\]/);
  });
});

describe('profile sample files', () => {
  it('reads .npy float32/int64/bool arrays (little- and big-endian)', () => {
    const f32 = new Float32Array([0.5, 1.5, 2.5, 3.5]);
    const a = parseNpy('a.npy', npy('<f4', [2, 2], new Uint8Array(f32.buffer)));
    assert.deepEqual(a.shape, [2, 2]);
    assert.deepEqual(Array.from(a.data as Float64Array), [0.5, 1.5, 2.5, 3.5]);
    const i64 = new BigInt64Array([3n, -1n]);
    assert.deepEqual(Array.from(parseNpy('b.npy', npy('<i8', [2], new Uint8Array(i64.buffer))).data as BigInt64Array), [3n, -1n]);
    const be = new Uint8Array(8);
    new DataView(be.buffer).setFloat64(0, 42.25, false);
    assert.deepEqual(Array.from(parseNpy('c.npy', npy('>f8', [1], be)).data as Float64Array), [42.25]);
    assert.deepEqual(Array.from(parseNpy('d.npy', npy('|b1', [3], Uint8Array.from([1, 0, 1]))).data as Uint8Array), [1, 0, 1]);
  });

  it('refuses broken .npy files with the file name and the reason', () => {
    throwsReason(() => parseNpy('x.npy', new TextEncoder().encode('not numpy at all')), 'bad-samples', /x\.npy: not a usable \.npy file: missing the \\x93NUMPY magic/);
    throwsReason(() => parseNpy('y.npy', npy('<f4', [4], new Uint8Array(8))), 'bad-samples', /y\.npy: .*data is shorter than shape \[4\]/);
    throwsReason(() => parseNpy('z.npy', npy('<c8', [1], new Uint8Array(8))), 'bad-samples', /unsupported dtype '<c8'/);
  });

  it('reads CSV rows as samples, with a header and a column mapping', () => {
    const csv = 'age,income,country\n31,52000.5,"DE"\n45,61000,"US, east"\n';
    assert.deepEqual(splitCsv(csv)[2], ['45', '61000', 'US, east']);
    const picked = parseCsvSamples('d.csv', csv, ['income', 'age']);
    assert.deepEqual(picked.shape, [2, 2]);
    assert.deepEqual(Array.from(picked.data as Float64Array), [52000.5, 31, 61000, 45]);
    const strings = parseCsvSamples('d.csv', csv, ['country']);
    assert.deepEqual(strings.data, ['DE', 'US, east']);
    const noHeader = parseCsvSamples('n.csv', '1,2\r\n3,4\r\n');
    assert.deepEqual(noHeader.shape, [2, 2]);
    assert.deepEqual(Array.from(noHeader.data as Float64Array), [1, 2, 3, 4]);
    throwsReason(() => parseCsvSamples('d.csv', csv, ['salary']), 'bad-samples', /d\.csv: no column 'salary' \(columns: age, income, country\)/);
    throwsReason(() => parseCsvSamples('r.csv', 'a,b\n1,2\n3\n'), 'bad-samples', /r\.csv: row 3 has 1 fields, the header has 2/);
    throwsReason(() => parseCsvSamples('e.csv', ''), 'bad-samples', /e\.csv: the CSV file is empty/);
  });

  it('reads JSON: nested arrays per input, {dims, data}, or a bare array for a single-input model', () => {
    const s = parseJsonSamples('s.json', JSON.stringify({ a: [[1, 2], [3, 4]], b: { dims: [1, 2], data: [true, false] }, c: ['x', 'y'] }));
    assert.deepEqual(s.a!.shape, [2, 2]);
    assert.deepEqual(Array.from(s.a!.data as Float64Array), [1, 2, 3, 4]);
    assert.deepEqual(Array.from(s.b!.data as Uint8Array), [1, 0]);
    assert.deepEqual(s.c!.data, ['x', 'y']);
    assert.deepEqual(parseJsonSamples('t.json', '[[1],[2]]', 'only').only!.shape, [2, 1]);
    throwsReason(() => parseJsonSamples('r.json', '{"a": [[1, 2], [3]]}'), 'bad-samples', /r\.json: 'a' is a ragged array/);
    throwsReason(() => parseJsonSamples('n.json', '{"a": [1, null]}'), 'bad-samples', /not a finite number/);
    throwsReason(() => parseJsonSamples('j.json', '{'), 'bad-samples', /j\.json: invalid JSON/);
    throwsReason(() => parseJsonSamples('k.json', '[1]'), 'bad-samples', /needs a model with one input/);
  });
});

// Every dtype the synthesiser knows is listed once (keeps ORT_DTYPES and the test in step).
const _all: Record<OrtDtype, true> = { float32: true, float64: true, float16: true, int8: true, uint8: true, int16: true, uint16: true, int32: true, uint32: true, int64: true, uint64: true, bool: true, string: true };
void _all;
