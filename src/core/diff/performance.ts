/**
 * Latency and memory delta between two models from their saved profiles (`ml-preflight profile` writes one per
 * model and EP into `.mlpreflight/profiles/`). Profiles are matched by the SHA-256 of the model file they
 * recorded, so the old side of `diff --against <ref>` finds the profile taken before the model changed. Nothing
 * is run: without a profile for both sides there is no delta.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import * as path from 'node:path';
import type { PerformanceDelta } from '../../shared/modelDiff';
import type { ProfileResult } from '../../shared/profileResult';
import { loadBaseline } from '../profile/baseline';
import { numberDelta } from './modelChanges';

/** Most profile files read from the folder, and the largest one. */
const MAX_PROFILES = 500;
const MAX_PROFILE_BYTES = 8 * 1024 * 1024;

export interface PerformanceOptions {
  /** Execution provider to compare (default: one both sides were profiled on, `cpu` first). */
  ep?: string;
  /** Latency budget for the new p99, ms (default: the new profile's own budget). */
  budgetMs?: number;
  signal?: AbortSignal;
}

/** SHA-256 (hex) of a file, streamed. */
export function sha256File(file: string, signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file, { highWaterMark: 1024 * 1024, signal })
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

async function readProfiles(dir: string): Promise<ProfileResult[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.json')).slice(0, MAX_PROFILES);
  } catch {
    return [];
  }
  const out: ProfileResult[] = [];
  for (const n of names) {
    const file = path.join(dir, n);
    try {
      const st = await lstat(file);
      if (!st.isFile() || st.size > MAX_PROFILE_BYTES) continue;
      const p = await loadBaseline(file);
      if (p && typeof p.model?.sha256 === 'string' && Array.isArray(p.runs) && p.runs.length > 0) out.push(p);
    } catch {
      // A corrupt or foreign JSON file is not a profile: skip it.
    }
  }
  return out;
}

function latest(list: readonly ProfileResult[]): ProfileResult | undefined {
  return [...list].sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1))[0];
}

/**
 * The delta between the newest saved profiles of `oldPath` and `newPath` in `dir` on the same EP, at the
 * smallest batch both measured; `undefined` when either side has none.
 */
export async function performanceFromProfiles(dir: string, oldPath: string, newPath: string, options: PerformanceOptions = {}): Promise<PerformanceDelta | undefined> {
  const profiles = await readProfiles(dir);
  if (profiles.length === 0) return undefined;
  const [oldSha, newSha] = await Promise.all([sha256File(oldPath, options.signal), sha256File(newPath, options.signal)]);
  const eps = options.ep ? [options.ep] : ['cpu', ...new Set(profiles.map((p) => p.ep))];
  for (const ep of eps) {
    const a = latest(profiles.filter((p) => p.model.sha256 === oldSha && p.ep === ep));
    const b = latest(profiles.filter((p) => p.model.sha256 === newSha && p.ep === ep));
    if (!a || !b) continue;
    const batches = a.runs.map((r) => r.batch).filter((x) => b.runs.some((r) => r.batch === x)).sort((x, y) => x - y);
    const batch = batches[0];
    if (batch === undefined) continue;
    const ra = a.runs.find((r) => r.batch === batch)!;
    const rb = b.runs.find((r) => r.batch === batch)!;
    const budgetMs = options.budgetMs ?? b.budget?.budgetMs ?? null;
    const out: PerformanceDelta = {
      ep,
      batch,
      p50Ms: numberDelta(ra.p50, rb.p50),
      p99Ms: numberDelta(ra.p99, rb.p99),
      throughput: numberDelta(ra.throughput, rb.throughput),
      peakRssBytes: numberDelta(a.peakRssBytes, b.peakRssBytes),
      budgetMs,
      overBudget: budgetMs === null ? null : rb.p99 > budgetMs,
      sources: { before: `profile of ${a.model.path} (${a.createdAt})`, after: `profile of ${b.model.path} (${b.createdAt})` },
    };
    const diffs: string[] = [];
    if (a.environment.cpuModel !== b.environment.cpuModel || a.environment.logicalCores !== b.environment.logicalCores) diffs.push(`CPU ${a.environment.cpuModel} ×${a.environment.logicalCores} vs ${b.environment.cpuModel} ×${b.environment.logicalCores}`);
    if (a.threads !== b.threads) diffs.push(`threads ${a.threads} vs ${b.threads}`);
    if (a.ortVersion !== b.ortVersion) diffs.push(`ONNX Runtime ${a.ortVersion} vs ${b.ortVersion}`);
    if (diffs.length) out.caveat = `the two profiles were not taken under the same conditions (${diffs.join('; ')}): the delta mixes model and machine`;
    return out;
  }
  return undefined;
}
