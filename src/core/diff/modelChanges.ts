/**
 * Model-level changes between two inspections: size, weights by dtype, FLOPs, quantization, op mix, producer,
 * version and metadata (preprocessing keys flagged). Pure.
 */
import type { MetadataChange, ModelChanges, NumberDelta, OpDelta } from '../../shared/modelDiff';
import type { ModelInspection } from '../../shared/modelInspection';

/** `before → after` with the difference and the relative change. */
export function numberDelta(before: number | null, after: number | null): NumberDelta {
  const delta = before !== null && after !== null ? after - before : null;
  const relative = before !== null && after !== null && before !== 0 ? after / before - 1 : null;
  return { before, after, delta, relative };
}

/**
 * Metadata keys that describe preprocessing: when their value changes, the serving code that prepares inputs
 * must change with it (or training/serving skew follows). Matched on the key's words.
 */
const PREPROCESSING_KEY = /(^|[._\-\s])(mean|means|std|stddev|stds|norm|normali[sz]e|normali[sz]ation|scale|scaling|rescale|size|image_?size|input_?size|resize|width|height|crop|interpolation|colou?r|colou?r_?order|channel|channels|channel_?order|rgb|bgr|layout|pixel|pixels|preprocess|preprocessing|tokeni[sz]er|vocab|max_?length|max_?len|lower_?case|sample_?rate|sampling_?rate|n_?mels|hop_?length|window|fill|imputer|feature_?order|features)([._\-\s]|$)/i;

/** Whether a metadata key names a preprocessing parameter (`preprocessing.std`, `image_size`, `color_order`). */
export function isPreprocessingKey(key: string): boolean {
  return PREPROCESSING_KEY.test(key) || /preprocess/i.test(key);
}

function metadataChanges(before: Record<string, string>, after: Record<string, string>): MetadataChange[] {
  const out: MetadataChange[] = [];
  for (const key of Object.keys(before)) {
    if (!Object.hasOwn(after, key)) out.push({ key, change: 'removed', before: before[key], preprocessing: isPreprocessingKey(key) });
    else if (after[key] !== before[key]) out.push({ key, change: 'changed', before: before[key], after: after[key], preprocessing: isPreprocessingKey(key) });
  }
  for (const key of Object.keys(after)) {
    if (!Object.hasOwn(before, key)) out.push({ key, change: 'added', after: after[key], preprocessing: isPreprocessingKey(key) });
  }
  // Preprocessing first: they are the ones that need the serving code to change.
  return out.sort((a, b) => Number(b.preprocessing) - Number(a.preprocessing));
}

function opDeltas(before: Record<string, number>, after: Record<string, number>): OpDelta[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  const out: OpDelta[] = [];
  for (const op of keys) {
    const b = Object.hasOwn(before, op) ? before[op]! : 0;
    const a = Object.hasOwn(after, op) ? after[op]! : 0;
    if (a !== b) out.push({ op, before: b, after: a, delta: a - b });
  }
  return out.sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta) || (x.op < y.op ? -1 : 1));
}

function producer(m: ModelInspection): string {
  return [m.producer.name, m.producer.version].filter(Boolean).join(' ');
}

/** Compares everything about the two models that is not the serving contract. */
export function diffModelChanges(before: ModelInspection, after: ModelInspection): ModelChanges {
  const dtypes = new Set([...Object.keys(before.weightsByDtype), ...Object.keys(after.weightsByDtype)]);
  const weightBytesByDtype = [...dtypes]
    .map((dtype) => ({ dtype, ...numberDelta(before.weightsByDtype[dtype]?.bytes ?? 0, after.weightsByDtype[dtype]?.bytes ?? 0) }))
    .filter((d) => d.delta !== 0)
    .sort((x, y) => Math.abs(y.delta ?? 0) - Math.abs(x.delta ?? 0));
  return {
    parameters: numberDelta(before.parameterCount, after.parameterCount),
    weightBytes: numberDelta(before.weightBytes, after.weightBytes),
    weightBytesByDtype,
    initializerCount: numberDelta(before.initializerCount, after.initializerCount),
    nodeCount: numberDelta(before.nodeCount, after.nodeCount),
    flops: numberDelta(before.flops, after.flops),
    flopsAssumption: { ...before.flopsEstimate.assumption, ...after.flopsEstimate.assumption },
    fileBytes: numberDelta(before.file.bytes, after.file.bytes),
    quantization: { before: before.quantization.kind, after: after.quantization.kind, changed: before.quantization.kind !== after.quantization.kind },
    opHistogram: opDeltas(before.opHistogram, after.opHistogram),
    producer: { before: producer(before), after: producer(after), changed: producer(before) !== producer(after) },
    modelVersion: { before: before.modelVersion, after: after.modelVersion, changed: before.modelVersion !== after.modelVersion },
    metadata: metadataChanges(before.metadata, after.metadata),
  };
}

/** The version a model declares: `model_version` when set (non-zero), else a metadata `version`-like key. */
export function declaredVersion(m: ModelInspection): string | null {
  if (m.modelVersion !== null && m.modelVersion !== 0) return String(m.modelVersion);
  for (const key of ['version', 'model_version', 'modelVersion', 'model.version']) {
    if (Object.hasOwn(m.metadata, key) && m.metadata[key]!.trim() !== '') return m.metadata[key]!.trim();
  }
  return null;
}
