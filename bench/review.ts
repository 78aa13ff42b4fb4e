/**
 * `npm run bench -- review`: wall time of `ml-preflight review` (the README's main command) on the bundled
 * example, end to end through the built CLI (process start included), and of the review core on a generated
 * larger workspace (bench/.data/review-ws: 3,000 Python files, 300 YAML manifests, 20 models, Dockerfiles).
 *
 * Targets: example ≤ 5 s end to end (median of 5); large workspace ≤ 10 s. Exit 1 when one is missed.
 */
import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { runReview } from '../src/core/review/review';

const ROOT = path.resolve(__dirname, '..');
const DATA = path.join(__dirname, '.data');
const WS = path.join(DATA, 'review-ws');
const RUNS = 5;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function makeWorkspace(): Promise<{ files: number }> {
  await rm(WS, { recursive: true, force: true });
  let files = 0;
  const write = async (rel: string, content: string | Buffer) => {
    const abs = path.join(WS, rel);
    await mkdir(path.dirname(abs), { recursive: true });
    await writeFile(abs, content);
    files++;
  };
  for (let i = 0; i < 3000; i++) {
    const pkg = `pkg${i % 30}`;
    await write(`src/${pkg}/mod${i}.py`, `import numpy as np\n\ndef features_${i}(x):\n    """Feature ${i}."""\n    return (np.asarray(x) - ${i}) / ${i + 1}\n`.repeat(5));
  }
  for (let i = 0; i < 300; i++) {
    await write(`deploy/k8s/svc${i}.yaml`, `apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-${i}\nspec:\n  selector: { app: a${i} }\n  ports: [{ port: 80, targetPort: 8080 }]\n`);
  }
  for (let i = 0; i < 20; i++) {
    await mkdir(path.join(WS, 'models'), { recursive: true });
    await copyFile(path.join(ROOT, 'examples', 'models', 'classifier.onnx'), path.join(WS, 'models', `m${i}.onnx`));
    files++;
  }
  for (let i = 0; i < 10; i++) await write(`services/s${i}/Dockerfile`, `FROM python:3.12\nRUN pip install numpy\nUSER 1000\nCMD ["python"]\n`);
  await write('serving/app.py', (await import('node:fs')).readFileSync(path.join(ROOT, 'examples', 'serving', 'app.py'), 'utf8'));
  await write('requirements.txt', 'numpy==2.2.1\nfastapi>=0.100\n');
  return { files };
}

async function main(): Promise<void> {
  const cli = path.join(ROOT, 'dist', 'cli.js');
  if (!existsSync(cli)) {
    console.error('bench/review: build first (npm run build)');
    process.exit(2);
  }
  await mkdir(DATA, { recursive: true });
  const html = path.join(DATA, 'review.html');
  // Outputs of an earlier run (possibly by an older version without the generator mark) are this bench's own.
  await rm(html, { force: true });
  await rm(path.join(DATA, 'review.sarif'), { force: true });
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    const r = spawnSync(process.execPath, [cli, 'review', 'examples', '--html', html, '--sarif', path.join(DATA, 'review.sarif'), '--fail-on', 'never'], { cwd: ROOT, encoding: 'utf8' });
    times.push(performance.now() - t);
    if (r.status !== 0) throw new Error(`review exited ${r.status}: ${r.stderr}`);
  }
  const { files } = await makeWorkspace();
  const big: number[] = [];
  let findings = 0;
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    const report = await runReview(WS);
    big.push(performance.now() - t);
    findings = report.findings.length;
  }
  const rows = [
    ['`review examples --html --sarif` (CLI, process start included)', `${RUNS} runs`, `${median(times).toFixed(0)} ms`, '≤ 5000 ms', median(times) <= 5000],
    [`generated workspace: ${files.toLocaleString('en')} files, 20 models (core, ${findings} findings)`, '3 runs', `${median(big).toFixed(0)} ms`, '≤ 10000 ms', median(big) <= 10_000],
  ] as const;
  console.log('| case | runs | median | target | verdict |');
  console.log('|---|---:|---:|---|---|');
  for (const [name, runs, value, target, ok] of rows) console.log(`| ${name} | ${runs} | ${value} | ${target} | ${ok ? 'PASS' : 'FAIL'} |`);
  process.exit(rows.every((r) => r[4]) ? 0 : 1);
}

void main();
