// @ts-check
/**
 * Bundles the extension-test suite (`test/e2e/suite/*.ts`) into `out/e2e-suite/` (gitignored): one CommonJS
 * file per source, `vscode` and `mocha` left external (the extension host provides the first, the project's
 * node_modules the second). Used by runExtTests.mjs and runTestElectron.mjs.
 */
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from './codeServer.mjs';

/** Output folder of the bundled suite. */
export const suiteOutDir = path.join(projectRoot, 'out', 'e2e-suite');

/** Builds the suite and returns the path of its `index.js` (the `extensionTestsPath`). */
export async function buildSuite() {
  const srcDir = path.join(projectRoot, 'test', 'e2e', 'suite');
  fs.rmSync(suiteOutDir, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: fs.readdirSync(srcDir).filter((f) => f.endsWith('.ts')).map((f) => path.join(srcDir, f)),
    outdir: suiteOutDir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
  return path.join(suiteOutDir, 'index.js');
}
