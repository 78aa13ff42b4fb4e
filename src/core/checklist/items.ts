/**
 * The checklist items and their evaluators. Each evaluator reads {@link Facts} and returns a status with
 * evidence (file:line or a number). Items whose input comes from another capability (profile, drift, skew)
 * say `unknown` ("not yet measured") when that result is absent, never `pass`.
 */
import type { ChecklistArea, ChecklistStatus, Evidence, Finding, FixAction } from '../../shared/checklist';
import { formatBytes } from '../../shared/format';
import { checkServingContract } from '../diff/contractCheck';
import { formatLatencyMs } from '../../shared/profileFormat';
import { workspaceRelative } from '../paths';
import { lintDockerfile } from './dockerfileLint';
import { lintWorkspaceConfigs } from './configLint';
import type { CodeFile, Facts } from './facts';
import { isTestFile } from './facts';
import { findLine } from './workspace';

export interface Verdict {
  status: Exclude<ChecklistStatus, 'na'>;
  summary: string;
  evidence: Evidence[];
  findings?: Finding[];
}

export interface ItemDefinition {
  id: string;
  area: ChecklistArea;
  title: string;
  explanation: string;
  fix?: FixAction;
  evaluate(facts: Facts): Verdict | Promise<Verdict>;
}

/** Default p99 latency budget (ms) when the profile carries none. */
export const DEFAULT_LATENCY_BUDGET_MS = 100;
/** Default memory budget per replica. */
export const DEFAULT_MEMORY_BUDGET_BYTES = 2 * 1024 ** 3;
/** Weights above this on a CPU target without quantization get a warning. */
export const LARGE_MODEL_BYTES = 1024 ** 3;
/** Inline protobuf limit. */
const PROTOBUF_LIMIT = 2 * 1024 ** 3;

/**
 * Highest `ai.onnx` opset each ONNX Runtime minor release implements (onnxruntime docs, "ONNX Runtime
 * compatibility"). Used when the workspace pins `onnxruntime==X.Y.*`; otherwise {@link DEFAULT_RUNTIME}.
 */
export const ORT_MAX_OPSET: Record<string, number> = {
  '1.14': 18, '1.15': 19, '1.16': 19, '1.17': 20, '1.18': 21, '1.19': 21, '1.20': 21, '1.21': 22, '1.22': 22, '1.23': 23,
};
export const DEFAULT_RUNTIME = '1.20';
/** Domains every ONNX Runtime build implements. */
const STANDARD_DOMAINS = new Set(['ai.onnx', 'ai.onnx.ml', 'com.microsoft', 'ai.onnx.training', 'ai.onnx.preview.training']);

function hit(files: readonly CodeFile[], re: RegExp): Evidence | undefined {
  for (const f of files) {
    const m = findLine(f.text, re);
    if (m) return { file: f.file, line: m.line, text: m.match[0].trim().slice(0, 120) };
  }
  return undefined;
}

function hits(files: readonly CodeFile[], re: RegExp, limit = 5): Evidence[] {
  const out: Evidence[] = [];
  for (const f of files) {
    const g = new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);
    for (const m of f.text.matchAll(g)) {
      let line = 1;
      for (let i = 0; i < (m.index ?? 0); i++) if (f.text.charCodeAt(i) === 10) line++;
      out.push({ file: f.file, line, text: m[0].trim().slice(0, 120) });
      if (out.length >= limit) return out;
    }
  }
  return out;
}

async function textFiles(facts: Facts, re: RegExp): Promise<CodeFile[]> {
  const out: CodeFile[] = [];
  for (const file of facts.ws.find(re)) {
    const text = await facts.ws.read(file);
    if (text !== undefined) out.push({ file, text });
  }
  return out;
}

const NO_SERVING = 'No serving code found (Python/JS files defining a FastAPI/Flask/BentoML/… server)';

/** Runtime version pinned in the workspace (`onnxruntime==1.20.1` in requirements / pyproject), if any. */
async function pinnedRuntime(facts: Facts): Promise<{ version: string; evidence: Evidence } | undefined> {
  for (const f of await textFiles(facts, /(^|\/)(requirements[^/]*\.txt|pyproject\.toml|environment\.ya?ml|setup\.cfg)$/)) {
    const m = findLine(f.text, /onnxruntime(?:-gpu)?\s*[=~]=\s*["']?(\d+\.\d+)/);
    if (m) return { version: m.match[1]!, evidence: { file: f.file, line: m.line, text: m.match[0] } };
  }
  return undefined;
}

/** A profiled model as the user knows it: workspace-relative (the evidence link already names the result file). */
function modelLabel(facts: Facts, model: string | undefined): string {
  if (!model) return 'model';
  return workspaceRelative(facts.ws.root, model);
}

export const ITEMS: ItemDefinition[] = [
  {
    id: 'model.format',
    area: 'model',
    title: 'Model in a stable format with a supported opset',
    explanation: 'Production runtimes load a portable, versioned format (ONNX), not pickles or framework checkpoints, and only opsets they implement. A model exported with a newer opset than the serving runtime, or whose external-data file is missing or outside its folder, fails at load time.',
    fix: { id: 'doc', label: 'How to re-export' },
    async evaluate(facts) {
      const evidence: Evidence[] = [];
      const findings: Finding[] = [];
      const pickles = facts.ws.find(/\.(pkl|pickle|joblib|pt|pth|ckpt|h5)$/i);
      if (facts.models.length === 0) {
        return { status: 'fail', summary: pickles.length ? `Only framework/pickle artefacts (${pickles.slice(0, 3).join(', ')}): export to ONNX` : 'No ONNX model in the workspace', evidence: pickles.slice(0, 3).map((file) => ({ file, text: 'framework checkpoint / pickle' })) };
      }
      const runtime = await pinnedRuntime(facts);
      const version = runtime?.version ?? DEFAULT_RUNTIME;
      const maxOpset = ORT_MAX_OPSET[version] ?? Math.max(...Object.values(ORT_MAX_OPSET));
      if (runtime) evidence.push(runtime.evidence);
      let status: Verdict['status'] = 'pass';
      for (const m of facts.models) {
        if (!m.inspection) {
          status = 'fail';
          findings.push({ ruleId: 'model/unreadable', level: 'error', message: `${m.file}: ${m.error!.message}`, file: m.file });
          continue;
        }
        const opset = m.inspection.opsets['ai.onnx'];
        evidence.push({ file: m.file, text: `opset ${opset ?? 'none'}, IR ${m.inspection.irVersion ?? '?'}` });
        // A model whose weights cannot be loaded does not load at all: a refused or missing external-data file
        // fails this item (not the size item, which grades the weights that are there).
        for (const e of m.inspection.externalData.filter((d) => d.refused || !d.exists)) {
          status = 'fail';
          findings.push(e.refused
            ? { ruleId: 'model/external-data-refused', level: 'error', message: `${m.file}: external data "${e.location}" refused (${e.refused}): ONNX Runtime will not load it; keep the data file inside the model's folder and save with a relative location`, file: m.file }
            : { ruleId: 'model/external-data-missing', level: 'error', message: `${m.file}: external data "${e.location}" is missing next to the model (${formatBytes(e.bytes)} of weights): copy it beside the model`, file: m.file });
        }
        if (opset !== undefined && opset > maxOpset) {
          status = 'fail';
          findings.push({ ruleId: 'model/opset-too-new', level: 'error', message: `${m.file} uses opset ${opset}; ONNX Runtime ${version} implements up to ${maxOpset}: re-export with opset_version=${maxOpset} or upgrade the runtime`, file: m.file });
        }
        const custom = Object.keys(m.inspection.opsets).filter((d) => !STANDARD_DOMAINS.has(d));
        if (custom.length) {
          if (status === 'pass') status = 'warn';
          findings.push({ ruleId: 'model/custom-domain', level: 'warning', message: `${m.file} uses custom op domain(s) ${custom.join(', ')}: the serving runtime needs the matching custom-op library`, file: m.file });
        }
      }
      const summary = status === 'pass' ? `${facts.models.length} ONNX model(s), opsets within ONNX Runtime ${version} (≤ ${maxOpset})` : findings[0]!.message;
      return { status, summary, evidence, findings };
    },
  },
  {
    id: 'model.size',
    area: 'model',
    title: 'Size and quantization fit the target hardware',
    explanation: 'Weights must fit the replica\'s memory with room for activations; on CPU, int8 quantization (dynamic or QDQ) often halves latency for large models, while fp16 weights run slowly on CPU execution providers. Models over 2 GiB need external data.',
    fix: { id: 'doc', label: 'Quantization guide' },
    evaluate(facts) {
      const ok = facts.models.filter((m) => m.inspection);
      if (ok.length === 0) return { status: 'unknown', summary: 'No readable ONNX model', evidence: [] };
      const evidence: Evidence[] = [];
      const findings: Finding[] = [];
      let status: Verdict['status'] = 'pass';
      for (const m of ok) {
        const i = m.inspection!;
        const absent = i.externalData.filter((e) => !e.exists || e.refused).reduce((a, e) => a + e.bytes, 0);
        evidence.push({ file: m.file, text: `${formatBytes(i.weightBytes - absent)} of weights${absent ? ` present (${formatBytes(absent)} in missing or refused external data, see the format item)` : ''}, quantization ${i.quantization.kind}` });
        const inline = i.weightBytes - i.externalData.reduce((a, e) => a + e.bytes, 0);
        if (inline >= PROTOBUF_LIMIT) {
          status = 'fail';
          findings.push({ ruleId: 'model/over-2gib', level: 'error', message: `${m.file}: ${formatBytes(inline)} inline, over protobuf's 2 GiB limit: save with external data`, file: m.file });
        }
        if (i.weightBytes >= LARGE_MODEL_BYTES && i.quantization.kind === 'none') {
          if (status === 'pass') status = 'warn';
          findings.push({ ruleId: 'model/large-unquantized', level: 'warning', message: `${m.file}: ${formatBytes(i.weightBytes)} of float weights; consider int8 quantization for CPU serving`, file: m.file });
        }
        if (i.quantization.kind === 'fp16') {
          if (status === 'pass') status = 'warn';
          findings.push({ ruleId: 'model/fp16-on-cpu', level: 'warning', message: `${m.file}: fp16 weights are slow on CPU execution providers; serve on GPU or keep an fp32/int8 build for CPU`, file: m.file });
        }
      }
      return { status, summary: findings[0]?.message ?? `${ok.length} model(s), largest ${formatBytes(Math.max(...ok.map((m) => m.inspection!.weightBytes)))} of weights`, evidence, findings };
    },
  },
  {
    id: 'perf.latency',
    area: 'performance',
    title: 'Latency within budget',
    explanation: 'p99 latency measured on the target hardware must fit the service\'s budget (default 100 ms when no budget is set); the mean hides tail latency that users see.',
    fix: { id: 'run.profile', label: 'Profile the model' },
    evaluate(facts) {
      const profiles = facts.sources.profiles;
      if (profiles.length === 0) return { status: 'unknown', summary: 'Unknown — not yet measured (no profile in .mlpreflight/profiles/)', evidence: [] };
      const evidence: Evidence[] = [];
      let status: Verdict['status'] = 'pass';
      for (const p of profiles) {
        const budget = p.budgetMs ?? DEFAULT_LATENCY_BUDGET_MS;
        evidence.push({ file: p.source, text: `${modelLabel(facts, p.model)}: p50 ${formatLatencyMs(p.p50Ms)}, p99 ${formatLatencyMs(p.p99Ms)}${p.batch ? ` at batch ${p.batch}` : ''} (budget ${budget} ms${p.budgetMs === undefined ? ', default' : ''})` });
        if (p.p99Ms > budget) status = 'fail';
      }
      return { status, summary: status === 'pass' ? `p99 within budget in ${profiles.length} profile(s)` : `p99 over budget: ${evidence.find((e) => e.text)!.text}`, evidence };
    },
  },
  {
    id: 'perf.memory',
    area: 'performance',
    title: 'Memory within budget',
    explanation: 'Peak resident memory decides the container\'s memory request and limit; an OOM-killed replica drops every request in flight. Default budget 2 GiB per replica.',
    fix: { id: 'run.profile', label: 'Profile the model' },
    evaluate(facts) {
      const measured = facts.sources.profiles.filter((p) => p.peakRssBytes !== undefined);
      if (measured.length === 0) return { status: 'unknown', summary: 'Unknown — not yet measured (no profile with peak memory)', evidence: [] };
      const over = measured.filter((p) => p.peakRssBytes! > DEFAULT_MEMORY_BUDGET_BYTES);
      return {
        status: over.length ? 'fail' : 'pass',
        summary: over.length ? `Peak RSS over ${formatBytes(DEFAULT_MEMORY_BUDGET_BYTES)}` : `Peak RSS ≤ ${formatBytes(DEFAULT_MEMORY_BUDGET_BYTES)}`,
        evidence: measured.map((p) => ({ file: p.source, text: `${modelLabel(facts, p.model)}: peak RSS ${formatBytes(p.peakRssBytes!)}` })),
      };
    },
  },
  {
    id: 'perf.loadtest',
    area: 'performance',
    title: 'Load test for the endpoint',
    explanation: 'A load test (k6, Locust, …) run against the deployed endpoint shows queueing and autoscaling behaviour that a single-process profile cannot.',
    fix: { id: 'emit.k6', label: 'Generate k6 script' },
    async evaluate(facts) {
      const k6 = hit(await textFiles(facts, /\.(js|ts)$/), /^import[^\n]*from\s+['"]k6(\/http)?['"]/m);
      const locust = hit(facts.python, /from\s+locust\s+import|import\s+locust/);
      const e = k6 ?? locust;
      return e ? { status: 'pass', summary: `Load test found (${e.file})`, evidence: [e] } : { status: 'fail', summary: 'No load test (k6 script or Locust file)', evidence: [] };
    },
  },
  {
    id: 'data.drift',
    area: 'data',
    title: 'Drift checked on current samples',
    explanation: 'Production inputs drift away from the training data; compare a current sample against the reference before launch and on a schedule after.',
    fix: { id: 'run.drift', label: 'Check drift' },
    evaluate(facts) {
      const runs = facts.sources.drift;
      if (runs.length === 0) {
        const data = facts.ws.find(/\.(csv|parquet)$/i);
        return { status: 'unknown', summary: `Unknown — not yet measured${data.length ? ` (data samples: ${data.slice(0, 3).join(', ')})` : ''}`, evidence: data.slice(0, 3).map((file) => ({ file, text: 'data sample' })) };
      }
      const evidence: Evidence[] = [];
      let drifted = 0;
      let datasetDrift = false;
      for (const r of runs) {
        const cols = r.columns.filter((c) => c.drift);
        drifted += cols.length;
        // A report without a dataset verdict counts as drifted when any column drifted.
        if (r.datasetDrift ?? cols.length > 0) datasetDrift = true;
        const share = r.shareDrifted !== undefined ? ` (share ${r.shareDrifted.toFixed(2)})` : '';
        const verdict = r.datasetDrift === undefined ? '' : r.datasetDrift ? '; dataset drift' : '; no dataset drift';
        const file = r.reference && !r.source.startsWith('.mlpreflight/') ? r.reference : r.source;
        evidence.push({ file, text: `${r.reference ?? 'reference'} → ${r.current ?? 'current'}: ${cols.length}/${r.columns.length} column(s) drifted${share}${cols.length ? `: ${cols.slice(0, 5).map((c) => `${c.name}${c.method ? ` (${c.method})` : ''}`).join(', ')}` : ''}${verdict}` });
      }
      if (datasetDrift) return { status: 'fail', summary: `Dataset drift: ${drifted} drifted column(s)`, evidence };
      if (drifted) return { status: 'warn', summary: `${drifted} drifted column(s), below the dataset-drift share`, evidence };
      return { status: 'pass', summary: 'No drift detected', evidence };
    },
  },
  {
    id: 'data.skew',
    area: 'data',
    title: 'No training/serving preprocessing skew',
    explanation: 'Preprocessing written twice (training and serving) drifts apart: colour order, resize interpolation, normalisation constants, feature order and fill values silently change what the model sees.',
    fix: { id: 'run.skew', label: 'Check preprocessing skew' },
    evaluate(facts) {
      const skew = facts.sources.skew;
      if (!skew) return { status: 'unknown', summary: 'Unknown — not yet measured (no .mlpreflight/skew.json)', evidence: [] };
      const findings: Finding[] = skew.findings.map((f) => ({
        ruleId: `skew/${f.id ?? 'finding'}`,
        level: f.severity === 'error' ? 'error' : f.severity === 'warning' ? 'warning' : 'info',
        message: f.message + (f.trainingFile ? ` (training: ${f.trainingFile}${f.trainingLine ? `:${f.trainingLine}` : ''})` : ''),
        file: f.file,
        line: f.line,
        ...(f.column ? { column: f.column, endLine: f.endLine, endColumn: f.endColumn } : {}),
        ...(f.sarif ? { skew: f.sarif } : {}),
      }));
      // Suppressed skew findings stay in the findings (SARIF reports them as suppressed) but do not grade.
      const errors = findings.filter((f) => f.level === 'error' && !f.skew?.suppressed).length;
      const warnings = findings.filter((f) => f.level === 'warning' && !f.skew?.suppressed).length;
      return {
        status: errors ? 'fail' : warnings ? 'warn' : 'pass',
        summary: errors || warnings ? `${errors} skew error(s), ${warnings} warning(s)` : 'No skew findings',
        evidence: [
          ...findings.slice(0, 5).filter((f) => f.file).map((f) => ({ file: f.file, line: f.line, text: f.message })),
          skew.source.startsWith('.mlpreflight/') ? { file: skew.source, text: `${skew.findings.length} finding(s)` } : { text: `${skew.source}: ${skew.findings.length} finding(s)` },
        ],
        findings,
      };
    },
  },
  {
    id: 'container.dockerfile',
    area: 'container',
    title: 'Container definition present and sound',
    explanation: 'A reproducible image: pinned base image (tag and digest), a non-root user, a HEALTHCHECK, no secrets in ENV/ARG (they stay in the image history) and no ADD of unverified URLs.',
    fix: { id: 'emit.docker', label: 'Generate Dockerfile' },
    async evaluate(facts) {
      const files = facts.ws.find(/(^|\/)(Dockerfile|Containerfile)(\.[\w.-]+)?$|\.dockerfile$/i).filter((f) => !f.startsWith('.mlpreflight/'));
      if (files.length === 0) return { status: 'fail', summary: 'No Dockerfile', evidence: [] };
      const findings: Finding[] = [];
      for (const file of files) {
        const text = await facts.ws.read(file);
        if (text !== undefined) findings.push(...lintDockerfile(text, file));
      }
      const errors = findings.filter((f) => f.level === 'error');
      const warnings = findings.filter((f) => f.level === 'warning');
      return {
        status: errors.length ? 'fail' : warnings.length ? 'warn' : 'pass',
        summary: errors[0]?.message ?? warnings[0]?.message ?? `${files.length} Dockerfile(s) pass the lint`,
        evidence: findings.length ? findings.slice(0, 6).map((f) => ({ file: f.file, line: f.line, text: f.message })) : files.map((file) => ({ file, text: 'lint clean' })),
        findings,
      };
    },
  },
  {
    id: 'serving.health',
    area: 'serving',
    title: 'Health and readiness endpoints',
    explanation: 'Orchestrators restart a replica whose liveness probe fails and route traffic only to replicas whose readiness probe passes (model loaded). Without them a replica that is still loading or is wedged receives traffic.',
    fix: { id: 'emit.docker', label: 'Generate server with /health and /ready' },
    evaluate(facts) {
      const configs = facts.ws.find(/(^|\/)config\.pbtxt$/);
      if (facts.serving.length === 0) {
        return configs.length
          ? { status: 'pass', summary: 'Served by Triton, which provides /v2/health/live and /v2/health/ready', evidence: [{ file: configs[0], text: 'Triton model configuration' }] }
          : { status: 'unknown', summary: NO_SERVING, evidence: [] };
      }
      const live = hit(facts.serving, /["'`]\/(health|healthz|livez|liveness|ping)["'`]/);
      const ready = hit(facts.serving, /["'`]\/(ready|readyz|readiness)["'`]/);
      const evidence = [live, ready].filter((e): e is Evidence => !!e);
      if (live && ready) return { status: 'pass', summary: 'Liveness and readiness routes found', evidence };
      if (live || ready) return { status: 'warn', summary: live ? 'Liveness route only: add a readiness route that fails until the model is loaded' : 'Readiness route only: add a liveness route', evidence };
      return { status: 'fail', summary: `No /health or /ready route in ${facts.serving.map((s) => s.file).join(', ')}`, evidence: facts.serving.slice(0, 3).map((s) => ({ file: s.file, line: 1, text: 'serving code without health routes' })) };
    },
  },
  {
    id: 'serving.validation',
    area: 'serving',
    title: 'Request inputs validated',
    explanation: 'The server checks every request against the model\'s inputs (names, dtypes, shapes, ranges) and answers 4xx for bad input, instead of a 500 from deep inside the runtime or, worse, a confident prediction on garbage.',
    fix: { id: 'emit.docker', label: 'Generate server with input validation' },
    evaluate(facts) {
      if (facts.serving.length === 0) return { status: 'unknown', summary: NO_SERVING, evidence: [] };
      const schema = hit(facts.serving, /class\s+\w+\s*\(\s*(pydantic\.)?BaseModel\s*\)|jsonschema|marshmallow|from\s+pydantic|zod\b|Joi\.|def\s+validate\w*\s*\([^)]*\)[^\n]*:\s*\n(?:[^\n]*\n){0,8}?[^\n]*(status_code\s*=\s*4\d\d|bad_request|abort\(\s*4\d\d)/);
      const tensor = hit(facts.serving, /\.shape\s*(!=|==|\[)[^\n]*\n?[^\n]*(raise|abort|HTTPException|return)|\.dtype\s*(!=|==)|def\s+validate\w*\s*\(/);
      const evidence = [schema, tensor].filter((e): e is Evidence => !!e);
      if (schema && tensor) return { status: 'pass', summary: 'Request schema and tensor shape/dtype checks found', evidence };
      if (schema || tensor) return { status: 'warn', summary: schema ? 'Request bodies are typed, but tensor shapes/dtypes are not checked before the model runs' : 'Tensor checks found but no request schema', evidence };
      return { status: 'fail', summary: 'No request validation found', evidence: [] };
    },
  },
  {
    id: 'serving.metrics',
    area: 'serving',
    title: 'Metrics exported',
    explanation: 'Request rate, error rate and latency histograms (Prometheus client or OpenTelemetry) are what alerts and autoscaling act on.',
    fix: { id: 'emit.docker', label: 'Generate server with /metrics' },
    evaluate(facts) {
      if (facts.serving.length === 0) return { status: facts.ws.find(/(^|\/)config\.pbtxt$/).length ? 'pass' : 'unknown', summary: facts.ws.find(/(^|\/)config\.pbtxt$/).length ? 'Triton exports Prometheus metrics on :8002/metrics' : NO_SERVING, evidence: [] };
      const e = hit(facts.serving, /prometheus_client|prometheus_fastapi_instrumentator|opentelemetry|from\s+statsd|starlette_exporter|prom-client|["'`]\/metrics["'`]/);
      return e ? { status: 'pass', summary: 'Metrics instrumentation found', evidence: [e] } : { status: 'fail', summary: 'No metrics (Prometheus client / OpenTelemetry) in the serving code', evidence: [] };
    },
  },
  {
    id: 'serving.logging',
    area: 'serving',
    title: 'Structured logging without secrets',
    explanation: 'JSON (structured) logs with request ids and latency can be searched and aggregated; logging request headers, tokens or passwords leaks them to everyone with log access.',
    fix: { id: 'emit.docker', label: 'Generate server with JSON logs' },
    evaluate(facts) {
      if (facts.serving.length === 0) return { status: 'unknown', summary: NO_SERVING, evidence: [] };
      const secret = hits(facts.serving, /(log(ger)?\.\w+|print|console\.\w+)\s*\([^\n)]*(password|passwd|secret|token|api_?key|authorization|request\.headers)/i, 5);
      if (secret.length) return { status: 'fail', summary: 'A log call may write secrets', evidence: secret, findings: secret.map((e) => ({ ruleId: 'serving/secret-in-log', level: 'error' as const, message: `Log call may write a secret: ${e.text}`, file: e.file, line: e.line })) };
      const structured = hit(facts.serving, /structlog|pythonjsonlogger|json_log|JsonFormatter|json\.dumps\([^\n]*(level|msg|message)|extra\s*=\s*\{|pino\b|winston\b|loguru[^\n]*serialize\s*=\s*True/);
      if (structured) return { status: 'pass', summary: 'Structured logging found', evidence: [structured] };
      const plain = hit(facts.serving, /\blogging\.|getLogger|\blogger\.|console\.log|\bprint\(/);
      return plain ? { status: 'warn', summary: 'Logging is unstructured (plain text/print): use a JSON formatter', evidence: [plain] } : { status: 'fail', summary: 'No logging in the serving code', evidence: [] };
    },
  },
  {
    id: 'serving.fallback',
    area: 'serving',
    title: 'Fallback for model errors',
    explanation: 'When inference raises (bad input that passed validation, OOM, a corrupt model), the service answers with a defined fallback (cached/default answer, 503 for client retry) instead of an unhandled 500.',
    fix: { id: 'emit.docker', label: 'Generate server with a fallback' },
    evaluate(facts) {
      if (facts.serving.length === 0) return { status: 'unknown', summary: NO_SERVING, evidence: [] };
      const e = hit(facts.serving, /try\s*:\s*\n(?:[^\n]*\n){0,6}?[^\n]*(\.run\(|predict|infer)[^\n]*\n(?:[^\n]*\n){0,6}?\s*except\b|fallback|circuit_?breaker|@retry|tenacity|status_code\s*=\s*503/i);
      return e ? { status: 'pass', summary: 'Error handling around inference found', evidence: [e] } : { status: 'fail', summary: 'Inference calls are not guarded: a model error becomes an unhandled 500', evidence: hits(facts.serving, /session\.run\(|\.predict\(/, 3) };
    },
  },
  {
    id: 'serving.configs',
    area: 'serving',
    title: 'Serving configs agree with the model',
    explanation: 'Triton configs, KServe InferenceServices and Kubernetes manifests in the workspace are checked against their schemas and against the model they serve (input names, dtypes, dims, batching).',
    fix: { id: 'emit.triton', label: 'Generate Triton config' },
    async evaluate(facts) {
      const result = await lintWorkspaceConfigs(facts);
      if (result.checked.length === 0) return { status: 'unknown', summary: 'No serving configs (config.pbtxt, InferenceService, Kubernetes manifests) to check', evidence: [] };
      const errors = result.findings.filter((f) => f.level === 'error');
      const warnings = result.findings.filter((f) => f.level === 'warning');
      return {
        status: errors.length ? 'fail' : warnings.length ? 'warn' : 'pass',
        summary: errors[0]?.message ?? warnings[0]?.message ?? `${result.checked.length} config file(s) agree with their schemas and models`,
        evidence: result.findings.length ? result.findings.slice(0, 6).map((f) => ({ file: f.file, line: f.line, text: f.message })) : result.checked.map((file) => ({ file, text: 'valid' })),
        findings: result.findings,
      };
    },
  },
  {
    id: 'repro.dependencies',
    area: 'reproducibility',
    title: 'Dependencies pinned',
    explanation: 'A lockfile or exact pins (==) make the image you tested the image you ship; a floating numpy or onnxruntime changes numerics and breaks at import.',
    fix: { id: 'emit.docker', label: 'Generate pinned requirements' },
    async evaluate(facts) {
      const locks = facts.ws.find(/(^|\/)(poetry\.lock|uv\.lock|Pipfile\.lock|pdm\.lock|conda-lock\.ya?ml|package-lock\.json|pnpm-lock\.yaml|yarn\.lock)$/);
      if (locks.length) return { status: 'pass', summary: `Lockfile: ${locks.slice(0, 3).join(', ')}`, evidence: locks.slice(0, 3).map((file) => ({ file, text: 'lockfile' })) };
      const reqs = await textFiles(facts, /(^|\/)requirements[^/]*\.txt$/);
      if (reqs.length === 0) return { status: 'fail', summary: 'No lockfile and no requirements*.txt', evidence: [] };
      const loose: Evidence[] = [];
      let pinned = 0;
      for (const r of reqs) {
        r.text.split(/\r?\n/).forEach((raw, i) => {
          const line = raw.replace(/#.*$/, '').trim();
          if (!line || line.startsWith('-')) return;
          if (/===?\s*[\w.*+!-]+/.test(line) && !/[<>~]/.test(line) && !/\*/.test(line)) pinned++;
          else loose.push({ file: r.file, line: i + 1, text: `${line} is not pinned exactly` });
        });
      }
      if (loose.length === 0) return { status: 'pass', summary: `${pinned} requirement(s), all pinned with ==`, evidence: reqs.map((r) => ({ file: r.file, text: 'exact pins' })) };
      return { status: pinned ? 'warn' : 'fail', summary: `${loose.length} requirement(s) not pinned exactly`, evidence: loose.slice(0, 6), findings: loose.map((e) => ({ ruleId: 'deps/unpinned', level: 'warning' as const, message: e.text, file: e.file, line: e.line })) };
    },
  },
  {
    id: 'repro.versioning',
    area: 'reproducibility',
    title: 'Model and data versioned',
    explanation: 'Every deployed model traces back to a version (registry, DVC, git LFS, or a model version in the ONNX metadata) and to the data it was trained on, so a rollback restores a known model.',
    fix: { id: 'doc', label: 'Versioning options' },
    async evaluate(facts) {
      const evidence: Evidence[] = [];
      const dvc = facts.ws.find(/(^|\/)(dvc\.yaml|\.dvc\/config)$|\.dvc$/);
      if (dvc.length) evidence.push({ file: dvc[0], text: 'DVC' });
      const mlflow = hit(facts.python, /mlflow\.(register_model|\w+\.log_model)|MlflowClient/);
      if (mlflow) evidence.push(mlflow);
      const mlmodel = facts.ws.find(/(^|\/)MLmodel$/);
      if (mlmodel.length) evidence.push({ file: mlmodel[0], text: 'MLflow model' });
      const attrs = await facts.ws.read('.gitattributes');
      const lfs = attrs ? findLine(attrs, /\.(onnx|pt|bin|safetensors|parquet|csv)[^\n]*filter=lfs/) : undefined;
      if (lfs) evidence.push({ file: '.gitattributes', line: lfs.line, text: 'git LFS' });
      const versioned = facts.models.filter((m) => m.inspection && ((m.inspection.modelVersion ?? 0) > 0 || Object.keys(m.inspection.metadata).some((k) => /version/i.test(k))));
      for (const m of versioned) evidence.push({ file: m.file, text: `model_version ${m.inspection!.modelVersion ?? '?'} in the ONNX metadata` });
      const dataVersioned = dvc.length > 0 || !!lfs || !!mlflow;
      if (dataVersioned && (versioned.length || mlflow || mlmodel.length || dvc.length)) return { status: 'pass', summary: 'Model and data under version control', evidence };
      if (evidence.length) return { status: 'warn', summary: versioned.length ? 'The model carries a version, but the data is not versioned (DVC, LFS, a registry)' : 'Partial versioning', evidence };
      return { status: 'fail', summary: 'Neither model nor data versioned', evidence };
    },
  },
  {
    id: 'repro.tests',
    area: 'reproducibility',
    title: 'Tests cover the preprocessing code',
    explanation: 'Preprocessing is where training/serving skew hides; unit tests that pin its outputs on known inputs catch a changed constant before users do.',
    fix: { id: 'doc', label: 'What to test' },
    async evaluate(facts) {
      const pre = facts.python.filter((f) => /preprocess|feature|transform/i.test(f.file) || /def\s+(preprocess|features?|transform)\w*\s*\(/.test(f.text));
      const tests = (await textFiles(facts, /\.(py|[jt]s)$/)).filter((f) => isTestFile(f.file));
      if (tests.length === 0) return { status: 'fail', summary: 'No tests in the workspace', evidence: pre.slice(0, 3).map((p) => ({ file: p.file, text: 'preprocessing code without tests' })) };
      const names = [...new Set(pre.flatMap((p) => [p.file.split('/').pop()!.replace(/\.py$/, ''), ...[...p.text.matchAll(/def\s+((?:preprocess|features?|transform)\w*)\s*\(/g)].map((m) => m[1]!)]))];
      const covering = tests.map((t) => ({ t, name: names.find((n) => new RegExp(`\\b${n}\\b`).test(t.text)) })).filter((x) => x.name);
      if (covering.length) return { status: 'pass', summary: `Tests reference the preprocessing (${[...new Set(covering.map((c) => c.name))].slice(0, 3).join(', ')})`, evidence: covering.slice(0, 3).map((c) => ({ file: c.t.file, text: `tests ${c.name}` })) };
      return { status: pre.length ? 'warn' : 'pass', summary: pre.length ? `${tests.length} test file(s), none reference the preprocessing code` : 'Tests present; no preprocessing module found', evidence: tests.slice(0, 3).map((t) => ({ file: t.file, text: 'test file' })) };
    },
  },
  {
    id: 'ops.ci',
    area: 'operations',
    title: 'A CI pipeline exists',
    explanation: 'Every change to model, preprocessing or serving code runs the tests and `ml-preflight review` before it can ship.',
    fix: { id: 'doc', label: 'CI recipe' },
    async evaluate(facts) {
      const ci = facts.ws.find(/^(\.github\/workflows\/[^/]+\.ya?ml|\.gitlab-ci\.yml|Jenkinsfile|azure-pipelines\.yml|\.circleci\/config\.yml|bitbucket-pipelines\.yml|\.buildkite\/[^/]+\.ya?ml|\.drone\.yml|cloudbuild\.ya?ml)$/);
      if (ci.length === 0) return { status: 'fail', summary: 'No CI configuration (.github/workflows, .gitlab-ci.yml, Jenkinsfile, …)', evidence: [] };
      const withReview = (await textFiles(facts, /^(\.github\/workflows\/|\.gitlab-ci\.yml|Jenkinsfile|azure-pipelines)/)).map((f) => ({ f, m: findLine(f.text, /ml-preflight\s+review/) })).find((x) => x.m);
      return { status: 'pass', summary: `CI: ${ci.slice(0, 3).join(', ')}${withReview ? ' (runs ml-preflight review)' : ''}`, evidence: withReview ? [{ file: withReview.f.file, line: withReview.m!.line, text: 'ml-preflight review' }] : ci.slice(0, 3).map((file) => ({ file, text: 'CI configuration' })) };
    },
  },
  {
    id: 'ops.rollout',
    area: 'operations',
    title: 'Rollout (canary/shadow) and rollback defined',
    explanation: 'A new model takes a small share of traffic (canary) or mirrored traffic (shadow) first, and there is a tested way back (previous revision, canaryTrafficPercent 0, rollout undo).',
    fix: { id: 'emit.kserve', label: 'Generate KServe with canary' },
    async evaluate(facts) {
      const evidence: Evidence[] = [];
      const canary = facts.yaml.find((y) => y.kind === 'Rollout' || y.kind === 'Canary' || /canaryTrafficPercent/.test(JSON.stringify(y.doc)) || (y.kind === 'VirtualService' && /"(weight|mirror)"/.test(JSON.stringify(y.doc))));
      if (canary) evidence.push({ file: canary.file, line: canary.line, text: canary.kind === 'InferenceService' ? 'KServe canaryTrafficPercent' : `${canary.kind} rollout` });
      const docs = await textFiles(facts, /\.(md|rst|txt|ya?ml|sh)$/i);
      const rollback = hit(docs, /rollout undo|\brollback\b|roll back|revisionHistoryLimit|canaryTrafficPercent:\s*0/i);
      if (rollback) evidence.push(rollback);
      if (canary && rollback) return { status: 'pass', summary: 'Canary/shadow and rollback defined', evidence };
      if (canary || rollback) return { status: 'warn', summary: canary ? 'Canary defined; no rollback procedure found' : 'Rollback mentioned; no canary/shadow rollout', evidence };
      return { status: 'fail', summary: 'No canary/shadow rollout and no rollback procedure', evidence };
    },
  },
  {
    id: 'ops.autoscaling',
    area: 'operations',
    title: 'Autoscaling defined',
    explanation: 'Traffic varies; a HorizontalPodAutoscaler, KEDA ScaledObject or KServe min/max replicas keep latency in budget at peak and cost down at night.',
    fix: { id: 'emit.k8s', label: 'Generate Kubernetes manifests' },
    evaluate(facts) {
      const y = facts.yaml.find((o) => o.kind === 'HorizontalPodAutoscaler' || o.kind === 'ScaledObject' || (o.kind === 'InferenceService' && /"maxReplicas"/.test(JSON.stringify(o.doc))) || /autoscaling\.knative\.dev/.test(JSON.stringify(o.doc)));
      return y ? { status: 'pass', summary: `${y.kind} in ${y.file}`, evidence: [{ file: y.file, line: y.line, text: y.kind ?? 'autoscaling' }] } : { status: 'fail', summary: 'No autoscaling (HPA, KEDA, KServe replicas)', evidence: [] };
    },
  },
  {
    id: 'ops.alerts',
    area: 'operations',
    title: 'Alerts on latency and error rate',
    explanation: 'Metrics nobody watches do not help: alert rules on p99 latency and error rate page someone before users complain.',
    fix: { id: 'emit.prometheus', label: 'Generate alert rules' },
    evaluate(facts) {
      const rules = facts.yaml.find((o) => o.kind === 'PrometheusRule' || (Array.isArray(o.doc.groups) && /"alert"/.test(JSON.stringify(o.doc.groups))));
      return rules ? { status: 'pass', summary: `Alert rules in ${rules.file}`, evidence: [{ file: rules.file, line: rules.line, text: 'Prometheus alert rules' }] } : { status: 'fail', summary: 'No alert rules (Prometheus rule file or PrometheusRule)', evidence: [] };
    },
  },
  {
    id: 'security.auth',
    area: 'security',
    title: 'The API is authenticated',
    explanation: 'An open inference endpoint can be scraped, abused for free compute or used to extract the model; require a token, mTLS or an authenticating gateway.',
    fix: { id: 'doc', label: 'Authentication options' },
    evaluate(facts) {
      const mesh = facts.yaml.find((o) => o.kind === 'AuthorizationPolicy' || o.kind === 'RequestAuthentication' || /auth-url|oauth2-proxy|auth-signin/.test(JSON.stringify(o.doc)));
      if (mesh) return { status: 'pass', summary: `Authentication at the gateway (${mesh.kind ?? 'annotation'} in ${mesh.file})`, evidence: [{ file: mesh.file, line: mesh.line, text: mesh.kind ?? 'auth' }] };
      if (facts.serving.length === 0) return { status: 'unknown', summary: NO_SERVING, evidence: [] };
      const e = hit(facts.serving, /OAuth2PasswordBearer|HTTPBearer|APIKeyHeader|HTTPBasic|Depends\(\s*\w*(auth|verify|token)\w*|flask_login|jwt\.|passport\b|["']authorization["']/i);
      return e ? { status: 'pass', summary: 'Authentication in the serving code', evidence: [e] } : { status: 'fail', summary: 'No authentication on the serving API (code or gateway)', evidence: facts.serving.slice(0, 2).map((s) => ({ file: s.file, line: 1, text: 'unauthenticated routes' })) };
    },
  },
  {
    id: 'model.contract',
    area: 'model',
    title: 'Serving contract unchanged, or versioned',
    explanation:
      "Replacing a model is when services break: a renamed or removed input, a dynamic axis that became fixed, a dtype change, a lost batch axis. Each model is compared with its version at the base ref (review --base <ref>; HEAD otherwise). A breaking change passes only with a version bump (model_version or metadata 'version', a new Triton version folder, or .mlpreflight/versions.json), so clients can keep calling the old version.",
    fix: { id: 'doc', label: 'How to version a model' },
    async evaluate(facts) {
      const models = facts.models.filter((m) => m.inspection).map((m) => m.file);
      // Workspace Trust: git reads the repository's own config (which can name programs to run), so it is run
      // only when the caller allows it (VS Code: trusted workspaces; the CLI: always, the user ran it there).
      if (facts.git === false) {
        return { status: 'unknown', summary: 'Not compared with git history: reading git needs a trusted workspace (Workspaces: Manage Workspace Trust)', evidence: [] };
      }
      const r = await checkServingContract(facts.ws, models, facts.base);
      return { status: r.status, summary: r.summary, evidence: r.evidence, findings: r.findings };
    },
  },
];
