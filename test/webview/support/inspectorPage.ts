/**
 * Runs the model inspector webview in a standalone headless Chromium, as VS Code would: the page HTML comes
 * from `renderWebviewHtml` (real CSP and nonce), the bundle is `webview-ui/model/main.ts` built with the same
 * esbuild options as `scripts/build.mjs`, both served from a fake https origin through `page.route` (nothing
 * touches the network). A stub `acquireVsCodeApi` records what the page posts; `send` plays the host.
 *
 * Browser-side callbacks run in the page, so they only use what they declare (`BrowserGlobals`): the Node
 * tsconfig has no DOM lib.
 */
import * as esbuild from 'esbuild';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { HostToWebviewMessage } from '../../../src/shared/protocol';
import { makeNonce, renderWebviewHtml } from '../../../src/shared/webviewHtml';

const ROOT = path.resolve(__dirname, '..', '..', '..');
/** The fake webview resource origin (plays `webview.cspSource`). */
export const ORIGIN = 'https://webview.preflight.test';
const PAGE_URL = `${ORIGIN}/index.html`;
const SCRIPT_URL = `${ORIGIN}/dist/webview/model.js`;
const STYLE_URL = `${ORIGIN}/media/webview/model.css`;

/** Globals of the test page: the stub's records and the payloads' marker. */
export interface BrowserGlobals {
  __posted: unknown[];
  __cspViolations: string[];
  __pwned?: unknown;
  __inlineRan?: unknown;
  dispatchEvent(event: unknown): boolean;
  MessageEvent: new (type: string, init: { data: unknown }) => unknown;
}

/**
 * Installed before any page script: the `acquireVsCodeApi` stub (callable once, like VS Code's) and a
 * `securitypolicyviolation` recorder.
 */
const INIT_SCRIPT = `
  window.__posted = [];
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__cspViolations.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + (e.sample ? ' (' + e.sample + ')' : ''));
  });
  let acquired = false;
  let state;
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('An instance of the VS Code API has already been acquired');
    acquired = true;
    return Object.freeze({
      postMessage: (message) => { window.__posted.push(JSON.parse(JSON.stringify(message))); },
      getState: () => state,
      setState: (s) => { state = s; return s; },
    });
  };
`;

/** Builds the webview bundle in memory (same options as the `webview` entry of `scripts/build.mjs`). */
export async function buildWebviewBundle(): Promise<string> {
  const result = await esbuild.build({
    entryPoints: [path.join(ROOT, 'webview-ui', 'model', 'main.ts')],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    logOverride: { 'import-is-undefined': 'error' },
  });
  return result.outputFiles[0].text;
}

/** Launches Debian's Chromium headless. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'], timeout: 60_000 });
}

/** An opened inspector page. */
export interface InspectorPage {
  page: Page;
  /** The nonce of this page load. */
  nonce: string;
  /** Console messages of the page (`type: text`). */
  console: string[];
  /** Uncaught page errors. */
  pageErrors: string[];
  /** Dispatches a host message (`window.postMessage` from VS Code arrives as a `message` event). */
  send(message: HostToWebviewMessage): Promise<void>;
  /** Messages the page posted to the host so far. */
  posted(): Promise<unknown[]>;
  /** CSP violations reported by the page so far (`securitypolicyviolation` events). */
  cspViolations(): Promise<string[]>;
  /** Closes the page and its context. */
  close(): Promise<void>;
}

/**
 * Serves one webview page on the fake origin: the page HTML, its script bundle and any stylesheet under
 * `/media/webview/` read from disk (so `@import "base.css"` resolves as in VS Code). Anything else is a 404.
 */
export async function serveWebview(context: BrowserContext, page: { pageUrl: string; html: string; scriptUrl: string; bundle: string }): Promise<void> {
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (url === page.pageUrl) return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: page.html });
    if (url === page.scriptUrl) return route.fulfill({ status: 200, contentType: 'text/javascript; charset=utf-8', body: page.bundle });
    const css = /^\/media\/webview\/([\w-]+\.css)$/.exec(new URL(url).pathname);
    if (url.startsWith(ORIGIN) && css) {
      const body = await readFile(path.join(ROOT, 'media', 'webview', css[1]!), 'utf8').catch(() => undefined);
      if (body !== undefined) return route.fulfill({ status: 200, contentType: 'text/css; charset=utf-8', body });
    }
    return route.fulfill({ status: 404, contentType: 'text/plain', body: 'not found' });
  });
}

/**
 * Opens the inspector page in a fresh context and waits for its `webview/ready`.
 * `csp: false` serves a page without the CSP `<meta>` (to test the renderer's own escaping).
 */
export async function openInspector(browser: Browser, bundle: string, options: { csp?: boolean } = {}): Promise<InspectorPage> {
  const nonce = makeNonce();
  let html = renderWebviewHtml({ cspSource: ORIGIN, nonce, scriptUri: SCRIPT_URL, styleUri: STYLE_URL, title: 'model.onnx' });
  if (options.csp === false) html = html.replace(/\s*<meta http-equiv="Content-Security-Policy"[^>]*>/, '');
  const context = await browser.newContext();
  await serveWebview(context, { pageUrl: PAGE_URL, html, scriptUrl: SCRIPT_URL, bundle });
  await context.addInitScript({ content: INIT_SCRIPT });
  const page = await context.newPage();
  const consoleLines: string[] = [];
  const pageErrors: string[] = [];
  page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(PAGE_URL);
  await page.waitForFunction(() => (globalThis as unknown as BrowserGlobals).__posted.length > 0, undefined, { timeout: 15_000 });
  return {
    page,
    nonce,
    console: consoleLines,
    pageErrors,
    send: async (message) => {
      await page.evaluate((data) => {
        const w = globalThis as unknown as BrowserGlobals;
        w.dispatchEvent(new w.MessageEvent('message', { data }));
      }, message);
    },
    posted: () => page.evaluate(() => (globalThis as unknown as BrowserGlobals).__posted),
    cspViolations: () => page.evaluate(() => (globalThis as unknown as BrowserGlobals).__cspViolations),
    close: () => context.close(),
  };
}
