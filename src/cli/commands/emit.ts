/** `ml-preflight emit <docker|triton|kserve|k8s|prometheus|k6|all> --model m.onnx --out dir [--profile result.json] [--force]` */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { profileFacts } from '../../core/checklist/sources';
import { parseJsonBounded } from '../../core/jsonSafe';
import { readTextFile, SafeFsError } from '../../core/safeFs';
import { emitForModel, EMIT_TARGETS, isEmitTarget, type EmitTarget } from '../../core/emit/emit';
import { EmitError, type EmitOptions } from '../../core/emit/modelIo';
import { planFiles, writePlan } from '../../core/emit/plan';
import { OnnxInspectError } from '../../core/onnx/errors';
import { sanitizeForTerminal as t } from '../format/table';
import { CliError, ExitCode, type CliIO } from '../io';

export const emitHelp = `Usage: ml-preflight emit <target>[,<target>…|all] --model <m.onnx> --out <dir> [options]

Writes serving files that are right for this model (its inputs, outputs, dtypes, batch dim):
  docker      Dockerfile (multi-stage, pinned, non-root, HEALTHCHECK), app/main.py (FastAPI +
              ONNX Runtime: /health, /ready, /metrics, KServe-v2 infer with input validation),
              app/requirements.txt (exact pins), model/model.onnx
  triton      <name>/config.pbtxt + <name>/1/model.onnx (a Triton model repository)
  kserve      inferenceservice.yaml (v1beta1, modelFormat onnx, protocolVersion v2)
  k8s         kubernetes.yaml (Deployment, Service, HPA autoscaling/v2, PodDisruptionBudget)
  prometheus  alerts.yaml (p99 latency over budget, error rate, readiness)
  k6          k6.js (load test of the v2 endpoint)
  all         every target, each in its own sub-folder

Files are written only inside --out. An existing file that differs is NOT overwritten: its diff
is printed and the command exits 1; re-run with --force to overwrite. Identical files are left alone.

Options:
  --model PATH          the ONNX model (required)
  --out DIR             output folder (required; created if missing)
  --profile FILE        a saved profile (p50Ms, p99Ms, peakRssBytes, batch, budgetMs) for the
                        Triton queue delay, batch size and container resources
  --budget-ms N         p99 latency budget in ms (default: the profile's, else 100)
  --name NAME           serving name (default: from the model file name)
  --min-replicas N      (default 2)      --max-replicas N   (default 6)
  --canary PERCENT      KServe canaryTrafficPercent (needs Serverless mode)
  --storage-uri URI     KServe storageUri (default pvc://model-store/<name>)
  --image IMAGE         container image for Kubernetes (default <name>-server:0.1.0)
  --gpu                 Triton instance_group KIND_GPU
  --force               overwrite existing files that differ
  --dry-run             print the plan (and diffs) without writing
  --json                print the plan/result as JSON
  -h, --help            show this help

Exit codes: 0 written (or nothing to change); 1 existing files differ and were left alone;
2 bad input (model, options, a path escaping --out).
`;

function intOption(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new CliError(`emit: --${name} must be an integer ${min}…${max}, got '${value}'`);
  return n;
}

export async function emitCommand(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      model: { type: 'string' },
      out: { type: 'string' },
      profile: { type: 'string' },
      'budget-ms': { type: 'string' },
      name: { type: 'string' },
      'min-replicas': { type: 'string' },
      'max-replicas': { type: 'string' },
      canary: { type: 'string' },
      'storage-uri': { type: 'string' },
      image: { type: 'string' },
      gpu: { type: 'boolean', default: false },
      force: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.stdout(emitHelp);
    return ExitCode.ok;
  }
  const spec = positionals[0];
  if (!spec || positionals.length > 1) throw new CliError(`emit: expected one target list (${EMIT_TARGETS.join(', ')}, all), see \`ml-preflight emit --help\``);
  let targets: EmitTarget[] | 'all';
  if (spec === 'all') targets = 'all';
  else {
    const list = spec.split(',').map((s) => s.trim()).filter(Boolean);
    const bad = list.filter((s) => !isEmitTarget(s));
    if (bad.length || !list.length) throw new CliError(`emit: unknown target '${bad[0] ?? spec}' (targets: ${EMIT_TARGETS.join(', ')}, all)`);
    targets = list as EmitTarget[];
  }
  if (!values.model) throw new CliError('emit: --model <m.onnx> is required');
  if (!values.out) throw new CliError('emit: --out <dir> is required');
  const options: EmitOptions = {
    name: values.name,
    budgetMs: intOption(values['budget-ms'], 'budget-ms', 1, 3_600_000),
    minReplicas: intOption(values['min-replicas'], 'min-replicas', 1, 10_000),
    maxReplicas: intOption(values['max-replicas'], 'max-replicas', 1, 10_000),
    canaryTrafficPercent: intOption(values.canary, 'canary', 0, 100),
    storageUri: values['storage-uri'],
    image: values.image,
    gpu: values.gpu,
  };
  if (values.profile) {
    const file = path.resolve(io.cwd, values.profile);
    let json: unknown;
    try {
      // Read rule: a regular file within a size limit; JSON with a nesting limit (100,000-deep JSON is exit 2).
      json = parseJsonBounded(await readTextFile(file, { maxBytes: 32 * 1024 * 1024, display: values.profile }));
    } catch (ex) {
      throw new CliError(`emit: ${values.profile}: ${SafeFsError.is(ex) ? ex.detail : ex instanceof SyntaxError ? `not valid JSON (${ex.message})` : ex instanceof RangeError ? `not usable JSON (${ex.message})` : 'cannot be read'}`);
    }
    options.profile = profileFacts(json, values.profile);
    if (!options.profile) throw new CliError(`emit: ${values.profile}: not a profile result (needs p50Ms and p99Ms, see docs/checklist.md)`);
  }
  const modelPath = path.resolve(io.cwd, values.model);
  const outDir = path.resolve(io.cwd, values.out);
  let plan;
  try {
    const files = await emitForModel(modelPath, targets, { ...options, signal: io.signal });
    plan = await planFiles(outDir, files);
  } catch (ex) {
    if (OnnxInspectError.is(ex)) throw new CliError(`emit: ${values.model}: ${ex.reason}: ${ex.detail}`);
    if (EmitError.is(ex)) throw new CliError(`emit: ${ex.message}`);
    throw ex;
  }
  const changed = plan.files.filter((f) => f.exists && !f.identical);
  if (values['dry-run']) {
    if (values.json) io.stdout(JSON.stringify({ outDir, files: plan.files.map(({ path: p, exists, identical, diff, description }) => ({ path: p, exists, identical, diff, description })) }, null, 2) + '\n');
    else for (const f of plan.files) io.stdout(`${f.identical ? 'unchanged' : f.exists ? 'differs  ' : 'new      '}  ${t(f.path, 300)}  ${f.description}\n${f.diff ?? ''}`);
    return changed.length && !values.force ? ExitCode.findings : ExitCode.ok;
  }
  let result;
  try {
    result = await writePlan(plan, { overwrite: values.force });
  } catch (ex) {
    // `--out` that is a file, read-only, or under /proc: bad input (exit 2), one line naming the file.
    if (EmitError.is(ex)) throw new CliError(`emit: ${ex.message}`);
    throw ex;
  }
  if (values.json) {
    io.stdout(JSON.stringify({ outDir, ...result }, null, 2) + '\n');
  } else {
    for (const p of result.written) io.stdout(`wrote      ${t(path.join(values.out, p), 300)}\n`);
    for (const p of result.unchanged) io.stdout(`unchanged  ${t(path.join(values.out, p), 300)}\n`);
    for (const p of result.skipped) {
      const f = plan.files.find((x) => x.path === p)!;
      io.stdout(`kept       ${t(path.join(values.out, p), 300)} (differs; --force to overwrite)\n${f.diff ?? '  (binary file differs)\n'}`);
    }
  }
  if (result.skipped.length) {
    io.stderr(`ml-preflight: emit: ${result.skipped.length} existing file(s) differ and were not overwritten (use --force)\n`);
    return ExitCode.findings;
  }
  return ExitCode.ok;
}
