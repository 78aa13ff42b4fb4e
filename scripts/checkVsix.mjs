// @ts-check
/**
 * Test tier `vsix`: builds the linux-x64 VSIX (`npm run package`) and checks what a user would install.
 *   1. it builds, and its size is reported;
 *   2. it holds the four bundles, the manifest, the media, and onnxruntime-node with the linux-x64 binaries
 *      only: no sources, tests, examples, other platforms' binaries;
 *   3. unpacked, its CLI inspects the example model and its worker runs the CPU provider from the packaged
 *      ONNX Runtime binaries;
 *   4. installed into code-server (`--install-extension`), it passes the UI suite (test/e2e/runUi.mjs).
 * Writes {tier, passed, failed, skipped} to $MLP_RESULTS_DIR/vsix.json.
 *
 *   node scripts/checkVsix.mjs          (MLP_VSIX_SKIP_UI=1 to leave out step 4)
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRecorder, writeTierResult } from '../test/e2e/harness.mjs';

const TIER = 'vsix';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const vsix = path.join(root, `${pkg.name}-linux-x64.vsix`);
const MAX_BYTES = 25 * 1024 * 1024;
const rec = createRecorder();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-vsix-'));
const unpacked = path.join(tmp, 'unpacked');

/** @param {string} cmd @param {string[]} args @param {import('node:child_process').SpawnSyncOptions} [opts] */
function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', timeout: 300_000, maxBuffer: 64 * 1024 * 1024, ...opts });
  if (r.error) throw r.error;
  return { status: r.status, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
}

/**
 * What a failed sub-run said: every failed check with its whole reason (the `✗` line and its indented lines),
 * every line naming an error, and the last 60 lines; the complete output goes to test-results/vsix-<what>.log.
 * @param {string} what @param {{ status: number | null, stdout: string, stderr: string }} r
 */
function failureReport(what, r) {
  const all = `${r.stdout}${r.stderr ? `\n--- stderr ---\n${r.stderr}` : ''}`;
  const log = path.join(root, 'test-results', `vsix-${what}.log`);
  fs.mkdirSync(path.dirname(log), { recursive: true });
  fs.writeFileSync(log, all);
  const lines = all.split('\n');
  /** @type {string[]} */
  const picked = [];
  for (let i = 0; i < lines.length; i++) {
    if (/^\s*✗ /.test(lines[i])) {
      picked.push(lines[i]);
      while (i + 1 < lines.length && /^ {6}/.test(lines[i + 1])) picked.push(lines[++i]);
    } else if (/\b(error|Error|ERR!|failed)\b/.test(lines[i])) picked.push(lines[i]);
  }
  return [...new Set(picked), '--- last 60 lines ---', ...lines.slice(-60), `(complete output: ${log})`].join('\n');
}

/** @type {string[]} */
let entries = [];

await rec.check('npm run package builds the linux-x64 VSIX', async () => {
  fs.rmSync(vsix, { force: true });
  const r = run('npm', ['run', '--silent', 'package']);
  if (r.status !== 0) throw new Error(`npm run package exited ${r.status}\n${failureReport('package', r)}`);
  if (!fs.existsSync(vsix)) throw new Error(`${vsix} was not written`);
  const bytes = fs.statSync(vsix).size;
  if (bytes > MAX_BYTES) throw new Error(`the VSIX is ${(bytes / 1024 ** 2).toFixed(1)} MiB, over ${MAX_BYTES / 1024 ** 2} MiB`);
  // A VSIX is a zip; Python's zipfile lists and extracts it without extra npm dependencies.
  const py = run('python3', ['-c', 'import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nprint("\\n".join(z.namelist()))\nz.extractall(sys.argv[2])', vsix, unpacked]);
  if (py.status !== 0) throw new Error(`could not unzip the VSIX: ${py.stderr}`);
  entries = py.stdout.split('\n').filter(Boolean);
  return `${path.basename(vsix)}: ${bytes} bytes (${(bytes / 1024 ** 2).toFixed(2)} MiB), ${entries.length} entries`;
});

await rec.check('the VSIX holds the bundles and only the linux-x64 ONNX Runtime binaries', async () => {
  if (!entries.length) throw new Error('no VSIX to look into');
  const required = [
    'extension/package.json', 'extension/readme.md', 'extension/LICENSE.txt',
    'extension/dist/extension.js', 'extension/dist/ext-checklist.js', 'extension/dist/ext-drift.js', 'extension/dist/ext-skew.js', 'extension/dist/ext-diff.js', 'extension/dist/worker.js', 'extension/dist/cli.js', 'extension/dist/cli.mjs', 'extension/dist/webview/model.js', 'extension/dist/webview/profile.js', 'extension/dist/webview/drift.js', 'extension/dist/webview/checklist.js', 'extension/dist/driftWorker.js', 'extension/dist/skewWorker.js',
    'extension/media/icons/preflight.svg', 'extension/media/webview/base.css', 'extension/media/webview/model.css', 'extension/media/webview/profile.css', 'extension/media/webview/drift.css', 'extension/media/webview/checklist.css',
    'extension/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node',
    'extension/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1',
  ];
  const missing = required.filter((e) => !entries.includes(e));
  if (missing.length) throw new Error(`missing: ${missing.join(', ')}`);
  const natives = entries.filter((e) => /\.(node|so(\.\d+)*|dll|dylib)$/.test(e));
  const foreign = natives.filter((e) => !e.includes('/linux/x64/'));
  if (foreign.length) throw new Error(`binaries for other platforms: ${foreign.join(', ')}`);
  const leaked = entries.filter((e) => /^extension\/(src|test|bench|examples|scripts|webview-ui)\//.test(e) || /\.(ts|map)$/.test(e) && !e.endsWith('.d.ts'));
  if (leaked.length) throw new Error(`sources or tests in the VSIX: ${leaked.slice(0, 10).join(', ')}`);
  return `${natives.length} native files, all linux/x64: ${natives.map((e) => path.basename(e)).join(', ')}`;
});

await rec.check('the packaged CLI inspects the example model', async () => {
  const cli = path.join(unpacked, 'extension', 'dist', 'cli.js');
  const r = run(process.execPath, [cli, 'inspect', '--json', path.join(root, 'examples', 'models', 'classifier.onnx')]);
  if (r.status !== 0) throw new Error(`exit ${r.status}: ${r.stderr}`);
  const j = JSON.parse(r.stdout);
  if (j.inputs?.[0]?.name !== 'image' || j.outputs?.[0]?.name !== 'logits') throw new Error(`unexpected IO: ${JSON.stringify(j.inputs)}`);
  return `image ${JSON.stringify(j.inputs[0].shape)} → logits ${JSON.stringify(j.outputs[0].shape)}`;
});

await rec.check('the packaged worker runs the CPU provider from the packaged ONNX Runtime', async () => {
  const cli = path.join(unpacked, 'extension', 'dist', 'cli.js');
  // Run from a folder without node_modules so only the VSIX's copy of onnxruntime-node can be found.
  const r = run(process.execPath, [cli, 'doctor', '--ep', 'cpu', '--json'], { cwd: tmp });
  if (r.status !== 0) throw new Error(`exit ${r.status}: ${r.stderr}`);
  const j = JSON.parse(r.stdout);
  const cpu = j.checks?.find((/** @type {{ ep: string }} */ c) => c.ep === 'cpu');
  if (!cpu?.available) throw new Error(`cpu not available: ${JSON.stringify(cpu)}`);
  return `ORT ${j.ortVersion}, cpu session + run ${cpu.sessionMs.toFixed(0)} ms`;
});

if (!process.env.MLP_VSIX_SKIP_UI) {
  await rec.check('installed into code-server, the VSIX passes the UI suite', async () => {
    const results = path.join(tmp, 'results');
    const r = run(process.execPath, [path.join(root, 'test', 'e2e', 'runUi.mjs')], {
      env: { ...process.env, MLP_E2E_VSIX: vsix, MLP_RESULTS_DIR: results, MLP_E2E_SHOTS: path.join(root, 'test-results', 'e2e-vsix') },
    });
    const file = path.join(results, 'e2e-ui.json');
    if (!fs.existsSync(file)) throw new Error(`the UI suite left no result (exit ${r.status})\n${failureReport('ui', r)}`);
    const counts = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (counts.failed || !counts.passed) throw new Error(`UI suite with the VSIX: ${JSON.stringify(counts)}\n${failureReport('ui', r)}`);
    return `${counts.passed} UI checks passed with the VSIX installed`;
  }, 240_000);
}

fs.rmSync(tmp, { recursive: true, force: true });
const counts = rec.counts();
writeTierResult(TIER, counts);
process.exit(counts.failed ? 1 : 0);
