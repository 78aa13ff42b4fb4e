/**
 * Workspace facts the evaluators grade: the file list, inspected models, serving code, YAML manifests and the
 * saved results of the other capabilities. Gathered once per checklist run.
 */
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { OnnxInspectError } from '../onnx/errors';
import { inspectModel } from '../onnx/inspect';
import type { ModelInspection } from '../../shared/modelInspection';
import { liveDrift, type CompareDrift } from './liveDrift';
import { liveSkewWith, type AnalyzeSkew } from './liveSkew';
import { loadSources, type Sources } from './sources';
import { openWorkspace, type Workspace, type WorkspaceOptions } from './workspace';

export interface ModelFact {
  /** Workspace-relative path. */
  file: string;
  inspection?: ModelInspection;
  error?: { reason: string; message: string };
}

export interface CodeFile {
  file: string;
  text: string;
}

export interface YamlObject {
  file: string;
  /** 1-based line where the document starts. */
  line: number;
  apiVersion?: string;
  kind?: string;
  doc: Record<string, unknown>;
}

export interface Facts {
  ws: Workspace;
  models: ModelFact[];
  /** Python (and JS/TS) files that define an HTTP/gRPC server. */
  serving: CodeFile[];
  /** Every Python file outside tests (for preprocessing detection). */
  python: CodeFile[];
  /** Kubernetes-style YAML objects (documents with `kind`) and other YAML documents (e.g. Prometheus rules). */
  yaml: YamlObject[];
  sources: Sources;
  /** The git ref the serving contract is compared with (`review --base`); `undefined`: HEAD. */
  base?: string;
  /**
   * Whether git may be run in this workspace (default true). VS Code passes Workspace Trust here: a repository's
   * own git config can name programs git runs, so an untrusted workspace's history is not read.
   */
  git?: boolean;
}

/** Most models inspected per run. */
export const MAX_MODELS = 50;
const MAX_YAML_FILES = 400;
const MAX_CODE_FILES = 2000;

const PY_SERVER = /^\s*(from\s+(fastapi|flask|litserve|bentoml|starlette|aiohttp)\b|import\s+(bentoml|litserve|flask|fastapi)\b)|\b(FastAPI|Flask)\s*\(|@serve\.deployment|grpc\.server\s*\(/m;
const JS_SERVER = /^\s*(import\s+\w+\s+from\s+['"](express|fastify|koa)['"]|const\s+\w+\s*=\s*require\(['"](express|fastify|koa)['"]\))/m;

export function isTestFile(rel: string): boolean {
  return /(^|\/)(tests?|__tests__)\//.test(rel) || /(^|\/)(test_[^/]*|[^/]*_test)\.py$/.test(rel) || /\.(test|spec)\.[jt]sx?$/.test(rel) || /(^|\/)conftest\.py$/.test(rel);
}

/**
 * `live: false` skips the live analyses (skew, drift) and uses saved results only. `analyzeSkew` computes the
 * live skew report (default: on this thread; VS Code: the skew service's results or its worker thread), as
 * `compareDrift` does for drift.
 */
export async function gatherFacts(root: string, options: { signal?: AbortSignal; live?: boolean; compareDrift?: CompareDrift; analyzeSkew?: AnalyzeSkew; base?: string; git?: boolean } & WorkspaceOptions = {}): Promise<Facts> {
  const ws = await openWorkspace(root, options);
  const modelFiles = ws.find(/\.onnx$/i).slice(0, MAX_MODELS);
  const models: ModelFact[] = [];
  for (const file of modelFiles) {
    try {
      models.push({ file, inspection: await inspectModel(path.join(ws.root, ...file.split('/')), { signal: options.signal }) });
    } catch (ex) {
      if (!OnnxInspectError.is(ex)) throw ex;
      if (ex.reason === 'aborted') throw ex;
      models.push({ file, error: { reason: ex.reason, message: ex.message } });
    }
  }
  const serving: CodeFile[] = [];
  const python: CodeFile[] = [];
  for (const file of ws.find(/\.(py|[cm]?[jt]s)$/).slice(0, MAX_CODE_FILES)) {
    if (file.startsWith('.mlpreflight/')) continue;
    const isPy = file.endsWith('.py');
    if (!isPy && /(^|\/)(node_modules|dist|out)\//.test(file)) continue;
    const text = await ws.read(file);
    if (text === undefined) continue;
    if (isPy && !isTestFile(file)) python.push({ file, text });
    if (!isTestFile(file) && (isPy ? PY_SERVER : JS_SERVER).test(text)) serving.push({ file, text });
  }
  const yaml: YamlObject[] = [];
  for (const file of ws.find(/\.ya?ml$/i).slice(0, MAX_YAML_FILES)) {
    const text = await ws.read(file);
    if (text === undefined) continue;
    let docs;
    try {
      docs = parseAllDocuments(text);
    } catch {
      continue;
    }
    for (const d of Array.isArray(docs) ? docs : [docs]) {
      if (d.errors.length) continue;
      const doc = d.toJS() as unknown;
      if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) continue;
      const o = doc as Record<string, unknown>;
      const start = d.range?.[0] ?? 0;
      let line = 1;
      for (let i = 0; i < start && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
      yaml.push({ file, line, apiVersion: typeof o.apiVersion === 'string' ? o.apiVersion : undefined, kind: typeof o.kind === 'string' ? o.kind : undefined, doc: o });
    }
  }
  const live = options.live !== false;
  const sources = await loadSources(ws.root, {
    liveSkew: live ? liveSkewWith(options.analyzeSkew, { includeGenerated: options.includeGenerated }) : undefined,
    liveDrift: live ? (signal) => liveDrift(ws, signal, options.compareDrift) : undefined,
    signal: options.signal,
  });
  return { ws, models, serving, python, yaml, sources, base: options.base, git: options.git };
}
