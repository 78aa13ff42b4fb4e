/** What the CLI prints for people: tables that fit the terminal, each fact said once, notes where numbers look odd. */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { progressLine } from '../../src/cli/commands/profile';
import { fitTable, renderTable } from '../../src/cli/format/table';
import { DEFAULT_COLUMNS } from '../../src/cli/io';
import { runCli } from '../../src/cli/run';
import { ROOT } from '../support/cli';

async function drift(columns: number | undefined): Promise<string> {
  let out = '';
  const code = await runCli(['drift', 'examples/data/reference.csv', 'examples/data/current.csv'], { stdout: (s) => (out += s), stderr: (s) => (out += s), cwd: ROOT, columns });
  assert.equal(code, 0, out);
  return out;
}

const tableLines = (text: string): string[] => text.split('\n').filter((l) => /^  (column|─)/.test(l) || /^  \S+\s+(numeric|categorical|boolean|datetime)\s/.test(l));

describe('CLI output for people', () => {
  it('the drift table fits the terminal width, 100 columns when not a terminal, and says what it left out', async () => {
    const piped = await drift(undefined);
    for (const line of piped.split('\n').filter((l) => l.startsWith('  ') && l.includes('  '))) {
      if (/^  (column|─|\S+ +(numeric|categorical|boolean|datetime) )/.test(line)) assert.ok([...line].length <= DEFAULT_COLUMNS, `${[...line].length} > ${DEFAULT_COLUMNS}: ${line}`);
    }
    assert.match(piped, /left out to fit 100 columns; see --json or --html/);
    const wide = await drift(220);
    assert.match(wide, /KS p\s+W norm\s+PSI\s+JS\s+effect\s+missing ref\/cur/);
    assert.doesNotMatch(wide, /left out to fit/);
    const narrow = await drift(70);
    const rows = narrow.split('\n').filter((l) => /^  (column|─)/.test(l) || /(DRIFT|ok)\s*$/.test(l));
    assert.ok(rows.length >= 9, narrow);
    for (const line of rows) assert.ok([...line].length <= 70, `${[...line].length} > 70: ${line}`);
    assert.match(narrow, /^  column\s+test\s+stat\s+p\s+drift$/m);
    assert.equal(tableLines(wide).length, tableLines(piped).length);
  });

  it('a new category is reported once, with its name, and χ² = ∞ with p = 0 gets a note', async () => {
    const text = await drift(undefined);
    const mentions = text.split('\n').filter((l) => /^  country: .*(new categor|never seen)/.test(l));
    assert.equal(mentions.length, 1, mentions.join('\n'));
    assert.match(mentions[0]!, /1 new category never seen in reference \(15\.0% of current rows\): BR$/);
    assert.match(text, /country: χ² = ∞ and p = 0 because current has a category the reference never saw/);
    assert.doesNotMatch(text, /device: χ²/);
  });

  it('fitTable drops the lowest-ranked columns first, then cuts shrinkable text, and never drops unranked ones', () => {
    const cols = [{ header: 'name', shrinkTo: 6 }, { header: 'a', drop: 2 }, { header: 'b', drop: 1 }, { header: 'verdict' }];
    const rows = [['a-very-long-column-name', '1111111111', '2222222222', 'DRIFT']];
    assert.deepEqual(fitTable(cols, rows, 200), { text: renderTable(cols, rows), omitted: [] });
    const one = fitTable(cols, rows, 50);
    assert.deepEqual(one.omitted, ['b']);
    const cutDown = fitTable(cols, rows, 20);
    assert.deepEqual(cutDown.omitted, ['a', 'b']);
    assert.match(cutDown.text, /a-very-l…\s+DRIFT/);
    for (const line of cutDown.text.split('\n')) assert.ok([...line].length <= 20, line);
  });

  it('profile progress: on a terminal a status line and one line per finished batch on stderr; nothing without a terminal or with --json', async function () {
    this.timeout(60_000);
    let err = '';
    const p = progressLine({ stdout: () => undefined, stderr: (x) => (err += x), cwd: ROOT, stderrIsTTY: true }, 'm.onnx', 10);
    p.update({ phase: 'warmup', pid: 1, batch: 1, done: 0, total: 3, message: 'batch 1: warming up' });
    assert.match(err, /^profile m\.onnx \[1\/3\]: batch 1: warming up \(\d+\.\d s of ≤ 10 s\)$/);
    p.update({ phase: 'batch-done', pid: 1, batch: 1, done: 1, total: 3, message: '', summary: { batch: 1, iterations: 200, p50: 1.5, p90: 2, p99: 3.25, mean: 1.6, throughput: 625, samplesPerSecond: 625, stable: true } });
    assert.match(err, /\r\x1b\[K  batch 1: p50 1\.50 ms, p99 3\.25 ms, 625 samples\/s \(200 iterations\)\n$/);
    p.clear();
    const worker = { workerPath: path.join(ROOT, 'src', 'worker', 'worker.ts'), execArgv: ['--require', 'tsx/cjs'] };
    for (const [tty, json] of [[false, false], [true, true]] as const) {
      let stdout = '';
      let stderr = '';
      const code = await runCli(['profile', 'examples/models/classifier.onnx', '--batch', '1', '--iterations', '5', '--warmup', '1', '--op-runs', '0', '--no-baseline', ...(json ? ['--json'] : [])],
        { stdout: (x) => (stdout += x), stderr: (x) => (stderr += x), cwd: ROOT, stderrIsTTY: tty }, worker);
      assert.equal(code, 0, stderr);
      assert.equal(stderr, '', `tty ${tty}, json ${json}`);
      assert.ok(stdout.length > 0);
    }
  });
});
