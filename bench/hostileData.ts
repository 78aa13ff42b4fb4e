/**
 * `npm run bench -- hostileData`: the hostile data-file corpus of test/support/hostileData.ts at full size
 * (issue 11 classes 1, 8, 9: Parquet footer/page fuzzing seeded with real-writer files, Arrow IPC mutations,
 * 200,000-column CSV, a 50 MB line of numbers, deep JSON…), each case run as `ml-preflight drift` would run it
 * (the file against itself). Prints counts per outcome:
 *
 *   ok        a report
 *   exit 2    a typed error naming the file (DataReadError / DriftError)
 *   exit 3    an untyped exception
 *   crash     the process died (OOM kill, abort, native crash)
 *   over time a case ran past 25 s
 *   over mem  a case raised the process's peak RSS past 1 GiB
 *
 * Cases run in a child process (`--child`), which reports one JSON line per case; the parent restarts it after a
 * crash or a timeout. Exit status 1 unless every case is ok or exit 2. Flags: --seed N, --parquet N, --arrow N,
 * --quick (fewer cases, 1/10 text sizes).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { hostileCorpus, runHostileCase, type HostileCase } from '../test/support/hostileData';

const TIME_LIMIT_MS = 25_000;
const RSS_LIMIT = 1024 * 1024 * 1024;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

function corpus(): HostileCase[] {
  const quick = process.argv.includes('--quick');
  return hostileCorpus(arg('--seed', 20261201), { parquet: arg('--parquet', quick ? 200 : 1500), arrow: arg('--arrow', quick ? 80 : 400), textScale: quick ? 0.1 : 1 });
}

async function child(from: number): Promise<void> {
  const cases = corpus();
  const dir = mkdtempSync(path.join(tmpdir(), 'mlp-hostile-data-'));
  try {
    for (let i = from; i < cases.length; i++) {
      const c = cases[i]!;
      const f = path.join(dir, `case-${i}${c.ext}`);
      writeFileSync(f, c.bytes);
      process.stdout.write(JSON.stringify({ start: i }) + '\n');
      const t0 = performance.now();
      const { outcome, message } = await runHostileCase(f);
      const ms = performance.now() - t0;
      rmSync(f, { force: true });
      process.stdout.write(JSON.stringify({ i, outcome, ms, rss: process.resourceUsage().maxRSS * 1024, message: message.split('\n')[0]!.slice(0, 300) }) + '\n');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Result {
  outcome: string;
  ms: number;
  rss: number;
  message: string;
}

function runFrom(from: number, results: Map<number, Result>): Promise<number> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', __filename, '--child', String(from), ...process.argv.slice(2)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let current = from;
    let timer: NodeJS.Timeout | undefined;
    let stderr = '';
    p.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-2000);
    });
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        results.set(current, { outcome: 'over time', ms: TIME_LIMIT_MS, rss: 0, message: `killed after ${TIME_LIMIT_MS} ms` });
        p.kill('SIGKILL');
      }, TIME_LIMIT_MS);
    };
    let lastPeak = 0;
    let killedAfter = -1;
    createInterface({ input: p.stdout }).on('line', (line) => {
      const m = JSON.parse(line) as { start?: number } & Partial<Result> & { i?: number };
      if (m.start !== undefined) {
        if (killedAfter >= 0) return;
        current = m.start;
        arm();
        return;
      }
      const over = m.rss! > RSS_LIMIT && m.rss! > lastPeak;
      lastPeak = Math.max(lastPeak, m.rss!);
      results.set(m.i!, { outcome: over ? 'over mem' : m.outcome!, ms: m.ms!, rss: m.rss!, message: m.message! });
      if (over) {
        // Peak RSS only grows: restart the child so later cases are measured on their own.
        killedAfter = m.i!;
        clearTimeout(timer);
        p.kill('SIGKILL');
      }
    });
    p.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (killedAfter >= 0) {
        resolve(killedAfter + 1);
        return;
      }
      if (!results.has(current)) results.set(current, { outcome: 'crash', ms: 0, rss: 0, message: `exit ${code ?? signal}: ${stderr.split('\n').filter(Boolean).slice(-2).join(' | ')}` });
      resolve(current + 1);
    });
  });
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') return child(Number(process.argv[3]));
  const cases = corpus();
  console.log(`hostile data corpus: ${cases.length} cases (seed ${arg('--seed', 20261201)}); limits ${TIME_LIMIT_MS / 1000} s and ${RSS_LIMIT / 1048576} MiB peak RSS per case`);
  const results = new Map<number, Result>();
  const t0 = performance.now();
  let next = 0;
  while (next < cases.length) next = await runFrom(next, results);
  const order = ['ok', 'exit 2', 'exit 3', 'crash', 'over time', 'over mem'];
  const counts = new Map(order.map((o) => [o, 0]));
  const byFamily = new Map<string, Map<string, number>>();
  let slowest = { i: -1, ms: 0 };
  let peak = 0;
  for (const [i, r] of results) {
    counts.set(r.outcome, (counts.get(r.outcome) ?? 0) + 1);
    const family = cases[i]!.ext.replace('.', '') + (/^seed-[a-z0-9]+$/.test(cases[i]!.name) ? ' (unmutated seeds)' : '');
    const f = byFamily.get(family) ?? new Map<string, number>();
    f.set(r.outcome, (f.get(r.outcome) ?? 0) + 1);
    byFamily.set(family, f);
    if (r.ms > slowest.ms) slowest = { i, ms: r.ms };
    peak = Math.max(peak, r.rss);
  }
  console.log(`\n| family | ${order.join(' | ')} |`);
  console.log(`|---|${order.map(() => '---:').join('|')}|`);
  for (const [family, f] of [...byFamily].sort()) console.log(`| ${family} | ${order.map((o) => f.get(o) ?? 0).join(' | ')} |`);
  console.log(`| **all** | ${order.map((o) => counts.get(o)).join(' | ')} |`);
  console.log(`\nslowest case: ${slowest.ms.toFixed(0)} ms (${cases[slowest.i]?.name ?? '-'}); peak RSS of a child: ${(peak / 1048576).toFixed(0)} MiB; total ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const bad = [...results].filter(([, r]) => r.outcome !== 'ok' && r.outcome !== 'exit 2');
  for (const [i, r] of bad.slice(0, 20)) console.log(`  ${r.outcome}: case ${i} (${cases[i]!.name}): ${r.message}`);
  const pass = bad.length === 0;
  console.log(`\ntarget: 0 exit 3, 0 crash, 0 over time, 0 over memory: ${pass ? 'PASS' : 'FAIL'}`);
  process.exitCode = pass ? 0 : 1;
}

void main().catch((ex: unknown) => {
  console.error(ex);
  process.exitCode = 1;
});
