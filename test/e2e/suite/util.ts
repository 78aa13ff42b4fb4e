/** Helpers shared by the extension-host test files (bundled into each; index.ts loads only `*.test.js`). */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

/** The first workspace folder (the runners open a copy of `examples/`). */
export function workspaceFolder(): vscode.WorkspaceFolder {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder is open');
  return folder;
}

/** A file of the first workspace folder. */
export function workspaceFile(...parts: string[]): vscode.Uri {
  return vscode.Uri.joinPath(workspaceFolder().uri, ...parts);
}

/** Polls `probe` every 200 ms until it returns a value; throws after `timeoutMs` naming `what`. */
export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
