/**
 * Extracts the preprocessing facts of one Python module: image (torchvision v1/v2, PIL, OpenCV, NumPy,
 * albumentations, tf.image, Keras preprocessing layers), text (Hugging Face tokenizers/transformers), tabular
 * (pandas, scikit-learn) and audio (librosa, torchaudio). Values are followed with {@link Evaluator}.
 */
import type { Evaluator } from './evaluate';
import { originOf } from './evaluate';
import type { Fact, FixStyle } from './facts';
import { callArgs, enclosingFunction, type ModuleIndex } from './moduleIndex';
import { dottedName, field, walk, type PyNode } from './pyAst';
import { numbers, strings, type Value } from './values';

const IMAGENET_MEAN = [0.485, 0.456, 0.406];
const IMAGENET_STD = [0.229, 0.224, 0.225];

interface Ctx {
  mod: ModuleIndex;
  ev: Evaluator;
  facts: Fact[];
}

const numList = (xs: number[]): Value => ({ k: 'list', items: xs.map((v) => ({ k: 'num', v }) as Value), tuple: true });
const strV = (v: string): Value => ({ k: 'str', v });
const numV = (v: number): Value => ({ k: 'num', v });

/** Canonical interpolation name of a value (`cv2.INTER_NEAREST`, `InterpolationMode.BILINEAR`, `'bilinear'`, 0). */
export function interpolationName(v: Value, numbering: 'cv2' | 'pil' | 'none'): string | undefined {
  let s: string | undefined;
  if (v.k === 'ref') s = v.name.slice(v.name.lastIndexOf('.') + 1);
  else if (v.k === 'str') s = v.v;
  else if (v.k === 'num') {
    if (numbering === 'cv2') return ['nearest', 'bilinear', 'bicubic', 'area', 'lanczos'][v.v];
    if (numbering === 'pil') return ['nearest', 'lanczos', 'bilinear', 'bicubic', 'box', 'hamming'][v.v];
    return undefined;
  }
  if (!s) return undefined;
  const u = s.toUpperCase().replace(/^INTER_/, '');
  if (u === 'NEAREST' || u === 'NEAREST_EXACT') return 'nearest';
  if (u === 'LINEAR' || u === 'BILINEAR') return 'bilinear';
  if (u === 'CUBIC' || u === 'BICUBIC') return 'bicubic';
  if (u === 'AREA') return 'area';
  if (u.startsWith('LANCZOS') || u === 'ANTIALIAS') return 'lanczos';
  if (u === 'BOX') return 'box';
  if (u === 'HAMMING') return 'hamming';
  if (u === 'GAUSSIAN' || u === 'MITCHELLCUBIC') return u.toLowerCase();
  return undefined;
}

/** The names of the assignments, functions, classes and dict keys enclosing `node` (lower case). */
function contextOf(mod: ModuleIndex, node: PyNode): string {
  const parts: string[] = [];
  for (let p = node.parent; p; p = p.parent) {
    if (p.type === 'function_definition' || p.type === 'class_definition') parts.push(field(p, 'name')?.text ?? '');
    else if (p.type === 'assignment') {
      const l = field(p, 'left');
      if (l) parts.push(mod.source.slice(l.start, l.end));
    } else if (p.type === 'pair') {
      const k = field(p, 'key');
      if (k) parts.push(mod.source.slice(k.start, k.end));
    } else if (p.type === 'keyword_argument') parts.push(field(p, 'name')?.text ?? '');
  }
  return parts.join(' ').toLowerCase();
}

/** String of a subscript like `df["age"]` (the column), else undefined. */
function subscriptKey(ctx: Ctx, n: PyNode | undefined): string | undefined {
  if (!n) return undefined;
  if (n.type === 'subscript') {
    const v = ctx.ev.eval(field(n, 'subscript'), ctx.mod);
    if (v.k === 'str') return v.v;
  }
  return undefined;
}

/** The column a value is assigned to (`df["x"] = …`), or the column read in `node`. */
function columnOf(ctx: Ctx, call: PyNode): string | undefined {
  let p: PyNode | undefined = call;
  while (p?.parent && p.parent.type !== 'assignment' && p.parent.type !== 'expression_statement' && p.parent.type !== 'block') p = p.parent;
  if (p?.parent?.type === 'assignment') {
    const col = subscriptKey(ctx, field(p.parent, 'left'));
    if (col) return col;
  }
  let found: string | undefined;
  walk(call, (n) => {
    if (!found && n.type === 'subscript') found = subscriptKey(ctx, n);
  });
  return found;
}

function add(ctx: Ctx, node: PyNode, key: string, value: Value, via: string, extra: Partial<Fact> = {}): void {
  const origin = extra.origin ?? (value.o && value.o.literal ? value.o : undefined);
  ctx.facts.push({ key, value, node, mod: ctx.mod, via, context: contextOf(ctx.mod, node), origin, ...extra });
}

/** Adds `image.size` for a (H, W) pair or a shorter-side int. */
function addSize(ctx: Ctx, node: PyNode, v: Value, order: 'hw' | 'wh', via: string, key = 'image.size', random = false): void {
  const ns = numbers(v);
  if (!ns) {
    // A resize/crop whose size we cannot follow: recorded so the step is not reported as missing.
    add(ctx, node, key, { k: 'unknown' }, via, { shown: '? (computed)', random, origin: undefined });
    return;
  }
  let hw: number[];
  let fixStyle: FixStyle | undefined = 'literal';
  if (ns.length === 1 && v.k !== 'list' && key === 'image.size') {
    add(ctx, node, key, { k: 'str', v: `shorter side ${ns[0]}` }, via, { shown: `shorter side ${ns[0]}`, random, fixStyle: undefined, origin: v.o?.literal ? v.o : undefined });
    return;
  } else if (ns.length === 1) hw = [ns[0], ns[0]]; // CenterCrop(224), Resize([224]): squares
  else if (ns.length === 2) hw = order === 'hw' ? ns : [ns[1], ns[0]];
  else return;
  if (order === 'wh') fixStyle = 'wh-size';
  add(ctx, node, key, numList(hw), via, { shown: `${hw[0]}×${hw[1]} (H×W)`, random, fixStyle, origin: v.o?.literal ? v.o : undefined });
}

function addInterp(ctx: Ctx, node: PyNode, v: Value | undefined, numbering: 'cv2' | 'pil' | 'none', def: string, via: string, style: FixStyle, random = false): void {
  const name = v && v.k !== 'unknown' ? interpolationName(v, numbering) : def;
  if (!name) return;
  const isDefault = !v || v.k === 'unknown';
  add(ctx, node, 'image.interpolation', strV(name), via, {
    shown: isDefault ? `${name} (default)` : name,
    isDefault,
    random,
    fixStyle: style,
    origin: !isDefault && v?.o ? { ...v.o, literal: true } : undefined,
  });
}

const RANDOM_TV = /^(Random\w*|ColorJitter|AutoAugment|RandAugment|TrivialAugmentWide|AugMix|GaussianBlur|ElasticTransform|RandomErasing|ScaleJitter)$/;
const DETERMINISTIC_ALB = new Set(['Compose', 'Resize', 'Normalize', 'CenterCrop', 'LongestMaxSize', 'SmallestMaxSize', 'PadIfNeeded', 'ToTensorV2', 'ToFloat', 'FromFloat', 'Crop', 'ToGray', 'ToRGB', 'Lambda', 'NoOp']);
const RANDOM_ALB = /Random|Flip|Rotate|Shift|Jitter|Blur|Noise|Dropout|Cutout|Elastic|Distortion|Perspective|Affine|Transpose|CLAHE|Sharpen|Emboss|HueSaturation|Brightness|Contrast|Gamma|OneOf|SomeOf|Posterize|Solarize|Equalize|Downscale|ImageCompression/;
const RGB_LOADERS = new Set([
  'PIL.Image.open', 'tf.io.decode_jpeg', 'tf.io.decode_png', 'tf.io.decode_image', 'tf.image.decode_jpeg', 'tf.image.decode_png',
  'tf.image.decode_image', 'keras.utils.load_img', 'keras.preprocessing.image.load_img', 'imageio.imread', 'imageio.v3.imread',
  'imageio.v2.imread', 'skimage.io.imread', 'matplotlib.pyplot.imread', 'torchvision.io.read_image', 'torchvision.io.decode_image',
  'torchvision.io.decode_jpeg',
]);
const CHANNELS: Record<string, string> = { BGR: 'BGR', BGRA: 'BGR', RGB: 'RGB', RGBA: 'RGB', GRAY: 'GRAY' };

/** Extracts the facts of one module. */
export function extractFacts(mod: ModuleIndex, ev: Evaluator): Fact[] {
  const ctx: Ctx = { mod, ev, facts: [] };
  for (const call of mod.calls) {
    try {
      extractCall(ctx, call);
    } catch {
      // One odd call never stops the analysis of the module.
    }
  }
  walk(mod.root, (n) => {
    try {
      if (n.type === 'binary_operator') extractArithmetic(ctx, n);
      else if (n.type === 'augmented_assignment') extractAugmented(ctx, n);
      else if (n.type === 'subscript') extractSubscript(ctx, n);
      else if (n.type === 'assignment') extractAssignment(ctx, n);
    } catch {
      // same
    }
  });
  classifyDomains(ctx);
  return ctx.facts;
}

function extractCall(ctx: Ctx, call: PyNode): void {
  const { mod, ev } = ctx;
  const fnNode = field(call, 'function');
  if (!fnNode) return;
  const name = ev.canonicalName(fnNode, mod);
  const method = fnNode.type === 'attribute' ? field(fnNode, 'attribute')?.text ?? '' : '';
  const { positional, keywords } = callArgs(call);
  const node = (i: number, kw?: string): PyNode | undefined => (kw ? keywords.get(kw) : undefined) ?? (i >= 0 ? positional[i] : undefined);
  const val = (i: number, kw?: string): Value | undefined => {
    const n = node(i, kw);
    return n ? ev.eval(n, mod) : undefined;
  };

  if (name) {
    const tv = name.match(/^torchvision\.transforms\.(\w+)$/);
    const tvf = name.match(/^torchvision\.transforms\.functional\.(\w+)$/);
    const alb = name.match(/^albumentations\.(?:augmentations\.(?:\w+\.)*)?(?:pytorch\.(?:transforms\.)?)?(\w+)$/);
    const keras = name.match(/^keras\.layers\.(\w+)$/);
    const t = tv?.[1] ?? tvf?.[1];
    if (t) {
      const off = tvf ? 1 : 0;
      const via = `torchvision ${t}`;
      const random = RANDOM_TV.test(t);
      switch (t) {
        case 'Resize':
        case 'resize': {
          const size = val(off, 'size');
          if (size) addSize(ctx, call, size, 'hw', via);
          addInterp(ctx, call, val(off + 1, 'interpolation'), 'pil', 'bilinear', via, 'tv-interp');
          return;
        }
        case 'CenterCrop':
        case 'center_crop': {
          const size = val(off, tvf ? 'output_size' : 'size');
          if (size) addSize(ctx, call, size, 'hw', via, 'image.crop');
          return;
        }
        case 'ToTensor':
        case 'to_tensor':
          add(ctx, call, 'image.scale', numV(1 / 255), via, { shown: '1/255 (ToTensor)' });
          add(ctx, call, 'image.layout', strV('CHW'), via, { shown: 'CHW (ToTensor)' });
          add(ctx, call, 'image.dtype', strV('float32'), via);
          return;
        case 'PILToTensor':
        case 'pil_to_tensor':
        case 'ToImage':
        case 'to_image':
          add(ctx, call, 'image.layout', strV('CHW'), via, { shown: `CHW (${t})` });
          return;
        case 'ToDtype':
        case 'to_dtype':
        case 'ConvertImageDtype':
        case 'convert_image_dtype': {
          const dt = dtypeName(val(off, 'dtype'));
          if (dt) add(ctx, call, 'image.dtype', strV(dt), via);
          const scale = t.startsWith('Convert') || t.startsWith('convert') || val(off + 1, 'scale')?.k === 'bool' && (val(off + 1, 'scale') as { v: boolean }).v;
          if (scale && dt?.startsWith('float')) add(ctx, call, 'image.scale', numV(1 / 255), via, { shown: `1/255 (${t})` });
          return;
        }
        case 'Normalize':
        case 'normalize': {
          const mean = val(off, 'mean');
          const std = val(off + 1, 'std');
          if (mean && numbers(mean)) add(ctx, call, 'image.mean', mean, via, { fixStyle: 'literal' });
          if (std && numbers(std)) add(ctx, call, 'image.std', std, via, { fixStyle: 'literal' });
          return;
        }
        case 'Grayscale':
        case 'rgb_to_grayscale':
          add(ctx, call, 'image.color', strV('GRAY'), via);
          return;
        case 'RandomResizedCrop': {
          const size = val(0, 'size');
          if (size) addSize(ctx, call, size, 'hw', via, 'image.size', true);
          add(ctx, call, 'augment.random', strV(t), via, { random: true, shown: t });
          return;
        }
        default:
          if (random) add(ctx, call, 'augment.random', strV(t), via, { random: true, shown: t });
          return;
      }
    }
    if (alb && name.startsWith('albumentations')) {
      const a = alb[1];
      const via = `albumentations ${a}`;
      switch (a) {
        case 'Resize': {
          const h = val(0, 'height');
          const w = val(1, 'width');
          if (h?.k === 'num' && w?.k === 'num') add(ctx, call, 'image.size', numList([h.v, w.v]), via, { shown: `${h.v}×${w.v} (H×W)` });
          addInterp(ctx, call, val(2, 'interpolation'), 'cv2', 'bilinear', via, 'cv2-interp');
          return;
        }
        case 'LongestMaxSize':
        case 'SmallestMaxSize': {
          const m = val(0, 'max_size');
          if (m?.k === 'num') add(ctx, call, 'image.size', strV(`${a === 'SmallestMaxSize' ? 'shorter' : 'longer'} side ${m.v}`), via);
          addInterp(ctx, call, val(1, 'interpolation'), 'cv2', 'bilinear', via, 'cv2-interp');
          return;
        }
        case 'CenterCrop': {
          const h = val(0, 'height');
          const w = val(1, 'width');
          if (h?.k === 'num' && w?.k === 'num') add(ctx, call, 'image.crop', numList([h.v, w.v]), via, { shown: `${h.v}×${w.v} (H×W)` });
          return;
        }
        case 'Normalize': {
          const mean = val(0, 'mean');
          const std = val(1, 'std');
          const maxPix = val(2, 'max_pixel_value');
          add(ctx, call, 'image.mean', mean && numbers(mean) ? mean : numList(IMAGENET_MEAN), via, { isDefault: !mean, fixStyle: 'literal' });
          add(ctx, call, 'image.std', std && numbers(std) ? std : numList(IMAGENET_STD), via, { isDefault: !std, fixStyle: 'literal' });
          const mp = maxPix?.k === 'num' ? maxPix.v : 255;
          add(ctx, call, 'image.scale', numV(1 / mp), via, { shown: `1/${mp} (max_pixel_value)` });
          return;
        }
        case 'ToFloat': {
          const mv = val(0, 'max_value');
          const m = mv?.k === 'num' ? mv.v : 255;
          add(ctx, call, 'image.scale', numV(1 / m), via, { shown: `1/${m} (ToFloat)` });
          return;
        }
        case 'ToTensorV2':
          add(ctx, call, 'image.layout', strV('CHW'), via, { shown: 'CHW (ToTensorV2)' });
          return;
        case 'ToGray':
          add(ctx, call, 'image.color', strV('GRAY'), via);
          return;
        default:
          if (!DETERMINISTIC_ALB.has(a) && RANDOM_ALB.test(a)) add(ctx, call, 'augment.random', strV(a), via, { random: true, shown: a });
          return;
      }
    }
    if (keras) {
      const k = keras[1];
      const via = `Keras ${k}`;
      switch (k) {
        case 'Resizing': {
          const h = val(0, 'height');
          const w = val(1, 'width');
          if (h?.k === 'num' && w?.k === 'num') add(ctx, call, 'image.size', numList([h.v, w.v]), via, { shown: `${h.v}×${w.v} (H×W)` });
          addInterp(ctx, call, val(2, 'interpolation'), 'none', 'bilinear', via, 'literal');
          add(ctx, call, 'image.layout', strV('HWC'), via, { isDefault: true, shown: 'HWC (Keras)' });
          return;
        }
        case 'CenterCrop': {
          const h = val(0, 'height');
          const w = val(1, 'width');
          if (h?.k === 'num' && w?.k === 'num') add(ctx, call, 'image.crop', numList([h.v, w.v]), via, { shown: `${h.v}×${w.v} (H×W)` });
          return;
        }
        case 'Rescaling': {
          const s = val(0, 'scale');
          const o = val(1, 'offset');
          if (s?.k !== 'num') return;
          const off = o?.k === 'num' ? o.v : 0;
          if (off === 0) add(ctx, call, 'image.scale', numV(s.v), via, { shown: `${fmtScale(s.v)} (Rescaling)` });
          else {
            // y = s·x + off  ==  ((x/255) − mean) / std  with  std = 1/(255·s), mean = −off·std
            const std = 1 / (255 * s.v);
            add(ctx, call, 'image.scale', numV(1 / 255), via, { shown: '1/255 (Rescaling)' });
            add(ctx, call, 'image.mean', numList([-off * std]), via, { shown: `${+(-off * std).toFixed(4)} (Rescaling offset)` });
            add(ctx, call, 'image.std', numList([std]), via, { shown: `${+std.toFixed(4)} (Rescaling scale)` });
          }
          return;
        }
        case 'Normalization': {
          const mean = val(1, 'mean');
          const variance = val(2, 'variance');
          if (mean && numbers(mean)) add(ctx, call, 'image.mean', mean, via, { fixStyle: 'literal' });
          const vs = numbers(variance);
          if (vs) add(ctx, call, 'image.std', numList(vs.map(Math.sqrt)), via, { shown: `(${vs.map((x) => +Math.sqrt(x).toFixed(4)).join(', ')}) (√variance)` });
          return;
        }
        default:
          // Keras random layers are inactive at inference (training=False), so they are not serving findings.
          return;
      }
    }
    const via = name;
    switch (name) {
      case 'cv2.imread':
      case 'cv2.imdecode': {
        const flag = val(1, 'flags');
        const gray = flag && ((flag.k === 'num' && flag.v === 0) || (flag.k === 'ref' && /GRAYSCALE/.test(flag.name)));
        add(ctx, call, 'image.load', strV(gray ? 'GRAY' : 'BGR'), via, { shown: gray ? `${name} grayscale` : name });
        return;
      }
      case 'cv2.cvtColor': {
        const code = val(1, 'code');
        const m = code?.k === 'ref' ? code.name.match(/COLOR_([A-Z]+)2([A-Z]+)$/) : undefined;
        if (m && CHANNELS[m[1]] && CHANNELS[m[2]]) add(ctx, call, 'image.convert', strV(`${CHANNELS[m[1]]}>${CHANNELS[m[2]]}`), via, { shown: `${m[1]}→${m[2]}` });
        return;
      }
      case 'cv2.resize': {
        const dsize = val(1, 'dsize');
        if (dsize && dsize.k === 'list') addSize(ctx, call, dsize, 'wh', via);
        addInterp(ctx, call, val(5, 'interpolation'), 'cv2', 'bilinear', via, 'cv2-interp');
        return;
      }
      case 'tf.image.resize':
      case 'tf.image.resize_with_pad': {
        const size = name === 'tf.image.resize' ? val(1, 'size') : undefined;
        if (size) addSize(ctx, call, size, 'hw', via);
        else {
          const h = val(1, 'target_height');
          const w = val(2, 'target_width');
          if (h?.k === 'num' && w?.k === 'num') add(ctx, call, 'image.size', numList([h.v, w.v]), via, { shown: `${h.v}×${w.v} (H×W)` });
        }
        addInterp(ctx, call, val(2, 'method'), 'none', 'bilinear', via, 'literal');
        add(ctx, call, 'image.layout', strV('HWC'), via, { isDefault: true, shown: 'HWC (tf.image)' });
        return;
      }
      case 'tf.image.resize_with_crop_or_pad': {
        const h = val(1, 'target_height');
        const w = val(2, 'target_width');
        if (h?.k === 'num' && w?.k === 'num') add(ctx, call, 'image.crop', numList([h.v, w.v]), via, { shown: `${h.v}×${w.v} (H×W)` });
        return;
      }
      case 'tf.image.central_crop': {
        const f = val(1, 'central_fraction');
        if (f?.k === 'num') add(ctx, call, 'image.crop', strV(`central fraction ${f.v}`), via);
        return;
      }
      case 'tf.image.convert_image_dtype': {
        const dt = dtypeName(val(1, 'dtype'));
        if (dt?.startsWith('float')) add(ctx, call, 'image.scale', numV(1 / 255), via, { shown: '1/255 (convert_image_dtype)' });
        if (dt) add(ctx, call, 'image.dtype', strV(dt), via);
        return;
      }
      case 'tf.image.per_image_standardization':
        add(ctx, call, 'image.standardize', strV('per-image'), via);
        return;
      case 'tf.cast': {
        const dt = dtypeName(val(1, 'dtype'));
        if (dt) add(ctx, call, 'any.dtype', strV(dt), via);
        return;
      }
      case 'torch.nn.functional.interpolate': {
        const size = val(1, 'size');
        if (size) addSize(ctx, call, size, 'hw', via);
        addInterp(ctx, call, val(3, 'mode'), 'none', 'nearest', via, 'literal');
        return;
      }
      case 'numpy.transpose':
      case 'numpy.moveaxis':
      case 'torch.permute': {
        const axes = name === 'numpy.moveaxis' ? moveaxisLayout(val(1, 'source'), val(2, 'destination')) : layoutOf(numbers(val(1, 'axes')));
        if (axes) add(ctx, call, 'any.layout', strV(axes), via);
        return;
      }
      case 'numpy.flip': {
        const axis = val(1, 'axis');
        if (axis?.k === 'num' && (axis.v === -1 || axis.v === 2)) add(ctx, call, 'image.flip', strV('flip'), via, { shown: 'channel flip' });
        return;
      }
      case 'numpy.clip': {
        const lo = val(1, 'a_min');
        const hi = val(2, 'a_max');
        addClip(ctx, call, lo, hi, via);
        return;
      }
      case 'numpy.log1p':
      case 'numpy.log':
      case 'numpy.log2':
      case 'numpy.log10':
      case 'numpy.sqrt':
      case 'numpy.expm1':
      case 'numpy.exp': {
        const col = columnOf(ctx, call);
        if (col) add(ctx, call, `tabular.transform:${col}`, strV(name.replace('numpy.', 'np.')), via, { name: col });
        return;
      }
      case 'pandas.get_dummies':
        add(ctx, call, 'tabular.get_dummies', strV('pd.get_dummies'), via);
        return;
      case 'librosa.load': {
        const sr = val(1, 'sr');
        add(ctx, call, 'audio.sample_rate', sr ?? numV(22050), via, { isDefault: !sr, shown: sr ? undefined : '22050 (librosa default)', fixStyle: 'literal' });
        return;
      }
      case 'torchaudio.transforms.Resample':
      case 'torchaudio.functional.resample':
      case 'librosa.resample': {
        const target = name === 'librosa.resample' ? val(-1, 'target_sr') : name === 'torchaudio.functional.resample' ? val(2, 'new_freq') : val(1, 'new_freq');
        if (target) add(ctx, call, 'audio.sample_rate', target, via, { fixStyle: 'literal' });
        return;
      }
      case 'librosa.feature.melspectrogram':
      case 'librosa.feature.mfcc': {
        const sr = val(-1, 'sr');
        add(ctx, call, 'audio.feature_sr', sr ?? numV(22050), via, { isDefault: !sr, shown: sr ? undefined : '22050 (librosa default)', fixStyle: 'literal' });
        const nfft = val(-1, 'n_fft');
        const nf = nfft?.k === 'num' ? nfft.v : 2048;
        add(ctx, call, 'audio.n_fft', nfft ?? numV(2048), via, { isDefault: !nfft, shown: nfft ? undefined : '2048 (librosa default)', fixStyle: 'literal' });
        const hop = val(-1, 'hop_length');
        add(ctx, call, 'audio.hop_length', hop ?? numV(512), via, { isDefault: !hop, shown: hop ? undefined : '512 (librosa default)', fixStyle: 'literal' });
        const win = val(-1, 'win_length');
        add(ctx, call, 'audio.win_length', win ?? numV(nf), via, { isDefault: !win, shown: win ? undefined : `${nf} (= n_fft)`, fixStyle: 'literal' });
        const mels = val(-1, 'n_mels');
        add(ctx, call, 'audio.n_mels', mels ?? numV(128), via, { isDefault: !mels, shown: mels ? undefined : '128 (librosa default)', fixStyle: 'literal' });
        if (name.endsWith('mfcc')) {
          const n = val(-1, 'n_mfcc');
          add(ctx, call, 'audio.n_mfcc', n ?? numV(20), via, { isDefault: !n, shown: n ? undefined : '20 (librosa default)', fixStyle: 'literal' });
        }
        return;
      }
      case 'torchaudio.transforms.MelSpectrogram':
      case 'torchaudio.transforms.MFCC': {
        const isMfcc = name.endsWith('MFCC');
        const sr = val(0, 'sample_rate');
        add(ctx, call, 'audio.feature_sr', sr ?? numV(16000), via, { isDefault: !sr, shown: sr ? undefined : '16000 (torchaudio default)', fixStyle: 'literal' });
        const mk = isMfcc ? val(-1, 'melkwargs') : undefined;
        const get = (i: number, kw: string): Value | undefined => {
          if (isMfcc) {
            const d = mk?.k === 'dict' ? mk.entries.find(([k]) => k.k === 'str' && k.v === kw)?.[1] : undefined;
            return d;
          }
          return val(i, kw);
        };
        const nfft = get(1, 'n_fft');
        const nf = nfft?.k === 'num' ? nfft.v : 400;
        add(ctx, call, 'audio.n_fft', nfft ?? numV(400), via, { isDefault: !nfft, shown: nfft ? undefined : '400 (torchaudio default)', fixStyle: 'literal' });
        const win = get(2, 'win_length');
        const wl = win?.k === 'num' ? win.v : nf;
        add(ctx, call, 'audio.win_length', win ?? numV(nf), via, { isDefault: !win, shown: win ? undefined : `${nf} (= n_fft)`, fixStyle: 'literal' });
        const hop = get(3, 'hop_length');
        add(ctx, call, 'audio.hop_length', hop ?? numV(Math.floor(wl / 2)), via, { isDefault: !hop, shown: hop ? undefined : `${Math.floor(wl / 2)} (= win_length // 2)`, fixStyle: 'literal' });
        const mels = get(7, 'n_mels');
        add(ctx, call, 'audio.n_mels', mels ?? numV(128), via, { isDefault: !mels, shown: mels ? undefined : '128 (torchaudio default)', fixStyle: 'literal' });
        if (isMfcc) {
          const n = val(1, 'n_mfcc');
          add(ctx, call, 'audio.n_mfcc', n ?? numV(40), via, { isDefault: !n, shown: n ? undefined : '40 (torchaudio default)', fixStyle: 'literal' });
        }
        return;
      }
      case 'librosa.power_to_db':
      case 'librosa.amplitude_to_db':
      case 'torchaudio.transforms.AmplitudeToDB':
        add(ctx, call, 'audio.db', strV('dB'), via, { shown: `dB (${name})` });
        return;
      case 'unicodedata.normalize': {
        const form = val(0, 'form');
        if (form?.k === 'str') add(ctx, call, 'text.unicode', form, via, { fixStyle: 'literal' });
        return;
      }
      case 'sklearn.preprocessing.OneHotEncoder': {
        const hu = val(-1, 'handle_unknown');
        add(ctx, call, 'tabular.onehot_unknown', hu ?? strV('error'), via, { isDefault: !hu, shown: hu ? undefined : "'error' (default)", fixStyle: 'literal' });
        return;
      }
      case 'sklearn.impute.SimpleImputer': {
        const s = val(-1, 'strategy');
        add(ctx, call, 'tabular.imputer', s ?? strV('mean'), via, { isDefault: !s, shown: s ? undefined : "'mean' (default)", fixStyle: 'literal' });
        return;
      }
      case 'tokenizers.normalizers.Lowercase':
        add(ctx, call, 'text.lowercase', { k: 'bool', v: true }, via, { shown: 'lower-cased (normalizer)' });
        return;
      default:
        break;
    }
    if (RGB_LOADERS.has(name)) {
      add(ctx, call, 'image.load', strV('RGB'), via, { shown: name });
      if (name.startsWith('torchvision.io')) add(ctx, call, 'image.layout', strV('CHW'), via, { shown: `CHW (${name})` });
      return;
    }
    if (/^tf\.image\.random_|^tf\.image\.stateless_random_/.test(name)) {
      add(ctx, call, 'augment.random', strV(name), via, { random: true, shown: name });
      return;
    }
    if (/^keras\.applications\.[\w.]+\.preprocess_input$/.test(name)) {
      add(ctx, call, 'image.preprocess_input', strV(name.split('.').slice(0, -1).join('.')), via);
      return;
    }
    const tokLoad = name.match(/^(transformers|tokenizers)\.(\w+)\.(from_pretrained|from_file)$/);
    if (tokLoad && /Tokenizer|Processor|FeatureExtractor/.test(tokLoad[2])) {
      const ckpt = val(0, 'pretrained_model_name_or_path');
      const key = /FeatureExtractor/.test(tokLoad[2]) ? 'audio.extractor' : /ImageProcessor/.test(tokLoad[2]) ? 'image.processor' : 'text.tokenizer';
      if (ckpt?.k === 'str') add(ctx, call, key, ckpt, via, { fixStyle: 'literal' });
      const lc = val(-1, 'do_lower_case');
      if (lc?.k === 'bool') add(ctx, call, 'text.lowercase', lc, via, { shown: lc.v ? 'lower-cased (do_lower_case)' : 'not lower-cased (do_lower_case=False)' });
      const side = val(-1, 'padding_side');
      if (side?.k === 'str') add(ctx, call, 'text.padding_side', side, via, { fixStyle: 'literal' });
      const ts = val(-1, 'truncation_side');
      if (ts?.k === 'str') add(ctx, call, 'text.truncation_side', ts, via, { fixStyle: 'literal' });
      return;
    }
    if (name === 'transformers.pipeline') {
      const tok = val(-1, 'tokenizer') ?? val(-1, 'model');
      if (tok?.k === 'str') add(ctx, call, 'text.tokenizer', tok, via, { fixStyle: 'literal' });
      return;
    }
  }

  // Methods on values (receivers we cannot type: images, arrays, frames, tokenizers).
  if (!method) {
    if (fnNode.type === 'identifier' && !mod.imports.has(fnNode.text)) extractTokenizerCall(ctx, call, fnNode.text, keywords, val);
    return;
  }
  const recvNode = field(fnNode, 'object');
  const recvText = recvNode ? mod.source.slice(recvNode.start, recvNode.end) : '';
  const recvIsModule = !!name && !!recvNode && recvNode.type === 'identifier' && mod.imports.has(recvNode.text);
  if (recvIsModule) return;
  switch (method) {
    case 'get':
    case 'map': {
      // Unknown categories: `MAP.get(x, default)`, `s.map(MAP)` (NaN) or `s.map(MAP).fillna(v)`.
      const mapNode = method === 'get' ? recvNode : node(0, 'arg');
      if (mapNode?.type !== 'identifier' || !MAP_NAME.test(mapNode.text)) return;
      const m = ev.eval(mapNode, mod);
      if (m.k !== 'dict') return;
      let v: Value | undefined;
      let shownV: string | undefined;
      if (method === 'get') {
        v = val(1, 'default') ?? { k: 'none' };
        if (!node(1, 'default')) shownV = 'None (dict.get default)';
      } else {
        const outer = call.parent?.type === 'attribute' && call.parent.parent?.type === 'call' && field(call.parent, 'attribute')?.text === 'fillna' ? call.parent.parent : undefined;
        v = outer ? ev.eval(callArgs(outer).positional[0] ?? callArgs(outer).keywords.get('value'), mod) : { k: 'str', v: 'NaN' };
        if (!outer) shownV = 'NaN (.map without fillna)';
      }
      if (v.k === 'unknown') return;
      add(ctx, call, `tabular.unknown:${mapNode.text}`, v, `.${method}()`, { name: mapNode.text, shown: shownV, fixStyle: 'literal' });
      return;
    }
    case 'convert': {
      const m = val(0, 'mode');
      if (m?.k === 'str' && /^(RGB|RGBA|L|BGR)/.test(m.v)) add(ctx, call, 'image.convert', strV(`*>${m.v.startsWith('RGB') ? 'RGB' : m.v === 'L' ? 'GRAY' : 'BGR'}`), 'PIL convert', { shown: `convert('${m.v}')` });
      return;
    }
    case 'crop': {
      const box = node(0, 'box');
      if (box && (box.type === 'tuple' || box.type === 'list') && box.children.length === 4) add(ctx, call, 'image.crop', { k: 'unknown' }, 'PIL Image.crop', { shown: '? (Image.crop)' });
      return;
    }
    case 'resize': {
      const sizeNode = node(0, 'size');
      const size = val(0, 'size');
      const pair = sizeNode && (sizeNode.type === 'tuple' || sizeNode.type === 'list') ? sizeNode.children.length === 2 : size?.k === 'list' && numbers(size)?.length === 2;
      if (size && pair && !/^(np|numpy|torch)$/.test(recvText)) {
        addSize(ctx, call, size, 'wh', 'PIL Image.resize');
        addInterp(ctx, call, val(1, 'resample'), 'pil', 'bicubic', 'PIL Image.resize', 'pil-interp');
      }
      return;
    }
    case 'transpose':
    case 'permute': {
      const axes = positional.length === 1 ? numbers(val(0)) : numbers({ k: 'list', items: positional.map((p) => ev.eval(p, mod)) });
      const l = layoutOf(axes);
      if (l) add(ctx, call, 'any.layout', strV(l), `.${method}(${axes!.join(', ')})`);
      return;
    }
    case 'astype':
    case 'to':
    case 'type': {
      const dt = dtypeName(val(0, 'dtype'));
      if (dt) add(ctx, call, 'any.dtype', strV(dt), `.${method}()`);
      return;
    }
    case 'float':
    case 'half':
      if (positional.length === 0 && /tensor|torch|from_numpy|x|img|image|arr/i.test(recvText)) add(ctx, call, 'any.dtype', strV(method === 'float' ? 'float32' : 'float16'), `.${method}()`);
      return;
    case 'fillna': {
      // `s.map(MAPPING).fillna(v)` is the unknown-category value (see 'map'), not a missing-value fill.
      if (recvNode?.type === 'call' && field(recvNode, 'function')?.type === 'attribute' && field(field(recvNode, 'function')!, 'attribute')?.text === 'map') return;
      const v = val(0, 'value');
      const usesStat = node(0, 'value') ? containsStatCall(node(0, 'value')!) : false;
      if (usesStat) {
        const col = subscriptKey(ctx, recvNode) ?? columnOf(ctx, call) ?? '*';
        add(ctx, call, `tabular.fill:${col}`, strV('statistic of the data'), '.fillna()', { shown: `${sliceText(mod, node(0, 'value')!)} (computed on the data)`, name: col });
        add(ctx, call, 'tabular.stat', strV(sliceText(mod, node(0, 'value')!)), '.fillna()');
        return;
      }
      if (v?.k === 'dict') {
        for (const [k, x] of v.entries) {
          if (k.k !== 'str' || x.k === 'unknown') continue;
          add(ctx, call, `tabular.fill:${k.v}`, x, '.fillna()', { name: k.v, fixStyle: 'literal', origin: x.o?.literal ? x.o : undefined });
        }
      } else if (v && v.k !== 'unknown' && v.k !== 'ref') {
        const col = subscriptKey(ctx, recvNode) ?? '*';
        add(ctx, call, `tabular.fill:${col}`, v, '.fillna()', { name: col, fixStyle: 'literal' });
      }
      return;
    }
    case 'clip': {
      addClip(ctx, call, val(0, 'lower'), val(1, 'upper'), '.clip()');
      return;
    }
    case 'rolling':
    case 'ewm':
    case 'shift':
    case 'diff':
    case 'pct_change': {
      const kw = method === 'rolling' ? 'window' : method === 'ewm' ? 'span' : 'periods';
      const w = val(0, kw) ?? (method === 'ewm' ? val(-1, 'alpha') ?? val(-1, 'halflife') ?? val(-1, 'com') : undefined);
      const col = columnOf(ctx, call) ?? '*';
      if (w && w.k !== 'unknown') add(ctx, call, `tabular.window:${col}:${method}`, w, `.${method}()`, { name: col, fixStyle: 'literal' });
      return;
    }
    case 'fit':
    case 'fit_transform':
    case 'partial_fit': {
      if (/ImageOps|model|clf|classifier|regressor|estimator|net\b/i.test(recvText)) return;
      add(ctx, call, 'tabular.fit', strV(`${recvText}.${method}()`), `.${method}()`, { shown: `${truncate(recvText)}.${method}()` });
      return;
    }
    case 'lower':
    case 'casefold':
      if (positional.length === 0 && !/\.str$/.test(recvText)) add(ctx, call, 'text.lowercase', { k: 'bool', v: true }, `.${method}()`, { shown: `lower-cased (.${method}())` });
      return;
    case 'strip':
      if (positional.length === 0 && !/\.str$/.test(recvText)) add(ctx, call, 'text.strip', { k: 'bool', v: true }, '.strip()', { shown: 'stripped (.strip())' });
      return;
    case 'save_pretrained': {
      const dest = val(0, 'save_directory');
      if (dest?.k === 'str' && /tok|processor|extractor/i.test(recvText)) add(ctx, call, 'text.tokenizer_saved', dest, '.save_pretrained()');
      return;
    }
    case 'enable_truncation': {
      const ml = val(0, 'max_length');
      if (ml) add(ctx, call, 'text.max_length', ml, '.enable_truncation()', { fixStyle: 'literal' });
      add(ctx, call, 'text.truncation', strV('longest_first'), '.enable_truncation()', { shown: 'truncation on' });
      return;
    }
    case 'enable_padding': {
      const len = val(-1, 'length');
      add(ctx, call, 'text.padding', strV(len && len.k === 'num' ? 'max_length' : 'longest'), '.enable_padding()');
      const dir = val(-1, 'direction');
      if (dir?.k === 'str') add(ctx, call, 'text.padding_side', dir, '.enable_padding()', { fixStyle: 'literal' });
      return;
    }
    default:
      break;
  }
  extractTokenizerCall(ctx, call, recvText + '.' + method, keywords, val);
}

function extractTokenizerCall(ctx: Ctx, call: PyNode, calleeText: string, keywords: Map<string, PyNode>, val: (i: number, kw?: string) => Value | undefined): void {
  const tokKw = ['max_length', 'truncation', 'padding', 'return_tensors', 'add_special_tokens', 'return_attention_mask'];
  if (!tokKw.some((k) => keywords.has(k))) return;
  if (!/tok|encode|processor|feature_extractor|extractor/i.test(calleeText)) return;
  const via = `${truncate(calleeText)}(…)`;
  if (/extractor/i.test(calleeText)) {
    const sr = val(-1, 'sampling_rate');
    if (sr) add(ctx, call, 'audio.sample_rate', sr, via, { fixStyle: 'literal' });
  }
  const ml = val(-1, 'max_length');
  add(ctx, call, 'text.max_length', ml ?? { k: 'none' }, via, { isDefault: !ml, shown: ml ? undefined : 'none (no max_length)', fixStyle: 'literal' });
  const tr = val(-1, 'truncation');
  const trN = tr?.k === 'bool' ? (tr.v ? 'longest_first' : 'do_not_truncate') : tr?.k === 'str' ? tr.v : tr ? undefined : 'do_not_truncate';
  if (trN) add(ctx, call, 'text.truncation', strV(trN), via, { isDefault: !tr, shown: tr ? `${trN}` : 'off (default)' });
  const pd = val(-1, 'padding');
  const pdN = pd?.k === 'bool' ? (pd.v ? 'longest' : 'do_not_pad') : pd?.k === 'str' ? pd.v : pd ? undefined : 'do_not_pad';
  if (pdN) add(ctx, call, 'text.padding', strV(pdN), via, { isDefault: !pd, shown: pd ? pdN : 'off (default)' });
}

function addClip(ctx: Ctx, call: PyNode, lo: Value | undefined, hi: Value | undefined, via: string): void {
  const l = lo?.k === 'num' ? lo.v : null;
  const h = hi?.k === 'num' ? hi.v : null;
  if (l === null && h === null) return;
  const col = columnOf(ctx, call) ?? '*';
  add(ctx, call, `any.clip:${col}`, { k: 'list', items: [l === null ? { k: 'none' } : numV(l), h === null ? { k: 'none' } : numV(h)], tuple: true }, via, {
    name: col,
    shown: `[${l ?? '-∞'}, ${h ?? '+∞'}]`,
  });
}

function extractArithmetic(ctx: Ctx, n: PyNode): void {
  const { mod, ev } = ctx;
  const op = n.op;
  const right = field(n, 'right');
  const left = field(n, 'left');
  if (!right || !left) return;
  if (op === '/' || op === '*') {
    const r = ev.eval(right, mod);
    if (r.k === 'num') {
      const scale = op === '/' ? 1 / r.v : r.v;
      // x / 127.5 - 1  ==  ((x / 255) - 0.5) / 0.5
      const parent = n.parent?.type === 'parenthesized_expression' ? n.parent.parent : n.parent;
      if (parent?.type === 'binary_operator' && parent.op === '-' && field(parent, 'left') && isWithin(n, field(parent, 'left')!)) {
        const sub = ev.eval(field(parent, 'right'), mod);
        if (sub.k === 'num' && sub.v !== 0) {
          // y = (scale·x − sub) / d  ==  (x/255 − m)/s with s0 = 1/(255·scale), m = sub·s0, s = d·s0
          const s0 = 1 / (255 * scale);
          let outer = parent.parent;
          while (outer?.type === 'parenthesized_expression') outer = outer.parent;
          let d = 1;
          if (outer?.type === 'binary_operator' && outer.op === '/' && field(outer, 'left') && isWithin(parent, field(outer, 'left')!)) {
            const dv = ev.eval(field(outer, 'right'), mod);
            if (dv.k !== 'num') {
              // (x / 255 - MEAN) / STD with per-channel STD: the outer division reports mean and std.
              if (Math.abs(scale * 255 - 1) < 1e-6) add(ctx, n, 'image.scale', numV(scale), 'hand-written', { shown: `1/255 (${sliceText(mod, n).slice(0, 40)})` });
              return;
            }
            d = dv.v;
          }
          const s = d * s0;
          add(ctx, n, 'image.scale', numV(1 / 255), 'hand-written', { shown: `1/255 (x ${op} ${r.v} − ${sub.v})` });
          add(ctx, n, 'image.mean', numList([sub.v * s0]), 'hand-written', { shown: `${+(sub.v * s0).toFixed(4)} (x ${op} ${r.v} − ${sub.v})` });
          add(ctx, n, 'image.std', numList([s]), 'hand-written', { shown: `${+s.toFixed(4)} (x ${op} ${r.v} − ${sub.v})` });
          return;
        }
      }
      if (Math.abs(scale * 255 - 1) < 1e-6 || Math.abs(scale * 65535 - 1) < 1e-9) {
        add(ctx, n, 'image.scale', numV(scale), 'hand-written', { shown: `1/${Math.round(1 / scale)} (${sliceText(mod, n).slice(0, 40)})` });
      }
      return;
    }
    if (op === '/' && r.k === 'list' && numbers(r)) {
      // (x - MEAN) / STD
      const inner = left.type === 'parenthesized_expression' ? left.children[0] : left;
      if (inner?.type === 'binary_operator' && inner.op === '-') {
        const m = ev.eval(field(inner, 'right'), mod);
        if (numbers(m) && !containsStatCall(field(inner, 'right')!)) add(ctx, inner, 'any.mean', m, 'hand-written', { fixStyle: 'literal' });
      }
      add(ctx, n, 'any.std', r, 'hand-written', { fixStyle: 'literal' });
      return;
    }
    if (op === '/' && containsStatCall(right)) {
      add(ctx, n, 'tabular.stat', strV(sliceText(ctx.mod, right)), 'hand-written');
      return;
    }
  }
  if (op === '-') {
    if (containsStatCall(right) && !/\.(max|min)\(/.test(sliceText(mod, right))) {
      add(ctx, n, 'tabular.stat', strV(sliceText(mod, right)), 'hand-written');
      return;
    }
    const date = dateOf(ctx, left);
    if (date) add(ctx, n, 'tabular.reference_date', strV(date.value), 'date arithmetic', { shown: date.shown, origin: date.origin });
  }
}

function extractAugmented(ctx: Ctx, n: PyNode): void {
  const right = field(n, 'right');
  if (!right) return;
  const r = ctx.ev.eval(right, ctx.mod);
  const op = n.op;
  if (op === '/=' && r.k === 'num' && (r.v === 255 || r.v === 65535)) add(ctx, n, 'image.scale', numV(1 / r.v), 'hand-written', { shown: `1/${r.v} (/=)` });
  else if (op === '*=' && r.k === 'num' && Math.abs(r.v * 255 - 1) < 1e-6) add(ctx, n, 'image.scale', numV(r.v), 'hand-written', { shown: '1/255 (*=)' });
  else if (op === '-=' && numbers(r) && !containsStatCall(right)) add(ctx, n, 'any.mean', r, 'hand-written', { fixStyle: 'literal' });
  else if (op === '/=' && r.k === 'list' && numbers(r)) add(ctx, n, 'any.std', r, 'hand-written', { fixStyle: 'literal' });
}

function extractSubscript(ctx: Ctx, n: PyNode): void {
  const subs = n.children.filter((c) => c.field === 'subscript');
  const last = subs[subs.length - 1];
  if (!last) return;
  const text = sliceText(ctx.mod, last).replace(/\s+/g, '');
  if (subs.length >= 2 && subs.slice(0, 2).every((x) => x.type === 'slice' && x.children.length > 0) && !/\.(iloc|loc)$/.test(sliceText(ctx.mod, field(n, 'value')!))) {
    add(ctx, n, 'image.crop', { k: 'unknown' }, 'array slicing', { shown: '? (array slicing)' });
    return;
  }
  if (text === '::-1' && subs.length >= 2) add(ctx, n, 'image.flip', strV('flip'), 'x[..., ::-1]', { shown: 'channel flip ([..., ::-1])' });
  else if (text === '[2,1,0]' && subs.length >= 2) add(ctx, n, 'image.flip', strV('flip'), 'x[..., [2, 1, 0]]', { shown: 'channel flip ([2, 1, 0])' });
  else if (subs.length === 1) {
    // df[FEATURES]: the selection of feature columns, in order.
    const v = ctx.ev.eval(last, ctx.mod);
    const ss = strings(v);
    if (ss && ss.length >= 2 && v.k === 'list') {
      const nameNode = last.type === 'identifier' ? last.text : last.type === 'attribute' ? dottedName(last) : undefined;
      add(ctx, n, 'tabular.features', v, 'column selection', { name: nameNode ?? '(selection)', origin: v.o, fixStyle: 'literal' });
    }
  }
}

const FEATURE_NAME = /feature|column|cols\b|_cols|fields|inputs/i;
const CATEGORY_NAME = /known|categor|vocab|classes|levels|allowed|values|choices/i;
const MAP_NAME = /map|mapping|vocab|index|encod|lookup|to_id|2id|2idx/i;

function extractAssignment(ctx: Ctx, n: PyNode): void {
  const left = field(n, 'left');
  const right = field(n, 'right');
  if (!left || !right) return;
  const fn = enclosingFunction(ctx.mod, n);
  if (left.type === 'attribute' && field(left, 'attribute')?.text === 'padding_side') {
    const v = ctx.ev.eval(right, ctx.mod);
    if (v.k === 'str') add(ctx, n, 'text.padding_side', v, 'tokenizer.padding_side', { fixStyle: 'literal' });
    return;
  }
  if (left.type !== 'identifier' || (fn && !/^[A-Z_0-9]+$/.test(left.text))) return;
  const dictCall = right.type === 'call' && dottedName(field(right, 'function')) === 'dict';
  if (right.type !== 'list' && right.type !== 'tuple' && right.type !== 'dictionary' && !dictCall) return;
  const v = ctx.ev.eval(right, ctx.mod);
  const ss = strings(v);
  if (ss && ss.length >= 2) {
    if (FEATURE_NAME.test(left.text)) add(ctx, n, 'tabular.features', v, 'feature list', { name: left.text, origin: v.o, fixStyle: 'literal' });
    else if (CATEGORY_NAME.test(left.text)) add(ctx, n, `tabular.categories:${left.text}`, v, 'category list', { name: left.text, origin: v.o, fixStyle: 'literal' });
    return;
  }
  if (v.k === 'dict' && v.entries.length >= 2 && MAP_NAME.test(left.text) && v.entries.every(([k, x]) => k.k === 'str' && (x.k === 'num' || x.k === 'str'))) {
    for (const [k, x] of v.entries) {
      add(ctx, n, `tabular.map:${left.text}:${(k as { v: string }).v}`, x, 'category map', { name: left.text, origin: x.o?.literal ? x.o : undefined, fixStyle: 'literal' });
    }
  }
}

function containsStatCall(n: PyNode): boolean {
  let found = false;
  walk(n, (c) => {
    if (found || c.type !== 'call') return;
    const f = field(c, 'function');
    if (f?.type === 'attribute') {
      const m = field(f, 'attribute')?.text;
      const args = field(c, 'arguments');
      if ((m === 'mean' || m === 'median' || m === 'std' || m === 'var' || m === 'mode' || m === 'quantile') && (args?.children.length ?? 0) <= 1) found = true;
    }
  });
  return found;
}

function dateOf(ctx: Ctx, n: PyNode): { value: string; shown: string; origin?: ReturnType<typeof originOf> } | undefined {
  let target: PyNode | undefined = n.type === 'parenthesized_expression' ? n.children[0] : n;
  if (target?.type === 'identifier') {
    const b = ctx.mod.globals.get(target.text)?.at(-1) ?? enclosingFunction(ctx.mod, n)?.locals.get(target.text)?.at(-1);
    target = b?.value;
  }
  if (target?.type !== 'call') return undefined;
  const name = ctx.ev.canonicalName(field(target, 'function'), ctx.mod) ?? '';
  if (/(\.now|\.today|\.utcnow)$/.test(name) && /^(pandas|datetime|numpy|time|arrow|pendulum)/.test(name)) return { value: 'now', shown: `${name}() (the time of the request)` };
  if (/^(pandas\.Timestamp|pandas\.to_datetime|datetime\.datetime|datetime\.date|numpy\.datetime64)$/.test(name)) {
    const a = callArgs(target).positional[0];
    const v = a ? ctx.ev.eval(a, ctx.mod) : undefined;
    if (v?.k === 'str') return v.v === 'now' || v.v === 'today' ? { value: 'now', shown: `${name}("${v.v}")` } : { value: 'fixed', shown: `${name}("${v.v}") (a fixed date)` };
    if (v?.k === 'num') return { value: 'fixed', shown: `${sliceText(ctx.mod, target)} (a fixed date)` };
  }
  return undefined;
}

function moveaxisLayout(src: Value | undefined, dst: Value | undefined): string | undefined {
  if (src?.k !== 'num' || dst?.k !== 'num') return undefined;
  if ((src.v === -1 || src.v === 2) && dst.v === 0) return 'CHW';
  if (src.v === 0 && (dst.v === -1 || dst.v === 2)) return 'HWC';
  if ((src.v === -1 || src.v === 3) && dst.v === 1) return 'CHW';
  return undefined;
}

function layoutOf(axes: number[] | undefined): string | undefined {
  const s = axes?.join(',');
  if (s === '2,0,1' || s === '0,3,1,2') return 'CHW';
  if (s === '1,2,0' || s === '0,2,3,1') return 'HWC';
  return undefined;
}

export function dtypeName(v: Value | undefined): string | undefined {
  if (!v) return undefined;
  const s = v.k === 'ref' ? v.name.slice(v.name.lastIndexOf('.') + 1) : v.k === 'str' ? v.v : undefined;
  if (!s) return undefined;
  const m = s.match(/^(float16|float32|float64|half|float|double|uint8|int8|int32|int64|bfloat16|f4|f8|u1)$/);
  if (!m) return undefined;
  return ({ half: 'float16', float: v.k === 'ref' && v.name.startsWith('torch') ? 'float32' : 'float64', double: 'float64', f4: 'float32', f8: 'float64', u1: 'uint8' } as Record<string, string>)[m[1]] ?? m[1];
}

function isWithin(n: PyNode, outer: PyNode): boolean {
  return n.start >= outer.start && n.end <= outer.end;
}

function sliceText(mod: ModuleIndex, n: PyNode): string {
  return mod.source.slice(n.start, n.end);
}

function truncate(s: string): string {
  return s.length > 40 ? `${s.slice(0, 37)}…` : s;
}

function fmtScale(v: number): string {
  return Math.abs(v * 255 - 1) < 1e-6 ? '1/255' : String(+v.toPrecision(4));
}

const IMAGE_SIGNAL = /^image\.(load|convert|size|interpolation|crop|scale|flip)$/;
const TABULAR_SIGNAL = /^tabular\./;

/**
 * Hand-written steps (`any.*`: mean/std arithmetic, dtype casts, transposes, clipping) belong to the image
 * pipeline when their function (else their module) has image steps, else to the tabular one.
 */
function classifyDomains(ctx: Ctx): void {
  const fnDomain = new Map<PyNode | undefined, { image: boolean; tabular: boolean }>();
  const fnOf = (f: Fact): PyNode | undefined => enclosingFunction(ctx.mod, f.node)?.node;
  for (const f of ctx.facts) {
    const k = fnOf(f);
    const d = fnDomain.get(k) ?? { image: false, tabular: false };
    if (IMAGE_SIGNAL.test(f.key)) d.image = true;
    if (TABULAR_SIGNAL.test(f.key)) d.tabular = true;
    fnDomain.set(k, d);
  }
  const moduleImage = [...fnDomain.values()].some((d) => d.image);
  const out: Fact[] = [];
  for (const f of ctx.facts) {
    if (!f.key.startsWith('any.')) {
      out.push(f);
      continue;
    }
    const d = fnDomain.get(fnOf(f));
    const rest = f.key.slice(4);
    const image = d?.image || (!d?.tabular && moduleImage && !rest.startsWith('clip:') && !rest.startsWith('clip'));
    if (image) {
      if (rest.startsWith('clip')) out.push({ ...f, key: 'image.clip' });
      else out.push({ ...f, key: `image.${rest}` });
    } else if (rest.startsWith('clip')) out.push({ ...f, key: `tabular.${rest}` });
    else if (rest === 'mean' || rest === 'std') out.push({ ...f, key: `tabular.${rest}` });
    // dtype and layout casts outside image code are bookkeeping, not preprocessing facts.
  }
  ctx.facts = out;
}
