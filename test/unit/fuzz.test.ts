/**
 * Fuzzing `inspectModel` with deterministically corrupted models (seeded PRNG, same cases on every run).
 *
 * Seeds: valid generated fixtures, the example classifier and Silero VAD v5. Corruptions: truncations (random and
 * every-N offsets), bit flips, byte replacements, inflated/overlong varint lengths, corrupted field tags,
 * duplicated and spliced chunks, zero-filled spans. The contract checked for every case: `inspectModel`
 * settles within 2 s, and either resolves to a plain-JSON `ModelInspection` or rejects with an
 * `OnnxInspectError` whose `reason` is a known one and whose message starts with `<file>: <reason>: `.
 *
 * `MLP_FUZZ_VERBOSE=1 npx mocha --grep fuzz` prints the outcome counts per corruption.
 */
import * as assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Prng } from '../../scripts/lib/prng';
import { OnnxInspectError } from '../../src/core/onnx/errors';
import { inspectModel } from '../../src/core/onnx/inspect';
import type { InspectErrorReason, ModelInspection } from '../../src/shared/modelInspection';
import { ensureFixtures } from '../support/fixtures';

const REASONS: readonly InspectErrorReason[] = ['not-found', 'not-a-file', 'io', 'empty', 'not-onnx', 'truncated', 'malformed', 'too-deep', 'aborted'];
/** Per-case limit: the inspection is aborted after this long, and counted as a hang if it has not settled 500 ms later. */
const CASE_TIMEOUT_MS = 2000;
/** Cases run this many at a time, each slot writing to its own temp file. */
const SLOTS = 4;

/** Valid generated fixtures used as seeds (test/fixtures/manifest.json). */
const FIXTURE_SEEDS = [
  'conv_gemm.onnx',
  'fixed_batch.onnx',
  'no_shape.onnx',
  'symbolic_dims.onnx',
  'init_as_inputs.onnx',
  'custom_domain.onnx',
  'unused_init.onnx',
  'quant_dynamic.onnx',
  'quant_qdq.onnx',
  'quant_qoperator.onnx',
  'quant_fp16.onnx',
  'quant_mixed.onnx',
  'external_ok.onnx',
  'subgraph_if.onnx',
  'subgraph_loop.onnx',
  'subgraph_nested.onnx',
  'sparse_init.onnx',
  'functions.onnx',
  'non_tensor_io.onnx',
  'xss.onnx',
  'deep_nested.onnx',
];
const EXAMPLE_SEED = path.resolve(__dirname, '..', '..', 'examples', 'models', 'classifier.onnx');
const SILERO_SEED = require.resolve('@ricky0123/vad-web/dist/silero_vad_v5.onnx');
const SEED_COUNT = FIXTURE_SEEDS.length + 2;

interface Seed {
  name: string;
  bytes: Uint8Array;
  /** Offsets of field tags and of length prefixes found by a best-effort walk of the protobuf structure. */
  tags: number[];
  lengths: Array<{ at: number; size: number; value: number }>;
  /** Offsets and sizes of varint field values (dims, data types, attribute ints, versions, …). */
  varints: Array<{ at: number; size: number }>;
}

/** A varint at `p`: `[value, bytes]`, or `null` when it does not end before `end` within 10 bytes. */
function readVarint(b: Uint8Array, p: number, end: number): [number, number] | null {
  let v = 0;
  let mul = 1;
  for (let i = 0; i < 10 && p + i < end; i++) {
    const x = b[p + i]!;
    v += (x & 0x7f) * mul;
    mul *= 128;
    if (x < 0x80) return [v, i + 1];
  }
  return null;
}

/** Varint encoding of a non-negative integer (exact up to 2^53; `2 ** 64 - 1` style inputs become 10 bytes). */
function encodeVarint(value: number | bigint): number[] {
  let v = BigInt(value);
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return out;
}

/**
 * Walks `[start, end)` as a protobuf message, recording tag and length offsets; a length-delimited payload is
 * walked too when it parses as a message (strings and raw tensor data usually do not). Returns false when the
 * range is not a well-formed message.
 */
function walk(b: Uint8Array, start: number, end: number, depth: number, seed: Pick<Seed, 'tags' | 'lengths' | 'varints'>): boolean {
  const tags: number[] = [];
  const lengths: Seed['lengths'] = [];
  const varints: Seed['varints'] = [];
  const nested: Array<[number, number]> = [];
  let p = start;
  while (p < end) {
    const tag = readVarint(b, p, end);
    if (!tag || tag[0] < 8) return false;
    tags.push(p);
    p += tag[1];
    switch (tag[0] % 8) {
      case 0: {
        const v = readVarint(b, p, end);
        if (!v) return false;
        varints.push({ at: p, size: v[1] });
        p += v[1];
        break;
      }
      case 1:
        p += 8;
        break;
      case 5:
        p += 4;
        break;
      case 2: {
        const len = readVarint(b, p, end);
        if (!len || p + len[1] + len[0] > end) return false;
        lengths.push({ at: p, size: len[1], value: len[0] });
        p += len[1];
        if (len[0] > 1 && depth < 40) nested.push([p, p + len[0]]);
        p += len[0];
        break;
      }
      default:
        return false;
    }
  }
  if (p !== end) return false;
  seed.tags.push(...tags);
  seed.lengths.push(...lengths);
  seed.varints.push(...varints);
  for (const [s, e] of nested) walk(b, s, e, depth + 1, seed);
  return true;
}

function makeSeed(name: string, file: Buffer): Seed {
  // A plain Uint8Array copy: Buffer#slice() returns a view, and the mutators rely on slice() copying.
  const bytes = new Uint8Array(file);
  const seed: Seed = { name, bytes, tags: [], lengths: [], varints: [] };
  walk(bytes, 0, bytes.length, 0, seed);
  return seed;
}

function splice(b: Uint8Array, at: number, remove: number, insert: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(b.length - remove + insert.length);
  out.set(b.subarray(0, at), 0);
  out.set(insert, at);
  out.set(b.subarray(at + remove), at + insert.length);
  return out;
}

/** A corruption: seed (and a second seed for splices) + case PRNG → corrupted bytes and a label. */
type Mutator = (s: Seed, rng: Prng, other: Seed) => { bytes: Uint8Array; what: string };

/** Huge lengths for varint inflation: past 2 GiB, past 2^32, past 2^53, and a 10-byte 2^64 − 1. */
const HUGE = [2 ** 31, 2 ** 32 + 5, 2 ** 40, Number.MAX_SAFE_INTEGER, 2n ** 63n, 2n ** 64n - 1n] as const;

const MUTATORS: Record<string, { cases: number; truncation?: boolean; mutate: Mutator }> = {
  'truncate at a random offset': {
    cases: 230,
    truncation: true,
    mutate: (s, rng) => {
      const at = rng.int(1, s.bytes.length - 1);
      return { bytes: s.bytes.slice(0, at), what: `cut at ${at}` };
    },
  },
  'truncate inside a length-delimited field': {
    cases: 230,
    truncation: true,
    mutate: (s, rng) => {
      const f = rng.pick(s.lengths);
      const at = Math.min(s.bytes.length - 1, f.at + rng.int(0, f.size + f.value - 1));
      return { bytes: s.bytes.slice(0, at), what: `cut at ${at} (field payload at ${f.at})` };
    },
  },
  'flip bits': {
    cases: 300,
    mutate: (s, rng) => {
      const b = s.bytes.slice();
      const n = rng.int(1, 8);
      const at: number[] = [];
      for (let i = 0; i < n; i++) {
        const p = rng.int(0, b.length - 1);
        b[p]! ^= 1 << rng.int(0, 7);
        at.push(p);
      }
      return { bytes: b, what: `bits flipped at ${at.join(',')}` };
    },
  },
  'replace bytes': {
    cases: 300,
    mutate: (s, rng) => {
      const b = s.bytes.slice();
      const n = rng.int(1, 16);
      for (let i = 0; i < n; i++) b[rng.int(0, b.length - 1)] = rng.pick([0x00, 0xff, 0x80, 0x7f, rng.int(0, 255)]);
      return { bytes: b, what: `${n} bytes replaced` };
    },
  },
  'inflate a length varint': {
    cases: 250,
    mutate: (s, rng) => {
      const f = rng.pick(s.lengths);
      const kind = rng.int(0, 3);
      let insert: number[];
      if (kind === 0) insert = encodeVarint(rng.pick(HUGE));
      else if (kind === 1) insert = encodeVarint(f.value + rng.int(1, 64));
      else if (kind === 2) insert = [...new Array<number>(rng.int(10, 12)).fill(0xff), 0x01]; // longer than 10 bytes
      else insert = [...new Array<number>(f.size).fill(0xff)]; // unterminated in place
      return { bytes: splice(s.bytes, f.at, f.size, insert), what: `length at ${f.at} (${f.value}) → [${insert.join(' ')}]` };
    },
  },
  'set a varint field to an extreme value': {
    cases: 300,
    mutate: (s, rng) => {
      // Dims, data types, strides, pads, axes, versions: 0, 1, -1 (10 bytes), huge, past 2^53, past int64.
      const f = rng.pick(s.varints);
      const v = rng.pick([0n, 1n, 2n ** 64n - 1n, 2n ** 63n, 2n ** 31n, 2n ** 53n + 1n, 2n ** 62n, 2n ** 64n - 2n ** 31n, BigInt(rng.int(0, 1 << 20))]);
      return { bytes: splice(s.bytes, f.at, f.size, encodeVarint(v)), what: `varint at ${f.at} → ${v}` };
    },
  },
  'shrink a length varint': {
    cases: 150,
    mutate: (s, rng) => {
      const f = rng.pick(s.lengths);
      const v = Math.max(0, f.value - rng.int(1, 8));
      return { bytes: splice(s.bytes, f.at, f.size, encodeVarint(v)), what: `length at ${f.at} ${f.value} → ${v}` };
    },
  },
  'corrupt a field tag': {
    cases: 300,
    mutate: (s, rng) => {
      const at = rng.pick(s.tags);
      const old = readVarint(s.bytes, at, s.bytes.length)!;
      const field = rng.pick([0, 1, 2, 5, 7, 8, 9, 11, 14, 15, 19999, 2 ** 29 - 1, 2 ** 29, rng.int(1, 30)]);
      const wire = rng.int(0, 7);
      const tag = encodeVarint(field * 8 + wire);
      return { bytes: splice(s.bytes, at, old[1], tag), what: `tag at ${at} → field ${field} wire ${wire}` };
    },
  },
  'duplicate a chunk': {
    cases: 200,
    mutate: (s, rng) => {
      const a = rng.int(0, s.bytes.length - 1);
      const n = rng.int(1, Math.min(512, s.bytes.length - a));
      const to = rng.int(0, s.bytes.length);
      return { bytes: splice(s.bytes, to, 0, s.bytes.subarray(a, a + n)), what: `[${a}, ${a + n}) copied to ${to}` };
    },
  },
  'splice two models': {
    cases: 150,
    mutate: (s, rng, other) => {
      const a = rng.int(1, s.bytes.length - 1);
      const b = rng.int(0, other.bytes.length - 1);
      const out = new Uint8Array(a + other.bytes.length - b);
      out.set(s.bytes.subarray(0, a), 0);
      out.set(other.bytes.subarray(b), a);
      return { bytes: out, what: `head [0, ${a}) + ${other.name} from ${b}` };
    },
  },
  'zero-fill a span': {
    cases: 200,
    mutate: (s, rng) => {
      const b = s.bytes.slice();
      const a = rng.int(0, b.length - 1);
      const n = rng.int(1, Math.max(1, Math.min(b.length - a, rng.chance(0.5) ? 16 : Math.ceil(b.length / 10))));
      b.fill(0, a, a + n);
      return { bytes: b, what: `[${a}, ${a + n}) zeroed` };
    },
  },
};

/** Every-N truncations: each seed cut at 1/40, 2/40, … 39/40 of its length. */
const EVERY_N = 39;
const TOTAL_CASES = Object.values(MUTATORS).reduce((n, m) => n + m.cases, 0) + EVERY_N * SEED_COUNT;

type Outcome = 'ok' | InspectErrorReason;
interface Case {
  seed: Seed;
  what: string;
  bytes: Uint8Array;
}

/** Checks the plain-JSON `ModelInspection` shape; returns a problem description or null. */
function shapeProblem(r: ModelInspection): string | null {
  if (typeof r !== 'object' || r === null) return 'not an object';
  const str = ['docString', 'graphName', 'domain'] as const;
  for (const k of str) if (typeof r[k] !== 'string') return `${k} is not a string`;
  const nums = ['nodeCount', 'subgraphCount', 'functionCount', 'initializerCount', 'parameterCount', 'weightBytes'] as const;
  for (const k of nums) if (!Number.isFinite(r[k]) || r[k] < 0) return `${k} = ${String(r[k])}`;
  for (const k of ['irVersion', 'modelVersion', 'flops'] as const) if (r[k] !== null && !Number.isFinite(r[k])) return `${k} = ${String(r[k])}`;
  if (typeof r.file?.path !== 'string' || !Number.isFinite(r.file.bytes)) return 'bad file';
  if (!Array.isArray(r.inputs) || !Array.isArray(r.outputs) || !Array.isArray(r.warnings) || !Array.isArray(r.externalData)) return 'missing arrays';
  for (const t of [...r.inputs, ...r.outputs]) {
    if (typeof t.name !== 'string' || typeof t.dtype !== 'string') return 'bad tensor info';
    if (t.shape !== null && !t.shape.every((d) => typeof d === 'string' || Number.isFinite(d))) return `bad shape ${String(t.shape)}`;
  }
  if (typeof r.quantization?.kind !== 'string' || typeof r.batch?.reason !== 'string' || typeof r.flopsEstimate !== 'object') return 'bad analysis';
  if (typeof r.opHistogram !== 'object' || typeof r.metadata !== 'object' || typeof r.opsets !== 'object' || typeof r.weightsByDtype !== 'object') return 'bad maps';
  let json: string;
  try {
    json = JSON.stringify(r);
  } catch (ex) {
    return `not JSON-serializable: ${String(ex)}`;
  }
  try {
    assert.deepStrictEqual(JSON.parse(json), r);
  } catch {
    return 'does not survive a JSON round trip (NaN, Infinity, undefined or BigInt inside)';
  }
  return null;
}

/** Runs one case in `file`; returns the outcome, or throws an assertion error describing the contract breach. */
async function runCase(file: string, c: Case): Promise<Outcome> {
  await writeFile(file, c.bytes);
  const ac = new AbortController();
  const abortTimer = setTimeout(() => ac.abort(), CASE_TIMEOUT_MS);
  let hangTimer: NodeJS.Timeout | undefined;
  const hang = new Promise<'hang'>((resolve) => {
    hangTimer = setTimeout(() => resolve('hang'), CASE_TIMEOUT_MS + 500);
  });
  const label = `${c.seed.name}: ${c.what}`;
  try {
    const r = await Promise.race([inspectModel(file, { signal: ac.signal }), hang]);
    if (r === 'hang') assert.fail(`${label}: did not settle within ${CASE_TIMEOUT_MS + 500} ms, even after abort`);
    const problem = shapeProblem(r);
    if (problem) assert.fail(`${label}: resolved with a bad ModelInspection: ${problem}`);
    if (ac.signal.aborted) assert.fail(`${label}: took more than ${CASE_TIMEOUT_MS} ms`);
    return 'ok';
  } catch (ex) {
    if (ex instanceof assert.AssertionError) throw ex;
    if (!OnnxInspectError.is(ex)) assert.fail(`${label}: rejected with a non-OnnxInspectError: ${ex instanceof Error ? ex.stack : String(ex)}`);
    if (!REASONS.includes(ex.reason)) assert.fail(`${label}: unknown reason ${ex.reason}`);
    if (!ex.message.startsWith(`${file}: ${ex.reason}: `)) assert.fail(`${label}: message does not start with the path and reason: ${ex.message}`);
    if (ex.reason === 'aborted') assert.fail(`${label}: took more than ${CASE_TIMEOUT_MS} ms (aborted)`);
    return ex.reason;
  } finally {
    clearTimeout(abortTimer);
    clearTimeout(hangTimer);
  }
}

/** Runs `cases` over `SLOTS` temp files; returns outcome counts and every contract breach. */
async function runAll(dir: string, cases: Iterable<Case>): Promise<{ counts: Record<string, number>; failures: string[] }> {
  const counts: Record<string, number> = {};
  const failures: string[] = [];
  const it = cases[Symbol.iterator]();
  const worker = async (slot: number): Promise<void> => {
    const file = path.join(dir, `case-${slot}.onnx`);
    for (let next = it.next(); !next.done; next = it.next()) {
      try {
        const outcome = await runCase(file, next.value);
        counts[outcome] = (counts[outcome] ?? 0) + 1;
      } catch (ex) {
        failures.push(ex instanceof Error ? ex.message : String(ex));
      }
    }
  };
  await Promise.all(Array.from({ length: SLOTS }, (_, i) => worker(i)));
  return { counts, failures };
}

function summary(counts: Record<string, number>): string {
  return Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
}

describe(`fuzz: inspectModel on ${TOTAL_CASES} corrupted models (seeded)`, function () {
  this.timeout(60_000);
  let dir: string;
  let seeds: Seed[];
  const truncationCounts: Record<string, number> = {};

  before(async () => {
    const fixtures = await ensureFixtures();
    seeds = [];
    for (const name of FIXTURE_SEEDS) seeds.push(makeSeed(name, await readFile(path.join(fixtures, name))));
    seeds.push(makeSeed('examples/classifier.onnx', await readFile(EXAMPLE_SEED)));
    seeds.push(makeSeed('silero_vad_v5.onnx', await readFile(SILERO_SEED)));
    assert.equal(seeds.length, SEED_COUNT);
    for (const s of seeds) assert.ok(s.tags.length > 3 && s.lengths.length > 2 && s.varints.length > 2, `${s.name}: the structure walk found fields`);
    dir = await mkdtemp(path.join(tmpdir(), 'mlp-fuzz-'));
  });

  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const check = (name: string, result: { counts: Record<string, number>; failures: string[] }, truncation: boolean): void => {
    if (truncation) for (const [k, n] of Object.entries(result.counts)) truncationCounts[k] = (truncationCounts[k] ?? 0) + n;
    if (process.env.MLP_FUZZ_VERBOSE) console.log(`      ${name}: ${summary(result.counts)}`);
    assert.deepEqual(result.failures.slice(0, 10), [], `${name}: ${result.failures.length} contract breaches (first 10 shown); outcomes: ${summary(result.counts)}`);
  };

  it(`truncate every seed at every 1/40 of its length: ${EVERY_N * SEED_COUNT} cases`, async () => {
    function* cases(): Generator<Case> {
      for (const seed of seeds) {
        for (let k = 1; k <= EVERY_N; k++) {
          const at = Math.floor((k * seed.bytes.length) / (EVERY_N + 1));
          yield { seed, what: `cut at ${at} (${k}/${EVERY_N + 1})`, bytes: seed.bytes.slice(0, at) };
        }
      }
    }
    check('every-N truncation', await runAll(dir, cases()), true);
  });

  Object.entries(MUTATORS).forEach(([name, m], index) => {
    it(`${name}: ${m.cases} cases`, async () => {
      function* cases(): Generator<Case> {
        for (let i = 0; i < m.cases; i++) {
          const rng = new Prng(0xf022 * 1000 + index * 10_000 + i);
          const seed = seeds[i % seeds.length]!;
          const other = seeds[(i + 1 + rng.int(0, seeds.length - 2)) % seeds.length]!;
          yield { seed, ...m.mutate(seed, rng, other) };
        }
      }
      check(name, await runAll(dir, cases()), m.truncation === true);
    });
  });

  it('truncated files are reported as truncated (or malformed), not as valid models', function () {
    const total = Object.values(truncationCounts).reduce((a, b) => a + b, 0);
    const expected = (truncationCounts['truncated'] ?? 0) + (truncationCounts['malformed'] ?? 0);
    if (total === 0) this.skip(); // the truncation cases were filtered out (--grep)
    assert.ok(expected / total >= 0.9, `only ${expected} of ${total} truncations gave truncated/malformed: ${summary(truncationCounts)}`);
  });
});
