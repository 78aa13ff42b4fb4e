/** The streamed initializer comparison: header changes, numeric differences across chunk borders, dtypes, external data. */
import * as assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { onnx } from 'onnx-proto';
import { compareInitializers } from '../../src/core/diff/initializers';
import { inspectModelWithGraph } from '../../src/core/onnx/inspect';
import type { InitializerComparison, TensorChange } from '../../src/shared/modelDiff';
import { DT, graph, model, node, tensor, tensorInfo } from '../support/onnxBuilder';

function withData(t: onnx.ITensorProto, bytes: Uint8Array): onnx.ITensorProto {
  return { ...t, rawData: bytes };
}

function f32(values: number[]): Uint8Array {
  return new Uint8Array(new Float32Array(values).buffer);
}

function build(inits: onnx.ITensorProto[]): Uint8Array {
  return model({
    graph: graph({ nodes: [node('Identity', ['x'], ['y'])], inputs: [tensorInfo('x', DT.FLOAT, [1])], outputs: [tensorInfo('y', DT.FLOAT, [1])], initializers: inits }),
  });
}

describe('model diff: streamed initializer comparison', () => {
  let dir: string;
  let n = 0;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'mlp-diffinit-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function compare(a: onnx.ITensorProto[], b: onnx.ITensorProto[], chunkBytes?: number, files?: (oldDir: string, newDir: string) => Promise<void>): Promise<InitializerComparison> {
    const sub = path.join(dir, String(n++));
    await mkdir(path.join(sub, 'old'), { recursive: true });
    await mkdir(path.join(sub, 'new'));
    const pa = path.join(sub, 'old', 'm.onnx');
    const pb = path.join(sub, 'new', 'm.onnx');
    await writeFile(pa, build(a));
    await writeFile(pb, build(b));
    if (files) await files(path.join(sub, 'old'), path.join(sub, 'new'));
    const [ra, rb] = await Promise.all([inspectModelWithGraph(pa), inspectModelWithGraph(pb)]);
    return compareInitializers({ path: pa, raw: ra.raw }, { path: pb, raw: rb.raw }, { chunkBytes });
  }

  const byName = (c: InitializerComparison): Record<string, TensorChange> => Object.fromEntries(c.tensors.map((t) => [t.name, t]));

  it('added, removed, reshaped, retyped, changed and unchanged tensors', async () => {
    const c = await compare(
      [withData(tensor('same', DT.FLOAT, [3]), f32([1, 2, 3])), tensor('gone', DT.FLOAT, [2]), tensor('shape', DT.FLOAT, [2, 2]), tensor('type', DT.FLOAT, [4]), withData(tensor('moved', DT.FLOAT, [3]), f32([1, 2, 3]))],
      [withData(tensor('same', DT.FLOAT, [3]), f32([1, 2, 3])), tensor('new', DT.INT64, [5]), tensor('shape', DT.FLOAT, [4]), tensor('type', DT.FLOAT16, [4]), withData(tensor('moved', DT.FLOAT, [3]), f32([1, 2.5, -3]))],
    );
    assert.deepEqual(
      { unchanged: c.unchanged, added: c.added, removed: c.removed, reshaped: c.reshaped, retyped: c.retyped, changed: c.changed, notCompared: c.notCompared },
      { unchanged: 1, added: 1, removed: 1, reshaped: 1, retyped: 1, changed: 1, notCompared: 0 },
    );
    const t = byName(c);
    assert.equal(t['moved']!.changedElements, 2);
    assert.equal(t['moved']!.maxAbsDiff, 6); // |−3 − 3|
    assert.deepEqual(t['shape']!.dims, { before: [2, 2], after: [4] });
    assert.deepEqual(t['type']!.dtype, { before: 'float32', after: 'float16' });
    assert.equal(t['same'], undefined, 'unchanged tensors are counted, not listed');
    assert.deepEqual(c.count, { before: 5, after: 5, delta: 0, relative: 0 });
  });

  it('finds differences on both sides of chunk borders (64-byte chunks over 1000 floats)', async () => {
    const base = Array.from({ length: 1000 }, (_, i) => i / 7);
    const changed = [...base];
    changed[15] = 100; // last element of chunk 0 (bytes 60–63)
    changed[16] = -100; // first of chunk 1
    changed[999] += 0.5; // the short last chunk
    const c = await compare([withData(tensor('w', DT.FLOAT, [1000]), f32(base))], [withData(tensor('w', DT.FLOAT, [1000]), f32(changed))], 64);
    const w = byName(c)['w']!;
    assert.equal(w.changedElements, 3);
    assert.ok(Math.abs(w.maxAbsDiff! - Math.abs(-100 - 16 / 7)) < 1e-4);
    assert.equal(c.bytesRead, 8000);
  });

  it('float16, int64 and int8 differences are decoded by dtype', async () => {
    const half = (xs: number[]): Uint8Array => {
      // 1.0 = 0x3c00, 2.0 = 0x4000, 0.5 = 0x3800, -2 = 0xc000
      const map: Record<number, number> = { 1: 0x3c00, 2: 0x4000, 0.5: 0x3800, [-2]: 0xc000 };
      return new Uint8Array(new Uint16Array(xs.map((x) => map[x]!)).buffer);
    };
    const i64 = (xs: bigint[]): Uint8Array => new Uint8Array(new BigInt64Array(xs).buffer);
    const c = await compare(
      [withData(tensor('h', DT.FLOAT16, [3]), half([1, 2, 0.5])), withData(tensor('i', DT.INT64, [2]), i64([10n, 20n])), withData(tensor('q', DT.INT8, [3]), new Uint8Array([1, 2, 3]))],
      [withData(tensor('h', DT.FLOAT16, [3]), half([1, -2, 0.5])), withData(tensor('i', DT.INT64, [2]), i64([10n, -5n])), withData(tensor('q', DT.INT8, [3]), new Uint8Array([1, 2, 0xff]))],
    );
    const t = byName(c);
    assert.equal(t['h']!.maxAbsDiff, 4);
    assert.equal(t['i']!.maxAbsDiff, 25);
    assert.equal(t['q']!.maxAbsDiff, 4); // 3 → −1
  });

  it('NaN on one side is flagged; NaN on both sides is equal', async () => {
    const c = await compare([withData(tensor('a', DT.FLOAT, [2]), f32([NaN, 1])), withData(tensor('b', DT.FLOAT, [1]), f32([NaN]))], [withData(tensor('a', DT.FLOAT, [2]), f32([NaN, NaN])), withData(tensor('b', DT.FLOAT, [1]), f32([NaN]))]);
    assert.equal(c.unchanged, 1);
    assert.equal(byName(c)['a']!.nonFinite, true);
    assert.equal(byName(c)['a']!.changedElements, 1);
  });

  it('compares float_data (typed storage) with raw_data of the same values as equal', async () => {
    const typed = tensor('w', DT.FLOAT, [4], { storage: 'typed' }); // float_data = 0.5 × 4
    const c = await compare([typed], [withData(tensor('w', DT.FLOAT, [4]), f32([0.5, 0.5, 0.5, 0.5]))]);
    assert.equal(c.unchanged, 1, JSON.stringify(c.tensors));
  });

  it('reads external data next to each model, and refuses locations that escape the folder', async () => {
    const ext = (loc: string): onnx.ITensorProto => tensor('w', DT.FLOAT, [2], { external: { location: loc, offset: 8, length: 8 } });
    const c = await compare([ext('w.bin')], [ext('w.bin')], undefined, async (o, nw) => {
      await writeFile(path.join(o, 'w.bin'), Buffer.from(new Float32Array([9, 9, 1, 2]).buffer));
      await writeFile(path.join(nw, 'w.bin'), Buffer.from(new Float32Array([7, 7, 1, 3]).buffer));
    });
    assert.equal(byName(c)['w']!.maxAbsDiff, 1);
    assert.equal(byName(c)['w']!.changedElements, 1);
    const refused = await compare([ext('../secret.bin')], [ext('link.bin')], undefined, async (_o, nw) => {
      await writeFile(path.join(dir, 'outside.bin'), Buffer.alloc(16));
      await symlink(path.join(dir, 'outside.bin'), path.join(nw, 'link.bin'));
    });
    const w = byName(refused)['w']!;
    assert.equal(w.change, 'not-compared');
    assert.equal(w.note, "old: external data '../secret.bin' refused (path escapes the model folder); new: external data 'link.bin' refused (symlink resolves outside the model folder)");
    assert.equal(refused.bytesRead, 0);
  });

  it('stops when aborted', async () => {
    const sub = path.join(dir, 'abort');
    await mkdir(sub);
    const p = path.join(sub, 'm.onnx');
    await writeFile(p, build([withData(tensor('w', DT.FLOAT, [4]), f32([1, 2, 3, 4]))]));
    const r = await inspectModelWithGraph(p);
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(compareInitializers({ path: p, raw: r.raw }, { path: p, raw: r.raw }, { signal: ac.signal }), (e: Error & { reason?: string }) => e.reason === 'aborted');
  });
});
