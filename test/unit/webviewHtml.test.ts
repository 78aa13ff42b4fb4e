import * as assert from 'node:assert/strict';
import { contentSecurityPolicy, makeNonce, renderWebviewHtml } from '../../src/shared/webviewHtml';

const CSP_SOURCE = 'https://*.vscode-cdn.net';

function decode(attr: string): string {
  return attr.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code))).replace(/&amp;/g, '&');
}

function cspOf(html: string): string {
  const match = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
  assert.ok(match, 'the page has a CSP meta');
  return decode(match[1]);
}

describe('renderWebviewHtml', () => {
  it('makes 32-character base64url nonces from a cryptographic source, all different', () => {
    const nonces = new Set(Array.from({ length: 2000 }, () => makeNonce()));
    assert.equal(nonces.size, 2000);
    for (const nonce of nonces) assert.match(nonce, /^[A-Za-z0-9_-]{32}$/);
    // All 64 symbols show up over 64 000 characters: no narrowed alphabet (e.g. Math.random().toString(36)).
    assert.equal(new Set([...nonces].join('')).size, 64);
  });

  it('writes the exact CSP with the nonce and no unsafe-* source', () => {
    const nonce = makeNonce();
    const html = renderWebviewHtml({ cspSource: CSP_SOURCE, nonce, scriptUri: 'https://x.vscode-cdn.net/dist/webview/model.js', title: 'm' });
    const csp = cspOf(html);
    assert.equal(
      csp,
      `default-src 'none'; img-src ${CSP_SOURCE} data:; style-src ${CSP_SOURCE} 'nonce-${nonce}'; script-src 'nonce-${nonce}'; font-src ${CSP_SOURCE}`,
    );
    assert.equal(csp, contentSecurityPolicy(CSP_SOURCE, nonce));
    assert.doesNotMatch(html, /unsafe-inline|unsafe-eval/);
  });

  it('loads the bundle as a nonce\'d module script and the stylesheet, and starts #app in the loading state', () => {
    const nonce = makeNonce();
    const html = renderWebviewHtml({ cspSource: CSP_SOURCE, nonce, scriptUri: 'https://r/model.js?a=1&b=2', styleUri: 'https://r/model.css', title: 't' });
    assert.ok(html.includes(`<script type="module" nonce="${nonce}" src="https://r/model.js?a=1&#38;b=2"></script>`), html);
    assert.ok(html.includes('<link rel="stylesheet" href="https://r/model.css">'));
    assert.match(html, /<div id="app" data-state="loading"/);
    assert.equal(html.match(/<script\b/g)?.length, 1, 'one script, nothing inline');
    const noStyle = renderWebviewHtml({ cspSource: CSP_SOURCE, nonce, scriptUri: 'https://r/model.js', title: 't' });
    assert.doesNotMatch(noStyle, /<link /);
  });

  it('escapes the title and the URIs', () => {
    const html = renderWebviewHtml({
      cspSource: CSP_SOURCE,
      nonce: makeNonce(),
      scriptUri: 'https://r/"><script>alert(1)</script>.js',
      title: '<script>window.__pwned=1</script>',
    });
    assert.ok(html.includes('<title>&#60;script&#62;window.__pwned=1&#60;/script&#62;</title>'));
    assert.equal(html.match(/<script\b/g)?.length, 1);
  });

  it('refuses a cspSource or nonce that could change the policy', () => {
    const nonce = makeNonce();
    const page = (cspSource: string, n = nonce) => () => renderWebviewHtml({ cspSource, nonce: n, scriptUri: 'https://r/m.js', title: 't' });
    assert.throws(page("https://a; script-src 'unsafe-inline'"), /cspSource .* is not a list of CSP sources/);
    assert.throws(page('https://a\nscript-src *'), /cspSource/);
    assert.throws(page('  '), /cspSource/);
    assert.throws(page(CSP_SOURCE, "abc' 'unsafe-inline"), /nonce .* is not a base64/);
    assert.throws(page(CSP_SOURCE, 'short'), /nonce/);
    assert.doesNotThrow(page(`'self' ${CSP_SOURCE}`));
  });
});
