/** Pairing of training and serving files: heuristics, `.mlpreflight/skew.json`, settings, models. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { classify, discoverPairs, expand, parsePairConfig, SkewConfigError } from '../../src/core/skew/pairing';

describe('skew: pairing', () => {
  let dir: string;
  const write = (rel: string, text = ''): string => {
    const f = path.join(dir, rel);
    fs.mkdirSync(path.dirname(f), { recursive: true });
    fs.writeFileSync(f, text);
    return f;
  };
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-skew-p-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('classifies by the innermost telling folder, then by file name', () => {
    assert.equal(classify('train.py'), 'training');
    assert.equal(classify('src/dataset_utils.py'), 'training');
    assert.equal(classify('features.py'), 'training');
    assert.equal(classify('serve.py'), 'serving');
    assert.equal(classify('inference_handler.py'), 'serving');
    assert.equal(classify('predict.py'), 'serving');
    assert.equal(classify('services/churn/training/util.py'), 'training');
    assert.equal(classify('training/../serving/x.py'.replace('training/../', '')), 'serving');
    assert.equal(classify('model_repository/resnet/1/model.py'), 'serving');
    assert.equal(classify('tests/test_train.py'), undefined);
    assert.equal(classify('utils.py'), undefined);
    assert.equal(classify('main.py', 'from fastapi import FastAPI\napp = FastAPI()\n'), 'serving');
    assert.equal(classify('handler_impl.py', 'from ts.torch_handler.base_handler import BaseHandler\n'), 'serving');
  });

  it('pairs each serving folder with the nearest training files and finds a lone model nearby', () => {
    write('a/train.py');
    write('a/dataset.py');
    write('a/serve.py');
    write('a/model.onnx', 'x');
    write('b/training/fit.py');
    write('b/api/app.py');
    write('c/serve.py');
    const { pairs } = discoverPairs(dir);
    const rel = (fs2: string[]): string[] => fs2.map((f) => path.relative(dir, f));
    const byServing = new Map(pairs.map((p) => [rel(p.serving).join(','), p]));
    assert.deepEqual(rel(byServing.get('a/serve.py')!.training), ['a/dataset.py', 'a/train.py']);
    assert.equal(byServing.get('a/serve.py')!.model, path.join(dir, 'a', 'model.onnx'));
    assert.deepEqual(rel(byServing.get('b/api/app.py')!.training), ['b/training/fit.py']);
    assert.ok(pairs.every((p) => p.source === 'heuristic'));
    // c/serve.py shares only the root with training code of two different projects: not paired.
    assert.equal(byServing.get('c/serve.py'), undefined);
    assert.equal(pairs.length, 2);
  });

  it('uses .mlpreflight/skew.json (globs, model) over the heuristics', () => {
    write('x/prep_a.py');
    write('x/prep_b.py');
    write('y/endpoint.py');
    write('.mlpreflight/skew.json', JSON.stringify({ pairs: [{ training: ['x/*.py'], serving: 'y/endpoint.py', model: 'm.onnx' }] }));
    const { pairs } = discoverPairs(dir);
    assert.equal(pairs.length, 1);
    assert.deepEqual(pairs[0].training.map((f) => path.relative(dir, f)), ['x/prep_a.py', 'x/prep_b.py']);
    assert.deepEqual(pairs[0].serving.map((f) => path.relative(dir, f)), ['y/endpoint.py']);
    assert.equal(pairs[0].model, path.join(dir, 'm.onnx'));
    assert.equal(pairs[0].source, 'config');
  });

  it('uses the settings pairs when there is no config file', () => {
    write('p.py');
    write('q.py');
    const { pairs } = discoverPairs(dir, { settingsPairs: [{ training: ['p.py'], serving: ['q.py'] }] });
    assert.deepEqual(pairs.map((p) => [p.source, p.training.length, p.serving.length]), [['settings', 1, 1]]);
  });

  it('rejects an invalid config with the file and the problem', () => {
    write('.mlpreflight/skew.json', '{ "pairs": [{ "training": [] }] }');
    assert.throws(() => discoverPairs(dir), (ex: unknown) => SkewConfigError.is(ex) && /skew\.json: pairs\[0\]\.training must be a non-empty list/.test(ex.message));
    write('.mlpreflight/skew.json', '{ not json');
    assert.throws(() => discoverPairs(dir), /skew\.json: invalid JSON/);
    assert.throws(() => parsePairConfig(42, 'setting'), /setting: expected/);
  });

  it('expands globs with ** and ?', () => {
    const files = [write('a/b/c.py'), write('a/d.py'), write('e.py')];
    assert.deepEqual(expand(dir, 'a/**/*.py', files).map((f) => path.relative(dir, f)), ['a/b/c.py', 'a/d.py']);
    assert.deepEqual(expand(dir, '?.py', files).map((f) => path.relative(dir, f)), ['e.py']);
  });
});
