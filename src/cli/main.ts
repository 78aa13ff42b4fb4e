/** Entry point of the `ml-preflight` CLI (bundled to dist/cli.js; package.json `bin`). */
import { runCli } from './run';

const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
// `ml-preflight inspect … | head` must end quietly.
process.stdout.on('error', (ex: NodeJS.ErrnoException) => {
  if (ex.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw ex;
});

void runCli(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  cwd: process.cwd(),
  signal: controller.signal,
  columns: process.stdout.isTTY ? process.stdout.columns : undefined,
  stderrIsTTY: process.stderr.isTTY === true,
}).then((code) => {
  process.exitCode = code;
});
