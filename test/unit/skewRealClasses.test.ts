/**
 * Classes of misses and false positives found by scoring the real-code skew corpus (test/fixtures/skew-real), each
 * reproduced here on small code written for the test: serving values read from a TorchServe model-config.yaml next
 * to the handler (findings point at the YAML line), `truncation=True` without max_length (the checkpoint's
 * model_max_length), max_length without truncation (transformers truncates), `tokenizer.pad` (never truncates),
 * `normalize('NFKD').encode('ascii')` (accent stripping, not a Unicode form), a dataclass bundle's fields seen from
 * its methods, audio decoded at the file's own rate and never resampled, and builtin max() bookkeeping.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzePairs } from '../../src/core/skew/analyze';
import { checkpointModelMaxLength } from '../../src/core/skew/library';
import type { SkewFinding } from '../../src/shared/skew';

describe('skew: classes from the real-code corpus', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-skew-rc-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function run(files: Record<string, string>, training: string[], serving: string[]): Promise<SkewFinding[]> {
    for (const [k, v] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, k)), { recursive: true });
      fs.writeFileSync(path.join(dir, k), v);
    }
    const r = await analyzePairs([{ training: training.map((f) => path.join(dir, f)), serving: serving.map((f) => path.join(dir, f)), source: 'explicit' }], { root: dir, checkModel: false });
    return r.pairs[0].findings;
  }
  const loud = (fs: SkewFinding[]): SkewFinding[] => fs.filter((f) => f.severity !== 'info');
  const rel = (f: string): string => path.relative(dir, f);

  const TRAIN_CASED = 'from transformers import AutoTokenizer\ntok = AutoTokenizer.from_pretrained("bert-base-cased")\n\ndef enc(batch):\n    return tok(batch["a"], batch["b"], truncation=True, max_length=None)\n';
  const HANDLER = [
    'from transformers import AutoTokenizer',
    'from ts.torch_handler.base_handler import BaseHandler',
    '',
    'class H(BaseHandler):',
    '    def __init__(self):',
    '        self.setup_config = None',
    '',
    '    def initialize(self, ctx):',
    '        self.model_yaml_config = ctx.model_yaml_config if ctx is not None and hasattr(ctx, "model_yaml_config") else {}',
    '        self.setup_config = self.model_yaml_config.get("handler", {})',
    '        self.tokenizer = AutoTokenizer.from_pretrained(self.setup_config["model_name"], do_lower_case=self.setup_config["do_lower_case"])',
    '',
    '    def preprocess(self, text):',
    '        max_length = self.setup_config["max_length"]',
    '        return self.tokenizer.encode_plus(text, max_length=int(max_length), pad_to_max_length=True, return_tensors="pt")',
    '',
  ].join('\n');
  const YAML = 'minWorkers: 1\nhandler:\n  model_name: bert-base-uncased\n  do_lower_case: true\n  max_length: 150\n';

  it('reads TorchServe ctx.model_yaml_config from model-config.yaml next to the handler and points at its lines', async () => {
    const f = await run({ 'train.py': TRAIN_CASED, 'serve/handler.py': HANDLER, 'serve/model-config.yaml': YAML }, ['train.py'], ['serve/handler.py']);
    const lc = loud(f).find((x) => x.kind === 'lowercase');
    assert.ok(lc, JSON.stringify(f.map((x) => x.kind)));
    assert.equal(rel(lc.serving!.file), path.join('serve', 'model-config.yaml'));
    assert.equal(lc.serving!.line, 4);
    assert.match(lc.message, /'bert-base-cased' keeps case/);
    const ml = loud(f).find((x) => x.kind === 'max-length');
    assert.ok(ml, JSON.stringify(f.map((x) => x.kind)));
    assert.equal(ml.serving!.line, 5);
    assert.equal(ml.servingValue, '150');
    assert.match(ml.trainingValue ?? '', /^512 \(truncation without max_length/);
    // A config value is not a Python literal: no quick fix rewrites the YAML.
    assert.equal(ml.fix, undefined);
  });

  it('a YAML line carries its suppression comment; an alias bomb before the values leaves them readable', async () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 11 }, (_, i) => `l${i + 1}: &l${i + 1} [${Array(10).fill(i ? `*l${i}` : '*a').join(', ')}]`)].join('\n');
    const yaml = `${bomb}\n${YAML.replace('max_length: 150', 'max_length: 150  # ml-preflight: ignore[max-length]')}bomb: *l11\n`;
    const f = await run({ 'train.py': TRAIN_CASED, 'serve/handler.py': HANDLER, 'serve/model-config.yaml': yaml }, ['train.py'], ['serve/handler.py']);
    const ml = f.find((x) => x.kind === 'max-length');
    assert.ok(ml, JSON.stringify(f.map((x) => x.kind)));
    assert.equal(ml.suppressed?.kind, 'inSource');
    assert.equal(f.find((x) => x.kind === 'lowercase')?.suppressed, undefined);
  });

  it('without the config file the serving values stay unresolved: info only', async () => {
    const f = await run({ 'train.py': TRAIN_CASED, 'serve/handler.py': HANDLER }, ['train.py'], ['serve/handler.py']);
    assert.deepEqual(loud(f).map((x) => x.kind), []);
  });

  it('truncation=True without max_length is the checkpoint maximum; a checkpoint the table lacks is unknown', async () => {
    const serve = 'from transformers import AutoTokenizer\ntok = AutoTokenizer.from_pretrained("bert-base-cased")\n\ndef pre(t):\n    return tok(t, truncation=True, max_length=512)\n';
    assert.deepEqual(loud(await run({ 'train.py': TRAIN_CASED, 'serve.py': serve }, ['train.py'], ['serve.py'])).map((x) => x.kind), []);
    const unknownTrain = TRAIN_CASED.replace('bert-base-cased', 'acme/house-model');
    const unknownServe = serve.replace('bert-base-cased', 'acme/house-model').replace('512', '256');
    const f = await run({ 'train.py': unknownTrain, 'serve.py': unknownServe }, ['train.py'], ['serve.py']);
    assert.deepEqual(loud(f).filter((x) => x.kind === 'max-length'), []);
    assert.ok(f.some((x) => x.kind === 'unverified' && /model_max_length/.test(x.message)), JSON.stringify(f.map((x) => x.message)));
    assert.equal(checkpointModelMaxLength('gpt2'), 1024);
    assert.equal(checkpointModelMaxLength('./my-tokenizer'), undefined);
  });

  it('max_length without truncation or padding truncates longest_first (transformers), so it equals truncation=True', async () => {
    const train = 'from transformers import AutoTokenizer\ntok = AutoTokenizer.from_pretrained("roberta-base")\n\ndef enc(t):\n    return tok(t, truncation=True, max_length=128)\n';
    const serve = 'from transformers import AutoTokenizer\ntok = AutoTokenizer.from_pretrained("roberta-base")\n\ndef pre(t):\n    return tok.encode_plus(t, max_length=128, return_tensors="pt")\n';
    assert.deepEqual(loud(await run({ 'train.py': train, 'serve.py': serve }, ['train.py'], ['serve.py'])).map((x) => x.kind), []);
    // With padding given, transformers does not imply truncation: a real difference.
    const padded = serve.replace('return_tensors="pt"', 'padding="max_length", return_tensors="pt"');
    assert.deepEqual(loud(await run({ 'train.py': train, 'serve.py': padded }, ['train.py'], ['serve.py'])).map((x) => x.kind), ['truncation']);
  });

  it('tokenizer.pad(max_length=…) in a collate function is padding, not a max_length', async () => {
    const train = 'from transformers import AutoTokenizer\ntok = AutoTokenizer.from_pretrained("roberta-base")\n\ndef enc(t):\n    return tok(t, truncation=True, max_length=128)\n\ndef collate(xs):\n    return tok.pad(xs, padding="longest", max_length=None, return_tensors="pt")\n';
    const serve = 'from transformers import AutoTokenizer\ntok = AutoTokenizer.from_pretrained("roberta-base")\n\ndef pre(t):\n    return tok(t, truncation=True, max_length=128, return_tensors="pt")\n';
    const f = await run({ 'train.py': train, 'serve.py': serve }, ['train.py'], ['serve.py']);
    assert.deepEqual(f.filter((x) => /max_length/.test(x.message)).map((x) => x.kind), []);
  });

  it("normalize('NFKD', s).encode('ascii', 'ignore') is accent stripping, not a one-sided Unicode normal form", async () => {
    const train = 'import re\n\ndef clean_text(s):\n    return re.sub(r"<[^>]+>", " ", s).lower()\n\ndef build(rows):\n    return [clean_text(r) for r in rows]\n';
    const serve = 'import re\nimport unicodedata\n\ndef clean_text(s):\n    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode("utf-8")\n    return re.sub(r"<[^>]+>", " ", s).lower()\n\ndef predict(q):\n    return clean_text(q)\n';
    const f = await run({ 'train.py': train, 'serve.py': serve }, ['train.py'], ['serve.py']);
    assert.deepEqual(loud(f).filter((x) => x.kind === 'unicode-normalization'), []);
    const clean = loud(f).find((x) => x.kind === 'text-cleaning');
    assert.ok(clean, JSON.stringify(f.map((x) => x.kind)));
    assert.match(clean.servingValue ?? '', /strip-accents/);
    // A kept normal form (no ASCII folding) is still a Unicode normalization step.
    const nfc = serve.replace('.encode("ascii", "ignore").decode("utf-8")', '');
    const g = await run({ 'train.py': train, 'serve.py': nfc }, ['train.py'], ['serve.py']);
    assert.match(g.map((x) => `${x.kind}:${x.servingValue}`).join(' '), /unicode-NFKD|unicode-normalization/);
  });

  it('sees a dataclass bundle\'s fields (and @property getters) from its methods, and flags audio never resampled', async () => {
    const bundle = [
      'from dataclasses import dataclass',
      'import torchaudio',
      '',
      '@dataclass',
      'class Bundle:',
      '    _sample_rate: int',
      '    _n_mels: int',
      '',
      '    @property',
      '    def sample_rate(self) -> int:',
      '        return self._sample_rate',
      '',
      '    def features(self):',
      '        return torchaudio.transforms.MelSpectrogram(sample_rate=self.sample_rate, n_fft=400, n_mels=self._n_mels, hop_length=160)',
      '',
      'ASR_BASE = Bundle(',
      '    _sample_rate=16000,',
      '    _n_mels=80,',
      ')',
      '',
    ].join('\n');
    const handler = 'import torchaudio\nfrom bundles import ASR_BASE\n\ndef handle(fp):\n    waveform, sample_rate = torchaudio.load(fp)\n    return ASR_BASE.features()(waveform)\n';
    const f = await run({ 'bundles.py': bundle, 'serve/handler.py': handler }, ['bundles.py'], ['serve/handler.py']);
    const sr = loud(f).find((x) => x.kind === 'sample-rate');
    assert.ok(sr, JSON.stringify(f.map((x) => x.kind)));
    assert.equal(sr.severity, 'warning');
    assert.equal(sr.training!.line, 17, 'points at the instance field that sets 16000');
    assert.equal(sr.serving!.line, 5);
    // Using the returned rate (to resample or to reject) closes the hazard.
    const checked = handler.replace('    return', '    waveform = torchaudio.functional.resample(waveform, sample_rate, 16000)\n    return');
    assert.deepEqual(loud(await run({ 'bundles.py': bundle, 'serve/handler.py': checked }, ['bundles.py'], ['serve/handler.py'])).map((x) => x.kind), []);
    const rejected = handler.replace('    return', '    if sample_rate != 16000:\n        raise ValueError("16 kHz only")\n    return');
    assert.deepEqual(loud(await run({ 'bundles.py': bundle, 'serve/handler.py': rejected }, ['bundles.py'], ['serve/handler.py'])).map((x) => x.kind), []);
  });

  it("evaluates math.floor / math.ceil / round (timm's floor(img_size / crop_pct) eval resize from YAML)", async () => {
    const train = 'import math\nimport yaml\nfrom torchvision import transforms as T\nwith open("hp.yaml") as f:\n    HP = yaml.safe_load(f)\n\ndef eval_tf():\n    return T.Compose([T.Resize(math.floor(HP["img"] / HP["crop_pct"])), T.CenterCrop(HP["img"]), T.ToTensor()])\n';
    const serve = 'from torchvision import transforms as T\ntf = T.Compose([T.Resize(256), T.CenterCrop(224), T.ToTensor()])\n';
    const f = await run({ 'train.py': train, 'serve.py': serve, 'hp.yaml': 'img: 224\ncrop_pct: 0.9\n' }, ['train.py'], ['serve.py']);
    const rs = loud(f).find((x) => x.kind === 'resize-size');
    assert.ok(rs, JSON.stringify(f.map((x) => x.kind)));
    assert.match(rs.trainingValue ?? '', /248/);
    const ceil = await run({ 'train.py': train.replace('math.floor', 'math.ceil'), 'serve.py': serve.replace('256', '249'), 'hp.yaml': 'img: 224\ncrop_pct: 0.9\n' }, ['train.py'], ['serve.py']);
    assert.deepEqual(loud(ceil).map((x) => x.kind), []);
    // round() halves to even, as Python does: round(501 / 2.0) = round(250.5) = 250 (JavaScript would say 251).
    const half = await run({ 'train.py': train.replace('math.floor', 'round'), 'serve.py': serve, 'hp.yaml': 'img: 501\ncrop_pct: 2.0\n' }, ['train.py'], ['serve.py']);
    assert.match(loud(half).find((x) => x.kind === 'resize-size')?.trainingValue ?? '', /shorter side 250\b/, JSON.stringify(loud(half).map((x) => x.message)));
  });

  it('an EOS token joined to the text by hand on one side only is a special-tokens error; both sides (any idiom) is clean', async () => {
    const train = 'from transformers import AutoTokenizer\ntok = AutoTokenizer.from_pretrained("gpt2")\n\ndef enc(qs):\n    texts = [q.strip() + tok.eos_token for q in qs]\n    return tok(texts, truncation=True, max_length=64)\n';
    const serve = 'from transformers import AutoTokenizer\ntok = AutoTokenizer.from_pretrained("gpt2")\ntok.pad_token = tok.eos_token\n\ndef pre(q):\n    return tok([q.strip()], truncation=True, max_length=64)\n';
    const f = loud(await run({ 'train.py': train, 'serve.py': serve }, ['train.py'], ['serve.py']));
    const st = f.find((x) => x.kind === 'special-tokens');
    assert.ok(st, JSON.stringify(f.map((x) => x.kind)));
    assert.equal(st.training!.line, 5);
    assert.equal(st.serving, null);
    const both = serve.replace('tok([q.strip()]', 'tok([f"{q.strip()}{tok.eos_token}"]');
    assert.deepEqual(loud(await run({ 'train.py': train, 'serve.py': both }, ['train.py'], ['serve.py'])).map((x) => x.kind), []);
  });

  it('a builtin max() clamp outside tabular code (output timestamps) is not a clipping step', async () => {
    const train = 'import pandas as pd\n\ndef features(df):\n    df["age"] = df["age"].fillna(30)\n    return df\n';
    const serve = 'import pandas as pd\n\ndef features(df):\n    df["age"] = df["age"].fillna(30)\n    return df\n\ndef merge_words(words, max_duration):\n    words[0]["start"] = max(0, words[0]["end"] - max_duration)\n    return words\n';
    assert.deepEqual(loud(await run({ 'train.py': train, 'serve.py': serve }, ['train.py'], ['serve.py'])).map((x) => x.kind), []);
    // Inside feature code it is still compared.
    const clipped = serve.replace('    df["age"] = df["age"].fillna(30)\n    return df\n\ndef merge', '    df["age"] = df["age"].fillna(30)\n    df["ratio"] = max(df["ratio"], 1)\n    return df\n\ndef merge');
    assert.deepEqual(loud(await run({ 'train.py': train, 'serve.py': clipped }, ['train.py'], ['serve.py'])).map((x) => x.kind), ['clip']);
  });
});
