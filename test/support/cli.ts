/** Runs the `ml-preflight` CLI in-process and captures what it writes (the unit tests' view of a CLI run). */
import * as path from 'node:path';
import { runCli, type RunOptions } from '../../src/cli/run';

export const ROOT = path.resolve(__dirname, '..', '..');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCliCaptured(args: string[], cwd = ROOT, options?: RunOptions): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), cwd }, options);
  return { code, stdout, stderr };
}
