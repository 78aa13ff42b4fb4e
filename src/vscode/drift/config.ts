import * as vscode from 'vscode';
import { DEFAULT_MAX_COLUMNS, DEFAULT_MAX_MEMORY_MB } from '../../core/data/limits';
import { DEFAULT_MAX_ROWS } from '../../core/data/readDataset';
import { DriftError } from '../../core/drift/computeDrift';
import { parseOverride } from '../../core/drift/config';
import type { ColumnOverride } from '../../shared/drift';

/** `mlPreflight.drift.*`. Mirrors `contributes.configuration`. */
export interface DriftSettings {
  /** `mlPreflight.drift.maxRows`: refuse data files with more rows (keeps the extension host's memory bounded). */
  maxRows: number;
  /** `mlPreflight.drift.maxColumns`: refuse data files with more columns. */
  maxColumns: number;
  /** `mlPreflight.drift.maxMemoryMb`: memory budget of a comparison (readers' allocation bound, worker RSS ceiling). */
  maxMemoryMb: number;
  /** `mlPreflight.drift.driftShare`: share of drifted columns that means dataset drift. */
  driftShare: number;
  /** `mlPreflight.drift.mode`: `evidently` (default tests) or `tfdv`. */
  mode: 'evidently' | 'tfdv';
  /** `mlPreflight.drift.columns`: per-column `{type, method, threshold}`. */
  columns: Record<string, ColumnOverride>;
}

export const DRIFT_SECTION = 'mlPreflight.drift';

/** Reads and validates the settings for `scope`; invalid entries are dropped and reported in `problems`. */
export function readDriftSettings(scope?: vscode.ConfigurationScope): { settings: DriftSettings; problems: string[] } {
  const config = vscode.workspace.getConfiguration(DRIFT_SECTION, scope);
  const problems: string[] = [];
  const maxRows = config.get<unknown>('maxRows');
  const maxColumns = config.get<unknown>('maxColumns');
  const maxMemoryMb = config.get<unknown>('maxMemoryMb');
  const driftShare = config.get<unknown>('driftShare');
  const mode = config.get<unknown>('mode');
  const rawColumns = config.get<unknown>('columns');
  const columns: Record<string, ColumnOverride> = {};
  if (rawColumns && typeof rawColumns === 'object' && !Array.isArray(rawColumns)) {
    for (const [name, value] of Object.entries(rawColumns)) {
      try {
        columns[name] = parseOverride(value, `setting mlPreflight.drift.columns.${name}`);
      } catch (ex) {
        if (!DriftError.is(ex)) throw ex;
        problems.push(ex.message);
      }
    }
  }
  return {
    settings: {
      maxRows: typeof maxRows === 'number' && Number.isInteger(maxRows) && maxRows >= 1 ? maxRows : DEFAULT_MAX_ROWS,
      maxColumns: typeof maxColumns === 'number' && Number.isInteger(maxColumns) && maxColumns >= 1 ? maxColumns : DEFAULT_MAX_COLUMNS,
      maxMemoryMb: typeof maxMemoryMb === 'number' && maxMemoryMb >= 64 ? maxMemoryMb : DEFAULT_MAX_MEMORY_MB,
      driftShare: typeof driftShare === 'number' && driftShare > 0 && driftShare <= 1 ? driftShare : 0.5,
      mode: mode === 'tfdv' ? 'tfdv' : 'evidently',
      columns,
    },
    problems,
  };
}
