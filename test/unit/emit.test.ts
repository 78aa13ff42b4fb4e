/**
 * Emitters: snapshot-tested (test/fixtures/emit/<case>/…; refresh with MLP_UPDATE_SNAPSHOTS=1) and validated
 * against the real schemas for a dynamic-batch model (the example), a fixed-batch model, a BERT-like model
 * with three int64 inputs and an fp16 model.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { parse, parseAllDocuments } from 'yaml';
import { lintDockerfile } from '../../src/core/checklist/dockerfileLint';
import { profileFacts } from '../../src/core/checklist/sources';
import { emitFiles, EMIT_TARGETS } from '../../src/core/emit/emit';
import { EmitError, queueDelay, servingModel, servingName } from '../../src/core/emit/modelIo';
import { parseTritonConfig } from '../../src/core/emit/pbtxt';
import { planFiles, writePlan, type EmittedFile } from '../../src/core/emit/plan';
import { MANIFEST_NAME, markerLine } from '../../src/core/generated';
import { tritonFacts } from '../../src/core/emit/triton';
import { lintTritonConfig } from '../../src/core/emit/tritonLint';
import { MODEL_CONFIG_PROTO } from '../../src/core/emit/tritonModelConfigProto';
import { inspectModel } from '../../src/core/onnx/inspect';
import type { ModelInspection } from '../../src/shared/modelInspection';
import { writeEmitModels } from '../fixtures/emit/models';
import { SCHEMA_DIR, validateInferenceService, validateKubernetesYaml } from '../fixtures/emit/schemas';

const SNAPSHOTS = path.resolve(__dirname, '..', 'fixtures', 'emit');
const UPDATE = !!process.env.MLP_UPDATE_SNAPSHOTS;
const hasPython = spawnSync('python3', ['-c', 'import ast'], { encoding: 'utf8' }).status === 0;

const CASES = ['dynamic', 'fixed', 'bert', 'fp16'] as const;
type Case = (typeof CASES)[number];

describe('emitters', function () {
  this.timeout(60_000);
  let tmp: string;
  const inspections = {} as Record<Case, ModelInspection>;
  const files = {} as Record<Case, EmittedFile[]>;

  before(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'mlp-emit-'));
    const paths = await writeEmitModels(path.join(tmp, 'models'));
    for (const c of CASES) {
      inspections[c] = await inspectModel(paths[c]);
      files[c] = await emitFiles(inspections[c], 'all', { name: `${c}-model` });
    }
  });

  after(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  const text = (c: Case, p: string): string => {
    const f = files[c].find((x) => x.path === p);
    assert.ok(f?.content !== undefined, `${c}: ${p} is emitted`);
    return f.content;
  };

  it('the embedded model_config.proto is byte-identical to the upstream copy', async () => {
    assert.equal(MODEL_CONFIG_PROTO, await readFile(path.join(SCHEMA_DIR, 'model_config.proto'), 'utf8'));
  });

  for (const c of CASES) {
    it(`${c}: matches the snapshots`, async () => {
      const missing: string[] = [];
      for (const f of files[c]) {
        if (f.content === undefined) continue;
        const snap = path.join(SNAPSHOTS, c, ...f.path.split('/'));
        if (UPDATE || !existsSync(snap)) {
          await mkdir(path.dirname(snap), { recursive: true });
          await writeFile(snap, f.content);
          if (!UPDATE) missing.push(path.relative(SNAPSHOTS, snap));
          continue;
        }
        assert.equal(f.content, await readFile(snap, 'utf8'), `${c}/${f.path} differs from its snapshot (MLP_UPDATE_SNAPSHOTS=1 to refresh)`);
      }
      assert.deepEqual(missing, [], 'missing snapshots were written; review and re-run');
    });

    it(`${c}: Triton config parses against model_config.proto and agrees with the model`, () => {
      const name = `${c}-model`;
      const cfg = text(c, `triton/${name}/config.pbtxt`);
      const facts = tritonFacts(parseTritonConfig(cfg));
      const model = servingModel(inspections[c], name);
      const { findings } = lintTritonConfig(cfg, 'config.pbtxt', model);
      assert.deepEqual(findings, []);
      assert.equal(facts.name, name);
      assert.ok(files[c].some((f) => f.path === `triton/${name}/1/model.onnx` && f.copyFrom === inspections[c].file.path), 'the model goes to <name>/1/model.onnx');
      assert.deepEqual(facts.inputs.map((i) => i.name), inspections[c].inputs.map((i) => i.name));
    });

    it(`${c}: KServe InferenceService validates against the CRD's openAPIV3Schema`, () => {
      const doc = parse(text(c, 'kserve/inferenceservice.yaml')) as { spec: { predictor: { model: { modelFormat: { name: string }; protocolVersion: string } } } };
      assert.deepEqual(validateInferenceService(doc), []);
      assert.equal(doc.spec.predictor.model.modelFormat.name, 'onnx');
      assert.equal(doc.spec.predictor.model.protocolVersion, 'v2');
    });

    it(`${c}: Kubernetes manifests validate with kubernetes-models`, async () => {
      assert.deepEqual(await validateKubernetesYaml(text(c, 'k8s/kubernetes.yaml')), ['Deployment', 'Service', 'HorizontalPodAutoscaler', 'PodDisruptionBudget']);
    });

    it(`${c}: Dockerfile passes our lint (only the digest notes) and the server is valid Python`, function () {
      const findings = lintDockerfile(text(c, 'docker/Dockerfile'), 'Dockerfile');
      // Both stages use a patch-pinned tag; the digest cannot be known offline (the file says how to add it).
      assert.deepEqual(findings.map((f) => `${f.ruleId}:${f.level}`), ['dockerfile/unpinned-base-image:warning', 'dockerfile/unpinned-base-image:warning']);
      const app = text(c, 'docker/app/main.py');
      for (const t of inspections[c].inputs) assert.ok(app.includes(JSON.stringify(t.name)), `validation knows input ${t.name}`);
      for (const route of ['"/health"', '"/ready"', '"/metrics"']) assert.ok(app.includes(route), route);
      if (!hasPython) return this.skip();
      const r = spawnSync('python3', ['-c', 'import ast,sys; ast.parse(sys.stdin.read())'], { input: app, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
    });

    it(`${c}: Prometheus rules and k6 script are well-formed`, async () => {
      const rules = parse(text(c, 'monitoring/alerts.yaml')) as { groups: { name: string; rules: { alert: string; expr: string; for: string }[] }[] };
      assert.deepEqual(rules.groups[0]!.rules.map((r) => r.alert), ['ModelLatencyP99OverBudget', 'ModelErrorRateHigh', 'ModelNotReady']);
      for (const r of rules.groups[0]!.rules) {
        assert.match(r.for, /^\d+[smh]$/);
        assert.ok(r.expr.includes(`model="${c}-model"`));
      }
      // The metric names the rules use are the ones the server exports.
      const app = text(c, 'docker/app/main.py');
      for (const metric of ['mlp_request_latency_seconds', 'mlp_requests_total', 'mlp_model_ready']) assert.ok(app.includes(`"${metric}"`), metric);
      await esbuild.transform(text(c, 'loadtest/k6.js'), { format: 'esm', loader: 'js' });
    });
  }

  it('Triton: dynamic batch → max_batch_size > 0, batch dim left out, dynamic dims -1, dynamic_batching', () => {
    const f = tritonFacts(parseTritonConfig(text('dynamic', 'triton/dynamic-model/config.pbtxt')));
    assert.equal(f.maxBatchSize, 8);
    assert.deepEqual(f.inputs, [{ name: 'image', dataType: 'TYPE_FP32', dims: [3, 64, 64], reshaped: false }]);
    assert.equal(f.dynamicBatching, true);
    const bert = tritonFacts(parseTritonConfig(text('bert', 'triton/bert-model/config.pbtxt')));
    assert.deepEqual(bert.inputs.map((i) => [i.name, i.dataType, i.dims]), [['input_ids', 'TYPE_INT64', [-1]], ['attention_mask', 'TYPE_INT64', [-1]], ['token_type_ids', 'TYPE_INT64', [-1]]]);
  });

  it('Triton: no batch axis → max_batch_size 0, full dims, no dynamic_batching', () => {
    const f = tritonFacts(parseTritonConfig(text('fixed', 'triton/fixed-model/config.pbtxt')));
    assert.equal(f.maxBatchSize, 0);
    assert.deepEqual(f.inputs[0]!.dims, [1, 3, 32, 32]);
    assert.equal(f.dynamicBatching, false);
  });

  it('Triton: fp16 → TYPE_FP16; KServe v2 datatype FP16 in the server', () => {
    const f = tritonFacts(parseTritonConfig(text('fp16', 'triton/fp16-model/config.pbtxt')));
    assert.deepEqual([f.inputs[0]!.dataType, f.outputs[0]!.dataType], ['TYPE_FP16', 'TYPE_FP16']);
    assert.match(text('fp16', 'docker/app/main.py'), /"x": \{"datatype": "FP16", "numpy": "float16", "shape": \[None, 8\]\}/);
  });

  it('queue delay comes from the profile and budget, else a documented default', async () => {
    assert.equal(queueDelay({}).micros, 100);
    const profile = { source: 'p.json', p50Ms: 4, p99Ms: 12 };
    assert.equal(queueDelay({ profile, budgetMs: 50 }).micros, 9500); // (50 − 12) ms × ¼
    assert.equal(queueDelay({ profile, budgetMs: 12.1 }).micros, 50); // clamped at 50 µs
    assert.equal(queueDelay({ profile: { ...profile, p99Ms: 80 }, budgetMs: 50 }).micros, 0);
    const withProfile = await emitFiles(inspections.dynamic, ['triton', 'kserve'], { name: 'p', profile: { ...profile, batch: 16, peakRssBytes: 400 * 1024 * 1024 }, budgetMs: 50, canaryTrafficPercent: 10 });
    const cfg = tritonFacts(parseTritonConfig(withProfile[0]!.content!));
    assert.equal(cfg.maxBatchSize, 16);
    assert.match(withProfile[0]!.content!, /max_queue_delay_microseconds: 9500/);
    const isvc = parse(withProfile[2]!.content!) as { metadata: { annotations: Record<string, string> }; spec: { predictor: { canaryTrafficPercent: number; model: { resources: { requests: { memory: string } } } } } };
    assert.deepEqual(validateInferenceService(isvc), []);
    assert.equal(isvc.spec.predictor.canaryTrafficPercent, 10);
    assert.equal(isvc.metadata.annotations['serving.kserve.io/deploymentMode'], 'Serverless');
    assert.equal(isvc.spec.predictor.model.resources.requests.memory, '512Mi'); // 400 MiB × 1.25 rounded up to 64 Mi
    assert.match(withProfile[2]!.content!, /needs Serverless mode/);
  });

  it("a saved ProfileResult's Triton advice sets max_batch_size and the queue delay", async () => {
    const profile = profileFacts({
      version: 1, model: { path: 'm.onnx' }, ep: 'cpu', peakRssBytes: 1e8,
      runs: [{ batch: 4, p50: 3, p99: 5, throughput: 900 }, { batch: 1, p50: 1, p99: 2, throughput: 1000 }],
      budget: { budgetMs: 20 }, advice: { dynamicBatching: { maxBatchSize: 16, preferredBatchSizes: [8, 16], maxQueueDelayMicroseconds: 700, reason: 'p99 at 16 fits' } },
    }, '.mlpreflight/profiles/m.json');
    assert.deepEqual([profile?.p50Ms, profile?.p99Ms, profile?.batch, profile?.budgetMs], [1, 2, 1, 20]);
    const [cfg] = await emitFiles(inspections.dynamic, ['triton'], { name: 'adv', profile });
    assert.match(cfg!.content!, /max_batch_size: 16/);
    assert.match(cfg!.content!, /max_queue_delay_microseconds: 700\n/);
    assert.match(cfg!.content!, /from the profiler's advice/);
    // The advised preferred sizes, validated against model_config.proto by the strict text-format parser.
    assert.match(cfg!.content!, /preferred_batch_size: \[ 8, 16 \]/);
    assert.deepEqual(parseTritonConfig(cfg!.content!).dynamic_batching, { preferred_batch_size: [8, 16], max_queue_delay_microseconds: 700 });
    // A preferred size over max_batch_size would make Triton refuse the config: it is left out.
    const [capped] = await emitFiles(inspections.dynamic, ['triton'], { name: 'adv', profile, maxBatchSize: 8 });
    assert.match(capped!.content!, /preferred_batch_size: \[ 8 \]/);
  });

  it('the schema validators reject broken documents (they can fail)', async () => {
    const doc = parse(text('dynamic', 'kserve/inferenceservice.yaml')) as { spec: { predictor: Record<string, unknown> & { model: Record<string, unknown> } } };
    doc.spec.predictor.minReplicas = 'two';
    doc.spec.predictor.model.modelFromat = { name: 'onnx' };
    const errors = validateInferenceService(doc);
    assert.ok(errors.some((e) => e.includes('minReplicas')), errors.join('\n'));
    assert.ok(errors.some((e) => e.includes('modelFromat')), errors.join('\n'));
    const k8s = text('dynamic', 'k8s/kubernetes.yaml').replace('maxReplicas: 6', 'maxReplicas: six');
    await assert.rejects(validateKubernetesYaml(k8s), /maxReplicas/);
    assert.throws(() => parseTritonConfig('name: "x"\nmax_batch_size: 8\ninput [ { name: "a" data_type: TYPE_FLOAT32 dims: [ 1 ] } ]'), /TYPE_FLOAT32' is not a value of enum DataType/);
    assert.throws(() => parseTritonConfig('name: "x"\nmax_batch_sz: 8'), /2:1: unknown field 'max_batch_sz' in ModelConfig/);
    assert.throws(() => parseTritonConfig('name: "x" name: "y"'), /set more than once/);
    assert.throws(() => parseTritonConfig('max_batch_size: 1.5'), /expected an integer/);
    assert.throws(() => parseTritonConfig('input { name: "a" '), /missing '}'/);
  });

  it('Triton lint catches a config whose inputs disagree with the model', () => {
    const model = servingModel(inspections.dynamic, 'classifier');
    const bad = `name: "classifier"\nbackend: "onnxruntime"\nmax_batch_size: 8\ninput [ { name: "image" data_type: TYPE_FP16 dims: [ 3, 32, 64 ] }, { name: "extra" data_type: TYPE_FP32 dims: [ 1 ] } ]\noutput [ { name: "logits" data_type: TYPE_FP32 dims: [ -1, 5 ] } ]\n`;
    const rules = lintTritonConfig(bad, 'config.pbtxt', model).findings.map((f) => `${f.ruleId}@${f.line}`);
    assert.deepEqual(rules, ['triton/dtype-mismatch@4', 'triton/dims-mismatch@4', 'triton/unknown-input@4', 'triton/dims-mismatch@5']);
    const fixed = servingModel(inspections.fixed, 'fixed');
    const batched = lintTritonConfig(`max_batch_size: 4\ninput [ { name: "image" data_type: TYPE_FP32 dims: [ 3, 32, 32 ] } ]\ndynamic_batching { }\n`, 'c.pbtxt', fixed).findings.map((f) => f.ruleId);
    assert.ok(batched.includes('triton/batch-unsupported'));
  });

  it('names become DNS-1123 labels', () => {
    assert.equal(servingName('My Model_v2.onnx'), 'my-model-v2');
    assert.equal(servingName('2024.onnx'), 'm-2024');
    assert.equal(servingName('___'), 'm-model');
    assert.ok(servingName('x'.repeat(100)).length <= 63);
  });

  it('refuses models whose IO Triton/KServe cannot serve', () => {
    const broken: ModelInspection = { ...inspections.dynamic, inputs: [{ name: 'seq', dtype: 'sequence<float32>', shape: null }] };
    assert.throws(() => servingModel(broken), (ex: unknown) => EmitError.is(ex, 'unsupported-model') && /seq has type sequence<float32>/.test((ex as Error).message));
    const noRank: ModelInspection = { ...inspections.dynamic, inputs: [{ name: 'x', dtype: 'float32', shape: null }] };
    assert.throws(() => servingModel(noRank), /x has no shape/);
  });

  it('every target is emitted under `all`', () => {
    assert.deepEqual([...new Set(files.dynamic.map((f) => f.path.split('/')[0]))], ['docker', 'triton', 'kserve', 'k8s', 'monitoring', 'loadtest']);
    assert.equal(EMIT_TARGETS.length, 6);
  });
});

describe('emit plan: writes only inside the chosen folder and never overwrites silently', () => {
  let tmp: string;
  beforeEach(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'mlp-plan-'));
  });
  afterEach(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('refuses absolute paths, .. and symlinks out of the folder', async () => {
    const out = path.join(tmp, 'out');
    for (const bad of ['../evil.txt', '/etc/evil', 'a/../../evil', 'C:/evil']) {
      await assert.rejects(planFiles(out, [{ path: bad, content: 'x', description: '' }]), (ex: unknown) => EmitError.is(ex, 'path-escape'), bad);
    }
    await mkdir(out, { recursive: true });
    await mkdir(path.join(tmp, 'elsewhere'));
    await symlink(path.join(tmp, 'elsewhere'), path.join(out, 'link'));
    await assert.rejects(planFiles(out, [{ path: 'link/x.txt', content: 'x', description: '' }]), /symlink/);
    assert.equal(existsSync(path.join(tmp, 'elsewhere', 'x.txt')), false);
  });

  it('new → written; identical → unchanged; different → skipped with a diff unless allowed', async () => {
    const files = [{ path: 'a/config.pbtxt', content: 'one\ntwo\nthree\n', description: '' }];
    const manifest = path.join(tmp, MANIFEST_NAME);
    const marker = markerLine('a/config.pbtxt')!;
    const first = await writePlan(await planFiles(tmp, files));
    assert.deepEqual(first, { written: ['a/config.pbtxt'], unchanged: [], skipped: [], manifest });
    assert.deepEqual(await writePlan(await planFiles(tmp, files)), { written: [], unchanged: ['a/config.pbtxt'], skipped: [], manifest });
    const changed = [{ ...files[0]!, content: 'one\n2\nthree\n' }];
    const plan = await planFiles(tmp, changed);
    assert.equal(plan.files[0]!.exists, true);
    assert.equal(plan.files[0]!.identical, false);
    assert.equal(plan.files[0]!.diff, `--- a/a/config.pbtxt\n+++ b/a/config.pbtxt\n@@ -1,4 +1,4 @@\n ${marker}\n one\n-two\n+2\n three\n`);
    assert.deepEqual(await writePlan(plan), { written: [], unchanged: [], skipped: ['a/config.pbtxt'] });
    assert.equal(await readFile(path.join(tmp, 'a', 'config.pbtxt'), 'utf8'), `${marker}\none\ntwo\nthree\n`);
    assert.deepEqual(await writePlan(plan, { overwrite: ['a/config.pbtxt'] }), { written: ['a/config.pbtxt'], unchanged: [], skipped: [], manifest });
    assert.equal(await readFile(path.join(tmp, 'a', 'config.pbtxt'), 'utf8'), `${marker}\none\n2\nthree\n`);
  });

  it('YAML outputs are single parseable documents per object', async () => {
    const inspection = await inspectModel(path.resolve(__dirname, '..', '..', 'examples', 'models', 'classifier.onnx'));
    const [k8s] = await emitFiles(inspection, ['k8s']);
    assert.equal(parseAllDocuments(k8s!.content!).length, 4);
  });
});
