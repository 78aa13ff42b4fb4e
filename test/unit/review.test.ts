/**
 * `review`: SARIF 2.1.0 (a structural check of what we emit, with readable messages; the official JSON schema
 * check is in sarifSchema.test.ts), the HTML report's escaping, exit codes by --fail-on, and the
 * `review` / `checklist` / `emit` CLI commands.
 */
import * as assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ITEMS } from '../../src/core/checklist/items';
import { fixCommand, renderReviewHtml } from '../../src/core/review/html';
import { reviewExitCode, runReview, type ReviewReport } from '../../src/core/review/review';
import { toSarif } from '../../src/core/review/sarif';
import { formatFindingCounts } from '../../src/shared/checklist';
import { EXAMPLE_MODEL } from '../fixtures/emit/models';
import { DT, graph, model, node, tensorInfo } from '../support/onnxBuilder';
import { runCliCaptured } from '../support/cli';

const ROOT = path.resolve(__dirname, '..', '..');
const EXAMPLES = path.join(ROOT, 'examples');

const cli = (args: string[], cwd = ROOT): ReturnType<typeof runCliCaptured> => runCliCaptured(args, cwd);

type Json = Record<string, unknown>;

/**
 * Structural SARIF 2.1.0 check of the subset we write (required properties and types per the OASIS spec,
 * §3.13 sarifLog, §3.14 run, §3.19 toolComponent, §3.27 result, §3.28 location, §3.30 region).
 */
export function sarifErrors(log: unknown): string[] {
  const errors: string[] = [];
  const need = (cond: boolean, msg: string) => {
    if (!cond) errors.push(msg);
  };
  const obj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
  need(obj(log), 'log is an object');
  if (!obj(log)) return errors;
  need(log.version === '2.1.0', 'version is "2.1.0"');
  need(typeof log.$schema === 'string' && /sarif-2\.1\.0/.test(log.$schema), '$schema names sarif 2.1.0');
  need(Array.isArray(log.runs) && log.runs.length >= 1, 'runs is a non-empty array');
  for (const [ri, run] of ((log.runs as unknown[]) ?? []).entries()) {
    need(obj(run), `runs[${ri}] is an object`);
    if (!obj(run)) continue;
    const driver = obj(run.tool) && obj(run.tool.driver) ? run.tool.driver : undefined;
    need(!!driver && typeof driver.name === 'string' && driver.name.length > 0, 'tool.driver.name');
    const rules = (driver?.rules ?? []) as Json[];
    need(Array.isArray(rules), 'rules is an array');
    const ids = rules.map((r) => r.id);
    need(new Set(ids).size === ids.length, 'rule ids are unique');
    for (const r of rules) {
      need(typeof r.id === 'string', 'rule.id');
      need(obj(r.shortDescription) && typeof r.shortDescription.text === 'string', `rule ${String(r.id)} shortDescription.text`);
      need(!r.defaultConfiguration || ['none', 'note', 'warning', 'error'].includes(String((r.defaultConfiguration as Json).level)), 'defaultConfiguration.level');
    }
    if (run.originalUriBaseIds !== undefined) {
      for (const [k, v] of Object.entries(run.originalUriBaseIds as Json)) need(obj(v) && typeof v.uri === 'string' && /^file:\/\/.*\/$/.test(v.uri), `originalUriBaseIds.${k}.uri is an absolute file URI ending in /`);
    }
    need(Array.isArray(run.results), 'results is an array');
    for (const [i, res] of ((run.results as unknown[]) ?? []).entries()) {
      const where = `results[${i}]`;
      need(obj(res), `${where} is an object`);
      if (!obj(res)) continue;
      need(obj(res.message) && typeof res.message.text === 'string' && res.message.text.length > 0, `${where}.message.text`);
      need(['none', 'note', 'warning', 'error'].includes(String(res.level)), `${where}.level`);
      need(typeof res.ruleId === 'string' && ids.includes(res.ruleId), `${where}.ruleId is a declared rule`);
      need(res.ruleIndex === undefined || (Number.isInteger(res.ruleIndex) && rules[res.ruleIndex as number]?.id === res.ruleId), `${where}.ruleIndex points at its rule`);
      for (const loc of (res.locations as Json[] | undefined) ?? []) {
        const pl = loc.physicalLocation as Json | undefined;
        const al = pl?.artifactLocation as Json | undefined;
        need(!!al && typeof al.uri === 'string' && !/^[a-z]+:/i.test(al.uri) && !al.uri.split('/').includes('..'), `${where} artifactLocation.uri is relative and inside the root`);
        need(!al?.uriBaseId || al.uriBaseId === '%SRCROOT%', `${where} uriBaseId`);
        const region = pl?.region as Json | undefined;
        if (region) {
          need(Number.isInteger(region.startLine) && (region.startLine as number) >= 1, `${where} region.startLine ≥ 1`);
          need(region.startColumn === undefined || (Number.isInteger(region.startColumn) && (region.startColumn as number) >= 1), `${where} region.startColumn ≥ 1`);
        }
      }
    }
  }
  return errors;
}

describe('review', function () {
  this.timeout(60_000);
  let tmp: string;
  let example: ReviewReport;

  before(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'mlp-review-'));
    example = await runReview(EXAMPLES, { version: '0.0.0-test', now: () => new Date('2026-11-23T12:00:00Z') });
  });
  after(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('the HTML report gives each fix as the exact command on the workspace\'s model and samples, and its counts say their units', () => {
    const html = renderReviewHtml(example);
    assert.match(html, /<code class="cmd">ml-preflight emit docker --model models\/classifier\.onnx --out deploy\/docker<\/code>/);
    assert.match(html, /<code class="cmd">ml-preflight emit k6 --model models\/classifier\.onnx --out deploy\/loadtest<\/code>/);
    assert.doesNotMatch(html, /&lt;model\.onnx&gt;/, 'no placeholder where the model is known');
    assert.match(html, /Checklist: \d+ items fail, /);
    assert.match(html, /Findings: \d+ error findings, \d+ warnings?/);
    assert.match(html, /<div class="table-wrap"><table class="models">/, 'the models table scrolls inside its own box at narrow widths');
    assert.equal(fixCommand('run.drift', { drift: { reference: 'data/ref file.csv', current: 'data/cur.csv' } }), "ml-preflight drift 'data/ref file.csv' data/cur.csv");
    assert.equal(fixCommand('doc', { model: 'm.onnx' }), undefined);
  });

  it('flattens failed and warned items into findings with locations', () => {
    const health = example.findings.find((f) => f.ruleId === 'checklist/serving.health');
    assert.deepEqual(health, { ruleId: 'checklist/serving.health', level: 'error', message: 'Health and readiness endpoints: No /health or /ready route in serving/app.py', file: 'serving/app.py', line: 1 });
    // Every failed item yields at least one error; skew yields one per difference, at the serving line.
    assert.ok(example.findings.filter((f) => f.level === 'error').length >= example.checklist.counts.fail);
    const skew = example.findings.filter((f) => f.ruleId.startsWith('skew/'));
    assert.ok(skew.length >= 3, JSON.stringify(example.checklist.warnings));
    assert.ok(skew.every((f) => f.file === 'serving/app.py' && Number.isInteger(f.line)));
    assert.equal(example.models.length, 1);
    assert.equal(example.models[0]!.inspection?.inputs[0]?.name, 'image');
  });

  it('exit code by --fail-on', () => {
    assert.equal(reviewExitCode(example, 'error'), 1);
    assert.equal(reviewExitCode(example, 'warning'), 1);
    assert.equal(reviewExitCode(example, 'never'), 0);
    const onlyWarnings: ReviewReport = { ...example, findings: example.findings.filter((f) => f.level !== 'error') };
    assert.equal(reviewExitCode(onlyWarnings, 'error'), 0);
    assert.equal(reviewExitCode(onlyWarnings, 'warning'), 1);
    assert.equal(reviewExitCode({ ...example, findings: [] }, 'warning'), 0);
  });

  it('SARIF 2.1.0: validates structurally, paths relative to the repository root', () => {
    const sarif = toSarif(example, { repoRoot: ROOT });
    assert.deepEqual(sarifErrors(sarif), []);
    const run = (sarif.runs as Json[])[0]!;
    const results = run.results as Json[];
    assert.equal(results.length, example.findings.length);
    const health = results.find((r) => r.ruleId === 'checklist/serving.health')!;
    assert.deepEqual(health.locations, [{ physicalLocation: { artifactLocation: { uri: 'examples/serving/app.py', uriBaseId: '%SRCROOT%' }, region: { startLine: 1 } } }]);
    assert.equal(((run.originalUriBaseIds as Json)['%SRCROOT%'] as Json).uri, `file://${ROOT}/`);
    const rule = ((run.tool as Json).driver as Json).rules as Json[];
    assert.equal((rule.find((r) => r.id === 'checklist/serving.health')!.shortDescription as Json).text, 'Health and readiness endpoints');
  });

  it('one severity vocabulary: info in the report, the HTML and the counts; note only in SARIF', () => {
    const info = { ruleId: 'model/inspection-warning', level: 'info' as const, message: 'models/classifier.onnx: model_version is not set', file: 'models/classifier.onnx' };
    const report: ReviewReport = { ...example, findings: [...example.findings, info] };
    const results = ((toSarif(report, { repoRoot: ROOT }).runs as Json[])[0]!.results as Json[]);
    assert.equal(results.find((r) => (r.message as Json).text === info.message)!.level, 'note');
    assert.ok(results.every((r) => ['error', 'warning', 'note'].includes(String(r.level))));
    assert.ok(report.findings.every((f) => ['error', 'warning', 'info'].includes(f.level)), 'the report itself never says note');
    assert.equal(formatFindingCounts(report.findings.filter((f) => f.level === 'info')), '0 error findings, 0 warnings, 1 info finding');
    const html = renderReviewHtml(report);
    assert.doesNotMatch(html, />note</, 'the HTML says info, not note');
  });

  it('the SARIF validator can fail', () => {
    const sarif = toSarif(example) as Json;
    const broken = structuredClone(sarif) as { version: string; runs: { results: { level: string; ruleId: string; locations?: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
    broken.version = '2.0.0';
    broken.runs[0]!.results[0]!.level = 'fatal';
    broken.runs[0]!.results[1]!.ruleId = 'not-declared';
    const withLoc = broken.runs[0]!.results.find((r) => r.locations)!;
    withLoc.locations![0]!.physicalLocation.artifactLocation.uri = '../outside';
    const errors = sarifErrors(broken);
    assert.ok(errors.includes('version is "2.1.0"'));
    assert.ok(errors.some((e) => e.endsWith('.level')));
    assert.ok(errors.some((e) => e.endsWith('ruleId is a declared rule')));
    assert.ok(errors.some((e) => e.includes('relative and inside the root')));
  });

  it('skew findings carry their serving-code location into SARIF', async () => {
    const ws = path.join(tmp, 'skewws');
    await mkdir(path.join(ws, '.mlpreflight'), { recursive: true });
    await writeFile(path.join(ws, '.mlpreflight', 'skew.json'), JSON.stringify({ findings: [{ id: 'resize-interpolation', severity: 'error', message: 'nearest vs bilinear', file: 'serving/app.py', line: 35 }] }));
    const report = await runReview(ws);
    const result = ((toSarif(report).runs as Json[])[0]!.results as Json[]).find((r) => r.ruleId === 'skew/resize-interpolation')!;
    assert.deepEqual((result.locations as Json[])[0], { physicalLocation: { artifactLocation: { uri: 'serving/app.py', uriBaseId: '%SRCROOT%' }, region: { startLine: 35 } } });
  });

  it('HTML report: self-contained, everything from the workspace escaped, no script can run', async () => {
    const payload = '<img src=x onerror=alert(1)>';
    const ws = path.join(tmp, 'xss');
    await mkdir(path.join(ws, payload.replace(/\//g, '_')), { recursive: true });
    await writeFile(path.join(ws, payload.replace(/\//g, '_'), 'Dockerfile'), `FROM python\nENV SECRET_TOKEN="<script>alert(2)</script>"\n`);
    const evil = model({ graph: graph({ nodes: [node('Relu', ['<script>alert(3)</script>'], ['y'])], inputs: [tensorInfo('<script>alert(3)</script>', DT.FLOAT, ['batch', 2])], outputs: [tensorInfo('y', DT.FLOAT, ['batch', 2])] }) });
    await writeFile(path.join(ws, 'evil.onnx'), evil);
    const html = renderReviewHtml(await runReview(ws));
    assert.ok(!/<script/i.test(html), 'no <script> element');
    assert.ok(!/<img/i.test(html), 'no <img> element');
    assert.ok(!/<[a-z][^>]*\son\w+\s*=/i.test(html), 'no element with an event handler attribute');
    assert.ok(html.includes('&#60;img src=x onerror=alert(1)&#62;'), 'the payload is shown as text');
    assert.ok(html.includes('&#60;script&#62;alert(3)&#60;/script&#62;'), 'the model input name is shown as text');
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">/);
    assert.ok(!/(src|href)="https?:/.test(html), 'no external resources');
  });

  it('is fast on the example workspace', () => {
    // Not a timing assertion: the number is reported; the target (< 5 s) is in bench/review.ts.
    assert.ok(Number.isFinite(example.durationMs));
  });
});

describe('CLI: review, checklist, emit', function () {
  this.timeout(60_000);
  let tmp: string;
  before(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'mlp-cli-review-'));
  });
  after(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('review examples: exit 1 by default, 0 with --fail-on never; writes HTML and SARIF', async () => {
    const html = path.join(tmp, 'out', 'review.html');
    const sarif = path.join(tmp, 'out', 'review.sarif');
    const r = await cli(['review', 'examples', '--html', html, '--sarif', sarif]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /Deployment checklist: examples/);
    assert.match(r.stdout, /--fail-on error: exit 1/);
    assert.match(await readFile(html, 'utf8'), /<h1>ML Preflight review<\/h1>/);
    const log = JSON.parse(await readFile(sarif, 'utf8')) as Json;
    assert.deepEqual(sarifErrors(log), []);
    assert.ok(((log.runs as Json[])[0]!.results as Json[]).some((res) => JSON.stringify(res).includes('"examples/serving/app.py"')));
    assert.equal((await cli(['review', 'examples', '--fail-on', 'never'])).code, 0);
    assert.equal((await cli(['review', 'examples', '--fail-on', 'warning'])).code, 1);
  });

  it('review --json prints the report; bad input is exit 2 with one line', async () => {
    const r = await cli(['review', 'examples', '--json', '--fail-on', 'never']);
    const j = JSON.parse(r.stdout) as ReviewReport;
    assert.equal(j.checklist.items.length >= 20, true);
    const bad = await cli(['review', 'examples', '--fail-on', 'sometimes']);
    assert.equal(bad.code, 2);
    assert.equal(bad.stderr, "ml-preflight: review: --fail-on must be error, warning or never, got 'sometimes'\n");
    const missing = await cli(['review', 'no/such/dir']);
    assert.equal(missing.code, 2);
    assert.equal(missing.stderr, 'ml-preflight: review: no/such/dir: not-found: no such folder\n');
  });

  it('checklist --json / text; exit 1 when an item fails', async () => {
    const r = await cli(['checklist', 'examples', '--json']);
    assert.equal(r.code, 1);
    const j = JSON.parse(r.stdout) as { items: { id: string; status: string }[] };
    assert.equal(j.items.find((i) => i.id === 'serving.health')?.status, 'fail');
    const text = await cli(['checklist', 'examples']);
    assert.match(text.stdout, /✗ fail\s+Health and readiness endpoints/);
    const ok = path.join(tmp, 'allna');
    await mkdir(path.join(ok, '.mlpreflight'), { recursive: true });
    await writeFile(path.join(ok, '.mlpreflight', 'checklist.json'), JSON.stringify({ version: 1, na: Object.fromEntries(ITEMS.map((i) => [i.id, { reason: 'test' }])) }));
    assert.equal((await cli(['checklist', ok])).code, 0);
  });

  it('emit triton writes the model repository; re-runs are idempotent; changed files are kept without --force', async () => {
    const out = path.join(tmp, 'repo');
    const first = await cli(['emit', 'triton', '--model', EXAMPLE_MODEL, '--out', out]);
    assert.equal(first.code, 0, first.stderr);
    const cfgPath = path.join(out, 'classifier', 'config.pbtxt');
    assert.match(await readFile(cfgPath, 'utf8'), /max_batch_size: 8/);
    assert.deepEqual(await readFile(path.join(out, 'classifier', '1', 'model.onnx')), await readFile(EXAMPLE_MODEL));
    const again = await cli(['emit', 'triton', '--model', EXAMPLE_MODEL, '--out', out]);
    assert.equal(again.code, 0);
    assert.match(again.stdout, /unchanged/);
    await writeFile(cfgPath, 'name: "mine"\n');
    const kept = await cli(['emit', 'triton', '--model', EXAMPLE_MODEL, '--out', out]);
    assert.equal(kept.code, 1);
    assert.match(kept.stdout, /^-name: "mine"$/m);
    assert.equal(await readFile(cfgPath, 'utf8'), 'name: "mine"\n');
    const forced = await cli(['emit', 'triton', '--model', EXAMPLE_MODEL, '--out', out, '--force']);
    assert.equal(forced.code, 0);
    assert.match(await readFile(cfgPath, 'utf8'), /name: "classifier"/);
  });

  it('emit uses --profile for the queue delay and rejects bad input with exit 2', async () => {
    const profile = path.join(tmp, 'profile.json');
    await writeFile(profile, JSON.stringify({ p50Ms: 2, p99Ms: 10, budgetMs: 30, batch: 4 }));
    const out = path.join(tmp, 'prof');
    assert.equal((await cli(['emit', 'triton,k6', '--model', EXAMPLE_MODEL, '--out', out, '--profile', profile])).code, 0);
    const cfg = await readFile(path.join(out, 'classifier', 'config.pbtxt'), 'utf8');
    assert.match(cfg, /max_batch_size: 4/);
    assert.match(cfg, /max_queue_delay_microseconds: 5000/);
    assert.match(await readFile(path.join(out, 'k6.js'), 'utf8'), /p\(99\)<30/);
    const cases: [string[], string][] = [
      [['emit', 'helm', '--model', EXAMPLE_MODEL, '--out', out], "ml-preflight: emit: unknown target 'helm' (targets: docker, triton, kserve, k8s, prometheus, k6, all)\n"],
      [['emit', 'triton', '--out', out], 'ml-preflight: emit: --model <m.onnx> is required\n'],
      [['emit', 'triton', '--model', EXAMPLE_MODEL], 'ml-preflight: emit: --out <dir> is required\n'],
      [['emit', 'triton', '--model', 'missing.onnx', '--out', out], 'ml-preflight: emit: missing.onnx: not-found: no such file\n'],
      [['emit', 'kserve', '--model', EXAMPLE_MODEL, '--out', out, '--canary', '150'], "ml-preflight: emit: --canary must be an integer 0…100, got '150'\n"],
    ];
    for (const [args, stderr] of cases) {
      const r = await cli(args);
      assert.equal(r.code, 2, args.join(' '));
      assert.equal(r.stderr, stderr, args.join(' '));
    }
    await writeFile(profile, '{');
    const bad = await cli(['emit', 'triton', '--model', EXAMPLE_MODEL, '--out', out, '--profile', profile]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /profile\.json: not valid JSON/);
  });
});

describe('review: report files', () => {
  let tmp: string;
  before(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'mlp-review-out-'));
  });
  after(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('replaces its own earlier reports; refuses a user file without --force, before doing any work', async () => {
    const html = path.join(tmp, 'review.html');
    const sarif = path.join(tmp, 'review.sarif');
    for (let i = 0; i < 2; i++) {
      const r = await cli(['review', 'examples', '--html', html, '--sarif', sarif, '--fail-on', 'never']);
      assert.equal(r.code, 0, r.stderr);
    }
    const mine = path.join(tmp, 'mine.json');
    await writeFile(mine, '{"keep": true}\n');
    const refused = await cli(['review', 'examples', '--sarif', mine, '--fail-on', 'never']);
    assert.equal(refused.code, 2);
    assert.equal(refused.stdout, '');
    assert.match(refused.stderr, /mine\.json exists and was not written by ML Preflight; pass --force/);
    assert.equal(await readFile(mine, 'utf8'), '{"keep": true}\n');
    assert.equal((await cli(['review', 'examples', '--sarif', mine, '--fail-on', 'never', '--force'])).code, 0);
    assert.match(await readFile(mine, 'utf8'), /"version": "2.1.0"/);
  });
});
