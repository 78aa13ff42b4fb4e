/**
 * Writing emitted files safely: the emitters produce a list of files; {@link planFiles} resolves them inside
 * the chosen folder (refusing any path that escapes it, lexically or through a symlink), compares each with
 * what is on disk (`exists`, `identical`, a unified `diff`), and {@link writePlan} writes only new files and
 * identical ones, plus changed ones the caller explicitly allows. Nothing is overwritten silently.
 */
import { lstat, realpath, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { addMarker, recordManifest } from '../generated';
import { isInside } from '../paths';
import { copyFileAtomic, readRegularFile, SafeFsError, writeFileAtomic } from '../safeFs';
import { EmitError } from './modelIo';
import { unifiedDiff } from './diff';

/** One file to emit: text content, or a copy of an existing file (the model). */
export interface EmittedFile {
  /** Path relative to the output folder, `/` separators. */
  path: string;
  content?: string;
  /** Absolute path of a file to copy (e.g. the model into `<name>/1/model.onnx`). */
  copyFrom?: string;
  /** One line: what the file is. */
  description: string;
}

export interface PlannedFile extends EmittedFile {
  /** Absolute destination. */
  absPath: string;
  exists: boolean;
  /** The file on disk has exactly this content. */
  identical: boolean;
  /** Unified diff (old → new) for an existing text file that differs; absent for new or binary files. */
  diff?: string;
}

export interface EmitPlan {
  outDir: string;
  files: PlannedFile[];
}

async function exists(p: string): Promise<boolean> {
  try {
    await lstat(p);
    return true;
  } catch {
    return false;
  }
}

/** Existing files larger than this are compared by size only (a changed multi-GB model is "differs"). */
const MAX_COMPARE_BYTES = 512 * 1024 * 1024;

function kindOf(info: { isSymbolicLink(): boolean; isDirectory(): boolean }): string {
  return info.isSymbolicLink() ? 'a symlink' : info.isDirectory() ? 'a folder' : 'a FIFO, socket or device';
}

/** Read rule for the comparison: regular files only (a FIFO planted in --out never hangs the plan). */
async function readExisting(abs: string, shown: string): Promise<Buffer> {
  try {
    return await readRegularFile(abs, { maxBytes: MAX_COMPARE_BYTES });
  } catch (ex) {
    throw new EmitError(SafeFsError.is(ex, 'not-a-file') ? 'exists' : 'io', shown, SafeFsError.is(ex) ? ex.detail : String(ex));
  }
}

/** The nearest existing ancestor of `p`, resolved through symlinks. */
async function realAncestor(p: string): Promise<string> {
  let cur = p;
  for (;;) {
    try {
      return path.join(await realpath(cur), path.relative(cur, p));
    } catch {
      const parent = path.dirname(cur);
      if (parent === cur) return p;
      cur = parent;
    }
  }
}

/**
 * Resolves `files` inside `outDir` and compares them with the disk.
 *
 * @throws EmitError `path-escape` when a file would land outside `outDir` (absolute, `..`, or via a symlink).
 */
export async function planFiles(outDir: string, files: readonly EmittedFile[]): Promise<EmitPlan> {
  const root = path.resolve(outDir);
  const rootInfo = await stat(root).catch(() => undefined);
  if (rootInfo && !rootInfo.isDirectory()) throw new EmitError('exists', outDir, 'the output folder exists and is not a folder');
  const realRoot = await realAncestor(root);
  const planned: PlannedFile[] = [];
  // Every text file says it is generated (a comment in its format); the manifest is added by writePlan.
  for (const f of files.map((e) => (e.content === undefined ? e : { ...e, content: addMarker(e.path, e.content) }))) {
    if (!f.path || path.isAbsolute(f.path) || /^[a-zA-Z]:/.test(f.path) || f.path.split(/[\\/]/).some((s) => s === '..')) {
      throw new EmitError('path-escape', f.path, `refusing to write outside ${root}`);
    }
    const abs = path.resolve(root, ...f.path.split('/'));
    if (!isInside(root, abs) || abs === root) throw new EmitError('path-escape', f.path, `refusing to write outside ${root}`);
    const realAbs = await realAncestor(abs);
    if (!isInside(realRoot, realAbs)) throw new EmitError('path-escape', f.path, `resolves through a symlink to ${realAbs}, outside ${root}`);
    const present = await exists(abs);
    let identical = false;
    let diff: string | undefined;
    if (present) {
      const info = await lstat(abs);
      if (!info.isFile()) throw new EmitError('exists', f.path, `exists and is not a regular file (${kindOf(info)}); refusing to replace it`);
      const next = f.content !== undefined ? Buffer.from(f.content, 'utf8') : undefined;
      const nextSize = next ? next.length : (await stat(f.copyFrom!).catch(() => undefined))?.size;
      if (nextSize === info.size && info.size <= MAX_COMPARE_BYTES) {
        const old = await readExisting(abs, f.path);
        identical = old.equals(next ?? (await readExisting(f.copyFrom!, f.copyFrom!)));
        if (!identical && f.content !== undefined && !old.subarray(0, 8000).includes(0)) diff = unifiedDiff(old.toString('utf8'), f.content, f.path);
      } else if (f.content !== undefined && info.size <= MAX_COMPARE_BYTES) {
        const old = await readExisting(abs, f.path);
        if (!old.subarray(0, 8000).includes(0)) diff = unifiedDiff(old.toString('utf8'), f.content, f.path);
      }
    }
    planned.push({ ...f, absPath: abs, exists: present, identical, diff });
  }
  return { outDir: root, files: planned };
}

export interface WriteResult {
  written: string[];
  unchanged: string[];
  /** Existing, different files left alone (overwrite not allowed). */
  skipped: string[];
  /** The generated-files manifest updated with the written and unchanged files (src/core/generated.ts). */
  manifest?: string;
}

/**
 * Writes the plan. New files are written; identical files are left as they are; files that differ are
 * written only when `overwrite` is `true` or lists their path.
 */
export async function writePlan(plan: EmitPlan, options: { overwrite?: boolean | readonly string[] } = {}): Promise<WriteResult> {
  const result: WriteResult = { written: [], unchanged: [], skipped: [] };
  const allowed = (p: string): boolean => options.overwrite === true || (Array.isArray(options.overwrite) && options.overwrite.includes(p));
  for (const f of plan.files) {
    if (f.identical) {
      result.unchanged.push(f.path);
      continue;
    }
    if (f.exists && !allowed(f.path)) {
      result.skipped.push(f.path);
      continue;
    }
    // Write rule: exclusive random temp file in the target folder + fsync + rename; the real folder must stay
    // inside --out (a symlink planted after the plan is refused), a symlink at the destination is refused.
    try {
      if (f.content !== undefined) await writeFileAtomic(f.absPath, f.content, { root: plan.outDir, display: f.path });
      else await copyFileAtomic(f.copyFrom!, f.absPath, { root: plan.outDir, display: f.path });
    } catch (ex) {
      if (!SafeFsError.is(ex)) throw ex;
      throw new EmitError(ex.reason === 'outside' ? 'path-escape' : ex.reason === 'not-a-file' ? 'exists' : 'io', f.path, `${ex.detail} (in ${plan.outDir})`);
    }
    result.written.push(f.path);
  }
  // After the files (their writes check the folder first); the models tree rescans when the manifest appears.
  const ours = plan.files.filter((f) => !result.skipped.includes(f.path));
  if (ours.length) result.manifest = await recordManifest(plan.outDir, ours);
  return result;
}
