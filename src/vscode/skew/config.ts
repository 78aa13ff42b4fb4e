import * as vscode from 'vscode';
import { parsePairConfig } from '../../core/skew/pairing';
import { DEFAULT_MAX_FILE_BYTES } from '../../core/skew/project';
import type { SkewPairConfig } from '../../shared/skew';

/** `mlPreflight.skew.*`, mirroring `contributes.configuration`. */
export interface SkewConfig {
  /** `mlPreflight.skew.enabled`: analyse Python files for training/serving skew. */
  enabled: boolean;
  /** `mlPreflight.skew.codeLens`: show CodeLenses above the differing lines. */
  codeLens: boolean;
  /** `mlPreflight.skew.pairs`: explicit pairs (used when there is no `.mlpreflight/skew.json`). */
  pairs: SkewPairConfig[];
  /** `mlPreflight.skew.debounceMs`: wait this long after the last keystroke before re-analysing. */
  debounceMs: number;
  /** `mlPreflight.skew.maxFileBytes`: skip larger files. */
  maxFileBytes: number;
}

export const SKEW_SECTION = 'mlPreflight.skew';

export const SKEW_DEFAULTS: Readonly<SkewConfig> = Object.freeze({ enabled: true, codeLens: true, pairs: [], debounceMs: 400, maxFileBytes: DEFAULT_MAX_FILE_BYTES });

/** Reads and sanitizes the settings for `scope`; invalid pairs are reported through `onInvalid` and ignored. */
export function readSkewConfig(scope?: vscode.ConfigurationScope, onInvalid?: (message: string) => void): SkewConfig {
  const c = vscode.workspace.getConfiguration(SKEW_SECTION, scope);
  const num = (k: string, def: number, min: number, max: number): number => {
    const v = c.get<unknown>(k);
    return typeof v === 'number' && Number.isFinite(v) && v >= min ? Math.min(v, max) : def;
  };
  let pairs: SkewPairConfig[] = [];
  const raw = c.get<unknown>('pairs');
  if (Array.isArray(raw) && raw.length) {
    try {
      pairs = parsePairConfig(raw, 'setting mlPreflight.skew.pairs');
    } catch (ex) {
      onInvalid?.(ex instanceof Error ? ex.message : String(ex));
    }
  }
  return {
    enabled: c.get<unknown>('enabled') !== false,
    codeLens: c.get<unknown>('codeLens') !== false,
    pairs,
    debounceMs: num('debounceMs', SKEW_DEFAULTS.debounceMs, 0, 10_000),
    maxFileBytes: num('maxFileBytes', SKEW_DEFAULTS.maxFileBytes, 1024, 64 * 1024 * 1024),
  };
}
