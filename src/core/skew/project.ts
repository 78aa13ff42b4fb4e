/**
 * Reads and caches the Python modules and config files of one analysis: size/binary/encoding guards, a parse
 * cache keyed by content (so re-analysing one edited document re-parses only that document), and import
 * resolution to files of the project.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Parser } from 'web-tree-sitter';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { SkewNote } from '../../shared/skew';
import { isInside } from '../paths';
import { readRegularFileSync, SafeFsError } from '../safeFs';
import { indexModule, type ModuleIndex } from './moduleIndex';
import { parsePython } from './pyAst';
import { UNKNOWN, type Value } from './values';

/** Files over this many bytes are skipped with a note (generated code, vendored bundles). */
export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;

export interface ProjectOptions {
  parser: Parser;
  /** The workspace root: imports are resolved up to here. */
  root?: string;
  maxFileBytes?: number;
  /** Unsaved editor contents win over the disk (path → text). */
  overlay?: (file: string) => string | undefined;
}

interface CacheEntry {
  key: string;
  module: ModuleIndex | undefined;
  notes: SkewNote[];
}

/**
 * A parse cache shared across analyses (the VS Code adapter keeps one; the CLI makes one per run). Entries
 * are keyed by file and content, so stale entries are replaced, never reused.
 */
export class ModuleCache {
  private readonly entries = new Map<string, CacheEntry>();
  private readonly configs = new Map<string, { key: string; value: unknown }>();

  get(file: string, key: string): CacheEntry | undefined {
    const e = this.entries.get(file);
    return e && e.key === key ? e : undefined;
  }
  set(file: string, entry: CacheEntry): void {
    this.entries.set(file, entry);
  }
  getConfig(file: string, key: string): unknown {
    const e = this.configs.get(file);
    return e && e.key === key ? e.value : undefined;
  }
  setConfig(file: string, key: string, value: unknown): void {
    this.configs.set(file, { key, value });
  }
  delete(file: string): void {
    this.entries.delete(file);
  }
  get size(): number {
    return this.entries.size;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const lenient = new TextDecoder('utf-8', { fatal: false });

export class SkewProject {
  readonly notes: SkewNote[] = [];
  private readonly noted = new Set<string>();
  readonly root: string | undefined;
  private readonly maxBytes: number;

  constructor(private readonly options: ProjectOptions, private readonly cache: ModuleCache = new ModuleCache()) {
    this.root = options.root ? path.resolve(options.root) : undefined;
    this.maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  }

  private note(n: SkewNote): void {
    const key = `${n.file}\0${n.reason}`;
    if (this.noted.has(key)) return;
    this.noted.add(key);
    this.notes.push(n);
  }

  /** The indexed module of `file`, or undefined when it cannot be analysed (a note says why). */
  module(file: string): ModuleIndex | undefined {
    const abs = path.resolve(file);
    const overlay = this.options.overlay?.(abs);
    let key: string;
    let stat: fs.Stats | undefined;
    if (overlay !== undefined) key = `o:${overlay.length}:${hash(overlay)}`;
    else {
      try {
        stat = fs.statSync(abs);
      } catch (ex) {
        this.note({ file: abs, reason: 'unreadable', message: `${abs}: cannot read (${(ex as NodeJS.ErrnoException).code ?? 'io'})` });
        return undefined;
      }
      if (!stat.isFile()) {
        this.note({ file: abs, reason: 'unreadable', message: `${abs}: not a file` });
        return undefined;
      }
      key = `d:${stat.size}:${stat.mtimeMs}`;
    }
    const cached = this.cache.get(abs, key);
    if (cached) {
      for (const n of cached.notes) this.note(n);
      return cached.module;
    }
    const notes: SkewNote[] = [];
    const mod = this.load(abs, overlay, stat, notes);
    this.cache.set(abs, { key, module: mod, notes });
    for (const n of notes) this.note(n);
    return mod;
  }

  private load(abs: string, overlay: string | undefined, stat: fs.Stats | undefined, notes: SkewNote[]): ModuleIndex | undefined {
    let source: string;
    if (overlay !== undefined) {
      if (overlay.length > this.maxBytes) {
        notes.push({ file: abs, reason: 'too-large', message: `${abs}: skipped, ${overlay.length} characters is over the ${this.maxBytes}-byte limit (mlPreflight.skew.maxFileBytes)` });
        return undefined;
      }
      source = overlay;
    } else {
      if (stat && stat.size > this.maxBytes) {
        notes.push({ file: abs, reason: 'too-large', message: `${abs}: skipped, ${stat.size} bytes is over the ${this.maxBytes}-byte limit (mlPreflight.skew.maxFileBytes)` });
        return undefined;
      }
      let bytes: Buffer;
      try {
        // Read rule (safeFs): regular file within the size limit; a path inside the workspace must stay inside it
        // by realpath (a committed `x.py -> ../../secret` is refused). Explicit paths outside the root are the user's.
        bytes = readRegularFileSync(abs, { maxBytes: this.maxBytes, root: this.root && isInside(this.root, abs) ? this.root : undefined });
      } catch (ex) {
        if (SafeFsError.is(ex, 'too-large')) {
          notes.push({ file: abs, reason: 'too-large', message: `${abs}: skipped, over the ${this.maxBytes}-byte limit (mlPreflight.skew.maxFileBytes)` });
          return undefined;
        }
        notes.push({ file: abs, reason: 'unreadable', message: `${abs}: cannot read (${SafeFsError.is(ex) ? ex.detail : (ex as NodeJS.ErrnoException).code ?? 'io'})` });
        return undefined;
      }
      const head = bytes.subarray(0, 8192);
      if (head.includes(0)) {
        notes.push({ file: abs, reason: 'binary', message: `${abs}: skipped, a binary file (NUL bytes), not Python source` });
        return undefined;
      }
      try {
        source = utf8.decode(bytes);
      } catch {
        source = lenient.decode(bytes);
        notes.push({ file: abs, reason: 'not-utf8', message: `${abs}: not valid UTF-8; analysed with the invalid bytes replaced` });
      }
    }
    if (looksGenerated(source)) {
      notes.push({ file: abs, reason: 'too-large', message: `${abs}: skipped, looks generated or minified (lines over 5,000 characters)` });
      return undefined;
    }
    const parsed = parsePython(this.options.parser, source);
    if (parsed.hasError) {
      notes.push({ file: abs, reason: 'syntax-error', message: `${abs}:${parsed.errorLine ?? 1}: syntax error; findings come from the parts that parse` });
    }
    return indexModule(abs, source, parsed.root);
  }

  /**
   * The file of a module imported from `fromFile` (`config`, `pkg.constants`, `.settings` with `level` leading
   * dots), looking next to the importing file, then in each parent folder up to the root.
   */
  resolveImport(fromFile: string, spec: string): string | undefined {
    if (!spec.startsWith('.') && LIBRARIES.has(spec.split('.')[0])) return undefined;
    const key = `${path.dirname(fromFile)}\0${spec}`;
    if (this.resolved.has(key)) return this.resolved.get(key);
    const hit = this.resolveImportUncached(fromFile, spec);
    this.resolved.set(key, hit);
    return hit;
  }

  private readonly resolved = new Map<string, string | undefined>();

  private resolveImportUncached(fromFile: string, spec: string): string | undefined {
    const level = spec.match(/^\.*/)![0].length;
    const dotted = spec.slice(level);
    const rel = dotted ? dotted.split('.').join(path.sep) : '';
    const tryDir = (dir: string): string | undefined => {
      const cands = rel ? [path.join(dir, `${rel}.py`), path.join(dir, rel, '__init__.py')] : [path.join(dir, '__init__.py')];
      for (const c of cands) {
        if (this.options.overlay?.(c) !== undefined) return c;
        try {
          if (fs.statSync(c).isFile()) return c;
        } catch {
          // next
        }
      }
      return undefined;
    };
    let dir = path.dirname(path.resolve(fromFile));
    if (level > 0) {
      for (let i = 1; i < level; i++) dir = path.dirname(dir);
      return tryDir(dir);
    }
    const stop = this.root;
    for (let i = 0; i < 8; i++) {
      const hit = tryDir(dir);
      if (hit) return hit;
      const parent = path.dirname(dir);
      if (parent === dir || (stop && !isInside(stop, parent))) break;
      dir = parent;
    }
    return undefined;
  }

  /**
   * The text of a file a finding points at, for its suppression comments: a Python module's source, or a config
   * file read as plain text (never parsed as Python); undefined when it cannot be read within the limits.
   */
  sourceText(file: string): string | undefined {
    if (/\.py$/i.test(file)) return this.module(file)?.source;
    try {
      if (this.root && !isInside(this.root, file)) return undefined;
      return readRegularFileSync(file, { maxBytes: this.maxBytes, root: this.root }).toString('utf8');
    } catch {
      return undefined;
    }
  }

  /**
   * Contents of a YAML or JSON config file as a {@link Value} whose scalars remember their file:line (so a finding
   * points at the config line that sets the value); undefined when missing, `none` when unreadable (with a note).
   */
  loadConfig(fromFile: string, given: string): Value | undefined {
    const candidates = path.isAbsolute(given)
      ? [given]
      : [path.resolve(path.dirname(fromFile), given), ...(this.root ? [path.resolve(this.root, given)] : []), path.resolve(given)];
    let stat: fs.Stats | undefined;
    let file: string | undefined;
    for (const c of candidates) {
      try {
        const s = fs.statSync(c);
        if (s.isFile()) {
          stat = s;
          file = c;
          break;
        }
      } catch {
        // next
      }
    }
    if (!file || !stat) return undefined;
    const key = `${stat.size}:${stat.mtimeMs}`;
    const cached = this.cache.getConfig(file, key);
    if (cached !== undefined) return cached as Value;
    let value: Value = { k: 'none' };
    if (stat.size > this.maxBytes) {
      this.note({ file, reason: 'config-unreadable', message: `${file}: config file over the ${this.maxBytes}-byte limit, not read` });
    } else {
      try {
        // Read rule: a config path named in the code is untrusted: inside the workspace (realpath), regular, bounded.
        if (this.root && !isInside(this.root, file)) throw new Error(`outside the workspace folder ${this.root}; not read`);
        const text = readRegularFileSync(file, { maxBytes: this.maxBytes, root: this.root }).toString('utf8');
        if (/\.json$/i.test(file)) JSON.parse(text); // JSON syntax errors are reported as JSON's
        value = configValue(file, text);
      } catch (ex) {
        this.note({ file, reason: 'config-unreadable', message: `${file}: cannot parse config (${ex instanceof Error ? ex.message.split('\n')[0] : String(ex)})` });
        value = { k: 'none' };
      }
    }
    this.cache.setConfig(file, key, value);
    return value;
  }
}

/** A YAML (or JSON, a YAML subset) document as a {@link Value}; scalars carry their origin (not a quick-fix target). */
function configValue(file: string, text: string): Value {
  const lines = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length) throw doc.errors[0];
  const origin = (range: [number, number, number?] | null | undefined): Value['o'] => {
    if (!range) return undefined;
    const a = lines.linePos(range[0]);
    const b = lines.linePos(range[1]);
    return { file, row: a.line - 1, col: a.col - 1, endRow: b.line - 1, endCol: b.col - 1, text: text.slice(range[0], range[1]), literal: false, config: true };
  };
  // Bounds: nodes written in the file, and nodes reached again through aliases (an alias "bomb" of 10^11 nodes
  // stops at the alias budget and leaves the rest of the document readable).
  let budget = 200_000;
  let aliasBudget = 20_000;
  const conv = (node: unknown, depth: number, aliased = false): Value => {
    if ((aliased ? --aliasBudget : --budget) < 0 || depth > 64) return UNKNOWN;
    if (isAlias(node)) return conv(node.resolve(doc), depth + 1, true);
    if (isScalar(node)) {
      const v = node.value;
      const o = origin(node.range);
      if (v === null || v === undefined) return { k: 'none', o };
      if (typeof v === 'number') return { k: 'num', v, o };
      if (typeof v === 'boolean') return { k: 'bool', v, o };
      if (typeof v === 'string') return { k: 'str', v, o };
      return UNKNOWN;
    }
    if (isSeq(node)) return { k: 'list', items: node.items.map((x) => conv(x, depth + 1, aliased)), o: origin(node.range) };
    if (isMap(node)) {
      const entries: Array<[Value, Value]> = [];
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        if (typeof key !== 'string' && typeof key !== 'number') continue;
        entries.push([{ k: 'str', v: String(key) }, conv(pair.value, depth + 1, aliased)]);
      }
      return { k: 'dict', entries, o: origin(node.range) };
    }
    return node === null || node === undefined ? { k: 'none' } : UNKNOWN;
  };
  return conv(doc.contents, 0);
}

/** Top-level names of the standard library and the ML libraries we model: never files of the project. */
const LIBRARIES = new Set([
  'os', 'sys', 'io', 're', 'json', 'math', 'time', 'datetime', 'typing', 'pathlib', 'collections', 'functools', 'itertools',
  'dataclasses', 'argparse', 'logging', 'random', 'copy', 'tempfile', 'subprocess', 'shutil', 'glob', 'pickle', 'unicodedata',
  'abc', 'enum', 'warnings', 'contextlib', 'asyncio', 'base64', 'hashlib', 'uuid', '__future__', 'string', 'struct', 'csv',
  'numpy', 'pandas', 'torch', 'torchvision', 'torchaudio', 'tensorflow', 'tf', 'keras', 'cv2', 'PIL', 'sklearn', 'scipy',
  'transformers', 'tokenizers', 'datasets', 'librosa', 'soundfile', 'albumentations', 'onnx', 'onnxruntime', 'joblib',
  'yaml', 'omegaconf', 'hydra', 'fastapi', 'flask', 'pydantic', 'starlette', 'uvicorn', 'requests', 'timm', 'lightning',
  'pytorch_lightning', 'matplotlib', 'seaborn', 'skimage', 'imageio', 'tqdm', 'mlflow', 'wandb', 'boto3', 'ray', 'bentoml',
]);

function looksGenerated(source: string): boolean {
  if (source.length < 20_000) return false;
  let lineStart = 0;
  for (let i = 0; i <= source.length; i++) {
    if (i === source.length || source.charCodeAt(i) === 10) {
      if (i - lineStart > 5000) return true;
      lineStart = i + 1;
    }
  }
  return false;
}

/** FNV-1a over the string (cache key for editor contents). */
function hash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16);
}
