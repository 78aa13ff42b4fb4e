/**
 * Child process of `bench/diff.ts`: one measurement per process, so its peak RSS belongs to that measurement.
 * Bundled with esbuild to plain JS and run with `node`:
 *
 *   node diffMeasure.cjs idle                        load the diff module, nothing else (RSS baseline)
 *   node diffMeasure.cjs read <file>...              stream the files once (fs.createReadStream, drained)
 *   node diffMeasure.cjs contract <old> <new> <runs> diffModels without the weights: one warm-up, then <runs> timed
 *   node diffMeasure.cjs full <old> <new> <runs>     diffModels with the streamed initializer comparison
 *
 * Prints one JSON line: `{ seconds: number[], bytes?, maxRssKiB, summary? }`.
 */
import { drain } from './drain';
import { diffModels } from '../src/core/diff/diffModels';

async function main(): Promise<void> {
  const [mode, ...args] = process.argv.slice(2);
  const seconds: number[] = [];
  let bytes: number | undefined;
  let summary: unknown;
  if (mode === 'read') {
    const t0 = process.hrtime.bigint();
    bytes = 0;
    for (const f of args) bytes += await drain(f);
    seconds.push(Number(process.hrtime.bigint() - t0) / 1e9);
  } else if (mode === 'contract' || mode === 'full') {
    const [a, b, runs] = args;
    if (!a || !b) throw new Error('diffMeasure: missing files');
    const initializers = mode === 'full';
    await diffModels(a, b, { initializers });
    for (let i = 0; i < Number(runs ?? 3); i++) {
      const t0 = process.hrtime.bigint();
      const d = await diffModels(a, b, { initializers });
      seconds.push(Number(process.hrtime.bigint() - t0) / 1e9);
      const init = d.initializers;
      summary = { verdict: d.verdict, changes: d.changes.map((c) => `${c.severity} ${c.kind} ${c.subject}`), initializers: init ? { changed: init.changed, unchanged: init.unchanged, bytesRead: init.bytesRead, maxAbsDiff: init.tensors[0]?.maxAbsDiff } : undefined };
    }
  } else if (mode !== 'idle') {
    throw new Error(`diffMeasure: unknown mode '${mode}'`);
  }
  process.stdout.write(`${JSON.stringify({ seconds, bytes, maxRssKiB: process.resourceUsage().maxRSS, summary })}\n`);
}

main().catch((ex: unknown) => {
  console.error(ex);
  process.exitCode = 1;
});
