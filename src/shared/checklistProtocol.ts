/**
 * Messages between the extension host and the checklist webview (`mlPreflight.checklist`). Plain JSON, typed
 * both ways, with guards: anything the webview posts is untrusted input. Handshake: the host posts nothing
 * before `webview/ready` (sent again each time VS Code re-creates the page).
 */
import type { ChecklistReport, FixActionId } from './checklist';
import type { EmitTargetId } from './checklistEmit';

export type ChecklistWebviewToHost =
  | { type: 'webview/ready' }
  | { type: 'checklist/refresh' }
  /** Run an item's fix action (emit, profile, drift, skew, doc). */
  | { type: 'checklist/action'; itemId: string; action: FixActionId }
  /** Ask for a reason, then mark the item n/a. */
  | { type: 'checklist/markNa'; itemId: string }
  | { type: 'checklist/clearNa'; itemId: string }
  /** Open a workspace-relative file at a 1-based line. */
  | { type: 'checklist/open'; file: string; line?: number }
  /** Generate files for a target (asks for the model and the folder; shows a diff before overwriting). */
  | { type: 'checklist/emit'; target: EmitTargetId };

export type ChecklistHostToWebview =
  | { type: 'checklist/loading'; folder: string }
  | { type: 'checklist/show'; folder: string; report: ChecklistReport; focus?: string }
  | { type: 'checklist/error'; folder: string; message: string };

const FIX_ACTIONS = new Set<string>(['emit.docker', 'emit.triton', 'emit.kserve', 'emit.k8s', 'emit.prometheus', 'emit.k6', 'run.profile', 'run.drift', 'run.skew', 'doc']);
export const EMIT_TARGET_IDS: readonly EmitTargetId[] = ['docker', 'triton', 'kserve', 'k8s', 'prometheus', 'k6', 'all'];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

const ITEM_ID = /^[a-z]+(\.[a-z0-9-]+)+$/;

export function isChecklistWebviewToHost(v: unknown): v is ChecklistWebviewToHost {
  if (!isObject(v)) return false;
  switch (v.type) {
    case 'webview/ready':
    case 'checklist/refresh':
      return true;
    case 'checklist/action':
      return typeof v.itemId === 'string' && ITEM_ID.test(v.itemId) && typeof v.action === 'string' && FIX_ACTIONS.has(v.action);
    case 'checklist/markNa':
    case 'checklist/clearNa':
      return typeof v.itemId === 'string' && ITEM_ID.test(v.itemId);
    case 'checklist/open':
      return typeof v.file === 'string' && v.file.length > 0 && v.file.length < 4096 && (v.line === undefined || (Number.isInteger(v.line) && (v.line as number) >= 1));
    case 'checklist/emit':
      return typeof v.target === 'string' && (EMIT_TARGET_IDS as readonly string[]).includes(v.target);
    default:
      return false;
  }
}

export function isChecklistHostToWebview(v: unknown): v is ChecklistHostToWebview {
  if (!isObject(v) || typeof v.folder !== 'string') return false;
  switch (v.type) {
    case 'checklist/loading':
      return true;
    case 'checklist/show':
      return isObject(v.report) && Array.isArray(v.report.items) && isObject(v.report.counts);
    case 'checklist/error':
      return typeof v.message === 'string';
    default:
      return false;
  }
}
