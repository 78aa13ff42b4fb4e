/**
 * `npm run bench`: how long `inspectModel` takes and how much memory it needs on models with 1 GiB of weights,
 * inline and external, compared with reading the file once. See bench/README.md.
 *
 *   npm run bench -- inspect    # 1 GiB models (generated once into bench/.data/, about 2.1 GB of disk)
 *   npm run bench -- inspect --quick  # 64 MiB models instead (targets are still checked)
 *
 * Exit status 1 when a row misses a target (inspection median ≤ 0.3 s, peak RSS growth ≤ 64 MiB).
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import { onnx } from 'onnx-proto';
import { inspectModel } from '../src/core/onnx/inspect';
import { patternBuffer, plannedSizes, tensorBytes, WEIGHTS_FILE, writeBigModel, type BigModelSpec } from './streamModel';

const ROOT = path.resolve(__dirname, '..');
const DATA = path.join(__dirname, '.data');
/** bench/measure.ts bundled to plain JS, so children start without a TypeScript loader skewing their RSS. */
const MEASURE = path.join(DATA, 'measure.cjs');
const RUNS = 5;
const TARGET_SECONDS = 0.3;
const TARGET_RSS_MIB = 64;
const MiB = 1024 * 1024;

const quick = process.argv.includes('--quick');
/** 8 × [8192, 4096] float32 = 8 × 128 MiB = 1 GiB (quick: 2 × [4096, 2048] = 2 × 32 MiB). */
const BIG: Omit<BigModelSpec, 'external'> = quick ? { tensors: 2, k: 4096, n: 2048 } : { tensors: 8, k: 8192, n: 4096 };
/** 8 × [128, 256] float32 = 1 MiB: small enough to decode fully with protobufjs and to run in ONNX Runtime. */
const SANITY: Omit<BigModelSpec, 'external'> = { tensors: 8, k: 128, n: 256 };

interface Measurement {
  seconds: number[];
  bytes?: number;
  maxRssKiB: number;
}

interface Row {
  name: string;
  /** Files read by the read-once measurement (the model, plus weights.bin for external data). */
  files: string[];
  /** The file given to inspectModel. */
  model: string;
  note: string;
}

interface Result {
  name: string;
  note: string;
  bytes: number;
  readSeconds: number;
  readMiBps: number;
  inspectMedianSeconds: number;
  inspectSeconds: number[];
  peakRssMiB: number;
  rssGrowthMiB: number;
  inspectOverRead: number;
  pass: boolean;
}

function child(args: string[]): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [MEASURE, ...args], { cwd: ROOT, maxBuffer: 16 * MiB }, (err, stdout, stderr) => {
      if (err) {
        reject(new Error(`measure ${args.join(' ')} failed: ${err.message}\n${stderr}`));
        return;
      }
      const last = stdout.trim().split('\n').pop() ?? '';
      resolve(JSON.parse(last) as Measurement);
    });
  });
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function human(bytes: number): string {
  if (bytes >= 1024 * MiB) return `${(bytes / (1024 * MiB)).toFixed(2)} GiB`;
  if (bytes >= MiB) return `${(bytes / MiB).toFixed(1)} MiB`;
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

async function sizeOf(file: string): Promise<number | null> {
  try {
    return (await stat(file)).size;
  } catch {
    return null;
  }
}

/** Writes a big model unless a file of the planned size is already there. */
async function ensureBig(file: string, spec: BigModelSpec): Promise<void> {
  const want = plannedSizes(spec, path.basename(file, '.onnx'));
  const have = await sizeOf(file);
  const haveWeights = spec.external ? await sizeOf(path.join(path.dirname(file), WEIGHTS_FILE)) : 0;
  if (have === want.model && haveWeights === want.weights) {
    console.log(`reusing ${path.relative(ROOT, file)} (${human(want.model + want.weights)})`);
    return;
  }
  await mkdir(path.dirname(file), { recursive: true });
  const t0 = performance.now();
  await writeBigModel(file, spec);
  const s = (performance.now() - t0) / 1000;
  console.log(`wrote ${path.relative(ROOT, file)} (${human(want.model + want.weights)}) in ${s.toFixed(1)} s (${((want.model + want.weights) / MiB / s).toFixed(0)} MiB/s)`);
}

type OrtTensor = { dims: readonly number[]; data: Float32Array };
type Ort = {
  InferenceSession: { create(path: string): Promise<{ run(feeds: Record<string, unknown>): Promise<Record<string, OrtTensor>>; release(): Promise<void> }> };
  Tensor: new (type: 'float32', data: Float32Array, dims: number[]) => unknown;
};

/**
 * Validates the streaming encoder on 1 MiB variants: a full protobufjs decode (dims, payload sizes and bytes),
 * `inspectModel`, and ONNX Runtime computing y = Σ_i x·W_i with the expected values.
 */
async function sanityCheck(): Promise<void> {
  const inline = path.join(DATA, 'sanity', 'inline.onnx');
  const external = path.join(DATA, 'sanity', 'external', 'model.onnx');
  await mkdir(path.dirname(external), { recursive: true });
  await writeBigModel(inline, { ...SANITY, external: false });
  await writeBigModel(external, { ...SANITY, external: true });
  const bytes = tensorBytes({ ...SANITY, external: false });
  const pattern = patternBuffer(bytes);
  const fail = (what: string): never => {
    throw new Error(`bench sanity check: ${what}`);
  };

  const decoded = onnx.ModelProto.decode(await readFile(inline));
  const inits = decoded.graph?.initializer ?? [];
  if (inits.length !== SANITY.tensors) fail(`protobufjs decoded ${inits.length} initializers`);
  for (const t of inits) {
    if ((t.dims ?? []).map(Number).join(',') !== `${SANITY.k},${SANITY.n}`) fail(`dims of ${t.name}`);
    if (!Buffer.from(t.rawData ?? []).equals(pattern)) fail(`raw_data of ${t.name} is not the pattern`);
  }
  const weights = await readFile(path.join(path.dirname(external), WEIGHTS_FILE));
  if (weights.length !== SANITY.tensors * bytes || !weights.subarray(bytes, 2 * bytes).equals(pattern)) fail('weights.bin content');

  for (const [file, ext] of [[inline, false], [external, true]] as const) {
    const r = await inspectModel(file);
    if (r.initializerCount !== SANITY.tensors || r.parameterCount !== SANITY.tensors * SANITY.k * SANITY.n || r.weightBytes !== SANITY.tensors * bytes) {
      fail(`inspectModel(${path.basename(file)}): ${r.initializerCount} initializers, ${r.parameterCount} parameters, ${r.weightBytes} bytes`);
    }
    const extBytes = r.externalData.reduce((s, f) => s + (f.exists ? f.bytes : 0), 0);
    if (extBytes !== (ext ? SANITY.tensors * bytes : 0)) fail(`external data of ${path.basename(file)}: ${JSON.stringify(r.externalData)}`);
    if (r.warnings.length > 0) fail(`warnings: ${r.warnings.join('; ')}`);
  }

  // x = ones → y[j] = tensors × Σ_k W[k, j], with W[k, j] = ((k·n + j) mod 251 − 125) / 1000.
  const expected = Array.from({ length: SANITY.n }, (_, j) => {
    let s = 0;
    for (let k = 0; k < SANITY.k; k++) s += Math.fround((((k * SANITY.n + j) % 251) - 125) / 1000);
    return s * SANITY.tensors;
  });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ort = require('onnxruntime-node') as Ort;
  for (const file of [inline, external]) {
    const session = await ort.InferenceSession.create(file);
    try {
      const out = await session.run({ x: new ort.Tensor('float32', new Float32Array(2 * SANITY.k).fill(1), [2, SANITY.k]) });
      const y = out['y']!;
      if (y.dims.join(',') !== `2,${SANITY.n}`) fail(`ONNX Runtime output dims ${y.dims.join(',')}`);
      for (let j = 0; j < SANITY.n; j++) {
        if (Math.abs(y.data[j]! - expected[j]!) > 1e-3 || Math.abs(y.data[SANITY.n + j]! - expected[j]!) > 1e-3) fail(`ONNX Runtime y[${j}] = ${y.data[j]}, expected ${expected[j]}`);
      }
    } finally {
      await session.release();
    }
  }
  console.log('sanity: streamed 1 MiB models decode with protobufjs, inspect cleanly and run in ONNX Runtime with the expected output');
}

async function main(): Promise<void> {
  await mkdir(DATA, { recursive: true });
  await sanityCheck();

  const label = quick ? '64mib' : '1gib';
  const inline = path.join(DATA, `inline_${label}.onnx`);
  const external = path.join(DATA, `external_${label}`, 'model.onnx');
  // Keep one size on disk (the 1 GiB pair takes 2 GiB): drop the other size's files.
  const other = quick ? '1gib' : '64mib';
  await rm(path.join(DATA, `inline_${other}.onnx`), { force: true });
  await rm(path.join(DATA, `external_${other}`), { recursive: true, force: true });
  await ensureBig(inline, { ...BIG, external: false });
  await ensureBig(external, { ...BIG, external: true });

  const silero = (v: string): string => require.resolve(`@ricky0123/vad-web/dist/silero_vad_${v}.onnx`);
  const example = path.join(ROOT, 'examples', 'models', 'classifier.onnx');
  const rows: Row[] = [
    { name: `inline ${quick ? '64 MiB' : '1 GiB'}`, files: [inline], model: inline, note: `${BIG.tensors} × [${BIG.k}, ${BIG.n}] float32 raw_data` },
    { name: `external ${quick ? '64 MiB' : '1 GiB'}`, files: [external, path.join(path.dirname(external), WEIGHTS_FILE)], model: external, note: 'same, in weights.bin' },
    { name: 'silero_vad_legacy', files: [silero('legacy')], model: silero('legacy'), note: '@ricky0123/vad-web' },
    { name: 'silero_vad_v5', files: [silero('v5')], model: silero('v5'), note: '@ricky0123/vad-web' },
    { name: 'silero_vad_v6', files: [silero('v6')], model: silero('v6'), note: '@ricky0123/vad-web' },
    { name: 'examples/classifier', files: [example], model: example, note: 'the example workspace model' },
  ];

  await build({ entryPoints: [path.join(__dirname, 'measure.ts')], outfile: MEASURE, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });
  // The baseline: the median of three idle children (node + the bundled inspection module, nothing run).
  const idleRuns = [await child(['idle']), await child(['idle']), await child(['idle'])];
  const idle = { maxRssKiB: median(idleRuns.map((m) => m.maxRssKiB)) };
  console.log(`idle child (node + inspection module loaded): peak RSS ${(idle.maxRssKiB / 1024).toFixed(1)} MiB`);
  const results: Result[] = [];
  for (const row of rows) {
    const read = await child(['read', ...row.files]);
    const insp = await child(['inspect', row.model, String(RUNS)]);
    const readSeconds = read.seconds[0]!;
    const med = median(insp.seconds);
    const growth = (insp.maxRssKiB - idle.maxRssKiB) / 1024;
    results.push({
      name: row.name,
      note: row.note,
      bytes: read.bytes ?? 0,
      readSeconds,
      readMiBps: (read.bytes ?? 0) / MiB / readSeconds,
      inspectMedianSeconds: med,
      inspectSeconds: insp.seconds,
      peakRssMiB: insp.maxRssKiB / 1024,
      rssGrowthMiB: growth,
      inspectOverRead: med / readSeconds,
      pass: med <= TARGET_SECONDS && growth <= TARGET_RSS_MIB,
    });
  }

  const lines = [
    '| model | bytes (all files) | read once | read MiB/s | inspect median (5 runs) | inspect min–max | peak RSS | RSS growth | inspect / read | result |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    ...results.map((r) =>
      [
        '',
        `${r.name} (${r.note})`,
        human(r.bytes),
        `${(r.readSeconds * 1000).toFixed(1)} ms`,
        r.readMiBps.toFixed(0),
        `${(r.inspectMedianSeconds * 1000).toFixed(2)} ms`,
        `${(Math.min(...r.inspectSeconds) * 1000).toFixed(2)}–${(Math.max(...r.inspectSeconds) * 1000).toFixed(2)} ms`,
        `${r.peakRssMiB.toFixed(1)} MiB`,
        `${r.rssGrowthMiB >= 0 ? '+' : ''}${r.rssGrowthMiB.toFixed(1)} MiB`,
        `${(r.inspectOverRead * 100).toFixed(2)} %`,
        r.pass ? 'PASS' : 'FAIL',
        '',
      ].join(' | ').trim(),
    ),
  ];
  console.log();
  console.log(lines.join('\n'));
  console.log();
  console.log(`targets per row: inspection median ≤ ${TARGET_SECONDS * 1000} ms and peak RSS growth over the idle child ≤ ${TARGET_RSS_MIB} MiB`);
  console.log('read once: the files may be wholly or partly in the page cache (just written, or read by an earlier run), so this lies between memory bandwidth and disk speed and varies between runs');

  const pass = results.every((r) => r.pass);
  const out = path.join(DATA, 'results.json');
  await writeFile(
    out,
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        quick,
        node: process.version,
        platform: `${process.platform}-${process.arch}`,
        cpu: os.cpus()[0]?.model ?? 'unknown',
        cpus: os.cpus().length,
        runs: RUNS,
        targets: { inspectSeconds: TARGET_SECONDS, rssGrowthMiB: TARGET_RSS_MIB },
        idlePeakRssMiB: idle.maxRssKiB / 1024,
        rows: results,
        pass,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`${pass ? 'PASS' : 'FAIL'}: results in ${path.relative(ROOT, out)}`);
  if (!pass) process.exitCode = 1;
}

main().catch((ex: unknown) => {
  console.error(ex);
  process.exitCode = 1;
});
