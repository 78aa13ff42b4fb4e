/** The Compare Models webview's one seam to the VS Code webview API (tests stub `acquireVsCodeApi`). */
import type { DiffWebviewToHostMessage } from '../../src/shared/diffProtocol';

export interface DiffHost {
  postMessage(message: DiffWebviewToHostMessage): void;
}

export function connectHost(): DiffHost {
  const api = acquireVsCodeApi<unknown>();
  return { postMessage: (message) => api.postMessage(message) };
}
