/**
 * `npm run bench -- startup`: what a user waits for before anything happens (issue 13, items 1 and 2).
 *
 *   1. `ml-preflight --version` (dist/cli.js): CPU time (user + system) and peak RSS against `node -e 0`,
 *      measured in the same run. Targets: ≤ 1.4× the CPU time, ≤ 50 MB.
 *   2. `ml-preflight inspect` of a 10 MB model against `node -e 0`. Target: ≤ 2× the CPU time.
 *   3. The extension: `require('dist/extension.js')` + `activate()` in a fresh Node process with a tiny fake
 *      `vscode` module put in require's cache (this bench only), and the size of that first bundle.
 *      Targets: ≤ 50 ms, ≤ 400 KB.
 *
 * Each command runs in its own process, interleaved with the baseline, ROUNDS times; the table shows medians.
 * CPU time and peak RSS are read inside each child at exit (`process.cpuUsage()` / `resourceUsage().maxRSS`
 * from a `--require` hook that the baseline loads too). Needs `npm run build`. Exit status 1 when a row misses
 * its target.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import { DT, graph, model, node, tensor, tensorInfo } from '../test/support/onnxBuilder';

const ROOT = path.resolve(__dirname, '..');
const DATA = path.join(__dirname, '.data', 'startup');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const EXTENSION = path.join(ROOT, 'dist', 'extension.js');
const ROUNDS = process.argv.includes('--quick') ? 5 : 11;

/** Written to fd 3 at exit: CPU ms (user + system) and peak RSS in KiB. */
const HOOK = `process.on('exit', () => { const c = process.cpuUsage(); require('fs').writeSync(3, JSON.stringify({ cpuMs: (c.user + c.system) / 1000, maxRssKiB: process.resourceUsage().maxRSS }) + '\\n'); });\n`;

/**
 * A `vscode` stand-in: every property is a callable, constructible proxy that returns another one (so
 * `window.createTreeView(…)`, `new EventEmitter()`, `.event(…)`, `.dispose()` all work). Not a thenable, and
 * turns into '' in strings. Only for timing activation; it checks nothing.
 */
const ACTIVATE = `
const Module = require('module');
const path = require('path');
const target = function () {};
const handler = {
  get(_t, key) {
    if (key === 'then') return undefined;
    if (key === Symbol.toPrimitive) return () => '';
    if (key === Symbol.iterator) return function* () {};
    if (key === 'length') return 0;
    return fake;
  },
  set() { return true; },
  apply() { return fake; },
  construct() { return fake; },
};
const fake = new Proxy(target, handler);
const vscodePath = path.join(__dirname, 'node_modules', 'vscode', 'index.js');
// An object whose prototype is the proxy: esbuild's __toESM copies the own keys of a module's exports into an
// object with the same prototype, so every other name resolves through the proxy.
require.cache[vscodePath] = { id: vscodePath, filename: vscodePath, loaded: true, exports: Object.create(fake) };
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) { return request === 'vscode' ? vscodePath : resolve.call(this, request, ...rest); };
const [extensionFile, packageFile] = process.argv.slice(2);
const packageJSON = require(packageFile);
const context = { subscriptions: [], extensionUri: fake, extensionPath: path.dirname(packageFile), workspaceState: fake, globalState: fake, extension: { packageJSON } };
const c0 = process.cpuUsage();
const t0 = performance.now();
const ext = require(extensionFile);
const t1 = performance.now();
ext.activate(context);
const t2 = performance.now();
const c = process.cpuUsage(c0);
process.stdout.write(JSON.stringify({ requireMs: t1 - t0, activateMs: t2 - t1, totalMs: t2 - t0, cpuMs: (c.user + c.system) / 1000, subscriptions: context.subscriptions.length }) + '\\n');
`;

interface Usage {
  cpuMs: number;
  maxRssKiB: number;
  wallMs: number;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function measure(args: string[], hook: string): Usage {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--require', hook, ...args], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'], encoding: 'utf8', cwd: ROOT });
  const wallMs = performance.now() - t0;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  const line = (r.output[3] ?? '').trim().split('\n').pop() ?? '';
  return { ...(JSON.parse(line) as { cpuMs: number; maxRssKiB: number }), wallMs };
}

/** x[batch, 1280] · [1280, 1024] · [1024, 1280]: 10.5 MB of float32 weights in the file. */
function tenMegabyteModel(): Uint8Array {
  const inits = [tensor('w0', DT.FLOAT, [1280, 1024]), tensor('w1', DT.FLOAT, [1024, 1280])];
  const nodes = [node('MatMul', ['x', 'w0'], ['h0']), node('MatMul', ['h0', 'w1'], ['y'])];
  return model({ graph: graph({ name: 'ten_mb', nodes, inputs: [tensorInfo('x', DT.FLOAT, ['batch', 1280])], outputs: [tensorInfo('y', DT.FLOAT, ['batch', 1280])], initializers: inits }) });
}

interface Row {
  what: string;
  measured: string;
  baseline: string;
  ratio: string;
  target: string;
  pass: boolean;
}

function main(): void {
  if (!existsSync(CLI) || !existsSync(EXTENSION)) {
    console.error('bench startup: run `npm run build` first (needs dist/cli.js and dist/extension.js)');
    process.exit(2);
  }
  mkdirSync(DATA, { recursive: true });
  const hook = path.join(DATA, 'usage.cjs');
  writeFileSync(hook, HOOK);
  const modelFile = path.join(DATA, 'ten_mb.onnx');
  writeFileSync(modelFile, tenMegabyteModel());
  const activateScript = path.join(DATA, 'activate.cjs');
  writeFileSync(activateScript, ACTIVATE);
  // What the VSIX ships: the first bundle built as `npm run build:prod` builds it (minified, no source map).
  const production = path.join(DATA, 'extension.prod.js');
  buildSync({ entryPoints: [path.join(ROOT, 'src', 'vscode', 'extension.ts')], outfile: production, bundle: true, minify: true, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode', 'onnxruntime-node'], logLevel: 'warning' });

  const base: Usage[] = [];
  const version: Usage[] = [];
  const inspect: Usage[] = [];
  const activation: Array<{ requireMs: number; activateMs: number; totalMs: number; cpuMs: number }> = [];
  const activationDev: typeof activation = [];
  for (let i = 0; i < ROUNDS; i++) {
    // Interleaved, so load that comes and goes hits every command alike.
    base.push(measure(['-e', '0'], hook));
    version.push(measure([CLI, '--version'], hook));
    inspect.push(measure([CLI, 'inspect', modelFile], hook));
    for (const [file, list] of [[production, activation], [EXTENSION, activationDev]] as const) {
      const r = spawnSync(process.execPath, [activateScript, file, path.join(ROOT, 'package.json')], { encoding: 'utf8', cwd: ROOT });
      if (r.status !== 0) throw new Error(`activation bench failed (${file}): ${r.stderr}`);
      list.push(JSON.parse(r.stdout.trim()) as (typeof activation)[number]);
    }
  }
  const cpu = (xs: Usage[]) => median(xs.map((x) => x.cpuMs));
  const rssMb = (xs: Usage[]) => median(xs.map((x) => x.maxRssKiB)) * 1024 / 1e6;
  const wall = (xs: Usage[]) => median(xs.map((x) => x.wallMs));
  const bundleKb = statSync(EXTENSION).size / 1000;
  const rows: Row[] = [];
  const ratioRow = (what: string, xs: Usage[], target: number): void => {
    const ratio = cpu(xs) / cpu(base);
    rows.push({ what, measured: `${cpu(xs).toFixed(0)} ms CPU (wall ${wall(xs).toFixed(0)} ms)`, baseline: `${cpu(base).toFixed(0)} ms CPU (wall ${wall(base).toFixed(0)} ms)`, ratio: `${ratio.toFixed(2)}×`, target: `≤ ${target}×`, pass: ratio <= target });
  };
  ratioRow('`ml-preflight --version` CPU time', version, 1.4);
  rows.push({ what: '`ml-preflight --version` peak RSS', measured: `${rssMb(version).toFixed(1)} MB`, baseline: `${rssMb(base).toFixed(1)} MB`, ratio: `${(rssMb(version) / rssMb(base)).toFixed(2)}×`, target: '≤ 50 MB', pass: rssMb(version) <= 50 });
  ratioRow(`\`ml-preflight inspect\` of a ${(statSync(modelFile).size / 1e6).toFixed(1)} MB model, CPU time`, inspect, 2);
  // Judged on CPU time: on a machine shared with other work the wall time mostly measures the wait for a core.
  const act = median(activation.map((a) => a.cpuMs));
  const split = (xs: typeof activation) => `require ${median(xs.map((a) => a.requireMs)).toFixed(1)}, activate ${median(xs.map((a) => a.activateMs)).toFixed(1)}`;
  rows.push({ what: 'extension `require` + `activate()`, production bundle (fake vscode module)', measured: `${act.toFixed(1)} ms CPU (wall ${median(activation.map((a) => a.totalMs)).toFixed(1)} ms: ${split(activation)})`, baseline: '', ratio: '', target: '≤ 50 ms', pass: act <= 50 });
  rows.push({ what: 'the same, development bundle (dist/extension.js, `npm run build`)', measured: `${median(activationDev.map((a) => a.cpuMs)).toFixed(1)} ms CPU (wall ${median(activationDev.map((a) => a.totalMs)).toFixed(1)} ms: ${split(activationDev)})`, baseline: '', ratio: '', target: 'info', pass: true });
  rows.push({ what: 'extension first bundle, production', measured: `${(statSync(production).size / 1000).toFixed(0)} KB (development ${bundleKb.toFixed(0)} KB)`, baseline: '', ratio: '', target: '≤ 400 KB', pass: statSync(production).size / 1000 <= 400 && bundleKb <= 400 });

  console.log(`Start-up: ${ROUNDS} interleaved rounds, medians; ${os.cpus()[0]?.model.trim()} × ${os.cpus().length}, Node ${process.version}, load ${os.loadavg()[0]!.toFixed(1)}\n`);
  console.log('| what | measured | baseline `node -e 0` (same run) | ratio | target | verdict |');
  console.log('|---|---:|---:|---:|---|---|');
  for (const r of rows) console.log(`| ${r.what} | ${r.measured} | ${r.baseline} | ${r.ratio} | ${r.target} | ${r.pass ? 'PASS' : 'FAIL'} |`);
  writeFileSync(path.join(DATA, 'results.json'), JSON.stringify({ rounds: ROUNDS, base, version, inspect, activation, bundleBytes: statSync(EXTENSION).size }, null, 2));
  const failed = rows.filter((r) => !r.pass);
  if (failed.length) {
    console.log(`\nMISSED: ${failed.map((r) => r.what).join('; ')}`);
    process.exitCode = 1;
  }
}

main();
