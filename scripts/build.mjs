// One esbuild script, four bundles (pattern: Copilot Chat's .esbuild.ts, vscode-extension-samples/esbuild-sample).
//   extension  node/cjs, `vscode` external            -> dist/extension.js (light: activate() loads only this)
//              + dist/ext-checklist.js, ext-drift.js, ext-skew.js, ext-diff.js (heavy capabilities, required on first use)
//   worker     node/cjs, `onnxruntime-node` external  -> dist/worker.js   (own process, see src/worker)
//   cli        node/esm, code splitting               -> dist/cli.mjs + dist/cli-*.mjs chunks (one per command and
//              heavy library, loaded on first use); dist/cli.js is a 2-line launcher (package.json bin: ml-preflight)
//   webview    browser/esm                            -> dist/webview/*.js
// esbuild strips types without checking them: `npm run typecheck` runs tsc --noEmit.
import * as esbuild from 'esbuild';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Prints errors in the `[watch] build finished` format VS Code's esbuild problem matcher reads. */
const problemMatcher = {
  name: 'problem-matcher',
  setup(build) {
    build.onStart(() => { if (watch) console.log('[watch] build started'); });
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      if (watch) console.log('[watch] build finished');
    });
  },
};

/** Node globals that CommonJS code expects, for the ESM bundles (one line: sourcemaps stay aligned). */
const ESM_BANNER = "import { createRequire as __mlpCreateRequire } from 'node:module'; import { fileURLToPath as __mlpFileURLToPath } from 'node:url'; import { dirname as __mlpDirname } from 'node:path'; const require = __mlpCreateRequire(import.meta.url); const __filename = __mlpFileURLToPath(import.meta.url); const __dirname = __mlpDirname(__filename);";

/** `dist/cli.js`, the `bin`: starts the ESM bundle (package.json has no `"type": "module"`, so the bundle is .mjs). */
const CLI_LAUNCHER = `#!/usr/bin/env node
import('./cli.mjs');
`;

/**
 * The extension computes skew in dist/skewWorker.js or takes the skew service's results (the checklist passes
 * `analyzeSkew`, src/vscode/checklist/register.ts): the CLI's in-process default (src/core/checklist/skewInProcess.ts,
 * tree-sitter and the analyzer) is replaced by a stub that throws, so the checklist bundle does not carry it.
 */
const skewInWorkerOnly = {
  name: 'skew-in-worker-only',
  setup(build) {
    build.onResolve({ filter: /(^|\/)skewInProcess$/ }, (args) => ({ path: args.path, namespace: 'skew-in-worker-only' }));
    build.onLoad({ filter: /.*/, namespace: 'skew-in-worker-only' }, () => ({
      loader: 'js',
      contents: "export const analyzeSkewInProcess = async () => { throw new Error('ML Preflight: the extension runs the skew analysis in dist/skewWorker.js, not on the extension host (no analyzeSkew was passed)'); };",
    }));
  },
};

const common = {
  bundle: true,
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'warning',
  plugins: [problemMatcher],
};
const node = { ...common, platform: 'node', format: 'cjs', target: 'node20' };

/** @type {import('esbuild').BuildOptions[]} */
const builds = [
  // The extension: a light first bundle (tree, inspector, profiling, stubs; activate() loads only this) and
  // one bundle per heavy capability, required on first use (src/vscode/lazyFeature.ts). Each is
  // self-contained (CommonJS has no code splitting); shared state is passed in, never imported across them.
  {
    ...node,
    entryPoints: { extension: 'src/vscode/extension.ts', 'ext-checklist': 'src/vscode/checklist/register.ts', 'ext-drift': 'src/vscode/drift/register.ts', 'ext-skew': 'src/vscode/skew/register.ts', 'ext-diff': 'src/vscode/diff/register.ts' },
    outdir: 'dist',
    external: ['vscode', 'onnxruntime-node'],
    plugins: [...common.plugins, skewInWorkerOnly],
  },
  { ...node, entryPoints: ['src/worker/worker.ts'], outfile: 'dist/worker.js', external: ['onnxruntime-node'] },
  // Data drift off the extension host's thread (src/core/drift/runDriftWorker.ts).
  { ...node, entryPoints: ['src/core/drift/driftWorker.ts'], outfile: 'dist/driftWorker.js' },
  // Skew discovery and analysis off the extension host's thread (src/core/skew/runSkewWorker.ts).
  { ...node, entryPoints: ['src/core/skew/skewWorker.ts'], outfile: 'dist/skewWorker.js' },
  // ESM with splitting: `ml-preflight --version` loads ~20 KB instead of 4 MB. Chunks sit beside the entry (not in a
  // subfolder) so `__dirname` (worker.js, tree-sitter wasm lookups) is dist/ in every chunk; the banner gives the
  // bundled CommonJS code `require`, `__dirname` and `__filename`.
  {
    ...node,
    format: 'esm',
    splitting: true,
    entryPoints: { cli: 'src/cli/main.ts' },
    outdir: 'dist',
    outExtension: { '.js': '.mjs' },
    chunkNames: 'cli-[name]-[hash]',
    external: ['onnxruntime-node'],
    banner: { js: ESM_BANNER },
    define: { ML_PREFLIGHT_VERSION: JSON.stringify(pkg.version) },
  },
  {
    ...common,
    platform: 'browser',
    format: 'esm',
    // VS Code 1.100 ships Electron 34 -> Chrome 132 -> ES2024.
    target: 'es2022',
    entryPoints: { model: 'webview-ui/model/main.ts', profile: 'webview-ui/profile/main.ts', checklist: 'webview-ui/checklist/main.ts', drift: 'webview-ui/drift/main.ts', diff: 'webview-ui/diff/main.ts' },
    outdir: 'dist/webview',
    logOverride: { 'import-is-undefined': 'error' },
  },
].filter((b) => Object.values(b.entryPoints).every((e) => existsSync(e)));

// The skew analysis (src/core/skew/pyAst.ts) parses Python with web-tree-sitter: both wasm files must sit next to
// the bundles (it looks in the bundle's own folder, __dirname = dist/).
mkdirSync('dist', { recursive: true });
// Chunk names carry a content hash: drop the previous build's so dist/ (and the VSIX) holds one set.
for (const f of readdirSync('dist')) if (/^cli-.*\.mjs(\.map)?$/.test(f)) rmSync(`dist/${f}`);
writeFileSync('dist/cli.js', CLI_LAUNCHER);
chmodSync('dist/cli.js', 0o755);
copyFileSync('node_modules/web-tree-sitter/web-tree-sitter.wasm', 'dist/web-tree-sitter.wasm');
copyFileSync('node_modules/tree-sitter-python/tree-sitter-python.wasm', 'dist/tree-sitter-python.wasm');
// Codicons for the webviews (status icons, chevrons): the font and its stylesheet, served from dist/webview/.
mkdirSync('dist/webview', { recursive: true });
for (const f of ['codicon.css', 'codicon.ttf']) copyFileSync(`node_modules/@vscode/codicons/dist/${f}`, `dist/webview/${f}`);

if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
