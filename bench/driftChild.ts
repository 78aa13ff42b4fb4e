/**
 * Child process of `bench/drift.ts` for the real-writer rows, bundled by esbuild into `bench/.data/driftChild.cjs`
 * and run with plain `node`, so its wall time includes a real process start (no tsx):
 *
 *   node driftChild.cjs full <auto|hyparquet> <ref> <cur>     computeDrift with that Parquet reader
 *   node driftChild.cjs decode <auto|hyparquet|wasm> <ref> <cur>   decode only; `wasm` = parquet-wasm → apache-arrow
 *
 * Prints one JSON line: `{ ms, cpu, rss, extra }` (ms inside the process; cpu = user + system ms of the whole
 * process, start included; rss = peak RSS in bytes).
 */
import { readFileSync } from 'node:fs';
import { readDataset } from '../src/core/data/readDataset';
import { computeDrift } from '../src/core/drift/computeDrift';

async function decodeWasm(files: string[]): Promise<string> {
  // The ESM build, initialized by hand: parquet-wasm's `node` build cannot be loaded from a bundle.
  const pw = require('parquet-wasm/esm/parquet_wasm.js') as typeof import('parquet-wasm') & { initSync(o: { module: Uint8Array }): void };
  const { tableFromIPC } = await import('apache-arrow');
  pw.initSync({ module: readFileSync(require.resolve('parquet-wasm/esm/parquet_wasm_bg.wasm')) });
  let rows = 0;
  for (const f of files) {
    const table = tableFromIPC(pw.readParquet(readFileSync(f), { batchSize: 1 << 20 }).intoIPCStream());
    rows += table.numRows;
  }
  return `${rows} rows (Arrow JS tables; strings still Utf8 vectors, not codes)`;
}

async function main(): Promise<void> {
  const [mode, engine, ref, cur] = process.argv.slice(2) as [string, string, string, string];
  const t0 = performance.now();
  let extra = '';
  if (mode === 'decode') {
    if (engine === 'wasm') extra = await decodeWasm([ref, cur]);
    else await Promise.all([ref, cur].map((f) => readDataset(f, { parquetEngine: engine as 'auto' | 'hyparquet' })));
  } else {
    const r = await computeDrift(ref, cur, { parquetEngine: engine as 'auto' | 'hyparquet' });
    extra = `${r.driftedColumns}/${r.testedColumns} drifted; ${r.columns.map((c) => `${c.name}:${c.method}=${c.statistic === null ? "-" : c.statistic.toPrecision(6)}`).join(" ")}`;
  }
  const ru = process.resourceUsage();
  process.stdout.write(JSON.stringify({ ms: performance.now() - t0, cpu: (ru.userCPUTime + ru.systemCPUTime) / 1000, rss: ru.maxRSS * 1024, extra }) + '\n');
}

void main().catch((ex: unknown) => {
  console.error(ex);
  process.exitCode = 1;
});
