/**
 * Pure text helpers of the checklist webview (no DOM): what a row shows once the file it points at is already a
 * link beside it, and the codicon of each status. Unit-tested in test/unit/checklistView.test.ts.
 */
import type { ChecklistStatus } from '../../src/shared/checklist';

/** The codicon of each status (`codicon-<name>`), the same icons the Preflight tree uses. */
export const STATUS_CODICON: Record<ChecklistStatus, string> = { pass: 'pass', warn: 'warning', fail: 'error', unknown: 'question', na: 'circle-slash' };

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * `message` without the path prefixes that repeat the link shown beside it: `models/x.onnx: /abs/models/x.onnx: bad`
 * → `bad` when `file` is `models/x.onnx` (the workspace-relative path, then the absolute one ending with it, each
 * followed by `: `). Messages that do not start with the file are returned unchanged.
 */
export function withoutRepeatedPath(message: string, file: string | undefined): string {
  if (!file) return message;
  let out = message;
  const rel = new RegExp(`^${escapeRe(file)}(:\\d+)?: `);
  const abs = new RegExp(`^(?:[A-Za-z]:)?[\\\\/][^:]*?[\\\\/]${escapeRe(file.split('/').pop() ?? file)}(:\\d+)?: `);
  for (let i = 0; i < 2; i++) out = out.replace(rel, '').replace(abs, '');
  return out || message;
}
