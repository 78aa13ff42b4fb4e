/**
 * `npm run bench`: runs every benchmark in turn, each in its own process, and exits 1 when any missed a target.
 *
 *   npm run bench                 # all of them
 *   npm run bench -- inspect      # only bench/inspect.ts (extra flags are passed on, e.g. --quick)
 *
 * Each benchmark is a `bench/<name>.ts` script that prints its own table and sets its exit status.
 */
import { spawnSync } from 'node:child_process';
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
for (const name of chosen.length ? chosen : BENCHMARKS) {
  const file = path.join(__dirname, `${name}.ts`);
  if (!existsSync(file)) {
    if (chosen.length) results.push([name, 'MISSING']);
    continue;
  }
  console.log(`\n━━━ bench: ${name} ━━━`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', file, ...flags], { stdio: 'inherit' });
  results.push([name, r.status === 0 ? 'PASS' : `FAIL (exit ${r.status ?? r.signal})`]);
}
console.log('\n━━━ bench summary ━━━');
for (const [name, verdict] of results) console.log(`${name.padEnd(10)} ${verdict}`);
process.exit(results.some(([, v]) => v !== 'PASS') ? 1 : 0);
