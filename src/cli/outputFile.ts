/**
 * Report files the CLI writes (`--html`, `--sarif`): never clobber a file ML Preflight did not write.
 * A file that already exists is replaced only when it is one of our own reports (it carries
 * {@link GENERATOR_MARK}, which every report writer puts in its output) or with `--force`; otherwise the run
 * stops with one line before doing any work. So re-running `npm run demo` works, and a typo such as
 * `--html README.md` loses nothing.
 */
import { open } from 'node:fs/promises';
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { GENERATOR_MARK } from '../shared/generator';
import { CliError } from './io';

/** Whether `file` may be written: absent, one of our reports, or `force`. Throws CliError otherwise. */
export async function checkWritable(command: string, cwd: string, given: string, force: boolean): Promise<string> {
  const abs = path.resolve(cwd, given);
  let handle;
  try {
    handle = await open(abs, 'r');
  } catch (ex) {
    const code = (ex as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return abs;
    if (code === 'EISDIR') throw new CliError(`${command}: ${given} is a folder, not a file`);
    throw new CliError(`${command}: cannot check ${given}: ${code ?? String(ex)}`);
  }
  try {
    if (force) return abs;
    const head = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    if (head.subarray(0, bytesRead).toString('utf8').includes(GENERATOR_MARK)) return abs;
  } finally {
    await handle.close();
  }
  throw new CliError(`${command}: ${given} exists and was not written by ML Preflight; pass --force to overwrite it`);
}

/** Writes a file checked by {@link checkWritable}, creating its folder. */
export async function writeOutput(command: string, abs: string, given: string, content: string): Promise<void> {
  try {
    await mkdir(path.dirname(abs), { recursive: true });
    await writeFile(abs, content, 'utf8');
  } catch (ex) {
    throw new CliError(`${command}: cannot write ${given}: ${(ex as NodeJS.ErrnoException).code ?? String(ex)}`);
  }
}
