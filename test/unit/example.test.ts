/**
 * The bundled example workspace (`examples/`): its generated files are reproducible byte for byte from
 * `scripts/makeExample.ts`, the model is what the README says and ONNX Runtime runs it, and the CSV drift
 * is real where the README says so and absent elsewhere.
 */
import * as assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CSV_COLUMNS, CSV_ROWS, EXAMPLE_DIR, EXAMPLE_METADATA, GENERATED_FILES, makeExample } from '../../scripts/makeExample';
import { inspectModel } from '../../src/core/onnx/inspect';
import type { ModelInspection } from '../../src/shared/modelInspection';

type OrtTensor = { dims: readonly number[]; data: Float32Array };
type OrtSession = { run(feeds: Record<string, unknown>): Promise<Record<string, OrtTensor>>; release(): Promise<void> };
type Ort = { InferenceSession: { create(path: string): Promise<OrtSession> }; Tensor: new (type: 'float32', data: Float32Array, dims: number[]) => unknown };

const MODEL = path.join(EXAMPLE_DIR, 'models', 'classifier.onnx');

/** Two-sample Kolmogorov–Smirnov statistic D = sup |F1(x) − F2(x)| (ties handled by stepping over equal values). */
function ksStatistic(a: readonly number[], b: readonly number[]): number {
  const x = [...a].sort((p, q) => p - q);
  const y = [...b].sort((p, q) => p - q);
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < x.length && j < y.length) {
    const v = Math.min(x[i]!, y[j]!);
    while (i < x.length && x[i] === v) i++;
    while (j < y.length && y[j] === v) j++;
    d = Math.max(d, Math.abs(i / x.length - j / y.length));
  }
  return d;
}

/** Asymptotic KS critical value c(α)·sqrt((n+m)/(n·m)), c(0.05) = 1.358, c(0.001) = 1.949. */
function ksCritical(alpha: 0.05 | 0.001, n: number, m: number): number {
  return (alpha === 0.05 ? 1.358 : 1.949) * Math.sqrt((n + m) / (n * m));
}

/** Total variation distance between two categorical samples (½ Σ |p − q|), empty cells excluded. */
function tvd(a: readonly string[], b: readonly string[]): number {
  const freq = (xs: readonly string[]): Map<string, number> => {
    const m = new Map<string, number>();
    for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1 / xs.length);
    return m;
  };
  const p = freq(a);
  const q = freq(b);
  let sum = 0;
  for (const k of new Set([...p.keys(), ...q.keys()])) sum += Math.abs((p.get(k) ?? 0) - (q.get(k) ?? 0));
  return sum / 2;
}

function readCsv(text: string): { header: string[]; rows: string[][] } {
  const lines = text.trimEnd().split('\n');
  return { header: lines[0]!.split(','), rows: lines.slice(1).map((l) => l.split(',')) };
}

describe('example workspace (examples/)', function () {
  this.timeout(30_000);

  it('the committed generated files are byte-identical to a fresh `npm run example:generate`', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'mlp-example-'));
    try {
      await makeExample(dir);
      for (const rel of GENERATED_FILES) {
        const fresh = await readFile(path.join(dir, rel));
        const committed = await readFile(path.join(EXAMPLE_DIR, rel));
        assert.ok(fresh.equals(committed), `${rel} differs from the generator's output: run npm run example:generate`);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('stays small (model < 200 KB, whole folder < 1 MB)', async () => {
    assert.ok((await stat(MODEL)).size < 200_000);
    let total = 0;
    for (const rel of GENERATED_FILES) total += (await stat(path.join(EXAMPLE_DIR, rel))).size;
    assert.ok(total < 1_000_000, `generated files take ${total} bytes`);
  });

  describe('models/classifier.onnx', () => {
    let r: ModelInspection;
    before(async () => {
      r = await inspectModel(MODEL);
    });

    it('has the documented I/O, opset, producer and dynamic batch', () => {
      assert.deepEqual(
        r.inputs.map(({ name, dtype, shape }) => ({ name, dtype, shape })),
        [{ name: 'image', dtype: 'float32', shape: ['batch', 3, 64, 64] }],
      );
      assert.deepEqual(
        r.outputs.map(({ name, dtype, shape }) => ({ name, dtype, shape })),
        [{ name: 'logits', dtype: 'float32', shape: ['batch', 5] }],
      );
      assert.equal(r.irVersion, 8);
      assert.deepEqual(r.opsets, { 'ai.onnx': 17 });
      assert.deepEqual(r.producer, { name: 'ml-preflight-example', version: '1.0' });
      assert.equal(r.batch.sharedLeadingDynamic, true);
      assert.equal(r.batch.leadingDim, 'batch');
      assert.equal(r.batch.supportsTritonBatching, true);
      assert.deepEqual(r.warnings, []);
    });

    it('is an unquantized float32 CNN with hand-computed parameters and FLOPs', () => {
      assert.equal(r.quantization.kind, 'none');
      assert.deepEqual(r.opHistogram, { Conv: 2, Relu: 2, MaxPool: 1, GlobalAveragePool: 1, Flatten: 1, Gemm: 1 });
      // conv1 8·3·3·3 + 8, conv2 16·8·3·3 + 16, fc 5·16 + 5
      assert.equal(r.parameterCount, 224 + 1168 + 85);
      assert.equal(r.weightBytes, 4 * 1477);
      // MACs at batch 1: conv1 8·64·64·3·9, conv2 16·32·32·8·9, gemm 5·16.
      assert.equal(r.flopsEstimate.macs, 884_736 + 1_179_648 + 80);
      assert.notEqual(r.flops, null);
      assert.equal(r.flops, 2 * r.flopsEstimate.macs!);
    });

    it('documents its preprocessing in metadata_props', () => {
      assert.deepEqual(r.metadata, EXAMPLE_METADATA);
      for (const key of ['preprocessing.color_order', 'preprocessing.mean', 'preprocessing.std', 'preprocessing.resize', 'labels', 'training.dataset']) {
        assert.ok(key in r.metadata, key);
      }
      assert.deepEqual(JSON.parse(r.metadata['labels']!), ['cat', 'dog', 'bird', 'fish', 'other']);
    });

    it('runs in ONNX Runtime at batch 1 and 4 (logits [N,5], finite)', async () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const ort = require('onnxruntime-node') as Ort;
      const session = await ort.InferenceSession.create(MODEL);
      try {
        for (const n of [1, 4]) {
          const data = new Float32Array(n * 3 * 64 * 64).map((_, i) => ((i % 255) / 255 - 0.45) / 0.226);
          const out = await session.run({ image: new ort.Tensor('float32', data, [n, 3, 64, 64]) });
          assert.deepEqual([...out['logits']!.dims], [n, 5]);
          assert.ok(out['logits']!.data.every(Number.isFinite));
        }
      } finally {
        await session.release();
      }
    });
  });

  describe('data/reference.csv vs data/current.csv', () => {
    let ref: { header: string[]; rows: string[][] };
    let cur: { header: string[]; rows: string[][] };
    const column = (t: typeof ref, name: string): string[] => t.rows.map((r) => r[t.header.indexOf(name)]!).filter((v) => v !== '');
    const numeric = (t: typeof ref, name: string): number[] => column(t, name).map((v) => (name === 'signup_date' ? Date.parse(`${v.replace(' ', 'T')}Z`) : Number(v)));

    before(async () => {
      ref = readCsv(await readFile(path.join(EXAMPLE_DIR, 'data', 'reference.csv'), 'utf8'));
      cur = readCsv(await readFile(path.join(EXAMPLE_DIR, 'data', 'current.csv'), 'utf8'));
    });

    it(`have the same ${CSV_COLUMNS.length} columns, ${CSV_ROWS} rows each and a few missing values`, () => {
      for (const t of [ref, cur]) {
        assert.deepEqual(t.header, [...CSV_COLUMNS]);
        assert.equal(t.rows.length, CSV_ROWS);
        assert.ok(t.rows.every((r) => r.length === CSV_COLUMNS.length));
        const empty = t.rows.flat().filter((v) => v === '').length;
        assert.ok(empty > 10 && empty < 100, `${empty} missing cells`);
      }
    });

    it('drift is obvious for age and income (KS D far above the α = 0.001 critical value)', () => {
      for (const name of ['age', 'income']) {
        const a = numeric(ref, name);
        const b = numeric(cur, name);
        const d = ksStatistic(a, b);
        assert.ok(d > 2 * ksCritical(0.001, a.length, b.length), `${name}: D = ${d.toFixed(3)}`);
      }
    });

    it('drift is absent for clicks and signup_date (KS D below the α = 0.05 critical value)', () => {
      for (const name of ['clicks', 'signup_date']) {
        const a = numeric(ref, name);
        const b = numeric(cur, name);
        const d = ksStatistic(a, b);
        assert.ok(d < ksCritical(0.05, a.length, b.length), `${name}: D = ${d.toFixed(3)}`);
      }
    });

    it('country gains a new category and shifts; device and is_returning do not', () => {
      const refCountries = new Set(column(ref, 'country'));
      const newOnes = [...new Set(column(cur, 'country'))].filter((c) => !refCountries.has(c));
      assert.deepEqual(newOnes, ['BR']);
      assert.ok(tvd(column(ref, 'country'), column(cur, 'country')) > 0.2);
      assert.ok(tvd(column(ref, 'device'), column(cur, 'device')) < 0.05);
      assert.ok(tvd(column(ref, 'is_returning'), column(cur, 'is_returning')) < 0.05);
    });
  });
});
