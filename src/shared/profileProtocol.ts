/**
 * Messages between the extension host and the profile results webview (`mlPreflight.profileResults`).
 * Plain JSON; `scope/method` names like `protocol.ts`. Handshake: the host posts nothing before
 * `webview/ready`, and posts the current state again after each `webview/ready` (the page is re-created when
 * the tab is hidden and shown, since `retainContextWhenHidden` is off).
 */
import type { ProfileResult } from './profileResult';
import type { BatchSummary } from './workerProtocol';

/** webview → host. */
export type ProfileWebviewToHost =
  | { type: 'webview/ready' }
  /** Profile the same model again with the current settings. */
  | { type: 'profile/rerun' }
  /** Open the baseline JSON the comparison used. */
  | { type: 'profile/openBaseline' };

/** host → webview. */
export type ProfileHostToWebview =
  /**
   * A profile of `file` is running; `message` says which phase. `partial`: the batch sizes finished so far
   * (streamed as each one ends); `elapsedS`/`budgetS`: time spent and the run's time budget (none: undefined).
   */
  | { type: 'profile/running'; file: string; message: string; partial?: BatchSummary[]; elapsedS?: number; budgetS?: number }
  | { type: 'profile/show'; file: string; result: ProfileResult }
  | { type: 'profile/error'; file: string; kind: string; message: string };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Guard for messages the host receives (untrusted input). */
export function isProfileWebviewToHost(value: unknown): value is ProfileWebviewToHost {
  return isObject(value) && (value.type === 'webview/ready' || value.type === 'profile/rerun' || value.type === 'profile/openBaseline');
}

/** Guard for messages the webview receives. */
export function isProfileHostToWebview(value: unknown): value is ProfileHostToWebview {
  if (!isObject(value) || typeof value.file !== 'string') return false;
  switch (value.type) {
    case 'profile/running':
      return typeof value.message === 'string';
    case 'profile/show':
      return isObject(value.result) && Array.isArray(value.result.runs);
    case 'profile/error':
      return typeof value.kind === 'string' && typeof value.message === 'string';
    default:
      return false;
  }
}
