/**
 * Which files are compared: pairs from `.mlpreflight/skew.json` or the `mlPreflight.skew.pairs` setting, else
 * a heuristic over the workspace's Python files (train, dataset, data, features, preprocess… vs
 * serve, app, handler, predict, inference…, Triton `model.py`, TorchServe handlers, FastAPI/Flask apps), and the
 * ONNX model of each pair (configured, referenced by a string in the code, or alone near the pair).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SkewPair, SkewPairConfig } from '../../shared/skew';
import { loadGeneratedIndexSync, readHeadSync } from '../generated';
import { parseJsonBounded } from '../jsonSafe';
import { readTextFileSync, resolveInsideSync, SafeFsError } from '../safeFs';

export const CONFIG_FILE = path.join('.mlpreflight', 'skew.json');

const SKIP_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', '.venv', 'venv', 'env', '.env', '__pycache__', 'site-packages', 'dist', 'build', '.tox', '.mypy_cache', '.pytest_cache', '.ipynb_checkpoints', '.mlpreflight']);

export class SkewConfigError extends Error {
  constructor(readonly file: string, readonly detail: string) {
    super(`${file}: ${detail}`);
  }
  static is(ex: unknown): ex is SkewConfigError {
    return ex instanceof SkewConfigError;
  }
}

/** Lists `.py` (and `.onnx`) files under `root`, skipping virtualenvs, caches and VCS folders. */
export function listFiles(root: string, maxFiles = 20_000, signal?: AbortSignal): { py: string[]; onnx: string[]; truncated: boolean } {
  const py: string[] = [];
  const onnx: string[] = [];
  const stack = [path.resolve(root)];
  let truncated = false;
  let dirs = 0;
  while (stack.length) {
    if (signal?.aborted) break;
    // A bound on the walk itself, so a path like $HOME never turns into a crawl of the whole disk.
    if (++dirs > maxFiles * 4) {
      truncated = true;
      break;
    }
    const dir = stack.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    entries.sort((a, b) => (a.name < b.name ? 1 : -1));
    for (const e of entries) {
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) stack.push(path.join(dir, e.name));
      } else if (e.isFile()) {
        if (e.name.endsWith('.py')) {
          if (py.length >= maxFiles) {
            truncated = true;
            continue;
          }
          py.push(path.join(dir, e.name));
        } else if (e.name.endsWith('.onnx')) onnx.push(path.join(dir, e.name));
      }
    }
  }
  py.sort();
  onnx.sort();
  return { py, onnx, truncated };
}

const SERVING_DIRS = new Set(['serving', 'serve', 'server', 'api', 'app', 'inference', 'deploy', 'deployment', 'service', 'services', 'handler', 'handlers', 'endpoint', 'endpoints', 'triton', 'torchserve', 'predictor', 'scoring', 'worker', 'workers', 'kserve', 'bentoml', 'model_repository', 'ray_serve']);
const TRAINING_DIRS = new Set(['training', 'train', 'trainer', 'pipelines', 'preprocessing', 'features', 'feature_engineering']);
const SERVING_NAME = /^(serve|serving|server|app|api|handler|handlers|predict|predictor|prediction|inference|infer|service|endpoint|main_api|wsgi|asgi)([_-]\w*)?\.py$|_(serve|serving|handler|inference|predict|predictor|api|app)\.py$/i;
const TRAINING_NAME = /^(train|training|trainer|finetune|fine_tune|pretrain|dataset|datasets|data|dataloader|data_loader|features?|feature_engineering|preprocess\w*|prepare\w*|transforms?|augment\w*|fit)([_-]\w*)?\.py$|_(train|training|dataset|features?|preprocess\w*)\.py$/i;
const TEST_FILE = /(^|[/\\])(tests?|testing)[/\\]|(^|[/\\])test_[^/\\]*\.py$|_test\.py$|conftest\.py$/;

/** `training`, `serving` or undefined for one file (path relative to the root). */
export function classify(rel: string, head?: string): 'training' | 'serving' | undefined {
  if (TEST_FILE.test(rel)) return undefined;
  const parts = rel.split(/[/\\]/);
  const base = parts[parts.length - 1];
  const dirs = parts.slice(0, -1).map((d) => d.toLowerCase());
  if (base === 'model.py' && (dirs.length >= 1 && /^\d+$/.test(dirs[dirs.length - 1]))) return 'serving'; // Triton python backend: <model>/<version>/model.py
  // The file's own folder, then its name, then the further folders, innermost first (`services/churn/training/x.py`
  // is training; `serve/examples/text_classification/train.py` in the pytorch/serve repository is training).
  const last = dirs[dirs.length - 1];
  if (last !== undefined && SERVING_DIRS.has(last)) return 'serving';
  if (last !== undefined && TRAINING_DIRS.has(last)) return 'training';
  if (SERVING_NAME.test(base)) return 'serving';
  if (TRAINING_NAME.test(base)) return 'training';
  for (let i = dirs.length - 2; i >= 0; i--) {
    if (SERVING_DIRS.has(dirs[i])) return 'serving';
    if (TRAINING_DIRS.has(dirs[i])) return 'training';
  }
  if (head && /\bFastAPI\s*\(|\bFlask\s*\(|torch_handler|BaseHandler\b|triton_python_backend_utils|\bbentoml\b|\bray\.serve\b|@serve\.deployment|\bkserve\b/.test(head)) return 'serving';
  // By what the code does: fitting is training; loading a fitted model and predicting (a batch scoring job) is serving.
  if (head) {
    const trains = /\.fit\(|\.backward\(\)|optimizer\.step\(|\.train\(\)|\bTrainer\(|\bepochs?\b|fit_transform\(/.test(head);
    if (trains) return 'training';
    if (/InferenceSession\(|\.predict(_proba)?\(|joblib\.load\(|pickle\.load\(|torch\.load\(|load_model\(|\.eval\(\)|torch\.jit\.load\(/.test(head)) return 'serving';
  }
  return undefined;
}

function commonDepth(pa: string[], pb: string[]): number {
  let i = 0;
  while (i < pa.length && i < pb.length && pa[i] === pb[i]) i++;
  return i;
}

/**
 * How much of a file the content rules read (the training loop of a script often starts after 4 KiB of imports,
 * argument parsing and data loading; accelerate's nlp_example.py calls `accelerator.backward` at 6 KiB).
 */
const HEAD_BYTES = 32 * 1024;

function readHead(file: string): string {
  try {
    const fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
    try {
      const buf = Buffer.alloc(HEAD_BYTES);
      const n = fs.readSync(fd, buf, 0, buf.length, 0);
      return buf.subarray(0, n).toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return '';
  }
}

/** Heuristic pairs: each group of serving files with the training files nearest to it in the folder tree. */
export function heuristicPairs(root: string, files: string[], models: string[]): SkewPair[] {
  const training: string[] = [];
  const serving: string[] = [];
  for (const f of files) {
    const rel = path.relative(root, f);
    let side = classify(rel);
    if (side === undefined && !TEST_FILE.test(rel)) side = classify(rel, readHead(f));
    if (side === 'training') training.push(f);
    else if (side === 'serving') serving.push(f);
  }
  const groups = new Map<string, { training: string[]; serving: string[] }>();
  const rootDepth = path.resolve(root).split(path.sep).length;
  const tDirs = training.map((t) => path.dirname(t).split(path.sep));
  for (const s of serving) {
    let best = -1;
    let near: string[] = [];
    const sDir = path.dirname(s).split(path.sep);
    for (let ti = 0; ti < training.length; ti++) {
      const t = training[ti];
      const d = commonDepth(sDir, tDirs[ti]);
      if (d > best) {
        best = d;
        near = [t];
      } else if (d === best) near.push(t);
    }
    // The nearest training files must share a folder below the root's parent (no pairing across unrelated trees).
    if (!near.length || best < rootDepth) continue;
    if (best === rootDepth) {
      // Only the root in common: pair only when those training files form one group (one top-level folder).
      const tops = new Set(near.map((t) => path.relative(root, t).split(path.sep)[0]).filter((x) => !x.endsWith('.py')));
      if (tops.size > 1) continue;
    }
    const key = near.join('\0');
    const g = groups.get(key) ?? { training: near, serving: [] };
    g.serving.push(s);
    groups.set(key, g);
  }
  return [...groups.values()].map((g) => {
    const pair: SkewPair = { training: g.training, serving: g.serving, source: 'heuristic' };
    const model = nearestModel([...g.training, ...g.serving], models);
    if (model) pair.model = model;
    return pair;
  });
}

/** The ONNX model alone in the pair's nearest common folder (or one of its direct subfolders). */
export function nearestModel(files: string[], models: string[]): string | undefined {
  if (!models.length || !files.length) return undefined;
  let common = path.dirname(files[0]);
  for (const f of files) while (!(path.dirname(f) + path.sep).startsWith(common + path.sep) && common !== path.dirname(common)) common = path.dirname(common);
  const near = models.filter((m) => {
    const rel = path.relative(common, m);
    return !rel.startsWith('..') && rel.split(path.sep).length <= 2;
  });
  return near.length === 1 ? near[0] : undefined;
}

/** Expands a path or a simple glob (`*`, `**`, `?`) relative to root against the listed files. */
export function expand(root: string, pattern: string, files: string[]): string[] {
  const abs = path.resolve(root, pattern);
  if (!/[*?[]/.test(pattern)) return fs.existsSync(abs) ? [abs] : [];
  const re = globToRegExp(pattern.replace(/\\/g, '/'));
  return files.filter((f) => re.test(path.relative(root, f).split(path.sep).join('/')));
}

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        re += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
        i += glob[i + 2] === '/' ? 2 : 1;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Validates the `pairs` of `.mlpreflight/skew.json` or of the setting. */
export function parsePairConfig(raw: unknown, source: string): SkewPairConfig[] {
  const list = Array.isArray(raw) ? raw : raw && typeof raw === 'object' ? (raw as { pairs?: unknown }).pairs : undefined;
  if (!Array.isArray(list)) throw new SkewConfigError(source, 'expected { "pairs": [{ "training": [...], "serving": [...], "model"?: "..." }] }');
  return list.map((p, i) => {
    const o = p as Record<string, unknown>;
    const arr = (k: string): string[] => {
      const v = o?.[k];
      const xs = typeof v === 'string' ? [v] : v;
      if (!Array.isArray(xs) || !xs.length || !xs.every((x) => typeof x === 'string')) throw new SkewConfigError(source, `pairs[${i}].${k} must be a non-empty list of paths or globs`);
      return xs as string[];
    };
    const model = o?.model;
    if (model !== undefined && typeof model !== 'string') throw new SkewConfigError(source, `pairs[${i}].model must be a path`);
    const ignore = o?.ignore;
    if (ignore !== undefined && (!Array.isArray(ignore) || !ignore.every((x) => typeof x === 'string'))) throw new SkewConfigError(source, `pairs[${i}].ignore must be a list of finding kinds`);
    return { training: arr('training'), serving: arr('serving'), ...(typeof model === 'string' ? { model } : {}), ...(ignore ? { ignore: ignore as string[] } : {}) };
  });
}

/** Reads `.mlpreflight/skew.json` under root (undefined when absent; throws {@link SkewConfigError} when invalid). */
export function readPairConfig(root: string): SkewPairConfig[] | undefined {
  const file = path.join(root, CONFIG_FILE);
  let text: string;
  try {
    // Read rule: a committed `.mlpreflight/skew.json -> /dev/zero` or `-> ../../x` is refused (regular file,
    // realpath inside the workspace, at most 1 MiB), never read.
    text = readTextFileSync(file, { root, maxBytes: 1024 * 1024, display: file });
  } catch (ex) {
    if (SafeFsError.is(ex, 'not-found')) return undefined;
    throw new SkewConfigError(file, SafeFsError.is(ex) ? ex.detail : String(ex));
  }
  let raw: unknown;
  try {
    raw = parseJsonBounded(text);
  } catch (ex) {
    throw new SkewConfigError(file, `invalid JSON (${ex instanceof Error ? ex.message : String(ex)})`);
  }
  return parsePairConfig(raw, file);
}

export interface DiscoverOptions {
  /** `mlPreflight.skew.pairs` (used when there is no `.mlpreflight/skew.json`). */
  settingsPairs?: SkewPairConfig[];
  maxFiles?: number;
  signal?: AbortSignal;
  /** Pair files ML Preflight generated too (default false: a generated `main.py` is not the user's serving code). */
  includeGenerated?: boolean;
}

/** Drops the files ML Preflight generated (listed in a manifest, or a `.py` whose head carries the marker). */
function withoutGenerated(root: string, listed: { py: string[]; onnx: string[] }, includeGenerated?: boolean): { py: string[]; onnx: string[] } {
  if (includeGenerated) return listed;
  const index = loadGeneratedIndexSync(root, [...listed.py, ...listed.onnx]);
  return {
    py: listed.py.filter((f) => !index.isGenerated(f, readHeadSync(f))),
    onnx: listed.onnx.filter((f) => !index.isListed(f)),
  };
}

/** The pairs of a workspace folder: config file, else settings, else heuristics. */
export function discoverPairs(root: string, options: DiscoverOptions = {}): { pairs: SkewPair[]; truncated: boolean } {
  const listed = listFiles(root, options.maxFiles, options.signal);
  const truncated = listed.truncated;
  const { py, onnx } = withoutGenerated(root, listed, options.includeGenerated);
  const fromConfig = readPairConfig(root);
  const configured = fromConfig ?? (options.settingsPairs?.length ? options.settingsPairs : undefined);
  if (configured) {
    const source = fromConfig ? 'config' : 'settings';
    const origin = fromConfig ? path.join(root, CONFIG_FILE) : 'setting mlPreflight.skew.pairs';
    // Containment rule for configured paths: every training/serving path or glob and the model resolve inside
    // the workspace folder (lexically and by realpath); an outside path is refused with a message.
    configured.forEach((c, i) => {
      for (const [key, list] of [['training', c.training], ['serving', c.serving], ['model', c.model ? [c.model] : []]] as const) {
        for (const g of list) {
          const literal = g.replace(/[*?[].*$/, '') || '.';
          try {
            resolveInsideSync(root, /[*?[]/.test(g) ? path.dirname(`${literal}x`) : g, g);
          } catch (ex) {
            if (SafeFsError.is(ex, 'outside')) throw new SkewConfigError(origin, `pairs[${i}].${key}: '${g}' ${ex.detail}`);
            throw ex;
          }
        }
      }
    });
    const pairs = configured.map((c): SkewPair => {
      const training = [...new Set(c.training.flatMap((g) => expand(root, g, py)))];
      const serving = [...new Set(c.serving.flatMap((g) => expand(root, g, py)))];
      const pair: SkewPair = { training, serving, source, ...(c.ignore?.length ? { ignore: c.ignore } : {}) };
      const model = c.model ? path.resolve(root, c.model) : nearestModel([...training, ...serving], onnx);
      if (model) pair.model = model;
      return pair;
    });
    return { pairs: pairs.filter((p) => p.training.length && p.serving.length), truncated };
  }
  return { pairs: heuristicPairs(root, py, onnx), truncated };
}
