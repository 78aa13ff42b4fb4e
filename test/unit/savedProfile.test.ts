/**
 * Baselines belong to the model's workspace: the nearest folder with .mlpreflight/ or .git (else the model's
 * folder); `checklist <sub-folder>` reads the enclosing workspace's baselines of its models; Generate finds them.
 */
import * as assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadSources } from '../../src/core/checklist/sources';
import { baselineFile } from '../../src/core/profile/baseline';
import { findSavedProfile, modelBaselineDir } from '../../src/core/profile/savedProfile';
import { modelWorkspaceRoot } from '../../src/core/workspaceRoot';

const EXAMPLE_MODEL = path.resolve(__dirname, '..', '..', 'examples', 'models', 'classifier.onnx');

describe('saved profiles live in the model\'s workspace', () => {
  let tmp: string;
  let repo: string;
  let model: string;
  before(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'mlp-saved-'));
    repo = path.join(tmp, 'repo');
    model = path.join(repo, 'examples', 'models', 'classifier.onnx');
    await mkdir(path.join(repo, '.git'), { recursive: true });
    await mkdir(path.dirname(model), { recursive: true });
    await copyFile(EXAMPLE_MODEL, model);
  });
  after(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('the workspace is the nearest folder with .mlpreflight/ or .git, else the model\'s folder', async () => {
    assert.equal(modelWorkspaceRoot(model), repo);
    assert.equal(modelBaselineDir(model), path.join(repo, '.mlpreflight', 'profiles'));
    await mkdir(path.join(repo, 'examples', '.mlpreflight'));
    assert.equal(modelWorkspaceRoot(model), path.join(repo, 'examples'), '.mlpreflight/ nearer than .git wins');
    await rm(path.join(repo, 'examples', '.mlpreflight'), { recursive: true });
    const lone = path.join(tmp, 'lone', 'm.onnx');
    assert.equal(modelWorkspaceRoot(lone), path.dirname(lone));
  });

  it('`checklist examples` reads the repository\'s baseline of a model inside examples; Generate finds the latest', async () => {
    const dir = modelBaselineDir(model);
    await mkdir(dir, { recursive: true });
    const result = (p50: number, createdAt: string) => ({ version: 1, model: { path: model }, createdAt, ortVersion: '1.30.0', ep: 'cpu', runs: [{ batch: 1, p50, p99: p50 * 2 }], advice: { dynamicBatching: { maxBatchSize: 32, maxQueueDelayMicroseconds: 18000, reason: 'measured', preferredBatchSizes: [16, 32] } } });
    await writeFile(baselineFile(dir, model, 'cpu'), JSON.stringify(result(0.2, '2026-12-01T10:00:00Z')));
    await writeFile(baselineFile(dir, model, 'cuda'), JSON.stringify(result(0.1, '2026-12-01T11:00:00Z')));
    // Another model's baseline in the same folder is not this sub-folder's.
    await writeFile(path.join(dir, 'other-0000000000-cpu.json'), JSON.stringify({ ...result(9, '2026-12-01T12:00:00Z'), model: { path: path.join(repo, 'elsewhere.onnx') } }));
    const sources = await loadSources(path.join(repo, 'examples'));
    assert.equal(sources.profiles.length, 2);
    assert.ok(sources.profiles.every((p) => p.model === model));
    const saved = await findSavedProfile(model);
    assert.equal(saved?.p50Ms, 0.1, 'the most recent of the model\'s baselines');
    assert.equal(saved?.dynamicBatching?.maxBatchSize, 32);
    assert.equal(saved?.ortVersion, '1.30.0');
    assert.equal(await findSavedProfile(path.join(repo, 'elsewhere.onnx')), undefined, 'no baseline file named after that model');
  });
});
