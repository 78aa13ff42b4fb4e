/**
 * Child process of `bench/run.ts`: one measurement per process, so its peak RSS belongs to that measurement.
 * `run.ts` bundles it with esbuild into `bench/.data/measure.cjs` and runs it with plain `node`:
 *
 *   node measure.cjs idle                     load the inspection module, nothing else (RSS baseline)
 *   node measure.cjs read <file>...           stream the files once (fs.createReadStream, drained)
 *   node measure.cjs inspect <file> <runs>    inspectModel once to warm up, then <runs> timed runs
 *
 * Prints one JSON line on stdout: `{ seconds: number[], bytes?, maxRssKiB }` (`process.resourceUsage().maxRSS`, KiB).
 */
import { drain } from './drain';
import { inspectModel } from '../src/core/onnx/inspect';

async function main(): Promise<void> {
  const [mode, ...args] = process.argv.slice(2);
  const seconds: number[] = [];
  let bytes: number | undefined;
  if (mode === 'read') {
    const t0 = process.hrtime.bigint();
    bytes = 0;
    for (const f of args) bytes += await drain(f);
    seconds.push(Number(process.hrtime.bigint() - t0) / 1e9);
  } else if (mode === 'inspect') {
    const [file, runs] = args;
    if (!file) throw new Error('measure inspect: missing file');
    await inspectModel(file);
    for (let i = 0; i < Number(runs ?? 5); i++) {
      const t0 = process.hrtime.bigint();
      await inspectModel(file);
      seconds.push(Number(process.hrtime.bigint() - t0) / 1e9);
    }
  } else if (mode !== 'idle') {
    throw new Error(`measure: unknown mode '${mode}'`);
  }
  process.stdout.write(`${JSON.stringify({ seconds, bytes, maxRssKiB: process.resourceUsage().maxRSS })}\n`);
}

main().catch((ex: unknown) => {
  console.error(ex);
  process.exitCode = 1;
});
