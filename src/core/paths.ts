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

/**
 * A path from an untrusted source (a saved result file, a finding) as a clean workspace-relative path with `/`
 * separators, or `undefined` when it is not one: URI schemes (`javascript:`, `https://…`, `file:`), absolute
 * paths outside `root`, `..` segments, drive letters, control characters and empty segments are refused.
 * An absolute path inside `root` is made relative. Enforces the rule that SARIF `artifactLocation.uri` (and
 * any other link we emit) is built only from paths we resolved inside the workspace, never copied verbatim.
 */
export function safeWorkspaceRelative(root: string, file: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  if (!file || /[\u0000-\u001f\u007f-\u009f]/.test(file)) return undefined;
  let p = file;
  if (path.isAbsolute(p) && !/^[\\/]{2}/.test(p)) {
    const abs = path.resolve(p);
    if (!isInside(root, abs) || abs === path.resolve(root)) return undefined;
    p = path.relative(root, abs);
  } else if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(p) || /^[\\/]/.test(p)) {
    return undefined; // a scheme (javascript:, https:, file:, C:) or a UNC / rooted path
  }
  const parts = p.split(/[\\/]+/).filter((s) => s !== '.');
  if (!parts.length || parts.some((s) => s === '..' || s === '')) return undefined;
  const rel = parts.join('/');
  return isInside(root, path.resolve(root, ...parts)) ? rel : undefined;
}
