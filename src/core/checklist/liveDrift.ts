/**
 * The drift capability (src/core/drift, #4) run live for the checklist and the review when no drift report is
 * saved under `.mlpreflight/drift/`: finds reference/current sample pairs in the workspace by name and compares
 * them with Evidently's default tests.
 *
 * A pair is two data files in the same folder, with the same extension, whose names differ only by a
 * reference word (`reference`, `ref`, `baseline`, `train`, `training`) on one side and a current word
 * (`current`, `cur`, `production`, `prod`, `live`, `serving`, `recent`) on the other — e.g.
 * `data/reference.csv` + `data/current.csv`, `features_train.parquet` + `features_prod.parquet`.
 * Files over {@link MAX_LIVE_BYTES} are left to the "Compare Data Drift" command (a warning says so).
 */
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { computeDrift } from '../drift/computeDrift';
import type { DriftReport } from '../../shared/drift';
import type { DriftFacts } from './sources';
import type { Workspace } from './workspace';

/** Largest sample (each side) the live check reads: larger ones take seconds and belong to an explicit run. */
export const MAX_LIVE_BYTES = 64 * 1024 * 1024;
/** At most this many pairs are compared live. */
export const MAX_LIVE_PAIRS = 5;

const DATA_FILE = /\.(csv|tsv|parquet|arrow|feather|ipc|jsonl|ndjson)$/i;
const REFERENCE_WORDS = ['reference', 'ref', 'baseline', 'training', 'train'];
const CURRENT_WORDS = ['current', 'cur', 'production', 'prod', 'live', 'serving', 'recent'];

/** The name with the first whole word from `words` replaced by `{}`, or undefined when none occurs. */
function template(stem: string, words: readonly string[]): string | undefined {
  for (const w of words) {
    const re = new RegExp(`(^|[^a-z0-9])${w}(?=$|[^a-z0-9])`, 'i');
    const m = re.exec(stem);
    if (m) return stem.slice(0, m.index + m[1]!.length) + '{}' + stem.slice(m.index + m[0].length);
  }
  return undefined;
}

/** Reference/current pairs among workspace-relative files (sorted, deterministic). */
export function findDriftPairs(files: readonly string[]): Array<{ reference: string; current: string }> {
  const refs = new Map<string, string>();
  const curs = new Map<string, string>();
  for (const file of files) {
    if (!DATA_FILE.test(file) || file.split('/').includes('.mlpreflight')) continue;
    const dir = path.posix.dirname(file);
    const ext = path.posix.extname(file).toLowerCase();
    const stem = path.posix.basename(file, path.posix.extname(file));
    const r = template(stem, REFERENCE_WORDS);
    const c = template(stem, CURRENT_WORDS);
    if (r !== undefined && c === undefined) refs.set(`${dir}\0${r.toLowerCase()}${ext}`, file);
    if (c !== undefined && r === undefined) curs.set(`${dir}\0${c.toLowerCase()}${ext}`, file);
  }
  const pairs: Array<{ reference: string; current: string }> = [];
  for (const [key, reference] of refs) {
    const current = curs.get(key);
    if (current) pairs.push({ reference, current });
  }
  return pairs.sort((a, b) => a.reference.localeCompare(b.reference));
}

/**
 * How a pair is compared: `computeDrift` on the caller's thread by default (CLI, tests); the VS Code adapter
 * passes a worker-thread comparison so the extension host never does the statistics itself.
 */
export type CompareDrift = (reference: string, current: string, names: { referenceName: string; currentName: string }, signal?: AbortSignal) => Promise<DriftReport>;

const compareHere: CompareDrift = (reference, current, names, signal) => computeDrift(reference, current, { ...names, signal });

/** Compares the workspace's pairs; returns the facts and warnings (too large, unreadable). */
export async function liveDrift(ws: Workspace, signal?: AbortSignal, compare: CompareDrift = compareHere): Promise<{ facts: DriftFacts[]; warnings: string[] }> {
  const facts: DriftFacts[] = [];
  const warnings: string[] = [];
  const pairs = findDriftPairs(ws.files);
  if (pairs.length > MAX_LIVE_PAIRS) warnings.push(`${pairs.length} reference/current pairs found; the live check compares the first ${MAX_LIVE_PAIRS}`);
  for (const pair of pairs.slice(0, MAX_LIVE_PAIRS)) {
    const abs = { reference: path.join(ws.root, pair.reference), current: path.join(ws.root, pair.current) };
    const sizes = await Promise.all([stat(abs.reference), stat(abs.current)].map((p) => p.then((s) => s.size, () => -1)));
    if (sizes.some((s) => s > MAX_LIVE_BYTES)) {
      warnings.push(`${pair.reference} / ${pair.current}: over ${MAX_LIVE_BYTES / 1024 / 1024} MiB, not compared live: run "ML Preflight: Compare Data Drift" or \`ml-preflight drift\``);
      continue;
    }
    try {
      const report = await compare(abs.reference, abs.current, { referenceName: pair.reference, currentName: pair.current }, signal);
      facts.push({
        source: `live drift check (${pair.reference} → ${pair.current})`,
        reference: pair.reference,
        current: pair.current,
        datasetDrift: report.datasetDrift,
        shareDrifted: report.shareDrifted,
        createdAt: report.createdAt,
        columns: report.columns.map((c) => ({
          name: c.name,
          drift: c.drifted,
          statistic: c.statistic ?? undefined,
          pValue: c.pValue ?? undefined,
          method: c.method,
        })),
      });
    } catch (ex) {
      if (signal?.aborted) throw ex;
      warnings.push(`${pair.reference} / ${pair.current}: ${ex instanceof Error ? ex.message : String(ex)}`);
    }
  }
  return { facts, warnings };
}
