/**
 * Checklist evaluators, each on small workspaces that pass and fail it; n/a marks; optional inputs
 * (profile/drift/skew) absent → unknown, never pass; the example workspace's expected grades.
 */
import * as assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { lintDockerfile, parseInstructions } from '../../src/core/checklist/dockerfileLint';
import { runChecklist } from '../../src/core/checklist/evaluate';
import { ITEMS } from '../../src/core/checklist/items';
import { readNaMarks, setNaMark } from '../../src/core/checklist/naStore';
import { driftFacts, loadSources, profileFacts, skewFacts } from '../../src/core/checklist/sources';
import { ChecklistError } from '../../src/core/checklist/workspace';
import type { ChecklistItemResult, ChecklistReport } from '../../src/shared/checklist';
import { bertLikeModel, EXAMPLE_MODEL } from '../fixtures/emit/models';
import { DT, graph, model, node, tensor, tensorInfo } from '../support/onnxBuilder';

const EXAMPLES = path.resolve(__dirname, '..', '..', 'examples');

async function workspace(files: Record<string, string | Uint8Array>): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'mlp-checklist-'));
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(root, ...rel.split('/'));
    await mkdir(path.dirname(abs), { recursive: true });
    await writeFile(abs, content);
  }
  return root;
}

const roots: string[] = [];
async function grade(files: Record<string, string | Uint8Array>): Promise<ChecklistReport> {
  const root = await workspace(files);
  roots.push(root);
  return runChecklist(root);
}

function item(report: ChecklistReport, id: string): ChecklistItemResult {
  const found = report.items.find((i) => i.id === id);
  assert.ok(found, `item ${id}`);
  return found;
}

const GOOD_SERVER = `
import json, logging, os
import numpy as np
import onnxruntime as ort
from fastapi import FastAPI, HTTPException, Depends
from fastapi.security import HTTPBearer
from prometheus_client import Counter
from pydantic import BaseModel

log = logging.getLogger("server")
class JsonFormatter(logging.Formatter):
    pass
app = FastAPI()
auth = HTTPBearer()
session = ort.InferenceSession("model.onnx")

class Req(BaseModel):
    data: list[float]

@app.get("/health")
def health(): return {"ok": True}

@app.get("/ready")
def ready(): return {"ok": True}

@app.post("/predict")
def predict(req: Req, token=Depends(auth)):
    x = np.asarray(req.data, dtype=np.float32)
    if x.shape != (4,):
        raise HTTPException(status_code=400, detail="bad shape")
    try:
        y = session.run(None, {"x": x[None]})
    except Exception:
        raise HTTPException(status_code=503, detail="fallback")
    return {"y": y[0].tolist()}
`;

const BAD_SERVER = `
from flask import Flask, request
import onnxruntime as ort
app = Flask(__name__)
session = ort.InferenceSession("model.onnx")

@app.route("/predict", methods=["POST"])
def predict():
    print("auth", request.headers)
    return {"y": session.run(None, {"x": request.json["x"]})[0].tolist()}
`;

describe('checklist evaluators', function () {
  this.timeout(30_000);
  after(async () => {
    await Promise.all(roots.map((r) => rm(r, { recursive: true, force: true })));
  });

  it('every item has an id, area, title, explanation; ids are unique', () => {
    const ids = ITEMS.map((i) => i.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const i of ITEMS) assert.ok(i.title && i.explanation && i.area, i.id);
    assert.ok(ids.length >= 20);
  });

  it('model.format: no model → fail; ONNX within the pinned runtime → pass; opset too new → fail', async () => {
    assert.equal(item(await grade({ 'model.pkl': 'x' }), 'model.format').status, 'fail');
    const exampleBytes = await readFile(EXAMPLE_MODEL);
    const ok = await grade({ 'm.onnx': exampleBytes, 'requirements.txt': 'onnxruntime==1.20.1\n' });
    assert.equal(item(ok, 'model.format').status, 'pass');
    assert.deepEqual(item(ok, 'model.format').evidence[0], { file: 'requirements.txt', line: 1, text: 'onnxruntime==1.20' });
    const newer = model({ opsets: { '': 19 }, graph: graph({ nodes: [node('Relu', ['x'], ['y'])], inputs: [tensorInfo('x', DT.FLOAT, [1])], outputs: [tensorInfo('y', DT.FLOAT, [1])] }) });
    const old = await grade({ 'm.onnx': exampleBytes, 'requirements.txt': 'onnxruntime==1.14.0\n', 'bert.onnx': bertLikeModel(), 'new.onnx': newer });
    const f = item(old, 'model.format');
    assert.equal(f.status, 'fail');
    assert.equal(f.summary, 'new.onnx uses opset 19; ONNX Runtime 1.14 implements up to 18: re-export with opset_version=18 or upgrade the runtime');
    const broken = await grade({ 'bad.onnx': 'not a model' });
    assert.equal(item(broken, 'model.format').status, 'fail');
  });

  it('a refused external-data path fails model.format (the model does not load), not model.size, and its weights are not counted', async () => {
    const escaping = model({ opsets: { '': 17 }, graph: graph({
      nodes: [node('Add', ['x', 'w'], ['y'])],
      inputs: [tensorInfo('x', DT.FLOAT, [1024])],
      outputs: [tensorInfo('y', DT.FLOAT, [1024])],
      initializers: [tensor('w', DT.FLOAT, [1024], { external: { location: '../secret.bin', length: 4096 } })],
    }) });
    const report = await grade({ 'models/escape.onnx': escaping });
    const format = item(report, 'model.format');
    assert.equal(format.status, 'fail');
    assert.ok(format.findings.some((f) => f.ruleId === 'model/external-data-refused' && f.message.includes('../secret.bin')), format.summary);
    const size = item(report, 'model.size');
    assert.notEqual(size.status, 'fail', size.summary);
    assert.match(size.evidence[0]!.text, /^0 B of weights present \(4 KiB in missing or refused external data/);
  });

  it('profile-based items are unknown without a profile and graded with one', async () => {
    const none = await grade({});
    for (const id of ['perf.latency', 'perf.memory', 'data.drift', 'data.skew']) {
      assert.equal(item(none, id).status, 'unknown', id);
      assert.match(item(none, id).summary, /not yet measured/, id);
    }
    const within = await grade({ '.mlpreflight/profiles/m.json': JSON.stringify({ model: 'm.onnx', p50Ms: 3, p99Ms: 9, peakRssBytes: 300e6, budgetMs: 20 }) });
    assert.equal(item(within, 'perf.latency').status, 'pass');
    assert.equal(item(within, 'perf.memory').status, 'pass');
    const over = await grade({ '.mlpreflight/profiles/m.json': JSON.stringify({ latency: { p50Ms: 30, p99Ms: 90 }, memory: { peakRssBytes: 3e9 }, budgetMs: 50 }) });
    assert.equal(item(over, 'perf.latency').status, 'fail');
    assert.equal(item(over, 'perf.memory').status, 'fail');
    const bad = await grade({ '.mlpreflight/profiles/m.json': '{ nope' });
    assert.equal(item(bad, 'perf.latency').status, 'unknown');
    assert.match(bad.warnings.join('\n'), /\.mlpreflight\/profiles\/m\.json: not valid JSON/);
  });

  it('data.drift and data.skew read saved results', async () => {
    const drift = await grade({ '.mlpreflight/drift/r.json': JSON.stringify({ reference: 'a.csv', current: 'b.csv', columns: [{ name: 'age', drift: true }, { name: 'x', drift: false }] }) });
    assert.equal(item(drift, 'data.drift').status, 'fail');
    assert.match(item(drift, 'data.drift').evidence[0]!.text, /1\/2 column\(s\) drifted: age/);
    const calm = await grade({ '.mlpreflight/drift/r.json': JSON.stringify({ columns: [{ name: 'x', drift: false }] }) });
    assert.equal(item(calm, 'data.drift').status, 'pass');
    const skew = await grade({ '.mlpreflight/skew.json': JSON.stringify({ findings: [{ id: 'color-order', severity: 'error', message: 'BGR vs RGB', file: 'serving/app.py', line: 31, trainingFile: 'training/preprocess.py', trainingLine: 12 }] }) });
    const s = item(skew, 'data.skew');
    assert.equal(s.status, 'fail');
    assert.deepEqual(s.findings[0], { ruleId: 'skew/color-order', level: 'error', message: 'BGR vs RGB (training: training/preprocess.py:12)', file: 'serving/app.py', line: 31 });
    assert.equal(item(await grade({ '.mlpreflight/skew.json': '{"findings":[]}' }), 'data.skew').status, 'pass');
  });

  it('container.dockerfile: missing → fail; sound → pass; each lint rule fires with a line', async () => {
    assert.equal(item(await grade({}), 'container.dockerfile').status, 'fail');
    const sound = 'FROM python:3.12.8-slim@sha256:' + 'a'.repeat(64) + '\nRUN useradd app\nUSER app\nHEALTHCHECK CMD curl -f http://localhost/health\nCMD ["python"]\n';
    assert.equal(item(await grade({ Dockerfile: sound }), 'container.dockerfile').status, 'pass');
    const bad = 'FROM python\nENV API_KEY=abc123 MODE=prod\nARG DB_PASSWORD=hunter2\nADD https://example.com/model.onnx /m.onnx\nCMD ["python"]\n';
    const r = item(await grade({ 'deploy/Dockerfile': bad }), 'container.dockerfile');
    assert.equal(r.status, 'fail');
    assert.deepEqual(r.findings.map((f) => `${f.ruleId}:${f.line}`).sort(), [
      'dockerfile/add-url:4', 'dockerfile/no-healthcheck:1', 'dockerfile/root-user:1', 'dockerfile/secret-in-env:2', 'dockerfile/secret-in-env:3', 'dockerfile/unpinned-base-image:1',
    ]);
    assert.ok(r.findings.every((f) => f.file === 'deploy/Dockerfile'));
    const tagOnly = lintDockerfile('FROM python:3.12 AS build\nFROM build\nUSER root\nHEALTHCHECK NONE\n', 'Dockerfile');
    assert.deepEqual(tagOnly.map((f) => f.ruleId), ['dockerfile/unpinned-base-image', 'dockerfile/root-user', 'dockerfile/no-healthcheck']);
    const syntax = lintDockerfile('FROMM x\n', 'D');
    assert.ok(syntax.every((f) => f.ruleId === 'dockerfile/syntax' && f.level === 'error' && f.line === 1), JSON.stringify(syntax));
    assert.ok(syntax.some((f) => f.message === 'Unknown instruction: FROMM'));
    assert.ok(syntax.some((f) => f.message === 'No FROM instruction: this is not a buildable Dockerfile'));
  });

  it('parses Dockerfile continuations and comments', () => {
    assert.deepEqual(parseInstructions('# c\nRUN a \\\n  # inner\n  && b\nUSER x\n'), [{ keyword: 'RUN', args: 'a && b', line: 2 }, { keyword: 'USER', args: 'x', line: 5 }]);
  });

  it('serving items: a good server passes, a bad one fails, no server → unknown', async () => {
    const good = await grade({ 'serving/app.py': GOOD_SERVER });
    for (const id of ['serving.health', 'serving.validation', 'serving.metrics', 'serving.logging', 'serving.fallback', 'security.auth']) {
      assert.equal(item(good, id).status, 'pass', `${id}: ${item(good, id).summary}`);
    }
    const bad = await grade({ 'serving/app.py': BAD_SERVER });
    for (const id of ['serving.health', 'serving.validation', 'serving.metrics', 'serving.fallback', 'security.auth']) {
      assert.equal(item(bad, id).status, 'fail', `${id}: ${item(bad, id).summary}`);
    }
    const logging = item(bad, 'serving.logging');
    assert.equal(logging.status, 'fail');
    assert.equal(logging.findings[0]!.ruleId, 'serving/secret-in-log');
    assert.equal(logging.findings[0]!.line, 9);
    const none = await grade({ 'train.py': 'print(1)\n' });
    for (const id of ['serving.health', 'serving.validation', 'serving.metrics', 'serving.logging', 'serving.fallback', 'security.auth']) assert.equal(item(none, id).status, 'unknown', id);
  });

  it('serving.configs: a config.pbtxt that disagrees with its model fails, with the line', async () => {
    const model = await readFile(EXAMPLE_MODEL);
    const ok = 'name: "clf"\nbackend: "onnxruntime"\nmax_batch_size: 4\ninput [ { name: "image" data_type: TYPE_FP32 dims: [ 3, 64, 64 ] } ]\noutput [ { name: "logits" data_type: TYPE_FP32 dims: [ 5 ] } ]\n';
    assert.equal(item(await grade({ 'repo/clf/1/model.onnx': model, 'repo/clf/config.pbtxt': ok }), 'serving.configs').status, 'pass');
    const wrong = ok.replace('name: "image"', 'name: "input"');
    const r = item(await grade({ 'repo/clf/1/model.onnx': model, 'repo/clf/config.pbtxt': wrong }), 'serving.configs');
    assert.equal(r.status, 'fail');
    assert.deepEqual(r.findings.map((f) => `${f.ruleId}@${f.file}:${f.line}`), ['triton/unknown-input@repo/clf/config.pbtxt:4', 'triton/missing-input@repo/clf/config.pbtxt:4']);
    const schema = item(await grade({ 'repo/clf/config.pbtxt': 'name: "clf"\nmax_batch_size: "x"\n' }), 'serving.configs');
    assert.equal(schema.findings[0]!.ruleId, 'triton/schema');
    assert.equal(schema.findings[0]!.line, 2);
    const k8s = item(await grade({ 'k8s/hpa.yaml': 'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: { name: x }\nspec:\n  scaleTargetRef: { kind: Deployment, name: x }\n  maxReplicas: lots\n' }), 'serving.configs');
    assert.equal(k8s.status, 'fail');
    assert.match(k8s.findings[0]!.message, /maxReplicas/);
    assert.equal(item(await grade({}), 'serving.configs').status, 'unknown');
  });

  it('repro.dependencies: lockfile or exact pins pass; loose pins warn/fail', async () => {
    assert.equal(item(await grade({ 'uv.lock': '' }), 'repro.dependencies').status, 'pass');
    assert.equal(item(await grade({ 'requirements.txt': 'numpy==2.2.1\n# c\nfastapi==0.115.6\n' }), 'repro.dependencies').status, 'pass');
    const mixed = item(await grade({ 'requirements.txt': 'numpy==2.2.1\nfastapi>=0.100\n' }), 'repro.dependencies');
    assert.equal(mixed.status, 'warn');
    assert.deepEqual(mixed.evidence[0], { file: 'requirements.txt', line: 2, text: 'fastapi>=0.100 is not pinned exactly' });
    assert.equal(item(await grade({ 'requirements.txt': 'numpy\n' }), 'repro.dependencies').status, 'fail');
    assert.equal(item(await grade({}), 'repro.dependencies').status, 'fail');
  });

  it('repro.versioning, repro.tests, ops.ci', async () => {
    assert.equal(item(await grade({ 'data.dvc': 'outs: []', 'm.onnx': await readFile(EXAMPLE_MODEL) }), 'repro.versioning').status, 'pass');
    assert.equal(item(await grade({}), 'repro.versioning').status, 'fail');
    const pre = 'def preprocess(x):\n    return x / 255\n';
    assert.equal(item(await grade({ 'src/preprocess.py': pre }), 'repro.tests').status, 'fail');
    assert.equal(item(await grade({ 'src/preprocess.py': pre, 'tests/test_pre.py': 'from src.preprocess import preprocess\n' }), 'repro.tests').status, 'pass');
    assert.equal(item(await grade({ 'src/preprocess.py': pre, 'tests/test_other.py': 'def test_x(): pass\n' }), 'repro.tests').status, 'warn');
    assert.equal(item(await grade({}), 'ops.ci').status, 'fail');
    const ci = item(await grade({ '.github/workflows/ci.yml': 'jobs:\n  r:\n    steps:\n      - run: npx ml-preflight review . --sarif r.sarif\n' }), 'ops.ci');
    assert.equal(ci.status, 'pass');
    assert.deepEqual(ci.evidence[0], { file: '.github/workflows/ci.yml', line: 4, text: 'ml-preflight review' });
  });

  it('ops.rollout, ops.autoscaling, ops.alerts, perf.loadtest', async () => {
    const isvc = 'apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\nmetadata: { name: m }\nspec:\n  predictor:\n    minReplicas: 1\n    maxReplicas: 3\n    canaryTrafficPercent: 10\n    model: { modelFormat: { name: onnx }, storageUri: "s3://b/m" }\n';
    const r = await grade({ 'deploy/isvc.yaml': isvc, 'RUNBOOK.md': 'Rollback: set canaryTrafficPercent: 0\n' });
    assert.equal(item(r, 'ops.rollout').status, 'pass');
    assert.equal(item(r, 'ops.autoscaling').status, 'pass');
    assert.equal(item(await grade({ 'deploy/isvc.yaml': isvc }), 'ops.rollout').status, 'warn');
    const none = await grade({});
    for (const id of ['ops.rollout', 'ops.autoscaling', 'ops.alerts', 'perf.loadtest']) assert.equal(item(none, id).status, 'fail', id);
    assert.equal(item(await grade({ 'alerts.yaml': 'groups:\n  - name: g\n    rules:\n      - alert: X\n        expr: up == 0\n' }), 'ops.alerts').status, 'pass');
    assert.equal(item(await grade({ 'load/k6.js': "import http from 'k6/http';\nexport default function () {}\n" }), 'perf.loadtest').status, 'pass');
  });

  it('n/a marks: stored in .mlpreflight/checklist.json with a reason, applied, and cleared', async () => {
    const root = await workspace({});
    roots.push(root);
    await assert.rejects(setNaMark(root, 'security.auth', { reason: '  ' }), /a reason is required/);
    await setNaMark(root, 'security.auth', { reason: 'internal batch job', date: '2026-11-23' });
    await setNaMark(root, 'ops.ci', { reason: 'CI lives in the monorepo', date: '2026-11-23' });
    const stored = JSON.parse(await readFile(path.join(root, '.mlpreflight', 'checklist.json'), 'utf8')) as unknown;
    assert.deepEqual(stored, { version: 1, na: { 'ops.ci': { reason: 'CI lives in the monorepo', date: '2026-11-23' }, 'security.auth': { reason: 'internal batch job', date: '2026-11-23' } } });
    const report = await runChecklist(root);
    const ci = item(report, 'ops.ci');
    assert.equal(ci.status, 'na');
    assert.equal(ci.measured, 'fail');
    assert.equal(ci.na?.reason, 'CI lives in the monorepo');
    assert.equal(report.counts.na, 2);
    await setNaMark(root, 'ops.ci', null);
    assert.deepEqual(Object.keys((await readNaMarks(root)).marks), ['security.auth']);
    await writeFile(path.join(root, '.mlpreflight', 'checklist.json'), '{ broken');
    const warned = await runChecklist(root);
    assert.match(warned.warnings.join('\n'), /\.mlpreflight\/checklist\.json: not valid JSON/);
    await assert.rejects(setNaMark(root, 'ops.ci', { reason: 'x' }), /fix or delete it first/);
  });

  it('bad folders are typed errors naming the path', async () => {
    await assert.rejects(runChecklist('/nonexistent/ws'), (ex: unknown) => ChecklistError.is(ex, 'not-found') && (ex as Error).message === '/nonexistent/ws: not-found: no such folder');
    await assert.rejects(runChecklist(EXAMPLE_MODEL), (ex: unknown) => ChecklistError.is(ex, 'not-a-folder'));
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(runChecklist(EXAMPLES, { signal: controller.signal }), (ex: unknown) => ChecklistError.is(ex, 'aborted'));
  });

  it('the example workspace: its deliberate problems are found, unmeasured items are unknown', async () => {
    const report = await runChecklist(EXAMPLES);
    const status = Object.fromEntries(report.items.map((i) => [i.id, i.status]));
    assert.equal(status['model.format'], 'pass');
    assert.equal(status['serving.health'], 'fail');
    assert.equal(status['container.dockerfile'], 'fail');
    assert.equal(status['perf.latency'], 'unknown');
    // Drift runs live on data/reference.csv vs data/current.csv: age, income and country drift (3 of 7 columns,
    // under the 0.5 dataset-drift share), so a warning.
    assert.equal(status['data.drift'], 'warn');
    assert.equal(status['repro.dependencies'], 'pass');
    // Skew runs live on the example's training/serving pair (src/core/skew): its deliberate bugs, with serving lines.
    const skew = report.items.find((i) => i.id === 'data.skew')!;
    assert.equal(skew.status, 'fail');
    assert.ok(skew.findings.some((f) => f.ruleId === 'skew/color-order' && f.file === 'serving/app.py' && typeof f.line === 'number' && /training: training\/preprocess\.py:\d+/.test(f.message)));
    assert.equal((await runChecklist(EXAMPLES, { live: false })).items.find((i) => i.id === 'data.skew')!.status, 'unknown');
    assert.ok(report.counts.fail >= 8);
    assert.equal(report.counts.na, 0);
  });

  it('the example workspace with saved results and an emitted Triton repo', async () => {
    const root = await workspace({ 'serving/app.py': BAD_SERVER });
    roots.push(root);
    await mkdir(path.join(root, 'triton', 'classifier', '1'), { recursive: true });
    await copyFile(EXAMPLE_MODEL, path.join(root, 'triton', 'classifier', '1', 'model.onnx'));
    await writeFile(path.join(root, 'triton', 'classifier', 'config.pbtxt'), 'name: "classifier"\nmax_batch_size: 0\ninput [ { name: "image" data_type: TYPE_FP32 dims: [ 3, 64, 64 ] } ]\noutput [ { name: "logits" data_type: TYPE_FP32 dims: [ 5 ] } ]\n');
    const r = item(await runChecklist(root), 'serving.configs');
    assert.equal(r.status, 'fail');
    assert.deepEqual(r.findings.map((f) => f.ruleId), ['triton/dims-mismatch', 'triton/dims-mismatch']);
    assert.match(r.findings[0]!.message, /expected \[-1, 3, 64, 64\] \(full shape because max_batch_size is 0\)/);
  });
});

describe('checklist sources (saved results of other capabilities)', () => {
  it('accepts the documented minimal fields and their alternatives', () => {
    assert.deepEqual(profileFacts({ p50Ms: 1, p99Ms: 2 }, 's'), { source: 's', model: undefined, p50Ms: 1, p99Ms: 2, peakRssBytes: undefined, batch: undefined, budgetMs: undefined, throughputPerSec: undefined, device: undefined });
    assert.equal(profileFacts({ latency: { p50: 1, p99: 5 }, memory: { peakRss: 10 } }, 's')?.peakRssBytes, 10);
    assert.equal(profileFacts({ p50Ms: 1 }, 's'), undefined);
    assert.deepEqual(driftFacts({ features: [{ feature: 'a', drifted: true }, { bogus: 1 }] }, 'd')?.columns, [{ name: 'a', drift: true, statistic: undefined, pValue: undefined, method: undefined }]);
    assert.equal(skewFacts([{ message: 'm', level: 'note' }], 's')?.findings[0]?.severity, 'info');
    assert.equal(skewFacts({ nope: 1 }, 's'), undefined);
  });

  it('loadSources on a folder without .mlpreflight is empty', async () => {
    assert.deepEqual(await loadSources(EXAMPLES), { profiles: [], drift: [], skew: null, warnings: [] });
  });
});
