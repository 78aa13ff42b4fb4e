/**
 * Baselines: every profile result is saved as `<dir>/<model-name>-<hash of the model path>-<ep>.json`
 * (default dir `<workspace>/.mlpreflight/profiles/`) and the next run is compared with it.
 *
 * Regression rule (default threshold 10 %): a latency metric (p50, p90, p99, mean, cold start) or the peak RSS
 * that grew by more than the threshold, or a throughput that fell by more than it. The same change the other
 * way is an improvement.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { BaselineComparison, MetricDelta, ProfileResult } from '../../shared/profileResult';
import { ProfileError } from './errors';
import { parseJsonBounded } from '../jsonSafe';
import { readTextFile, SafeFsError, writeFileAtomic } from '../safeFs';

/** Largest baseline read (a profile result is a few KiB; per-op tables can make it a few MiB). */
const MAX_BASELINE_BYTES = 32 * 1024 * 1024;

/** Default regression threshold: 10 %. */
export const REGRESSION_THRESHOLD = 0.1;

/** `.mlpreflight/profiles` under `root`. */
export function baselineDir(root: string): string {
  return path.join(root, '.mlpreflight', 'profiles');
}

/** The baseline file of a model and EP. */
export function baselineFile(dir: string, modelPath: string, ep: string): string {
  const base = path.basename(modelPath).replace(/\.onnx$/i, '').replace(/[^\w.-]+/g, '_').slice(0, 60) || 'model';
  const hash = createHash('sha256').update(path.resolve(modelPath)).digest('hex').slice(0, 10);
  return path.join(dir, `${base}-${hash}-${ep}.json`);
}

/** Reads the previous result, or undefined when there is none. @throws ProfileError 'baseline-io' on a corrupt file. */
export async function loadBaseline(file: string): Promise<ProfileResult | undefined> {
  let text: string;
  try {
    // Read rule: regular file within a size limit (a symlink to /dev/zero or a FIFO is refused, never read).
    text = await readTextFile(file, { maxBytes: MAX_BASELINE_BYTES });
  } catch (ex) {
    if (SafeFsError.is(ex, 'not-found')) return undefined;
    throw new ProfileError('baseline-io', `${file}: cannot read the baseline: ${SafeFsError.is(ex) ? ex.detail : ex instanceof Error ? ex.message : String(ex)}`);
  }
  try {
    const parsed = parseJsonBounded(text) as ProfileResult;
    if (parsed?.version !== 1 || !Array.isArray(parsed.runs)) throw new Error('not a profile result (version 1)');
    return parsed;
  } catch (ex) {
    throw new ProfileError('baseline-io', `${file}: the baseline is not a profile result: ${ex instanceof Error ? ex.message : String(ex)}`);
  }
}

/** Writes `result` atomically (temp file + rename). @throws ProfileError 'baseline-io'. */
export async function saveBaseline(file: string, result: ProfileResult): Promise<void> {
  try {
    // Write rule: exclusive random temp file + fsync + rename; a symlink at the baseline is refused.
    await writeFileAtomic(file, JSON.stringify(result, null, 2) + '\n');
  } catch (ex) {
    throw new ProfileError('baseline-io', `${file}: cannot save the baseline: ${SafeFsError.is(ex) ? ex.detail : ex instanceof Error ? ex.message : String(ex)}`);
  }
}

type Comparable = Pick<ProfileResult, 'runs' | 'peakRssBytes' | 'coldStartMs' | 'ep' | 'threads' | 'ortVersion' | 'environment' | 'createdAt' | 'settings'>;

/** Compares `current` with `baseline` batch by batch (batches present in both) plus peak RSS and cold start. */
export function compareWithBaseline(current: Comparable, baseline: Comparable, file: string, threshold = REGRESSION_THRESHOLD): BaselineComparison {
  const deltas: MetricDelta[] = [];
  const add = (metric: MetricDelta['metric'], batch: number | null, before: number, now: number, higherIsWorse: boolean): void => {
    if (!(before > 0) || !Number.isFinite(now)) return;
    const change = (now - before) / before;
    const worse = higherIsWorse ? change > threshold : change < -threshold;
    const better = higherIsWorse ? change < -threshold : change > threshold;
    deltas.push({ metric, batch, baseline: before, current: now, change, regression: worse, improvement: better });
  };
  for (const run of current.runs) {
    const old = baseline.runs.find((r) => r.batch === run.batch);
    if (!old) continue;
    add('p50', run.batch, old.p50, run.p50, true);
    add('p90', run.batch, old.p90, run.p90, true);
    add('p99', run.batch, old.p99, run.p99, true);
    add('throughput', run.batch, old.throughput, run.throughput, false);
  }
  add('peakRssBytes', null, baseline.peakRssBytes, current.peakRssBytes, true);
  add('coldStartMs', null, baseline.coldStartMs, current.coldStartMs, true);
  const caveats: string[] = [];
  if (baseline.ep !== current.ep) caveats.push(`execution provider changed: ${baseline.ep} → ${current.ep}`);
  if (baseline.threads !== current.threads) caveats.push(`threads changed: ${baseline.threads} → ${current.threads}`);
  if (baseline.ortVersion !== current.ortVersion) caveats.push(`ONNX Runtime changed: ${baseline.ortVersion} → ${current.ortVersion}`);
  if (baseline.environment?.cpuModel !== current.environment?.cpuModel) caveats.push(`CPU changed: ${baseline.environment?.cpuModel} → ${current.environment?.cpuModel}`);
  if (baseline.settings?.graphOptimizationLevel !== current.settings?.graphOptimizationLevel) caveats.push(`graph optimisation level changed: ${baseline.settings?.graphOptimizationLevel} → ${current.settings?.graphOptimizationLevel}`);
  if (baseline.settings?.inputSource !== current.settings?.inputSource) caveats.push(`input source changed: ${baseline.settings?.inputSource} → ${current.settings?.inputSource}`);
  return {
    baselineCreatedAt: baseline.createdAt,
    baselineFile: file,
    threshold,
    deltas,
    regressions: deltas.filter((d) => d.regression).length,
    caveats,
  };
}
