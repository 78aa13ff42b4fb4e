/**
 * Library knowledge as data: the constants and defaults the skew analysis uses, with the library versions they
 * hold for. A value this table does not know is *unknown*, never a default (see the precision policy in
 * docs/skew.md). Extractors read defaults from here instead of writing them inline.
 */
import type { Value } from './values';

const list = (xs: number[]): Value => ({ k: 'list', items: xs.map((v) => ({ k: 'num', v }) as Value), tuple: true });

export const IMAGENET_MEAN = [0.485, 0.456, 0.406];
export const IMAGENET_STD = [0.229, 0.224, 0.225];
const INCEPTION = [0.5, 0.5, 0.5];
const CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073];
const CLIP_STD = [0.26862954, 0.26130258, 0.27577711];

/** Library constants by canonical dotted name (values as the library defines them). */
export const CONSTANTS: Readonly<Record<string, { value: number[]; version: string }>> = {
  // timm/data/constants.py (timm ≥ 0.4; same in 1.0)
  'timm.data.IMAGENET_DEFAULT_MEAN': { value: IMAGENET_MEAN, version: 'timm ≥ 0.4' },
  'timm.data.IMAGENET_DEFAULT_STD': { value: IMAGENET_STD, version: 'timm ≥ 0.4' },
  'timm.data.constants.IMAGENET_DEFAULT_MEAN': { value: IMAGENET_MEAN, version: 'timm ≥ 0.4' },
  'timm.data.constants.IMAGENET_DEFAULT_STD': { value: IMAGENET_STD, version: 'timm ≥ 0.4' },
  'timm.data.IMAGENET_INCEPTION_MEAN': { value: INCEPTION, version: 'timm ≥ 0.4' },
  'timm.data.IMAGENET_INCEPTION_STD': { value: INCEPTION, version: 'timm ≥ 0.4' },
  'timm.data.constants.IMAGENET_INCEPTION_MEAN': { value: INCEPTION, version: 'timm ≥ 0.4' },
  'timm.data.constants.IMAGENET_INCEPTION_STD': { value: INCEPTION, version: 'timm ≥ 0.4' },
  'timm.data.OPENAI_CLIP_MEAN': { value: CLIP_MEAN, version: 'timm ≥ 0.6' },
  'timm.data.OPENAI_CLIP_STD': { value: CLIP_STD, version: 'timm ≥ 0.6' },
  'timm.data.constants.OPENAI_CLIP_MEAN': { value: CLIP_MEAN, version: 'timm ≥ 0.6' },
  'timm.data.constants.OPENAI_CLIP_STD': { value: CLIP_STD, version: 'timm ≥ 0.6' },
  // transformers/image_utils.py (transformers ≥ 4.20)
  'transformers.image_utils.IMAGENET_DEFAULT_MEAN': { value: IMAGENET_MEAN, version: 'transformers ≥ 4.20' },
  'transformers.image_utils.IMAGENET_DEFAULT_STD': { value: IMAGENET_STD, version: 'transformers ≥ 4.20' },
  'transformers.image_utils.IMAGENET_STANDARD_MEAN': { value: INCEPTION, version: 'transformers ≥ 4.20' },
  'transformers.image_utils.IMAGENET_STANDARD_STD': { value: INCEPTION, version: 'transformers ≥ 4.20' },
  'transformers.image_utils.OPENAI_CLIP_MEAN': { value: CLIP_MEAN, version: 'transformers ≥ 4.20' },
  'transformers.image_utils.OPENAI_CLIP_STD': { value: CLIP_STD, version: 'transformers ≥ 4.20' },
};

/** The value of a library constant, or undefined. */
export function libraryConstant(name: string): Value | undefined {
  const c = CONSTANTS[name];
  return c ? list(c.value) : undefined;
}

/** Defaults of library calls, with versions. Extractors use these when an argument is not written. */
export const DEFAULTS = {
  // torchvision.transforms.Resize: bilinear (all versions); antialias: None → True for tensors from 0.17 (always for PIL).
  torchvisionResize: { interpolation: 'bilinear', antialias: 'on (PIL input; tensors from torchvision 0.17)', version: 'torchvision ≥ 0.17' },
  pilResize: { resample: 'bicubic', version: 'Pillow ≥ 9.1 (Image.resize default BICUBIC since 7.0 for RGB)' },
  cv2Resize: { interpolation: 'bilinear', version: 'OpenCV 4 (INTER_LINEAR)' },
  albumentationsNormalize: { mean: IMAGENET_MEAN, std: IMAGENET_STD, maxPixelValue: 255, version: 'albumentations ≥ 1.0' },
  albumentationsResize: { interpolation: 'bilinear', version: 'albumentations ≥ 1.0 (cv2.INTER_LINEAR)' },
  kerasImageDatasetFromDirectory: { size: [256, 256], interpolation: 'bilinear', version: 'Keras 2.9+/3' },
  kerasLoadImg: { interpolation: 'nearest', version: 'Keras 2.9+/3' },
  librosaLoad: { sr: 22050, version: 'librosa ≥ 0.8' },
  librosaMel: { sr: 22050, nFft: 2048, hop: 512, nMels: 128, fmin: 0, power: 2, nMfcc: 20, version: 'librosa ≥ 0.8 (win_length = n_fft, fmax = sr/2)' },
  torchaudioMel: { sr: 16000, nFft: 400, nMels: 128, fmin: 0, power: 2, nMfcc: 40, version: 'torchaudio ≥ 0.8 (win_length = n_fft, hop = win_length // 2, f_max = sr/2)' },
  sklearnVectorizer: { lowercase: true, version: 'scikit-learn ≥ 0.20 (CountVectorizer/TfidfVectorizer/HashingVectorizer)' },
  sklearnOneHot: { handleUnknown: 'error', version: 'scikit-learn ≥ 1.0' },
  sklearnImputer: { strategy: 'mean', version: 'scikit-learn ≥ 0.20' },
  tokenizerPaddingSide: { side: 'right', version: 'transformers ≥ 4 (BERT/RoBERTa/DistilBERT/GPT-2/T5 families)' },
} as const;

/**
 * Whether a Hugging Face checkpoint's tokenizer lower-cases by default (`do_lower_case` of its
 * tokenizer_config.json), by checkpoint family. Undefined when the table does not know the checkpoint (a local
 * folder, an unknown family): then lower-casing is unknown, not "off".
 */
export function checkpointLowercases(ckpt: string): boolean | undefined {
  const name = ckpt.toLowerCase().replace(/^.*\//, (m) => (/^(\.|\/|~)/.test(ckpt) ? m : m));
  if (/uncased/.test(name)) return true;
  if (/(^|\/)(albert-|electra-|google\/electra|sentence-transformers\/all-minilm|sentence-transformers\/all-mpnet|all-minilm|all-mpnet|microsoft\/mpnet)/.test(name)) return true;
  if (/cased|roberta|gpt2|gpt-|bart|deberta|xlm|(^|\/)t5-|flan-t5|camembert|xlnet|longformer|bloom|llama|mistral|qwen|phi-|opt-|bert-base-chinese|bert-base-multilingual-cased/.test(name)) return false;
  return undefined;
}

/** True for checkpoint families whose default padding side is right (the table's entry above). */
export function checkpointPadsRight(ckpt: string): boolean {
  return /bert|roberta|distilbert|albert|electra|deberta|xlm|t5|bart|mpnet|minilm|gpt2/i.test(ckpt) && !/^(\.|\/|~)/.test(ckpt);
}

/**
 * The `model_max_length` of a Hugging Face checkpoint's tokenizer (its tokenizer_config.json / the tokenizer class's
 * PRETRAINED_POSITIONAL_EMBEDDINGS_SIZES), by checkpoint family: the length `truncation=True` without `max_length`
 * truncates to. Undefined when the table does not know the checkpoint: the effective length is then unknown.
 * transformers ≥ 4: bert/distilbert/roberta/albert/electra/deberta/mpnet/minilm 512, gpt2 1024, t5 512.
 */
export function checkpointModelMaxLength(ckpt: string): number | undefined {
  if (/^(\.|\/|~)/.test(ckpt)) return undefined;
  const name = ckpt.toLowerCase();
  if (/(^|\/)(bert-(base|large)-|distilbert-base-|roberta-(base|large)|distilroberta-base|albert-(base|large|xlarge|xxlarge)-v[12]|google\/electra-|microsoft\/deberta-|sentence-transformers\/all-mpnet|microsoft\/mpnet)/.test(name)) return 512;
  if (/(^|\/)(gpt2|distilgpt2)(-medium|-large|-xl)?$/.test(name)) return 1024;
  if (/(^|\/)t5-(small|base|large)$/.test(name)) return 512;
  return undefined;
}
