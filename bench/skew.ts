/**
 * `npm run bench -- skew`: the training/serving skew analysis (src/core/skew). See bench/README.md.
 *
 *   1. precision and recall on the labeled corpus (test/fixtures/skew): recall ≥ 0.9, no false positive on a clean pair;
 *   2. a generated 1,000-file repository (bench/.data/skew-repo): discover the pairs and analyse them ≤ 5 s;
 *   3. re-analysing one edited document (the example's serving/app.py, unsaved contents) ≤ 50 ms (median of 30).
 *
 * Exit status 1 when a target is missed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzePairs, analyzeWorkspace } from '../src/core/skew/analyze';
import { ModuleCache } from '../src/core/skew/project';
import { loadCorpus, runCase } from '../test/fixtures/skew/corpus';

const ROOT = path.resolve(__dirname, '..');
const REPO = path.join(__dirname, '.data', 'skew-repo');
const FILES = 1000;
const PROJECTS = FILES / 10;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** 100 projects × 10 files: training/ and serving/ code from the corpus and the example, helpers, tests. */
function generateRepo(): number {
  const marker = path.join(REPO, '.complete');
  if (fs.existsSync(marker)) return FILES;
  fs.rmSync(REPO, { recursive: true, force: true });
  const cases = loadCorpus();
  const example = {
    train: fs.readFileSync(path.join(ROOT, 'examples', 'training', 'preprocess.py'), 'utf8'),
    app: fs.readFileSync(path.join(ROOT, 'examples', 'serving', 'app.py'), 'utf8'),
    fit: fs.readFileSync(path.join(ROOT, 'examples', 'training', 'train.py'), 'utf8'),
  };
  let written = 0;
  const write = (rel: string, text: string): void => {
    const file = path.join(REPO, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    written++;
  };
  for (let i = 0; i < PROJECTS; i++) {
    const c = cases[i % cases.length];
    const read = (f: string): string => fs.readFileSync(path.join(c.dir, f), 'utf8');
    const p = `services/project_${String(i).padStart(3, '0')}`;
    write(`${p}/training/train.py`, `${read(c.training[0])}\n\n${example.fit}`);
    write(`${p}/training/dataset.py`, example.train);
    write(`${p}/training/config.py`, `SEED = ${i}\nIMAGE_SIZE = (224, 224)\nMEAN = [0.485, 0.456, 0.406]\nSTD = [0.229, 0.224, 0.225]\nBATCH = 32\n`);
    write(`${p}/training/__init__.py`, '');
    write(`${p}/serving/app.py`, `${read(c.serving[0])}\n\n${example.app}`);
    write(`${p}/serving/handler.py`, `from .app import *  # noqa\n\n\ndef handle(event):\n    return {"ok": True, "n": len(event)}\n`);
    write(`${p}/serving/__init__.py`, '');
    write(`${p}/lib/metrics.py`, 'import numpy as np\n\n\ndef accuracy(y, p):\n    return float((np.asarray(y) == np.asarray(p)).mean())\n'.repeat(8));
    write(`${p}/lib/models.py`, example.fit.replace(/preprocess/g, 'dataset'));
    write(`${p}/tests/test_app.py`, 'def test_ok():\n    assert 1 + 1 == 2\n');
  }
  fs.writeFileSync(marker, '');
  return written;
}

async function main(): Promise<void> {
  const rows: string[][] = [];
  let failed = false;
  const verdict = (ok: boolean): string => {
    if (!ok) failed = true;
    return ok ? 'PASS' : 'FAIL';
  };

  // 1. Corpus.
  const cases = loadCorpus();
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let cleanFp = 0;
  const t0 = performance.now();
  for (const c of cases) {
    const s = await runCase(c);
    tp += s.truePositives;
    fp += s.falsePositives.length;
    fn += s.falseNegatives.length;
    if (c.clean) cleanFp += s.falsePositives.length;
    for (const x of s.falsePositives) console.log(`  false positive  ${c.name}: ${JSON.stringify(x)}`);
    for (const x of s.falseNegatives) console.log(`  false negative  ${c.name}: ${JSON.stringify(x)}`);
  }
  const corpusMs = performance.now() - t0;
  const precision = tp + fp ? tp / (tp + fp) : 1;
  const recall = tp + fn ? tp / (tp + fn) : 1;
  const clean = cases.filter((c) => c.clean).length;
  rows.push([`corpus: ${cases.length} pairs (${clean} clean), ${tp + fn} labeled findings`, `precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}, ${cleanFp} FP on clean pairs (${Math.round(corpusMs)} ms)`, 'recall ≥ 0.9, 0 FP on clean', verdict(recall >= 0.9 && cleanFp === 0)]);

  // 2. 1,000-file repository, cold (fresh parse cache; the grammar is already loaded by step 1).
  const files = generateRepo();
  const times: number[] = [];
  const cpu: number[] = [];
  let pairs = 0;
  let findings = 0;
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    const c = process.cpuUsage();
    const report = await analyzeWorkspace(REPO, { cache: new ModuleCache() });
    times.push(performance.now() - t);
    const used = process.cpuUsage(c);
    cpu.push((used.user + used.system) / 1000);
    pairs = report.pairs.length;
    findings = report.pairs.reduce((s, p) => s + p.findings.length, 0);
  }
  const repoMs = median(times);
  rows.push([`scan ${files} files (${pairs} pairs, ${findings} findings), median of 3`, `${(repoMs / 1000).toFixed(2)} s (max ${(Math.max(...times) / 1000).toFixed(2)} s; CPU ${(median(cpu) / 1000).toFixed(2)} s)`, '≤ 5 s', verdict(repoMs <= 5000)]);

  // 3. One edited document: examples/serving/app.py with unsaved changes, the rest cached.
  const app = path.join(ROOT, 'examples', 'serving', 'app.py');
  const pair = { training: [path.join(ROOT, 'examples', 'training', 'preprocess.py'), path.join(ROOT, 'examples', 'training', 'train.py')], serving: [app], source: 'explicit' as const };
  const original = fs.readFileSync(app, 'utf8');
  const cache = new ModuleCache();
  let text = original;
  await analyzePairs([pair], { root: path.join(ROOT, 'examples'), cache, overlay: (f) => (f === app ? text : undefined) });
  const edits: number[] = [];
  for (let i = 0; i < 30; i++) {
    text = original.replace('STD = np.array([0.5, 0.5, 0.5]', `STD = np.array([0.5, 0.5, 0.${(i % 9) + 1}]`);
    const t = performance.now();
    const report = await analyzePairs([pair], { root: path.join(ROOT, 'examples'), cache, overlay: (f) => (f === app ? text : undefined) });
    edits.push(performance.now() - t);
    if (!report.pairs[0].findings.some((f) => f.kind === 'normalize-std')) throw new Error('the edit lost the std finding');
  }
  const editMs = median(edits);
  rows.push(['re-analyse edited examples/serving/app.py (pair + model check), median of 30', `${editMs.toFixed(1)} ms (p90 ${[...edits].sort((a, b) => a - b)[26].toFixed(1)} ms)`, '≤ 50 ms', verdict(editMs <= 50)]);

  console.log('\n| measurement | result | target | |\n|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
  process.exit(failed ? 1 : 0);
}

void main().catch((ex) => {
  console.error(ex);
  process.exit(3);
});
