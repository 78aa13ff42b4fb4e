/**
 * Extension-test entry (`extensionTestsPath`): VS Code's extension host loads the bundle of this file and
 * calls `run()`. The same suite runs under code-server (`test/e2e/runExtTests.mjs`) and under
 * `@vscode/test-electron` (`test/e2e/runTestElectron.mjs`).
 *
 * Reporter: `test/support/countingReporter.js` (mocha's spec output, forwarded by VS Code to the runner's
 * console, plus `$MLP_RESULTS_DIR/$MLP_TIER.json`, which the runner reads back).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

/** Repository root: the bundle lives in `out/e2e-suite/`. */
const projectRoot = path.resolve(__dirname, '..', '..');

/** Runs every `*.test.js` bundle next to this one; rejects when a test failed. */
export async function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'bdd',
    color: false,
    timeout: 60_000,
    reporter: path.join(projectRoot, 'test', 'support', 'countingReporter.js'),
  });
  for (const file of fs.readdirSync(__dirname).sort()) {
    if (file.endsWith('.test.js')) mocha.addFile(path.join(__dirname, file));
  }
  await new Promise<void>((resolve, reject) => {
    mocha.run((failures) => (failures ? reject(new Error(`${failures} extension test(s) failed`)) : resolve()));
  });
}
