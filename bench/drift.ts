/**
 * `npm run bench -- drift`.
 *
 * Part 1, real-writer Parquet (issue 13): 1.48 M vs 1.52 M rows × 5 columns (3 numeric, 2 strings with ~300
 * values), written at bench time into a temp dir by arrow-rs (parquet-wasm, test/support/arrowParquetWriter.ts):
 * snappy, 2 row groups, dictionary-encoded pages, in three shapes: `nullable` (OPTIONAL columns with nulls,
 * strings as Arrow Utf8: a pandas `object` frame written by pyarrow), `dictionary` (the same with the strings
 * declared Arrow Dictionary: a pandas `category` frame) and `required` (REQUIRED columns, no nulls). Each row is
 * the wall time of a fresh `node` process (start included) running the full report, median of 3, against the
 * reader before the flat fast path (hyparquet's general path) measured in the same run on the same files.
 * Target: ≤ 2.0 s wall and ≤ 600 MB peak RSS. Decode-only rows add parquet-wasm → apache-arrow for comparison.
 *
 * Part 2: full drift report on ~1.5M vs ~1.5M rows × 5 columns (3 numeric with ties,
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
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import { writeRealParquet, type RealColumn } from '../test/support/arrowParquetWriter';
import { hasZstdTool, writeParquet } from '../test/support/parquetWriter';

const REAL_TARGET_MS = 2000;
const REAL_TARGET_RSS = 600 * 1000 * 1000;
const CHILD = path.join(__dirname, '.data', 'driftChild.cjs');

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

/** The real-writer data frame: price (double), qty (int64), latency_ms (double), region and sku (~300 strings each). */
function realFrame(n: number, shift: number, nulls: boolean, arrowDictionary: boolean): RealColumn[] {
  const price = new Float64Array(n);
  const qty = new Float64Array(n);
  const latency = new Float64Array(n);
  const region = new Int32Array(n);
  const sku = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    price[i] = Math.round((50 + 12 * normal() + shift * 3) * 100) / 100;
    qty[i] = Math.floor(rand() * (20 + shift * 2));
    latency[i] = Math.round(-Math.log(rand() || 1e-12) * (30 + shift * 5) * 10) / 10;
    region[i] = Math.min(299, Math.floor(Math.pow(rand(), 1.5 + shift * 0.2) * 300));
    sku[i] = Math.floor(rand() * (290 + shift * 10));
    if (nulls) {
      if (i % 97 === 0) latency[i] = NaN;
      if (i % 53 === 0) price[i] = NaN;
      if (i % 41 === 0) region[i] = -1;
      if (i % 71 === 0) sku[i] = -1;
    }
  }
  const regions = Array.from({ length: 300 }, (_, i) => `region_${i}`);
  const skus = Array.from({ length: 300 }, (_, i) => `sku-${(i * 7919) % 10000}`);
  return [
    { name: 'price', type: 'double', values: price, nullable: nulls },
    { name: 'qty', type: 'int64', values: qty, nullable: nulls },
    { name: 'latency_ms', type: 'double', values: latency, nullable: nulls },
    { name: 'region', type: 'string', codes: region, dictionary: regions, nullable: nulls, arrowDictionary },
    { name: 'sku', type: 'string', codes: sku, dictionary: skus, nullable: nulls, arrowDictionary },
  ];
}

interface Run {
  wall: number;
  ms: number;
  /** user + system CPU of the child (less sensitive than wall time to other load on a shared machine). */
  cpu: number;
  rss: number;
  extra: string;
}

function runChild(args: string[], times: number): Run {
  const runs: Run[] = [];
  for (let i = 0; i < times; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [CHILD, ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
    const wall = performance.now() - t0;
    if (r.status !== 0) throw new Error(`driftChild ${args.join(' ')} failed: ${r.stderr}`);
    runs.push({ wall, ...JSON.parse(r.stdout.trim().split('\n').pop()!) });
  }
  runs.sort((a, b) => a.wall - b.wall);
  return { ...runs[Math.floor(runs.length / 2)]!, rss: Math.max(...runs.map((r) => r.rss)) };
}

const mb = (b: number): string => `${(b / 1e6).toFixed(0)} MB`;
const sec = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

/** Part 1. Returns false when a target row failed. */
async function realWriterRows(refRows: number, curRows: number): Promise<boolean> {
  await build({ entryPoints: [path.join(__dirname, 'driftChild.ts')], outfile: CHILD, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'error' });
  const dir = mkdtempSync(path.join(tmpdir(), 'mlp-drift-real-'));
  let ok = true;
  try {
    const shapes = [['nullable', true, false], ['dictionary', true, true], ['required', false, false]] as const;
    const files: Record<string, [string, string]> = {};
    console.log(`writing ${refRows.toLocaleString('en-US')} + ${curRows.toLocaleString('en-US')} rows × 3 shapes with arrow-rs (parquet-wasm) under ${dir} …`);
    for (const [shape, nulls, dict] of shapes) {
      const pair: string[] = [];
      for (const [side, n, shift] of [['reference', refRows, 0], ['current', curRows, 1]] as const) {
        const f = path.join(dir, `${shape}.${side}.parquet`);
        writeFileSync(f, writeRealParquet(realFrame(n, shift, nulls, dict), { codec: 'SNAPPY', rowGroupSize: Math.ceil(n / 2) }));
        pair.push(f);
      }
      files[shape] = pair as [string, string];
    }
    const lines: string[] = [];
    const extras: string[] = [];
    for (const [shape] of shapes) {
      const [ref, cur] = files[shape]!;
      const fast = runChild(['full', 'auto', ref, cur], 3);
      const base = runChild(['full', 'hyparquet', ref, cur], 3);
      const pass = fast.wall <= REAL_TARGET_MS && fast.rss <= REAL_TARGET_RSS;
      if (!pass) ok = false;
      const bytes = statSync(ref).size + statSync(cur).size;
      lines.push(`| ${shape} | ${mb(bytes)} | full report, fast path | ${sec(fast.wall)} (CPU ${sec(fast.cpu)}) | ${mb(fast.rss)} | ${sec(base.wall)} (CPU ${sec(base.cpu)}), ${mb(base.rss)} | ${(fast.wall / base.wall).toFixed(2)}× (CPU ${(fast.cpu / base.cpu).toFixed(2)}×) | ≤ ${sec(REAL_TARGET_MS)}, ≤ ${mb(REAL_TARGET_RSS)}: ${pass ? 'PASS' : 'FAIL'} |`);
      if (fast.extra !== base.extra) {
        ok = false;
        extras.push(`${shape}: RESULTS DIFFER between readers:\n  fast      ${fast.extra}\n  hyparquet ${base.extra}`);
      } else extras.push(`${shape}: same report from both readers (${fast.extra})`);
      const dFast = runChild(['decode', 'auto', ref, cur], 3);
      const dBase = runChild(['decode', 'hyparquet', ref, cur], 3);
      const dWasm = runChild(['decode', 'wasm', ref, cur], 3);
      lines.push(`| ${shape} | | decode only, fast path | ${sec(dFast.wall)} (CPU ${sec(dFast.cpu)}) | ${mb(dFast.rss)} | ${sec(dBase.wall)} (CPU ${sec(dBase.cpu)}), ${mb(dBase.rss)} | ${(dFast.wall / dBase.wall).toFixed(2)}× (CPU ${(dFast.cpu / dBase.cpu).toFixed(2)}×) | no target |`);
      lines.push(`| ${shape} | | decode only, parquet-wasm → apache-arrow (IPC) | ${sec(dWasm.wall)} (CPU ${sec(dWasm.cpu)}) | ${mb(dWasm.rss)} | ${sec(dBase.wall)} (CPU ${sec(dBase.cpu)}), ${mb(dBase.rss)} | ${(dWasm.wall / dBase.wall).toFixed(2)}× (CPU ${(dWasm.cpu / dBase.cpu).toFixed(2)}×) | no target (not used) |`);
    }
    console.log(`\nReal-writer Parquet (arrow-rs via parquet-wasm, snappy, 2 row groups, dictionary pages): ${refRows.toLocaleString('en-US')} vs ${curRows.toLocaleString('en-US')} rows × 5 columns; wall time of a fresh node process (start included), median of 3; baseline = hyparquet's general path (the reader before), same run, same files\n`);
    console.log('| file shape | bytes (both) | what | measured | peak RSS | baseline (hyparquet) | ratio | target |');
    console.log('|---|---:|---|---:|---:|---:|---:|---|');
    for (const l of lines) console.log(l);
    console.log('');
    for (const e of extras) console.log(e);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return ok;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return child(args[1]!, args[2]!, args[3]!);
  const rowsArg = args.indexOf('--rows');
  const quick = args.includes('--quick');
  const realOk = await realWriterRows(quick ? 148_000 : 1_480_000, quick ? 152_000 : 1_520_000);
  if (args.includes('--real-only')) {
    process.exitCode = realOk ? 0 : 1;
    return;
  }
  const n = rowsArg >= 0 ? Number(args[rowsArg + 1]) : quick ? 200_000 : 1_500_000;
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
  process.exitCode = fail || !realOk ? 1 : 0;
}

void main().catch((ex) => {
  console.error(ex);
  process.exitCode = 1;
});
