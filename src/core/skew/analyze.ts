/**
 * Entry points of the skew analysis: compare given training/serving files (`analyzePairs`) or discover the
 * pairs of a workspace first (`analyzeWorkspace`). vscode-free; the CLI and the VS Code adapter call these.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { inspectModel } from '../onnx/inspect';
import type { SkewFinding, SkewPair, SkewPairResult, SkewReport } from '../../shared/skew';
import { compareSides, keyInfo, resolveColor, selectFacts, type SideContext } from './compare';
import { onnxInputPrefix } from './onnxPrefix';
import { applySuppressions } from './suppress';
import { Evaluator } from './evaluate';
import { extractFacts } from './extract';
import type { Fact } from './facts';
import { compareWithModel, modelFacts, type ModelFact } from './modelCheck';
import { discoverPairs, listFiles, nearestModel, type DiscoverOptions } from './pairing';
import { ModuleCache, SkewProject } from './project';
import { isInside } from '../paths';
import { getParser } from './pyAst';

export interface AnalyzeOptions {
  /** Workspace root: imports and config files are resolved up to here; CLI paths are relative to it. */
  root?: string;
  /** Unsaved editor contents (absolute path → text). */
  overlay?: (file: string) => string | undefined;
  /** Parse cache kept across runs (the editor keeps one). */
  cache?: ModuleCache;
  maxFileBytes?: number;
  signal?: AbortSignal;
  /** Check each side against the pair's ONNX model (default true). */
  checkModel?: boolean;
}

export class SkewAbortError extends Error {
  readonly reason = 'aborted';
  constructor() {
    super('skew analysis aborted');
  }
}

const modelCache = new Map<string, { key: string; facts: ModelFact[] | string }>();
const prefixCache = new Map<string, { key: string; steps: Map<string, string> }>();

async function onnxPrefixCached(file: string): Promise<Map<string, string>> {
  const st = fs.statSync(file);
  const key = `${st.size}:${st.mtimeMs}`;
  const hit = prefixCache.get(file);
  if (hit && hit.key === key) return hit.steps;
  const steps = await onnxInputPrefix(file);
  prefixCache.set(file, { key, steps });
  return steps;
}

async function loadModelFacts(file: string, signal?: AbortSignal): Promise<ModelFact[] | string> {
  let key: string;
  try {
    const st = fs.statSync(file);
    key = `${st.size}:${st.mtimeMs}`;
  } catch (ex) {
    return `${file}: cannot read the model (${(ex as NodeJS.ErrnoException).code ?? 'io'})`;
  }
  const hit = modelCache.get(file);
  if (hit && hit.key === key) return hit.facts;
  let facts: ModelFact[] | string;
  try {
    facts = modelFacts(await inspectModel(file, { signal }));
  } catch (ex) {
    facts = ex instanceof Error ? ex.message : String(ex);
  }
  modelCache.set(file, { key, facts });
  return facts;
}

/**
 * The side's files plus the project modules they import (two levels deep, inside `within`), so that helpers such
 * as `from common.images import load_rgb` count for the side that calls them. Files of the other side are
 * never borrowed.
 */
export function expandSide(project: SkewProject, files: string[], other: string[], within: string): string[] {
  const out = new Set(files);
  const exclude = new Set(other);
  let frontier = [...files];
  for (let depth = 0; depth < 2 && frontier.length; depth++) {
    const next: string[] = [];
    for (const f of frontier) {
      const mod = project.module(f);
      if (!mod) continue;
      const specs = new Set<string>();
      for (const { module, name } of mod.fromImports.values()) {
        specs.add(module);
        specs.add(`${module}${module.endsWith('.') ? '' : '.'}${name}`);
      }
      for (const [local, full] of mod.imports) if (!mod.fromImports.has(local)) specs.add(full);
      for (const spec of specs) {
        const hit = project.resolveImport(f, spec);
        if (!hit || out.has(hit) || exclude.has(hit)) continue;
        if (!isInside(within, hit)) continue;
        out.add(hit);
        next.push(hit);
      }
    }
    frontier = next;
  }
  return [...out];
}

/** Facts of every file of one side. */
function sideFacts(project: SkewProject, ev: Evaluator, files: string[], signal?: AbortSignal): Fact[] {
  const out: Fact[] = [];
  for (const f of files) {
    if (signal?.aborted) throw new SkewAbortError();
    const mod = project.module(f);
    if (mod) out.push(...extractFacts(mod, ev));
  }
  return out;
}

/** Top-level packages whose calls the analysis models or that do no preprocessing of their own. */
const KNOWN_PACKAGES = new Set([
  'numpy', 'np', 'cv2', 'PIL', 'torch', 'torchvision', 'torchaudio', 'tensorflow', 'tf', 'keras', 'albumentations', 'timm', 'transformers', 'tokenizers',
  'librosa', 'soundfile', 'scipy', 'sklearn', 'pandas', 'pd', 'joblib', 'pickle', 'json', 'yaml', 'os', 'sys', 'io', 'pathlib', 're', 'math', 'typing',
  'dataclasses', 'functools', 'itertools', 'collections', 'logging', 'time', 'datetime', 'base64', 'fastapi', 'flask', 'pydantic', 'starlette', 'uvicorn',
  'bentoml', 'ray', 'kserve', 'ts', 'triton_python_backend_utils', 'onnxruntime', 'requests', 'argparse', 'random', 'glob', 'shutil', 'unicodedata',
  'string', 'abc', 'enum', 'warnings', 'contextlib', 'copy', 'struct', 'wave', 'csv', 'gzip', 'zipfile', 'tqdm', 'matplotlib', 'imageio', 'skimage',
  'mlflow', 'wandb', 'lightning', 'pytorch_lightning', '__future__', 'asyncio', 'concurrent', 'threading', 'multiprocessing', 'hashlib', 'uuid', 'boto3',
  'datasets', 'accelerate', 'safetensors', 'torchtext', 'captum', 'onnx', 'xgboost', 'lightgbm', 'catboost', 'statsmodels', 'pyarrow', 'polars', 'numba', 'sentencepiece',
]);
const PREPROCESS_NAME = /prep|process|transform|norm|resize|load|read|decode|clean|feature|encode|tokeni|scale|convert|image|img|audio|text|prepare|pipeline|to_tensor|tensor/i;

/** Comments and docstrings blanked out (line numbers kept), for the closed-pipeline keyword test. */
export function codeOnly(source: string): string {
  return source
    .replace(/("""|''')[\s\S]*?\1/g, (m) => m.replace(/[^\n]/g, ' '))
    .replace(/#[^\n]*/g, (m) => ' '.repeat(m.length));
}

const codeCache = new WeakMap<object, string>();

/** The context of one side for the comparison (see {@link SideContext}). */
function sideContext(project: SkewProject, files: string[], inModel: Map<string, string>): SideContext {
  const code: SideContext['code'] = [];
  const opaque: string[] = [];
  for (const f of files) {
    const mod = project.module(f);
    if (!mod) continue;
    let text = codeCache.get(mod);
    if (text === undefined) {
      text = codeOnly(mod.source);
      codeCache.set(mod, text);
    }
    code.push({ file: f, text });
    for (const [local, { module, name }] of mod.fromImports) {
      const top = module.replace(/^\.+/, '').split('.')[0];
      if (!module.startsWith('.') && KNOWN_PACKAGES.has(top)) continue;
      if (project.resolveImport(f, module) || project.resolveImport(f, `${module}.${name}`)) continue;
      if (!PREPROCESS_NAME.test(name) || !mod.callsByName.has(local)) continue;
      const call = mod.callsByName.get(local)![0];
      opaque.push(`${local}() from ${module} (not in the workspace), ${path.basename(f)}:${call.row + 1}`);
    }
  }
  return { code, opaque, inModel };
}

/** The model a pair's code refers to by file name (`"classifier.onnx"`), when it exists near the code. */
function referencedModel(project: SkewProject, files: string[], listOnnx: (dir: string) => string[]): string | undefined {
  const names = new Set<string>();
  for (const f of files) {
    const mod = project.module(f);
    if (!mod) continue;
    for (const m of mod.source.matchAll(/["']([^"'\n]{1,200}\.onnx)["']/g)) names.add(m[1]);
  }
  if (!names.size) return undefined;
  for (const n of names) {
    for (const f of files) {
      const cand = path.resolve(path.dirname(f), n);
      if (fs.existsSync(cand)) return cand;
    }
  }
  const hits = listOnnx(commonDir(files)).filter((m) => [...names].some((n) => path.basename(m) === path.basename(n)));
  return hits.length === 1 ? hits[0] : undefined;
}

function commonDir(files: string[]): string {
  let common = path.dirname(path.resolve(files[0]));
  for (const f of files) while (!(path.dirname(path.resolve(f)) + path.sep).startsWith(common + path.sep) && common !== path.dirname(common)) common = path.dirname(common);
  return common;
}

/** Compares each pair's training and serving files (and each side with the pair's model). */
export async function analyzePairs(pairs: SkewPair[], options: AnalyzeOptions = {}): Promise<SkewReport> {
  const parser = await getParser();
  const project = new SkewProject({ parser, root: options.root, maxFileBytes: options.maxFileBytes, overlay: options.overlay }, options.cache ?? new ModuleCache());
  const ev = new Evaluator(project);
  const results: SkewPairResult[] = [];
  const onnxByDir = new Map<string, string[]>();
  const listOnnx = (dir: string): string[] => {
    let hit = onnxByDir.get(dir);
    if (!hit) {
      hit = listFiles(dir, 5000, options.signal).onnx;
      onnxByDir.set(dir, hit);
    }
    return hit;
  };
  for (const given of pairs) {
    if (options.signal?.aborted) throw new SkewAbortError();
    const pair: SkewPair = { ...given, training: given.training.map((f) => path.resolve(f)), serving: given.serving.map((f) => path.resolve(f)) };
    const within = options.root ? path.resolve(options.root) : commonDir([...pair.training, ...pair.serving]);
    const tFiles = expandSide(project, pair.training, pair.serving, within);
    const sFiles = expandSide(project, pair.serving, pair.training, within);
    const t = sideFacts(project, ev, tFiles, options.signal);
    const s = sideFacts(project, ev, sFiles, options.signal);
    if (options.checkModel !== false && !pair.model) {
      const found = referencedModel(project, [...pair.serving, ...pair.training], listOnnx) ?? (given.source === 'explicit' ? nearestModel([...pair.training, ...pair.serving], listOnnx(commonDir([...pair.training, ...pair.serving]))) : undefined);
      if (found) pair.model = found;
    }
    const inModel = new Map<string, string>();
    for (const f of t) if (f.inModel) inModel.set(f.key, `${f.via} inside the model, ${path.basename(f.mod.file)}:${f.node.row + 1}`);
    if (pair.model && options.checkModel !== false) {
      try {
        for (const [k, v] of await onnxPrefixCached(pair.model)) if (!inModel.has(k)) inModel.set(k, v);
      } catch {
        // An unreadable model is reported by the model check below.
      }
    }
    const findings: SkewFinding[] = compareSides(t, s, { training: sideContext(project, tFiles, new Map()), serving: sideContext(project, sFiles, inModel) });
    if (options.checkModel !== false) {
      if (pair.model) {
        const mf = await loadModelFacts(pair.model, options.signal);
        if (typeof mf === 'string') project.notes.push({ file: pair.model, reason: 'model-unreadable', message: mf });
        else {
          const reported = new Set(findings.map((f) => f.kind));
          for (const [side, facts] of [['training', t], ['serving', s]] as const) {
            const selected = selectFacts(facts, side);
            const color = resolveColor(facts.filter((f) => !f.random));
            if (color) selected.set('image.color', [color]);
            else selected.delete('image.color');
            findings.push(...compareWithModel(side, selected, mf, pair.model, reported));
          }
        }
      }
    }
    findings.sort(byLocation);
    results.push({ pair, findings: applySuppressions(findings, (f) => project.sourceText(f), given.ignore) });
  }
  return { pairs: results, notes: project.notes };
}

function byLocation(a: SkewFinding, b: SkewFinding): number {
  const la = a.serving ?? a.training!;
  const lb = b.serving ?? b.training!;
  return la.file < lb.file ? -1 : la.file > lb.file ? 1 : la.line - lb.line || la.column - lb.column || a.kind.localeCompare(b.kind);
}

/** Discovers the pairs of a workspace folder and analyses them. */
export async function analyzeWorkspace(root: string, options: AnalyzeOptions & DiscoverOptions = {}): Promise<SkewReport> {
  const abs = path.resolve(root);
  const { pairs } = discoverPairs(abs, options);
  return analyzePairs(pairs, { ...options, root: abs });
}

export { keyInfo };
