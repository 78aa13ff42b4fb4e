import { realpath, stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { ExternalDataFile } from '../../shared/modelInspection';
import { isInside } from '../paths';
import type { RawTensor } from './rawModel';

/**
 * Why an external-data `location` is refused before any file-system access, or `null` when it is a plain
 * relative path inside the model's folder. Pure: no file-system access.
 */
export function lexicalRefusal(location: string): string | null {
  if (location === '') return 'empty location';
  if (location.includes('\0')) return 'location contains a NUL byte';
  if (path.posix.isAbsolute(location) || path.win32.isAbsolute(location) || /^[a-zA-Z]:/.test(location)) {
    return 'absolute path';
  }
  const normalized = path.posix.normalize(location.replace(/\\/g, '/'));
  if (normalized === '..' || normalized.startsWith('../')) return 'path escapes the model folder';
  return null;
}

interface Group {
  location: string;
  bytes: number;
  tensors: number;
  /** Tensors without a `length`: their size is the file size past `offset`. */
  openEnded: number[];
}

/**
 * Summarises the external data referenced by `tensors` (grouped by `location`, in first-seen order).
 *
 * Safety: a location that is absolute, escapes the model folder with `..`, or (checked with `realpath`, the
 * only file-system call made before the verdict) is a symlink resolving outside the model folder is
 * refused: it is never opened or stat'ed, and `refused` says why. Data files are never opened; only
 * `stat` is used for existence and size.
 */
export async function summarizeExternalData(modelPath: string, tensors: readonly RawTensor[]): Promise<ExternalDataFile[]> {
  const groups = new Map<string, Group>();
  for (const t of tensors) {
    if (!t.external) continue;
    const { location, offset, length } = t.external;
    let g = groups.get(location);
    if (!g) {
      g = { location, bytes: 0, tensors: 0, openEnded: [] };
      groups.set(location, g);
    }
    g.tensors++;
    if (length !== null) g.bytes += length;
    else g.openEnded.push(offset);
  }
  const dir = path.dirname(path.resolve(modelPath));
  let realDir: string | null = null;
  const out: ExternalDataFile[] = [];
  for (const g of groups.values()) {
    const refusal = lexicalRefusal(g.location);
    if (refusal) {
      out.push({ location: g.location, bytes: g.bytes, tensors: g.tensors, exists: false, refused: refusal });
      continue;
    }
    const target = path.resolve(dir, g.location.replace(/\\/g, '/'));
    let real: string;
    try {
      realDir ??= await realpath(dir);
      real = await realpath(target);
    } catch {
      out.push({ location: g.location, bytes: g.bytes, tensors: g.tensors, exists: false });
      continue;
    }
    if (!isInside(realDir, real)) {
      out.push({ location: g.location, bytes: g.bytes, tensors: g.tensors, exists: false, refused: 'symlink resolves outside the model folder' });
      continue;
    }
    let size: number | null = null;
    try {
      const st = await stat(real);
      if (st.isFile()) size = st.size;
    } catch {
      size = null;
    }
    const bytes = g.bytes + (size === null ? 0 : g.openEnded.reduce((sum, off) => sum + Math.max(0, size - off), 0));
    out.push({ location: g.location, bytes, tensors: g.tensors, exists: size !== null });
  }
  return out;
}
