/**
 * Messages between the extension host and the data drift webview (`mlPreflight.driftReport`). Plain JSON,
 * `scope/method` names as in `protocol.ts`. Handshake: the host posts nothing before `webview/ready` (sent
 * again whenever VS Code re-creates the page).
 */
import type { DriftReport } from './drift';

export interface DriftReadyMessage {
  type: 'webview/ready';
}

/** webview → host: open one of the two data files. */
export interface DriftOpenFileMessage {
  type: 'drift/openFile';
  side: 'reference' | 'current';
}

/** webview → host: run the comparison again (files changed on disk). */
export interface DriftRerunMessage {
  type: 'drift/rerun';
}

/** webview → host: save the self-contained HTML report (the host asks where). */
export interface DriftExportMessage {
  type: 'drift/exportHtml';
}

export type DriftWebviewToHostMessage = DriftReadyMessage | DriftOpenFileMessage | DriftRerunMessage | DriftExportMessage;

/** host → webview: a comparison started. */
export interface DriftLoadingMessage {
  type: 'drift/loading';
  reference: string;
  current: string;
}

/** host → webview: progress of the running comparison. */
export interface DriftProgressMessage {
  type: 'drift/progress';
  message: string;
}

/** host → webview: the report to render. */
export interface DriftShowMessage {
  type: 'drift/show';
  report: DriftReport;
}

/** host → webview: the comparison failed. */
export interface DriftErrorMessage {
  type: 'drift/error';
  /** `DataReadError.reason`, `DriftError.reason`, `cancelled` or `internal`. */
  reason: string;
  message: string;
}

export type DriftHostToWebviewMessage = DriftLoadingMessage | DriftProgressMessage | DriftShowMessage | DriftErrorMessage;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Guard for messages the host receives (untrusted input). */
export function isDriftWebviewToHostMessage(value: unknown): value is DriftWebviewToHostMessage {
  if (!isObject(value)) return false;
  switch (value.type) {
    case 'webview/ready':
    case 'drift/rerun':
    case 'drift/exportHtml':
      return true;
    case 'drift/openFile':
      return value.side === 'reference' || value.side === 'current';
    default:
      return false;
  }
}

/** Guard for messages the webview receives. */
export function isDriftHostToWebviewMessage(value: unknown): value is DriftHostToWebviewMessage {
  if (!isObject(value)) return false;
  switch (value.type) {
    case 'drift/loading':
      return typeof value.reference === 'string' && typeof value.current === 'string';
    case 'drift/progress':
      return typeof value.message === 'string';
    case 'drift/show':
      return isObject(value.report) && Array.isArray(value.report.columns) && isObject(value.report.rows);
    case 'drift/error':
      return typeof value.reason === 'string' && typeof value.message === 'string';
    default:
      return false;
  }
}
