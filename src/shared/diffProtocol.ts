/**
 * Messages between the extension host and the Compare Models webview (`mlPreflight.modelDiff`). Plain JSON,
 * `scope/method` names as in `protocol.ts`. Handshake: the host posts nothing before `webview/ready` (sent again
 * whenever VS Code re-creates the page).
 */
import type { ModelDiff } from './modelDiff';

export interface DiffReadyMessage {
  type: 'webview/ready';
}

/** webview → host: open one side in the ONNX Model Inspector. */
export interface DiffOpenModelMessage {
  type: 'diff/openModel';
  side: 'old' | 'new';
}

/** webview → host: compare again (files changed on disk). */
export interface DiffRerunMessage {
  type: 'diff/rerun';
}

export type DiffWebviewToHostMessage = DiffReadyMessage | DiffOpenModelMessage | DiffRerunMessage;

/** host → webview: a comparison started. */
export interface DiffLoadingMessage {
  type: 'diff/loading';
  old: string;
  new: string;
}

/** host → webview: the diff to render. */
export interface DiffShowMessage {
  type: 'diff/show';
  diff: ModelDiff;
}

/** host → webview: the comparison failed. */
export interface DiffErrorMessage {
  type: 'diff/error';
  /** `OnnxInspectError.reason`, `DiffError.reason`, `cancelled` or `internal`. */
  reason: string;
  message: string;
}

export type DiffHostToWebviewMessage = DiffLoadingMessage | DiffShowMessage | DiffErrorMessage;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Guard for messages the host receives (untrusted input). */
export function isDiffWebviewToHostMessage(value: unknown): value is DiffWebviewToHostMessage {
  if (!isObject(value)) return false;
  switch (value.type) {
    case 'webview/ready':
    case 'diff/rerun':
      return true;
    case 'diff/openModel':
      return value.side === 'old' || value.side === 'new';
    default:
      return false;
  }
}

/** Guard for messages the webview receives. */
export function isDiffHostToWebviewMessage(value: unknown): value is DiffHostToWebviewMessage {
  if (!isObject(value)) return false;
  switch (value.type) {
    case 'diff/loading':
      return typeof value.old === 'string' && typeof value.new === 'string';
    case 'diff/show':
      return isObject(value.diff) && value.diff.version === 1 && Array.isArray(value.diff.changes) && Array.isArray(value.diff.io);
    case 'diff/error':
      return typeof value.reason === 'string' && typeof value.message === 'string';
    default:
      return false;
  }
}
