/**
 * A read-only view of a workspace folder for the checklist evaluators: the list of files (bounded walk that
 * skips dependency and build folders) and cached text reads. vscode-free; the extension and the CLI both use it.
 */
import { readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { isInside } from '../paths';
import { readRegularFile } from '../safeFs';

/** Folders never walked (dependencies, VCS internals, build output, caches). `.github` and `.mlpreflight` are kept. */
const SKIP_DIRS = new Set([
  'node_modules', '.git', '.hg', '.svn', '.venv', 'venv', 'env', '__pycache__', '.mypy_cache', '.pytest_cache',
  '.ruff_cache', '.tox', 'dist', 'build', 'out', 'target', '.idea', '.vscode-test', '.cache', 'site-packages', 'test-results',
]);

/** Most files listed; a larger workspace is still graded on the first ones (and says so). */
export const MAX_FILES = 20_000;
/** Text files larger than this are not read (a 2 MB Python file is generated, not serving code). */
export const MAX_TEXT_BYTES = 2 * 1024 * 1024;

export class ChecklistError extends Error {
  constructor(readonly reason: 'not-found' | 'not-a-folder' | 'io' | 'aborted', readonly file: string, readonly detail: string) {
    super(`${file}: ${reason}: ${detail}`);
    this.name = 'ChecklistError';
  }

  static is(ex: unknown, reason?: ChecklistError['reason']): ex is ChecklistError {
    return ex instanceof ChecklistError && (reason === undefined || ex.reason === reason);
  }
}

export interface Workspace {
  /** Absolute path of the folder. */
  readonly root: string;
  /** Workspace-relative paths (`/` separators), sorted. */
  readonly files: readonly string[];
  /** True when the walk stopped at {@link MAX_FILES}. */
  readonly truncated: boolean;
  /** Text of a workspace-relative file; `undefined` when missing, unreadable, binary or over {@link MAX_TEXT_BYTES}. */
  read(rel: string): Promise<string | undefined>;
  /** Files whose relative path matches `re`. */
  find(re: RegExp): string[];
}

function throwIfAborted(signal: AbortSignal | undefined, root: string): void {
  if (signal?.aborted) throw new ChecklistError('aborted', root, 'the checklist run was cancelled');
}

/**
 * Lists `root` (depth-first, sorted, symlinks not followed) and returns a {@link Workspace}.
 *
 * @throws ChecklistError `not-found`, `not-a-folder`, `aborted`.
 */
export async function openWorkspace(root: string, options: { signal?: AbortSignal } = {}): Promise<Workspace> {
  const abs = path.resolve(root);
  let info;
  try {
    info = await stat(abs);
  } catch {
    throw new ChecklistError('not-found', root, 'no such folder');
  }
  if (!info.isDirectory()) throw new ChecklistError('not-a-folder', root, 'expected a workspace folder, got a file');
  const files: string[] = [];
  let truncated = false;
  const walk = async (dir: string, rel: string): Promise<void> => {
    throwIfAborted(options.signal, root);
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (files.length >= MAX_FILES) {
        truncated = true;
        return;
      }
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name)) await walk(path.join(dir, entry.name), childRel);
      } else if (entry.isFile()) {
        files.push(childRel);
      }
    }
  };
  await walk(abs, '');
  const cache = new Map<string, Promise<string | undefined>>();
  const read = (rel: string): Promise<string | undefined> => {
    let hit = cache.get(rel);
    if (!hit) {
      hit = readText(abs, rel);
      cache.set(rel, hit);
    }
    return hit;
  };
  return {
    root: abs,
    files,
    truncated,
    read,
    find: (re) => files.filter((f) => re.test(f)),
  };
}

async function readText(root: string, rel: string): Promise<string | undefined> {
  const file = path.join(root, ...rel.split('/'));
  if (!isInside(root, file)) return undefined;
  try {
    // Read rule: regular file, realpath inside the workspace, at most MAX_TEXT_BYTES (safeFs).
    const bytes = await readRegularFile(file, { root, maxBytes: MAX_TEXT_BYTES });
    if (bytes.subarray(0, 8000).includes(0)) return undefined;
    return bytes.toString('utf8');
  } catch {
    return undefined;
  }
}


/** 1-based line of character offset `index` in `text`. */
export function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** First match of `re` in `text` as `{ line, match }` (1-based line), or undefined. */
export function findLine(text: string, re: RegExp): { line: number; match: RegExpExecArray } | undefined {
  const global = new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);
  const match = global.exec(text);
  return match ? { line: lineOf(text, match.index), match } : undefined;
}
