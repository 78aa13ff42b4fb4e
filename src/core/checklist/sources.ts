/**
 * The checklist's optional inputs: results the profiler (#3), drift (#4) and skew (#5) capabilities save in
 * the workspace. Each is read through a small, tolerant "facts" interface so the checklist does not depend on
 * those capabilities' full result types; when a file is absent the matching items say "unknown — not yet
 * measured", never pass.
 *
 * ADAPTER POINT for the lead: when the capabilities land, either save results in the files below with at
 * least the documented fields, or replace {@link loadSources} with direct calls to their core functions.
 *
 * | File | Minimal fields read |
 * |---|---|
 * | `.mlpreflight/profiles/*.json` | `model` (path), `p50Ms`, `p99Ms`, optional `peakRssBytes`, `batch`, `budgetMs`, `throughputPerSec`, `device` (`cpu`/`gpu`), `provider` |
 * | `.mlpreflight/drift/*.json` | `reference`, `current` (paths), `columns: [{ name, drift: boolean, statistic?, pValue?, method? }]`, optional `createdAt`, `datasetDrift`, `shareDrifted` (a `ml-preflight drift --json` report as is) |
 * | `.mlpreflight/skew-report.json` (or `skew.json` when it holds `findings`) | `findings: [{ id?, severity: 'error'|'warning'|'info', message, file?, line?, trainingFile?, trainingLine? }]` |
 *
 * The profiler's own result (`ProfileResult`, saved as baselines in `.mlpreflight/profiles/`) is read as is. Skew
 * is also analysed live (`liveSkew`, src/core/checklist/liveSkew.ts) when no saved findings exist, and drift
 * (`liveDrift`, src/core/checklist/liveDrift.ts) on the workspace's reference/current sample pairs when no drift
 * report is saved.
 *
 * Alternative names accepted (so profiler/drift/skew results can be saved unchanged): `latency.p50Ms`,
 * `latency.p99Ms`, `memory.peakRssBytes`, `p50`/`p99` (ms); drift `features` for `columns` and `drifted` for `drift`.
 */
import { readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { SkewSarif } from '../../shared/checklist';
import { parseJsonBounded } from '../jsonSafe';
import { isInside, safeWorkspaceRelative } from '../paths';
import { readTextFile, SafeFsError } from '../safeFs';
import { enclosingWorkspaceRoot } from '../workspaceRoot';

/** Largest saved result read (profiles with per-op tables are a few MiB). */
const MAX_SOURCE_BYTES = 32 * 1024 * 1024;

/** A latency/memory measurement of one model. */
export interface ProfileFacts {
  /** Workspace-relative path of the result file. */
  source: string;
  /** Model path as the result names it (may be absent). */
  model?: string;
  p50Ms: number;
  p99Ms: number;
  peakRssBytes?: number;
  /** Batch size measured. */
  batch?: number;
  /** The latency budget (p99, ms) the result was checked against, if the profiler had one. */
  budgetMs?: number;
  throughputPerSec?: number;
  device?: string;
  /** ONNX Runtime version the profile ran with (ProfileResult `ortVersion`), when saved. */
  ortVersion?: string;
  /** The profiler's Triton advice (ProfileResult `advice.dynamicBatching`), when it gave one. */
  dynamicBatching?: { maxBatchSize: number; maxQueueDelayMicroseconds: number; reason: string; preferredBatchSizes?: number[] };
}

export interface DriftColumnFacts {
  name: string;
  drift: boolean;
  statistic?: number;
  pValue?: number;
  /** The test that decided (`ks`, `chisquare`, `wasserstein`, …), when known. */
  method?: string | null;
}

/** One drift comparison (reference vs current sample). */
export interface DriftFacts {
  source: string;
  reference?: string;
  current?: string;
  columns: DriftColumnFacts[];
  createdAt?: string;
  /** The report's dataset-level verdict (share of drifted columns ≥ its threshold), when it has one. */
  datasetDrift?: boolean;
  shareDrifted?: number;
}

export interface SkewFindingFacts {
  id?: string;
  severity: 'error' | 'warning' | 'info';
  message: string;
  /** Serving-side location (workspace-relative). */
  file?: string;
  line?: number;
  trainingFile?: string;
  trainingLine?: number;
  /** Full region of the serving-side location (live analysis only). */
  column?: number;
  endLine?: number;
  endColumn?: number;
  /** Live analysis only: related locations, fix, suppression, help (see {@link SkewSarif}). */
  sarif?: SkewSarif;
}

export interface SkewFacts {
  source: string;
  findings: SkewFindingFacts[];
}

export interface Sources {
  profiles: ProfileFacts[];
  drift: DriftFacts[];
  skew: SkewFacts | null;
  /** Files that exist but could not be used, with why. */
  warnings: string[];
}

export const SOURCE_DIR = '.mlpreflight';

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function num(...values: unknown[]): number | undefined {
  for (const v of values) if (typeof v === 'number' && Number.isFinite(v)) return v;
  return undefined;
}

function str(...values: unknown[]): string | undefined {
  for (const v of values) if (typeof v === 'string' && v) return v;
  return undefined;
}

function get(o: unknown, key: string): unknown {
  return isObject(o) ? o[key] : undefined;
}

/** Reads a profile result (or the first element of an array of them); undefined when the p50/p99 fields are missing. */
export function profileFacts(json: unknown, source: string): ProfileFacts | undefined {
  const o = Array.isArray(json) ? json[0] : json;
  if (!isObject(o)) return undefined;
  // The profiler's own result (src/shared/profileResult.ts, saved as baselines under .mlpreflight/profiles/):
  // the smallest measured batch's percentiles, the peak RSS, the budget and the Triton advice.
  if (Array.isArray(o.runs) && o.runs.length > 0) {
    const runs = o.runs.filter((r): r is Json => isObject(r) && typeof r.p50 === 'number' && typeof r.p99 === 'number');
    const first = [...runs].sort((a, b) => (num(a.batch) ?? 1) - (num(b.batch) ?? 1))[0];
    if (first) {
      const advice = get(get(o, 'advice'), 'dynamicBatching');
      const mbs = num(get(advice, 'maxBatchSize'));
      const delay = num(get(advice, 'maxQueueDelayMicroseconds'));
      const preferredRaw = get(advice, 'preferredBatchSizes');
      const preferred = Array.isArray(preferredRaw) ? preferredRaw.filter((b): b is number => typeof b === 'number' && Number.isInteger(b) && b > 0) : [];
      return {
        source,
        model: str(get(o.model, 'path'), o.model),
        p50Ms: first.p50 as number,
        p99Ms: first.p99 as number,
        peakRssBytes: num(o.peakRssBytes, get(o.memory, 'peakRssBytes')),
        batch: num(first.batch),
        budgetMs: num(get(o.budget, 'budgetMs')),
        throughputPerSec: num(first.throughput),
        device: str(o.ep),
        ortVersion: str(o.ortVersion),
        ...(mbs !== undefined && delay !== undefined ? { dynamicBatching: { maxBatchSize: mbs, maxQueueDelayMicroseconds: delay, reason: str(get(advice, 'reason')) ?? 'profiler advice', ...(preferred.length ? { preferredBatchSizes: preferred } : {}) } } : {}),
      };
    }
  }
  const latency = get(o, 'latency');
  const memory = get(o, 'memory');
  const p50Ms = num(o.p50Ms, get(latency, 'p50Ms'), o.p50, get(latency, 'p50'));
  const p99Ms = num(o.p99Ms, get(latency, 'p99Ms'), o.p99, get(latency, 'p99'));
  if (p50Ms === undefined || p99Ms === undefined) return undefined;
  return {
    source,
    model: str(o.model, get(o.model, 'path'), o.modelPath),
    p50Ms,
    p99Ms,
    peakRssBytes: num(o.peakRssBytes, get(memory, 'peakRssBytes'), get(memory, 'peakRss')),
    batch: num(o.batch, o.batchSize, get(o.options, 'batch')),
    budgetMs: num(o.budgetMs, get(o.budget, 'p99Ms'), get(o.budget, 'latencyMs')),
    throughputPerSec: num(o.throughputPerSec, o.throughput),
    device: str(o.device, o.provider, o.ep),
  };
}

export function driftFacts(json: unknown, source: string): DriftFacts | undefined {
  if (!isObject(json)) return undefined;
  const list = Array.isArray(json.columns) ? json.columns : Array.isArray(json.features) ? json.features : undefined;
  if (!list) return undefined;
  const columns: DriftColumnFacts[] = [];
  for (const c of list) {
    if (!isObject(c)) continue;
    const name = str(c.name, c.column, c.feature);
    const drift = typeof c.drift === 'boolean' ? c.drift : typeof c.drifted === 'boolean' ? c.drifted : undefined;
    if (!name || drift === undefined) continue;
    columns.push({ name, drift, statistic: num(c.statistic, c.ks, c.psi), pValue: num(c.pValue, c.p), method: str(c.method) });
  }
  return {
    source,
    reference: str(json.reference, get(json.reference, 'path')),
    current: str(json.current, get(json.current, 'path')),
    columns,
    createdAt: str(json.createdAt),
    datasetDrift: typeof json.datasetDrift === 'boolean' ? json.datasetDrift : undefined,
    shareDrifted: num(json.shareDrifted),
  };
}

export function skewFacts(json: unknown, source: string, root?: string): SkewFacts | undefined {
  // Paths in a saved file are untrusted: kept only as clean workspace-relative paths (SARIF URI rule).
  const rel = (p: string | undefined): string | undefined => (p === undefined || root === undefined ? p : safeWorkspaceRelative(root, p));
  const list = Array.isArray(json) ? json : isObject(json) && Array.isArray(json.findings) ? json.findings : undefined;
  if (!list) return undefined;
  const findings: SkewFindingFacts[] = [];
  for (const f of list) {
    if (!isObject(f)) continue;
    const message = str(f.message, f.title);
    if (!message) continue;
    const sev = str(f.severity, f.level);
    const serving = get(f, 'serving');
    const training = get(f, 'training');
    findings.push({
      id: str(f.id, f.ruleId, f.kind),
      severity: sev === 'error' || sev === 'warning' || sev === 'info' ? sev : sev === 'note' ? 'info' /* a SARIF file's name for it */ : 'warning',
      message,
      file: rel(str(f.file, get(serving, 'file'))),
      line: num(f.line, get(serving, 'line')),
      trainingFile: rel(str(f.trainingFile, get(training, 'file'))),
      trainingLine: num(f.trainingLine, get(training, 'line')),
    });
  }
  return { source, findings };
}

async function readJson(root: string, file: string): Promise<{ json?: unknown; error?: string }> {
  let text: string;
  try {
    // Read rule: regular file, inside the workspace by realpath, within a size limit (safeFs).
    text = await readTextFile(file, { root, maxBytes: MAX_SOURCE_BYTES });
  } catch (ex) {
    if (SafeFsError.is(ex, 'not-found')) return {};
    return { error: `unreadable (${SafeFsError.is(ex) ? ex.detail.replace(/; refused$/, '') : String(ex)})` };
  }
  try {
    return { json: parseJsonBounded(text) };
  } catch (ex) {
    return { error: `not valid JSON (${ex instanceof Error ? ex.message : String(ex)})` };
  }
}

async function hasDir(dir: string): Promise<boolean> {
  try {
    return (await stat(dir)).isDirectory();
  } catch {
    return false;
  }
}

async function jsonFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile() && e.name.endsWith('.json')).map((e) => e.name).sort();
  } catch {
    return [];
  }
}

/**
 * Runs an analysis live when no saved result exists (the skew capability is vscode-free and fast: the review
 * and the checklist run it on the workspace's training/serving pairs). Returns null when nothing applies.
 */
export type LiveSkew = (root: string, signal?: AbortSignal) => Promise<SkewFacts | null>;

/** Compares the workspace's reference/current samples when no drift report is saved (see liveDrift.ts). */
export type LiveDrift = (signal?: AbortSignal) => Promise<{ facts: DriftFacts[]; warnings: string[] }>;

/** Loads the saved results under `<root>/.mlpreflight/` (see the table above). Never throws for bad files: they become warnings. */
export async function loadSources(root: string, options: { liveSkew?: LiveSkew; liveDrift?: LiveDrift; signal?: AbortSignal } = {}): Promise<Sources> {
  const out: Sources = { profiles: [], drift: [], skew: null, warnings: [] };
  const base = path.join(root, SOURCE_DIR);
  // Baselines belong to the model's workspace (src/core/workspaceRoot.ts): grading a sub-folder such as `examples`
  // of a repository also reads the repository's baselines of the models inside that sub-folder.
  const outer = enclosingWorkspaceRoot(path.dirname(path.resolve(root)));
  if (outer && !(await hasDir(path.join(base, 'profiles')))) {
    for (const name of await jsonFiles(path.join(outer, SOURCE_DIR, 'profiles'))) {
      const file = path.join(outer, SOURCE_DIR, 'profiles', name);
      const { json } = await readJson(outer, file);
      const facts = json === undefined ? undefined : profileFacts(json, path.relative(root, file).split(path.sep).join('/'));
      if (facts?.model && isInside(path.resolve(root), path.resolve(facts.model))) out.profiles.push(facts);
    }
  }
  for (const [sub, parse, sink] of [
    ['profiles', profileFacts, (f: ProfileFacts) => out.profiles.push(f)],
    ['drift', driftFacts, (f: DriftFacts) => out.drift.push(f)],
  ] as const) {
    for (const name of await jsonFiles(path.join(base, sub))) {
      const rel = `${SOURCE_DIR}/${sub}/${name}`;
      const { json, error } = await readJson(root, path.join(base, sub, name));
      if (error) {
        out.warnings.push(`${rel}: ${error}`);
        continue;
      }
      const facts = parse(json, rel);
      if (facts) (sink as (f: typeof facts) => void)(facts);
      else out.warnings.push(`${rel}: missing the fields the checklist reads (see docs/checklist.md)`);
    }
  }
  // Saved skew findings: `.mlpreflight/skew-report.json`, or `.mlpreflight/skew.json` when it holds findings
  // (that file is otherwise the skew capability's pair configuration, which is not a result).
  for (const name of ['skew-report.json', 'skew.json']) {
    const rel = `${SOURCE_DIR}/${name}`;
    const { json, error } = await readJson(root, path.join(base, name));
    if (error) {
      out.warnings.push(`${rel}: ${error}`);
      continue;
    }
    const facts = json === undefined ? undefined : skewFacts(json, rel, root);
    if (facts) {
      out.skew = facts;
      break;
    }
  }
  if (out.drift.length === 0 && options.liveDrift) {
    try {
      const live = await options.liveDrift(options.signal);
      out.drift.push(...live.facts);
      out.warnings.push(...live.warnings);
    } catch (ex) {
      if (options.signal?.aborted) throw ex;
      out.warnings.push(`drift check failed: ${ex instanceof Error ? ex.message : String(ex)}`);
    }
  }
  if (!out.skew && options.liveSkew) {
    try {
      out.skew = await options.liveSkew(root, options.signal);
    } catch (ex) {
      if (options.signal?.aborted) throw ex;
      out.warnings.push(`skew analysis failed: ${ex instanceof Error ? ex.message : String(ex)}`);
    }
  }
  return out;
}
