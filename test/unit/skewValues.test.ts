/** Value resolution and semantic equivalences of the skew analysis, on small in-memory sources. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzePairs } from '../../src/core/skew/analyze';
import { interpolationName } from '../../src/core/skew/extract';
import { closeLists } from '../../src/core/skew/values';

describe('skew: values and semantics', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-skew-v-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Findings (kind: serving value vs training value) for two sources; `files` adds more files to the folder. */
  async function diff(train: string, serve: string, files: Record<string, string> = {}): Promise<string[]> {
    for (const [k, v] of Object.entries(files)) fs.writeFileSync(path.join(dir, k), v);
    const overlay = new Map([[path.join(dir, 'train.py'), train], [path.join(dir, 'serve.py'), serve]]);
    const r = await analyzePairs([{ training: [path.join(dir, 'train.py')], serving: [path.join(dir, 'serve.py')], source: 'explicit' }], { root: dir, checkModel: false, overlay: (f) => overlay.get(f) });
    // Errors and warnings only: info-level "could not verify" notes are checked in skewPolicy.test.ts.
    return r.pairs[0].findings.filter((f) => f.severity !== 'info').map((f) => `${f.kind}: ${f.servingValue} vs ${f.trainingValue}`);
  }
  const TV = 'from torchvision import transforms as T\n';

  it('follows module constants, tuples and subscripts', async () => {
    assert.deepEqual(await diff(`${TV}SIZE = (96, 128)\ntf = T.Resize(SIZE)\n`, `${TV}tf = T.Resize((96, 128))\n`), []);
    assert.deepEqual(await diff(`${TV}SIZE = (96, 128)\ntf = T.Resize((SIZE[1], SIZE[0]))\n`, `${TV}tf = T.Resize((96, 128))\n`), ['resize-size: 96×128 (H×W) vs 128×96 (H×W)']);
  });

  it('follows `import config` attribute access and relative imports', async () => {
    fs.mkdirSync(path.join(dir, 'pkg'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'pkg', '__init__.py'), '');
    fs.writeFileSync(path.join(dir, 'pkg', 'consts.py'), 'STD = [0.229, 0.224, 0.225]\n');
    assert.deepEqual(await diff(`${TV}import pkg.consts as C\ntf = T.Normalize([0.485, 0.456, 0.406], C.STD)\n`, `${TV}tf = T.Normalize([0.485, 0.456, 0.406], [0.5, 0.5, 0.5])\n`), ['normalize-std: [0.5, 0.5, 0.5] vs [0.229, 0.224, 0.225]']);
  });

  it('follows YAML configs opened with pathlib and OmegaConf-style attribute access', async () => {
    fs.writeFileSync(path.join(dir, 'cfg.yaml'), 'data:\n  max_length: 384\n');
    const train = 'import yaml\nfrom pathlib import Path\nfrom transformers import AutoTokenizer\ncfg = yaml.safe_load(Path("cfg.yaml").read_text())\ntok = AutoTokenizer.from_pretrained("bert-base-cased")\nx = tok(["a"], truncation=True, max_length=cfg["data"]["max_length"])\n';
    const serve = 'from transformers import AutoTokenizer\ntok = AutoTokenizer.from_pretrained("bert-base-cased")\ndef f(t):\n    return tok(t, truncation=True, max_length=512)\n';
    assert.deepEqual(await diff(train, serve), ['max-length: 512 vs 384']);
  });

  it('uses call-site literals for parameters only when every call site agrees', async () => {
    const train = 'import cv2\ndef rs(img, size):\n    return cv2.resize(img, (size, size))\nrs(a, 64)\nrs(b, 64)\n';
    const serve = 'import cv2\ndef g(img):\n    return cv2.resize(img, (64, 48))\n';
    assert.deepEqual(await diff(train, serve), ['resize-size: 48×64 (H×W) vs 64×64 (H×W)']);
    const disagree = 'import cv2\ndef rs(img, size):\n    return cv2.resize(img, (size, size))\nrs(a, 64)\nrs(b, 32)\n';
    assert.deepEqual(await diff(disagree, serve), []);
  });

  it('treats cv2 + cvtColor(BGR2RGB) as PIL RGB, and a channel flip as a conversion', async () => {
    const pil = 'from PIL import Image\nimg = Image.open(p).convert("RGB")\nimport numpy as np\nx = np.asarray(img) / 255.0\n';
    assert.deepEqual(await diff(pil, 'import cv2\nimg = cv2.cvtColor(cv2.imread(p), cv2.COLOR_BGR2RGB)\nx = img / 255.0\n'), []);
    assert.deepEqual(await diff(pil, 'import cv2\nimg = cv2.imread(p)[..., ::-1]\nx = img / 255.0\n'), []);
    assert.deepEqual((await diff(pil, 'import cv2\nimg = cv2.imread(p)\nx = img / 255.0\n')).map((s) => s.split(':')[0]), ['color-order']);
  });

  it('equates mean/std in 0–255 units with /255 and [0, 1] statistics, and scalar with per-channel values', async () => {
    const train = `${TV}tf = T.Compose([T.ToTensor(), T.Normalize([0.5, 0.5, 0.5], [0.5, 0.5, 0.5])])\n`;
    assert.deepEqual(await diff(train, 'def f(x):\n    return (x - 127.5) / [127.5, 127.5, 127.5]\n'), []);
    assert.deepEqual(await diff(train, 'def f(x):\n    return x / 127.5 - 1\n'), []);
    assert.deepEqual(await diff(train, 'def f(x):\n    return (x / 255.0 - 0.5) / 0.5\n'), []);
    assert.ok(closeLists([0.5], [0.5, 0.5, 0.5]));
  });

  it('compares interpolation across libraries by name', () => {
    assert.equal(interpolationName({ k: 'ref', name: 'cv2.INTER_LINEAR' }, 'cv2'), 'bilinear');
    assert.equal(interpolationName({ k: 'ref', name: 'InterpolationMode.BILINEAR' }, 'pil'), 'bilinear');
    assert.equal(interpolationName({ k: 'num', v: 0 }, 'cv2'), 'nearest');
    assert.equal(interpolationName({ k: 'num', v: 3 }, 'pil'), 'bicubic');
    assert.equal(interpolationName({ k: 'str', v: 'nearest' }, 'none'), 'nearest');
  });

  it('ignores training-only random augmentation but reports it at serving', async () => {
    const train = `${TV}train_tf = T.Compose([T.RandomHorizontalFlip(), T.ToTensor()])\nval_tf = T.Compose([T.ToTensor()])\n`;
    assert.deepEqual(await diff(train, `${TV}tf = T.Compose([T.ToTensor()])\n`), []);
    assert.deepEqual(await diff(train, `${TV}tf = T.Compose([T.ColorJitter(0.2), T.ToTensor()])\n`), ['random-augmentation: ColorJitter vs null']);
  });

  it('prefers the evaluation pipeline of the training side', async () => {
    const train = `${TV}train_tf = T.Compose([T.Resize((256, 256))])\nval_tf = T.Compose([T.Resize((224, 224))])\n`;
    assert.deepEqual(await diff(train, `${TV}tf = T.Resize((224, 224))\n`), []);
    assert.deepEqual(await diff(train, `${TV}tf = T.Resize((256, 256))\n`), ['resize-size: 256×256 (H×W) vs 224×224 (H×W)']);
  });

  it('counts the project helpers a side imports for that side, never the other side\'s files', async () => {
    fs.mkdirSync(path.join(dir, 'common'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'common', '__init__.py'), '');
    fs.writeFileSync(path.join(dir, 'common', 'images.py'), 'import cv2\nimport numpy as np\ndef prep(p):\n    img = cv2.cvtColor(cv2.imread(p), cv2.COLOR_BGR2RGB)\n    return ((img / 255.0 - np.array([0.485, 0.456, 0.406])) / np.array([0.5, 0.5, 0.5])).transpose(2, 0, 1)\n');
    const train = `${TV}tf = T.Compose([T.ToTensor(), T.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])\n`;
    const overlay = new Map([[path.join(dir, 'train.py'), train], [path.join(dir, 'serve.py'), 'from common.images import prep\nfrom train import tf\n']]);
    const r = await analyzePairs([{ training: [path.join(dir, 'train.py')], serving: [path.join(dir, 'serve.py')], source: 'explicit' }], { root: dir, checkModel: false, overlay: (f) => overlay.get(f) });
    const f = r.pairs[0].findings;
    assert.deepEqual(f.map((x) => [x.kind, path.relative(dir, x.serving!.file), x.serving!.line]), [['normalize-std', path.join('common', 'images.py'), 5]]);
  });

  it('writes quick fixes in the serving library\'s own conventions', async () => {
    const fixes = async (train: string, serve: string): Promise<string[]> => {
      const overlay = new Map([[path.join(dir, 'train.py'), train], [path.join(dir, 'serve.py'), serve]]);
      const r = await analyzePairs([{ training: [path.join(dir, 'train.py')], serving: [path.join(dir, 'serve.py')], source: 'explicit' }], { root: dir, checkModel: false, overlay: (f) => overlay.get(f) });
      return r.pairs[0].findings.map((f) => `${f.kind}: ${f.fix?.newText ?? '(no fix)'}`);
    };
    const train = `${TV}tf = T.Compose([T.Resize((224, 160), interpolation=T.InterpolationMode.BICUBIC), T.ToTensor(), T.Normalize((0.485, 0.456, 0.406), (0.229, 0.224, 0.225))])\n`;
    // cv2 takes (W, H): the training (H, W) = (224, 160) is written (160, 224); the constant stays an OpenCV one.
    assert.deepEqual(await fixes(train, 'import cv2\ndef f(img):\n    img = cv2.cvtColor(img, cv2.COLOR_BGR2RGB)\n    return cv2.resize(img, (224, 224), interpolation=cv2.INTER_AREA) / 255.0\n'), ['resize-size: (160, 224)', 'resize-interpolation: cv2.INTER_CUBIC', 'normalize-mean: (no fix)', 'normalize-std: (no fix)']);
    // PIL constants keep their spelling; list literals stay lists.
    assert.deepEqual(await fixes(train, 'from PIL import Image\nimport numpy as np\ndef f(p):\n    img = Image.open(p).convert("RGB").resize((160, 224), Image.Resampling.NEAREST)\n    return ((np.asarray(img) / 255.0 - [0.485, 0.456, 0.406]) / [0.5, 0.5, 0.5]).transpose(2, 0, 1)\n'), ['resize-interpolation: Image.Resampling.BICUBIC', 'normalize-std: [0.229, 0.224, 0.225]']);
  });

  it('flags pd.get_dummies at serving and sklearn fitting on the request', async () => {
    const train = 'import pandas as pd\nFEATURES = ["a", "b"]\ndef f(df):\n    return df[FEATURES]\n';
    assert.deepEqual((await diff(train, 'import pandas as pd\ndef f(df):\n    return pd.get_dummies(df)\n')).map((s) => s.split(':')[0]), ['categories']);
  });
});
