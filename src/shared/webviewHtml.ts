/**
 * The HTML page of the model inspector webview. Pure (no `vscode`, no Node APIs) so the webview tests
 * render exactly the page VS Code gets, with the same Content-Security-Policy.
 */

/** Inputs of {@link renderWebviewHtml}; every URI is already a webview URI (`asWebviewUri`). */
export interface WebviewHtmlOptions {
  /** `webview.cspSource`, e.g. `https://*.vscode-cdn.net` (may hold several space-separated sources). */
  cspSource: string;
  /** A fresh {@link makeNonce} per page load. */
  nonce: string;
  /** The webview bundle (ES module). */
  scriptUri: string;
  /** Optional stylesheet. */
  styleUri?: string;
  /** Page title (escaped here). */
  title: string;
}

import { htmlText } from './escape';

const NONCE_RE = /^[A-Za-z0-9+/_-]{16,}={0,2}$/;

/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(text: string): string {
  // Escaping rule: the one HTML escaper lives in src/shared/escape.ts.
  return htmlText(text);
}

/**
 * The page's Content-Security-Policy: nothing by default; images, styles and fonts only from the webview's
 * own resource origin (plus `data:` images and nonce'd `<style>`); scripts only with the nonce. No
 * `unsafe-inline`, no `unsafe-eval`.
 *
 * @throws Error when `cspSource` could inject a directive (`;`, `,`, control characters) or the nonce is not base64(url).
 */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  if (!cspSource.trim() || /[;,\u0000-\u001f]/.test(cspSource)) {
    throw new Error(`contentSecurityPolicy: cspSource '${cspSource}' is not a list of CSP sources`);
  }
  if (!NONCE_RE.test(nonce)) throw new Error(`contentSecurityPolicy: nonce '${nonce}' is not a base64(url) string of 16+ characters`);
  return [
    `default-src 'none'`,
    `img-src ${cspSource} data:`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
  ].join('; ');
}

/**
 * Renders the inspector page: the CSP `<meta>`, the stylesheet, `<div id="app" data-state="loading">` and the
 * nonce'd module script. The webview script fills `#app` once the host posts a model.
 *
 * @throws Error on a bad `cspSource` or `nonce` (see {@link contentSecurityPolicy}).
 */
export function renderWebviewHtml(options: WebviewHtmlOptions): string {
  const { cspSource, nonce, scriptUri, styleUri, title } = options;
  const csp = contentSecurityPolicy(cspSource, nonce);
  const style = styleUri ? `\n  <link rel="stylesheet" href="${escapeHtml(styleUri)}">` : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">${style}
  <title>${escapeHtml(title)}</title>
</head>
<body>
  <div id="app" data-state="loading" aria-busy="true"><p class="status">Loading…</p></div>
  <script type="module" nonce="${escapeHtml(nonce)}" src="${escapeHtml(scriptUri)}"></script>
</body>
</html>
`;
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * A CSP nonce: 24 bytes from the platform's cryptographic random source (`crypto.getRandomValues`, in Node
 * and in browsers), base64url-encoded to 32 characters.
 */
export function makeNonce(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(24));
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += BASE64URL[(n >> 18) & 63] + BASE64URL[(n >> 12) & 63] + BASE64URL[(n >> 6) & 63] + BASE64URL[n & 63];
  }
  return out;
}
