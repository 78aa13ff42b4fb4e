/**
 * Messages between the extension host and the model inspector webview (`mlPreflight.onnxInspector`).
 * Imported by both bundles; plain JSON only. Method names are `scope/method` (GitLens `ipc.ts` style).
 *
 * Handshake: the host posts nothing before the webview sends `webview/ready` (the webview sends it again
 * each time VS Code re-creates it, e.g. after the tab was hidden, since `retainContextWhenHidden` is off).
 */
import type { ModelInspection } from './modelInspection';

/** webview → host: the page has loaded and listens for messages. */
export interface WebviewReadyMessage {
  type: 'webview/ready';
}

/** webview → host: reveal the model file in the Explorer. */
export interface ModelRevealMessage {
  type: 'model/reveal';
}

/** Every message the webview posts to the host. */
export type WebviewToHostMessage = WebviewReadyMessage | ModelRevealMessage;

/** host → webview: an inspection of `file` started (shown until `model/show` or `model/error`). */
export interface ModelLoadingMessage {
  type: 'model/loading';
  /** The model's path (or URI for non-file schemes), for display. */
  file: string;
}

/** host → webview: the inspection to render. */
export interface ModelShowMessage {
  type: 'model/show';
  inspection: ModelInspection;
}

/** host → webview: the model could not be inspected. */
export interface ModelErrorMessage {
  type: 'model/error';
  /** The model's path (or URI for non-file schemes), for display. */
  file: string;
  /** `OnnxInspectError.reason` (`truncated`, `not-onnx`, …) or `internal` for anything else. */
  reason: string;
  /** Full message, e.g. `model.onnx: truncated: field 7 (graph) claims …`. */
  message: string;
}

/** Every message the host posts to the webview. */
export type HostToWebviewMessage = ModelLoadingMessage | ModelShowMessage | ModelErrorMessage;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Type guard for messages received by the host (anything the webview posts is untrusted input). */
export function isWebviewToHostMessage(value: unknown): value is WebviewToHostMessage {
  return isObject(value) && (value.type === 'webview/ready' || value.type === 'model/reveal');
}

/** Type guard for messages received by the webview. */
export function isHostToWebviewMessage(value: unknown): value is HostToWebviewMessage {
  if (!isObject(value)) return false;
  switch (value.type) {
    case 'model/loading':
      return typeof value.file === 'string';
    case 'model/show':
      return isObject(value.inspection) && isObject(value.inspection.file);
    case 'model/error':
      return typeof value.file === 'string' && typeof value.reason === 'string' && typeof value.message === 'string';
    default:
      return false;
  }
}
