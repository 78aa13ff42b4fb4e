/**
 * Workspace Trust for actions that write files into the workspace ("Generate Serving Files", "Mark as n/a",
 * "Clear n/a"): in a trusted workspace they run; in an untrusted one the user confirms first (modal), or goes
 * to Manage Workspace Trust. Profiling refuses outright (it runs the model); writing is milder, so it asks.
 */
import * as vscode from 'vscode';

const WRITE_ANYWAY = 'Write Anyway';
const MANAGE = 'Manage Workspace Trust';

/** True when `action` may write files now: the workspace is trusted, or the user confirmed. */
export async function confirmWriteIfUntrusted(action: string, detail: string): Promise<boolean> {
  if (vscode.workspace.isTrusted) return true;
  const choice = await vscode.window.showWarningMessage(
    `This workspace is not trusted. ${action} writes files in it.`,
    { modal: true, detail: `${detail}\n\nTrust the workspace to skip this question.` },
    WRITE_ANYWAY,
    MANAGE,
  );
  if (choice === MANAGE) void vscode.commands.executeCommand('workbench.trust.manage');
  return choice === WRITE_ANYWAY;
}
