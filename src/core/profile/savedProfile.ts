/**
 * Where a model's measurements live, so that what was measured is used: the profile baselines of a model belong
 * to the model's workspace (src/core/workspaceRoot.ts), in `<workspace>/.mlpreflight/profiles/`, and the
 * emitters (`Generate Triton config`, `emit --profile`) and the checklist read them from there.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { profileFacts, type ProfileFacts } from '../checklist/sources';
import { modelWorkspaceRoot } from '../workspaceRoot';
import { baselineDir, baselineFile } from './baseline';

/** `.mlpreflight/profiles` of the model's workspace: where `profile` saves its baseline by default. */
export function modelBaselineDir(modelPath: string): string {
  return baselineDir(modelWorkspaceRoot(modelPath));
}

/**
 * The most recent saved profile of `modelPath` (any execution provider), from the baseline folders of the model's
 * workspace and of `roots` (e.g. VS Code's workspace folder). `source` is relative to the folder it was found in.
 * Undefined when none is saved or none can be read.
 */
export async function findSavedProfile(modelPath: string, roots: readonly string[] = []): Promise<(ProfileFacts & { file: string; createdAt?: string }) | undefined> {
  const model = path.resolve(modelPath);
  const prefix = path.basename(baselineFile('', model, 'x')).replace(/x\.json$/, '');
  const dirs = [...new Set([modelWorkspaceRoot(model), ...roots].map((r) => path.resolve(r)))];
  let best: (ProfileFacts & { file: string; createdAt?: string }) | undefined;
  for (const root of dirs) {
    const dir = baselineDir(root);
    let names: string[];
    try {
      names = (await readdir(dir)).filter((n) => n.startsWith(prefix) && n.endsWith('.json'));
    } catch {
      continue;
    }
    for (const name of names) {
      const file = path.join(dir, name);
      try {
        const info = await stat(file);
        if (!info.isFile() || info.size > 16 * 1024 * 1024) continue;
        const json = JSON.parse(await readFile(file, 'utf8')) as { createdAt?: unknown; model?: { path?: unknown } };
        if (typeof json.model?.path === 'string' && path.resolve(json.model.path) !== model) continue;
        const facts = profileFacts(json, path.relative(root, file).split(path.sep).join('/'));
        if (!facts) continue;
        const createdAt = typeof json.createdAt === 'string' ? json.createdAt : undefined;
        if (!best || (createdAt ?? '') > (best.createdAt ?? '')) best = { ...facts, file, createdAt };
      } catch {
        continue;
      }
    }
  }
  return best;
}
