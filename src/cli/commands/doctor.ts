/** `ml-preflight doctor [--json] [--ep cpu,webgpu]`: which ONNX Runtime and execution providers work here. */
import { parseArgs } from 'node:util';
import { runInWorker, WorkerError } from '../../core/runtime/workerClient';
import type { ExecutionProvider } from '../../shared/workerProtocol';
import { renderTable, sanitizeForTerminal as t } from '../format/table';
import { CliError, ExitCode, type CliIO } from '../io';

const KNOWN_EPS: readonly ExecutionProvider[] = ['cpu', 'webgpu', 'cuda', 'tensorrt', 'dml', 'coreml'];

export const doctorHelp = `Usage: ml-preflight doctor [--ep cpu,webgpu] [--json] [--timeout-s 60]

Starts the isolated ONNX Runtime worker and checks each execution provider by creating a
session on a built-in one-node model and running it once. Tells you, before profiling,
which providers this machine can use and why the others cannot.

Options:
  --ep LIST       providers to check (default: cpu,webgpu; known: ${KNOWN_EPS.join(', ')})
  --json          print JSON
  --timeout-s N   stop the worker after N seconds (default 60)
  -h, --help      show this help

Exit codes: 0 the CPU provider works; 2 onnxruntime-node cannot be loaded or the CPU provider fails.
`;

export async function doctorCommand(args: string[], io: CliIO, workerPath?: string): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      ep: { type: 'string', default: 'cpu,webgpu' },
      json: { type: 'boolean', default: false },
      'timeout-s': { type: 'string', default: '60' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.stdout(doctorHelp);
    return ExitCode.ok;
  }
  const eps = values.ep.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = eps.filter((e) => !KNOWN_EPS.includes(e as ExecutionProvider));
  if (unknown.length) throw new CliError(`doctor: unknown execution provider ${unknown.join(', ')} (known: ${KNOWN_EPS.join(', ')})`);
  const timeoutS = Number(values['timeout-s']);
  if (!(timeoutS > 0)) throw new CliError(`doctor: --timeout-s must be a positive number, got ${values['timeout-s']}`);

  try {
    const r = await runInWorker({ type: 'probe', eps: eps as ExecutionProvider[] }, { workerPath, timeoutMs: timeoutS * 1000, signal: io.signal });
    if (values.json) {
      io.stdout(JSON.stringify(r, null, 2) + '\n');
    } else {
      io.stdout(`ONNX Runtime ${r.ortVersion} (onnxruntime-node) on ${r.platform}-${r.arch}, Node ${r.node}\n`);
      io.stdout(`CPU: ${r.cpu.model} (${r.cpu.cores} logical cores)\n\n`);
      io.stdout(renderTable(
        [{ header: 'provider' }, { header: 'status' }, { header: 'detail' }],
        r.checks.map((c) => [c.ep, c.available ? 'available' : 'not available', c.available ? `session + run in ${c.sessionMs?.toFixed(0)} ms` : t(c.reason ?? '', 160)]),
      ) + '\n');
      const bundled = r.backends.map((b) => `${b.name}${b.bundled ? '' : ' (not bundled)'}`).join(', ');
      io.stdout(`\nBackends known to this onnxruntime-node build: ${bundled}\n`);
    }
    const cpu = r.checks.find((c) => c.ep === 'cpu');
    return cpu && !cpu.available ? ExitCode.badInput : ExitCode.ok;
  } catch (ex) {
    if (ex instanceof WorkerError) throw new CliError(`doctor: ${ex.kind}: ${ex.message}`);
    throw ex;
  }
}
