import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { runInWorker } from '../../src/core/runtime/workerClient';
import { cleanOrtMessage } from '../../src/worker/ortErrors';
import { rejectsWithWorkerError } from '../support/workerErrors';

const ROOT = path.resolve(__dirname, '..', '..');
const TS_WORKER = { workerPath: path.join(ROOT, 'src', 'worker', 'worker.ts'), execArgv: ['--require', 'tsx/cjs'] };
const MISBEHAVE = path.join(ROOT, 'test', 'support', 'workers', 'misbehave.js');

const rejectsWith = rejectsWithWorkerError;

describe('ONNX Runtime worker (isolated process)', function () {
  this.timeout(60_000);

  it('probes the CPU provider in a child process and reports the ORT version', async () => {
    const r = await runInWorker({ type: 'probe', eps: ['cpu'] }, TS_WORKER);
    assert.equal(r.ortVersion, require('onnxruntime-node/package.json').version);
    assert.equal(r.checks.length, 1);
    assert.equal(r.checks[0]!.ep, 'cpu');
    assert.equal(r.checks[0]!.available, true, r.checks[0]!.reason);
    assert.ok(r.backends.some((b) => b.name === 'cpu' && b.bundled));
    assert.ok(r.cpu.cores >= 1);
  });

  it('reports a provider that is not bundled as not available, with the reason', async () => {
    const r = await runInWorker({ type: 'probe', eps: ['coreml', 'webgpu'] }, TS_WORKER);
    const coreml = r.checks.find((c) => c.ep === 'coreml')!;
    assert.equal(coreml.available, false);
    assert.match(coreml.reason ?? '', /does not include the coreml execution provider/);
    // WebGPU depends on the machine (a GPU with a Vulkan driver): either it works or it says why not.
    const webgpu = r.checks.find((c) => c.ep === 'webgpu')!;
    if (!webgpu.available) assert.ok((webgpu.reason ?? '').length > 10, 'a reason is given');
    else assert.ok((webgpu.sessionMs ?? -1) >= 0);
  });

  it('turns a crash into a typed error with the last stderr line', async () => {
    await rejectsWith(runInWorker({ type: 'probe', eps: [] }, { workerPath: MISBEHAVE, env: { MLP_MISBEHAVE: 'crash' } }), 'crashed', /code 139.*Segmentation fault in fake kernel/);
  });

  it('turns a native abort (SIGABRT) into a typed error', async () => {
    await rejectsWith(runInWorker({ type: 'probe', eps: [] }, { workerPath: MISBEHAVE, env: { MLP_MISBEHAVE: 'abort' } }), 'crashed', /SIGABRT/);
  });

  it('stops a hanging worker at the timeout', async () => {
    const t0 = Date.now();
    await rejectsWith(runInWorker({ type: 'probe', eps: [] }, { workerPath: MISBEHAVE, env: { MLP_MISBEHAVE: 'hang' }, timeoutMs: 800 }), 'timeout', /0\.8 s/);
    assert.ok(Date.now() - t0 < 10_000);
  });

  it('stops a worker over the memory ceiling', async function () {
    if (process.platform !== 'linux') this.skip();
    await rejectsWith(runInWorker({ type: 'probe', eps: [] }, { workerPath: MISBEHAVE, env: { MLP_MISBEHAVE: 'oom' }, maxRssBytes: 300 * 1024 ** 2, timeoutMs: 30_000 }), 'memory', /ceiling/);
  });

  it('cancels through an AbortSignal', async () => {
    const controller = new AbortController();
    const p = runInWorker({ type: 'probe', eps: [] }, { workerPath: MISBEHAVE, env: { MLP_MISBEHAVE: 'hang' }, signal: controller.signal });
    setTimeout(() => controller.abort(), 300);
    await rejectsWith(p, 'aborted');
  });

  it('reports a worker that exits without answering', async () => {
    await rejectsWith(runInWorker({ type: 'probe', eps: [] }, { workerPath: MISBEHAVE, env: { MLP_MISBEHAVE: 'exit0' } }), 'crashed', /code 0/);
  });

  it('passes the worker\'s own error through', async () => {
    await rejectsWith(runInWorker({ type: 'probe', eps: [] }, { workerPath: MISBEHAVE }), 'failed', /told to fail/);
  });

  it('says when the worker bundle is missing', async () => {
    await rejectsWith(runInWorker({ type: 'probe', eps: [] }, { workerPath: path.join(ROOT, 'nope', 'worker.js') }), 'spawn', /npm run build/);
  });

  it('cleans ORT assertion messages down to the sentence', () => {
    assert.equal(
      cleanOrtMessage('/onnxruntime_src/onnxruntime/core/providers/webgpu/webgpu_context.cc:136 onnxruntime::webgpu::WebGpuContext::Initialize(const X&)::<lambda()> adapter_result.status == wgpu::RequestAdapterStatus::Success was false. Failed to get a WebGPU adapter: No supported adapters'),
      'Failed to get a WebGPU adapter: No supported adapters',
    );
    assert.equal(cleanOrtMessage('plain message\nsecond line'), 'plain message');
  });
});
