/**
 * The ONNX Runtime worker: the only module that loads `onnxruntime-node`. It runs in its own process
 * (started by `src/core/runtime/workerClient.ts`), so a model that crashes ORT, exhausts memory or hangs
 * takes down this process only. One request per process: the parent sends a `WorkerCall` over IPC, the
 * worker answers with one `WorkerReply` (after any number of `{id, progress}` messages, for profiling) and exits.
 */
import * as os from 'node:os';
import type * as Ort from 'onnxruntime-node';
import type {
  EpCheck,
  ExecutionProvider,
  ProbeRequest,
  ProbeResult,
  WorkerCall,
  WorkerReply,
} from '../shared/workerProtocol';
import { cleanOrtMessage } from './ortErrors';
import { probeModelBytes } from './probeModel';
import { profile, WorkerFailure } from './profile';

class OrtUnavailableError extends Error {}


let ort: typeof Ort | undefined;

/** Loads the native addon on first use, so a missing binary becomes a typed reply rather than a crash. */
function loadOrt(): typeof Ort {
  if (ort) return ort;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    ort = require('onnxruntime-node') as typeof Ort;
    return ort;
  } catch (ex) {
    throw new OrtUnavailableError(`onnxruntime-node could not be loaded: ${ex instanceof Error ? ex.message : String(ex)}`);
  }
}

async function checkEp(o: typeof Ort, ep: ExecutionProvider, bundled: Set<string>): Promise<EpCheck> {
  if (ep !== 'cpu' && !bundled.has(ep)) {
    return { ep, available: false, reason: `this onnxruntime-node build (${o.env.versions.node}) does not include the ${ep} execution provider` };
  }
  const t0 = performance.now();
  let session: Ort.InferenceSession | undefined;
  try {
    session = await o.InferenceSession.create(probeModelBytes(), { executionProviders: [ep], logSeverityLevel: 3 });
    const x = new o.Tensor('float32', Float32Array.from([1]), [1]);
    const out = await session.run({ x });
    const y = out.y?.data as Float32Array | undefined;
    if (!y || y[0] !== 1) return { ep, available: false, reason: 'the probe model ran but returned a wrong result' };
    return { ep, available: true, sessionMs: performance.now() - t0 };
  } catch (ex) {
    const message = cleanOrtMessage(ex instanceof Error ? ex.message : String(ex));
    const hint = ep === 'webgpu' && /adapter/i.test(message) ? ' (no GPU adapter: on Linux, WebGPU needs a Vulkan driver for the GPU)' : '';
    return { ep, available: false, reason: (message || 'session creation failed') + hint };
  } finally {
    await session?.release().catch(() => undefined);
  }
}

async function probe(request: ProbeRequest): Promise<ProbeResult> {
  const o = loadOrt();
  const backends = o.listSupportedBackends().map((b) => ({ name: b.name, bundled: b.bundled }));
  const bundled = new Set(backends.filter((b) => b.bundled).map((b) => b.name));
  const checks: EpCheck[] = [];
  // Sequential: some EPs initialise process-wide state (e.g. a WebGPU device).
  for (const ep of request.eps) checks.push(await checkEp(o, ep, bundled));
  const cpus = os.cpus();
  return {
    ortVersion: o.env.versions.node ?? o.env.versions.common,
    backends,
    checks,
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    cpu: { model: cpus[0]?.model.trim() ?? 'unknown', cores: cpus.length },
  };
}

async function serve(call: WorkerCall): Promise<WorkerReply> {
  const { id, request } = call;
  try {
    switch (request?.type) {
      case 'probe':
        return { id, ok: true, result: await probe(request) };
      case 'profile':
        return { id, ok: true, result: await profile(loadOrt(), request, (progress) => process.send?.({ id, progress })) };
      default:
        return { id, ok: false, error: { kind: 'bad-request', message: `unknown request type ${JSON.stringify((request as { type?: unknown })?.type)}` } };
    }
  } catch (ex) {
    const kind = ex instanceof OrtUnavailableError ? 'ort-unavailable' : ex instanceof WorkerFailure ? ex.kind : 'failed';
    return { id, ok: false, error: { kind, message: ex instanceof Error ? ex.message : String(ex) } };
  }
}

if (typeof process.send !== 'function') {
  process.stderr.write('ml-preflight worker: must be started by ML Preflight with an IPC channel\n');
  process.exit(2);
}

process.once('message', (call: WorkerCall) => {
  void serve(call).then((reply) => {
    process.send!(reply, () => process.exit(0));
  });
});
// The parent going away (crash, kill) must not leave this process behind.
process.on('disconnect', () => process.exit(0));
