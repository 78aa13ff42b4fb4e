/**
 * The checklist webview in headless Chromium under its real CSP (same harness idea as support/inspectorPage.ts):
 * renders the example workspace's graded checklist, posts typed messages for every button, and shows
 * workspace strings carrying HTML/script payloads as text.
 */
import * as assert from 'node:assert/strict';
import * as esbuild from 'esbuild';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { runChecklist } from '../../src/core/checklist/evaluate';
import type { ChecklistReport } from '../../src/shared/checklist';
import type { ChecklistHostToWebview } from '../../src/shared/checklistProtocol';
import { makeNonce, renderWebviewHtml } from '../../src/shared/webviewHtml';
import { launchChromium, ORIGIN, serveWebview, type BrowserGlobals } from './support/inspectorPage';

const ROOT = path.resolve(__dirname, '..', '..');
const PAGE_URL = `${ORIGIN}/checklist.html`;
const SCRIPT_URL = `${ORIGIN}/dist/webview/checklist.js`;
const STYLE_URL = `${ORIGIN}/media/webview/checklist.css`;

const INIT_SCRIPT = `
  window.__posted = [];
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__cspViolations.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline'));
  });
  let state;
  window.acquireVsCodeApi = () => Object.freeze({
    postMessage: (message) => { window.__posted.push(JSON.parse(JSON.stringify(message))); },
    getState: () => state,
    setState: (s) => { state = s; return s; },
  });
`;

const XSS = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';

interface View {
  page: Page;
  send(message: ChecklistHostToWebview): Promise<void>;
  posted(): Promise<unknown[]>;
  csp(): Promise<string[]>;
  close(): Promise<void>;
}

describe('checklist webview (Chromium)', function () {
  let browser: Browser;
  let bundle: string;
  let report: ChecklistReport;
  let view: View | undefined;

  before(async () => {
    const built = await esbuild.build({
      entryPoints: [path.join(ROOT, 'webview-ui', 'checklist', 'main.ts')],
      bundle: true, platform: 'browser', format: 'esm', target: 'es2022', write: false, logLevel: 'silent',
      logOverride: { 'import-is-undefined': 'error' },
    });
    bundle = built.outputFiles[0]!.text;
    report = await runChecklist(path.join(ROOT, 'examples'));
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    await view?.close();
    view = undefined;
  });

  async function open(): Promise<View> {
    const html = renderWebviewHtml({ cspSource: ORIGIN, nonce: makeNonce(), scriptUri: SCRIPT_URL, styleUri: STYLE_URL, title: 'Deployment Checklist' });
    const context = await browser.newContext();
    await serveWebview(context, { pageUrl: PAGE_URL, html, scriptUrl: SCRIPT_URL, bundle });
    await context.addInitScript({ content: INIT_SCRIPT });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(PAGE_URL);
    await page.waitForFunction(() => (globalThis as unknown as BrowserGlobals).__posted.length > 0, undefined, { timeout: 15_000 });
    view = {
      page,
      send: (message) => page.evaluate((data) => {
        const w = globalThis as unknown as BrowserGlobals;
        w.dispatchEvent(new w.MessageEvent('message', { data }));
      }, message),
      posted: () => page.evaluate(() => (globalThis as unknown as BrowserGlobals).__posted),
      csp: () => page.evaluate(() => (globalThis as unknown as BrowserGlobals).__cspViolations),
      close: async () => {
        assert.deepEqual(errors, [], 'no page errors');
        await context.close();
      },
    };
    return view;
  }

  it('says webview/ready, shows loading, then the example checklist grouped by area with statuses', async () => {
    const v = await open();
    assert.deepEqual(await v.posted(), [{ type: 'webview/ready' }]);
    await v.send({ type: 'checklist/loading', folder: 'examples' });
    assert.equal(await v.page.textContent('#app'), 'Grading examples…');
    await v.send({ type: 'checklist/show', folder: 'examples', report });
    assert.equal(await v.page.getAttribute('#app', 'data-state'), 'ready');
    assert.equal(await v.page.locator('details.item').count(), report.items.length);
    assert.equal(await v.page.locator('section.area').count(), new Set(report.items.map((i) => i.area)).size);
    assert.equal((await v.page.textContent('[data-count="fail"]'))!.trim(), `${report.counts.fail} fail`);
    assert.equal(await v.page.locator('[data-count="fail"] .codicon.codicon-error').count(), 1, 'a codicon, not a text glyph');
    // Status pills share one width, so every title starts at the same x; each summary has an expand chevron.
    const widths = await v.page.locator('details.item .badge').evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().width)));
    assert.equal(new Set(widths).size, 1, `pill widths ${[...new Set(widths)].join(', ')}`);
    const titleX = await v.page.locator('details.item summary .title').evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().left)));
    assert.equal(new Set(titleX).size, 1, `titles start at ${[...new Set(titleX)].join(', ')}`);
    assert.equal(await v.page.locator('details.item summary .codicon-chevron-right').count(), report.items.length);
    assert.equal(await v.page.getAttribute('#item-serving\\.health', 'class'), 'item s-fail');
    assert.match((await v.page.textContent('#item-serving\\.health summary'))!, /Health and readiness endpoints.*No \/health or \/ready route/);
    assert.equal(await v.page.getAttribute('#item-perf\\.latency .badge', 'data-status'), 'unknown');
    assert.deepEqual(await v.csp(), []);
  });

  it('posts typed messages for Generate, fix actions, evidence links, n/a and refresh', async () => {
    const v = await open();
    await v.send({ type: 'checklist/show', folder: 'examples', report, focus: 'container.dockerfile' });
    assert.equal(await v.page.getAttribute('#item-container\\.dockerfile', 'open'), '');
    await v.page.click('button[data-emit="triton"]');
    await v.page.click('#item-container\\.dockerfile button[data-action="emit.docker"]');
    await v.page.click('#item-serving\\.health summary');
    await v.page.click('#item-serving\\.health button[data-open="serving/app.py"]');
    await v.page.click('#item-serving\\.health button[data-mark-na]');
    await v.page.click('button[data-refresh]');
    assert.deepEqual((await v.posted()).slice(1), [
      { type: 'checklist/emit', target: 'triton' },
      { type: 'checklist/action', itemId: 'container.dockerfile', action: 'emit.docker' },
      { type: 'checklist/open', file: 'serving/app.py', line: 1 },
      { type: 'checklist/markNa', itemId: 'serving.health' },
      { type: 'checklist/refresh' },
    ]);
    assert.equal(await v.page.textContent('button[data-emit="triton"]'), 'Generate Triton config');
  });

  it('n/a items show the reason and offer Clear n/a; "Show passed and n/a" filters locally and keeps open items', async () => {
    const v = await open();
    const marked: ChecklistReport = {
      ...report,
      items: report.items.map((i) => (i.id === 'security.auth' ? { ...i, status: 'na' as const, measured: 'fail' as const, na: { reason: 'internal only', date: '2026-11-23' } } : i)),
    };
    await v.send({ type: 'checklist/show', folder: 'examples', report: marked });
    assert.match((await v.page.textContent('#item-security\\.auth summary'))!, /n\/a: internal only/);
    await v.page.click('#item-security\\.auth summary');
    await v.page.click('#item-security\\.auth button[data-clear-na]');
    assert.deepEqual((await v.posted()).at(-1), { type: 'checklist/clearNa', itemId: 'security.auth' });
    await v.page.click('#item-serving\\.health summary');
    await v.page.click('input[data-show-passed]');
    assert.equal(await v.page.locator('details.item.s-pass').count(), 0);
    assert.equal(await v.page.locator('details.item.s-na').count(), 0);
    assert.equal(await v.page.getAttribute('#item-serving\\.health', 'open'), '', 'open items stay open');
    await v.page.click('input[data-show-passed]');
    assert.ok((await v.page.locator('details.item.s-pass').count()) > 0);
  });

  it('shows workspace strings with HTML/script payloads as text, never runs them', async () => {
    const v = await open();
    const evil: ChecklistReport = {
      ...report,
      warnings: [XSS],
      items: report.items.map((i, k) => (k === 0 ? {
        ...i,
        title: XSS,
        summary: XSS,
        explanation: XSS,
        evidence: [{ file: `${XSS}/Dockerfile`, line: 3, text: XSS }],
        findings: [{ ruleId: 'x/y', level: 'error' as const, message: `${XSS} finding`, file: XSS, line: 1 }],
      } : i)),
    };
    await v.send({ type: 'checklist/show', folder: XSS, report: evil });
    assert.equal(await v.page.evaluate(() => (globalThis as unknown as BrowserGlobals).__pwned), undefined);
    assert.equal(await v.page.locator('#app img, #app script').count(), 0);
    assert.equal(await v.page.textContent('.folder'), XSS);
    assert.ok((await v.page.textContent(`#item-${report.items[0]!.id.replace('.', '\\.')} .title`))?.includes('<script>'));
    await v.page.click(`#item-${report.items[0]!.id.replace('.', '\\.')} summary`);
    await v.page.click(`#item-${report.items[0]!.id.replace('.', '\\.')} .evidence button`);
    assert.deepEqual((await v.posted()).at(-1), { type: 'checklist/open', file: `${XSS}/Dockerfile`, line: 3 });
    assert.deepEqual(await v.csp(), []);
  });

  it('ignores malformed host messages and shows errors', async () => {
    const v = await open();
    await v.send({ type: 'checklist/show', folder: 'x' } as unknown as ChecklistHostToWebview);
    assert.equal(await v.page.getAttribute('#app', 'data-state'), 'loading');
    await v.send({ type: 'checklist/error', folder: 'examples', message: 'examples: not-found: no such folder' });
    assert.equal(await v.page.textContent('#app [role=alert]'), 'Cannot grade examples: examples: not-found: no such folder');
  });
});
