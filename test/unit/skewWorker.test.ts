/** The skew analysis in a worker thread (what the extension host uses): same results as in-process, same error types. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzePairs } from '../../src/core/skew/analyze';
import { discoverPairs, SkewConfigError } from '../../src/core/skew/pairing';
import { SkewWorkerClient } from '../../src/core/skew/runSkewWorker';

const ROOT = path.resolve(__dirname, '..', '..');
const EXAMPLES = path.join(ROOT, 'examples');
const WORKER = { workerPath: path.join(ROOT, 'src', 'core', 'skew', 'skewWorker.ts'), execArgv: ['--require', 'tsx/cjs'] };

describe('skew worker thread', function () {
  this.timeout(60_000);
  let client: SkewWorkerClient;
  beforeEach(() => {
    client = new SkewWorkerClient(WORKER);
  });
  afterEach(() => client.dispose());

  it('discovers and analyses the example pair with the same findings as in-process, and honours unsaved contents', async () => {
    const discovered = await client.discover(EXAMPLES);
    assert.deepEqual(discovered, discoverPairs(EXAMPLES));
    assert.ok(discovered.pairs.length >= 1);
    const inWorker = await client.analyze(discovered.pairs, EXAMPLES, {});
    const inProcess = await analyzePairs(discovered.pairs, { root: EXAMPLES });
    const kinds = (r: typeof inWorker) => r.pairs.flatMap((p) => p.findings.map((f) => `${f.kind}@${f.serving?.line}`)).sort();
    assert.deepEqual(kinds(inWorker), kinds(inProcess));
    assert.ok(kinds(inWorker).some((k) => k.startsWith('normalize-std')));
    // An unsaved edit that fixes the std: the finding goes away (the worker reads the overlay, not the disk).
    const serving = discovered.pairs[0]!.serving[0]!;
    const fixed = fs.readFileSync(serving, 'utf8').replace(/STD = np\.array\(\[[^\]]*\]/, 'STD = np.array([0.229, 0.224, 0.225]');
    const edited = await client.analyze(discovered.pairs, EXAMPLES, { [serving]: fixed });
    assert.ok(!kinds(edited).some((k) => k.startsWith('normalize-std')), kinds(edited).join(', '));
  });

  it('passes an invalid .mlpreflight/skew.json back as SkewConfigError naming the file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-skew-worker-'));
    try {
      fs.mkdirSync(path.join(dir, '.mlpreflight'));
      fs.writeFileSync(path.join(dir, '.mlpreflight', 'skew.json'), '{ "pairs": 3 }');
      await assert.rejects(client.discover(dir), (ex: unknown) => SkewConfigError.is(ex) && ex.file.endsWith('skew.json'));
      // The worker survives a failed request.
      assert.deepEqual((await client.discover(EXAMPLES)).pairs, discoverPairs(EXAMPLES).pairs);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects pending requests once disposed', async () => {
    const pending = client.discover(EXAMPLES);
    client.dispose();
    await assert.rejects(pending, /skew worker: stopped/);
    await assert.rejects(client.discover(EXAMPLES), /skew worker: stopped/);
  });
});
