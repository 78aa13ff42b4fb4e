/**
 * The old side of `diff <model> --against <ref>` and `review --base <ref>`: a model file as it was at a git ref,
 * copied out of the repository with `git cat-file` into a fresh temp folder (exclusively created files), with
 * the external data files it references next to it. A Git LFS pointer is refused with a clear reason instead of
 * being parsed as a broken model.
 *
 * git runs through `execFile`/`spawn` with an argument array (no shell); a ref that could be read as an option,
 * or that holds control characters, is refused before git sees it.
 */
import { execFile, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, realpath, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { lexicalRefusal } from '../onnx/externalData';
import { inspectModel } from '../onnx/inspect';
import { isInside } from '../paths';
import { DiffError } from './errors';

/** Largest blob copied out (the inspection's own limits apply after). */
export const MAX_BLOB_BYTES = 16 * 1024 ** 3;
/** Git LFS pointer files start with this line (git-lfs spec v1). */
const LFS_POINTER = 'version https://git-lfs.github.com/spec/v1';

export interface GitModel {
  /** The temp copy of the model; its external data lies next to it. */
  path: string;
  /** `ref:path` as shown to the user. */
  label: string;
  /** Removes the temp folder. */
  dispose(): Promise<void>;
}

interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Options put before every git command: a cloned repository's own config must not make git run a program
 * (`core.fsmonitor` is the one that reading commands can trigger).
 */
const SAFE_CONFIG = ['-c', 'core.fsmonitor=false'];

function git(cwd: string, args: string[], signal?: AbortSignal): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    execFile('git', [...SAFE_CONFIG, ...args], { cwd, signal, maxBuffer: 1024 * 1024, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(new DiffError('git', cwd, 'git is not installed (or not on PATH)'));
        return;
      }
      if (err && (err as { name?: string }).name === 'AbortError') {
        reject(new DiffError('aborted', cwd, 'cancelled'));
        return;
      }
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** Refuses refs that git could read as an option or that carry control characters. */
export function checkRef(ref: string): string | null {
  if (ref === '') return 'the ref is empty';
  if (ref.startsWith('-')) return `'${ref}' starts with '-' and would be read as an option`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(ref)) return 'the ref contains control characters';
  if (ref.includes(':')) return `'${ref}' contains ':'; give a commit, branch or tag`;
  return null;
}

/** The repository's top folder for `dir`, and `file` relative to it with `/` separators. */
async function locate(file: string, signal?: AbortSignal): Promise<{ top: string; rel: string }> {
  const abs = path.resolve(file);
  let dir = path.dirname(abs);
  try {
    dir = await realpath(dir);
  } catch {
    throw new DiffError('git', file, 'its folder does not exist');
  }
  const r = await git(dir, ['rev-parse', '--show-toplevel'], signal);
  if (r.code !== 0) throw new DiffError('git', file, `not inside a git repository (${r.stderr.trim().split('\n')[0] ?? 'git rev-parse failed'})`);
  const top = await realpath(r.stdout.trim());
  const full = path.join(dir, path.basename(abs));
  if (!isInside(top, full)) throw new DiffError('git', file, `lies outside the repository at ${top}`);
  return { top, rel: path.relative(top, full).split(path.sep).join('/') };
}

/** Size of the blob at `spec` (`ref:path`), or why there is none. */
async function blobSize(top: string, spec: string, label: string, signal?: AbortSignal): Promise<number> {
  const t = await git(top, ['cat-file', '-t', spec], signal);
  if (t.code !== 0) throw new DiffError('not-in-ref', label, 'no such file at that ref');
  if (t.stdout.trim() !== 'blob') throw new DiffError('not-in-ref', label, `is a ${t.stdout.trim()} at that ref, not a file`);
  const s = await git(top, ['cat-file', '-s', spec], signal);
  const size = Number(s.stdout.trim());
  if (s.code !== 0 || !Number.isSafeInteger(size)) throw new DiffError('git', label, 'git cat-file -s failed');
  if (size > MAX_BLOB_BYTES) throw new DiffError('too-large', label, `the blob is ${size} bytes, over the ${MAX_BLOB_BYTES}-byte limit`);
  return size;
}

/** Streams the blob into `dest` (created exclusively); refuses a Git LFS pointer. */
function copyBlob(top: string, spec: string, dest: string, label: string, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', [...SAFE_CONFIG, 'cat-file', 'blob', spec], { cwd: top, stdio: ['ignore', 'pipe', 'pipe'], signal, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
    const out = createWriteStream(dest, { flags: 'wx' });
    let head = Buffer.alloc(0);
    let checked = false;
    let failed: Error | null = null;
    const fail = (e: Error): void => {
      if (failed) return;
      failed = e;
      child.kill();
      out.destroy();
      reject(e);
    };
    const check = (): void => {
      checked = true;
      if (head.subarray(0, LFS_POINTER.length).toString('latin1') === LFS_POINTER) {
        const text = head.toString('utf8');
        const oid = /oid sha256:([0-9a-f]{64})/.exec(text)?.[1];
        const size = /\nsize (\d+)/.exec(text)?.[1];
        fail(new DiffError('lfs-pointer', label, `the blob is a Git LFS pointer${oid ? ` (oid sha256:${oid.slice(0, 12)}…${size ? `, ${size} bytes` : ''})` : ''}, not the model; fetch it with \`git lfs fetch origin <ref>\` and compare the fetched file, or check the model out at that ref and pass both files`));
      }
    };
    child.stdout.on('data', (chunk: Buffer) => {
      if (failed) return;
      if (!checked) {
        head = Buffer.concat([head, chunk]);
        if (head.length >= LFS_POINTER.length) check();
        if (failed) return;
        if (checked) {
          if (!out.write(head)) child.stdout.pause();
        }
        return;
      }
      if (!out.write(chunk)) child.stdout.pause();
    });
    out.on('drain', () => child.stdout.resume());
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => {
      if (stderr.length < 4096) stderr += c.toString('utf8');
    });
    child.on('error', (e) => fail((e as { name?: string }).name === 'AbortError' ? new DiffError('aborted', label, 'cancelled') : new DiffError('git', label, `git cat-file failed: ${e.message}`)));
    out.on('error', (e) => fail(new DiffError('io', dest, `cannot write the temp copy: ${e.message}`)));
    child.on('close', (code) => {
      if (failed) return;
      if (!checked) {
        check();
        if (failed) return;
        out.write(head);
      }
      if (code !== 0) {
        fail(new DiffError('git', label, `git cat-file exited with ${code}: ${stderr.trim().split('\n')[0] ?? ''}`));
        return;
      }
      out.end(() => resolve());
    });
  });
}

/**
 * Copies `file` as it was at `ref` (and the external data files its old version references) into a new temp
 * folder.
 *
 * @throws DiffError `bad-ref`, `not-in-ref`, `lfs-pointer`, `too-large`, `git`, `io`, `aborted`.
 */
export async function readModelAtRef(file: string, ref: string, options: { signal?: AbortSignal } = {}): Promise<GitModel> {
  const bad = checkRef(ref);
  if (bad) throw new DiffError('bad-ref', file, bad);
  const { top, rel } = await locate(file, options.signal);
  const label = `${rel} at ${ref}`;
  const commit = await git(top, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], options.signal);
  if (commit.code !== 0) throw new DiffError('bad-ref', label, `'${ref}' is not a commit, branch or tag in ${top}`);
  const sha = commit.stdout.trim();
  await blobSize(top, `${sha}:${rel}`, label, options.signal);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mlp-diff-'));
  const dispose = (): Promise<void> => rm(dir, { recursive: true, force: true });
  try {
    const dest = path.join(dir, path.basename(rel));
    await copyBlob(top, `${sha}:${rel}`, dest, label, options.signal);
    // External data of the old version, at the same place relative to the model.
    let locations: string[] = [];
    try {
      locations = (await inspectModel(dest, options)).externalData.filter((e) => !e.refused).map((e) => e.location);
    } catch {
      locations = []; // The caller's inspection reports the problem with the model itself.
    }
    const relDir = path.posix.dirname(rel);
    for (const location of locations) {
      if (lexicalRefusal(location)) continue;
      const norm = path.posix.normalize(location.replace(/\\/g, '/'));
      const target = path.join(dir, ...norm.split('/'));
      if (!isInside(dir, target)) continue;
      const spec = `${sha}:${relDir === '.' ? norm : `${relDir}/${norm}`}`;
      try {
        await blobSize(top, spec, `${norm} at ${ref}`, options.signal);
      } catch (ex) {
        if (DiffError.is(ex, 'not-in-ref')) continue; // The inspection then reports it missing.
        throw ex;
      }
      await mkdir(path.dirname(target), { recursive: true });
      await copyBlob(top, spec, target, `${norm} at ${ref}`, options.signal);
    }
    return { path: dest, label, dispose };
  } catch (ex) {
    await dispose();
    throw ex;
  }
}

/**
 * The text of `file` at `ref` (at most `maxBytes`), or `null` when the file is not there. For small files
 * (`.mlpreflight/versions.json`).
 *
 * @throws DiffError `bad-ref`, `git`, `too-large`.
 */
export async function readTextAtRef(file: string, ref: string, maxBytes = 1024 * 1024, options: { signal?: AbortSignal } = {}): Promise<string | null> {
  const bad = checkRef(ref);
  if (bad) throw new DiffError('bad-ref', file, bad);
  const { top, rel } = await locate(file, options.signal);
  const spec = `${ref}:${rel}`;
  const t = await git(top, ['cat-file', '-t', spec], options.signal);
  if (t.code !== 0 || t.stdout.trim() !== 'blob') return null;
  const s = await git(top, ['cat-file', '-s', spec], options.signal);
  if (Number(s.stdout.trim()) > maxBytes) throw new DiffError('too-large', `${rel} at ${ref}`, `over ${maxBytes} bytes`);
  const r = await git(top, ['cat-file', 'blob', spec], options.signal);
  return r.code === 0 ? r.stdout : null;
}

/** Whether `dir` lies in a git work tree and `ref` names a commit there. Never throws. */
export async function refExists(dir: string, ref: string): Promise<boolean> {
  if (checkRef(ref)) return false;
  try {
    const r = await git(dir, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
    return r.code === 0;
  } catch {
    return false;
  }
}
