/**
 * `npm run bench -- hostile`: the built CLI (`dist/cli.js`, one child process per run, under `/usr/bin/time`
 * for the peak RSS) over a hostile corpus generated from a fixed seed (test/support/hostileCorpus.ts):
 * workspaces full of traps (symlinks to /dev/zero and outside secrets, FIFOs, escaping configured paths,
 * hostile saved results, pre-planted temp-file links), models with hostile tensor/dim/file names, a fixed dim
 * of 2^31, a 100k-node graph, and `emit` into hostile output folders.
 *
 * Prints counts per outcome (ok = exit 0/1, exit 2, exit 3, crash, over time, over memory) and the runs that
 * break a rule. Acceptance (exit 1 when missed): 0 exit 3, 0 crashes, 0 writes outside the target, 0 reads
 * outside the workspace (the secret token never appears in any output), every run ≤ 1 GiB RSS and ≤ 25 s.
 *
 *   npm run bench -- hostile            # 24 workspaces + the model cases
 *   npm run bench -- hostile --quick    # 6 workspaces
 *   npm run bench -- hostile --full     # 60 workspaces, and `profile` of the 100k-node model with the default sweep
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { hostileFileName, hostileString, makeHostileWorkspace, OUTSIDE_CANARY, rng, SECRET_TOKEN } from '../test/support/hostileCorpus';
import { DT, graph, model, node, tensorInfo } from '../test/support/onnxBuilder';

const ROOT = path.resolve(__dirname, '..');
const DATA = path.join(__dirname, '.data', 'hostile');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const SEED = 0x0b11;
const MAX_S = 25;
const MAX_RSS = 1024 ** 3;
const KILL_S = 90;

const quick = process.argv.includes('--quick');
const full = process.argv.includes('--full');
const WORKSPACES = quick ? 6 : full ? 60 : 24;

type Outcome = 'ok' | 'exit 2' | 'exit 3' | 'crash' | 'over time' | 'over memory';
interface Run {
  label: string;
  outcome: Outcome;
  code: number | null;
  seconds: number;
  rssBytes: number;
  leaked: boolean;
  wroteOutside: boolean;
  stderr: string;
}

function listTree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      out.push(`${p}:${e.isFile() ? statSync(p).size : e.isDirectory() ? 'dir' : 'special'}`);
      if (e.isDirectory()) walk(p);
    }
  };
  if (existsSync(dir)) walk(dir);
  return out.sort();
}

function runCli(label: string, args: string[], cwd: string, outside: { dir: string; canaries: string[] }, outputs: string[] = []): Run {
  const before = listTree(outside.dir);
  const started = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', 'MLP_MAXRSS_KB=%M', process.execPath, CLI, ...args], { cwd, encoding: 'utf8', timeout: KILL_S * 1000, killSignal: 'SIGKILL', maxBuffer: 256 * 1024 * 1024 });
  const seconds = (performance.now() - started) / 1000;
  const m = /MLP_MAXRSS_KB=(\d+)/.exec(r.stderr ?? '');
  const rssBytes = m ? Number(m[1]) * 1024 : 0;
  // /usr/bin/time exits with the child's status, or 128+signal when the child was killed.
  const code = r.status;
  const stderr = (r.stderr ?? '').replace(/^.*MLP_MAXRSS_KB=\d+\n?/m, '');
  const texts = [r.stdout ?? '', stderr, ...outputs.filter((f) => existsSync(f) && statSync(f).isFile()).map((f) => readFileSync(f, 'utf8'))];
  const leaked = texts.some((t) => t.includes(SECRET_TOKEN));
  const wroteOutside = outside.canaries.some((c) => readFileSync(c, 'utf8') !== OUTSIDE_CANARY) || listTree(outside.dir).join('\n') !== before.join('\n');
  let outcome: Outcome;
  if (r.error || code === null || code > 3 || /internal error/.test(stderr)) outcome = code === 3 ? 'exit 3' : 'crash';
  else if (code === 3) outcome = 'exit 3';
  else outcome = code === 2 ? 'exit 2' : 'ok';
  if (outcome !== 'crash' && outcome !== 'exit 3') {
    if (seconds > MAX_S) outcome = 'over time';
    else if (rssBytes > MAX_RSS) outcome = 'over memory';
  }
  return { label, outcome, code, seconds, rssBytes, leaked, wroteOutside, stderr };
}

function writeModel(file: string, inName: string, outName: string, shape: (number | string)[], nodes = 1): void {
  const list = [];
  for (let i = 0; i < nodes; i++) list.push(node('Relu', [i === 0 ? inName : `t${i - 1}`], [i === nodes - 1 ? outName : `t${i}`]));
  writeFileSync(file, model({ graph: graph({ name: 'g', nodes: list, inputs: [tensorInfo(inName, DT.FLOAT, shape)], outputs: [tensorInfo(outName, DT.FLOAT, shape)] }) }));
}

function main(): void {
  if (!existsSync(CLI)) {
    console.log('building dist/ first (npm run build)…');
    const b = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
    if (b.status !== 0) process.exit(1);
  }
  if (!existsSync('/usr/bin/time')) {
    console.error('bench hostile needs /usr/bin/time (GNU time) for the peak RSS of each run');
    process.exit(1);
  }
  rmSync(DATA, { recursive: true, force: true });
  mkdirSync(DATA, { recursive: true });
  const next = rng(SEED);
  const runs: Run[] = [];
  const t0 = performance.now();

  for (let i = 0; i < WORKSPACES; i++) {
    const base = path.join(DATA, `ws${i}`);
    const w = makeHostileWorkspace(base, next);
    const outside = { dir: w.outside, canaries: w.canaries };
    const tag = `ws${i} [${w.traps.join(',') || 'no traps'}]`;
    const sarif = path.join(base, 'out', 'r.sarif');
    const html = path.join(base, 'out', 'r.html');
    runs.push(runCli(`${tag} checklist`, ['checklist', w.root, '--json'], base, outside));
    runs.push(runCli(`${tag} review`, ['review', w.root, '--sarif', sarif, '--html', html, '--fail-on', 'never'], base, outside, [sarif, html]));
    runs.push(runCli(`${tag} skew`, ['skew', '--workspace', w.root, '--json'], base, outside));
  }

  // Models: hostile names (written to a hostile file name), emitted into an --out with planted temp-file links.
  const mdir = path.join(DATA, 'models');
  const outsideDir = path.join(DATA, 'models-outside');
  mkdirSync(mdir, { recursive: true });
  mkdirSync(outsideDir, { recursive: true });
  const canary = path.join(outsideDir, 'canary.txt');
  writeFileSync(canary, OUTSIDE_CANARY);
  const mOutside = { dir: outsideDir, canaries: [canary] };
  const modelCases = quick ? 4 : 12;
  for (let i = 0; i < modelCases; i++) {
    const file = path.join(mdir, `${hostileFileName(next)}-${i}.onnx`);
    writeModel(file, hostileString(next), hostileString(next), [hostileString(next), 3]);
    const out = path.join(DATA, `emit${i}`);
    mkdirSync(path.join(out, 'docker'), { recursive: true });
    for (let pid = 1; pid < 32; pid++) symlinkSync(canary, path.join(out, 'docker', `Dockerfile.mlp-${pid}.tmp`));
    symlinkSync(canary, path.join(out, 'docker', '.dockerignore'));
    runs.push(runCli(`model${i} inspect`, ['inspect', file], mdir, mOutside));
    runs.push(runCli(`model${i} emit all`, ['emit', 'all', '--model', file, '--out', out, '--force'], mdir, mOutside));
  }
  const bigDim = path.join(mdir, 'dim2e31.onnx');
  writeModel(bigDim, 'x', 'y', [2 ** 31, 1]);
  runs.push(runCli('dim 2^31: profile', ['profile', bigDim, '--no-baseline'], mdir, mOutside));
  runs.push(runCli('dim 2^31: emit triton', ['emit', 'triton', '--model', bigDim, '--out', path.join(DATA, 'emit-big')], mdir, mOutside));
  const chain = path.join(mdir, 'chain100k.onnx');
  writeModel(chain, 'x', 'y', ['batch', 4], 100_000);
  runs.push(runCli('100k nodes: inspect', ['inspect', chain], mdir, mOutside));
  runs.push(runCli('100k nodes: profile --batch 1', ['profile', chain, '--batch', '1', '--no-baseline'], mdir, mOutside));
  if (full) runs.push(runCli('100k nodes: profile (default sweep)', ['profile', chain, '--no-baseline'], mdir, mOutside));
  // Output files that are traps: a FIFO as --html, /proc as --out, a file as --out, the same path twice.
  const traps = path.join(DATA, 'outputs');
  mkdirSync(traps, { recursive: true });
  spawnSync('mkfifo', [path.join(traps, 'pipe.html')]);
  writeFileSync(path.join(traps, 'afile'), 'x');
  const example = path.join(ROOT, 'examples');
  const exampleModel = path.join(example, 'models', 'classifier.onnx');
  runs.push(runCli('review --html FIFO', ['review', example, '--html', path.join(traps, 'pipe.html'), '--fail-on', 'never'], traps, mOutside));
  runs.push(runCli('review --html X --sarif X', ['review', example, '--html', 'same', '--sarif', 'same'], traps, mOutside));
  runs.push(runCli('emit --out /proc', ['emit', 'triton', '--model', exampleModel, '--out', '/proc/self/mlp'], traps, mOutside));
  runs.push(runCli('emit --out a file', ['emit', 'triton', '--model', exampleModel, '--out', 'afile'], traps, mOutside));
  writeFileSync(path.join(traps, 'deep.json'), '['.repeat(100_000) + ']'.repeat(100_000));
  runs.push(runCli('emit --profile 100k-deep JSON', ['emit', 'k8s', '--model', exampleModel, '--out', 'o', '--profile', 'deep.json'], traps, mOutside));
  writeFileSync(path.join(traps, 'absurd.json'), JSON.stringify({ p50Ms: 1e308, p99Ms: -1, peakRssBytes: 1e300, batch: 1e20 }));
  runs.push(runCli('emit --profile absurd', ['emit', 'all', '--model', exampleModel, '--out', 'o2', '--profile', 'absurd.json'], traps, mOutside));
  runs.push(runCli('skew --training FIFO', ['skew', '--training', 'pipe.html', '--serving', path.join(example, 'serving', 'app.py')], traps, mOutside));

  // Table.
  const outcomes: Outcome[] = ['ok', 'exit 2', 'exit 3', 'crash', 'over time', 'over memory'];
  const count = (o: Outcome) => runs.filter((r) => r.outcome === o).length;
  const leaks = runs.filter((r) => r.leaked);
  const outsideWrites = runs.filter((r) => r.wroteOutside);
  const maxRss = Math.max(...runs.map((r) => r.rssBytes));
  const maxS = Math.max(...runs.map((r) => r.seconds));
  console.log(`hostile corpus: ${runs.length} CLI runs (${WORKSPACES} workspaces, seed 0x${SEED.toString(16)}) in ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
  console.log(outcomes.map((o) => o.padEnd(12)).join('') + 'reads outside  writes outside');
  console.log(outcomes.map((o) => String(count(o)).padEnd(12)).join('') + String(leaks.length).padEnd(15) + String(outsideWrites.length));
  console.log(`\nslowest run ${maxS.toFixed(1)} s (target ≤ ${MAX_S} s), peak RSS ${(maxRss / 1024 ** 2).toFixed(0)} MiB (target ≤ 1024 MiB)`);
  const slowest = [...runs].sort((a, b) => b.seconds - a.seconds).slice(0, 5);
  console.log('slowest:');
  for (const r of slowest) console.log(`  ${r.seconds.toFixed(1).padStart(5)} s  ${(r.rssBytes / 1024 ** 2).toFixed(0).padStart(5)} MiB  ${r.outcome.padEnd(11)} ${r.label}`);
  const bad = runs.filter((r) => r.outcome !== 'ok' && r.outcome !== 'exit 2' || r.leaked || r.wroteOutside);
  if (bad.length) {
    console.log('\nruns that break a rule:');
    for (const r of bad) console.log(`  ${r.outcome}${r.leaked ? ' +read outside' : ''}${r.wroteOutside ? ' +wrote outside' : ''}: ${r.label} (exit ${r.code}, ${r.seconds.toFixed(1)} s)\n    ${r.stderr.trim().split('\n').slice(-3).join('\n    ')}`);
  }
  console.log(`\nexit 2 examples (one line each, naming the file):`);
  for (const r of runs.filter((x) => x.outcome === 'exit 2').slice(0, 8)) console.log(`  ${r.label}: ${r.stderr.trim().split('\n')[0]!.slice(0, 160)}`);
  const pass = bad.length === 0;
  console.log(`\n${pass ? 'PASS' : 'FAIL'}: ${count('exit 3')} exit 3, ${count('crash')} crashes, ${outsideWrites.length} writes outside, ${leaks.length} reads outside, ${count('over time')} over ${MAX_S} s, ${count('over memory')} over 1 GiB`);
  process.exit(pass ? 0 : 1);
}

main();
