import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { checklistExitCode } from '../../src/cli/commands/checklist';
import { sanitizeForTerminal } from '../../src/cli/format/table';
import { ensureFixtures } from '../support/fixtures';
import { runCliCaptured } from '../support/cli';

const ROOT = path.resolve(__dirname, '..', '..');

const cli = (args: string[], cwd = ROOT): ReturnType<typeof runCliCaptured> => runCliCaptured(args, cwd);

describe('ml-preflight CLI', () => {
  let dir: string;
  before(async () => {
    dir = await ensureFixtures();
  });

  describe('inspect --json', () => {
    it('prints the documented fields with the documented types', async () => {
      const r = await cli(['inspect', path.join(dir, 'conv_gemm.onnx'), '--json']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '');
      const j = JSON.parse(r.stdout);
      assert.equal(j.irVersion, 8);
      assert.deepEqual(j.opsets, { 'ai.onnx': 17 });
      assert.deepEqual(j.producer, { name: 'ml-preflight-fixtures', version: '1.0' });
      assert.deepEqual(j.inputs.map((i: { name: string; dtype: string; shape: unknown }) => [i.name, i.dtype, i.shape]), [['image', 'float32', ['batch', 3, 8, 8]]]);
      assert.deepEqual(j.outputs.map((i: { name: string; dtype: string; shape: unknown }) => [i.name, i.dtype, i.shape]), [['logits', 'float32', ['batch', 10]]]);
      assert.equal(j.nodeCount, 5);
      assert.deepEqual(j.opHistogram, { Conv: 1, Relu: 1, MaxPool: 1, Flatten: 1, Gemm: 1 });
      // conv 4·3·3·3 + 4, fc 10·64 + 10
      assert.equal(j.parameterCount, 108 + 4 + 640 + 10);
      assert.equal(j.weightBytes, 4 * (108 + 4 + 640 + 10));
      assert.deepEqual(j.externalData, []);
      assert.equal(j.quantization.kind, 'none');
      assert.deepEqual(j.metadata, { author: 'ml-preflight', license: 'MIT' });
      assert.equal(j.subgraphCount, 0);
      // Conv: 8·8 output × 4 channels × 27 MACs; Gemm 64 × 10 MACs; FLOPs = 2 × MACs at batch 1.
      assert.equal(j.flops, 2 * (8 * 8 * 4 * 27 + 64 * 10));
      assert.deepEqual(j.warnings, []);
    });

    it('prints an array for several models', async () => {
      const r = await cli(['inspect', '--json', path.join(dir, 'conv_gemm.onnx'), path.join(dir, 'subgraph_if.onnx')]);
      assert.equal(r.code, 0, r.stderr);
      const j = JSON.parse(r.stdout);
      assert.ok(Array.isArray(j));
      assert.equal(j.length, 2);
      assert.ok(j[1].subgraphCount >= 2);
    });

    it('reports external data with location and bytes', async () => {
      const r = await cli(['inspect', '--json', path.join(dir, 'external_ok.onnx')]);
      assert.equal(r.code, 0, r.stderr);
      const j = JSON.parse(r.stdout);
      assert.equal(j.externalData.length, 1);
      assert.equal(j.externalData[0].location, 'weights.bin');
      assert.ok(j.externalData[0].bytes > 0);
    });
  });

  describe('inspect (table)', () => {
    it('prints a readable report', async () => {
      const r = await cli(['inspect', path.relative(ROOT, path.join(dir, 'conv_gemm.onnx'))]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^test\/fixtures\/generated\/conv_gemm\.onnx {2}\(3\.\d+ KiB\)/);
      assert.match(r.stdout, /Opsets\s+ai\.onnx 17/);
      assert.match(r.stdout, /input\s+image\s+float32\s+batch × 3 × 8 × 8/);
      assert.match(r.stdout, /Conv\s+1\s+20\.0%/);
      assert.match(r.stdout, /FLOPs\s+15.1 KFLOPs per inference assuming batch=1/);
      assert.match(r.stdout, /Warnings: none/);
    });

    it('shows refused external data prominently', async () => {
      const r = await cli(['inspect', path.join(dir, 'escape', 'external_escape.onnx')]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /\.\.\/outside\.bin\s+.*REFUSED/);
    });

    it('makes control characters from a model visible instead of sending them to the terminal', () => {
      assert.equal(sanitizeForTerminal('ok\u001b[31mred\u0007'), 'ok\\x1b[31mred\\x07');
      assert.equal(sanitizeForTerminal('a'.repeat(300), 10), `${'a'.repeat(9)}…`);
    });
  });

  describe('bad input: exit 2 and one line on stderr naming the file and the reason', () => {
    const cases: Array<[string, RegExp]> = [
      ['truncated.onnx', /truncated/],
      ['empty.onnx', /empty/],
      ['png_renamed.onnx', /not-onnx/],
      ['text.onnx', /not-onnx|malformed/],
      ['dir.onnx', /not-a-file/],
      ['does_not_exist.onnx', /not-found/],
      ['deep_nested.onnx', /too-deep/],
    ];
    for (const [file, reason] of cases) {
      it(file, async () => {
        const given = path.join(dir, file);
        const r = await cli(['inspect', given, '--json']);
        assert.equal(r.code, 2);
        assert.equal(r.stdout, '');
        const lines = r.stderr.split('\n').filter(Boolean);
        assert.equal(lines.length, 1, r.stderr);
        assert.ok(lines[0]!.includes(given), lines[0]);
        assert.match(lines[0]!, reason);
      });
    }

    it('still inspects the good models when one of several is bad', async () => {
      const r = await cli(['inspect', path.join(dir, 'conv_gemm.onnx'), path.join(dir, 'empty.onnx')]);
      assert.equal(r.code, 2);
      assert.match(r.stdout, /conv_gemm\.onnx/);
      assert.match(r.stderr, /empty\.onnx: empty/);
    });
  });

  describe('usage', () => {
    it('no command: help and exit 2', async () => {
      const r = await cli([]);
      assert.equal(r.code, 2);
      assert.match(r.stdout, /Usage: ml-preflight <command>/);
    });
    it('unknown command and unknown option: exit 2, one line', async () => {
      for (const args of [['frobnicate'], ['inspect', '--bogus', 'x.onnx'], ['inspect']]) {
        const r = await cli(args);
        assert.equal(r.code, 2, args.join(' '));
        assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      }
    });
    it('--help per command', async () => {
      const r = await cli(['inspect', '--help']);
      assert.equal(r.code, 0);
      assert.match(r.stdout, /Usage: ml-preflight inspect/);
    });
    it('every command takes -h and --help, lists them, and `help <command>` prints the same text', async () => {
      for (const command of ['inspect', 'doctor', 'skew', 'profile', 'drift', 'review', 'checklist', 'emit']) {
        const long = await cli([command, '--help']);
        const short = await cli([command, '-h']);
        const viaHelp = await cli(['help', command]);
        assert.equal(long.code, 0, `${command} --help: ${long.stderr}`);
        assert.equal(short.code, 0, `${command} -h: ${short.stderr}`);
        assert.match(long.stdout, new RegExp(`^Usage: ml-preflight ${command}`), command);
        assert.equal(short.stdout, long.stdout, command);
        assert.equal(viaHelp.stdout, long.stdout, command);
        assert.match(long.stdout, /-h, --help/, `${command} --help does not list -h, --help`);
      }
      const r = await cli(['help', 'frobnicate']);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /unknown command 'frobnicate'/);
    });
    it('an unknown option names it and the command\'s help, on one line with balanced quotes', async () => {
      for (const command of ['inspect', 'doctor', 'skew', 'profile', 'drift', 'review', 'checklist', 'emit']) {
        const r = await cli([command, '--x']);
        assert.equal(r.code, 2, command);
        assert.equal(r.stderr, `ml-preflight: ${command}: unknown option --x (see ml-preflight ${command} --help)\n`);
      }
      const missing = await cli(['drift', 'a.csv', 'b.csv', '--html']);
      assert.equal(missing.stderr, 'ml-preflight: drift: option --html needs a value (see ml-preflight drift --help)\n');
      const top = await cli(['--x']);
      assert.equal(top.stderr, 'ml-preflight: unknown option --x (see ml-preflight --help)\n');
    });
    it('checklist --fail-on: never exits 0 (as the README documents), error on failed items, warning also on warned ones', async () => {
      const never = await cli(['checklist', 'examples', '--fail-on', 'never']);
      assert.equal(never.code, 0, never.stderr);
      assert.match(never.stdout, /✗ fail/);
      assert.equal((await cli(['checklist', 'examples', '--fail-on', 'error'])).code, 1);
      const bad = await cli(['checklist', 'examples', '--fail-on', 'sometimes']);
      assert.equal(bad.code, 2);
      assert.equal(bad.stderr, "ml-preflight: checklist: --fail-on must be error, warning or never, got 'sometimes'\n");
      const counts = (fail: number, warn: number) => ({ counts: { pass: 1, warn, fail, unknown: 0, na: 0 } }) as unknown as Parameters<typeof checklistExitCode>[0];
      assert.equal(checklistExitCode(counts(0, 2), 'error'), 0);
      assert.equal(checklistExitCode(counts(0, 2), 'warning'), 1);
      assert.equal(checklistExitCode(counts(3, 0), 'never'), 0);
      assert.equal(checklistExitCode(counts(3, 0), 'error'), 1);
    });
    it('help texts agree: .mlpreflight/skew.json is the pair configuration, and skew/drift are analysed live', async () => {
      for (const command of ['checklist', 'review']) {
        const text = (await cli([command, '--help'])).stdout.replace(/\s+/g, ' ');
        assert.doesNotMatch(text, /saved[^.]*skew\.json/, `${command} --help calls skew.json a saved result`);
        assert.match(text, /skew\.json (is that pair configuration|configures the pairs)/, command);
        assert.match(text, /(skew is analysed live|analyses skew live)/i, command);
      }
    });
  });

  describe('as a process', function () {
    this.timeout(30_000);
    const run = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src', 'cli', 'main.ts'), ...args], { cwd: ROOT, encoding: 'utf8' });

    it('exits 0 with JSON on stdout', () => {
      const r = run(['inspect', '--json', path.join(dir, 'conv_gemm.onnx')]);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(JSON.parse(r.stdout).nodeCount, 5);
    });

    it('exits 2 with one stderr line for an invalid model', () => {
      const r = run(['inspect', path.join(dir, 'zip_renamed.onnx')]);
      assert.equal(r.status, 2);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^ml-preflight: .*zip_renamed\.onnx: not-onnx: .+\n$/);
    });
  });
});
