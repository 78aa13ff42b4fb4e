/**
 * `emit <target>`: the files of each target for one model, relative to the output folder.
 *
 * | target | files (single target) | under `all` |
 * |---|---|---|
 * | docker | `Dockerfile`, `.dockerignore`, `app/main.py`, `app/requirements.txt`, `model/model.onnx` | `docker/…` |
 * | triton | `<name>/config.pbtxt`, `<name>/1/model.onnx` (the folder is a Triton model repository) | `triton/…` |
 * | kserve | `inferenceservice.yaml` | `kserve/…` |
 * | k8s | `kubernetes.yaml` (Deployment, Service, HPA, PDB) | `k8s/…` |
 * | prometheus | `alerts.yaml` | `monitoring/…` |
 * | k6 | `k6.js` | `loadtest/…` |
 */
import { inspectModel } from '../onnx/inspect';
import type { ModelInspection } from '../../shared/modelInspection';
import { dockerfile, dockerignore, requirementsTxt, servingApp } from './docker';
import { k6Script, kserveInferenceService, kubernetesManifests, prometheusRules } from './kube';
import { checkProfile, servingModel, type EmitOptions, type ServingModel } from './modelIo';
import type { EmittedFile } from './plan';
import { tritonConfig } from './triton';

export const EMIT_TARGETS = ['docker', 'triton', 'kserve', 'k8s', 'prometheus', 'k6'] as const;
export type EmitTarget = (typeof EMIT_TARGETS)[number];

const ALL_PREFIX: Record<EmitTarget, string> = { docker: 'docker', triton: 'triton', kserve: 'kserve', k8s: 'k8s', prometheus: 'monitoring', k6: 'loadtest' };

export function isEmitTarget(s: string): s is EmitTarget {
  return (EMIT_TARGETS as readonly string[]).includes(s);
}

/** The files of one target (paths relative to the target's folder). */
export async function targetFiles(target: EmitTarget, model: ServingModel, options: EmitOptions): Promise<EmittedFile[]> {
  switch (target) {
    case 'docker':
      return [
        { path: 'Dockerfile', content: dockerfile(model), description: 'multi-stage, pinned, non-root image with a HEALTHCHECK' },
        { path: '.dockerignore', content: dockerignore(model), description: 'build context allow-list' },
        { path: 'app/main.py', content: servingApp(model, options), description: 'FastAPI + ONNX Runtime server: /health, /ready, /metrics, v2 infer with input validation' },
        { path: 'app/requirements.txt', content: requirementsTxt(options), description: 'exact pins' },
        { path: 'model/model.onnx', copyFrom: model.path, description: 'the model' },
        // External data is copied beside the model: it is found relative to the model file (class 8 of issue 11).
        ...model.externalData.map((x) => ({ path: `model/${x.location}`, copyFrom: x.absPath, description: 'external data of the model' })),
      ];
    case 'triton':
      return [
        { path: `${model.name}/config.pbtxt`, content: tritonConfig(model, options), description: 'Triton model configuration' },
        { path: `${model.name}/1/model.onnx`, copyFrom: model.path, description: 'the model (version 1)' },
        ...model.externalData.map((x) => ({ path: `${model.name}/1/${x.location}`, copyFrom: x.absPath, description: 'external data of the model' })),
      ];
    case 'kserve':
      return [{ path: 'inferenceservice.yaml', content: kserveInferenceService(model, options), description: 'KServe InferenceService (v1beta1, onnx, protocol v2)' }];
    case 'k8s':
      return [{ path: 'kubernetes.yaml', content: await kubernetesManifests(model, options), description: 'Deployment, Service, HPA (autoscaling/v2), PodDisruptionBudget' }];
    case 'prometheus':
      return [{ path: 'alerts.yaml', content: prometheusRules(model, options), description: 'Prometheus alert rules: p99 latency, error rate, readiness' }];
    case 'k6':
      return [{ path: 'k6.js', content: k6Script(model, options), description: 'k6 load test of the v2 endpoint' }];
  }
}

/**
 * The files for `targets` (`all` = every target, each in its own sub-folder). `planFiles` adds the
 * generated-file marker and `writePlan` the manifest (src/core/generated.ts), once for all emitters.
 */
export async function emitFiles(inspection: ModelInspection, targets: readonly EmitTarget[] | 'all', options: EmitOptions = {}): Promise<EmittedFile[]> {
  if (options.profile) checkProfile(options.profile);
  const model = servingModel(inspection, options.name);
  if (targets === 'all') {
    const files: EmittedFile[] = [];
    for (const t of EMIT_TARGETS) files.push(...(await targetFiles(t, model, options)).map((f) => ({ ...f, path: `${ALL_PREFIX[t]}/${f.path}` })));
    return files;
  }
  const files: EmittedFile[] = [];
  for (const t of targets) files.push(...(await targetFiles(t, model, options)));
  return files;
}

/** Convenience: inspect `modelPath`, then {@link emitFiles}. @throws OnnxInspectError, EmitError */
export async function emitForModel(modelPath: string, targets: readonly EmitTarget[] | 'all', options: EmitOptions & { signal?: AbortSignal } = {}): Promise<EmittedFile[]> {
  const inspection = await inspectModel(modelPath, { signal: options.signal });
  return emitFiles(inspection, targets, options);
}
