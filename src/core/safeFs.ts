/**
 * The one place where ML Preflight reads workspace files and writes files (issue 11, classes 2–4).
 *
 * A repository is untrusted input: git stores symlinks (`.mlpreflight/skew.json -> /dev/zero`, `x -> ../../secret`),
 * a checkout can hold FIFOs and sockets, and a pre-planted symlink at a temp-file name can redirect a write.
 *
 * - **Read rule** ({@link readRegularFile}, {@link readRegularFileSync}): the path is resolved with `realpath`;
 *   with a `root`, the real path must lie inside the real root (a symlink out of the workspace is refused);
 *   a non-regular file (folder, FIFO, socket, device) is refused by `stat` *before* it is opened, the open uses
 *   `O_NONBLOCK` (a FIFO swapped in after the `stat` can never hang) and `O_NOFOLLOW` on the resolved path, and
 *   `fstat` after the open re-checks the kind, the identity and the size limit; at most `maxBytes` are read.
 * - **Write rule** ({@link writeFileAtomic}, {@link copyFileAtomic}): the destination is `lstat`ed and refused
 *   when it is a symlink or not a regular file; the content goes to a temp file created with exclusive create
 *   (`O_CREAT|O_EXCL|O_NOFOLLOW`, i.e. `wx`) under a random name in the destination's (real) folder, is
 *   `fsync`ed, then `rename`d over the destination (rename replaces the directory entry, it never follows a link).
 *   With a `root`, the destination's real folder must lie inside the real root.
 *
 * vscode-free; the CLI, the extension and the checklist all go through here.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { isInside } from './paths';

export type SafeFsReason = 'not-found' | 'not-a-file' | 'outside' | 'too-large' | 'io';

/** A refused or failed read/write; `message` is one line naming the file and the problem. */
export class SafeFsError extends Error {
  constructor(readonly reason: SafeFsReason, readonly file: string, readonly detail: string, options?: { cause?: unknown }) {
    super(`${file}: ${detail}`, options);
    this.name = 'SafeFsError';
  }

  static is(ex: unknown, reason?: SafeFsReason): ex is SafeFsError {
    return ex instanceof SafeFsError && (reason === undefined || ex.reason === reason);
  }
}

/** Default read limit for small workspace JSON/text files (configs, saved results, n/a marks). */
export const MAX_CONFIG_BYTES = 16 * 1024 * 1024;

/** `a folder`, `a FIFO`, `a socket`, `a character device`, `a block device`, `a symlink`, `a regular file`. */
export function kindOf(st: fs.Stats): string {
  if (st.isFile()) return 'a regular file';
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSymbolicLink()) return 'a symlink';
  return 'not a regular file';
}

export interface SafeReadOptions {
  /** Refuse files larger than this many bytes (default {@link MAX_CONFIG_BYTES}). */
  maxBytes?: number;
  /** When set, the file's real path must lie inside the real path of this folder (the workspace). */
  root?: string;
  /** How the file is named in messages (default: the path as given). */
  display?: string;
}

function ioError(file: string, ex: unknown, verb: string): SafeFsError {
  const code = (ex as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new SafeFsError('not-found', file, 'no such file', { cause: ex });
  if (code === 'ELOOP') return new SafeFsError('not-a-file', file, 'is a symlink loop (or a symlink where none is allowed)', { cause: ex });
  if (code === 'EISDIR') return new SafeFsError('not-a-file', file, 'is a folder, not a file', { cause: ex });
  return new SafeFsError('io', file, `cannot ${verb} (${code ?? (ex instanceof Error ? ex.message : String(ex))})`, { cause: ex });
}

function notRegular(file: string, st: fs.Stats): SafeFsError {
  return new SafeFsError('not-a-file', file, `is ${kindOf(st)}, not a regular file; refused`);
}

function tooLarge(file: string, size: number, max: number): SafeFsError {
  return new SafeFsError('too-large', file, `is ${size} bytes, over the ${max}-byte limit for this file; refused`);
}

/** Read-only open flags: no blocking on FIFOs; the path is already resolved, so no symlink may appear at it. */
const READ_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0) | (fs.constants.O_NOFOLLOW ?? 0);

function realRootSync(root: string): string {
  try {
    return fs.realpathSync(path.resolve(root));
  } catch {
    return path.resolve(root);
  }
}

/**
 * `given` resolved against `root` (lexically and through symlinks); throws `outside` when it leaves `root`.
 * A path that does not exist yet is checked through its nearest existing ancestor. Enforces the containment
 * rule for configured paths (skew pairs, settings).
 */
export function resolveInsideSync(root: string, given: string, display = given): string {
  const absRoot = path.resolve(root);
  const abs = path.resolve(absRoot, given);
  if (!isInside(absRoot, abs)) throw new SafeFsError('outside', display, `is outside the workspace folder ${absRoot}; refused`);
  const realRoot = realRootSync(absRoot);
  let cur = abs;
  for (;;) {
    try {
      const real = path.join(fs.realpathSync(cur), path.relative(cur, abs));
      if (!isInside(realRoot, real)) throw new SafeFsError('outside', display, `resolves through a symlink to ${real}, outside the workspace folder ${absRoot}; refused`);
      return abs;
    } catch (ex) {
      if (SafeFsError.is(ex)) throw ex;
      const parent = path.dirname(cur);
      if (parent === cur) return abs;
      cur = parent;
    }
  }
}

function resolveForRead(file: string, options: SafeReadOptions): { abs: string; real: string; display: string } {
  const display = options.display ?? file;
  const abs = path.resolve(options.root ?? '', file);
  // Read rule, containment: lexical first, then by realpath (a committed symlink may point anywhere).
  if (options.root !== undefined && !isInside(path.resolve(options.root), abs)) {
    throw new SafeFsError('outside', display, `is outside the workspace folder ${path.resolve(options.root)}; refused`);
  }
  let real: string;
  try {
    real = fs.realpathSync(abs);
  } catch (ex) {
    throw ioError(display, ex, 'resolve it');
  }
  if (options.root !== undefined) {
    const realRoot = realRootSync(options.root);
    if (!isInside(realRoot, real)) throw new SafeFsError('outside', display, `resolves through a symlink to ${real}, outside the workspace folder; refused`);
  }
  return { abs, real, display };
}

/**
 * Reads a regular file within a size limit (see the read rule above).
 *
 * @throws SafeFsError `not-found`, `not-a-file` (folder, FIFO, socket, device: named in the message), `outside`,
 *   `too-large`, `io`.
 */
export async function readRegularFile(file: string, options: SafeReadOptions = {}): Promise<Buffer> {
  const max = options.maxBytes ?? MAX_CONFIG_BYTES;
  const { real, display } = resolveForRead(file, options);
  let st: fs.Stats;
  try {
    st = await fsp.stat(real);
  } catch (ex) {
    throw ioError(display, ex, 'read it');
  }
  // Read rule, kind: refuse specials before opening them (opening a device or FIFO can have effects).
  if (!st.isFile()) throw notRegular(display, st);
  if (st.size > max) throw tooLarge(display, st.size, max);
  let handle: fsp.FileHandle;
  try {
    handle = await fsp.open(real, READ_FLAGS);
  } catch (ex) {
    throw ioError(display, ex, 'open it');
  }
  try {
    const now = await handle.stat();
    // Read rule, identity: the file opened is the file checked (no swap to a FIFO/device in between).
    if (!now.isFile()) throw notRegular(display, now);
    if (now.ino !== st.ino || now.dev !== st.dev) throw new SafeFsError('io', display, 'changed while it was being opened; refused');
    if (now.size > max) throw tooLarge(display, now.size, max);
    // Read rule, size: never more than `max` + 1 bytes, whatever the file claims or grows to.
    const buf = Buffer.allocUnsafe(Math.min(max + 1, now.size + 1));
    let got = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buf, got, buf.length - got, got);
      if (bytesRead === 0) break;
      got += bytesRead;
      if (got >= buf.length) break;
    }
    if (got > max) throw tooLarge(display, got, max);
    return buf.subarray(0, got);
  } catch (ex) {
    if (SafeFsError.is(ex)) throw ex;
    throw ioError(display, ex, 'read it');
  } finally {
    await handle.close();
  }
}

/** {@link readRegularFile} decoded as UTF-8. */
export async function readTextFile(file: string, options: SafeReadOptions = {}): Promise<string> {
  return (await readRegularFile(file, options)).toString('utf8');
}

/** Synchronous {@link readRegularFile} (for the skew analysis, which is synchronous). */
export function readRegularFileSync(file: string, options: SafeReadOptions = {}): Buffer {
  const max = options.maxBytes ?? MAX_CONFIG_BYTES;
  const { real, display } = resolveForRead(file, options);
  let st: fs.Stats;
  try {
    st = fs.statSync(real);
  } catch (ex) {
    throw ioError(display, ex, 'read it');
  }
  if (!st.isFile()) throw notRegular(display, st);
  if (st.size > max) throw tooLarge(display, st.size, max);
  let fd: number;
  try {
    fd = fs.openSync(real, READ_FLAGS);
  } catch (ex) {
    throw ioError(display, ex, 'open it');
  }
  try {
    const now = fs.fstatSync(fd);
    if (!now.isFile()) throw notRegular(display, now);
    if (now.ino !== st.ino || now.dev !== st.dev) throw new SafeFsError('io', display, 'changed while it was being opened; refused');
    if (now.size > max) throw tooLarge(display, now.size, max);
    const buf = Buffer.allocUnsafe(Math.min(max + 1, now.size + 1));
    let got = 0;
    for (;;) {
      const n = fs.readSync(fd, buf, got, buf.length - got, got);
      if (n === 0) break;
      got += n;
      if (got >= buf.length) break;
    }
    if (got > max) throw tooLarge(display, got, max);
    return buf.subarray(0, got);
  } catch (ex) {
    if (SafeFsError.is(ex)) throw ex;
    throw ioError(display, ex, 'read it');
  } finally {
    fs.closeSync(fd);
  }
}

/** {@link readRegularFileSync} decoded as UTF-8. */
export function readTextFileSync(file: string, options: SafeReadOptions = {}): string {
  return readRegularFileSync(file, options).toString('utf8');
}

/**
 * The kind of an existing path for precise "not a file" messages (`is a FIFO`, `is a folder`), or undefined when
 * it is a regular file (following symlinks) or absent.
 */
export function nonRegularKindSync(file: string): string | undefined {
  try {
    const st = fs.statSync(file);
    return st.isFile() ? undefined : kindOf(st);
  } catch {
    return undefined;
  }
}

export interface SafeWriteOptions {
  /** When set, the destination's real folder must lie inside the real path of this folder. */
  root?: string;
  /** How the file is named in messages (default: the path as given). */
  display?: string;
  /** Create missing parent folders (default true). */
  mkdirs?: boolean;
}

/**
 * `mkdir -p` without `{ recursive: true }`: Node's recursive mkdir never returns on some paths under `/proc`
 * (`/proc/self/x/y` loops on ENOENT), so the missing folders are created one by one, top down, and any error
 * (ENOENT, EACCES, EROFS, ENOTDIR) surfaces at once.
 */
export async function makeDirs(dir: string): Promise<void> {
  const missing: string[] = [];
  let cur = path.resolve(dir);
  for (let depth = 0; depth < 4096; depth++) {
    const st = await fsp.stat(cur).catch((ex: NodeJS.ErrnoException) => (ex.code === 'ENOENT' ? undefined : Promise.reject(ex)));
    if (st) {
      if (!st.isDirectory()) throw Object.assign(new Error(`${cur} is not a folder`), { code: 'ENOTDIR' });
      break;
    }
    missing.push(cur);
    const up = path.dirname(cur);
    if (up === cur) break;
    cur = up;
  }
  for (const d of missing.reverse()) {
    try {
      await fsp.mkdir(d);
    } catch (ex) {
      if ((ex as NodeJS.ErrnoException).code !== 'EEXIST') throw ex;
    }
  }
}

/** Checks the destination and returns its real folder and final path (see the write rule above). */
async function prepareWrite(file: string, options: SafeWriteOptions): Promise<{ dir: string; dest: string; display: string; mode: number }> {
  const display = options.display ?? file;
  const abs = path.resolve(file);
  const parent = path.dirname(abs);
  try {
    if (options.mkdirs !== false) await makeDirs(parent);
  } catch (ex) {
    const code = (ex as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTDIR') throw new SafeFsError('not-a-file', display, `cannot create its folder ${parent}: a file is in the way`, { cause: ex });
    throw new SafeFsError('io', display, `cannot create its folder ${parent} (${code ?? String(ex)})`, { cause: ex });
  }
  let dir: string;
  try {
    dir = await fsp.realpath(parent);
  } catch (ex) {
    throw ioError(display, ex, 'resolve its folder');
  }
  const info = await fsp.stat(dir).catch((ex: unknown) => {
    throw ioError(display, ex, 'resolve its folder');
  });
  if (!info.isDirectory()) throw new SafeFsError('not-a-file', display, `its folder ${parent} is ${kindOf(info)}`);
  // Write rule, containment: the real folder must stay inside the real root (a symlinked `.mlpreflight` is refused).
  if (options.root !== undefined) {
    const realRoot = await fsp.realpath(path.resolve(options.root)).catch(() => path.resolve(options.root!));
    if (!isInside(realRoot, dir)) throw new SafeFsError('outside', display, `its folder resolves to ${dir}, outside ${path.resolve(options.root)}; refused`);
  }
  const dest = path.join(dir, path.basename(abs));
  let mode = 0o644;
  try {
    const st = await fsp.lstat(dest);
    // Write rule, destination: never write through a symlink or over a FIFO, device or folder.
    if (st.isSymbolicLink()) throw new SafeFsError('not-a-file', display, 'is a symlink; refusing to write through it');
    if (!st.isFile()) throw notRegular(display, st);
    mode = st.mode & 0o777;
  } catch (ex) {
    if (SafeFsError.is(ex)) throw ex;
    if ((ex as NodeJS.ErrnoException).code !== 'ENOENT') throw ioError(display, ex, 'check it');
  }
  return { dir, dest, display, mode };
}

/** Exclusive temp file in `dir` (write rule: `wx` + `O_NOFOLLOW`, random name, so no planted file or link is used). */
async function createTemp(dir: string, dest: string, mode: number, display: string): Promise<{ tmp: string; handle: fsp.FileHandle }> {
  for (let attempt = 0; ; attempt++) {
    const tmp = path.join(dir, `.${path.basename(dest).slice(0, 100)}.${randomBytes(8).toString('hex')}.mlp-tmp`);
    try {
      const handle = await fsp.open(tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | (fs.constants.O_NOFOLLOW ?? 0), mode);
      return { tmp, handle };
    } catch (ex) {
      if ((ex as NodeJS.ErrnoException).code === 'EEXIST' && attempt < 5) continue;
      throw ioError(display, ex, 'create a temporary file beside it');
    }
  }
}

async function finish(handle: fsp.FileHandle, tmp: string, dest: string, dir: string, display: string): Promise<void> {
  try {
    await handle.sync();
    await handle.close();
  } catch (ex) {
    await handle.close().catch(() => undefined);
    await fsp.unlink(tmp).catch(() => undefined);
    throw ioError(display, ex, 'write it');
  }
  try {
    // Re-check right before the rename: a symlink or special file planted meanwhile is refused, not replaced.
    const st = await fsp.lstat(dest).catch(() => undefined);
    if (st && (st.isSymbolicLink() || !st.isFile())) throw new SafeFsError('not-a-file', display, `became ${kindOf(st)} while it was being written; refused`);
    await fsp.rename(tmp, dest);
  } catch (ex) {
    await fsp.unlink(tmp).catch(() => undefined);
    if (SafeFsError.is(ex)) throw ex;
    throw ioError(display, ex, 'replace it');
  }
  // Durability of the rename itself (best effort: not every platform can fsync a folder).
  try {
    const d = await fsp.open(dir, fs.constants.O_RDONLY);
    await d.sync().catch(() => undefined);
    await d.close();
  } catch {
    // ignore
  }
}

/**
 * Writes `content` to `file` atomically (readers see the old file or the new one, never a partial one).
 *
 * @throws SafeFsError `not-a-file` (the destination is a symlink, folder, FIFO, device), `outside`, `io`.
 */
export async function writeFileAtomic(file: string, content: string | Uint8Array, options: SafeWriteOptions = {}): Promise<void> {
  const { dir, dest, display, mode } = await prepareWrite(file, options);
  const { tmp, handle } = await createTemp(dir, dest, mode, display);
  try {
    await handle.writeFile(content);
  } catch (ex) {
    await handle.close().catch(() => undefined);
    await fsp.unlink(tmp).catch(() => undefined);
    throw ioError(display, ex, 'write it');
  }
  await finish(handle, tmp, dest, dir, display);
}

/**
 * Copies the regular file `from` to `file` atomically (same rules; the source is opened non-blocking and must be
 * a regular file, so a FIFO or device as the model to copy is refused, never read forever).
 */
export async function copyFileAtomic(from: string, file: string, options: SafeWriteOptions = {}): Promise<void> {
  let src: fsp.FileHandle;
  try {
    src = await fsp.open(from, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (ex) {
    throw ioError(from, ex, 'open it');
  }
  try {
    const st = await src.stat();
    if (!st.isFile()) throw notRegular(from, st);
    const { dir, dest, display, mode } = await prepareWrite(file, options);
    const { tmp, handle } = await createTemp(dir, dest, mode, display);
    try {
      const buf = Buffer.allocUnsafe(1024 * 1024);
      let pos = 0;
      for (;;) {
        const { bytesRead } = await src.read(buf, 0, buf.length, pos);
        if (bytesRead === 0) break;
        await handle.write(buf, 0, bytesRead);
        pos += bytesRead;
      }
    } catch (ex) {
      await handle.close().catch(() => undefined);
      await fsp.unlink(tmp).catch(() => undefined);
      throw ioError(display, ex, 'write it');
    }
    await finish(handle, tmp, dest, dir, display);
  } finally {
    await src.close();
  }
}
