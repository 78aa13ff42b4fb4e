/**
 * The data drift webview in headless Chromium under its real CSP (page from `renderWebviewHtml`, bundle
 * `webview-ui/drift/main.ts` built like `scripts/build.mjs` does), fed with reports computed by the core on the
 * example data and on a dataset whose names and categories carry HTML/script payloads.
 */
import * as assert from 'node:assert/strict';
import * as esbuild from 'esbuild';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { computeDrift } from '../../src/core/drift/computeDrift';
import type { DriftReport } from '../../src/shared/drift';
import type { DriftHostToWebviewMessage } from '../../src/shared/driftProtocol';
import { makeNonce, renderWebviewHtml } from '../../src/shared/webviewHtml';
import { launchChromium, ORIGIN, serveWebview, type BrowserGlobals } from './support/inspectorPage';

const ROOT = path.resolve(__dirname, '..', '..');
const PAGE_URL = `${ORIGIN}/drift.html`;
const SCRIPT_URL = `${ORIGIN}/dist/webview/drift.js`;
const STYLE_URL = `${ORIGIN}/media/webview/drift.css`;

const INIT_SCRIPT = `
  window.__posted = [];
  window.__cspViolations = [];
  window.__state = undefined;
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__cspViolations.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline'));
  });
  window.acquireVsCodeApi = () => Object.freeze({
    postMessage: (m) => { window.__posted.push(JSON.parse(JSON.stringify(m))); },
    getState: () => window.__state,
    setState: (s) => { window.__state = s; return s; },
  });
`;

interface DriftPage {
  page: Page;
  send(message: DriftHostToWebviewMessage): Promise<void>;
  posted(): Promise<Array<{ type: string; side?: string }>>;
  csp(): Promise<string[]>;
  close(): Promise<void>;
}

async function buildBundle(): Promise<string> {
  const r = await esbuild.build({
    entryPoints: [path.join(ROOT, 'webview-ui', 'drift', 'main.ts')],
    bundle: true, platform: 'browser', format: 'esm', target: 'es2022', write: false, logLevel: 'silent',
    logOverride: { 'import-is-undefined': 'error' },
  });
  return r.outputFiles[0]!.text;
}

async function open(browser: Browser, bundle: string): Promise<DriftPage> {
  const html = renderWebviewHtml({ cspSource: ORIGIN, nonce: makeNonce(), scriptUri: SCRIPT_URL, styleUri: STYLE_URL, title: 'Drift' });
  const context = await browser.newContext();
  await serveWebview(context, { pageUrl: PAGE_URL, html, scriptUrl: SCRIPT_URL, bundle });
  await context.addInitScript({ content: INIT_SCRIPT });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(PAGE_URL);
  await page.waitForFunction(() => (globalThis as unknown as BrowserGlobals).__posted.length > 0, undefined, { timeout: 15_000 });
  return {
    page,
    send: async (message) => {
      await page.evaluate((data) => {
        const w = globalThis as unknown as BrowserGlobals;
        w.dispatchEvent(new w.MessageEvent('message', { data }));
      }, message);
      if (errors.length) throw new Error(errors.join('\n'));
    },
    posted: () => page.evaluate(() => (globalThis as unknown as BrowserGlobals).__posted as Array<{ type: string }>),
    csp: () => page.evaluate(() => (globalThis as unknown as BrowserGlobals).__cspViolations),
    close: () => context.close(),
  };
}

const EVIL = '<img src=x onerror="window.__pwned=1">';
const EVIL_CAT = '</td><script>window.__pwned=2</script>';

describe('data drift webview (Chromium)', function () {
  let browser: Browser;
  let bundle: string;
  let report: DriftReport;
  let xss: DriftReport;
  let tmp: string;
  let view: DriftPage | undefined;

  before(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'mlp-drift-webview-'));
    const q = (s: string): string => `"${s.replace(/"/g, '""')}"`;
    await writeFile(path.join(tmp, 'r.csv'), `${q(EVIL)},n\n${['a', 'b', EVIL_CAT, 'a'].map((v, i) => `${q(v)},${i}`).join('\n')}\n`);
    await writeFile(path.join(tmp, 'c.csv'), `${q(EVIL)},n\n${['a', EVIL_CAT, EVIL_CAT, 'z'].map((v, i) => `${q(v)},${i + 3}`).join('\n')}\n`);
    [bundle, browser, report, xss] = await Promise.all([
      buildBundle(),
      launchChromium(),
      computeDrift(path.join(ROOT, 'examples/data/reference.csv'), path.join(ROOT, 'examples/data/current.csv'), { referenceName: 'data/reference.csv', currentName: 'data/current.csv' }),
      computeDrift(path.join(tmp, 'r.csv'), path.join(tmp, 'c.csv'), { referenceName: `<b>${EVIL}</b>.csv`, currentName: 'c.csv' }),
    ]);
  });

  after(async () => {
    await browser?.close();
    await rm(tmp, { recursive: true, force: true });
  });

  afterEach(async () => {
    await view?.close();
    view = undefined;
  });

  it('says webview/ready, shows loading, then the verdict, one row per column and a chart', async () => {
    view = await open(browser, bundle);
    assert.deepEqual(await view.posted(), [{ type: 'webview/ready' }]);
    await view.send({ type: 'drift/loading', reference: 'data/reference.csv', current: 'data/current.csv' });
    assert.equal(await view.page.getAttribute('#app', 'data-state'), 'loading');
    await view.send({ type: 'drift/show', report });
    assert.equal(await view.page.getAttribute('#app', 'data-state'), 'ready');
    // Below the dataset threshold, yet 3 columns drift: said, and styled as a warning.
    assert.match((await view.page.textContent('.verdict')) ?? '', /No dataset drift, but 3 of 7 columns drift/);
    assert.equal(await view.page.getAttribute('.verdict', 'data-verdict'), 'columns');
    assert.equal(await view.page.locator('table.columns tbody tr').count(), 7);
    assert.equal(await view.page.locator('table.columns tbody tr.drifted').count(), 3);
    // Default sort: drift first; the first drifted column is selected and charted.
    const first = await view.page.locator('table.columns tbody tr').first().getAttribute('data-column');
    assert.ok(['age', 'income', 'country'].includes(first!));
    assert.ok((await view.page.locator('.column-detail svg.chart rect.ref').count()) > 0);
    assert.ok((await view.page.locator('.column-detail svg.chart rect.cur').count()) > 0);
    assert.deepEqual(await view.csp(), []);
  });

  it('sorts by a clicked header, both directions, and remembers it in setState', async () => {
    view = await open(browser, bundle);
    await view.send({ type: 'drift/show', report });
    const names = (): Promise<string[]> => view!.page.$$eval('table.columns tbody tr', (rows) => rows.map((r) => (r as unknown as { dataset: { column: string } }).dataset.column));
    await view.page.click('button.sort[data-sort="name"]');
    const asc = await names();
    assert.deepEqual(asc, [...asc].sort((a, b) => a.localeCompare(b)));
    assert.equal(await view.page.getAttribute('th:has(button[data-sort="name"])', 'aria-sort'), 'ascending');
    await view.page.click('button.sort[data-sort="name"]');
    assert.deepEqual(await names(), [...asc].reverse());
    await view.page.click('button.sort[data-sort="psi"]');
    const psi = (await names()).map((n) => report.columns.find((c) => c.name === n)!.psi!);
    assert.deepEqual(psi, [...psi].sort((a, b) => b - a));
    const state = await view.page.evaluate(() => (globalThis as unknown as { __state: { sortKey: string; sortDir: string } }).__state);
    assert.deepEqual({ key: state.sortKey, dir: state.sortDir }, { key: 'psi', dir: 'desc' });
  });

  it('selecting a row shows its detail; ECDF toggle draws two lines', async () => {
    view = await open(browser, bundle);
    await view.send({ type: 'drift/show', report });
    await view.page.click('table.columns tbody tr[data-column="income"]');
    assert.equal(await view.page.getAttribute('.column-detail', 'data-column'), 'income');
    await view.page.click('button.toggle[data-chart="ecdf"]');
    assert.equal(await view.page.locator('.column-detail svg.chart polyline').count(), 2);
    assert.match((await view.page.textContent('.column-detail dl')) ?? '', /Kolmogorov–Smirnov\s*D = /);
    await view.page.click('table.columns tbody tr[data-column="country"]');
    assert.match((await view.page.textContent('.column-detail dl')) ?? '', /New categories\s*1 .*BR/);
  });

  it('buttons post typed messages to the host', async () => {
    view = await open(browser, bundle);
    await view.send({ type: 'drift/show', report });
    await view.page.click('[data-action="rerun"]');
    await view.page.click('[data-action="export"]');
    await view.page.click('[data-action="open-current"]');
    assert.deepEqual((await view.posted()).slice(1), [{ type: 'drift/rerun' }, { type: 'drift/exportHtml' }, { type: 'drift/openFile', side: 'current' }]);
  });

  it('column names, categories and paths with HTML/script stay text and never run', async () => {
    view = await open(browser, bundle);
    await view.send({ type: 'drift/show', report: xss });
    await view.page.click(`table.columns tbody tr >> nth=0`);
    const text = (await view.page.textContent('#app')) ?? '';
    assert.ok(text.includes(EVIL), 'the column name is shown literally');
    assert.ok(text.includes(`<b>${EVIL}</b>.csv`), 'the path is shown literally');
    assert.equal(await view.page.locator('#app img, #app script, #app b').count(), 0);
    assert.equal(await view.page.evaluate(() => (globalThis as unknown as BrowserGlobals).__pwned), undefined);
  });

  it('shows an error with the reason and a retry button', async () => {
    view = await open(browser, bundle);
    await view.send({ type: 'drift/error', reason: 'malformed', message: 'r.csv: malformed: line 4 has 2 fields, expected 3' });
    assert.equal(await view.page.getAttribute('#app', 'data-state'), 'error');
    assert.match((await view.page.textContent('.error')) ?? '', /line 4 has 2 fields/);
    await view.page.click('.error [data-action="rerun"]');
    assert.deepEqual((await view.posted()).at(-1), { type: 'drift/rerun' });
  });

  it('ignores messages that are not drift messages', async () => {
    view = await open(browser, bundle);
    await view.page.evaluate(() => {
      const w = globalThis as unknown as BrowserGlobals;
      w.dispatchEvent(new w.MessageEvent('message', { data: { type: 'drift/show', report: 'nope' } }));
    });
    assert.equal(await view.page.getAttribute('#app', 'data-state'), 'loading');
  });
});
