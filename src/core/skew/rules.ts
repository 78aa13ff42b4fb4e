/**
 * The rule table of the skew analysis: one entry per canonical step key of the pipeline IR (`image.mean`,
 * `tabular.fill:<column>`, `audio.n_fft`, …) with the finding kind it produces, its label, its severity when
 * both sides' values are resolved, whether a step present on one side only is reported, the keywords that
 * say the other side may do the step in a way the analysis does not model (the "open pipeline" test of the
 * precision policy), and the help text SARIF shows for the rule.
 */
import type { SkewBaseKind, SkewSeverity } from '../../shared/skew';

export interface Rule {
  kind: SkewBaseKind;
  /** Label with `{a}`/`{b}` replaced by the key's parts (`tabular.fill:age` → a = `age`). */
  label: string;
  severity: SkewSeverity;
  /** Report when the step exists on one side only (subject to the closed-pipeline test). */
  oneSided?: boolean;
  /**
   * Code on the other side matching this means the step may be written there in a way the analysis does not
   * model: the one-sided finding becomes an info "could not verify" instead of an error.
   */
  hints?: RegExp;
}

const IMG_NORM = /\bmean\b|\bstd\b|_mean|_std|mean_|std_|normali[sz]|standardi[sz]|preprocess_input|Rescaling|IMAGENET|OPENAI_CLIP|image_mean|image_std|processor|resolve_data_config|create_transform|\.transforms\(\)|\bforward\b|register_buffer|\bsub\b|\bdiv\b|torch\.sub|np\.subtract|np\.divide/i;
const IMG_SCALE = /255|\bscale|Rescaling|to_tensor|ToTensor|ToDtype|convert_image_dtype|\bfloat\b|processor|preprocess_input|\.transforms\(\)|normali[sz]|\bforward\b|img_as_float/i;
const IMG_SIZE = /resize|crop|thumbnail|\bsize\b|_size|size_|interpolate|processor|\.transforms\(\)|create_transform|shorter|short_side|longest|smallest|zoom|scale_to|fit\(|ImageOps/i;

/** Rules keyed by the step key's base (before the first `:`). */
export const RULES: Readonly<Record<string, Rule>> = {
  'image.color': { kind: 'color-order', label: 'Color order', severity: 'error' },
  'image.size': { kind: 'resize-size', label: 'Resize size', severity: 'error', oneSided: true, hints: IMG_SIZE },
  'image.interpolation': { kind: 'resize-interpolation', label: 'Resize interpolation', severity: 'warning' },
  'image.antialias': { kind: 'antialias', label: 'Resize antialias', severity: 'warning' },
  'image.crop': { kind: 'crop', label: 'Center crop', severity: 'error', oneSided: true, hints: IMG_SIZE },
  'image.scale': { kind: 'scale', label: 'Pixel scaling', severity: 'error', oneSided: true, hints: IMG_SCALE },
  'image.mean': { kind: 'normalize-mean', label: 'Normalize mean', severity: 'error', oneSided: true, hints: IMG_NORM },
  'image.std': { kind: 'normalize-std', label: 'Normalize std', severity: 'error', oneSided: true, hints: IMG_NORM },
  'image.layout': { kind: 'layout', label: 'Tensor layout', severity: 'error' },
  'image.dtype': { kind: 'dtype', label: 'Input dtype', severity: 'warning' },
  'image.clip': { kind: 'clip', label: 'Pixel clipping', severity: 'warning' },
  'image.standardize': { kind: 'standardization', label: 'Per-image standardization', severity: 'error', oneSided: true, hints: IMG_NORM },
  'image.preprocess_input': { kind: 'preprocess-input', label: 'Keras preprocess_input', severity: 'error', oneSided: true, hints: IMG_NORM },
  'image.processor': { kind: 'image-processor', label: 'Image processor checkpoint', severity: 'error' },
  'text.tokenizer': { kind: 'tokenizer', label: 'Tokenizer checkpoint', severity: 'error' },
  'text.max_length': { kind: 'max-length', label: 'max_length', severity: 'error' },
  'text.truncation': { kind: 'truncation', label: 'Truncation', severity: 'error' },
  'text.padding': { kind: 'padding', label: 'Padding', severity: 'info' },
  'text.padding_side': { kind: 'padding-side', label: 'Padding side', severity: 'error' },
  'text.truncation_side': { kind: 'truncation-side', label: 'Truncation side', severity: 'error' },
  'text.lowercase': { kind: 'lowercase', label: 'Lower-casing', severity: 'error' },
  'text.strip': { kind: 'strip', label: 'Whitespace stripping', severity: 'info', oneSided: true, hints: /strip|split|clean|normali[sz]|re\.sub/i },
  'text.unicode': { kind: 'unicode-normalization', label: 'Unicode normalization', severity: 'warning', oneSided: true, hints: /unicodedata|normali[sz]|unidecode|ftfy|clean/i },
  'text.special_token': { kind: 'special-tokens', label: 'Special token added by hand', severity: 'error', oneSided: true, hints: /\+\s*[\w.]*\b(eos|bos|sep|cls)_token\b|\b(eos|bos|sep|cls)_token\s*\+|\{[^}]*\b(eos|bos|sep|cls)_token\b[^}]*\}|<\/s>|<\|endoftext\|>|\[SEP\]|\[CLS\]|TemplateProcessing|post_processor|\.join\(/ },
  'text.clean': { kind: 'text-cleaning', label: 'Text cleaning', severity: 'warning', oneSided: true, hints: /clean|normali[sz]|re\.sub|\.sub\(|replace|strip|lower|translate|preprocess/i },
  'tabular.features': { kind: 'feature-order', label: 'Feature order', severity: 'error' },
  'tabular.fill': { kind: 'fill-value', label: "Missing-value fill for '{a}'", severity: 'error', oneSided: true, hints: /fill|impute|isna|isnull|notna|nan|\bNone\b|\.get\(|where|coalesce|\bor\b|default/i },
  'tabular.transform': { kind: 'transform', label: "Transform of '{a}'", severity: 'error', oneSided: true, hints: /np\.(log|log1p|log2|log10|sqrt|exp|expm1|power|cbrt)\b|math\.(log|sqrt|exp)|\.apply\(|\.transform\(|boxcox|PowerTransformer|FunctionTransformer|QuantileTransformer/i },
  'tabular.clip': { kind: 'clip', label: "Clipping of '{a}'", severity: 'warning', oneSided: true, hints: /clip|clamp|\bmin\(|\bmax\(|minimum|maximum|where|lower=|upper=|quantile/i },
  'tabular.window': { kind: 'window', label: "{b} window of '{a}'", severity: 'error', oneSided: true, hints: /rolling|window|resample|timedelta|Timedelta|days|hours|ewm|shift|DateOffset|freq/i },
  'tabular.span': { kind: 'window', label: 'Time window', severity: 'error' },
  'tabular.categories': { kind: 'categories', label: 'Categories {a}', severity: 'error' },
  'tabular.map': { kind: 'category-map', label: "Category map {a}['{b}']", severity: 'error' },
  'tabular.unknown': { kind: 'unknown-category', label: 'Value for categories missing from {a}', severity: 'error' },
  'tabular.onehot_unknown': { kind: 'unknown-category', label: 'Unknown-category handling', severity: 'warning' },
  'tabular.imputer': { kind: 'imputer', label: 'Imputer strategy', severity: 'error' },
  'tabular.mean': { kind: 'scaler-stats', label: 'Standardization mean', severity: 'error' },
  'tabular.std': { kind: 'scaler-stats', label: 'Standardization std', severity: 'error' },
  'tabular.reference_date': { kind: 'reference-date', label: 'Reference date', severity: 'info' },
  'tabular.timezone': { kind: 'time-zone', label: 'Time zone of the time-of-day features', severity: 'error' },
  'tabular.code_type': { kind: 'code-type', label: "Type of the codes of '{a}'", severity: 'warning' },
  'audio.sample_rate': { kind: 'sample-rate', label: 'Sample rate', severity: 'error' },
  'audio.feature_sr': { kind: 'sample-rate', label: 'Spectrogram sample rate', severity: 'error' },
  'audio.n_fft': { kind: 'n-fft', label: 'n_fft', severity: 'error' },
  'audio.hop_length': { kind: 'hop-length', label: 'hop_length', severity: 'error' },
  'audio.win_length': { kind: 'win-length', label: 'win_length', severity: 'error' },
  'audio.n_mels': { kind: 'n-mels', label: 'n_mels', severity: 'error' },
  'audio.n_mfcc': { kind: 'n-mfcc', label: 'n_mfcc', severity: 'error' },
  'audio.fmin': { kind: 'fmin-fmax', label: 'fmin', severity: 'error' },
  'audio.fmax': { kind: 'fmin-fmax', label: 'fmax', severity: 'error' },
  'audio.power': { kind: 'power', label: 'Spectrogram power', severity: 'error' },
  'audio.db': { kind: 'db-scaling', label: 'dB scaling', severity: 'error', oneSided: true, hints: /\bdb\b|_db|db_|log|power_to_db|amplitude_to_db|AmplitudeToDB|log10|log1p/i },
  'audio.pcm_scale': { kind: 'pcm-scaling', label: 'PCM scaling to [-1, 1]', severity: 'error', oneSided: true, hints: /32768|32767|2\s*\*\*\s*15|iinfo|int16|normali[sz]e|float32|librosa\.load|torchaudio\.load|soundfile|sf\.read|dtype=.?float/i },
  'audio.extractor': { kind: 'feature-extractor', label: 'Feature extractor checkpoint', severity: 'error' },
};

/** The kinds that do not come from a step key. */
export const HELP: Readonly<Record<SkewBaseKind, string>> = {
  'color-order': 'The channel order (RGB/BGR/grayscale) the model receives differs between training and serving. cv2 decodes BGR; PIL, torchvision.io, tf.io and Keras decode RGB.',
  'resize-size': 'The image is resized to a different size (sizes are compared as H×W after converting cv2/PIL (W, H) conventions).',
  'resize-interpolation': 'The resize uses a different interpolation (library defaults differ: PIL resize bicubic, torchvision bilinear, cv2 INTER_LINEAR).',
  antialias: 'The resize antialiases on one side only (torchvision ≥ 0.17 antialiases tensors by default; PIL always does; cv2 never).',
  crop: 'The center crop differs or is done on one side only.',
  scale: 'The pixel values are scaled differently (the composed affine map scale·x + offset per channel differs).',
  'normalize-mean': 'The per-channel mean subtracted differs (compared after folding /255 and max_pixel_value into one affine map).',
  'normalize-std': 'The per-channel std divided by differs (compared after folding /255 and max_pixel_value into one affine map).',
  layout: 'The tensor layout (NCHW vs NHWC) differs, by transpose/permute or by reshape.',
  dtype: 'The input dtype differs.',
  clip: 'Values are clipped differently or on one side only.',
  standardization: 'Per-image standardization is applied on one side only.',
  'preprocess-input': 'A Keras applications preprocess_input is applied on one side only or a different one is used.',
  'image-processor': 'A different Hugging Face image processor checkpoint is loaded.',
  tokenizer: 'A different tokenizer checkpoint is loaded.',
  'max-length': 'The tokenizer max_length differs.',
  truncation: 'Truncation is on at one side only.',
  padding: 'Padding differs (harmless with an attention mask; matters when the model expects a fixed sequence length).',
  'padding-side': 'The tokenizer pads on a different side.',
  'truncation-side': 'The tokenizer truncates on a different side.',
  lowercase: 'Text is lower-cased on one side only (uncased checkpoints and sklearn vectorizers lower-case by default).',
  strip: 'Whitespace is stripped on one side only.',
  'unicode-normalization': 'Unicode normalization is applied on one side only.',
  'text-cleaning': 'A text-cleaning function is applied on one side only.',
  'special-tokens': 'A special token (EOS, BOS, SEP, CLS) is added to the text by hand on one side only.',
  'feature-order': 'The feature columns are passed in a different order.',
  'feature-set': 'The feature columns differ.',
  'fill-value': 'Missing values are filled with a different value (a statistic saved at training vs a literal at serving, or a different literal).',
  transform: 'A column is transformed (log, sqrt, …) differently or on one side only.',
  window: 'A time window differs in length (compared in seconds across pandas idioms).',
  categories: 'The categories of an encoding differ.',
  'category-map': 'A category mapping differs.',
  'unknown-category': 'Unknown categories are handled differently.',
  'code-type': 'Codes are read as integers on one side and as strings on the other, so lookups miss.',
  imputer: 'A different imputation strategy is used.',
  'scaler-stats': 'The standardization statistics differ.',
  'reference-date': 'The reference time of a date difference differs.',
  'time-zone': 'Time-of-day features (hour, weekday) are taken in a different time zone (a local zone vs UTC shifts them by hours).',
  'sample-rate': 'Audio is resampled to a different rate.',
  'n-fft': 'The STFT n_fft differs.',
  'hop-length': 'The STFT hop_length differs.',
  'win-length': 'The STFT win_length differs.',
  'n-mels': 'The number of mel bands differs.',
  'n-mfcc': 'The number of MFCCs differs.',
  'fmin-fmax': 'The mel filterbank frequency range differs.',
  power: 'The spectrogram power (magnitude vs power) differs.',
  'db-scaling': 'The spectrogram is converted to dB on one side only.',
  'pcm-scaling': 'Integer PCM samples are scaled to [-1, 1] on one side only.',
  'feature-extractor': 'A different audio feature extractor checkpoint is loaded.',
  'random-augmentation': 'A random augmentation runs at serving: predictions become non-deterministic.',
  'stat-recomputed': 'A statistic is recomputed on the request at serving instead of using the training value.',
  'double-step': 'A step the model already does (a Keras/torch layer or the ONNX graph input prefix) is done again at serving.',
  unverified: 'A step the analysis could not verify on the other side (information only).',
};

export function ruleFor(key: string): { rule: Rule; label: string } {
  const [base, a, b] = key.split(':');
  const rule = RULES[base] ?? { kind: 'unverified', label: base, severity: 'warning' };
  return { rule, label: rule.label.replace('{a}', a ?? '').replace('{b}', b ?? '') };
}

/** Help text of a finding kind (`model-<kind>` takes its base kind's text). */
export function helpFor(kind: string): string {
  const base = kind.startsWith('model-') ? kind.slice(6) : kind;
  const h = (HELP as Record<string, string>)[base];
  return kind.startsWith('model-') ? `The paired ONNX model states a different value. ${h ?? ''}`.trim() : h ?? kind;
}
