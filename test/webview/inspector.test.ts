/**
 * The model inspector webview in headless Chromium, under its real CSP, fed with inspections of the generated
 * fixtures (see `support/inspectorPage.ts`).
 */
import * as assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { XSS } from '../../scripts/makeFixtures';
import { OnnxInspectError } from '../../src/core/onnx/errors';
import { inspectModel } from '../../src/core/onnx/inspect';
import type { ModelInspection } from '../../src/shared/modelInspection';
import { ensureFixtures } from '../support/fixtures';
import { graph, model, node, tensorInfo, DT } from '../support/onnxBuilder';
import { buildWebviewBundle, launchChromium, openInspector, type BrowserGlobals, type InspectorPage } from './support/inspectorPage';

/** 120 op types in a custom domain; `Op000` ×3 and `Op001` ×2 so the order is known. */
function manyOpsModel(): Uint8Array {
  const ops = Array.from({ length: 120 }, (_, i) => `Op${String(i).padStart(3, '0')}`);
  const sequence = ['Op000', 'Op000', 'Op001', ...ops];
  const nodes = sequence.map((op, i) => node(op, [i === 0 ? 'x' : `t${i - 1}`], [i === sequence.length - 1 ? 'y' : `t${i}`], {}, { domain: 'com.example' }));
  return model({
    opsets: { '': 17, 'com.example': 1 },
    graph: graph({ name: 'many_ops', nodes, inputs: [tensorInfo('x', DT.FLOAT, ['batch', 4])], outputs: [tensorInfo('y', DT.FLOAT, ['batch', 4])] }),
  });
}

describe('model inspector webview (Chromium)', function () {
  let browser: Browser;
  let bundle: string;
  let fixtures: string;
  let tmp: string;
  let convGemm: ModelInspection;
  let xss: ModelInspection;
  let view: InspectorPage | undefined;

  before(async () => {
    [bundle, fixtures, browser] = await Promise.all([buildWebviewBundle(), ensureFixtures(), launchChromium()]);
    convGemm = await inspectModel(path.join(fixtures, 'conv_gemm.onnx'));
    xss = await inspectModel(path.join(fixtures, 'xss.onnx'));
    tmp = await mkdtemp(path.join(tmpdir(), 'mlp-webview-'));
  });

  after(async () => {
    await browser?.close();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  afterEach(async () => {
    await view?.close();
    view = undefined;
  });

  async function open(options?: { csp?: boolean }): Promise<InspectorPage> {
    view = await openInspector(browser, bundle, options);
    return view;
  }

  it('posts webview/ready once on load and starts in the loading state', async () => {
    const v = await open();
    assert.deepEqual(await v.posted(), [{ type: 'webview/ready' }]);
    assert.equal(await v.page.locator('#app').getAttribute('data-state'), 'loading');
    assert.deepEqual(v.pageErrors, []);
  });

  it('ships a CSP <meta> with this load\'s nonce, no unsafe-inline or unsafe-eval, and the script carries the nonce', async () => {
    const v = await open();
    const csp = await v.page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    assert.ok(csp, 'the page has a CSP meta');
    assert.match(csp, new RegExp(`script-src 'nonce-${v.nonce}'(;|$)`));
    assert.match(csp, /default-src 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    // Chromium hides the nonce attribute from the DOM after parsing; the IDL property keeps it.
    const nonces = await v.page.locator('script').evaluateAll((els) => els.map((e) => (e as unknown as { nonce: string }).nonce));
    assert.deepEqual(nonces, [v.nonce]);
  });

  it('enforces the CSP: an inline script added at run time is blocked and reported', async () => {
    const v = await open();
    await v.page.evaluate(() => {
      const doc = (globalThis as unknown as { document: { createElement(t: string): { textContent: string }; body: { append(n: unknown): void } } }).document;
      const s = doc.createElement('script');
      s.textContent = 'window.__inlineRan = 1';
      doc.body.append(s);
    });
    await v.page.waitForFunction(() => (globalThis as unknown as BrowserGlobals).__cspViolations.length > 0, undefined, { timeout: 5000 });
    assert.equal(await v.page.evaluate(() => (globalThis as unknown as BrowserGlobals).__inlineRan), undefined);
    assert.match((await v.cspViolations())[0], /script-src/);
  });

  it('renders conv_gemm: title, IO rows, summary, and one bar per op with its count', async () => {
    const v = await open();
    await v.send({ type: 'model/loading', file: convGemm.file.path });
    assert.equal(await v.page.locator('#app').getAttribute('data-state'), 'loading');
    await v.send({ type: 'model/show', inspection: convGemm });
    const { page } = v;
    assert.equal(await page.locator('#app').getAttribute('data-state'), 'ready');
    assert.equal(await page.locator('#model-title').textContent(), 'conv_gemm.onnx');

    // Locator APIs only: page callbacks must not declare named functions (tsx's keepNames wraps them in __name).
    const rows = async (id: string) => {
      const out: (string | null)[][] = [];
      for (const tr of await page.locator(`${id} tbody tr`).all()) {
        out.push(await Promise.all(['name', 'dtype', 'shape'].map((c) => tr.locator(`td.${c}`).textContent())));
      }
      return out;
    };
    assert.deepEqual(await rows('#io-inputs'), [['image', 'float32', 'batch × 3 × 8 × 8']]);
    assert.deepEqual(await rows('#io-outputs'), [['logits', 'float32', 'batch × 10']]);

    const labels = await page.locator('#op-histogram .bar .bar-label').allTextContents();
    const values = await page.locator('#op-histogram .bar .bar-value').allTextContents();
    const bars = labels.map((label, i) => [label, Number(values[i])] as const);
    assert.deepEqual(Object.fromEntries(bars), convGemm.opHistogram);
    assert.equal(bars.length, Object.keys(convGemm.opHistogram).length);
    assert.equal(await page.locator('#op-histogram .more').count(), 0);

    const summary = (await page.locator('#summary').textContent()) ?? '';
    assert.equal(await page.locator('#summary [data-fact="parameters"]').first().textContent(), '762');
    assert.ok(summary.includes('ai.onnx 17'), summary);
    assert.ok(summary.includes('15.1 KFLOPs'), summary);
    assert.ok(summary.includes('ml-preflight-fixtures 1.0'), summary);
    assert.match(await page.locator('#summary [data-fact="weight-bytes"]').textContent() ?? '', /^3 KiB/);

    assert.deepEqual(await page.locator('#metadata td.key').allTextContents(), ['author', 'license']);
    assert.equal(await page.locator('#warnings li').count(), 0);
    assert.equal((await page.locator('#warnings').textContent())?.trim(), 'none');
    assert.equal((await page.locator('#external-data').textContent())?.trim(), 'none');
    assert.match((await page.locator('#quantization').textContent()) ?? '', /Kind: none/);
    assert.match((await page.locator('#batch').textContent()) ?? '', /supported/);
    assert.match((await page.locator('#weights').textContent()) ?? '', /float32/);
    assert.deepEqual(v.pageErrors, []);
    assert.deepEqual(await v.cspViolations(), []);
  });

  it('a refused external-data path is an error banner, its weights not counted; JSON metadata pretty-printed; keys wrap only at _ . -', async () => {
    const v = await open();
    const refused = {
      ...convGemm,
      externalData: [{ location: '../secret.bin', bytes: 2048, tensors: 1, exists: false, refused: 'path escapes the model folder' }],
      weightBytes: convGemm.weightBytes + 2048,
      metadata: { preprocessing_mean_and_std: '{"mean":[0.485,0.456,0.406],"std":[0.229,0.224,0.225]}' },
    };
    await v.send({ type: 'model/show', inspection: refused });
    const { page } = v;
    assert.equal(await page.locator('#refused-banner[role="alert"]').count(), 1);
    assert.match((await page.locator('#refused-banner').textContent()) ?? '', /"\.\.\/secret\.bin": path escapes the model folder/);
    assert.match(await page.locator('#summary [data-fact="weight-bytes"]').textContent() ?? '', /^3 KiB present.*2 KiB more in missing or refused external data, not counted/);
    assert.match(await page.locator('#summary [data-fact="file-size"]').textContent() ?? '', /\+ 2 KiB external data/);
    assert.equal((await page.locator('#metadata td.value pre').textContent())?.split('\n')[1], '  "mean": [');
    assert.equal(await page.locator('#metadata td.key wbr').count(), 3, 'break opportunities after each underscore only');
    // Inputs and Outputs share one card.
    assert.equal(await page.locator('.card.io-pair #io-inputs').count(), 1);
    assert.equal(await page.locator('.card.io-pair #io-outputs').count(), 1);
    assert.deepEqual(await v.cspViolations(), []);
  });

  it('renders the error state for model/error with the reason and the message as text', async () => {
    const file = path.join(fixtures, 'truncated.onnx');
    const error = await inspectModel(file).then(() => assert.fail('truncated.onnx inspected'), (ex: unknown) => ex);
    assert.ok(OnnxInspectError.is(error, 'truncated'));
    const v = await open();
    await v.send({ type: 'model/show', inspection: convGemm });
    await v.send({ type: 'model/error', file, reason: error.reason, message: error.message });
    const { page } = v;
    assert.equal(await page.locator('#app').getAttribute('data-state'), 'error');
    assert.equal(await page.locator('#error').isVisible(), true);
    assert.equal(await page.locator('#model-title').textContent(), 'truncated.onnx');
    assert.equal(await page.locator('#error .error-reason').textContent(), 'the file is truncated', 'words, not the internal code');
    assert.equal(await page.locator('#error .error-reason').getAttribute('data-reason'), 'truncated');
    assert.equal(await page.locator('#error .error-message').textContent(), error.message);
    assert.equal(await page.locator('#summary').count(), 0, 'the previous model is gone');
  });

  it('ignores messages that are not host messages', async () => {
    const v = await open();
    await v.page.evaluate(() => {
      const w = globalThis as unknown as BrowserGlobals;
      w.dispatchEvent(new w.MessageEvent('message', { data: { type: 'model/show' } }));
      w.dispatchEvent(new w.MessageEvent('message', { data: 'model/show' }));
    });
    assert.equal(await v.page.locator('#app').getAttribute('data-state'), 'loading');
    assert.deepEqual(v.pageErrors, []);
  });

  it('shows the top 30 op types of a 120-type model, then "+90 more"', async () => {
    const file = path.join(tmp, 'many_ops.onnx');
    await writeFile(file, manyOpsModel());
    const inspection = await inspectModel(file);
    assert.equal(Object.keys(inspection.opHistogram).length, 120);
    const v = await open();
    await v.send({ type: 'model/show', inspection });
    const labels = await v.page.locator('#op-histogram .bar .bar-label').allTextContents();
    assert.equal(labels.length, 30);
    assert.deepEqual(labels.slice(0, 3), ['com.example::Op000', 'com.example::Op001', 'com.example::Op002']);
    assert.deepEqual(await v.page.locator('#op-histogram .bar .bar-value').allTextContents().then((t) => t.slice(0, 3)), ['3', '2', '1']);
    assert.equal((await v.page.locator('#op-histogram .more').textContent())?.trim(), '+90 more');
  });

  describe('xss.onnx (HTML and script payloads in every string field)', () => {
    const payloads = Object.values(XSS);

    async function expectInert(v: InspectorPage): Promise<void> {
      const { page } = v;
      assert.equal(await page.locator('#app').getAttribute('data-state'), 'ready');
      // Give an injected onerror/onload (img src=x fails fast) the chance to run.
      await page.waitForTimeout(300);
      assert.equal(await page.evaluate(() => (globalThis as unknown as BrowserGlobals).__pwned), undefined, 'a payload ran');
      assert.equal(await page.locator('script').count(), 1, 'only the page\'s own script');
      assert.equal(await page.locator('img, svg, iframe, object, embed').count(), 0, 'no element came from model strings');
      assert.equal(await page.locator('[onerror], [onload]').count(), 0);
      const text = (await page.locator('#app').textContent()) ?? '';
      for (const payload of payloads) assert.ok(text.includes(payload), `shown literally: ${payload}`);
      assert.ok(text.includes('<script>'));
    }

    it('shows every payload as text, runs none, and triggers no CSP violation', async () => {
      const v = await open();
      await v.send({ type: 'model/show', inspection: xss });
      await expectInert(v);
      const { page } = v;
      assert.equal(await page.locator('#io-inputs td.name').textContent(), XSS.img);
      assert.equal(await page.locator('#io-inputs td.shape').textContent(), `${XSS.script} × 3`);
      assert.equal(await page.locator('#io-outputs td.name').textContent(), XSS.svg);
      assert.ok((await page.locator('#op-histogram .bar-label').allTextContents()).includes(`${XSS.script}::${XSS.img}`));
      assert.ok((await page.locator('#metadata td.key').allTextContents()).includes(XSS.script));
      assert.ok((await page.locator('#warnings li').allTextContents()).some((w) => w.includes(XSS.script)));
      assert.deepEqual(await v.cspViolations(), [], 'model content caused CSP violations');
      assert.deepEqual(v.console.filter((line) => /Content Security Policy|Refused to/.test(line)), []);
      assert.deepEqual(v.pageErrors, []);
    });

    it('stays inert without the CSP (the renderer escapes on its own)', async () => {
      const v = await open({ csp: false });
      assert.equal(await v.page.locator('meta[http-equiv="Content-Security-Policy"]').count(), 0);
      await v.send({ type: 'model/show', inspection: xss });
      await expectInert(v);
    });

    it('shows payloads in error messages as text', async () => {
      const v = await open();
      await v.send({ type: 'model/error', file: `/models/${XSS.img}.onnx`, reason: XSS.script, message: `${XSS.svg}: malformed: ${XSS.script}` });
      assert.equal(await v.page.locator('#app').getAttribute('data-state'), 'error');
      await v.page.waitForTimeout(300);
      assert.equal(await v.page.evaluate(() => (globalThis as unknown as BrowserGlobals).__pwned), undefined);
      assert.equal(await v.page.locator('script').count(), 1);
      assert.equal(await v.page.locator('img, svg').count(), 0);
      assert.equal(await v.page.locator('#error .error-message').textContent(), `${XSS.svg}: malformed: ${XSS.script}`);
      assert.deepEqual(await v.cspViolations(), []);
    });
  });
});
