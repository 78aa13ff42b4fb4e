/**
 * `npm run bench`: runs every benchmark in turn, each in its own process, and exits 1 when any missed a target.
 *
 *   npm run bench                 # all of them
 *   npm run bench -- inspect      # only bench/inspect.ts (extra flags are passed on, e.g. --quick)
 *
 * Each benchmark is a `bench/<name>.ts` script that prints its own table and sets its exit status.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';

/** In the order they run. A name whose file does not exist yet is skipped with a note. */
const BENCHMARKS = ['startup', 'inspect', 'profile', 'drift', 'skew', 'review', 'diff', 'hostileData', 'hostile'];

const args = process.argv.slice(2);
const chosen = args.filter((a) => !a.startsWith('-'));
const flags = args.filter((a) => a.startsWith('-'));
const unknown = chosen.filter((c) => !BENCHMARKS.includes(c));
if (unknown.length) {
  console.error(`unknown benchmark ${unknown.join(', ')} (known: ${BENCHMARKS.join(', ')})`);
  process.exit(2);
}

const results: Array<[string, string]> = [];
/** Every table row with a target verdict (PASS/FAIL) that a benchmark printed, for the one summary table. */
const targetRows: Array<{ bench: string; cells: string[] }> = [];

/** Runs one benchmark, streaming its output, and collects its rows that carry a PASS/FAIL verdict. */
function runBenchmark(name: string, file: string): Promise<number | string> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file, ...flags], { stdio: ['inherit', 'pipe', 'inherit'] });
    let pending = '';
    const collect = (line: string): void => {
      if (!/^\|.*\b(PASS|FAIL)\b.*\|\s*$/.test(line)) return;
      targetRows.push({ bench: name, cells: line.trim().slice(1, -1).split('|').map((c) => c.trim()).filter((c) => c.length > 0) });
    };
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      lines.forEach(collect);
    });
    child.on('close', (code, signal) => {
      collect(pending);
      resolve(code ?? signal ?? 'unknown');
    });
  });
}

async function main(): Promise<void> {
  for (const name of chosen.length ? chosen : BENCHMARKS) {
    const file = path.join(__dirname, `${name}.ts`);
    if (!existsSync(file)) {
      if (chosen.length) results.push([name, 'MISSING']);
      continue;
    }
    console.log(`\n━━━ bench: ${name} ━━━`);
    const status = await runBenchmark(name, file);
    results.push([name, status === 0 ? 'PASS' : `FAIL (exit ${status})`]);
  }
  // One table of every row that has a target, as each benchmark printed it (its cells joined with ' · '): what was
  // measured, the baseline measured in the same run, the ratio, and the verdict.
  if (targetRows.length) {
    console.log('\n━━━ every row with a target ━━━');
    console.log('| benchmark | row: what · measured · baseline (same run) · ratio · target and verdict |');
    console.log('|---|---|');
    for (const r of targetRows) console.log(`| ${r.bench} | ${r.cells.join(' · ')} |`);
  }
  console.log('\n━━━ bench summary ━━━');
  for (const [name, verdict] of results) console.log(`${name.padEnd(12)} ${verdict}`);
  process.exit(results.some(([, v]) => v !== 'PASS') ? 1 : 0);
}

void main();
