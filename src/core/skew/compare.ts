/**
 * Compares the preprocessing facts of the training side with those of the serving side (and each side with the
 * paired ONNX model), semantically: library conventions are normalised first ((W, H) vs (H, W), cv2 BGR + cvtColor
 * vs PIL RGB, ToTensor's implicit /255, mean/std written in 0–255 units, `x / 127.5 - 1`, scalar vs per-channel).
 */
import type { SkewEvidence, SkewFinding, SkewFix, SkewKind, SkewLocation, SkewSeverity } from '../../shared/skew';
import * as path from 'node:path';
import { checkpointLowercases, checkpointModelMaxLength, checkpointPadsRight } from './library';
import { ruleFor } from './rules';
import type { Fact } from './facts';
import { closeLists, display, numbers, sameValue, strings, toPython, type Value } from './values';
import { fmtDuration, parseDuration } from './extractCommon';

/** The facts of one side after train/eval pipeline selection. */
export type SideFacts = Map<string, Fact[]>;

interface KeyInfo {
  kind: SkewKind;
  label: string;
  severity: SkewSeverity;
  /** Report when the step exists on one side only. */
  oneSided?: boolean;
  hints?: RegExp;
}

/** The rule of a step key (see rules.ts). */
export function keyInfo(key: string): KeyInfo {
  const { rule, label } = ruleFor(key);
  return { kind: rule.kind, label, severity: rule.severity, oneSided: rule.oneSided, hints: rule.hints };
}

/**
 * What the comparison knows about one side beyond its facts: its code (for the closed-pipeline test), the
 * calls it cannot follow, and the steps the paired model does (which count as done at serving).
 */
export interface SideContext {
  /** The side's files with comments and docstrings blanked out (same line numbers). */
  code: Array<{ file: string; text: string }>;
  /** Calls into code the analysis cannot read, each with where it is ("preprocess() from vision_utils, app.py:12"). */
  opaque: string[];
  /** Step keys done inside the model (ONNX input prefix, Keras/torch layers) → where ("ONNX Sub at input"). */
  inModel: Map<string, string>;
}

export interface CompareContext {
  training?: SideContext;
  serving?: SideContext;
}

/** Keys that are inputs of the color computation or handled separately, never compared directly. */
const SPECIAL = new Set(['audio.load_native', 'tabular.variance_div', 'tabular.unknown_index', 'text.tokenizer_saved', 'image.load', 'image.convert', 'image.flip', 'augment.random', 'tabular.fit', 'tabular.stat', 'tabular.get_dummies']);

export function domainOf(key: string): string {
  return key.slice(0, key.indexOf('.'));
}

export function locate(f: Fact): SkewLocation {
  const o = f.origin;
  if (o) return { file: o.file, line: o.row + 1, column: o.col + 1, endLine: o.endRow + 1, endColumn: o.endCol + 1 };
  const n = f.node;
  return { file: f.mod.file, line: n.row + 1, column: n.col + 1, endLine: n.endRow + 1, endColumn: n.endCol + 1 };
}

export function shown(f: Fact): string {
  if (f.shown) return f.shown;
  return display(f.value);
}

function equalFacts(key: string, a: Fact, b: Fact): boolean {
  const base = key.split(':')[0];
  if (base === 'image.mean' || base === 'image.std' || base === 'image.scale' || base === 'tabular.mean' || base === 'tabular.std') {
    const x = numbers(a.value);
    const y = numbers(b.value);
    return !!x && !!y && closeLists(x, y);
  }
  if (base === 'tabular.categories') {
    const x = strings(a.value);
    const y = strings(b.value);
    return !!x && !!y && x.length === y.length && x.every((v) => y.includes(v));
  }
  if (base === 'tabular.fill' || base === 'tabular.map') {
    const x = numbers(a.value);
    const y = numbers(b.value);
    if (x && y) return closeLists(x, y);
  }
  return sameValue(a.value, b.value);
}

/** Render the training value into the serving literal's syntax (undefined when no safe edit exists). */
export function fixFor(serving: Fact, target: Value, targetShown: string): SkewFix | undefined {
  const o = serving.origin;
  if (!o || !o.literal || !serving.fixStyle) return undefined;
  let text: string | undefined;
  const lastSeg = (name: string): string => o.text.replace(/[A-Za-z_0-9]+$/, name);
  switch (serving.fixStyle) {
    case 'literal':
      text = toPython(target, o.text.trimStart().startsWith('('));
      if (text && target.k === 'list' && o.text.trimStart().startsWith('[')) text = toPython({ ...target, tuple: false });
      break;
    case 'wh-size': {
      const ns = numbers(target);
      if (ns?.length === 2) text = o.text.trimStart().startsWith('[') ? `[${ns[1]}, ${ns[0]}]` : `(${ns[1]}, ${ns[0]})`;
      break;
    }
    case 'cv2-interp': {
      const name = target.k === 'str' ? target.v : undefined;
      const map: Record<string, string> = { nearest: 'INTER_NEAREST', bilinear: 'INTER_LINEAR', bicubic: 'INTER_CUBIC', area: 'INTER_AREA', lanczos: 'INTER_LANCZOS4' };
      const codes: Record<string, number> = { nearest: 0, bilinear: 1, bicubic: 2, area: 3, lanczos: 4 };
      if (name && map[name]) text = /^\d+$/.test(o.text) ? String(codes[name]) : /\./.test(o.text) ? lastSeg(map[name]) : `cv2.${map[name]}`;
      break;
    }
    case 'pil-interp':
    case 'tv-interp': {
      const name = target.k === 'str' ? target.v : undefined;
      const map: Record<string, string> = { nearest: 'NEAREST', bilinear: 'BILINEAR', bicubic: 'BICUBIC', lanczos: 'LANCZOS', box: 'BOX', hamming: 'HAMMING' };
      const codes: Record<string, number> = { nearest: 0, lanczos: 1, bilinear: 2, bicubic: 3, box: 4, hamming: 5 };
      if (name && map[name]) text = /^\d+$/.test(o.text) ? String(codes[name]) : /\./.test(o.text) ? lastSeg(map[name]) : undefined;
      break;
    }
    default:
      break;
  }
  if (text === undefined || text === o.text) return undefined;
  void targetShown;
  return { file: o.file, line: o.row + 1, column: o.col + 1, endLine: o.endRow + 1, endColumn: o.endCol + 1, newText: text, original: o.text };
}

/**
 * Picks the facts that describe what a side feeds the model: random augmentations are dropped, and when a
 * side defines several pipelines (train vs val/test), the evaluation one wins on the training side.
 */
export function selectFacts(facts: Fact[], side: 'training' | 'serving'): SideFacts {
  const byKey: SideFacts = new Map();
  for (const f of facts) {
    if (f.random && f.key !== 'augment.random') continue;
    const list = byKey.get(f.key);
    if (list) list.push(f);
    else byKey.set(f.key, [f]);
  }
  for (const [key, list] of byKey) {
    if (SPECIAL.has(key) || list.length < 2) continue;
    const evalOnes = list.filter((f) => /\b(val|valid|validation|eval|evaluation|test|infer|inference|predict|serve|serving)\b|_(val|eval|test)\b|(val|eval|test)_/.test(f.context));
    const notTrain = list.filter((f) => !/train|augment/.test(f.context));
    if (side === 'training' && evalOnes.length) byKey.set(key, evalOnes);
    else if (notTrain.length && notTrain.length < list.length) byKey.set(key, notTrain);
  }
  return byKey;
}

/** Net color order of a side: each loader's color, then the conversions and channel flips in the side's files. */
export function resolveColor(facts: Fact[]): Fact | undefined {
  const byFile = new Map<string, Fact[]>();
  for (const f of facts) {
    if (f.key !== 'image.load' && f.key !== 'image.convert' && f.key !== 'image.flip' && f.key !== 'image.color') continue;
    const list = byFile.get(f.mod.file) ?? [];
    list.push(f);
    byFile.set(f.mod.file, list);
  }
  let result: Fact | undefined;
  for (const list of byFile.values()) {
    list.sort((a, b) => a.node.start - b.node.start);
    const explicit = list.find((f) => f.key === 'image.color');
    if (explicit) {
      result = explicit;
      continue;
    }
    const loaders = list.filter((f) => f.key === 'image.load');
    const steps = list.filter((f) => f.key !== 'image.load');
    let state: string | undefined = loaders.length ? (loaders[loaders.length - 1].value as { v: string }).v : undefined;
    let last: Fact | undefined = loaders[loaders.length - 1];
    const history: string[] = last ? [shown(last)] : [];
    for (const s of steps) {
      if (s.key === 'image.flip') {
        if (state === 'RGB' || state === 'BGR') {
          state = state === 'RGB' ? 'BGR' : 'RGB';
          last = s;
          history.push(shown(s));
        }
        continue;
      }
      const [from, to] = (s.value as { v: string }).v.split('>');
      if (from === '*' || state === undefined || from === state) {
        state = to;
        last = s;
        history.push(shown(s));
      }
    }
    if (state && last) {
      const missing = loaders.length && state === 'BGR' && history.length === 1 ? ', no cvtColor(…BGR2RGB)' : '';
      result = { ...last, key: 'image.color', value: { k: 'str', v: state }, shown: `${state} (${history.join(' → ')}${missing})`, fixStyle: undefined, origin: undefined };
    }
  }
  return result;
}

/**
 * Equivalence by value: each side's scale, mean and std composed into one per-channel affine map
 * y = (scale·x − mean)/std = A·x + B. When the two maps are equal, the sides do the same arithmetic however it is
 * split into steps, and scale/mean/std are not compared one by one.
 */
function affineOfSide(side: SideFacts): { A: number[]; B: number[] } | undefined {
  const one = (key: string, def: number): number[] | undefined => {
    const list = side.get(key);
    if (!list?.length) return [def];
    const f = list.find((x) => !x.isDefault) ?? list[list.length - 1];
    return numbers(f.value);
  };
  const sc = one('image.scale', 1);
  const m = one('image.mean', 0);
  const sd = one('image.std', 1);
  if (!sc || !m || !sd) return undefined;
  const n = Math.max(sc.length, m.length, sd.length);
  const at = (xs: number[], i: number): number => (xs.length === 1 ? xs[0] : xs[i]);
  if ([sc, m, sd].some((xs) => xs.length !== 1 && xs.length !== n)) return undefined;
  const A: number[] = [];
  const B: number[] = [];
  for (let i = 0; i < n; i++) {
    A.push(at(sc, i) / at(sd, i));
    B.push(-at(m, i) / at(sd, i));
  }
  return { A, B };
}

function dropEqualAffine(t: SideFacts, s: SideFacts): void {
  const has = (x: SideFacts): boolean => ['image.scale', 'image.mean', 'image.std'].some((k) => x.get(k)?.length);
  if (!has(t) || !has(s)) return;
  const a = affineOfSide(t);
  const b = affineOfSide(s);
  if (!a || !b || !closeLists(a.A, b.A) || !closeLists(a.B, b.B)) return;
  for (const side of [t, s]) for (const k of ['image.scale', 'image.mean', 'image.std']) side.delete(k);
}

/** A side's PCM scaling: scaled to [-1, 1] when any step scales (a float loader or a division by 32768). */
function resolvePcm(side: SideFacts): void {
  const list = side.get('audio.pcm_scale');
  if (!list?.length) return;
  const scaled = list.filter((f) => f.value.k === 'str' && f.value.v.startsWith('float'));
  side.set('audio.pcm_scale', [scaled.find((f) => !f.isDefault) ?? scaled[0] ?? list[list.length - 1]]);
}

/**
 * `reshape(1, 3, H, W)` of HWC pixels scrambles them (a transpose moves channels): it is a layout of its own only
 * when no transpose/permute/ToTensor sets the layout on that side and the side decodes images itself.
 */
function resolveReshape(side: SideFacts): void {
  const list = side.get('image.layout');
  if (!list?.length) return;
  const reshaped = list.filter((f) => f.value.k === 'str' && f.value.v.endsWith('by reshape'));
  if (!reshaped.length) return;
  const others = list.filter((f) => !reshaped.includes(f));
  const decodes = side.has('image.load') || side.has('image.convert');
  const keep = others.length ? others : decodes ? reshaped.filter((f) => (f.value as { v: string }).v.startsWith('CHW')) : [];
  if (keep.length) side.set('image.layout', keep);
  else side.delete('image.layout');
}

/** Normalises mean/std written in 0–255 units (no /255 anywhere) to the [0, 1] convention. */
function normalizeScale(side: SideFacts): void {
  const scale = side.get('image.scale');
  const mean = side.get('image.mean');
  const std = side.get('image.std');
  if (scale?.length || !mean?.length) return;
  const ms = numbers(mean[0].value);
  if (!ms || Math.max(...ms) <= 1.5) return;
  const div = (f: Fact): Fact => {
    const ns = numbers(f.value);
    return ns ? { ...f, value: { k: 'list', items: ns.map((v) => ({ k: 'num', v: v / 255 }) as Value), tuple: true }, shown: `${shown(f)} (÷255)`, fixStyle: undefined } : f;
  };
  side.set('image.mean', mean.map(div));
  if (std) side.set('image.std', std.map(div));
  side.set('image.scale', [{ ...mean[0], key: 'image.scale', value: { k: 'num', v: 1 / 255 }, shown: '1/255 (folded into mean/std)', fixStyle: undefined, origin: undefined }]);
}

const normPath = (p: string): string => p.replace(/^\.\//, '').replace(/\/+$/, '');

/**
 * A tokenizer loaded at serving from the folder training saved it to (`tokenizer.save_pretrained("out")`) is the
 * training checkpoint: the serving facts take the training value (shown with the folder).
 */
function aliasSavedTokenizer(t: SideFacts, s: SideFacts): void {
  const saved = (t.get('text.tokenizer_saved') ?? []).map((f) => (f.value.k === 'str' ? normPath(f.value.v) : ''));
  const trainCkpt = t.get('text.tokenizer')?.find((f) => f.value.k === 'str');
  const serving = s.get('text.tokenizer');
  if (!serving || !trainCkpt) return;
  s.set('text.tokenizer', serving.map((f) => (f.value.k === 'str' && saved.includes(normPath(f.value.v))
    ? { ...f, value: trainCkpt.value, shown: `'${f.value.v}' (saved from ${shown(trainCkpt)} by training)`, origin: undefined }
    : f)));
}

/**
 * Effective lower-casing of a side: an explicit step (`.lower()`, `do_lower_case`, a vectorizer's `lowercase`)
 * wins; else the tokenizer checkpoint's family default (library.ts). `on: undefined` when it cannot be known
 * (a tokenizer loaded from a folder or a variable the analysis cannot follow).
 */
function lowercaseOf(side: SideFacts): { on: boolean | undefined; fact?: Fact } {
  const explicit = side.get('text.lowercase');
  if (explicit?.length) {
    const last = explicit.find((f) => !f.isDefault && f.value.k === 'bool' && f.value.v) ?? explicit[explicit.length - 1];
    return { on: last.value.k === 'bool' && last.value.v, fact: last };
  }
  const toks = side.get('text.tokenizer') ?? [];
  // No tokenizer and no explicit step: whatever tokenizes (a pipeline, a pickled model) is not visible.
  if (!toks.length) return { on: undefined };
  for (const tok of toks) {
    if (tok.value.k !== 'str') return { on: undefined };
    const lc = checkpointLowercases(tok.value.v);
    if (lc === undefined) return { on: undefined };
    if (lc) return { on: true, fact: { ...tok, key: 'text.lowercase', shown: `lower-cased (${display(tok.value)} lower-cases by default)`, isDefault: true, fixStyle: undefined, origin: undefined } };
  }
  return { on: false, fact: toks[0] };
}

/** The evidence link of one fact: what value, and the file:line it was written at (or the default it is). */
export function evidenceOf(side: 'training' | 'serving', f: Fact): SkewEvidence {
  const at = locate(f);
  const what = `${f.via}: ${shown(f)}${f.isDefault ? ' (library default)' : ''}`;
  return { side, what, file: at.file, line: at.line };
}

function finding(key: string, t: Fact | undefined, s: Fact | undefined, message?: string): SkewFinding {
  const info = keyInfo(key);
  const tv = t ? shown(t) : null;
  const sv = s ? shown(s) : null;
  const msg = message ?? (t && s
    ? `${info.label} differs from training: ${sv} (serving) vs ${tv} (training)`
    : t
      ? `${info.label} ${tv} at training has no counterpart at serving`
      : `${info.label} ${sv} at serving has no counterpart at training`);
  const hint = info.kind === 'padding' && !message ? ' (harmless with an attention mask; matters when the model expects a fixed sequence length)' : '';
  const evidence: SkewEvidence[] = [];
  if (t) evidence.push(evidenceOf('training', t));
  if (s) evidence.push(evidenceOf('serving', s));
  const out: SkewFinding = {
    kind: info.kind,
    severity: info.severity,
    message: msg + hint,
    training: t ? locate(t) : null,
    serving: s ? locate(s) : null,
    trainingValue: tv,
    servingValue: sv,
    confidence: t?.isDefault || s?.isDefault ? 'medium' : 'high',
    evidence,
  };
  if (t && s) {
    const fix = fixFor(s, t.value, tv ?? '');
    if (fix) out.fix = fix;
  }
  return out;
}

/**
 * Why the other side's pipeline is not closed for this step: code there that may do the step in a way the
 * analysis does not model (the rule's keywords), or a call into code it cannot read. Undefined when closed.
 */
export function openReason(key: string, other: SideContext | undefined, otherName: 'training' | 'serving'): string | undefined {
  if (!other) return undefined;
  const { hints } = keyInfo(key);
  const [base, column] = key.split(':');
  // A step of one column (fill, clip, transform of 'age') whose column is not known: which one is open.
  if (base.startsWith('tabular.') && column === '*') return `the column of this step is not known, so ${otherName} cannot be checked for it`;
  // For a step of a named column, only the other side's lines that name the column can be that step.
  // Pixels handed to the model as uint8 with no float conversion: the model must scale/normalize them itself.
  if (/^image\.(scale|mean|std|standardize)$/.test(base) && otherName === 'serving') {
    if (handsUint8(other)) return 'serving hands uint8 pixels to the model, so the scaling/normalization must happen inside it';
  }
  // Time windows are written in many idioms that do not name the column (filters on a timestamp).
  const colRe = base.startsWith('tabular.') && base !== 'tabular.window' && column ? new RegExp(`["'.]${column.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`) : undefined;
  if (hints) {
    for (const { file, text } of other.code) {
      if (colRe ? !colRe.test(text) : !hints.test(text)) continue;
      const lines = text.split('\n');
      for (let i = 0; i < lines.length; i++) {
        if (colRe) {
          // A line naming the column, with the step's keyword within 4 lines of it (multi-line dicts, loops).
          if (!colRe.test(lines[i])) continue;
          const near = lines.slice(Math.max(0, i - 4), i + 5).join('\n');
          if (!hints.test(near)) continue;
        } else if (!hints.test(lines[i])) continue;
        return `${otherName} code at ${path.basename(file)}:${i + 1} (\`${lines[i].trim().slice(0, 80)}\`) may do this step in a way the analysis does not model`;
      }
    }
  }
  if (other.opaque.length) return `${otherName} calls code the analysis cannot read: ${other.opaque[0]}`;
  return undefined;
}

/** The side feeds uint8 pixels with no float conversion anywhere: the model does the pixel steps itself. */
function handsUint8(side: SideContext): boolean {
  const all = side.code.map((c) => c.text).join('\n');
  return /uint8/.test(all) && !/float(16|32|64)|\.float\(\)|\bfloat\b(?!\()|ToTensor|to_tensor|ToDtype|convert_image_dtype|\/\s*255|astype\(\s*["']f/.test(all);
}

/** A checkpoint path that is a folder on disk rather than a hub name (`/mnt/models/x`, `./artifacts/tok`, `C:\\m`). */
export function isLocalPath(v: string): boolean {
  return /^(\/|\.{1,2}\/|~|[A-Za-z]:\\)/.test(v) || v.split('/').length > 2 || /\\/.test(v);
}

/** An information-level "could not verify" note (never an error, never fails `review`). */
function unverified(key: string, side: 'training' | 'serving', f: Fact, reason: string): SkewFinding {
  const info = keyInfo(key);
  const other = side === 'training' ? 'serving' : 'training';
  return {
    kind: 'unverified',
    severity: 'info',
    message: `Could not verify that ${other} does ${info.label} ${shown(f)} like ${side}: ${reason}`,
    training: side === 'training' ? locate(f) : null,
    serving: side === 'serving' ? locate(f) : null,
    trainingValue: side === 'training' ? shown(f) : null,
    servingValue: side === 'serving' ? shown(f) : null,
    confidence: 'low',
    evidence: [evidenceOf(side, f)],
  };
}

/** Training vs serving findings. */
export function compareSides(allTrainingFacts: Fact[], servingFacts: Fact[], cmp: CompareContext = {}): SkewFinding[] {
  // Steps inside the model are done at serving by the model itself: training's data pipeline is what serving
  // must reproduce, and a serving step the model already does is done twice.
  const modelSteps = allTrainingFacts.filter((f) => f.inModel && !f.random);
  const trainingFacts = allTrainingFacts.filter((f) => !f.inModel);
  const doubled: SkewFinding[] = [];
  const doubledKeys = new Set<string>();
  for (const m of modelSteps) {
    if (!/^image\.(scale|mean|std)$/.test(m.key) || doubledKeys.has(m.key)) continue;
    const sv = servingFacts.find((f) => f.key === m.key && !f.inModel && !f.random && f.value.k !== 'unknown');
    if (!sv || trainingFacts.some((f) => f.key === m.key && !f.random)) continue;
    doubledKeys.add(m.key);
    if (m.key !== 'image.scale' && doubledKeys.has('image.scale')) continue;
    doubled.push({
      kind: 'double-step', severity: 'error',
      message: `${keyInfo(m.key).label} ${shown(sv)} at serving is already done inside the model (${m.via} at ${path.basename(m.mod.file)}:${m.node.row + 1}): applied twice`,
      training: locate(m), serving: locate(sv), trainingValue: shown(m), servingValue: shown(sv), confidence: 'high',
      evidence: [evidenceOf('training', m), evidenceOf('serving', sv)],
    });
  }
  if (doubledKeys.size) servingFacts = servingFacts.filter((f) => !doubledKeys.has(f.key));
  if (modelSteps.length && cmp.serving) {
    for (const m of modelSteps) if (!cmp.serving.inModel.has(m.key)) cmp.serving.inModel.set(m.key, `${m.via} inside the model, ${path.basename(m.mod.file)}:${m.node.row + 1}`);
  }
  const t = selectFacts(trainingFacts, 'training');
  const s = selectFacts(servingFacts, 'serving');
  const tColor = resolveColor(trainingFacts.filter((f) => !f.random));
  const sColor = resolveColor(servingFacts);
  if (tColor) t.set('image.color', [tColor]);
  else t.delete('image.color');
  if (sColor) s.set('image.color', [sColor]);
  else s.delete('image.color');
  normalizeScale(t);
  normalizeScale(s);
  dropEqualAffine(t, s);
  for (const side of [t, s]) {
    resolvePcm(side);
    resolveReshape(side);
  }
  // A side that decodes images (HWC) and never moves the channels feeds HWC, unless its code may transpose in a
  // way the analysis does not model.
  for (const [side, other, ctxSide] of [[t, s, cmp.training], [s, t, cmp.serving]] as const) {
    if (side.get('image.layout')?.length || !other.get('image.layout')?.some((f) => f.value.k === 'str' && f.value.v === 'CHW' && !f.isDefault)) continue;
    const loader = side.get('image.load')?.find((f) => f.value.k === 'str' && f.value.v !== 'GRAY' && !/torchvision\.io/.test(f.via));
    if (!loader || !ctxSide || handsUint8(ctxSide) || ctxSide.opaque.length) continue;
    if (ctxSide.code.some((c) => /transpose|permute|moveaxis|rollaxis|swapaxes|einsum|rearrange|ToTensor|to_tensor|channels_first|PILToTensor|ToImage|\.T\b|CHW/.test(c.text))) continue;
    side.set('image.layout', [{ ...loader, key: 'image.layout', value: { k: 'str', v: 'HWC' }, shown: `HWC (${loader.via} decodes HWC; no transpose)`, isDefault: true, fixStyle: undefined, origin: undefined }]);
  }
  // padding_side set on one side only: the other side's tokenizer pads right when the table knows its family.
  for (const [side, other] of [[t, s], [s, t]] as const) {
    if (!other.get('text.padding_side')?.length || side.get('text.padding_side')?.length) continue;
    const tok = side.get('text.tokenizer')?.find((f) => f.value.k === 'str');
    if (tok && tok.value.k === 'str' && checkpointPadsRight(tok.value.v)) {
      side.set('text.padding_side', [{ ...tok, key: 'text.padding_side', value: { k: 'str', v: 'right' }, shown: `'right' (${tok.value.v} default)`, isDefault: true, fixStyle: undefined, origin: undefined }]);
    }
  }
  aliasSavedTokenizer(t, s);
  // `truncation=True` without max_length truncates to the checkpoint's model_max_length (library.ts table); a
  // checkpoint the table does not know leaves the effective length unknown, never "no limit".
  for (const side of [t, s]) {
    const lengths = side.get('text.max_length');
    if (!lengths?.length) continue;
    const tok = side.get('text.tokenizer')?.find((f) => f.value.k === 'str');
    side.set('text.max_length', lengths.map((f) => {
      if (f.value.k !== 'none') return f;
      const tr = side.get('text.truncation')?.find((x) => x.node === f.node);
      if (!tr || tr.value.k !== 'str' || tr.value.v === 'do_not_truncate') return f;
      const max = tok && tok.value.k === 'str' ? checkpointModelMaxLength(tok.value.v) : undefined;
      if (max === undefined) return { ...f, value: { k: 'unknown' }, shown: `the tokenizer's model_max_length (truncation without max_length; ${tok ? `${display(tok.value)} not in the table` : 'checkpoint not resolved'})`, fixStyle: undefined };
      return { ...f, value: { k: 'num', v: max }, shown: `${max} (truncation without max_length: ${display(tok!.value)} model_max_length)`, isDefault: true, fixStyle: undefined };
    }));
  }

  const domains = (side: SideFacts): Set<string> => {
    const d = new Set<string>();
    for (const [k, v] of side) if (v.some((f) => f.value.k !== 'unknown') && !SPECIAL.has(k)) d.add(domainOf(k));
    return d;
  };
  const tDomains = domains(t);
  const sDomains = domains(s);
  const findings: SkewFinding[] = [];

  // Serving-only hazards.
  for (const f of s.get('augment.random') ?? []) {
    if (/train|augment/.test(f.context)) continue;
    findings.push({
      kind: 'random-augmentation', severity: 'error',
      message: `Random augmentation ${shown(f)} is applied at serving (${f.via}); predictions become non-deterministic and differ from training's evaluation pipeline`,
      training: null, serving: locate(f), trainingValue: null, servingValue: shown(f), confidence: 'high', evidence: [evidenceOf('serving', f)],
    });
  }
  for (const f of s.get('tabular.fit') ?? []) {
    findings.push({
      kind: 'stat-recomputed', severity: 'error',
      message: `${shown(f)} fits statistics on the request at serving; load the object fitted at training instead (joblib/pickle)`,
      training: null, serving: locate(f), trainingValue: null, servingValue: shown(f), confidence: 'high', evidence: [evidenceOf('serving', f)],
    });
  }
  for (const f of s.get('tabular.stat') ?? []) {
    findings.push({
      kind: 'stat-recomputed', severity: 'error',
      message: `Statistic ${shown(f)} is recomputed on the request at serving instead of using the training value`,
      training: null, serving: locate(f), trainingValue: null, servingValue: shown(f), confidence: 'high', evidence: [evidenceOf('serving', f)],
    });
  }
  for (const [side, facts] of [['training', t], ['serving', s]] as const) {
    for (const f of facts.get('tabular.variance_div') ?? []) {
      findings.push({
        kind: 'scaler-stats', severity: 'error',
        message: `Standardization divides by ${shown(f)} at ${side}: StandardScaler divides by the standard deviation (scale_ = sqrt(var_))`,
        training: side === 'training' ? locate(f) : null, serving: side === 'serving' ? locate(f) : null,
        trainingValue: side === 'training' ? shown(f) : null, servingValue: side === 'serving' ? shown(f) : null, confidence: 'high', evidence: [evidenceOf(side, f)],
      });
    }
  }
  {
    // Serving decodes audio at the file's own rate and never resamples, while training (or the feature extractor
    // training defined) works at a fixed rate: any upload at another rate is featurized as if it were that rate.
    const native = s.get('audio.load_native')?.[0];
    const servingRate = s.get('audio.sample_rate')?.some((f) => f.value.k === 'num');
    const fixed = t.get('audio.load_native')?.length ? undefined : [...(t.get('audio.sample_rate') ?? []), ...(t.get('audio.feature_sr') ?? [])].find((f) => f.value.k === 'num' && !f.isDefault);
    if (native && !servingRate && fixed) {
      findings.push({
        kind: 'sample-rate', severity: 'warning',
        message: `Sample rate is not enforced at serving: ${shown(native)}, while training works at ${shown(fixed)} Hz (${fixed.via}); an upload at another rate is featurized as if it were ${shown(fixed)} Hz. Resample to ${shown(fixed)} Hz (torchaudio.functional.resample) or reject other rates`,
        training: locate(fixed), serving: locate(native), trainingValue: shown(fixed), servingValue: 'the upload\'s own rate', confidence: 'medium',
        evidence: [evidenceOf('training', fixed), evidenceOf('serving', native)],
      });
    }
  }
  {
    // OneHotEncoder(handle_unknown='ignore') encodes an unknown category as all zeros; an index map's default is a real category.
    const enc = t.get('tabular.onehot_unknown')?.find((f) => f.value.k === 'str' && /ignore|infrequent/.test(f.value.v));
    const idx = s.get('tabular.unknown_index')?.[0];
    if (enc && idx) {
      findings.push({
        kind: 'unknown-category', severity: 'error',
        message: `Unknown categories differ: ${shown(idx)} at serving vs all-zero one-hot at training (${shown(enc)})`,
        training: locate(enc), serving: locate(idx), trainingValue: shown(enc), servingValue: shown(idx), confidence: 'high', evidence: [evidenceOf('training', enc), evidenceOf('serving', idx)],
      });
    }
  }
  const rowWindowed = rowVsTimeWindow(t, s, cmp);
  findings.push(...rowWindowed.findings);
  if (s.get('tabular.get_dummies')?.length && !servingFacts.some((f) => f.key === 'tabular.features')) {
    const f = s.get('tabular.get_dummies')![0];
    findings.push({
      kind: 'categories', severity: 'error',
      message: 'pd.get_dummies at serving creates columns from the request\'s values only; reindex to the training columns',
      training: null, serving: locate(f), trainingValue: null, servingValue: 'pd.get_dummies', confidence: 'high', evidence: [evidenceOf('serving', f)],
    });
  }

  const keys = new Set([...t.keys(), ...s.keys()]);
  for (const key of keys) {
    if (SPECIAL.has(key) || rowWindowed.handled.has(key)) continue;
    const d = domainOf(key);
    if (!tDomains.has(d) || !sDomains.has(d)) continue;
    const tl = t.get(key) ?? [];
    const sl = s.get(key) ?? [];
    if (key === 'text.lowercase') continue;
    // A step whose value we could not follow on either side: present, but not comparable.
    const unknownT = tl.find((f) => f.value.k === 'unknown');
    const unknownS = sl.find((f) => f.value.k === 'unknown');
    if (unknownT || unknownS) {
      const known = unknownT ? sl.find((f) => f.value.k !== 'unknown') : tl.find((f) => f.value.k !== 'unknown');
      if (known) findings.push(unverified(key, unknownT ? 'serving' : 'training', known, `the ${unknownT ? 'training' : 'serving'} value at ${path.basename(locate(unknownT ?? unknownS!).file)}:${locate(unknownT ?? unknownS!).line} (${shown(unknownT ?? unknownS!)}) is not resolved`));
      continue;
    }
    // Antialiasing differs by library default (PIL vs cv2) in most correct code: compared only when written.
    if (key === 'image.antialias' && [...tl, ...sl].every((f) => f.isDefault)) continue;
    if (key === 'tabular.features') {
      findings.push(...compareFeatures(tl, sl));
      continue;
    }
    // A checkpoint loaded from a folder (a deployment artifact) may hold the other side's checkpoint.
    if (/^(text\.tokenizer|image\.processor|audio\.extractor)$/.test(key)) {
      const local = [...tl, ...sl].find((f) => f.value.k === 'str' && isLocalPath(f.value.v));
      if (local && !tl.some((a) => sl.some((b) => equalFacts(key, a, b)))) {
        const other = tl.includes(local) ? sl[sl.length - 1] : tl[tl.length - 1];
        if (other) findings.push(unverified(key, tl.includes(local) ? 'serving' : 'training', other, `the ${tl.includes(local) ? 'training' : 'serving'} side loads it from the folder ${display(local.value)} (${path.basename(local.mod.file)}:${local.node.row + 1}), which may hold the same checkpoint`));
        continue;
      }
    }
    if (tl.length && sl.length) {
      if (tl.some((a) => sl.some((b) => equalFacts(key, a, b)))) continue;
      if (key === 'image.color') {
        // GRAY on one side vs RGB made from gray on the other: equal when the gray side repeats the channel by hand.
        const gray = [...tl, ...sl].find((f) => f.value.k === 'str' && f.value.v === 'GRAY');
        const rgbFromGray = [...tl, ...sl].find((f) => f.value.k === 'str' && f.value.v === 'RGB' && /GRAY|gray/.test(shown(f)));
        const graySide = gray && tl.includes(gray) ? cmp.training : cmp.serving;
        const rep = graySide?.code.map((c) => /np\.(stack|repeat|tile|dstack|concatenate)\b|cv2\.merge|\.repeat\(|\.expand\(|GRAY2RGB|GRAY2BGR|ToRGB|grayscale_to_rgb|convert\(\s*["']RGB/.exec(c.text)).find(Boolean);
        if (gray && (rgbFromGray || rep) && rep) {
          findings.push(unverified(key, tl.includes(gray) ? 'serving' : 'training', tl.includes(gray) ? sl[sl.length - 1] : tl[tl.length - 1], `the gray side may repeat the channel by hand (\`${rep[0]}\`)`));
          continue;
        }
      }
      const tf = tl.find((f) => !f.isDefault) ?? tl[tl.length - 1];
      const sf = [...sl].reverse().find((f) => !f.isDefault) ?? sl[sl.length - 1];
      const out = finding(key, tf, sf);
      if (tf.computed || sf.computed) {
        out.severity = 'warning';
        out.confidence = 'medium';
        out.message += ' (a statistic computed from the training data vs a literal: the literal must equal the saved value)';
        delete out.fix;
      }
      findings.push(out);
      continue;
    }
    const info = keyInfo(key);
    if (!info.oneSided) continue;
    if (key.startsWith('tabular.fill:')) {
      const other = (tl.length ? s : t).get('tabular.fill:*');
      const mine = (tl.length ? tl : sl)[0];
      if (other?.length) {
        if (other.some((o) => equalFacts(key, mine, o))) continue;
        findings.push(tl.length ? finding(key, mine, other[0]) : finding(key, other[0], mine));
        continue;
      }
      if (key === 'tabular.fill:*') {
        // A blanket fill on one side vs per-column fills on the other: compared per column above.
        if ([...(tl.length ? s : t).keys()].some((k) => k.startsWith('tabular.fill:'))) continue;
      }
    }
    if (key === 'image.size' || key === 'image.crop') {
      // A side that never loads or resizes images probably receives prepared tensors: not comparable.
      const other = tl.length ? s : t;
      if (!other.has('image.size') && !other.has('image.crop') && !other.has('image.color')) continue;
    }
    const side = tl.length ? 'training' : 'serving';
    const mine = tl.length ? tl[tl.length - 1] : sl[sl.length - 1];
    if (key === 'audio.pcm_scale') {
      // Only decoders set it: the other side never decodes audio (it is handed waveforms), so its scale is not seen.
      findings.push(unverified(key, side, mine, `the ${side === 'training' ? 'serving' : 'training'} side never decodes audio files (it receives waveforms from code not in the pair)`));
      continue;
    }
    // Leaving a value missing (`… else np.nan`) is what the other side does by not filling.
    if (key.startsWith('tabular.fill:') && mine.value.k === 'str' && mine.value.v === 'NaN') continue;
    // A time-based rolling window ('7D') is compared as a span when the other side filters by time instead.
    if (key.startsWith('tabular.window:') && (tl.length ? s : t).get('tabular.span')?.length && (mine.value.k === 'str')) continue;
    // Done inside the model: the model carries the step to serving.
    if (side === 'training' && cmp.serving?.inModel.has(key)) continue;
    // Precision policy: "no counterpart" only when the other side's pipeline is closed for this step.
    const reason = openReason(key, side === 'training' ? cmp.serving : cmp.training, side === 'training' ? 'serving' : 'training');
    if (reason) {
      findings.push(unverified(key, side, mine, reason));
      continue;
    }
    findings.push(side === 'training' ? finding(key, mine, undefined) : finding(key, undefined, mine));
  }

  // A fitted vectorizer that lower-cases is pickled with the model: both sides lower-case through it.
  const vectorizer = modelSteps.find((f) => f.key === 'text.lowercase');
  const vectorizerLowercases = vectorizer?.value.k === 'bool' && vectorizer.value.v;
  if (vectorizer && !vectorizerLowercases) {
    // A fitted vectorizer with lowercase=False tokenizes on both sides: lower-casing is what each side writes.
    const te = t.get('text.lowercase')?.find((f) => f.value.k === 'bool' && f.value.v);
    const se = s.get('text.lowercase')?.find((f) => f.value.k === 'bool' && f.value.v);
    if (!!te !== !!se) {
      const msg = `Lower-casing differs from training: ${se ? shown(se) : 'not lower-cased'} (serving) vs ${te ? shown(te) : `not lower-cased (${shown(vectorizer)})`} (training)`;
      const out = finding('text.lowercase', te ?? vectorizer, se, msg);
      delete out.fix;
      findings.push(out);
    }
  } else if (tDomains.has('text') && sDomains.has('text') && !vectorizerLowercases) {
    const tl = lowercaseOf(t);
    let sl = lowercaseOf(s);
    let assumed = false;
    if (sl.on === undefined && tl.on !== undefined) {
      // Serving's tokenizer is not visible (a saved artifact, a pickled object): it is training's tokenizer, since any
      // other would be a tokenizer skew of its own. Its lower-casing is that checkpoint's.
      const ckpt = t.get('text.tokenizer')?.find((f) => f.value.k === 'str');
      const lc = ckpt && ckpt.value.k === 'str' ? checkpointLowercases(ckpt.value.v) : undefined;
      if (lc !== undefined) {
        sl = { on: lc, fact: s.get('text.tokenizer')?.[0] ?? s.get('text.max_length')?.[0] ?? s.get('text.truncation')?.[0] };
        assumed = true;
      }
    }
    if (tl.on === undefined || sl.on === undefined) {
      const known = tl.on === undefined ? sl : tl;
      if (known.on !== undefined && known.fact) findings.push(unverified('text.lowercase', tl.on === undefined ? 'serving' : 'training', known.fact, `the ${tl.on === undefined ? 'training' : 'serving'} tokenizer is loaded from a folder or value the checkpoint table does not know`));
    } else if (tl.on !== sl.on) {
      const notLc = (f: Fact | undefined): string => (f?.key === 'text.tokenizer' ? `not lower-cased (${display(f.value)} keeps case)` : 'not lower-cased');
      const msg = `Lower-casing differs from training: ${sl.on ? shown(sl.fact!) : notLc(sl.fact)} (serving) vs ${tl.on ? shown(tl.fact!) : notLc(tl.fact)} (training)`;
      const out = finding('text.lowercase', tl.on ? tl.fact : undefined, sl.on ? sl.fact : assumed ? sl.fact : undefined, msg);
      delete out.fix;
      if (assumed) {
        out.severity = 'warning';
        out.confidence = 'medium';
        out.message += ' (serving is assumed to use the tokenizer saved at training)';
      }
      findings.push(out);
    }
  }
  return dedupe([...doubled, ...findings]);
}

function compareFeatures(tl: Fact[], sl: Fact[]): SkewFinding[] {
  if (!tl.length || !sl.length) return [];
  const out: SkewFinding[] = [];
  const usedS = new Set<Fact>();
  for (const a of tl) {
    const as = strings(a.value)!;
    // Same variable name first, else the list with the most columns in common.
    let b = sl.find((x) => x.name === a.name && !usedS.has(x));
    if (!b) {
      let best = 0;
      for (const x of sl) {
        const xs = strings(x.value)!;
        const common = xs.filter((v) => as.includes(v)).length / Math.max(xs.length, as.length);
        if (common > best && common >= 0.5) {
          best = common;
          b = x;
        }
      }
    }
    if (!b) continue;
    usedS.add(b);
    const bs = strings(b.value)!;
    if (as.length === bs.length && as.every((v, i) => v === bs[i])) continue;
    const missing = as.filter((v) => !bs.includes(v));
    const extra = bs.filter((v) => !as.includes(v));
    const base = finding('tabular.features', a, b);
    if (missing.length || extra.length) {
      base.kind = 'feature-set';
      base.message = `Feature set differs from training (${b.name ?? 'serving'} vs ${a.name ?? 'training'}):${missing.length ? ` missing at serving ${missing.map((x) => `'${x}'`).join(', ')}` : ''}${missing.length && extra.length ? ';' : ''}${extra.length ? ` only at serving ${extra.map((x) => `'${x}'`).join(', ')}` : ''}`;
    } else {
      const first = as.findIndex((v, i) => v !== bs[i]);
      let lastDiff = first;
      for (let i = as.length - 1; i > first; i--) if (as[i] !== bs[i]) {
        lastDiff = i;
        break;
      }
      const span = (xs: string[]): string => xs.slice(first, lastDiff + 1).map((x) => `'${x}'`).join(', ');
      base.message = `Feature order differs from training at positions ${first + 1}–${lastDiff + 1}: ${span(bs)} (serving) vs ${span(as)} (training)`;
      base.servingValue = span(bs);
      base.trainingValue = span(as);
    }
    out.push(base);
  }
  return out;
}

function dedupe(findings: SkewFinding[]): SkewFinding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.kind}|${f.training?.file}:${f.training?.line}:${f.training?.column}|${f.serving?.file}:${f.serving?.line}:${f.serving?.column}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * A window counted in rows on one side (`s.rolling(30)`) and in time on the other (`day > as_of - timedelta(days=30)`):
 * the two agree only when every entity has exactly one row per period with no gaps. When the row side resamples to a
 * fixed frequency first (`.resample('D')`, `.asfreq('D')`), its rows are periods and the lengths are compared;
 * otherwise the difference of meaning is a warning.
 */
function rowVsTimeWindow(t: Map<string, Fact[]>, s: Map<string, Fact[]>, cmp: CompareContext): { findings: SkewFinding[]; handled: Set<string> } {
  const handled = new Set<string>();
  const out: SkewFinding[] = [];
  for (const [rows, time, rowSide] of [[t, s, 'training'], [s, t, 'serving']] as const) {
    const span = time.get('tabular.span')?.find((f) => f.value.k === 'num');
    if (!span || [...time.keys()].some((k) => k.startsWith('tabular.window:'))) continue;
    const counted = [...rows.entries()].filter(([k, fs]) => /^tabular\.window:[^:]*:rolling$/.test(k) && fs.some((f) => f.value.k === 'num'));
    if (!counted.length) continue;
    const ctx = rowSide === 'training' ? cmp.training : cmp.serving;
    const freq = ctx?.code.map((c) => /\.(?:resample|asfreq)\(\s*["']([^"']{1,12})["']/.exec(c.text)).find(Boolean);
    const period = freq ? parseDuration(freq[1]) : undefined;
    const first = counted[0][1].find((f) => f.value.k === 'num')!;
    const n = (first.value as { v: number }).v;
    const secs = (span.value as { v: number }).v;
    for (const [k] of counted) handled.add(k);
    if (freq && period === undefined) continue;
    if (period !== undefined && Math.abs(n * period - secs) < 1e-6) continue;
    const rowShown = period !== undefined ? `${fmtDuration(n * period)} (${n} rows of ${freq![1]}, ${shown(first)})` : `the last ${n} rows (${first.via.replace(/\(\)$/, "")}(${n}))`;
    const a = rowSide === 'training' ? first : span;
    const b = rowSide === 'training' ? span : first;
    const f = finding('tabular.span', a, b);
    f.kind = 'window';
    const tShown = rowSide === 'training' ? rowShown : shown(span);
    const sShown = rowSide === 'training' ? shown(span) : rowShown;
    f.message = `Time window differs from training: ${sShown} (serving) vs ${tShown} (training)`;
    if (period === undefined) {
      f.severity = 'warning';
      f.confidence = 'medium';
      f.message += `; a row count equals ${fmtDuration(secs)} only when each entity has exactly one row per ${fmtDuration(secs / n)} with no gaps`;
    }
    f.trainingValue = tShown;
    f.servingValue = sShown;
    delete f.fix;
    out.push(f);
  }
  return { findings: out, handled };
}
