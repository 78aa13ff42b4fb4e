/**
 * `npm run bench -- diff`: the model diff on two models with 1 GiB of weights each, built in a temp folder by
 * the streaming writer of bench/inspect.ts (`streamModel.ts`); the second model's pattern differs in one value
 * per 4 MiB, so every chunk of every tensor differs: the comparison's worst case (all of it decoded).
 *
 *   npm run bench -- diff          # 2 × 1 GiB (2 GiB of temp disk, removed at the end)
 *   npm run bench -- diff --quick  # 2 × 64 MiB
 *
 * Targets (exit 1 when missed): contract diff median ≤ 0.3 s and peak RSS growth ≤ 64 MiB over an idle child;
 * with the initializer comparison median ≤ 3 s (and its RSS growth ≤ 64 MiB: memory stays bounded). Reading
 * both files once is measured in the same run and the ratio printed: that is the floor.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import { patternBuffer, writeBigModel, type BigModelSpec } from './streamModel';

const ROOT = path.resolve(__dirname, '..');
const MiB = 1024 * 1024;
const RUNS = 3;
const TARGET_CONTRACT_S = 0.3;
const TARGET_FULL_S = 3;
const TARGET_RSS_MIB = 64;
const quick = process.argv.includes('--quick');
const SPEC: BigModelSpec = quick ? { tensors: 2, k: 4096, n: 2048, external: false } : { tensors: 8, k: 8192, n: 4096, external: false };

interface Measurement {
  seconds: number[];
  bytes?: number;
  maxRssKiB: number;
  summary?: { verdict: string; changes: string[]; initializers?: { changed: number; unchanged: number; bytesRead: number; maxAbsDiff?: number | null } };
}

function child(script: string, args: string[]): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [script, ...args], { cwd: ROOT, maxBuffer: 16 * MiB }, (err, stdout, stderr) => {
      if (err) {
        reject(new Error(`diffMeasure ${args.join(' ')} failed: ${err.message}\n${stderr}`));
        return;
      }
      resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '') as Measurement);
    });
  });
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function main(): Promise<void> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'mlp-bench-diff-'));
  try {
    const script = path.join(tmp, 'diffMeasure.cjs');
    await build({ entryPoints: [path.join(__dirname, 'diffMeasure.ts')], outfile: script, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });
    const a = path.join(tmp, 'old.onnx');
    const b = path.join(tmp, 'new.onnx');
    const t0 = performance.now();
    const pattern = patternBuffer();
    await writeBigModel(a, SPEC, pattern);
    const changed = Buffer.from(pattern);
    changed.writeFloatLE(changed.readFloatLE(4 * 1000) + 0.5, 4 * 1000); // one value per 4 MiB of pattern
    await writeBigModel(b, SPEC, changed);
    const gib = (2 * SPEC.tensors * SPEC.k * SPEC.n * 4) / 1024 ** 3;
    console.log(`wrote 2 models (${gib.toFixed(2)} GiB of weights in all) in ${tmp} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const idle = median([(await child(script, ['idle'])).maxRssKiB, (await child(script, ['idle'])).maxRssKiB, (await child(script, ['idle'])).maxRssKiB]);
    const readFirst = await child(script, ['read', a, b]);
    const contract = await child(script, ['contract', a, b, String(RUNS)]);
    const full = await child(script, ['full', a, b, String(RUNS)]);
    const same = await child(script, ['full', a, a, String(RUNS)]);
    // Read once more after the comparisons: the first read may find the files partly out of the page cache and
    // warm it for the runs after it. The floor is the faster of the two reads.
    const readLast = await child(script, ['read', a, b]);
    const read = readLast.seconds[0]! < readFirst.seconds[0]! ? readLast : readFirst;
    const readS = read.seconds[0]!;
    const rows = [
      { name: 'read both files once (the floor: faster of a read before and after the runs)', s: readS, all: [readFirst.seconds[0]!, readLast.seconds[0]!], rss: (read.maxRssKiB - idle) / 1024, target: null as number | null },
      { name: 'contract diff (no weights read)', s: median(contract.seconds), all: contract.seconds, rss: (contract.maxRssKiB - idle) / 1024, target: TARGET_CONTRACT_S },
      { name: 'diff + streamed initializer comparison (every chunk differs: all decoded)', s: median(full.seconds), all: full.seconds, rss: (full.maxRssKiB - idle) / 1024, target: TARGET_FULL_S },
      { name: 'diff + streamed initializer comparison (old vs old: memcmp only)', s: median(same.seconds), all: same.seconds, rss: (same.maxRssKiB - idle) / 1024, target: TARGET_FULL_S },
    ];
    console.log();
    console.log('| measurement | median | runs | peak RSS growth | / read once | target | result |');
    console.log('|---|---:|---:|---:|---:|---|---|');
    let pass = true;
    for (const r of rows) {
      const ok = r.target === null || (r.s <= r.target && r.rss <= TARGET_RSS_MIB);
      if (!ok) pass = false;
      console.log(
        `| ${r.name} | ${(r.s * 1000).toFixed(1)} ms | ${r.all.map((x) => (x * 1000).toFixed(0)).join(', ')} ms | ${r.rss >= 0 ? '+' : ''}${r.rss.toFixed(1)} MiB | ${((r.s / readS) * 100).toFixed(1)} % | ${r.target === null ? '—' : `≤ ${r.target * 1000} ms, ≤ ${TARGET_RSS_MIB} MiB`} | ${r.target === null ? '' : ok ? 'PASS' : 'FAIL'} |`,
      );
    }
    console.log();
    console.log(`read once: ${((read.bytes ?? 0) / MiB).toFixed(0)} MiB at ${((read.bytes ?? 0) / MiB / readS).toFixed(0)} MiB/s (files just written: mostly page cache)`);
    console.log(`initializer comparison / read once = ${(median(full.seconds) / readS).toFixed(2)}×; idle child peak RSS ${(idle / 1024).toFixed(1)} MiB; ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'})`);
    const init = full.summary?.initializers;
    console.log(`full diff found: verdict ${full.summary?.verdict}, ${init?.changed} tensors changed, ${init?.unchanged} unchanged, ${((init?.bytesRead ?? 0) / MiB).toFixed(0)} MiB compared, max |Δ| ${init?.maxAbsDiff}`);
    if (init?.changed !== SPEC.tensors || Math.abs((init.maxAbsDiff ?? 0) - 0.5) > 1e-6) {
      console.log(`FAIL: expected ${SPEC.tensors} changed tensors with max |Δ| 0.5`);
      pass = false;
    }
    console.log(pass ? 'PASS' : 'FAIL');
    if (!pass) process.exitCode = 1;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

main().catch((ex: unknown) => {
  console.error(ex);
  process.exitCode = 1;
});
