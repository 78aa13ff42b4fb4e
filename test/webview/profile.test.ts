/**
 * The profile results webview in headless Chromium under its real CSP (page from `renderWebviewHtml`, bundle
 * `webview-ui/profile/main.ts` built like `scripts/build.mjs` does), fed with a real profile of the example
 * model whose strings were replaced by HTML/script payloads.
 */
import * as assert from 'node:assert/strict';
import * as esbuild from 'esbuild';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { profileModel } from '../../src/core/profile/profile';
import type { ProfileHostToWebview } from '../../src/shared/profileProtocol';
import type { ProfileResult } from '../../src/shared/profileResult';
import { makeNonce, renderWebviewHtml } from '../../src/shared/webviewHtml';
import { launchChromium, ORIGIN, serveWebview, type BrowserGlobals } from './support/inspectorPage';

const ROOT = path.resolve(__dirname, '..', '..');
const PAGE_URL = `${ORIGIN}/index.html`;
const SCRIPT_URL = `${ORIGIN}/dist/webview/profile.js`;
const STYLE_URL = `${ORIGIN}/media/webview/profile.css`;
const PAYLOAD = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';

const INIT_SCRIPT = `
  window.__posted = [];
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__cspViolations.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline'));
  });
  let acquired = false;
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('An instance of the VS Code API has already been acquired');
    acquired = true;
    return Object.freeze({ postMessage: (m) => { window.__posted.push(JSON.parse(JSON.stringify(m))); }, getState: () => undefined, setState: (s) => s });
  };
`;

async function buildBundle(): Promise<string> {
  const result = await esbuild.build({
    entryPoints: [path.join(ROOT, 'webview-ui', 'profile', 'main.ts')],
    bundle: true, platform: 'browser', format: 'esm', target: 'es2022', write: false, logLevel: 'silent',
    logOverride: { 'import-is-undefined': 'error' },
  });
  return result.outputFiles[0]!.text;
}

describe('profile results webview (Chromium)', function () {
  this.timeout(60_000);
  let browser: Browser;
  let bundle: string;
  let result: ProfileResult;
  let page: Page | undefined;

  before(async () => {
    [bundle, browser, result] = await Promise.all([
      buildBundle(),
      launchChromium(),
      profileModel(path.join(ROOT, 'examples', 'models', 'classifier.onnx'), {
        workerPath: path.join(ROOT, 'src', 'worker', 'worker.ts'), execArgv: ['--require', 'tsx/cjs'],
        batches: [1, 2, 4], iterations: 30, warmup: 2, opProfileRuns: 2, budgetMs: 1000,
      }),
    ]);
    // Model-derived strings carry markup: the page must show them as text.
    result.ops[0]!.op = PAYLOAD;
    result.opProfile!.topNodes[0]!.node = PAYLOAD;
    result.notes.push(PAYLOAD);
    result.warnings.push(PAYLOAD);
  });

  after(async () => {
    await browser?.close();
  });

  afterEach(async () => {
    await page?.context().close();
    page = undefined;
  });

  async function open(): Promise<Page> {
    const html = renderWebviewHtml({ cspSource: ORIGIN, nonce: makeNonce(), scriptUri: SCRIPT_URL, styleUri: STYLE_URL, title: 'Profile' });
    const context = await browser.newContext();
    await serveWebview(context, { pageUrl: PAGE_URL, html, scriptUrl: SCRIPT_URL, bundle });
    await context.addInitScript({ content: INIT_SCRIPT });
    page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(PAGE_URL);
    await page.waitForFunction(() => (globalThis as unknown as BrowserGlobals).__posted.length > 0, undefined, { timeout: 15_000 });
    assert.deepEqual(errors, []);
    return page;
  }

  async function send(p: Page, message: ProfileHostToWebview): Promise<void> {
    await p.evaluate((data) => {
      const w = globalThis as unknown as BrowserGlobals;
      w.dispatchEvent(new w.MessageEvent('message', { data }));
    }, message);
  }

  it('says webview/ready, then renders a result: numbers, tables, SVG charts', async () => {
    const p = await open();
    assert.deepEqual(await p.evaluate(() => (globalThis as unknown as BrowserGlobals).__posted), [{ type: 'webview/ready' }]);
    await send(p, { type: 'profile/show', file: '/work/examples/models/classifier.onnx', result });
    assert.equal(await p.getAttribute('#app', 'data-state'), 'ready');
    assert.equal(await p.textContent('#profile-title'), 'Profile: classifier.onnx');
    assert.match((await p.textContent('#summary .fact[data-key="p50"] .value')) ?? '', /^\d[\d.,]* ms$/);
    assert.equal(await p.locator('#runs tr[data-batch]').count(), 3);
    assert.match((await p.textContent('#runs tr[data-batch="4"] td.p99')) ?? '', / ms$/);
    assert.equal(await p.textContent('#runs tr[data-batch="1"] td.budget'), 'within');
    assert.ok(await p.locator('#latency-chart svg rect.bar').count() >= 5, 'histogram bars');
    assert.equal(await p.locator('#latency-chart svg polyline.ecdf').count(), 1);
    assert.equal(await p.locator('#sweep-chart svg rect.bar').count(), 3);
    assert.equal(await p.locator('#sweep-chart svg circle.p99-dot').count(), 3);
    // The advice follows measured throughput (see budget.ts): the Triton block, or why batching does not help.
    assert.match((await p.textContent('#advice')) ?? '', /max_queue_delay_microseconds: \d+|throughput does not grow/);
    assert.ok(await p.locator('#ops tbody tr').count() >= 5);
    assert.deepEqual(await p.evaluate(() => (globalThis as unknown as BrowserGlobals).__cspViolations), []);
  });

  it('escapes op names, node names, notes and warnings', async () => {
    const p = await open();
    await send(p, { type: 'profile/show', file: 'x<b>.onnx', result });
    assert.equal(await p.locator('#ops td.op').first().textContent(), PAYLOAD);
    assert.equal(await p.locator('img').count(), 0);
    assert.equal(await p.locator('#app script').count(), 0);
    assert.ok(((await p.textContent('#warnings')) ?? '').includes(PAYLOAD));
    assert.ok(((await p.textContent('#notes')) ?? '').includes(PAYLOAD));
    assert.equal(await p.textContent('#profile-title'), 'Profile: x<b>.onnx');
    assert.equal(await p.evaluate(() => (globalThis as unknown as BrowserGlobals).__pwned), undefined);
    assert.deepEqual(await p.evaluate(() => (globalThis as unknown as BrowserGlobals).__cspViolations), []);
  });

  it('switches the distribution between batch sizes and posts rerun', async () => {
    const p = await open();
    await send(p, { type: 'profile/show', file: 'm.onnx', result });
    assert.equal(await p.getAttribute('#batch-picker button[data-batch="1"]', 'aria-pressed'), 'true');
    await p.click('#batch-picker button[data-batch="4"]');
    assert.equal(await p.getAttribute('#batch-picker button[data-batch="4"]', 'aria-pressed'), 'true');
    assert.equal(await p.getAttribute('#batch-picker button[data-batch="1"]', 'aria-pressed'), 'false');
    assert.match((await p.getAttribute('#latency-chart svg', 'aria-label')) ?? '', /batch 4/);
    await p.click('#rerun');
    const posted = await p.evaluate(() => (globalThis as unknown as BrowserGlobals).__posted);
    assert.deepEqual(posted[posted.length - 1], { type: 'profile/rerun' });
  });

  it('shows the running state and errors as text', async () => {
    const p = await open();
    await send(p, { type: 'profile/running', file: 'm.onnx', message: 'batch 2: measuring' });
    assert.equal(await p.getAttribute('#app', 'data-state'), 'running');
    assert.match((await p.textContent('#running')) ?? '', /batch 2: measuring/);
    await send(p, { type: 'profile/error', file: 'm.onnx', kind: 'run-failed', message: PAYLOAD });
    assert.equal(await p.getAttribute('#app', 'data-state'), 'error');
    assert.equal(await p.textContent('#error p'), PAYLOAD);
    assert.equal(await p.locator('img').count(), 0);
    // Garbage is ignored.
    await send(p, { type: 'profile/show', file: 'm.onnx' } as unknown as ProfileHostToWebview);
    assert.equal(await p.getAttribute('#app', 'data-state'), 'error');
  });
});
