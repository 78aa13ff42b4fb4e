/**
 * Opens a dataset file: checks it exists, sniffs its first bytes (Netron-style: content first, extension second),
 * refuses content that does not match the extension, and dispatches to the CSV / Parquet / Arrow / JSON reader.
 */
import { open, stat } from 'node:fs/promises';
import * as nodePath from 'node:path';
import type { DataFormat } from '../../shared/drift';
import { readArrow } from './arrow';
import type { Dataset } from './columns';
import { readCsv } from './csv';
import { DataReadError } from './errors';
import { readJson, readJsonLines } from './json';
import { DEFAULT_MAX_ROWS, resolveLimits } from './limits';
import { readParquet } from './parquet';

/** File extensions the drift commands accept, by format. */
export const DATA_EXTENSIONS: Readonly<Record<string, DataFormat>> = {
  '.csv': 'csv',
  '.tsv': 'csv',
  '.txt': 'csv',
  '.parquet': 'parquet',
  '.pq': 'parquet',
  '.arrow': 'arrow',
  '.feather': 'arrow',
  '.ipc': 'arrow',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.json': 'json',
};

export { DEFAULT_MAX_ROWS } from './limits';

export interface ReadDatasetOptions {
  signal?: AbortSignal;
  /** Refuse files with more rows (default {@link DEFAULT_MAX_ROWS}). */
  maxRows?: number;
  /** Refuse files with more columns (default `DEFAULT_MAX_COLUMNS`, setting `mlPreflight.drift.maxColumns`). */
  maxColumns?: number;
  /** Memory budget of the comparison in MiB, both files (default `DEFAULT_MAX_MEMORY_MB`, setting `mlPreflight.drift.maxMemoryMb`). */
  maxMemoryMb?: number;
  /** `hyparquet`: the Parquet reader before the flat fast path (for benchmarks). */
  parquetEngine?: 'auto' | 'hyparquet';
  /** Name used in messages (default: the path). */
  displayName?: string;
  /** Bytes read so far / total (CSV streams report as they go; other formats once). */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
}

/** What the first bytes look like, for error messages. */
export function describeContent(head: Uint8Array): { format: DataFormat | undefined; description: string } {
  const ascii = Buffer.from(head.subarray(0, 8)).toString('latin1');
  if (ascii.startsWith('PAR1')) return { format: 'parquet', description: 'a Parquet file' };
  if (ascii.startsWith('ARROW1')) return { format: 'arrow', description: 'an Arrow IPC file (Feather v2)' };
  if (head.length >= 4 && head[0] === 0xff && head[1] === 0xff && head[2] === 0xff && head[3] === 0xff) return { format: 'arrow', description: 'an Arrow IPC stream' };
  if (ascii.startsWith('FEA1')) return { format: 'arrow', description: 'a Feather v1 file' };
  if (head[0] === 0x1f && head[1] === 0x8b) return { format: undefined, description: 'gzip-compressed data (decompress it first)' };
  if (ascii.startsWith('PK\u0003\u0004')) return { format: undefined, description: 'a zip archive (e.g. an Excel or NumPy file)' };
  if (ascii.startsWith('\u0089PNG')) return { format: undefined, description: 'a PNG image' };
  if (head.includes(0)) return { format: undefined, description: 'binary data' };
  const text = Buffer.from(head).toString('utf8').replace(/^\uFEFF/, '').trimStart();
  if (text.startsWith('[')) return { format: 'json', description: 'a JSON array' };
  if (text.startsWith('{')) {
    // One object per line → JSON Lines; an object spanning lines → JSON.
    const firstLine = text.split('\n', 1)[0]!.trim();
    return firstLine.endsWith('}') ? { format: 'jsonl', description: 'JSON Lines text' } : { format: 'json', description: 'a JSON object' };
  }
  return { format: 'csv', description: 'text (CSV-like)' };
}

/**
 * Reads `path` into a columnar {@link Dataset}.
 *
 * @throws DataReadError: `not-found`, `not-a-file`, `empty` (0 bytes or no rows), `unsupported-format`,
 *   `format-mismatch` (e.g. a `.parquet` holding CSV text), `malformed`, `corrupt`, `too-large`, `cancelled`, `io`.
 */
export async function readDataset(path: string, options: ReadDatasetOptions = {}): Promise<Dataset> {
  const file = options.displayName ?? path;
  let size: number;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new DataReadError('not-a-file', file, 'is a directory or special file, not a data file');
    size = st.size;
  } catch (ex) {
    if (DataReadError.is(ex)) throw ex;
    const code = (ex as { code?: string }).code;
    if (code === 'ENOENT') throw new DataReadError('not-found', file, 'no such file');
    throw new DataReadError('io', file, (ex as Error).message, { cause: ex });
  }
  if (size === 0) throw new DataReadError('empty', file, 'the file is empty (0 bytes)');
  const head = new Uint8Array(4096);
  let headLength = 0;
  try {
    const fh = await open(path, 'r');
    try {
      headLength = (await fh.read(head, 0, head.length, 0)).bytesRead;
    } finally {
      await fh.close();
    }
  } catch (ex) {
    throw new DataReadError('io', file, (ex as Error).message, { cause: ex });
  }
  const content = describeContent(head.subarray(0, headLength));
  const ext = nodePath.extname(path).toLowerCase();
  const byExt = DATA_EXTENSIONS[ext];
  let format: DataFormat;
  if (byExt) {
    const compatible = content.format === byExt || (byExt === 'json' && content.format === 'jsonl') || (byExt === 'jsonl' && content.format === 'json' && content.description === 'a JSON object');
    if (!compatible) {
      throw new DataReadError('format-mismatch', file, `the extension says ${byExt.toUpperCase()} but the content is ${content.description}`);
    }
    format = byExt === 'json' && content.format === 'jsonl' ? 'json' : byExt;
  } else {
    if (!content.format) throw new DataReadError('unsupported-format', file, `unknown extension '${ext}' and the content is ${content.description}`);
    format = content.format;
  }
  if (content.description === 'a Feather v1 file') {
    throw new DataReadError('unsupported-format', file, 'Feather v1 is not supported; re-save it as Feather v2 (pyarrow.feather.write_feather, the default since pyarrow 0.17)');
  }
  if (options.signal?.aborted) throw new DataReadError('cancelled', file, 'cancelled');
  const limits = resolveLimits({ maxRows: options.maxRows ?? DEFAULT_MAX_ROWS, maxColumns: options.maxColumns, maxMemoryMb: options.maxMemoryMb });
  const common = { signal: options.signal, maxRows: limits.maxRows, limits };
  let dataset: Dataset;
  try {
    switch (format) {
      case 'csv':
        dataset = await readCsv(path, file, size, { ...common, delimiter: ext === '.tsv' ? '\t' : undefined, onProgress: (b) => options.onProgress?.(b, size) });
        break;
      case 'parquet':
        dataset = await readParquet(path, file, { ...common, engine: options.parquetEngine });
        break;
      case 'arrow':
        dataset = await readArrow(path, file, common);
        break;
      case 'jsonl':
        dataset = await readJsonLines(path, file, size, common);
        break;
      case 'json':
        dataset = await readJson(path, file, size, common);
        break;
    }
  } catch (ex) {
    if (options.signal?.aborted && !DataReadError.is(ex, 'cancelled')) throw new DataReadError('cancelled', file, 'cancelled', { cause: ex });
    throw ex;
  }
  options.onProgress?.(size, size);
  return dataset;
}
