/**
 * Issue 11, class 5 (the escaping rule): random hostile strings (fixed seed) as model, input, output, dim and
 * file names and as profile-file fields go through every emitter; each output is re-parsed with its format's
 * real parser (the strict pbtxt parser, `yaml`, dockerfile-utils, esbuild for the k6 script, Python's `ast`)
 * and its structure must be the structure of the same emitter's output for plain names, with the hostile string
 * only where it was meant to be (the tensor names). Plus DNS-1123 serving names and a real ONNX model whose
 * `dim_param` tries to inject Triton fields.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { validate as validateDockerfile } from 'dockerfile-utils';
import * as esbuild from 'esbuild';
import { parseAllDocuments } from 'yaml';
import type { ProfileFacts } from '../../src/core/checklist/sources';
import { emitFiles } from '../../src/core/emit/emit';
import { isDns1123Label, servingName } from '../../src/core/emit/modelIo';
import { parseTritonConfig, type PbMessage } from '../../src/core/emit/pbtxt';
import type { EmittedFile } from '../../src/core/emit/plan';
import { inspectModel } from '../../src/core/onnx/inspect';
import { jsString, pythonString, terminalLine, terminalText, yamlString } from '../../src/shared/escape';
import type { ModelInspection } from '../../src/shared/modelInspection';
import { EXAMPLE_MODEL } from '../fixtures/emit/models';
import { hostileFileName, hostileString, rng } from '../support/hostileCorpus';
import { DT, graph, model, node, tensorInfo } from '../support/onnxBuilder';

const SEED = 0x5eed11;
const ROUNDS = 40;
const hasPython = spawnSync('python3', ['-c', 'import ast'], { encoding: 'utf8' }).status === 0;

/** Every key path of a JSON-like value (array indices folded to `[]`), so two documents can be compared by shape. */
function keyPaths(v: unknown, prefix = '', out = new Set<string>()): Set<string> {
  if (Array.isArray(v)) for (const x of v) keyPaths(x, `${prefix}[]`, out);
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) keyPaths(x, `${prefix}.${k}`, out.add(`${prefix}.${k}`));
  return out;
}

function contentOf(files: EmittedFile[], p: string): string {
  const f = files.find((x) => x.path === p);
  assert.ok(f?.content !== undefined, `${p} is emitted`);
  return f.content;
}

function yamlShape(text: string, label: string): string[][] {
  const docs = parseAllDocuments(text);
  const list = Array.isArray(docs) ? docs : [docs];
  for (const d of list) assert.deepEqual(d.errors.map((e) => e.message), [], `${label}: YAML errors`);
  return list.map((d) => [...keyPaths(d.toJS())].sort());
}

function k6Facts(text: string): { model: string; names: string[] } {
  esbuild.transformSync(text, { loader: 'js', format: 'esm' }); // throws on a syntax error
  const model = JSON.parse(/^const MODEL = (.*);$/m.exec(text)![1]!) as string;
  const block = /^const INPUTS = \[\n([\s\S]*?)\n\];$/m.exec(text)![1]!;
  const names = block.split('\n').map((l) => (JSON.parse(l.trim().replace(/,$/, '')) as { name: string }).name);
  return { model, names };
}

function dockerInstructions(text: string): string[] {
  const errors = validateDockerfile(text).filter((d) => d.severity === 1);
  assert.deepEqual(errors.map((e) => e.message), [], 'Dockerfile errors');
  return text.replace(/\\\n/g, ' ').split('\n').filter((l) => /^[A-Z]+\s/.test(l)).map((l) => l.split(/\s/)[0]!);
}

describe('emitter fuzz: hostile names through every emitter, re-parsed', function () {
  this.timeout(120_000);
  let base: ModelInspection;
  let tmp: string;
  let baseline: EmittedFile[];
  const profile = (source: string, reason: string): ProfileFacts => ({ source, p50Ms: 3, p99Ms: 9, peakRssBytes: 300 * 1024 * 1024, batch: 8, dynamicBatching: { maxBatchSize: 8, maxQueueDelayMicroseconds: 500, reason } });

  before(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'mlp-emit-fuzz-'));
    base = await inspectModel(EXAMPLE_MODEL);
    baseline = await emitFiles(base, 'all', { name: 'plain', profile: profile('profile.json', 'plain reason') });
  });
  after(async () => rm(tmp, { recursive: true, force: true }));

  it(`${ROUNDS} rounds (seed ${SEED.toString(16)}): same structure as plain names, names only where they belong`, async () => {
    const next = rng(SEED);
    const basePb = parseTritonConfig(contentOf(baseline, 'triton/plain/config.pbtxt'));
    const baseYaml = Object.fromEntries(['kserve/inferenceservice.yaml', 'k8s/kubernetes.yaml', 'monitoring/alerts.yaml'].map((p) => [p, yamlShape(contentOf(baseline, p), p)]));
    const baseDocker = dockerInstructions(contentOf(baseline, 'docker/Dockerfile'));
    const pyJobs: Array<{ file: string; inputs: string[]; outputs: string[] }> = [];
    for (let round = 0; round < ROUNDS; round++) {
      const inputs = base.inputs.map((t) => ({ ...t, name: hostileString(next), shape: t.shape && t.shape.map((d) => (typeof d === 'string' ? hostileString(next) : d)) }));
      const outputs = base.outputs.map((t) => ({ ...t, name: hostileString(next), shape: t.shape && t.shape.map((d) => (typeof d === 'string' ? hostileString(next) : d)) }));
      const fileName = `${hostileFileName(next)}.onnx`;
      const inspection: ModelInspection = { ...base, file: { ...base.file, path: path.join(tmp, fileName) }, inputs, outputs };
      const rawName = hostileString(next);
      const files = await emitFiles(inspection, 'all', { name: rawName, profile: profile(hostileString(next), hostileString(next)) });
      const label = `round ${round} (${JSON.stringify(rawName)})`;
      const name = servingName(rawName);
      assert.ok(isDns1123Label(name), `${label}: serving name ${JSON.stringify(name)} is a DNS-1123 label`);

      // pbtxt: same top-level fields, tensor names exact, nothing injected.
      const pb = parseTritonConfig(contentOf(files, `triton/${name}/config.pbtxt`));
      assert.deepEqual(Object.keys(pb).sort(), Object.keys(basePb).sort(), `${label}: pbtxt fields`);
      assert.equal(pb.name, name);
      assert.deepEqual((pb.input as PbMessage[]).map((t) => t.name), inputs.map((t) => t.name), `${label}: pbtxt input names`);
      assert.deepEqual((pb.output as PbMessage[]).map((t) => t.name), outputs.map((t) => t.name), `${label}: pbtxt output names`);
      assert.deepEqual(pb.instance_group, basePb.instance_group, `${label}: instance_group`);
      assert.deepEqual(pb.dynamic_batching, basePb.dynamic_batching, `${label}: dynamic_batching`);

      // YAML: same documents with the same key paths; Kubernetes names are DNS-1123.
      for (const [p, shape] of Object.entries(baseYaml)) assert.deepEqual(yamlShape(contentOf(files, p), `${label} ${p}`), shape, `${label}: ${p} structure`);

      // Dockerfile: no syntax error, the same instructions.
      assert.deepEqual(dockerInstructions(contentOf(files, 'docker/Dockerfile')), baseDocker, `${label}: Dockerfile instructions`);

      // k6: parses as JavaScript; MODEL and the input names evaluate to exactly the strings given.
      const k6 = k6Facts(contentOf(files, 'loadtest/k6.js'));
      assert.equal(k6.model, name);
      assert.deepEqual(k6.names, inputs.map((t) => t.name), `${label}: k6 input names`);

      const py = path.join(tmp, `main-${round}.py`);
      await writeFile(py, contentOf(files, 'docker/app/main.py'));
      pyJobs.push({ file: py, inputs: inputs.map((t) => t.name), outputs: outputs.map((t) => t.name) });
    }
    if (!hasPython) return;
    // Python: one interpreter for every round: parse each file, compare the statement kinds with round 0's plain
    // output, and literal_eval INPUTS/OUTPUTS; the keys must be the tensor names exactly.
    const plainPy = path.join(tmp, 'main-plain.py');
    await writeFile(plainPy, contentOf(baseline, 'docker/app/main.py'));
    const script = `
import ast, json, sys
def facts(f):
    tree = ast.parse(open(f, encoding="utf-8").read())
    out = {"kinds": [type(n).__name__ for n in tree.body]}
    for n in tree.body:
        if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name) and n.target.id in ("INPUTS", "OUTPUTS"):
            out[n.target.id] = list(ast.literal_eval(n.value).keys())
    return out
print(json.dumps([facts(f) for f in sys.argv[1:]], ensure_ascii=True))
`;
    const r = spawnSync('python3', ['-c', script, plainPy, ...pyJobs.map((j) => j.file)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    assert.equal(r.status, 0, r.stderr);
    const [plain, ...facts] = JSON.parse(r.stdout) as Array<{ kinds: string[]; INPUTS: string[]; OUTPUTS: string[] }>;
    facts.forEach((f, i) => {
      assert.deepEqual(f.kinds, plain!.kinds, `round ${i}: Python statements`);
      assert.deepEqual(f.INPUTS, pyJobs[i]!.inputs, `round ${i}: Python INPUTS keys`);
      assert.deepEqual(f.OUTPUTS, pyJobs[i]!.outputs, `round ${i}: Python OUTPUTS keys`);
    });
  });

  it('a real ONNX model whose dim_param and file name inject Triton fields: the config still has exactly our fields', async () => {
    const evilDim = 'n\ninstance_group { count: 64 kind: KIND_GPU }\ndefault_model_filename: "x"\n#';
    const file = path.join(tmp, 'evil\nparameters { key: "k" value: { string_value: "v" } }\n#.onnx');
    await writeFile(file, model({ graph: graph({ name: 'g', nodes: [node('Relu', ['x'], ['y'])], inputs: [tensorInfo('x', DT.FLOAT, [evilDim, 3])], outputs: [tensorInfo('y', DT.FLOAT, [evilDim, 3])] }) }));
    const files = await emitFiles(await inspectModel(file), ['triton']);
    const text = files.find((f) => f.path.endsWith('config.pbtxt'))!.content!;
    const pb = parseTritonConfig(text);
    assert.deepEqual(Object.keys(pb).sort(), ['backend', 'dynamic_batching', 'input', 'instance_group', 'max_batch_size', 'name', 'output', 'version_policy']);
    assert.deepEqual(pb.instance_group, [{ count: 1, kind: 'KIND_CPU' }]);
    // Every comment stays one line: each line is a field, a brace or a comment.
    for (const line of text.split('\n')) assert.ok(!/^\s*(parameters|default_model_filename)\b/.test(line), line);
  });

  it('DNS-1123: servingName is a valid label for any input (≤ 63, lowercase, no trailing -)', () => {
    const next = rng(SEED + 1);
    for (let i = 0; i < 2000; i++) {
      const raw = i % 3 === 0 ? `${'9'.repeat(Math.floor(next() * 80))}-${hostileString(next)}` : hostileString(next, 12);
      const name = servingName(raw);
      assert.ok(isDns1123Label(name), `${JSON.stringify(raw)} → ${JSON.stringify(name)}`);
    }
  });

  it('the escapers round-trip: JS and YAML strings parse back to the input; terminal text has no raw controls', () => {
    const next = rng(SEED + 2);
    for (let i = 0; i < 500; i++) {
      const s = hostileString(next, 8);
      assert.equal((new Function(`return ${jsString(s)};`) as () => string)(), s);
      assert.equal(parseAllDocuments(`v: ${yamlString(s)}\n`)[0]!.toJS().v, s);
      // eslint-disable-next-line no-control-regex
      assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(terminalText(s)));
      assert.ok(!/[\n\r\u001b]/.test(terminalLine(s)));
      assert.ok(pythonString(s).startsWith('"'));
    }
  });
});
