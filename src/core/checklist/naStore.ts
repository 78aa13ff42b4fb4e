/**
 * "Not applicable" marks: `.mlpreflight/checklist.json` in the workspace folder, meant to be committed so the
 * whole team (and CI) shares the decisions.
 *
 * ```json
 * { "version": 1, "na": { "security.auth": { "reason": "internal batch job, no network API", "date": "2026-11-23" } } }
 * ```
 */
import * as path from 'node:path';
import { parseJsonBounded } from '../jsonSafe';
import { readTextFile, SafeFsError, writeFileAtomic } from '../safeFs';

export const NA_FILE = '.mlpreflight/checklist.json';
/** Largest n/a file read (a hand-edited list of marks is a few KiB). */
export const NA_MAX_BYTES = 4 * 1024 * 1024;

export interface NaMark {
  reason: string;
  by?: string;
  date?: string;
}

export interface NaFile {
  version: 1;
  na: Record<string, NaMark>;
}

/** Reads the marks; a missing file is empty, a bad one is empty plus a warning naming the file and the problem. */
export async function readNaMarks(root: string): Promise<{ marks: Record<string, NaMark>; warning?: string }> {
  let text: string;
  try {
    // Read rule: a regular file inside the workspace, within the size limit (safeFs).
    text = await readTextFile(path.join(root, ...NA_FILE.split('/')), { root, display: NA_FILE, maxBytes: NA_MAX_BYTES });
  } catch (ex) {
    if (SafeFsError.is(ex, 'not-found')) return { marks: {} };
    return { marks: {}, warning: `${NA_FILE}: unreadable (${SafeFsError.is(ex) ? ex.detail : String(ex)})` };
  }
  let json: unknown;
  try {
    json = parseJsonBounded(text);
  } catch (ex) {
    return { marks: {}, warning: `${NA_FILE}: not valid JSON (${(ex as Error).message}); n/a marks ignored` };
  }
  const na = typeof json === 'object' && json !== null ? (json as { na?: unknown }).na : undefined;
  if (typeof na !== 'object' || na === null || Array.isArray(na)) return { marks: {}, warning: `${NA_FILE}: expected {"version":1,"na":{…}}; n/a marks ignored` };
  const marks: Record<string, NaMark> = {};
  for (const [id, value] of Object.entries(na as Record<string, unknown>)) {
    const v = value as Partial<NaMark> | null;
    if (v && typeof v.reason === 'string' && v.reason.trim()) {
      marks[id] = { reason: v.reason, ...(typeof v.by === 'string' ? { by: v.by } : {}), ...(typeof v.date === 'string' ? { date: v.date } : {}) };
    }
  }
  return { marks };
}

/**
 * Sets (or with `mark: null` clears) the n/a mark of `itemId`, keeping the others; writes atomically
 * (temp file + rename) with stable key order so diffs stay small.
 *
 * @throws Error when the reason is empty, or the existing file is not valid JSON (it is never overwritten then).
 */
export async function setNaMark(root: string, itemId: string, mark: NaMark | null): Promise<void> {
  if (mark && !mark.reason.trim()) throw new Error(`setNaMark: a reason is required to mark '${itemId}' as n/a`);
  const file = path.join(root, ...NA_FILE.split('/'));
  const { marks, warning } = await readNaMarks(root);
  if (warning && !warning.includes('unreadable')) throw new Error(`${warning.replace('; n/a marks ignored', '')}: fix or delete it first`);
  if (mark) marks[itemId] = { reason: mark.reason.trim(), ...(mark.by ? { by: mark.by } : {}), date: mark.date ?? new Date().toISOString().slice(0, 10) };
  else delete marks[itemId];
  const sorted: Record<string, NaMark> = {};
  for (const key of Object.keys(marks).sort()) sorted[key] = marks[key]!;
  const body: NaFile = { version: 1, na: sorted };
  // Write rule: exclusive random temp file + fsync + rename, never through a symlink, never outside the workspace.
  await writeFileAtomic(file, JSON.stringify(body, null, 2) + '\n', { root, display: NA_FILE });
}
