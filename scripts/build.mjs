// One esbuild script, four bundles (pattern: Copilot Chat's .esbuild.ts, vscode-extension-samples/esbuild-sample).
//   extension  node/cjs, `vscode` external            -> dist/extension.js
//   worker     node/cjs, `onnxruntime-node` external  -> dist/worker.js   (own process, see src/worker)
//   cli        node/cjs, shebang                      -> dist/cli.js      (package.json bin: ml-preflight)
//   webview    browser/esm                            -> dist/webview/*.js
// esbuild strips types without checking them: `npm run typecheck` runs tsc --noEmit.
import * as esbuild from 'esbuild';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';

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
  { ...node, entryPoints: ['src/vscode/extension.ts'], outfile: 'dist/extension.js', external: ['vscode', 'onnxruntime-node'] },
  { ...node, entryPoints: ['src/worker/worker.ts'], outfile: 'dist/worker.js', external: ['onnxruntime-node'] },
  // Data drift off the extension host's thread (src/core/drift/runDriftWorker.ts).
  { ...node, entryPoints: ['src/core/drift/driftWorker.ts'], outfile: 'dist/driftWorker.js' },
  { ...node, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', external: ['onnxruntime-node'], banner: { js: '#!/usr/bin/env node' }, define: { ML_PREFLIGHT_VERSION: JSON.stringify(pkg.version) } },
  {
    ...common,
    platform: 'browser',
    format: 'esm',
    // VS Code 1.100 ships Electron 34 -> Chrome 132 -> ES2024.
    target: 'es2022',
    entryPoints: { model: 'webview-ui/model/main.ts', profile: 'webview-ui/profile/main.ts', checklist: 'webview-ui/checklist/main.ts', drift: 'webview-ui/drift/main.ts' },
    outdir: 'dist/webview',
    logOverride: { 'import-is-undefined': 'error' },
  },
].filter((b) => Object.values(b.entryPoints).every((e) => existsSync(e)));

// The skew analysis (src/core/skew/pyAst.ts) parses Python with web-tree-sitter: both wasm files must sit next to
// the bundles (it looks in the bundle's own folder, __dirname = dist/).
mkdirSync('dist', { recursive: true });
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
  if (existsSync('dist/cli.js')) chmodSync('dist/cli.js', 0o755);
}
