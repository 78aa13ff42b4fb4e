/**
 * Who computes the checklist's live skew report is the caller's choice (`ChecklistOptions.analyzeSkew`): the CLI
 * keeps the in-process analysis, VS Code passes the skew service's results or the skew worker thread. The hook is
 * used instead of the in-process analyzer, and the worker path grades the example workspace exactly as the
 * in-process path does.
 */
import * as assert from 'node:assert/strict';
import { build } from 'esbuild';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runChecklist } from '../../src/core/checklist/evaluate';
import { analyzeSkewInWorker, type AnalyzeSkew } from '../../src/core/checklist/liveSkew';
import { analyzePairs, analyzeWorkspace } from '../../src/core/skew/analyze';
import { discoverPairs } from '../../src/core/skew/pairing';
import { SkewWorkerClient } from '../../src/core/skew/runSkewWorker';
import type { ChecklistReport } from '../../src/shared/checklist';
import type { SkewReport } from '../../src/shared/skew';

const ROOT = path.resolve(__dirname, '..', '..');
const EXAMPLES = path.join(ROOT, 'examples');
const WORKER = { workerPath: path.join(ROOT, 'src', 'core', 'skew', 'skewWorker.ts'), execArgv: ['--require', 'tsx/cjs'] };

const skewItem = (r: ChecklistReport) => r.items.find((i) => i.id === 'data.skew')!;

/** The report without what differs between two runs of the same grading (timings). */
function comparable(r: ChecklistReport): unknown {
  return JSON.parse(JSON.stringify(r, (k, v: unknown) => (/^(generatedAt|durationMs|elapsedMs|startedAt|finishedAt)$/.test(k) ? undefined : v)));
}

describe('checklist: live skew through a caller-given analyzeSkew', function () {
  this.timeout(120_000);

  it('uses the hook (once, with the absolute root and the signal) and never runs the in-process analysis', async () => {
    // A pair configuration the analyzer rejects: the in-process default fails, and says so in a warning.
    const root = await mkdtemp(path.join(tmpdir(), 'mlp-ckskew-'));
    try {
      await mkdir(path.join(root, '.mlpreflight'));
      await writeFile(path.join(root, '.mlpreflight', 'skew.json'), '{ "pairs": 3 }');
      await writeFile(path.join(root, 'serve.py'), 'from fastapi import FastAPI\napp = FastAPI()\n');
      const byDefault = await runChecklist(root);
      assert.ok(byDefault.warnings.some((w) => /^skew analysis failed: .*skew\.json/.test(w)), byDefault.warnings.join('\n'));

      const report: SkewReport = {
        notes: [],
        pairs: [{
          pair: { training: [path.join(root, 'train.py')], serving: [path.join(root, 'serve.py')], source: 'config' },
          findings: [{
            kind: 'normalize-std', severity: 'error', confidence: 'high', message: 'std differs (hook)', trainingValue: '[0.229, 0.224, 0.225]', servingValue: '[0.5, 0.5, 0.5]',
            training: { file: path.join(root, 'train.py'), line: 3, column: 1, endLine: 3, endColumn: 9 },
            serving: { file: path.join(root, 'serve.py'), line: 2, column: 1, endLine: 2, endColumn: 4 },
            evidence: [],
          }],
        }],
      } as unknown as SkewReport;
      const calls: Array<{ root: string; signal?: AbortSignal }> = [];
      const hook: AnalyzeSkew = async (r, signal) => {
        calls.push({ root: r, signal });
        return report;
      };
      const controller = new AbortController();
      const withHook = await runChecklist(path.relative(process.cwd(), root), { analyzeSkew: hook, signal: controller.signal });
      assert.equal(calls.length, 1);
      assert.equal(calls[0]!.root, root);
      assert.equal(calls[0]!.signal, controller.signal);
      // No in-process run: its failure (the rejected skew.json) is absent; the hook's finding is graded.
      assert.ok(!withHook.warnings.some((w) => /skew analysis failed/.test(w)), withHook.warnings.join('\n'));
      const skew = skewItem(withHook);
      assert.equal(skew.status, 'fail');
      assert.deepEqual(skew.findings.map((f) => [f.ruleId, f.file, f.line]), [['skew/normalize-std', 'serve.py', 2]]);
      assert.match(skew.findings[0]!.message, /std differs \(hook\)/);

      // A hook that finds no pair: no skew facts (not the in-process result), and `live: false` never calls it.
      const none = await runChecklist(root, { analyzeSkew: async () => null });
      assert.notEqual(skewItem(none).status, 'fail');
      assert.ok(!none.warnings.some((w) => /skew analysis failed/.test(w)));
      await runChecklist(root, { analyzeSkew: hook, live: false });
      assert.equal(calls.length, 1);
      // A hook that fails: a warning naming the failure, as for the in-process analysis.
      const failed = await runChecklist(root, { analyzeSkew: async () => { throw new Error('skew worker: exited (code 1)'); } });
      assert.ok(failed.warnings.includes('skew analysis failed: skew worker: exited (code 1)'), failed.warnings.join('\n'));
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('grades the example workspace identically through the skew worker thread and in-process', async () => {
    const client = new SkewWorkerClient(WORKER);
    try {
      let used = 0;
      const inWorker = analyzeSkewInWorker(client);
      const viaWorker = await runChecklist(EXAMPLES, { analyzeSkew: (root, signal) => (used++, inWorker(root, signal)) });
      const inProcess = await runChecklist(EXAMPLES);
      assert.equal(used, 1);
      assert.equal(skewItem(inProcess).status, 'fail');
      assert.ok(skewItem(inProcess).findings.length >= 3, `${skewItem(inProcess).findings.length} findings`);
      assert.deepEqual(skewItem(viaWorker), skewItem(inProcess));
      assert.deepEqual(comparable(viaWorker), comparable(inProcess));
    } finally {
      client.dispose();
    }
  });

  it('a report assembled pair by pair (as the editor\'s skew service holds it) grades as the whole-workspace analysis', async () => {
    const { pairs } = discoverPairs(EXAMPLES);
    assert.ok(pairs.length >= 1);
    const perPair: SkewReport = { pairs: [], notes: [] };
    for (const pair of pairs) {
      const r = await analyzePairs([pair], { root: EXAMPLES });
      perPair.pairs.push(...r.pairs);
      perPair.notes.push(...r.notes);
    }
    const fromService = await runChecklist(EXAMPLES, { analyzeSkew: async () => perPair });
    const whole = await runChecklist(EXAMPLES, { analyzeSkew: (root, signal) => analyzeWorkspace(root, { signal }) });
    assert.deepEqual(skewItem(fromService), skewItem(whole));
  });

  it('the checklist bundle reaches the skew analyzer (tree-sitter) only through the dynamic import the build stubs', async () => {
    const result = await build({ entryPoints: [path.join(ROOT, 'src/vscode/checklist/register.ts')], bundle: true, write: false, metafile: true, platform: 'node', format: 'cjs', external: ['vscode', 'onnxruntime-node'], logLevel: 'silent', absWorkingDir: ROOT });
    const inputs = result.metafile.inputs;
    // Static reachability (import statements and require calls, not `import()`), from the bundle's entry.
    const seen = new Set<string>();
    const dynamic: string[] = [];
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const i of inputs[file]?.imports ?? []) {
        if (i.external) continue;
        if (i.kind === 'dynamic-import') dynamic.push(i.path);
        else visit(i.path);
      }
    };
    visit('src/vscode/checklist/register.ts');
    assert.ok(seen.has('src/core/skew/runSkewWorker.ts'), 'the checklist uses the skew worker client');
    for (const heavy of ['node_modules/web-tree-sitter/web-tree-sitter.cjs', 'src/core/skew/analyze.ts', 'src/core/skew/pyAst.ts']) assert.ok(!seen.has(heavy), `${heavy} is statically imported by the checklist bundle`);
    assert.ok(dynamic.includes('src/core/checklist/skewInProcess.ts'), dynamic.join(', '));
    // scripts/build.mjs replaces that module with a stub in the extension bundles (dist/ext-checklist.js has no tree-sitter).
  });
});
