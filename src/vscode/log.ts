import * as vscode from 'vscode';

/** The extension's log channel: "ML Preflight" in the Output view, levels set with "Developer: Set Log Level…". */
export type Log = vscode.LogOutputChannel;

/** Creates the "ML Preflight" log output channel (the caller disposes it). */
export function createLog(): Log {
  return vscode.window.createOutputChannel('ML Preflight', { log: true });
}

/** The message of anything thrown. */
export function errorMessage(ex: unknown): string {
  return ex instanceof Error ? ex.message : String(ex);
}

/**
 * Logs `message` at error level (the stack of `ex`, when it has one, at debug level) and shows it as a
 * fire-and-forget notification with a "Show Log" button.
 */
export function reportError(log: Log, message: string, ex?: unknown): void {
  log.error(message);
  if (ex instanceof Error && ex.stack) log.debug(ex.stack);
  void vscode.window.showErrorMessage(message, 'Show Log').then((choice) => {
    if (choice) log.show(true);
  });
}
