import * as vscode from 'vscode';
import { PROFILE_DEFAULTS } from '../../core/profile/profile';
import type { ExecutionProvider } from '../../shared/workerProtocol';

/** `mlPreflight.profile.*` and `mlPreflight.latencyBudgetMs`. Mirrors `contributes.configuration`. */
export interface ProfileConfig {
  /** `mlPreflight.profile.executionProvider`. */
  ep: ExecutionProvider;
  /** `mlPreflight.profile.maxBatch`: the sweep is 1, 2, 4, … up to this. */
  maxBatch: number;
  /** `mlPreflight.profile.iterations`: timed iterations per batch. */
  iterations: number;
  /** Whether the user set `mlPreflight.profile.iterations` (then the time budget does not apply). */
  iterationsSet: boolean;
  /** `mlPreflight.profile.timeBudgetSeconds`: total time of a profile, 0 = none. */
  timeBudgetS: number;
  /** `mlPreflight.profile.threads`: intra-op threads, 0 = ONNX Runtime's default. */
  threads: number;
  /** `mlPreflight.profile.dims`: values of named dynamic dims. */
  dims: Record<string, number>;
  /** `mlPreflight.latencyBudgetMs`: p99 budget, undefined = none. */
  budgetMs: number | undefined;
  /** `mlPreflight.profile.costPerHour`: undefined = none. */
  costPerHour: number | undefined;
  /** `mlPreflight.profile.timeoutSeconds`. */
  timeoutMs: number;
  /** `mlPreflight.profile.maxMemoryMB`. */
  maxRssBytes: number;
  /** `mlPreflight.profile.saveBaselines`: keep results under `.mlpreflight/profiles/` and compare. */
  saveBaselines: boolean;
}

const EPS: readonly ExecutionProvider[] = ['cpu', 'webgpu', 'cuda', 'tensorrt', 'dml', 'coreml'];

function int(v: unknown, fallback: number, min: number, max: number): number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : fallback;
}

function positive(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined;
}

/** Whether a setting has a value at any level other than its default. */
function isSet(i: { globalValue?: unknown; workspaceValue?: unknown; workspaceFolderValue?: unknown } | undefined): boolean {
  return i !== undefined && (i.globalValue !== undefined || i.workspaceValue !== undefined || i.workspaceFolderValue !== undefined);
}

/** Reads and sanitizes the profiler settings for `scope` (the model's workspace folder). */
export function readProfileConfig(scope?: vscode.ConfigurationScope): ProfileConfig {
  const c = vscode.workspace.getConfiguration('mlPreflight', scope);
  const ep = c.get<unknown>('profile.executionProvider');
  const dims: Record<string, number> = {};
  const rawDims = c.get<unknown>('profile.dims');
  if (rawDims && typeof rawDims === 'object') {
    for (const [k, v] of Object.entries(rawDims)) if (typeof v === 'number' && Number.isInteger(v) && v >= 1) dims[k] = v;
  }
  const cost = c.get<unknown>('profile.costPerHour');
  return {
    ep: EPS.includes(ep as ExecutionProvider) ? (ep as ExecutionProvider) : 'cpu',
    maxBatch: int(c.get('profile.maxBatch'), PROFILE_DEFAULTS.maxBatch, 1, 4096),
    iterations: int(c.get('profile.iterations'), PROFILE_DEFAULTS.iterations, 1, 1_000_000),
    iterationsSet: isSet(c.inspect('profile.iterations')),
    timeBudgetS: int(c.get('profile.timeBudgetSeconds'), PROFILE_DEFAULTS.timeBudgetS, 0, 86_400),
    threads: int(c.get('profile.threads'), 0, 0, 1024),
    dims,
    budgetMs: positive(c.get('latencyBudgetMs')),
    costPerHour: typeof cost === 'number' && Number.isFinite(cost) && cost >= 0 ? cost : undefined,
    timeoutMs: int(c.get('profile.timeoutSeconds'), PROFILE_DEFAULTS.timeoutMs / 1000, 5, 86_400) * 1000,
    maxRssBytes: int(c.get('profile.maxMemoryMB'), PROFILE_DEFAULTS.maxRssBytes / 1024 ** 2, 64, 1_048_576) * 1024 ** 2,
    saveBaselines: c.get<unknown>('profile.saveBaselines') !== false,
  };
}
