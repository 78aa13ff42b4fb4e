import * as vscode from 'vscode';

/** `mlPreflight.models.*`: which workspace files the Preflight tree lists. Mirrors `contributes.configuration`. */
export interface ModelsConfig {
  /** `mlPreflight.models.include`: glob of model files, relative to each workspace folder. */
  include: string;
  /** `mlPreflight.models.exclude`: glob of files and folders to skip; empty means VS Code's `files.exclude`. */
  exclude: string;
  /** `mlPreflight.models.maxFiles`: at most this many models over all workspace folders. */
  maxFiles: number;
}

/** The defaults declared in package.json. */
export const MODELS_DEFAULTS: Readonly<ModelsConfig> = Object.freeze({
  include: '**/*.onnx',
  exclude: '**/{node_modules,.git,.venv,venv,dist,build}/**',
  maxFiles: 500,
});

/** Configuration section of the model settings (for `affectsConfiguration`). */
export const MODELS_SECTION = 'mlPreflight.models';

/** Reads and sanitizes `mlPreflight.models.*` for `scope` (a workspace folder; settings are resource-scoped). */
export function readModelsConfig(scope?: vscode.ConfigurationScope): ModelsConfig {
  const config = vscode.workspace.getConfiguration(MODELS_SECTION, scope);
  const include = config.get<unknown>('include');
  const exclude = config.get<unknown>('exclude');
  const maxFiles = config.get<unknown>('maxFiles');
  return {
    include: typeof include === 'string' && include.trim() ? include.trim() : MODELS_DEFAULTS.include,
    exclude: typeof exclude === 'string' ? exclude.trim() : MODELS_DEFAULTS.exclude,
    maxFiles: typeof maxFiles === 'number' && Number.isInteger(maxFiles) && maxFiles >= 1
      ? Math.min(maxFiles, 100_000)
      : MODELS_DEFAULTS.maxFiles,
  };
}

/** `mlPreflight.generated.treatAsServingCode`: grade, list and pair generated files as the user's own (default false). */
export function readTreatGeneratedAsOwn(scope?: vscode.ConfigurationScope): boolean {
  return vscode.workspace.getConfiguration('mlPreflight.generated', scope).get<unknown>('treatAsServingCode') === true;
}

/** Configuration section of {@link readTreatGeneratedAsOwn} (for `affectsConfiguration`). */
export const GENERATED_SECTION = 'mlPreflight.generated';
