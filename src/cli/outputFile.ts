/**
 * Report files the CLI writes (`--html`, `--sarif`): never clobber a file ML Preflight did not write.
 * A file that already exists is replaced only when it is one of our own reports, proved by the content hash
 * the report carries (src/core/reportStamp.ts), or with `--force`; otherwise the run stops with one line before
 * doing any work. So re-running `npm run demo` works, and a typo such as `--html README.md` loses nothing.
 * A symlink, FIFO, device or folder at the destination is refused even with `--force` (it is never opened,
 * so a FIFO cannot hang the run), and writes are atomic (src/core/safeFs.ts).
 */
import { lstat, realpath } from 'node:fs/promises';
import * as path from 'node:path';
import { isOwnReport, stampReport } from '../core/reportStamp';
import { kindOf, readTextFile, SafeFsError, writeFileAtomic } from '../core/safeFs';
import { terminalLine } from '../shared/escape';
import { CliError, ExitCode } from './io';

/** Largest existing file read to check its ownership stamp. */
const MAX_REPORT_BYTES = 256 * 1024 * 1024;

/** Whether `file` may be written: absent, one of our reports, or `force`. Throws CliError otherwise. */
export async function checkWritable(command: string, cwd: string, given: string, force: boolean): Promise<string> {
  const abs = path.resolve(cwd, given);
  const shown = terminalLine(given);
  let info;
  try {
    info = await lstat(abs);
  } catch (ex) {
    const code = (ex as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return abs;
    if (code === 'ENOTDIR') throw new CliError(`${command}: ${shown}: a file is in the way of its folder`);
    throw new CliError(`${command}: cannot check ${shown}: ${code ?? String(ex)}`);
  }
  // Write rule: the destination is never a symlink, FIFO, device or folder (lstat: nothing is opened).
  if (info.isSymbolicLink()) throw new CliError(`${command}: ${shown} is a symlink; refusing to write through it`);
  if (info.isDirectory()) throw new CliError(`${command}: ${shown} is a folder, not a file`);
  if (!info.isFile()) throw new CliError(`${command}: ${shown} is ${kindOf(info)}, not a regular file; refusing to write to it`);
  if (force) return abs;
  let text: string | undefined;
  try {
    text = await readTextFile(abs, { maxBytes: MAX_REPORT_BYTES, display: given });
  } catch (ex) {
    if (!SafeFsError.is(ex, 'too-large')) throw new CliError(`${command}: cannot check ${shown}: ${SafeFsError.is(ex) ? ex.detail : String(ex)}`);
  }
  // Ownership rule: the content hash the report carries, never a substring.
  if (text !== undefined && isOwnReport(text)) return abs;
  throw new CliError(`${command}: ${shown} exists and was not written by ML Preflight; pass --force to overwrite it (an edited report counts as yours)`);
}

/** Usage error (exit 2) when two output options name the same file (`--html X --sarif X` would lose one). */
export async function checkDistinct(command: string, cwd: string, outputs: ReadonlyArray<readonly [flag: string, given: string | undefined]>): Promise<void> {
  const seen = new Map<string, string>();
  for (const [flag, given] of outputs) {
    if (!given) continue;
    const abs = path.resolve(cwd, given);
    const real = await realpath(abs).catch(() => abs);
    for (const key of new Set([abs, real])) {
      const other = seen.get(key);
      if (other) throw new CliError(`${command}: ${other} and ${flag} name the same file ${terminalLine(given)}; give each its own file`, ExitCode.badInput);
    }
    seen.set(abs, flag);
    seen.set(real, flag);
  }
}

/** Writes a file checked by {@link checkWritable} (stamped, atomically, creating its folder). */
export async function writeOutput(command: string, abs: string, given: string, content: string): Promise<void> {
  try {
    await writeFileAtomic(abs, stampReport(content), { display: given });
  } catch (ex) {
    throw new CliError(`${command}: cannot write ${terminalLine(given)}: ${SafeFsError.is(ex) ? ex.detail : String(ex)}`);
  }
}
