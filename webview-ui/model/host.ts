/**
 * The one seam to the VS Code webview API (GitLens "host abstraction"): the rest of the webview posts through
 * `Host`, and tests stub `acquireVsCodeApi` before the bundle loads.
 */
import type { WebviewToHostMessage } from '../../src/shared/protocol';

/** What the webview may do with its host. */
export interface Host {
  postMessage(message: WebviewToHostMessage): void;
}

/** Acquires the VS Code API (allowed once per page load). */
export function connectHost(): Host {
  const api = acquireVsCodeApi();
  return { postMessage: (message) => api.postMessage(message) };
}
