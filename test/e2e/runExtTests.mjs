// @ts-check
/**
 * API tests inside code-server's real Node extension host, the `@vscode/test-electron` programming model
 * without Electron. Tier name: `e2e-api`.
 *
 *   node test/e2e/runExtTests.mjs      (after `bash test/e2e/install.sh` and `node scripts/build.mjs`)
 *
 * How: the project folder is loaded as a development extension and the bundled suite
 * (`out/e2e-suite/index.js`, from `test/e2e/suite/`) as `extensionTestsPath`, both passed to the web
 * workbench as `?payload=[["extensionDevelopmentPath",…],["extensionTestsPath",…]]`. Built VS Code honours
 * that only with `--enable-smoke-test-driver` (`--vscode-option enable-smoke-test-driver` in code-server).
 * When the suite ends the workbench calls `window.codeAutomationExit(code)`, caught with
 * `page.exposeFunction` (as @vscode/test-web does). Mocha's spec output reaches the browser console and is
 * printed here; the counts come back through the counting reporter's JSON file in the run dir.
 *
 * Env: MLP_E2E_DEADLINE_S (default 240), MLP_RESULTS_DIR (where e2e-api.json goes).
 */
import fs from 'node:fs';
import path from 'node:path';
import util from 'node:util';
import { buildSuite } from './buildSuite.mjs';
import { copyWorkspace, extensionDir, makeRunDir, projectRoot, startCodeServer } from './codeServer.mjs';
import { armDeadline, launchChromium, withTimeout, writeTierResult } from './harness.mjs';

const TIER = 'e2e-api';
const SUITE_TIMEOUT_MS = 180_000;
const t0 = performance.now();
const elapsed = () => `${((performance.now() - t0) / 1000).toFixed(1)} s`;

/** Failures found by the runner itself (no result, exit code disagreeing with the counts, …). */
const harnessFailures = [];
/** @type {{ passed: number, failed: number, skipped: number } | undefined} */
let suiteCounts;
const finalCounts = () => {
  const c = suiteCounts ?? { passed: 0, failed: 0, skipped: 0 };
  return { ...c, failed: c.failed + harnessFailures.length };
};
armDeadline(Number(process.env.MLP_E2E_DEADLINE_S) || 240, () => {
  harnessFailures.push('deadline');
  writeTierResult(TIER, finalCounts());
});

// VS Code's own console chatter in the browser; everything else (mocha's reporter) is printed.
const NOISE = /Failed to load resource|Ignoring fetching|Creating a socket|connection token|grace time|AgentHost|AccountPolicyGate|Service Worker|same-origin iframe|allow-same-origin|builtin extensions cache|\[vite\]|Long running operations|Extension Host\] *$|Started local extension host|scanned.*extensions/;

const run = makeRunDir('api');
const resultsDir = path.join(run.dir, 'results');
/** @type {Awaited<ReturnType<typeof startCodeServer>> | undefined} */
let server;
/** @type {import('playwright-core').Browser | undefined} */
let browser;
try {
  console.log(`e2e-api: run dir ${run.dir}`);
  if (!fs.existsSync(path.join(extensionDir, 'dist', 'extension.js'))) {
    throw new Error('dist/extension.js is missing: build the extension first (node scripts/build.mjs)');
  }
  const testsPath = await buildSuite();
  copyWorkspace(run.workspace);
  server = await startCodeServer(run, {
    folder: run.workspace,
    args: ['--vscode-option', 'enable-smoke-test-driver'],
    // The extension host inherits these: the counting reporter writes results/e2e-api.json, and the
    // suite reads the extension's log files under the user-data logs folder.
    env: { MLP_RESULTS_DIR: resultsDir, MLP_TIER: TIER, MLP_E2E_LOGS_DIR: path.join(run.userData, 'logs') },
  });
  console.log(`[${elapsed()}] code-server listening on ${server.port}`);
  browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('console', async (message) => {
    let values = await Promise.all(message.args().map((a) => a.jsonValue().catch(() => '?')));
    if (typeof values[0] === 'string' && values[0].startsWith('%c')) values = values.slice(2);
    const text = values.length ? util.format(...values) : message.text();
    if (!NOISE.test(text)) console.log(`  │ ${text.slice(0, 1000).replace(/\n/g, '\n  │ ')}`);
  });
  /** @type {Promise<number>} */
  const exited = new Promise((resolve) => { void page.exposeFunction('codeAutomationExit', (/** @type {number} */ code) => resolve(code)); });
  const payload = JSON.stringify([
    ['extensionDevelopmentPath', server.remoteUri(extensionDir)],
    ['extensionTestsPath', server.remoteUri(testsPath)],
  ]);
  await page.goto(server.folderUrl({ payload }), { timeout: 60_000 });
  // Fail fast when the extension host dies (it would never report an exit code).
  const s = /** @type {NonNullable<typeof server>} */ (server);
  const hostDied = new Promise((_, reject) => {
    const timer = setInterval(() => {
      const line = s.output().split('\n').find((l) => /Extension Host Process exited/.test(l));
      // Grace period: a normal end also stops the host, just after it reported the exit code.
      if (line) { clearInterval(timer); setTimeout(() => reject(new Error(`the extension host died: ${line.trim()}`)), 3000); }
    }, 500);
    timer.unref();
  });
  const code = await withTimeout(Promise.race([exited, hostDied]), SUITE_TIMEOUT_MS, 'the extension test suite');
  console.log(`[${elapsed()}] extension tests finished with exit code ${code}`);
  await page.screenshot({ path: path.join(projectRoot, 'test-results', 'e2e', 'api-final.png') }).catch(() => {});

  const resultFile = path.join(resultsDir, `${TIER}.json`);
  if (fs.existsSync(resultFile)) {
    const r = JSON.parse(fs.readFileSync(resultFile, 'utf8'));
    suiteCounts = { passed: r.passed, failed: r.failed, skipped: r.skipped };
  } else {
    harnessFailures.push('no result file');
    console.log(`  ✗ the suite wrote no ${resultFile} (it did not load or crashed before the end)`);
  }
  if (code !== 0 && suiteCounts && suiteCounts.failed === 0) {
    harnessFailures.push('exit code');
    console.log(`  ✗ the workbench reported exit code ${code} although no test failed`);
  }
  if (suiteCounts && suiteCounts.passed + suiteCounts.failed === 0) {
    harnessFailures.push('no tests');
    console.log('  ✗ the suite ran no test');
  }
} catch (e) {
  harnessFailures.push('harness');
  console.log(`  ✗ harness: ${e instanceof Error ? e.stack : e}`);
} finally {
  await browser?.close().catch(() => {});
  await server?.stop();
}
console.log(`e2e-api: ${elapsed()} in all; logs in ${run.dir}`);
const counts = finalCounts();
writeTierResult(TIER, counts);
process.exit(counts.failed ? 1 : 0);
