/** Path containment and workspace-relative display, one definition for every capability. Pure, lexical. */
import * as path from 'node:path';

/**
 * True when `child` is `parent` itself or lies below it (lexically: resolve symlinks first where they matter).
 * A name that merely starts with two dots (`..cache`) is inside; `..` and `../x` are not.
 */
export function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/** `file` relative to `root` with `/` separators when it lies inside `root`; otherwise `file` unchanged. */
export function workspaceRelative(root: string, file: string): string {
  return isInside(root, file) ? path.relative(root, file).split(path.sep).join('/') : file;
}
