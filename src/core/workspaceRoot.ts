/**
 * **The workspace of a model** ({@link modelWorkspaceRoot}): the nearest folder, from the model's own folder up,
 * that holds a `.mlpreflight/` folder or a `.git` entry (a folder, or a file in a git worktree); when none does,
 * the model's folder. Its `.mlpreflight/` holds the model's saved results (profile baselines). VS Code uses the
 * workspace folder that contains the model, the same folder for a repository opened at its root.
 */
import { statSync } from 'node:fs';
import * as path from 'node:path';

/** Whether `dir` holds `.mlpreflight/` (a folder) or `.git` (a folder or a worktree's file). */
function isWorkspaceRoot(dir: string): boolean {
  try {
    if (statSync(path.join(dir, '.mlpreflight')).isDirectory()) return true;
  } catch {
    // not here
  }
  try {
    statSync(path.join(dir, '.git'));
    return true;
  } catch {
    return false;
  }
}

/** The nearest folder at or above `dir` that is a workspace root (see the module comment), else undefined. */
export function enclosingWorkspaceRoot(dir: string): string | undefined {
  let cur = path.resolve(dir);
  for (;;) {
    if (isWorkspaceRoot(cur)) return cur;
    const parent = path.dirname(cur);
    if (parent === cur) return undefined;
    cur = parent;
  }
}

/** The workspace of the model at `modelPath` (see the module comment). */
export function modelWorkspaceRoot(modelPath: string): string {
  const dir = path.dirname(path.resolve(modelPath));
  return enclosingWorkspaceRoot(dir) ?? dir;
}
