/**
 * The one seam to the VS Code webview API for the checklist page: posting typed messages and keeping UI
 * state (which items are open, whether passed items are shown) across page re-creation. Tests stub
 * `acquireVsCodeApi` before the bundle loads.
 */
import type { ChecklistWebviewToHost } from '../../src/shared/checklistProtocol';

/** Versioned UI state (never resource data: the host re-posts the report). */
export interface UiState {
  __v: 1;
  open: string[];
  showPassed: boolean;
}

export interface Host {
  postMessage(message: ChecklistWebviewToHost): void;
  state(): UiState;
  setState(state: UiState): void;
}

export function connectHost(): Host {
  const api = acquireVsCodeApi<UiState>();
  return {
    postMessage: (message) => api.postMessage(message),
    state: () => {
      const s = api.getState();
      return s && s.__v === 1 && Array.isArray(s.open) ? s : { __v: 1, open: [], showPassed: true };
    },
    setState: (s) => void api.setState(s),
  };
}
