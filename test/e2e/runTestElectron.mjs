// @ts-check
/**
 * The same extension-test suite as runExtTests.mjs, run by `@vscode/test-electron` in a desktop (Electron)
 * VS Code. Tier name: `test-electron`.
 *
 *   VSCODE_EXECUTABLE_PATH=/path/to/code node test/e2e/runTestElectron.mjs
 *
 * VS Code comes from VSCODE_EXECUTABLE_PATH, else from `downloadAndUnzipVSCode` (version MLP_VSCODE_VERSION,
 * default: the minimum of package.json `engines.vscode`), tried for at most 20 s. When neither gives a VS Code
 * (machines without access to update.code.visualstudio.com), the tier is recorded as SKIPPED, never as passed.
 * Without $DISPLAY, an Xvfb server is started when `Xvfb` is installed (apt-get install xvfb).
 *
 * Env: MLP_E2E_DEADLINE_S (default 300), MLP_RESULTS_DIR (where test-electron.json goes).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import { buildSuite } from './buildSuite.mjs';
import { copyWorkspace, extensionDir, e2eRoot, makeRunDir, projectRoot, sleep } from './codeServer.mjs';
import { armDeadline, killDescendants, withTimeout, writeTierResult } from './harness.mjs';

const TIER = 'test-electron';
const DOWNLOAD_LIMIT_MS = 20_000;
const t0 = performance.now();
const elapsed = () => `${((performance.now() - t0) / 1000).toFixed(1)} s`;

/** @type {{ passed: number, failed: number, skipped: number } | undefined} */
let suiteCounts;
let harnessFailures = 0;
const finalCounts = () => {
  const c = suiteCounts ?? { passed: 0, failed: 0, skipped: 0 };
  return { ...c, failed: c.failed + harnessFailures };
};
armDeadline(Number(process.env.MLP_E2E_DEADLINE_S) || 300, () => {
  harnessFailures++;
  killDescendants();
  writeTierResult(TIER, finalCounts());
});

/** Finds a VS Code desktop build or explains why there is none. */
async function findVsCode() {
  const fromEnv = process.env.VSCODE_EXECUTABLE_PATH;
  if (fromEnv) {
    if (!fs.existsSync(fromEnv)) throw new Error(`VSCODE_EXECUTABLE_PATH=${fromEnv} does not exist`);
    return { executable: fromEnv };
  }
  const pkg = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8'));
  const version = process.env.MLP_VSCODE_VERSION || String(pkg.engines?.vscode ?? 'stable').replace(/^[\^~>=\s]+/, '');
  try {
    const executable = await withTimeout(downloadAndUnzipVSCode({
      version,
      cachePath: path.join(e2eRoot, 'vscode-test'),
      timeout: DOWNLOAD_LIMIT_MS,
    }), DOWNLOAD_LIMIT_MS, `downloading VS Code ${version}`);
    return { executable };
  } catch (e) {
    return { skipReason: `${e instanceof Error ? e.message : e}`.split('\n')[0] };
  }
}

/** Starts Xvfb when there is no display and Xvfb is installed; returns its DISPLAY or undefined. */
async function ensureDisplay() {
  if (process.env.DISPLAY) return process.env.DISPLAY;
  const xvfb = ['/usr/bin/Xvfb', '/usr/local/bin/Xvfb'].find((p) => fs.existsSync(p));
  if (!xvfb) {
    console.log('test-electron: no $DISPLAY and no Xvfb (apt-get install xvfb): Electron will probably fail to start');
    return undefined;
  }
  const display = `:${90 + (process.pid % 9)}`;
  const child = spawn(xvfb, [display, '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], { stdio: 'ignore', detached: true });
  process.once('exit', () => { try { process.kill(-(child.pid ?? 0), 'SIGKILL'); } catch { /* gone */ } });
  await sleep(1000);
  return display;
}

try {
  const found = await findVsCode();
  if (!found.executable) {
    console.log(`SKIPPED: @vscode/test-electron needs a VS Code desktop build; none could be downloaded (${found.skipReason}). ` +
      'Set VSCODE_EXECUTABLE_PATH to run this tier.');
    // One skipped entry per test the suite would have run is unknowable without loading it; record the tier as 1 skipped.
    suiteCounts = { passed: 0, failed: 0, skipped: 1 };
  } else {
    console.log(`test-electron: VS Code at ${found.executable}`);
    const run = makeRunDir('electron');
    const resultsDir = path.join(run.dir, 'results');
    copyWorkspace(run.workspace);
    const testsPath = await buildSuite();
    const display = await ensureDisplay();
    let code;
    try {
      code = await runTests({
        vscodeExecutablePath: found.executable,
        extensionDevelopmentPath: extensionDir,
        extensionTestsPath: testsPath,
        launchArgs: [run.workspace, '--disable-extensions', `--user-data-dir=${run.userData}`, `--extensions-dir=${run.extensions}`],
        extensionTestsEnv: {
          MLP_RESULTS_DIR: resultsDir,
          MLP_TIER: TIER,
          MLP_E2E_LOGS_DIR: path.join(run.userData, 'logs'),
          ...(display ? { DISPLAY: display } : {}),
        },
      });
    } catch (e) {
      code = e && typeof e === 'object' && 'code' in e ? e.code : 1;
      console.log(`test-electron: VS Code exited with ${code ?? e}`);
    }
    const resultFile = path.join(resultsDir, `${TIER}.json`);
    if (fs.existsSync(resultFile)) {
      const r = JSON.parse(fs.readFileSync(resultFile, 'utf8'));
      suiteCounts = { passed: r.passed, failed: r.failed, skipped: r.skipped };
    } else {
      harnessFailures++;
      console.log(`  ✗ the suite wrote no ${resultFile}`);
    }
    if (code !== 0 && suiteCounts && suiteCounts.failed === 0) harnessFailures++;
    if (suiteCounts && suiteCounts.passed + suiteCounts.failed === 0) harnessFailures++;
    console.log(`test-electron: logs in ${run.dir}`);
  }
} catch (e) {
  harnessFailures++;
  console.log(`  ✗ harness: ${e instanceof Error ? e.stack : e}`);
}
console.log(`test-electron: ${elapsed()} in all`);
const counts = finalCounts();
writeTierResult(TIER, counts);
process.exit(counts.failed ? 1 : 0);
