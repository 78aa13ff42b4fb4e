import * as assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import fsp = require('node:fs/promises');
import { OnnxInspectError } from '../../src/core/onnx/errors';
import { lexicalRefusal } from '../../src/core/onnx/externalData';
import { inspectModel } from '../../src/core/onnx/inspect';
import { varint64 } from '../../src/core/onnx/protoReader';
import { ensureFixtures } from '../support/fixtures';
import { DT, graph, model, node, tensor, tensorInfo } from '../support/onnxBuilder';

describe('inspectModel', () => {
  let dir: string;
  before(async () => {
    dir = await ensureFixtures();
  });

  it('computes the Conv+Gemm FLOPs that we compute by hand', async () => {
    const r = await inspectModel(path.join(dir, 'conv_gemm.onnx'));
    // Conv: image [1,3,8,8] (batch := 1), W [4,3,3,3], pads 1 → Y [1,4,8,8]; MACs = N·M·H·W·(C/group)·kh·kw.
    const convMacs = 1 * 4 * 8 * 8 * 3 * 3 * 3; // 6912
    // MaxPool 2×2/2 → [1,4,4,4]; Flatten → [1,64]; Gemm with fc_w [10,64] (transB) → M·N·K = 1·10·64.
    const gemmMacs = 1 * 10 * 64; // 640
    assert.equal(r.flopsEstimate.macs, 7552);
    assert.equal(r.flopsEstimate.macs, convMacs + gemmMacs);
    assert.equal(r.flops, 2 * (convMacs + gemmMacs));
    assert.deepEqual(r.flopsEstimate.assumption, { batch: 1 });
  });

  it('never opens or stats an external-data location that escapes the model folder', async () => {
    const mod = fsp as unknown as Record<string, (...args: unknown[]) => unknown>;
    const names = ['open', 'stat', 'lstat', 'realpath', 'access', 'readFile', 'opendir', 'readlink'];
    const calls: string[] = [];
    const saved = new Map(names.map((n) => [n, mod[n]!]));
    for (const n of names) {
      const orig = saved.get(n)!;
      mod[n] = (...args: unknown[]) => {
        calls.push(`${n} ${String(args[0])}`);
        return orig.apply(fsp, args);
      };
    }
    try {
      const escape = await inspectModel(path.join(dir, 'escape', 'external_escape.onnx'));
      const absolute = await inspectModel(path.join(dir, 'escape', 'external_absolute.onnx'));
      const link = await inspectModel(path.join(dir, 'escape', 'external_symlink.onnx'));
      assert.equal(escape.externalData[0]!.refused, 'path escapes the model folder');
      assert.equal(absolute.externalData[0]!.refused, 'absolute path');
      assert.equal(link.externalData[0]!.refused, 'symlink resolves outside the model folder');
    } finally {
      for (const [n, f] of saved) mod[n] = f;
    }
    assert.ok(calls.some((c) => c.startsWith('open ') && c.endsWith('external_escape.onnx')), `the spy saw nothing: ${calls.join('\n')}`);
    const touched = calls.filter((c) => c.includes('outside.bin') || c.includes('/etc/passwd'));
    assert.deepEqual(touched, [], 'refused locations must not reach the file system');
    // The symlink is only resolved (realpath, the safety check), never stat'ed or opened.
    const linkCalls = calls.filter((c) => c.endsWith('link.bin'));
    assert.deepEqual(linkCalls.map((c) => c.split(' ')[0]), ['realpath']);
  });

  it('reads only the graph, not the weights (a 32 MB initializer costs a few KiB of reads)', async () => {
    const tmp = await mkdtemp(path.join(tmpdir(), 'mlp-lazy-'));
    const file = path.join(tmp, 'big.onnx');
    const bytes = model({
      graph: graph({
        inputs: [tensorInfo('x', DT.FLOAT, ['batch', 2048])],
        outputs: [tensorInfo('y', DT.FLOAT, ['batch', 4096])],
        initializers: [tensor('w', DT.FLOAT, [2048, 4096])],
        nodes: [node('MatMul', ['x', 'w'], ['y'])],
      }),
    });
    await writeFile(file, bytes);
    const fh = await fsp.open(file, 'r');
    const proto = Object.getPrototypeOf(fh) as { read: (...args: unknown[]) => Promise<{ bytesRead: number }> };
    await fh.close();
    const origRead = proto.read;
    let readBytes = 0;
    proto.read = async function (this: unknown, ...args: unknown[]) {
      const res = await origRead.apply(this, args);
      readBytes += res.bytesRead;
      return res;
    };
    try {
      const r = await inspectModel(file);
      assert.equal(r.parameterCount, 2048 * 4096);
      assert.equal(r.weightBytes, 2048 * 4096 * 4);
      assert.equal(r.flopsEstimate.macs, 2048 * 4096);
    } finally {
      proto.read = origRead;
      await rm(tmp, { recursive: true, force: true });
    }
    assert.ok(bytes.length > 32 * 1024 * 1024);
    assert.ok(readBytes > 0 && readBytes <= 256 * 1024, `read ${readBytes} bytes of a ${bytes.length}-byte model`);
  });

  it('rejects with reason aborted when the signal is already aborted', async () => {
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(inspectModel(path.join(dir, 'conv_gemm.onnx'), { signal: ac.signal }), (ex: unknown) => OnnxInspectError.is(ex, 'aborted'));
  });

  it('stops with reason aborted when the signal fires during the parse', async () => {
    const file = require.resolve('@ricky0123/vad-web/dist/silero_vad_v5.onnx');
    const ac = new AbortController();
    const pending = inspectModel(file, { signal: ac.signal });
    setImmediate(() => ac.abort());
    await assert.rejects(pending, (ex: unknown) => OnnxInspectError.is(ex, 'aborted') && ex.message.includes('cancelled'));
    // Without the abort the same model inspects fine.
    assert.ok((await inspectModel(file)).nodeCount > 0);
  });

  it('decodes negative int64 varints exactly (dim_value -1 → "?")', () => {
    const minusOne = Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    assert.deepEqual(varint64(minusOne, 0, minusOne.length), [-1, 10]);
    assert.deepEqual(varint64(Uint8Array.from([0xac, 0x02]), 0, 2), [300, 2]);
    assert.deepEqual(varint64(Uint8Array.from([0x80]), 0, 1), [0, -1]);
    const big = Uint8Array.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]); // 2^35
    assert.deepEqual(varint64(big, 0, big.length), [2 ** 35, 6]);
  });

  it('classifies external-data locations without touching the file system', () => {
    assert.equal(lexicalRefusal('weights.bin'), null);
    assert.equal(lexicalRefusal('sub/dir/../weights.bin'), null);
    assert.equal(lexicalRefusal('../outside.bin'), 'path escapes the model folder');
    assert.equal(lexicalRefusal('a/../../outside.bin'), 'path escapes the model folder');
    assert.equal(lexicalRefusal('..\\outside.bin'), 'path escapes the model folder');
    assert.equal(lexicalRefusal('/etc/passwd'), 'absolute path');
    assert.equal(lexicalRefusal('C:\\Windows\\win.ini'), 'absolute path');
    assert.equal(lexicalRefusal('\\\\server\\share\\w.bin'), 'absolute path');
    assert.equal(lexicalRefusal(''), 'empty location');
  });
});
