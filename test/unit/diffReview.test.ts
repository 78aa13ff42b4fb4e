/** The checklist item "Serving contract unchanged, or versioned", `review --base <ref>` and its SARIF. */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runChecklist } from '../../src/core/checklist/evaluate';
import type { ChecklistItemResult } from '../../src/shared/checklist';
import { runCliCaptured } from '../support/cli';
import { DT, graph, model, node, tensorInfo } from '../support/onnxBuilder';

function m(input: string, version: number, metadata: Record<string, string> = {}): Uint8Array {
  return model({
    graph: graph({ nodes: [node('Relu', [input], ['y'])], inputs: [tensorInfo(input, DT.FLOAT, ['batch', 8])], outputs: [tensorInfo('y', DT.FLOAT, ['batch', 8])] }),
    modelVersion: version,
    metadata: { author: 't', ...metadata },
  });
}

const PBTXT = `name: "m"\nplatform: "onnxruntime_onnx"\nmax_batch_size: 8\ninput [\n  {\n    name: "x"\n    data_type: TYPE_FP32\n    dims: [ 8 ]\n  }\n]\n`;

describe('checklist: serving contract unchanged, or versioned', function () {
  this.timeout(60_000);
  let repo: string;
  const git = (...args: string[]): string =>
    execFileSync('git', args, { cwd: repo, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' } });
  const item = async (base?: string): Promise<ChecklistItemResult> => (await runChecklist(repo, { live: false, base })).items.find((i) => i.id === 'model.contract')!;

  beforeEach(async () => {
    repo = await mkdtemp(path.join(tmpdir(), 'mlp-contract-'));
    await mkdir(path.join(repo, 'models'));
    await mkdir(path.join(repo, 'triton', 'm'), { recursive: true });
    git('init', '-q', '-b', 'main');
    await writeFile(path.join(repo, 'models', 'm.onnx'), m('x', 1));
    await writeFile(path.join(repo, 'triton', 'm', 'config.pbtxt'), PBTXT);
    git('add', '.');
    git('commit', '-q', '-m', 'base');
  });
  afterEach(async () => {
    await rm(repo, { recursive: true, force: true });
  });

  it('passes when the contract is unchanged', async () => {
    const r = await item('main');
    assert.equal(r.status, 'pass');
    assert.equal(r.summary, 'Serving contract unchanged since main');
  });

  it('fails on a breaking change without a version bump, and names the serving config that must change', async () => {
    await writeFile(path.join(repo, 'models', 'm.onnx'), m('pixels', 1));
    const r = await item('main');
    assert.equal(r.status, 'fail');
    assert.equal(r.summary, '1 model(s) break the serving contract since main without a version bump');
    assert.deepEqual(r.findings.map((f) => [f.ruleId, f.file, f.line]), [
      ['contract/input-renamed', 'models/m.onnx', undefined],
      ['contract/config-must-change', 'triton/m/config.pbtxt', 6],
    ]);
  });

  it('runs no git when git is not allowed (an untrusted VS Code workspace): unknown, saying why', async () => {
    await writeFile(path.join(repo, 'models', 'm.onnx'), m('pixels', 1));
    const r = (await runChecklist(repo, { live: false, base: 'main', git: false })).items.find((i) => i.id === 'model.contract')!;
    assert.equal(r.status, 'unknown');
    assert.match(r.summary, /trusted workspace/);
    assert.deepEqual(r.findings, []);
  });

  it('passes a breaking change with model_version bumped, or a new version in .mlpreflight/versions.json', async () => {
    await writeFile(path.join(repo, 'models', 'm.onnx'), m('pixels', 2));
    const r = await item('main');
    assert.equal(r.status, 'pass');
    assert.match(r.evidence[0]!.text, /versioned \(declared version 1 → 2\)/);
    await writeFile(path.join(repo, 'models', 'm.onnx'), m('pixels', 1));
    await mkdir(path.join(repo, '.mlpreflight'));
    await writeFile(path.join(repo, '.mlpreflight', 'versions.json'), JSON.stringify({ 'models/m.onnx': '2.0' }));
    const v = await item('main');
    assert.equal(v.status, 'pass', v.summary);
    assert.match(v.evidence[0]!.text, /\.mlpreflight\/versions\.json: none → 2\.0/);
  });

  it('a new Triton version folder is versioned by construction', async () => {
    await mkdir(path.join(repo, 'triton', 'm', '2'));
    await writeFile(path.join(repo, 'triton', 'm', '2', 'model.onnx'), m('pixels', 1));
    const r = await item('main');
    assert.equal(r.status, 'pass');
    assert.ok(r.evidence.some((e) => e.file === 'triton/m/2/model.onnx' && /Triton version folder 2\//.test(e.text)));
  });

  it('outside git: unknown; a bad --base: fail', async () => {
    const plain = await mkdtemp(path.join(tmpdir(), 'mlp-nogit-'));
    try {
      await writeFile(path.join(plain, 'm.onnx'), m('x', 1));
      const r = (await runChecklist(plain, { live: false })).items.find((i) => i.id === 'model.contract')!;
      assert.equal(r.status, 'unknown');
    } finally {
      await rm(plain, { recursive: true, force: true });
    }
    assert.equal((await item('no-such-ref')).status, 'fail');
  });

  it('review --base grades it, exits 1, and writes the findings to SARIF', async () => {
    await writeFile(path.join(repo, 'models', 'm.onnx'), m('pixels', 1));
    const r = await runCliCaptured(['review', '.', '--base', 'main', '--sarif', 'out.sarif', '--fail-on', 'error', '--json'], repo);
    const report = JSON.parse(r.stdout) as { checklist: { items: ChecklistItemResult[] } };
    assert.equal(report.checklist.items.find((i) => i.id === 'model.contract')!.status, 'fail');
    assert.equal(r.code, 1);
    const sarif = JSON.parse(await readFile(path.join(repo, 'out.sarif'), 'utf8')) as { runs: Array<{ results: Array<{ ruleId: string; level: string; locations?: Array<{ physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } } }> }> }> };
    const results = sarif.runs[0]!.results.filter((x) => x.ruleId.startsWith('contract/'));
    assert.deepEqual(results.map((x) => [x.ruleId, x.level, x.locations?.[0]?.physicalLocation.artifactLocation.uri, x.locations?.[0]?.physicalLocation.region?.startLine]), [
      ['contract/input-renamed', 'error', 'models/m.onnx', undefined],
      ['contract/config-must-change', 'error', 'triton/m/config.pbtxt', 6],
    ]);
  });
});
