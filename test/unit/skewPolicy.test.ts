/**
 * The precision policy of the skew analysis (docs/skew.md): errors only on resolved values, "no counterpart" only
 * when the other side is closed, in-model preprocessing, library constants and defaults as data, suppression,
 * and the misses of issue 10 (PCM scaling, reshape layout, time windows, computed fills, text cleaning,
 * padding side).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzePairs } from '../../src/core/skew/analyze';
import type { SkewFinding } from '../../src/shared/skew';
import { applySuppressions, ignoredOnLine } from '../../src/core/skew/suppress';
import { parseDuration } from '../../src/core/skew/extractCommon';
import { checkpointLowercases } from '../../src/core/skew/library';
import { toSarif } from '../../src/core/review/sarif';
import { skewFactsFromReport } from '../../src/core/checklist/liveSkew';

describe('skew: precision policy', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-skew-p-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function run(train: string, serve: string, files: Record<string, string> = {}): Promise<SkewFinding[]> {
    for (const [k, v] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, k)), { recursive: true });
      fs.writeFileSync(path.join(dir, k), v);
    }
    const overlay = new Map([[path.join(dir, 'train.py'), train], [path.join(dir, 'serve.py'), serve]]);
    const r = await analyzePairs([{ training: [path.join(dir, 'train.py')], serving: [path.join(dir, 'serve.py')], source: 'explicit' }], { root: dir, checkModel: false, overlay: (f) => overlay.get(f) });
    return r.pairs[0].findings;
  }
  const loud = (fs: SkewFinding[]): string[] => fs.filter((f) => f.severity !== 'info').map((f) => f.kind).sort();

  const TRAIN_TV = 'from PIL import Image\nfrom torchvision import transforms as T\ntf = T.Compose([T.Resize((224, 224)), T.ToTensor(), T.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])\ndef load(p):\n    return tf(Image.open(p).convert("RGB"))\n';

  it('reports a missing normalization as an error when the serving pipeline is closed', async () => {
    const serve = 'import numpy as np\nfrom PIL import Image\ndef pre(p):\n    img = Image.open(p).convert("RGB").resize((224, 224), Image.BILINEAR)\n    return (np.asarray(img, dtype=np.float32) / 255.0).transpose(2, 0, 1)\n';
    const f = await run(TRAIN_TV, serve);
    assert.deepEqual(loud(f), ['normalize-mean', 'normalize-std']);
    const std = f.find((x) => x.kind === 'normalize-std')!;
    assert.equal(std.confidence, 'high');
    assert.ok(std.evidence.some((e) => e.side === 'training' && e.line === 3), JSON.stringify(std.evidence));
  });

  it('gives an info "could not verify" instead of an error when serving calls a helper it cannot read', async () => {
    const serve = 'import numpy as np\nfrom PIL import Image\nfrom vision_kit import prepare_image\ndef pre(p):\n    img = Image.open(p).convert("RGB").resize((224, 224), Image.BILINEAR)\n    return prepare_image(np.asarray(img, dtype=np.float32) / 255.0)\n';
    const f = await run(TRAIN_TV, serve);
    assert.deepEqual(loud(f), []);
    const info = f.filter((x) => x.kind === 'unverified');
    assert.ok(info.length >= 1 && info.every((x) => x.severity === 'info' && x.confidence === 'low'));
    assert.match(info[0].message, /prepare_image\(\) from vision_kit/);
  });

  it('gives an info when serving code names the step in a way the analysis does not model', async () => {
    const serve = 'import numpy as np\nfrom PIL import Image\nCFG = load_cfg()\ndef pre(p):\n    img = Image.open(p).convert("RGB").resize((224, 224), Image.BILINEAR)\n    x = np.asarray(img, dtype=np.float32) / 255.0\n    return np.subtract(x, CFG.mean_rgb).transpose(2, 0, 1)\n';
    const f = await run(TRAIN_TV, serve);
    assert.deepEqual(loud(f), []);
    assert.ok(f.some((x) => x.kind === 'unverified' && /serve\.py:7/.test(x.message)), JSON.stringify(f.map((x) => x.message)));
  });

  it('counts a Keras Rescaling layer inside the model as done at serving, and flags it done twice', async () => {
    const train = 'from tensorflow import keras\nmodel = keras.Sequential([keras.layers.Rescaling(1.0 / 255), keras.layers.Conv2D(8, 3), keras.layers.Dense(2)])\nimg = keras.utils.load_img("a.jpg", target_size=(224, 224))\n';
    const serveOk = 'import numpy as np\nfrom PIL import Image\ndef pre(p):\n    img = Image.open(p).convert("RGB").resize((224, 224), Image.NEAREST)\n    return np.asarray(img, dtype=np.float32)[None]\n';
    assert.deepEqual(loud(await run(train, serveOk)), []);
    const serveTwice = 'import numpy as np\nfrom PIL import Image\ndef pre(p):\n    img = Image.open(p).convert("RGB").resize((224, 224), Image.NEAREST)\n    return (np.asarray(img, dtype=np.float32) / 255.0)[None]\n';
    assert.deepEqual(loud(await run(train, serveTwice)), ['double-step']);
  });

  it('counts (x - mean) / std in a torch module forward as in-model', async () => {
    const train = 'import torch\nfrom torchvision import transforms as T\ntf = T.Compose([T.Resize((224, 224)), T.ToTensor()])\nclass Net(torch.nn.Module):\n    def forward(self, x):\n        x = (x - torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)) / torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)\n        return self.body(x)\n';
    const serve = 'import numpy as np\nfrom PIL import Image\ndef pre(p):\n    img = Image.open(p).convert("RGB").resize((224, 224), Image.BILINEAR)\n    return (np.asarray(img, dtype=np.float32) / 255.0).transpose(2, 0, 1)[None]\n';
    assert.deepEqual(loud(await run(train, serve)), []);
  });

  it('compares pixel arithmetic as one composed affine map', async () => {
    const train = 'from PIL import Image\nfrom torchvision import transforms as T\ntf = T.Compose([T.Resize((224, 224)), T.ToTensor(), T.Normalize([0.5, 0.5, 0.5], [0.5, 0.5, 0.5])])\ndef load(p):\n    return tf(Image.open(p).convert("RGB"))\n';
    const serve = (expr: string): string => `import numpy as np\nfrom PIL import Image\ndef pre(p):\n    img = Image.open(p).convert("RGB").resize((224, 224), Image.BILINEAR)\n    x = np.asarray(img, dtype=np.float32)\n    return (${expr}).transpose(2, 0, 1)\n`;
    for (const expr of ['x / 255.0 * 2 - 1', '(x - 127.5) / 127.5', 'x / 127.5 - 1.0', '(x / 255.0 - 0.5) / 0.5', '2 * (x / 255.0) - 1']) {
      assert.deepEqual(loud(await run(train, serve(expr))), [], expr);
    }
    assert.deepEqual(loud(await run(train, serve('x / 255.0'))), ['normalize-mean', 'normalize-std']);
    assert.deepEqual(loud(await run(train, serve('(x - 127.5) / 128.0'))).length > 0, true);
    const alb = 'import albumentations as A\nimport cv2\nfrom albumentations.pytorch import ToTensorV2\ntf = A.Compose([A.Resize(224, 224), A.Normalize(mean=(127.5, 127.5, 127.5), std=(127.5, 127.5, 127.5), max_pixel_value=1.0), ToTensorV2()])\ndef load(p):\n    return tf(image=cv2.cvtColor(cv2.imread(p), cv2.COLOR_BGR2RGB))["image"]\n';
    assert.deepEqual(loud(await run(alb, serve('x / 127.5 - 1.0'))).filter((k) => k !== 'resize-interpolation'), []);
  });

  it('resolves timm constants from the library table', async () => {
    const train = 'from PIL import Image\nfrom timm.data import IMAGENET_DEFAULT_MEAN, IMAGENET_DEFAULT_STD\nfrom torchvision import transforms as T\ntf = T.Compose([T.Resize((224, 224)), T.ToTensor(), T.Normalize(IMAGENET_DEFAULT_MEAN, IMAGENET_DEFAULT_STD)])\ndef load(p):\n    return tf(Image.open(p).convert("RGB"))\n';
    const same = 'import numpy as np\nfrom PIL import Image\nM = np.array([0.485, 0.456, 0.406])\nS = np.array([0.229, 0.224, 0.225])\ndef pre(p):\n    img = Image.open(p).convert("RGB").resize((224, 224), Image.BILINEAR)\n    return ((np.asarray(img, dtype=np.float32) / 255.0 - M) / S).transpose(2, 0, 1)\n';
    assert.deepEqual(loud(await run(train, same)), []);
    const other = same.replace('0.229, 0.224, 0.225', '0.5, 0.5, 0.5');
    assert.deepEqual(loud(await run(train, other)), ['normalize-std']);
  });

  it('treats a default as unknown when the call passes **kwargs', async () => {
    const train = 'from transformers import AutoTokenizer\ntok = AutoTokenizer.from_pretrained("bert-base-cased")\nKW = load()\ndef enc(t):\n    return tok(t, truncation=True, **KW)\n';
    const serve = 'from transformers import AutoTokenizer\ntok = AutoTokenizer.from_pretrained("bert-base-cased")\ndef enc(t):\n    return tok(t, truncation=True, max_length=128)\n';
    assert.deepEqual(loud(await run(train, serve)), []);
  });

  it('knows lower-casing by checkpoint family and by the sklearn vectorizer default', async () => {
    assert.equal(checkpointLowercases('bert-base-uncased'), true);
    assert.equal(checkpointLowercases('roberta-base'), false);
    assert.equal(checkpointLowercases('./artifacts/tokenizer'), undefined);
    const train = 'from transformers import AutoTokenizer\ntok = AutoTokenizer.from_pretrained("bert-base-uncased")\ndef enc(t):\n    return tok(t, truncation=True, max_length=64)\n';
    const serveLocal = 'from transformers import AutoTokenizer\ntok = AutoTokenizer.from_pretrained("/opt/model/tokenizer")\ndef enc(t):\n    return tok(t, truncation=True, max_length=64)\n';
    const f = await run(train, serveLocal);
    assert.ok(!f.some((x) => x.kind === 'lowercase' && x.severity !== 'info'), JSON.stringify(f));
    const vecTrain = 'from sklearn.feature_extraction.text import TfidfVectorizer\nvec = TfidfVectorizer(ngram_range=(1, 2))\ndef prep(t):\n    return t.lower().strip()\n';
    const vecServe = 'import joblib\npipe = joblib.load("m.joblib")\ndef prep(t):\n    return t.strip()\n';
    assert.ok(!(await run(vecTrain, vecServe)).some((x) => x.kind === 'lowercase' && x.severity !== 'info'));
  });

  it('compares time windows in seconds across pandas idioms', async () => {
    assert.equal(parseDuration('7D'), 7 * 86400);
    assert.equal(parseDuration('168H'), 7 * 86400);
    assert.equal(parseDuration('30min'), 1800);
    const train = 'import pandas as pd\ndef feats(df):\n    return df.set_index("ts")["amount"].rolling("7D").sum()\n';
    const same = 'from datetime import timedelta\ndef feats(rows, now):\n    start = now - timedelta(days=7)\n    return sum(r.amount for r in rows if r.ts >= start)\n';
    assert.deepEqual(loud(await run(train, same)), []);
    const other = same.replace('days=7', 'days=30');
    assert.deepEqual(loud(await run(train, other)), ['window']);
  });

  it('reports integer PCM that is not scaled to [-1, 1] at serving', async () => {
    const train = 'import librosa\ndef load(p):\n    y, sr = librosa.load(p, sr=16000)\n    return librosa.feature.melspectrogram(y=y, sr=sr, n_mels=64)\n';
    const serve = 'import numpy as np\nimport librosa\ndef load(raw):\n    y = np.frombuffer(raw, dtype=np.int16).astype(np.float32)\n    return librosa.feature.melspectrogram(y=y, sr=16000, n_mels=64)\n';
    assert.deepEqual(loud(await run(train, serve)), ['pcm-scaling']);
    const scaled = serve.replace('.astype(np.float32)', '.astype(np.float32) / 32768.0');
    assert.deepEqual(loud(await run(train, scaled)), []);
  });

  it('reports NCHW made by reshape instead of transpose', async () => {
    const serve = 'import numpy as np\nfrom PIL import Image\nM = np.array([0.485, 0.456, 0.406])\nS = np.array([0.229, 0.224, 0.225])\ndef pre(p):\n    img = Image.open(p).convert("RGB").resize((224, 224), Image.BILINEAR)\n    x = (np.asarray(img, dtype=np.float32) / 255.0 - M) / S\n    return x.reshape(1, 3, 224, 224)\n';
    assert.deepEqual(loud(await run(TRAIN_TV, serve)), ['layout']);
    assert.deepEqual(loud(await run(TRAIN_TV, serve.replace('x.reshape(1, 3, 224, 224)', 'x.transpose(2, 0, 1).reshape(1, 3, 224, 224)'))), []);
  });

  it('reports a fill computed from the training data against a literal at serving as a warning', async () => {
    const train = 'import json\nimport pandas as pd\ndef prep(df):\n    medians = df[["age", "income"]].median()\n    json.dump(medians.to_dict(), open("fill.json", "w"))\n    return df.fillna(medians)\n';
    const serve = 'import pandas as pd\ndef prep(df):\n    return df.fillna(0)\n';
    const f = (await run(train, serve)).filter((x) => x.severity !== 'info');
    assert.deepEqual(f.map((x) => [x.kind, x.severity, x.confidence]), [['fill-value', 'warning', 'medium']]);
  });

  it('reports a custom text-cleaning function applied at training only', async () => {
    const train = 'import re\nfrom transformers import AutoTokenizer\ntok = AutoTokenizer.from_pretrained("roberta-base")\ndef clean_text(s):\n    return re.sub(r"<[^>]+>", " ", s)\ndef enc(t):\n    return tok(clean_text(t), truncation=True, max_length=128)\n';
    const serve = 'from transformers import AutoTokenizer\ntok = AutoTokenizer.from_pretrained("roberta-base")\ndef enc(t):\n    return tok(t, truncation=True, max_length=128)\n';
    assert.deepEqual(loud(await run(train, serve)), ['text-cleaning']);
  });

  it('compares padding_side against the checkpoint family default', async () => {
    const train = 'from transformers import AutoTokenizer\ntok = AutoTokenizer.from_pretrained("distilbert-base-uncased", padding_side="left")\ndef enc(t):\n    return tok(t, truncation=True, max_length=64)\n';
    const serve = 'from transformers import AutoTokenizer\ntok = AutoTokenizer.from_pretrained("distilbert-base-uncased")\ndef enc(t):\n    return tok(t, truncation=True, max_length=64)\n';
    assert.deepEqual(loud(await run(train, serve)), ['padding-side']);
  });

  it('reads HF image processors built in code, with ViTImageProcessor defaults from the table', async () => {
    const train = 'from transformers import ViTImageProcessor\nfrom transformers.image_utils import IMAGENET_STANDARD_MEAN, IMAGENET_STANDARD_STD, PILImageResampling\nproc = ViTImageProcessor(size={"height": 224, "width": 224}, resample=PILImageResampling.BICUBIC, image_mean=IMAGENET_STANDARD_MEAN, image_std=IMAGENET_STANDARD_STD)\n';
    const serve = 'import numpy as np\nfrom PIL import Image\ndef pre(img):\n    img = img.convert("RGB").resize((224, 224), resample=Image.Resampling.BICUBIC)\n    x = np.asarray(img, dtype=np.float32) / 255.0\n    return np.transpose((x - 0.5) / 0.5, (2, 0, 1))\n';
    assert.deepEqual(loud(await run(train, serve)), []);
    assert.deepEqual(loud(await run(train, serve.replace('BICUBIC', 'BILINEAR'))), ['resize-interpolation']);
  });

  it('compares the log of a spectrogram by base (10·log10 is dB)', async () => {
    const train = 'import librosa\nimport numpy as np\ndef feats(y):\n    S = librosa.feature.melspectrogram(y=y, sr=16000, n_mels=64)\n    return librosa.power_to_db(S)\n';
    const same = 'import librosa\nimport numpy as np\ndef feats(y):\n    S = librosa.feature.melspectrogram(y=y, sr=16000, n_mels=64)\n    return 10.0 * np.log10(np.maximum(S, 1e-10))\n';
    assert.deepEqual(loud(await run(train, same)), []);
    assert.deepEqual(loud(await run(train, same.replace('10.0 * np.log10', 'np.log'))), ['db-scaling']);
  });

  it('reads fills, code types, variance division and unknown-category defaults written on records', async () => {
    const train = 'import pandas as pd\nfrom sklearn.preprocessing import OneHotEncoder\nenc = OneHotEncoder(handle_unknown="ignore")\ndef prep(df):\n    df["rain_mm"] = df["rain_mm"].fillna(0.0)\n    df["zip"] = df["zip"].astype(str).str.zfill(5)\n    return df\n';
    const serve = 'import numpy as np\ndef row(o, stats, index):\n    rain = o.rain_mm if o.rain_mm is not None else np.nan\n    z = str(o.zip)\n    x = (o.age - stats["mean"]) / stats["var"]\n    pos = index.get(o.city, 0)\n    return [rain, z, x, pos]\n';
    const f = (await run(train, serve)).filter((x) => x.severity !== 'info');
    assert.deepEqual(f.map((x) => x.kind).sort(), ['code-type', 'fill-value', 'scaler-stats', 'unknown-category']);
    const fixed = serve.replace('else np.nan', 'else 0.0').replace('str(o.zip)', 'str(o.zip).zfill(5)').replace('stats["var"]', 'np.sqrt(stats["var"])').replace('index.get(o.city, 0)', 'index.get(o.city)');
    assert.deepEqual((await run(train, fixed)).filter((x) => x.severity !== 'info').map((x) => x.kind), []);
  });

  it('knows torchvision per-weights presets (partial(ImageClassification, …))', async () => {
    const train = 'from functools import partial\nfrom torchvision.transforms._presets import ImageClassification\nfrom PIL import Image\nTF = partial(ImageClassification, crop_size=224, resize_size=232)\n';
    const serve = 'from PIL import Image\nfrom torchvision import transforms as T\ntf = T.Compose([T.Resize(256), T.CenterCrop(224), T.ToTensor(), T.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])\ndef load(p):\n    return tf(Image.open(p).convert("RGB"))\n';
    assert.deepEqual(loud(await run(train, serve)), ['resize-size']);
    assert.deepEqual(loud(await run(train.replace('232', '256'), serve)), []);
  });

  it('suppresses by line comment and per pair, and reports suppressed findings in SARIF', async () => {
    assert.deepEqual(ignoredOnLine('x = 1  # ml-preflight: ignore[normalize-std, scale]'), ['normalize-std', 'scale']);
    assert.deepEqual(ignoredOnLine('x = 1  # ml-preflight: ignore'), ['*']);
    assert.equal(ignoredOnLine('x = 1'), undefined);
    const serve = 'import numpy as np\nfrom PIL import Image\nM = np.array([0.485, 0.456, 0.406])\nS = np.array([0.5, 0.5, 0.5])  # ml-preflight: ignore[normalize-std]\ndef pre(p):\n    img = Image.open(p).convert("RGB").resize((224, 224), Image.BILINEAR)\n    return ((np.asarray(img, dtype=np.float32) / 255.0 - M) / S).transpose(2, 0, 1)\n';
    const f = await run(TRAIN_TV, serve);
    const std = f.find((x) => x.kind === 'normalize-std')!;
    assert.equal(std.suppressed?.kind, 'inSource');
    const ext = applySuppressions([{ ...std, suppressed: undefined }], () => '', ['normalize-*', 'normalize-std']);
    assert.equal(ext[0].suppressed?.kind, 'external');

    const report = { pairs: [{ pair: { training: [path.join(dir, 'train.py')], serving: [path.join(dir, 'serve.py')], source: 'explicit' as const }, findings: f }], notes: [] };
    const facts = skewFactsFromReport(dir, report)!;
    const sarifFindings = facts.findings.map((x) => ({ ruleId: `skew/${x.id}`, level: x.severity, message: x.message, file: x.file, line: x.line, column: x.column, endLine: x.endLine, endColumn: x.endColumn, skew: x.sarif }));
    const sarif = toSarif({ root: dir, tool: { version: '0' }, generatedAt: new Date(0).toISOString(), findings: sarifFindings } as never) as { runs: Array<{ results: Array<Record<string, unknown>>; tool: { driver: { rules: Array<Record<string, unknown>> } } }> };
    const res = sarif.runs[0].results.find((r) => r.ruleId === 'skew/normalize-std')!;
    assert.deepEqual(res.suppressions, [{ kind: 'inSource', justification: '# ml-preflight: ignore[normalize-std]' }]);
    assert.ok(Array.isArray(res.relatedLocations) && (res.relatedLocations as unknown[]).length >= 1);
    const region = ((res.locations as Array<{ physicalLocation: { region: Record<string, number> } }>)[0]).physicalLocation.region;
    assert.ok(region.startColumn && region.endColumn && region.endLine, JSON.stringify(region));
    const rule = sarif.runs[0].tool.driver.rules.find((r) => r.id === 'skew/normalize-std')!;
    assert.match(JSON.stringify(rule.help), /std/);
  });
});
