/** The example workspace (examples/README.md, "Training/serving skew"): the deliberate findings and nothing else. */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { analyzeWorkspace } from '../../src/core/skew/analyze';
import type { SkewFinding } from '../../src/shared/skew';

const EXAMPLES = path.resolve(__dirname, '..', '..', 'examples');

describe('skew: examples/ workspace', () => {
  let findings: SkewFinding[];
  let report: Awaited<ReturnType<typeof analyzeWorkspace>>;
  before(async () => {
    report = await analyzeWorkspace(EXAMPLES);
    findings = report.pairs.flatMap((p) => p.findings);
  });

  it('pairs training/*.py with serving/app.py and finds the model', () => {
    assert.equal(report.pairs.length, 1);
    const { pair } = report.pairs[0];
    assert.deepEqual(pair.training.map((f) => path.relative(EXAMPLES, f)), ['training/preprocess.py', 'training/train.py']);
    assert.deepEqual(pair.serving.map((f) => path.relative(EXAMPLES, f)), ['serving/app.py']);
    assert.equal(pair.model, path.join(EXAMPLES, 'models', 'classifier.onnx'));
    assert.deepEqual(report.notes, []);
  });

  it('finds exactly the deliberate skew', () => {
    const got = findings.map((f) => `${f.kind} ${f.serving ? `app.py:${f.serving.line}` : '-'} ${f.training ? `${path.basename(f.training.file)}:${f.training.line}` : '-'}`).sort();
    assert.deepEqual(got, [
      'color-order app.py:31 preprocess.py:43',
      'feature-order app.py:57 preprocess.py:56',
      'fill-value app.py:72 preprocess.py:74',
      'fill-value app.py:72 preprocess.py:75',
      'fill-value app.py:72 preprocess.py:76',
      'normalize-std app.py:22 preprocess.py:35',
      'reference-date app.py:96 preprocess.py:98',
      'resize-interpolation app.py:34 preprocess.py:33',
    ]);
  });

  it('names both values in each message and offers literal quick fixes', () => {
    const std = findings.find((f) => f.kind === 'normalize-std')!;
    assert.match(std.message, /\[0\.5, 0\.5, 0\.5\].*\[0\.229, 0\.224, 0\.225\]/);
    assert.deepEqual(std.fix && { line: std.fix.line, column: std.fix.column, newText: std.fix.newText }, { line: 22, column: 16, newText: '[0.229, 0.224, 0.225]' });
    const interp = findings.find((f) => f.kind === 'resize-interpolation')!;
    assert.equal(interp.fix?.newText, 'cv2.INTER_LINEAR');
    const color = findings.find((f) => f.kind === 'color-order')!;
    assert.match(color.message, /BGR.*RGB/);
    assert.equal(color.fix, undefined);
    const age = findings.find((f) => f.kind === 'fill-value' && f.message.includes("'age'"))!;
    assert.equal(age.fix?.newText, '38.0');
    assert.equal(findings.find((f) => f.kind === 'reference-date')!.severity, 'info');
  });
});
