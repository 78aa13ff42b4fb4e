/**
 * Extracts the preprocessing facts of one Python module. This file walks the module and handles images
 * (torchvision v1/v2, PIL, OpenCV, NumPy, albumentations, tf.image, Keras preprocessing layers) and the
 * hand-written arithmetic; text, tabular and audio calls go to extractText.ts, extractTabular.ts and
 * extractAudio.ts. Values are followed with {@link Evaluator}.
 */
import type { Evaluator } from './evaluate';
import { extractAudioCall } from './extractAudio';
import {
  add, addClip, addInterp, addSize, containsStatCall, dateOf, dtypeName, fmtScale, isWithin, layoutOf, moveaxisLayout,
  fmtDuration, innerColumn, numList, numV, parseDuration, sliceText, strV, type CallSite, type Ctx,
} from './extractCommon';
import { extractTabularAssignment, extractTabularCall, extractTabularMethod } from './extractTabular';
import { extractTextAssignment, extractTextCall, extractTextMethod, extractTokenizerCall } from './extractText';
import type { Fact } from './facts';
import { callArgs, enclosingFunction, type ModuleIndex } from './moduleIndex';
import { dottedName, field, walk, type PyNode } from './pyAst';
import { numbers, strings, type Value } from './values';

export { dtypeName, interpolationName } from './extractCommon';

const IMAGENET_MEAN = [0.485, 0.456, 0.406];
const IMAGENET_STD = [0.229, 0.224, 0.225];

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
      else if (n.type === 'conditional_expression' || n.type === 'boolean_operator') extractNoneFill(ctx, n);
      else if (n.type === 'assignment') {
        const left = field(n, 'left');
        const right = field(n, 'right');
        if (left && right && !extractTextAssignment(ctx, n, left, right)) extractTabularAssignment(ctx, n, left, right);
      }
    } catch {
      // same
    }
  });
  for (const entry of ctx.channels?.values() ?? []) {
    for (const key of ['mean', 'std'] as const) {
      const list = entry[key];
      if (list.length < 3) continue;
      const filled = Array.from({ length: list.length }, (_, i) => list[i]);
      if (filled.some((x) => !x)) continue;
      add(ctx, filled[0]!.node, `any.${key}`, numList(filled.map((x) => x!.v)), 'hand-written', { shown: `(${filled.map((x) => x!.v).join(', ')}) (per-channel ${key === 'mean' ? '-=' : '/='})` });
    }
  }
  mergeIntervals(ctx);
  extractTextCleaning(ctx);
  extractSpecialTokens(ctx);
  classifyDomains(ctx);
  markInModel(ctx);
  return ctx.facts;
}

const IN_MODEL_KEYS = /^image\.(scale|mean|std|size|crop|layout|interpolation)$/;

/**
 * Steps that are part of the model: Keras preprocessing layers inside `Sequential([...])` or in a function that
 * builds a functional model (`keras.Input` … `keras.Model`), and arithmetic in a torch module's `forward` (or a
 * Keras layer's `call`). The exported model carries them to serving.
 */
function markInModel(ctx: Ctx): void {
  const src = ctx.mod.source;
  for (const f of ctx.facts) {
    if (!IN_MODEL_KEYS.test(f.key)) continue;
    const fn = enclosingFunction(ctx.mod, f.node);
    const fnName = fn ? field(fn.node, 'name')?.text : undefined;
    if ((fnName === 'forward' || fnName === 'call') && /class\s+\w+\s*\([^)]*(Module|Layer|Model)\b/.test(src)) {
      f.inModel = true;
      continue;
    }
    if (!f.via.startsWith('Keras ')) continue;
    let p: PyNode | undefined = f.node.parent;
    let inSequential = false;
    while (p) {
      // A Sequential of preprocessing layers only is a data pipeline (ds.map(prep)); with model layers it is the model.
      if (p.type === 'call' && /Sequential$/.test(sliceText(ctx.mod, field(p, 'function') ?? p))) {
        inSequential = /Dense|Conv\d|Flatten|GlobalAverage|GlobalMax|Dropout|LSTM|GRU|Embedding|applications\.|base_model|backbone|Activation|BatchNormalization/.test(sliceText(ctx.mod, p));
        break;
      }
      p = p.parent;
    }
    const scope = fn ? sliceText(ctx.mod, fn.node) : src;
    if (inSequential || (/\bInput\s*\(/.test(scope) && /\bModel\s*\(/.test(scope))) f.inModel = true;
  }
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
  const recvNode = fnNode.type === 'attribute' ? field(fnNode, 'object') : undefined;
  const recvText = recvNode ? mod.source.slice(recvNode.start, recvNode.end) : '';
  const site: CallSite = { call, name, method, recvNode, recvText, positional, keywords, node, val, via: name ?? `.${method}()` };

  if ((name === 'list' || name === 'tuple' || name === 'numpy.fromiter') && positional[0]) {
    if (extractDictOrderVector(ctx, call, positional[0])) return;
  }
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
          addAntialias(ctx, call, val(off + 3, 'antialias'), true, via);
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
    if (extractTorchvisionPreset(ctx, site)) return;
    if (extractImageProcessor(ctx, site)) return;
    if (extractLogScale(ctx, site)) return;
    if (extractAudioCall(ctx, site) || extractTextCall(ctx, site) || extractTabularCall(ctx, site)) return;
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
        addAntialias(ctx, call, undefined, false, via);
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
        if (name === 'tf.image.resize') addAntialias(ctx, call, val(4, 'antialias'), false, via);
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
      case 'numpy.frombuffer': {
        const dv = val(1, 'dtype');
        const raw = dv?.k === 'ref' ? dv.name.split('.').pop() : dv?.k === 'str' ? dv.v : undefined;
        const dt = raw && /^([<>=|]?i2|int16|short|h)$/.test(raw) ? 'int16' : raw && /^([<>=|]?i4|int32)$/.test(raw) ? 'int32' : undefined;
        if (dt === 'int16' || dt === 'int32') add(ctx, call, 'audio.pcm_scale', strV('integer PCM'), via, { shown: `integer PCM (np.frombuffer ${dt})` });
        return;
      }
      case 'datetime.timedelta':
      case 'pandas.Timedelta':
      case 'pandas.DateOffset':
      case 'pandas.offsets.DateOffset':
      case 'numpy.timedelta64':
      case 'pandas.to_timedelta': {
        // Only a look-back (`now - timedelta(days=7)`) is a window; `day + timedelta(days=1)` shifts a date.
        let up = call.parent;
        while (up?.type === 'parenthesized_expression') up = up.parent;
        const secs = durationOf(site);
        if (secs === undefined || up?.type !== 'binary_operator' || up.op !== '-' || !isWithin(call, field(up, 'right') ?? up)) return;
        add(ctx, call, 'tabular.span', numV(secs), via, { shown: `${fmtDuration(secs)} (${sliceText(mod, call).slice(0, 40)})` });
        return;
      }
      case 'numpy.clip': {
        const lo = val(1, 'a_min');
        const hi = val(2, 'a_max');
        addClip(ctx, call, lo, hi, via);
        return;
      }
      default:
        break;
    }
    if (/^keras\.(utils|preprocessing(\.image)?)\.(image_dataset_from_directory|load_img)$/.test(name)) {
      // Keras resizes while loading: image_dataset_from_directory to image_size (default (256, 256), bilinear);
      // load_img to target_size with nearest-neighbour by default.
      const isDataset = name.endsWith('image_dataset_from_directory');
      const mode = val(-1, 'color_mode');
      const gray = mode?.k === 'str' && mode.v === 'grayscale';
      add(ctx, call, 'image.load', strV(gray ? 'GRAY' : 'RGB'), via, { shown: name });
      const size = val(-1, isDataset ? 'image_size' : 'target_size');
      if (size) addSize(ctx, call, size, 'hw', via);
      else if (isDataset) add(ctx, call, 'image.size', numList([256, 256]), via, { isDefault: true, shown: '256×256 (H×W, image_dataset_from_directory default)' });
      if (size || isDataset) addInterp(ctx, call, val(-1, 'interpolation'), 'none', isDataset ? 'bilinear' : 'nearest', via, 'literal');
      add(ctx, call, 'image.layout', strV('HWC'), via, { isDefault: true, shown: 'HWC (Keras)' });
      return;
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
  }

  // Methods on values (receivers we cannot type: images, arrays, frames, tokenizers).
  if (!method) {
    if (fnNode.type === 'identifier' && !mod.imports.has(fnNode.text)) extractTokenizerCall(ctx, call, fnNode.text, keywords, val);
    return;
  }
  const recvIsModule = !!name && !!recvNode && recvNode.type === 'identifier' && mod.imports.has(recvNode.text);
  if (recvIsModule) return;
  if (extractTabularMethod(ctx, site) || extractTextMethod(ctx, site)) return;
  switch (method) {
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
        addAntialias(ctx, call, undefined, true, 'PIL Image.resize');
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
    case 'reshape':
    case 'view': {
      // reshape(1, 3, H, W) of HWC pixels does not move the channels (a transpose does): recorded, resolved in compare.
      const dims = positional.length === 1 ? numbers(val(0)) : numbers({ k: 'list', items: positional.map((p) => ev.eval(p, mod)) });
      if (dims && dims.length === 4 && (dims[1] === 3 || dims[1] === 1) && dims[2] > 4 && dims[3] > 4) add(ctx, call, 'any.layout', strV('CHW by reshape'), `.${method}(${dims.join(', ')})`, { shown: `CHW by .${method}(${dims.join(', ')}) (channels not moved)` });
      else if (dims && dims.length === 4 && (dims[3] === 3 || dims[3] === 1) && dims[1] > 4 && dims[2] > 4) add(ctx, call, 'any.layout', strV('HWC by reshape'), `.${method}(${dims.join(', ')})`, { shown: `HWC by .${method}(${dims.join(', ')})` });
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
    default:
      break;
  }
  extractTokenizerCall(ctx, call, recvText + '.' + method, keywords, val);
}

const ARITH = new Set(['+', '-', '*', '/']);

/** y = a·x + b per channel (lists broadcast), or undefined when the expression is not affine in one operand. */
interface Affine { a: number[]; b: number[]; leaf: PyNode }

function bcast(x: number[], n: number): number[] {
  return x.length === n ? x : x.length === 1 ? new Array(n).fill(x[0]) : x;
}

/** The affine map of an arithmetic expression in exactly one non-constant operand (the pixel array). */
function affineOf(ctx: Ctx, n: PyNode, depth = 0): Affine | 'const' | undefined {
  if (depth > 12) return undefined;
  while (n.type === 'parenthesized_expression' && n.children[0]) n = n.children[0];
  if (n.type !== 'binary_operator' || !ARITH.has(n.op ?? '')) {
    const v = ctx.ev.eval(n, ctx.mod);
    const ns = numbers(v);
    if (ns && ns.length && ns.length <= 4 && v.k !== 'unknown') return 'const';
    return { a: [1], b: [0], leaf: n };
  }
  const l = field(n, 'left');
  const r = field(n, 'right');
  if (!l || !r) return undefined;
  const la = affineOf(ctx, l, depth + 1);
  const ra = affineOf(ctx, r, depth + 1);
  if (!la || !ra || (la === 'const' && ra === 'const')) return la === 'const' && ra === 'const' ? 'const' : undefined;
  if (la !== 'const' && ra !== 'const') return undefined;
  const cv = (side: PyNode): number[] => numbers(ctx.ev.eval(side, ctx.mod))!;
  const f = (la === 'const' ? ra : la) as Affine;
  const c = la === 'const' ? cv(l) : cv(r);
  const len = Math.max(f.a.length, f.b.length, c.length);
  const A = bcast(f.a, len);
  const B = bcast(f.b, len);
  const C = bcast(c, len);
  if (A.length !== len || B.length !== len || C.length !== len) return undefined;
  switch (n.op) {
    case '+': return { a: A, b: B.map((x, i) => x + C[i]), leaf: f.leaf };
    case '-': return la === 'const' ? { a: A.map((x) => -x), b: B.map((x, i) => C[i] - x), leaf: f.leaf } : { a: A, b: B.map((x, i) => x - C[i]), leaf: f.leaf };
    case '*': return { a: A.map((x, i) => x * C[i]), b: B.map((x, i) => x * C[i]), leaf: f.leaf };
    case '/': return la === 'const' || C.some((x) => x === 0) ? undefined : { a: A.map((x, i) => x / C[i]), b: B.map((x, i) => x / C[i]), leaf: f.leaf };
    default: return undefined;
  }
}

/**
 * A whole pixel expression (`(x - 127.5) / 127.5`, `x / 255.0 * 2 - 1`, `(x / 255 - M) / S`) composed into one
 * affine map y = a·x + b and written as the canonical ((x/255) − mean) / std with mean = −b/(255·a)·… (per channel).
 * Only for the outermost arithmetic node, with both a scale and an offset.
 */
function extractAffine(ctx: Ctx, n: PyNode): boolean {
  let p = n.parent;
  while (p?.type === 'parenthesized_expression') p = p.parent;
  if (p?.type === 'binary_operator' && ARITH.has(p.op ?? '')) return false;
  // Geometry (`int(round((w - CROP) / 2))`, `(h - size) // 2`) is not pixel arithmetic.
  let wrap = p;
  while (wrap && (wrap.type === 'argument_list' || wrap.type === 'parenthesized_expression')) wrap = wrap.parent;
  if (wrap?.type === 'call' && /^(int|round|math\.floor|math\.ceil|floor|ceil|range|slice)$/.test(sliceText(ctx.mod, field(wrap, 'function') ?? wrap))) return false;
  const aff = affineOf(ctx, n);
  if (!aff || aff === 'const') return false;
  if (/^(h|w|height|width|size|top|left|right|bottom|x0|y0|x1|y1|pad|offset|crop|side|short|long|n|i|j|k|idx|index|length|len|t|ts|dt|seconds|minutes|hours|days)$|shape|\.size\b|len\(|_size$|^size_|width|height/i.test(sliceText(ctx.mod, aff.leaf).trim())) return false;
  if (aff.a.every((x) => x === 1) || aff.b.every((x) => x === 0) || aff.a.some((x) => !(x > 0))) return false;
  // y = a·x + b = (x − m)/s  ⇒  s = 1/a, m = −b/a (in the input's units; 0–255 means are folded by compare.ts).
  const s = aff.a.map((x) => 1 / x);
  const m = aff.b.map((x, i) => -x * s[i]);
  if (s.some((x) => x > 1e4) || m.some((x) => Math.abs(x) > 1e4)) return false;
  const txt = sliceText(ctx.mod, n).replace(/\s+/g, ' ').slice(0, 40);
  const r4 = (xs: number[]): string => xs.map((x) => +x.toFixed(4)).join(', ');
  add(ctx, n, 'any.img_mean', numList(m), 'hand-written affine', { shown: `(${r4(m)}) (${txt})` });
  add(ctx, n, 'any.img_std', numList(s), 'hand-written affine', { shown: `(${r4(s)}) (${txt})` });
  (ctx.affine ??= []).push(n);
  return true;
}

function extractArithmetic(ctx: Ctx, n: PyNode): void {
  const { mod, ev } = ctx;
  const op = n.op;
  if (op && ARITH.has(op)) extractAffine(ctx, n);
  const right = field(n, 'right');
  const left = field(n, 'left');
  if (!right || !left) return;
  if (op === '/' || op === '*') {
    // `Rescaling(1.0 / 255)`: the layer's argument, reported by the layer itself.
    let up = n.parent;
    while (up && (up.type === 'argument_list' || up.type === 'keyword_argument' || up.type === 'parenthesized_expression')) up = up.parent;
    if (up?.type === 'call' && /(Rescaling|Normalization)$/.test(sliceText(mod, field(up, 'function') ?? up))) return;
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
      if ([32768, 32767, 2147483648, 2147483647].some((d) => Math.abs(scale * d - 1) < 1e-12)) {
        add(ctx, n, 'audio.pcm_scale', strV('float [-1, 1]'), 'hand-written', { shown: `float [-1, 1] (${sliceText(mod, n).slice(0, 40)})` });
        return;
      }
      if (Math.abs(scale * 255 - 1) < 1e-6 || Math.abs(scale * 65535 - 1) < 1e-9) {
        add(ctx, n, 'image.scale', numV(scale), 'hand-written', { shown: `1/${Math.round(1 / scale)} (${sliceText(mod, n).slice(0, 40)})` });
      }
      return;
    }
    if (op === '/' && /iinfo\s*\(\s*(np\.|numpy\.)?int(16|32)|2\s*\*\*\s*(15|31)/.test(sliceText(mod, right))) {
      add(ctx, n, 'audio.pcm_scale', strV('float [-1, 1]'), 'hand-written', { shown: `float [-1, 1] (${sliceText(mod, n).slice(0, 40)})` });
      return;
    }
    if (op === '/' && /(^|[.\["'_])(var|var_|variance)(["'\]]|\b)/.test(sliceText(mod, right)) && !/sqrt|\*\*\s*0?\.5/.test(sliceText(mod, right))) {
      add(ctx, n, 'tabular.variance_div', strV(sliceText(mod, right)), 'hand-written', { shown: `÷ ${sliceText(mod, right)} (a variance)` });
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

/** `img[..., 0] -= 104.0` … per channel: collected and reported as one per-channel list (see extractFacts). */
function channelIndex(left: PyNode | undefined): number | undefined {
  if (left?.type !== 'subscript') return undefined;
  const subs = left.children.filter((c) => c.field === 'subscript');
  const last = subs[subs.length - 1];
  if (!last || subs.length < 2 || last.type !== 'integer') return undefined;
  const i = Number(last.text);
  return i >= 0 && i <= 3 ? i : undefined;
}

function extractAugmented(ctx: Ctx, n: PyNode): void {
  const right = field(n, 'right');
  if (!right) return;
  const r = ctx.ev.eval(right, ctx.mod);
  const op = n.op;
  const ch = channelIndex(field(n, 'left'));
  if (ch !== undefined && (op === '-=' || op === '/=') && r.k === 'num') {
    const fn = enclosingFunction(ctx.mod, n)?.node ?? ctx.mod.root;
    const key = op === '-=' ? 'mean' : 'std';
    const byFn = (ctx.channels ??= new Map());
    const entry = byFn.get(fn) ?? { mean: [], std: [] };
    entry[key][ch] = { v: r.v, node: n };
    byFn.set(fn, entry);
    return;
  }
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
  // Inside a pixel expression composed into one affine map (image code), the step-by-step facts of its parts
  // give way to the composed ones; outside image code the composed ones are dropped instead.
  // When the step-by-step facts of an expression already give both mean and std (`(x - MEAN) / STD`), they win:
  // they point at the literals and carry quick fixes.
  const complete = new Set<PyNode>();
  for (const a of ctx.affine ?? []) {
    const inner = ctx.facts.filter((f) => f.via === 'hand-written' && isWithin(f.node, a));
    const m = numbers(inner.find((f) => /\.mean$/.test(f.key))?.value);
    const sd = numbers(inner.find((f) => /\.std$/.test(f.key))?.value);
    const composedM = numbers(ctx.facts.find((f) => f.node === a && f.key === 'any.img_mean')?.value);
    const composedS = numbers(ctx.facts.find((f) => f.node === a && f.key === 'any.img_std')?.value);
    if (!m || !sd || !composedM || !composedS) continue;
    // Same map? step facts: y = (scale·x − m)/sd; composed: y = (x − M)/S.
    const sc = numbers(inner.find((f) => /\.scale$/.test(f.key))?.value)?.[0] ?? 1;
    const n = Math.max(m.length, sd.length, composedM.length, composedS.length);
    const at = (xs: number[], i: number): number => xs[xs.length === 1 ? 0 : i];
    let same = true;
    for (let i = 0; i < n && same; i++) {
      const A1 = sc / at(sd, i);
      const B1 = -at(m, i) / at(sd, i);
      const A2 = 1 / at(composedS, i);
      const B2 = -at(composedM, i) / at(composedS, i);
      same = Math.abs(A1 - A2) <= 1e-6 * Math.max(Math.abs(A1), Math.abs(A2)) && Math.abs(B1 - B2) <= 1e-6 * Math.max(1, Math.abs(B1), Math.abs(B2));
    }
    if (same) complete.add(a);
  }
  const shadowed = (f: Fact): boolean => f.via === 'hand-written' && !!ctx.affine?.some((a) => !complete.has(a) && isWithin(f.node, a));
  for (const f of ctx.facts) {
    if (shadowed(f) && fnDomain.get(fnOf(f))?.image) continue;
    if (f.via === 'hand-written affine' && [...complete].some((a) => a === f.node)) continue;
    if (!f.key.startsWith('any.')) {
      out.push(f);
      continue;
    }
    const d = fnDomain.get(fnOf(f));
    const rest = f.key.slice(4);
    const image = d?.image || (!d?.tabular && moduleImage && !rest.startsWith('clip:') && !rest.startsWith('clip'));
    if (rest.startsWith('img_')) {
      // Composed pixel arithmetic: image steps only.
      if (d?.image) out.push({ ...f, key: `image.${rest.slice(4)}` });
      continue;
    }
    // A one-sided bound written with the builtins (`max(0, t - d)`) is bookkeeping unless its function does other
    // tabular preprocessing (whisper's word timestamps are clamped with max() in output post-processing).
    if (rest.startsWith('clip') && (f.via === 'max()' || f.via === 'min()') && !d?.tabular && !d?.image) continue;
    if (image) {
      if (rest.startsWith('clip')) out.push({ ...f, key: 'image.clip' });
      else out.push({ ...f, key: `image.${rest}` });
    } else if (rest.startsWith('clip')) out.push({ ...f, key: `tabular.${rest}` });
    else if (rest === 'mean' || rest === 'std') out.push({ ...f, key: `tabular.${rest}` });
    // dtype and layout casts outside image code are bookkeeping, not preprocessing facts.
  }
  ctx.facts = out;
}

function durationOf(site: CallSite): number | undefined {
  const first = site.val(0);
  if (site.name === 'numpy.timedelta64') {
    const u = site.val(1);
    return first?.k === 'num' && u?.k === 'str' ? parseDuration(`${first.v}${u.v}`) : undefined;
  }
  if (first?.k === 'str') return parseDuration(first.v);
  if (site.name === 'pandas.Timedelta' || site.name === 'pandas.to_timedelta') {
    const unit = site.val(1, 'unit');
    if (first?.k === 'num' && unit?.k === 'str') return parseDuration(`${first.v}${unit.v}`);
  }
  let total = 0;
  let any = false;
  for (const [kw, mult] of [['weeks', 604800], ['days', 86400], ['hours', 3600], ['minutes', 60], ['seconds', 1]] as const) {
    const v = site.keywords.has(kw) ? site.val(-1, kw) : undefined;
    if (!v) continue;
    if (v.k !== 'num') return undefined;
    total += v.v * mult;
    any = true;
  }
  if (!any && site.name === 'datetime.timedelta' && first?.k === 'num') return first.v * 86400;
  return any ? total : undefined;
}


const CLEAN_NAME = /clean|normali[sz]|preprocess|prep_|_prep|sanitize|scrub|canonical|text|comment|query|sentence|strip_|remove_|expand|contraction|accent|punct|html|emoji|stopword/i;

/** The text operations of a function body, by kind (the value a cleaning step is compared by). */
function textOps(mod: ModuleIndex, fn: PyNode, depth = 0): Set<string> {
  const ops = new Set<string>();
  const src = sliceText(mod, fn);
  if (/html\.unescape|unescape\(/.test(src)) ops.add('html-unescape');
  const uni = /unicodedata\.normalize\(\s*["'](\w+)["'][^)]*\)(\s*\.\s*encode\(\s*["']ascii)?/.exec(src);
  if (uni) ops.add(uni[2] ? 'strip-accents' : `unicode-${uni[1]}`);
  if (/\.lower\(\)|\.casefold\(\)/.test(src)) ops.add('lower');
  if (/\.strip\(\)/.test(src)) ops.add('strip');
  if (/unidecode|ftfy/.test(src)) ops.add('transliterate');
  if (/\.translate\(/.test(src)) ops.add('translate');
  // re.sub / compiled.sub patterns, classified by what they match.
  const patterns: string[] = [];
  for (const m of src.matchAll(/\b(?:re\.sub|re\.compile)\(\s*r?(["'])((?:\\.|(?!\1).)*)\1/g)) patterns.push(m[2]);
  for (const p of patterns) {
    if (/https?|www|url/i.test(p)) ops.add('urls');
    else if (/@/.test(p)) ops.add('mentions');
    else if (/<|&\w*;/.test(p)) ops.add('html-tags');
    else if (/^\\s\+$|^\s\+$|\\s\{2,\}|^ \+$/.test(p)) ops.add('whitespace');
    else if (/\\d|0-9/.test(p)) ops.add('digits');
    else if (/\\w|a-z|punct|[!?.,;:]/i.test(p)) ops.add('punctuation');
    else ops.add(`re:${p.slice(0, 20)}`);
  }
  if (/\.split\(\)\s*\)|" "\.join\(\s*\w+\.split\(\)/.test(src)) ops.add('whitespace');
  // A module-level compiled pattern (`CLEANUP_REGEX.sub("", text)`): named by the constant.
  for (const m of src.matchAll(/\b([A-Z][A-Z0-9_]*)\.sub\(/g)) ops.add(/HTML|TAG/.test(m[1]) ? 'html-tags' : /URL/.test(m[1]) ? 'urls' : `re:${m[1].toLowerCase()}`);
  if (/contraction/i.test(src)) ops.add('contractions');
  if (/string\.punctuation/.test(src)) ops.add('punctuation');
  void depth;
  return ops;
}

const SPECIAL_ATTR = /^(eos|bos|sep|cls)_token$/;
const SPECIAL_LITERAL = /^(<\|endoftext\|>|<\/s>|<s>|\[SEP\]|\[CLS\]|<eos>|<bos>)$/;

/**
 * A special token joined to the text by hand (`text + tokenizer.eos_token`, `f"{q}{tok.sep_token}{d}"`): one
 * `text.special_token` step valued by the token's name, so a side that appends EOS and one that does not differ.
 */
function extractSpecialTokens(ctx: Ctx): void {
  const { mod } = ctx;
  const seen = new Set<string>();
  walk(mod.root, (n) => {
    let token: string | undefined;
    if (n.type === 'attribute') {
      const a = field(n, 'attribute')?.text ?? '';
      if (!SPECIAL_ATTR.test(a)) return;
      // Joined into a string: an operand of `+`, or an interpolation of an f-string.
      const p = n.parent;
      if (!(p?.type === 'binary_operator' && p.op === '+') && p?.type !== 'interpolation') return;
      token = a;
    } else if (n.type === 'string' && n.parent?.type === 'binary_operator' && n.parent.op === '+') {
      const text = mod.source.slice(n.start, n.end).replace(/^[rbuf]*(["'])(.*)\1$/s, '$2');
      const hit = SPECIAL_LITERAL.exec(text);
      if (!hit) return;
      token = /endoftext|<\/s>|eos/i.test(hit[1]) ? 'eos_token' : /<s>|bos/i.test(hit[1]) ? 'bos_token' : /SEP/.test(hit[1]) ? 'sep_token' : 'cls_token';
    } else return;
    if (seen.has(token)) return;
    seen.add(token);
    add(ctx, n, 'text.special_token', strV(token), 'hand-written', { shown: `${token} joined to the text (${mod.source.slice(n.start, n.end).slice(0, 40)})` });
  });
}

/**
 * Calls of a project text-cleaning function (`clean_text(s)`, a helper defined in the module or imported from the
 * project): one `text.clean` step valued by the set of text operations in its body (whitespace, URLs, mentions,
 * HTML, unicode form, lower-casing, …), so two cleaning functions compare by what they do, not by name.
 */
function extractTextCleaning(ctx: Ctx): void {
  const { mod } = ctx;
  for (const [name, calls] of mod.callsByName) {
    const last = name.split('.').pop() ?? name;
    if (!CLEAN_NAME.test(last) || /image|img|pixel|audio|wave|path|file|url_for|dataset|loader|batch/i.test(last)) continue;
    let fnNode: PyNode | undefined;
    let fnMod: ModuleIndex = mod;
    const local = mod.functions.get(last);
    if (local) fnNode = local.node;
    else if (name.startsWith('self.')) {
      // A method inherited from a base class of another module (`class H(TextHandler)` … `self._remove_html(text)`).
      const hit = inheritedMethod(ctx, mod, last, 0);
      if (!hit) continue;
      fnNode = hit.node;
      fnMod = hit.mod;
    } else {
      const imported = mod.fromImports.get(last);
      if (!imported) continue;
      const target = ctx.ev.project.resolveImport(mod.file, imported.module);
      const other = target ? ctx.ev.project.module(target) : undefined;
      const fi = other?.functions.get(imported.name);
      if (!other || !fi) continue;
      fnNode = fi.node;
      fnMod = other;
    }
    const ops = textOps(fnMod, fnNode);
    if (!ops.size || /np\.|cv2\.|torch\.|Image\./.test(sliceText(fnMod, fnNode))) continue;
    const value = [...ops].sort().join(', ');
    for (const call of calls) {
      if (enclosingFunction(mod, call)?.node === fnNode) continue; // recursion inside the helper itself
      add(ctx, call, 'text.clean', strV(value), `${last}()`, { shown: `${last}(): ${value}` });
    }
  }
}

/**
 * `(d > t - timedelta(days=8)) & (d <= t - timedelta(days=1))`: two look-backs bounding one interval are one
 * window of their difference (7 days).
 */
function mergeIntervals(ctx: Ctx): void {
  const spans = ctx.facts.filter((f) => f.key === 'tabular.span' && f.via !== '.rolling()' && f.value.k === 'num');
  const groups = new Map<PyNode, Fact[]>();
  for (const f of spans) {
    let p = f.node.parent;
    while (p && !(p.type === 'boolean_operator' || (p.type === 'binary_operator' && p.op === '&')) && p.type !== 'expression_statement' && p.type !== 'block') p = p.parent;
    if (!p || (p.type !== 'boolean_operator' && p.type !== 'binary_operator')) continue;
    // the outermost & / and
    let top = p;
    for (let q = p.parent; q; q = q.parent) {
      if (q.type === 'boolean_operator' || (q.type === 'binary_operator' && q.op === '&') || q.type === 'parenthesized_expression') {
        if (q.type !== 'parenthesized_expression') top = q;
      } else break;
    }
    const list = groups.get(top) ?? [];
    list.push(f);
    groups.set(top, list);
  }
  const drop = new Set<Fact>();
  for (const [, list] of groups) {
    if (list.length !== 2) continue;
    const [a, b] = list.map((f) => (f.value as { v: number }).v);
    drop.add(list[0]);
    drop.add(list[1]);
    const width = Math.abs(a - b);
    if (width > 0) ctx.facts.push({ ...list[0], value: { k: 'num', v: width }, shown: `${fmtDuration(width)} (between ${fmtDuration(Math.min(a, b))} and ${fmtDuration(Math.max(a, b))} back)`, origin: undefined });
  }
  if (drop.size) ctx.facts = ctx.facts.filter((f) => !drop.has(f));
}
/**
 * Resize antialiasing: written (`antialias=False`) or the library's default from the table (torchvision ≥ 0.17
 * and PIL antialias; cv2 and tf.image.resize do not). Compared only when one side writes it (compare.ts).
 */
function addAntialias(ctx: Ctx, call: PyNode, v: Value | undefined, def: boolean, via: string): void {
  if (v && v.k !== 'bool' && v.k !== 'none') {
    add(ctx, call, 'image.antialias', { k: 'unknown' }, via, { shown: '? (not resolved)' });
    return;
  }
  const on = v?.k === 'bool' ? v.v : def;
  add(ctx, call, 'image.antialias', { k: 'bool', v: on }, via, { isDefault: !v || v.k === 'none', shown: `${on ? 'on' : 'off'}${v && v.k === 'bool' ? '' : ` (${via} default)`}`, fixStyle: 'literal' });
}

/**
 * Missing-value fills written on records: `v if v is not None else 0.0`, `0.0 if v is None else v`,
 * `v if not math.isnan(v) else m`, `rec.get("x") or 0`: a `tabular.fill:<column>` like `.fillna()`.
 */
function extractNoneFill(ctx: Ctx, n: PyNode): void {
  const { mod, ev } = ctx;
  let col: string | undefined;
  let valueNode: PyNode | undefined;
  if (n.type === 'conditional_expression') {
    const kids = n.children.filter((c) => c.type !== 'comment');
    if (kids.length < 3) return;
    const [a, cond, b] = kids;
    const ct = sliceText(mod, cond).replace(/\s+/g, ' ');
    const notMissing = /is not None|\bnot (math|np|numpy)\.isnan\(|\bnot pd\.isna\(|pd\.notna\(|np\.isfinite\(/.test(ct);
    const missing = !notMissing && /is None|(math|np|numpy)\.isnan\(|pd\.isna\(|pd\.isnull\(/.test(ct);
    if (!notMissing && !missing) return;
    const kept = notMissing ? a : b;
    valueNode = notMissing ? b : a;
    col = innerColumn(ctx, kept) ?? innerColumn(ctx, cond);
  } else {
    if (n.op !== 'or' && !/\bor\b/.test(sliceText(mod, n))) return;
    const l = field(n, 'left');
    const r = field(n, 'right');
    // `rec.get("x") or 0` / `rec["x"] or 0.0`: a numeric default on a record field (not `name or ""`).
    if (!l || !r || !/get\(|\[/.test(sliceText(mod, l))) return;
    if (ev.eval(r, mod).k !== 'num') return;
    col = innerColumn(ctx, l);
    valueNode = r;
  }
  if (!col || !valueNode) return;
  const v = ev.eval(valueNode, mod);
  let value: Value | undefined;
  if (v.k === 'num') value = v;
  else if (v.k === 'ref' && /\.(nan|NaN|NAN)$|^nan$/.test(v.name)) value = { k: 'str', v: 'NaN' };
  else if (v.k === 'none') value = { k: 'str', v: 'NaN' };
  if (!value) return;
  add(ctx, n, `tabular.fill:${col}`, value, 'conditional fill', { name: col, shown: value.k === 'str' && value.v === 'NaN' ? 'NaN (left missing)' : undefined, fixStyle: 'literal' });
}

/** `np.log(mel + 1e-6)`, `torch.log10(spec)`: the log of a spectrogram, by base (compared with power_to_db's dB). */
function extractLogScale(ctx: Ctx, c: CallSite): boolean {
  const name = c.name ?? '';
  const m = /^(numpy|torch|math)\.(log|log10|log2|log1p)$/.exec(name);
  if (!m) return false;
  const arg = c.positional[0];
  if (!arg || !/mel|spec|stft|power|fbank|\bS\b|magnitude|energ/i.test(sliceText(ctx.mod, arg))) return false;
  let base = m[2] === 'log' ? 'ln' : m[2];
  // 10·log10(S) of a power spectrogram is dB (what power_to_db computes, before its top_db clipping).
  let up = c.call.parent;
  while (up?.type === 'parenthesized_expression') up = up.parent;
  if (base === 'log10' && up?.type === 'binary_operator' && up.op === '*') {
    const k = ctx.ev.eval(field(up, 'left') === c.call ? field(up, 'right') : field(up, 'left'), ctx.mod);
    if (k.k === 'num' && (k.v === 10 || k.v === 20)) base = 'dB';
  }
  add(ctx, c.call, 'audio.db', strV(base), name, { shown: `${base} (${name.replace('numpy.', 'np.')} of the spectrogram)` });
  return true;
}

/**
 * Hugging Face image processors built in code (`ViTImageProcessor(size=…, resample=…, image_mean=…)`): each
 * argument is a step; ViTImageProcessor's defaults come from the library table (224×224, bilinear, 1/255,
 * mean = std = 0.5). Other processors' unwritten arguments stay unknown.
 */
function extractImageProcessor(ctx: Ctx, c: CallSite): boolean {
  const name = c.name ?? '';
  const m = /^transformers\.(\w*ImageProcessor\w*|\w*FeatureExtractor)(\.from_pretrained)?$/.exec(name);
  if (!m || /FeatureExtractor/.test(m[1]) && !/ViT|ConvNext|DeiT|BEiT|Image/.test(m[1])) return false;
  const { call, val } = c;
  const vitDefaults = m[1] === 'ViTImageProcessor' && !m[2];
  const via = `transformers ${m[1]}`;
  if (m[2]) {
    const ckpt = val(0, 'pretrained_model_name_or_path');
    if (ckpt?.k === 'str') add(ctx, call, 'image.processor', ckpt, name, { fixStyle: 'literal' });
    else add(ctx, call, 'image.processor', { k: 'unknown' }, name, { shown: '? (checkpoint not resolved)' });
  }
  const size = val(-1, 'size');
  const hw = size?.k === 'dict' ? [dictNum(size, 'height'), dictNum(size, 'width')] : size?.k === 'num' ? [size.v, size.v] : undefined;
  if (hw && hw[0] !== undefined && hw[1] !== undefined) add(ctx, call, 'image.size', numList(hw as number[]), via, { shown: `${hw[0]}×${hw[1]} (H×W)` });
  else if (size?.k === 'dict' && dictNum(size, 'shortest_edge') !== undefined) add(ctx, call, 'image.size', strV(`shorter side ${dictNum(size, 'shortest_edge')}`), via);
  else if (vitDefaults) add(ctx, call, 'image.size', numList([224, 224]), via, { isDefault: true, shown: '224×224 (ViTImageProcessor default)' });
  const resample = val(-1, 'resample');
  if (resample || vitDefaults) addInterp(ctx, call, resample, 'pil', 'bilinear', via, 'pil-interp');
  const rf = val(-1, 'rescale_factor');
  const doRescale = val(-1, 'do_rescale');
  if (!(doRescale?.k === 'bool' && !doRescale.v)) {
    if (rf?.k === 'num') add(ctx, call, 'image.scale', rf, via, { shown: `${fmtScale(rf.v)} (rescale_factor)` });
    else if (vitDefaults || doRescale) add(ctx, call, 'image.scale', numV(1 / 255), via, { isDefault: !doRescale, shown: '1/255 (rescale_factor default)' });
  }
  const doNorm = val(-1, 'do_normalize');
  if (!(doNorm?.k === 'bool' && !doNorm.v)) {
    const mean = val(-1, 'image_mean');
    const std = val(-1, 'image_std');
    if (mean && numbers(mean)) add(ctx, call, 'image.mean', mean, via, { fixStyle: 'literal' });
    else if (vitDefaults) add(ctx, call, 'image.mean', numList([0.5, 0.5, 0.5]), via, { isDefault: true, shown: '(0.5, 0.5, 0.5) (IMAGENET_STANDARD_MEAN default)' });
    if (std && numbers(std)) add(ctx, call, 'image.std', std, via, { fixStyle: 'literal' });
    else if (vitDefaults) add(ctx, call, 'image.std', numList([0.5, 0.5, 0.5]), via, { isDefault: true, shown: '(0.5, 0.5, 0.5) (IMAGENET_STANDARD_STD default)' });
  }
  add(ctx, call, 'image.layout', strV('CHW'), via, { isDefault: true, shown: `CHW (${m[1]} channels_first)` });
  return true;
}

function dictNum(v: Value, key: string): number | undefined {
  if (v.k !== 'dict') return undefined;
  const hit = v.entries.find(([k]) => k.k === 'str' && k.v === key)?.[1];
  return hit?.k === 'num' ? hit.v : undefined;
}

/** The method `name` of a base class of a class in `mod`, following imports up to three levels. */
function inheritedMethod(ctx: Ctx, mod: ModuleIndex, name: string, depth: number): { node: PyNode; mod: ModuleIndex } | undefined {
  if (depth > 3) return undefined;
  for (const cls of mod.classes.values()) {
    const supers = field(cls.node, 'superclasses');
    if (!supers) continue;
    for (const b of supers.children) {
      if (b.type !== 'identifier' && b.type !== 'attribute') continue;
      const baseName = b.type === 'identifier' ? b.text : field(b, 'attribute')?.text ?? '';
      const imp = mod.fromImports.get(baseName);
      const target = imp ? ctx.ev.project.resolveImport(mod.file, imp.module) : undefined;
      const other = target ? ctx.ev.project.module(target) : undefined;
      if (!other || other === mod) continue;
      const fi = other.functions.get(name);
      if (fi && fi.className) return { node: fi.node, mod: other };
      const up = inheritedMethod(ctx, other, name, depth + 1);
      if (up) return up;
    }
  }
  return undefined;
}

/**
 * torchvision's per-weights presets (`weights.transforms()`; defined as `partial(ImageClassification, crop_size=224,
 * resize_size=232)` in torchvision.models): ImageClassification resizes the shorter side to resize_size (256) with
 * bilinear, center-crops crop_size, scales to [0, 1] and normalizes with ImageNet statistics; SemanticSegmentation
 * resizes the shorter side to resize_size and does not crop (torchvision ≥ 0.13, library.ts).
 */
function extractTorchvisionPreset(ctx: Ctx, c: CallSite): boolean {
  const { mod, ev } = ctx;
  let target = c.name ?? '';
  let args = { positional: c.positional, keywords: c.keywords };
  if (/(^|\.)partial$/.test(target) && c.positional[0]) {
    target = ev.canonicalName(c.positional[0], mod) ?? c.positional[0].text;
    args = { positional: c.positional.slice(1), keywords: c.keywords };
  }
  const m = /(^|\.)(ImageClassification|SemanticSegmentation)$/.exec(target);
  if (!m || !/_presets|^(ImageClassification|SemanticSegmentation)$|\.(ImageClassification|SemanticSegmentation)$/.test(target)) return false;
  if (!/torchvision|_presets/.test(target) && !/_presets/.test(mod.source.slice(0, 4000))) return false;
  const kw = (k: string): Value | undefined => (args.keywords.has(k) ? ev.eval(args.keywords.get(k)!, mod) : undefined);
  const via = `torchvision ${m[2]} preset`;
  const resize = kw('resize_size');
  const r = resize?.k === 'num' ? resize.v : resize?.k === 'list' ? numbers(resize)?.[0] : m[2] === 'ImageClassification' ? 256 : undefined;
  if (r !== undefined) add(ctx, c.call, 'image.size', strV(`shorter side ${r}`), via, { shown: `shorter side ${r}${resize ? '' : ' (preset default)'}`, isDefault: !resize, origin: resize?.o?.literal ? resize.o : undefined });
  addInterp(ctx, c.call, kw('interpolation'), 'pil', 'bilinear', via, 'tv-interp');
  if (m[2] === 'ImageClassification') {
    const crop = kw('crop_size');
    const cs = crop?.k === 'num' ? crop.v : undefined;
    if (cs !== undefined) add(ctx, c.call, 'image.crop', numList([cs, cs]), via, { shown: `${cs}×${cs} (H×W)`, origin: crop?.o?.literal ? crop.o : undefined });
  }
  add(ctx, c.call, 'image.scale', numV(1 / 255), via, { isDefault: true, shown: '1/255 (preset)' });
  add(ctx, c.call, 'image.mean', numList(IMAGENET_MEAN), via, { isDefault: !kw('mean'), shown: '(0.485, 0.456, 0.406) (preset default)' });
  add(ctx, c.call, 'image.std', numList(IMAGENET_STD), via, { isDefault: !kw('std'), shown: '(0.229, 0.224, 0.225) (preset default)' });
  add(ctx, c.call, 'image.layout', strV('CHW'), via, { isDefault: true, shown: 'CHW (preset)' });
  return true;
}

/**
 * A feature vector built from a dict's values (`np.array([list(feats.values())])`): the model receives the
 * columns in the dict's insertion order, which is the order its keys are written in the literal that built it
 * (here or in the helper that returns it). Recorded as the serving side's feature order when the vector goes to
 * an array, a tensor or a model call.
 */
function extractDictOrderVector(ctx: Ctx, call: PyNode, arg: PyNode): boolean {
  if (arg.type !== 'call') return false;
  const fn = field(arg, 'function');
  if (fn?.type !== 'attribute' || field(fn, 'attribute')?.text !== 'values' || callArgs(arg).positional.length) return false;
  const recv = field(fn, 'object');
  if (!recv) return false;
  // The vector must reach the model: inside an array/tensor constructor or a predict call, in the same statement.
  let p: PyNode | undefined = call.parent;
  let feeds = false;
  while (p && p.type !== 'expression_statement' && p.type !== 'assignment' && p.type !== 'return_statement' && p.type !== 'block') {
    if (p.type === 'call') {
      const n = ctx.ev.canonicalName(field(p, 'function'), ctx.mod) ?? sliceText(ctx.mod, field(p, 'function') ?? p);
      if (/^(numpy\.(array|asarray|stack|vstack)|torch\.(tensor|as_tensor|Tensor|FloatTensor)|pandas\.DataFrame)$|\.predict(_proba)?$|\.run$/.test(n)) feeds = true;
    }
    p = p.parent;
  }
  if (!feeds) return false;
  const v = ctx.ev.eval(recv, ctx.mod);
  if (v.k !== 'dict' || v.entries.length < 2 || !v.entries.every(([k]) => k.k === 'str')) return false;
  const keys: Value = { k: 'list', items: v.entries.map(([k]) => ({ k: 'str', v: (k as { v: string }).v }) as Value) };
  add(ctx, call, 'tabular.features', keys, 'dict insertion order', { name: `${sliceText(ctx.mod, recv)}.values()`, origin: undefined, shown: `${v.entries.map(([k]) => `'${(k as { v: string }).v}'`).join(', ')} (the order of the dict's keys)` });
  return true;
}
