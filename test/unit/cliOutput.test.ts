/** What the CLI prints for people: tables that fit the terminal, each fact said once, notes where numbers look odd. */
import * as assert from 'node:assert/strict';
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
});
