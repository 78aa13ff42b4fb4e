/**
 * Checks each side's preprocessing against the paired ONNX model: the input's shape (size, layout), dtype, and
 * the preprocessing facts written into `metadata_props` (`preprocessing.color_order`, `.resize`, `.scale`,
 * `.mean`, `.std`, `.layout`), as `examples/training/train.py` writes them.
 */
import * as path from 'node:path';
import type { ModelInspection } from '../../shared/modelInspection';
import type { SkewFinding } from '../../shared/skew';
import { evidenceOf, fixFor, keyInfo, locate, shown, type SideFacts } from './compare';
import type { Fact } from './facts';
import { closeLists, numbers, sameValue, type Value } from './values';

/** One fact of the model: the value and where it is written (input shape or a metadata key). */
export interface ModelFact {
  key: string;
  value: Value;
  shown: string;
  source: string;
}

const numList = (xs: number[]): Value => ({ k: 'list', items: xs.map((v) => ({ k: 'num', v }) as Value), tuple: true });

/** The preprocessing facts an ONNX model states (its first input, and `preprocessing.*` metadata). */
export function modelFacts(m: ModelInspection): ModelFact[] {
  const out: ModelFact[] = [];
  const input = m.inputs[0];
  if (input && input.shape && input.shape.length === 4) {
    const dims = input.shape;
    const ch = (i: number): boolean => dims[i] === 1 || dims[i] === 3;
    if (ch(1) && !ch(3)) {
      out.push({ key: 'image.layout', value: { k: 'str', v: 'CHW' }, shown: `NCHW (input '${input.name}' ${fmtShape(dims)})`, source: `input '${input.name}'` });
      if (typeof dims[2] === 'number' && typeof dims[3] === 'number') out.push({ key: 'image.final_size', value: numList([dims[2], dims[3]]), shown: `${dims[2]}×${dims[3]} (input '${input.name}' ${fmtShape(dims)})`, source: `input '${input.name}'` });
    } else if (ch(3) && !ch(1)) {
      out.push({ key: 'image.layout', value: { k: 'str', v: 'HWC' }, shown: `NHWC (input '${input.name}' ${fmtShape(dims)})`, source: `input '${input.name}'` });
      if (typeof dims[1] === 'number' && typeof dims[2] === 'number') out.push({ key: 'image.final_size', value: numList([dims[1], dims[2]]), shown: `${dims[1]}×${dims[2]} (input '${input.name}' ${fmtShape(dims)})`, source: `input '${input.name}'` });
    }
    if (input.dtype) out.push({ key: 'image.dtype', value: { k: 'str', v: input.dtype }, shown: `${input.dtype} (input '${input.name}')`, source: `input '${input.name}'` });
  }
  const md = m.metadata;
  const get = (k: string): string | undefined => md[`preprocessing.${k}`];
  const color = get('color_order');
  if (color && /^(RGB|BGR|GRAY)$/i.test(color.trim())) out.push({ key: 'image.color', value: { k: 'str', v: color.trim().toUpperCase() }, shown: `${color.trim()} (metadata preprocessing.color_order)`, source: 'preprocessing.color_order' });
  const resize = get('resize');
  const rm = resize?.match(/(\d+)\s*[x×,]\s*(\d+)(?:\s+(\w+))?/i);
  if (rm) {
    out.push({ key: 'image.size', value: numList([Number(rm[1]), Number(rm[2])]), shown: `${rm[1]}×${rm[2]} (metadata preprocessing.resize)`, source: 'preprocessing.resize' });
    if (rm[3]) out.push({ key: 'image.interpolation', value: { k: 'str', v: rm[3].toLowerCase() === 'linear' ? 'bilinear' : rm[3].toLowerCase() }, shown: `${rm[3]} (metadata preprocessing.resize)`, source: 'preprocessing.resize' });
  }
  const scale = get('scale');
  const sm = scale?.match(/^\s*1\s*\/\s*([\d.]+)\s*$/);
  const sv = sm ? 1 / Number(sm[1]) : scale !== undefined && scale.trim() !== '' && Number.isFinite(Number(scale)) ? Number(scale) : undefined;
  if (sv !== undefined) out.push({ key: 'image.scale', value: { k: 'num', v: sv }, shown: `${scale} (metadata preprocessing.scale)`, source: 'preprocessing.scale' });
  for (const k of ['mean', 'std'] as const) {
    const raw = get(k);
    if (!raw) continue;
    try {
      const parsed: unknown = JSON.parse(raw.replace(/\(/g, '[').replace(/\)/g, ']'));
      const arr = Array.isArray(parsed) ? parsed : [parsed];
      if (arr.every((x) => typeof x === 'number')) out.push({ key: `image.${k}`, value: numList(arr as number[]), shown: `(${(arr as number[]).join(', ')}) (metadata preprocessing.${k})`, source: `preprocessing.${k}` });
    } catch {
      // not a number list: ignored
    }
  }
  const layout = get('layout');
  if (layout && /^N?(CHW|HWC)$/i.test(layout.trim())) out.push({ key: 'image.layout', value: { k: 'str', v: layout.trim().toUpperCase().replace(/^N/, '') }, shown: `${layout.trim()} (metadata preprocessing.layout)`, source: 'preprocessing.layout' });
  return out;
}

function fmtShape(dims: ReadonlyArray<unknown>): string {
  return `[${dims.map((d) => (d === null || d === undefined ? '?' : typeof d === 'object' ? JSON.stringify(d) : String(d))).join(', ')}]`;
}

function matches(key: string, a: Value, b: Value): boolean {
  if (key === 'image.mean' || key === 'image.std' || key === 'image.scale') {
    const x = numbers(a);
    const y = numbers(b);
    return !!x && !!y && closeLists(x, y);
  }
  return sameValue(a, b);
}

/**
 * Model findings for one side. Keys already reported as a training/serving difference are skipped, so one
 * mistake gives one finding.
 */
export function compareWithModel(side: 'training' | 'serving', facts: SideFacts, model: ModelFact[], modelFile: string, alreadyReported: ReadonlySet<string>): SkewFinding[] {
  const out: SkewFinding[] = [];
  const name = path.basename(modelFile);
  const done = new Set<string>();
  for (const mf of model) {
    let key = mf.key;
    let list: Fact[] | undefined;
    if (key === 'image.final_size') {
      list = facts.get('image.crop')?.length ? facts.get('image.crop') : facts.get('image.size');
      key = list === facts.get('image.crop') ? 'image.crop' : 'image.size';
    } else list = facts.get(key);
    if (!list?.length || list.some((f) => f.value.k === 'unknown')) continue;
    const info = keyInfo(key);
    // One finding per kind and side, even when the input shape and the metadata both state it.
    if (alreadyReported.has(info.kind) || done.has(info.kind)) continue;
    if (list.some((f) => matches(key, f.value, mf.value))) continue;
    if (key === 'image.size' && list.every((f) => f.value.k === 'str')) continue; // shorter-side resize: checked by the crop
    const f = list[list.length - 1];
    const finding: SkewFinding = {
      kind: `model-${info.kind}` as SkewFinding['kind'],
      severity: info.severity,
      message: `${info.label} differs from the model ${name}: ${shown(f)} (${side}) vs ${mf.shown}`,
      training: side === 'training' ? locate(f) : null,
      serving: side === 'serving' ? locate(f) : null,
      trainingValue: side === 'training' ? shown(f) : null,
      servingValue: side === 'serving' ? shown(f) : mf.shown,
      model: modelFile,
      confidence: f.isDefault ? 'medium' : 'high',
      evidence: [evidenceOf(side, f), { side: 'model', what: `${name}: ${mf.shown}` }],
    };
    if (side === 'training') finding.servingValue = null;
    if (side === 'serving') {
      const fix = fixFor(f, mf.value, mf.shown);
      if (fix) finding.fix = fix;
    }
    out.push(finding);
    done.add(info.kind);
  }
  return out;
}
