/**
 * `npm run bench -- drift`: full drift report on ~1.5M vs ~1.5M rows × 5 columns (3 numeric with ties,
 * 2 categorical with ~200 values) as zstd Parquet, and the same data as CSV. Each measurement runs in its own
 * child process (fresh heap, its own peak RSS); the table shows the median of 3 runs.
 *
 *   decode only  = reading both files into columns (readDataset × 2, in parallel as the report does)
 *   full report  = computeDrift: reading + every statistic for every column + the chart data
 *
 * Targets (Parquet): full report ≤ 2.5 s and peak RSS ≤ 1 GB on 2 cores. Data is generated once under
 * bench/.data (gitignored). Flags: --quick (200k rows), --rows N.
 * zstd pages are compressed with the `zstd` tool when installed, else written as stored zstd blocks (the
 * table says which).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync, createWriteStream } from 'node:fs';
import * as path from 'node:path';
import { hasZstdTool, writeParquet } from '../test/support/parquetWriter';

const TARGET_MS = 2500;
const TARGET_RSS = 1024 * 1024 * 1024;

async function child(mode: string, ref: string, cur: string): Promise<void> {
  const { readDataset } = await import('../src/core/data/readDataset');
  const { computeDrift } = await import('../src/core/drift/computeDrift');
  const t0 = performance.now();
  let extra = '';
  if (mode === 'decode') {
    await Promise.all([readDataset(ref), readDataset(cur)]);
  } else {
    const r = await computeDrift(ref, cur);
    extra = `${r.driftedColumns}/${r.testedColumns} drifted; methods ${r.columns.map((c) => c.method).join(',')}`;
  }
  const ms = performance.now() - t0;
  process.stdout.write(JSON.stringify({ ms, rss: process.resourceUsage().maxRSS * 1024, extra }) + '\n');
}

let seed = 12345;
function rand(): number {
  // LCG (Numerical Recipes); deterministic data.
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 4294967296;
}
function normal(): number {
  const u = rand() || 1e-12;
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

function generate(n: number, shift: number): { cols: Parameters<typeof writeParquet>[0]; csv: (w: (s: string) => void) => void } {
  const price = new Float64Array(n);
  const qty = new Float64Array(n);
  const latency = new Float64Array(n);
  const region: string[] = new Array(n);
  const sku: string[] = new Array(n);
  const regions = Array.from({ length: 200 }, (_, i) => `region_${i}`);
  const skus = Array.from({ length: 210 }, (_, i) => `sku-${(i * 7919) % 10000}`);
  for (let i = 0; i < n; i++) {
    price[i] = Math.round((50 + 12 * normal() + shift * 3) * 100) / 100; // 2 decimals: many ties
    qty[i] = Math.floor(rand() * (20 + shift * 2)); // small integers: heavy ties
    latency[i] = Math.round(-Math.log(rand() || 1e-12) * (30 + shift * 5) * 10) / 10;
    region[i] = regions[Math.min(199, Math.floor(Math.pow(rand(), 1.5 + shift * 0.2) * 200))]!;
    sku[i] = skus[Math.floor(rand() * (200 + shift * 10))]!;
    if (i % 97 === 0) latency[i] = NaN;
  }
  return {
    cols: [
      { name: 'price', type: 'double', values: price },
      { name: 'qty', type: 'double', values: qty },
      { name: 'latency_ms', type: 'double', values: latency },
      { name: 'region', type: 'string', values: region },
      { name: 'sku', type: 'string', values: sku },
    ],
    csv: (w) => {
      w('price,qty,latency_ms,region,sku\n');
      let buf = '';
      for (let i = 0; i < n; i++) {
        buf += `${price[i]},${qty[i]},${Number.isNaN(latency[i]) ? '' : latency[i]},${region[i]},${sku[i]}\n`;
        if (buf.length > 1 << 20) {
          w(buf);
          buf = '';
        }
      }
      w(buf);
    },
  };
}

async function writeCsv(file: string, gen: ReturnType<typeof generate>): Promise<void> {
  const out = createWriteStream(file);
  gen.csv((s) => out.write(s));
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

function measure(mode: string, ref: string, cur: string): { ms: number; rss: number; extra: string } {
  const runs: Array<{ ms: number; rss: number; extra: string }> = [];
  for (let i = 0; i < 3; i++) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--child', mode, ref, cur], { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (r.status !== 0) throw new Error(`child ${mode} failed: ${r.stderr}`);
    runs.push(JSON.parse(r.stdout.trim().split('\n').pop()!));
  }
  runs.sort((a, b) => a.ms - b.ms);
  return { ...runs[1]!, rss: Math.max(...runs.map((r) => r.rss)) };
}

const mib = (b: number): string => `${(b / 1048576).toFixed(0)} MiB`;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return child(args[1]!, args[2]!, args[3]!);
  const rowsArg = args.indexOf('--rows');
  const n = rowsArg >= 0 ? Number(args[rowsArg + 1]) : args.includes('--quick') ? 200_000 : 1_500_000;
  const dir = path.join(__dirname, '.data', `drift-${n}`);
  mkdirSync(dir, { recursive: true });
  const files = { refPq: path.join(dir, 'reference.zstd.parquet'), curPq: path.join(dir, 'current.zstd.parquet'), refCsv: path.join(dir, 'reference.csv'), curCsv: path.join(dir, 'current.csv') };
  if (!Object.values(files).every(existsSync)) {
    console.log(`generating ${n.toLocaleString('en-US')} + ${n.toLocaleString('en-US')} rows under ${path.relative(process.cwd(), dir)} …`);
    for (const [side, shift] of [['ref', 0], ['cur', 1]] as const) {
      const gen = generate(n, shift);
      writeFileSync(side === 'ref' ? files.refPq : files.curPq, writeParquet(gen.cols, { codec: 'ZSTD', rowGroupSize: 262_144, pageSize: 65_536 }));
      await writeCsv(side === 'ref' ? files.refCsv : files.curCsv, gen);
    }
  }
  const zstd = hasZstdTool() ? 'zstd -3 (zstd tool)' : 'zstd stored blocks (no zstd tool: not compressed)';
  const rows: string[] = [];
  let fail = false;
  for (const [label, ref, cur, target] of [['Parquet (' + zstd + ')', files.refPq, files.curPq, true], ['CSV', files.refCsv, files.curCsv, false]] as const) {
    const decode = measure('decode', ref, cur);
    const full = measure('full', ref, cur);
    const bytes = statSync(ref).size + statSync(cur).size;
    const ok = full.ms <= TARGET_MS && full.rss <= TARGET_RSS;
    if (target && !ok) fail = true;
    rows.push(`| ${label} | ${mib(bytes)} | ${decode.ms.toFixed(0)} ms | ${full.ms.toFixed(0)} ms | ${mib(full.rss)} | ${target ? `≤ ${TARGET_MS} ms, ≤ 1 GiB: ${ok ? 'PASS' : 'FAIL'}` : 'no target'} |`);
    if (target) console.log(`(${full.extra})`);
  }
  console.log(`\n${n.toLocaleString('en-US')} vs ${n.toLocaleString('en-US')} rows × 5 columns (3 numeric with ties, 2 categorical with ~200 values), median of 3, ${require('node:os').cpus().length} cores, Node ${process.version}\n`);
  console.log('| input | bytes (both) | decode only | full report | peak RSS | target |');
  console.log('|---|---:|---:|---:|---:|---|');
  for (const r of rows) console.log(r);
  process.exitCode = fail ? 1 : 0;
}

void main().catch((ex) => {
  console.error(ex);
  process.exitCode = 1;
});
