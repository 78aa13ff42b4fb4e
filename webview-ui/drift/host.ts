/** The drift webview's one seam to the VS Code webview API (tests stub `acquireVsCodeApi`). */
import type { DriftWebviewToHostMessage } from '../../src/shared/driftProtocol';
import type { SortDir, SortKey } from '../../src/shared/driftTable';

/** UI state kept across re-creations of the page (never the report itself: the host re-posts it). */
export interface DriftViewState {
  __v: 1;
  sortKey: SortKey;
  sortDir: SortDir;
  selected?: string;
  chart: 'histogram' | 'ecdf';
}

export interface DriftHost {
  postMessage(message: DriftWebviewToHostMessage): void;
  getState(): DriftViewState | undefined;
  setState(state: DriftViewState): void;
}

export function connectHost(): DriftHost {
  const api = acquireVsCodeApi<DriftViewState>();
  return {
    postMessage: (message) => api.postMessage(message),
    getState: () => {
      const s = api.getState();
      return s && s.__v === 1 ? s : undefined;
    },
    setState: (state) => {
      api.setState(state);
    },
  };
}
