/** Each side against the paired ONNX model: input shape/layout/dtype and `preprocessing.*` metadata. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzePairs } from '../../src/core/skew/analyze';
import { inspectModel } from '../../src/core/onnx/inspect';
import { modelFacts } from '../../src/core/skew/modelCheck';

const MODEL = path.resolve(__dirname, '..', '..', 'examples', 'models', 'classifier.onnx');

describe('skew: model checks', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-skew-m-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function run(train: string, serve: string): Promise<string[]> {
    fs.writeFileSync(path.join(dir, 'train.py'), train);
    fs.writeFileSync(path.join(dir, 'serve.py'), serve);
    const r = await analyzePairs([{ training: [path.join(dir, 'train.py')], serving: [path.join(dir, 'serve.py')], model: MODEL, source: 'explicit' }], { root: dir });
    return r.pairs[0].findings.map((f) => `${f.kind} ${f.training ? 'T' : '-'}${f.serving ? 'S' : '-'}`).sort();
  }

  it('reads the example model\'s input and preprocessing metadata', async () => {
    const facts = modelFacts(await inspectModel(MODEL));
    const byKey = Object.fromEntries(facts.map((f) => [f.key + (f.source.startsWith('input') ? '@input' : ''), f.value]));
    assert.deepEqual(byKey['image.layout@input'], { k: 'str', v: 'CHW' });
    assert.deepEqual(byKey['image.color'], { k: 'str', v: 'RGB' });
    assert.deepEqual(byKey['image.interpolation'], { k: 'str', v: 'bilinear' });
    assert.equal((byKey['image.scale'] as { v: number }).v, 1 / 255);
    assert.equal(facts.filter((f) => f.key === 'image.final_size').length, 1);
  });

  it('agreeing sides that both disagree with the model get one finding each', async () => {
    const tv = 'from torchvision import transforms as T\ntf = T.Compose([T.Resize((64, 64)), T.ToTensor(), T.Normalize([0.485, 0.456, 0.406], [0.5, 0.5, 0.5])])\n';
    assert.deepEqual(await run(tv, tv), ['model-normalize-std -S', 'model-normalize-std T-']);
  });

  it('checks the final size against the input shape and the layout against NCHW', async () => {
    const train = 'from torchvision import transforms as T\ntf = T.Compose([T.Resize((64, 64)), T.ToTensor(), T.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])\n';
    const serve = 'import tensorflow as tf\nMEAN = [0.485, 0.456, 0.406]\nSTD = [0.229, 0.224, 0.225]\ndef f(b):\n    img = tf.io.decode_jpeg(b)\n    img = tf.image.resize(img, [64, 64])\n    return (img / 255.0 - MEAN) / STD\n';
    // tf.image keeps HWC: a layout difference between the sides (the model, NCHW, agrees with training).
    assert.deepEqual(await run(train, serve), ['layout TS']);
    // Both sides HWC: each side disagrees with the model's NCHW input.
    assert.deepEqual(await run(serve, serve), ['model-layout -S', 'model-layout T-']);
    const small = 'import cv2\ndef f(p):\n    img = cv2.cvtColor(cv2.imread(p), cv2.COLOR_BGR2RGB)\n    return cv2.resize(img, (32, 32)) / 255.0\n';
    const k2 = await run(train, small);
    assert.ok(k2.includes('resize-size TS'), k2.join(', '));
    assert.ok(!k2.some((k) => k.startsWith('model-resize-size')), 'already reported between the sides');
  });

  it('a model that cannot be read is a note, not a failure', async () => {
    const bad = path.join(dir, 'bad.onnx');
    fs.writeFileSync(bad, 'not a model');
    fs.writeFileSync(path.join(dir, 'a.py'), 'x = 1\n');
    const r = await analyzePairs([{ training: [path.join(dir, 'a.py')], serving: [path.join(dir, 'a.py')], model: bad, source: 'explicit' }]);
    assert.deepEqual(r.notes.map((n) => n.reason), ['model-unreadable']);
  });
});
