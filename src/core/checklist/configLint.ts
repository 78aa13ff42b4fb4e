/**
 * Lints the serving configs already in the workspace, the same way the emitters' output is checked:
 * - Triton `config.pbtxt`: parsed against `model_config.proto`, then checked against the model it serves
 *   (`<dir>/<version>/model.onnx`, or a workspace model whose name matches) and Triton's batching rules.
 * - Kubernetes Deployment / Service / HorizontalPodAutoscaler / PodDisruptionBudget: `kubernetes-models` `.validate()`.
 * - KServe InferenceService: the fields a v1beta1 predictor needs (the full CRD schema is checked in tests).
 */
import * as path from 'node:path';
import type { Finding } from '../../shared/checklist';
import { servingModel, servingName, type ServingModel } from '../emit/modelIo';
import { lintTritonConfig } from '../emit/tritonLint';
import type { Facts, YamlObject } from './facts';

export interface ConfigLintResult {
  /** Files checked (workspace-relative). */
  checked: string[];
  findings: Finding[];
}

type Validatable = new (data: unknown) => { validate(): void };

async function kubeClass(apiVersion: string | undefined, kind: string | undefined): Promise<Validatable | undefined> {
  switch (`${apiVersion}/${kind}`) {
    case 'apps/v1/Deployment':
      return (await import('kubernetes-models/apps/v1')).Deployment as unknown as Validatable;
    case 'v1/Service':
      return (await import('kubernetes-models/v1')).Service as unknown as Validatable;
    case 'autoscaling/v2/HorizontalPodAutoscaler':
      return (await import('kubernetes-models/autoscaling/v2')).HorizontalPodAutoscaler as unknown as Validatable;
    case 'policy/v1/PodDisruptionBudget':
      return (await import('kubernetes-models/policy/v1')).PodDisruptionBudget as unknown as Validatable;
    default:
      return undefined;
  }
}

function modelForConfig(facts: Facts, configFile: string, declaredName: string | undefined): { model?: ServingModel; file?: string } {
  const dir = path.posix.dirname(configFile);
  const local = facts.models.find((m) => m.inspection && new RegExp(`^${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/\\d+/model\\.onnx$`).test(m.file));
  const byName = local ?? facts.models.find((m) => m.inspection && (servingName(path.posix.basename(m.file)) === servingName(declaredName ?? path.posix.basename(dir))));
  if (!byName?.inspection) return {};
  try {
    return { model: servingModel(byName.inspection), file: byName.file };
  } catch {
    return {};
  }
}

function kserveFindings(o: YamlObject): Finding[] {
  const out: Finding[] = [];
  const at = { file: o.file, line: o.line };
  const spec = o.doc.spec as Record<string, unknown> | undefined;
  const predictor = spec?.predictor as Record<string, unknown> | undefined;
  if (o.apiVersion !== 'serving.kserve.io/v1beta1') out.push({ ruleId: 'kserve/api-version', level: 'warning', message: `InferenceService apiVersion ${o.apiVersion}: v1beta1 is the served version`, ...at });
  if (!predictor) {
    out.push({ ruleId: 'kserve/schema', level: 'error', message: 'InferenceService has no spec.predictor', ...at });
    return out;
  }
  const model = predictor.model as Record<string, unknown> | undefined;
  const legacy = ['onnx', 'triton', 'sklearn', 'xgboost', 'tensorflow', 'pytorch', 'lightgbm', 'pmml', 'paddle'].filter((k) => k in predictor);
  if (legacy.length) out.push({ ruleId: 'kserve/deprecated-predictor', level: 'warning', message: `spec.predictor.${legacy[0]} is the deprecated form: use spec.predictor.model with modelFormat.name`, ...at });
  if (model) {
    const fmt = (model.modelFormat as Record<string, unknown> | undefined)?.name;
    if (typeof fmt !== 'string') out.push({ ruleId: 'kserve/schema', level: 'error', message: 'spec.predictor.model.modelFormat.name is required', ...at });
    if (!model.storageUri && !model.storage) out.push({ ruleId: 'kserve/no-storage', level: 'error', message: 'spec.predictor.model has no storageUri: KServe has no model to load', ...at });
    if (!model.resources) out.push({ ruleId: 'kserve/no-resources', level: 'warning', message: 'spec.predictor.model has no resources: set requests/limits from the profile', ...at });
  }
  const canary = predictor.canaryTrafficPercent;
  if (canary !== undefined && (typeof canary !== 'number' || canary < 0 || canary > 100)) out.push({ ruleId: 'kserve/schema', level: 'error', message: `canaryTrafficPercent ${String(canary)} must be an integer 0…100`, ...at });
  return out;
}

export async function lintWorkspaceConfigs(facts: Facts): Promise<ConfigLintResult> {
  const checked = new Set<string>();
  const findings: Finding[] = [];
  for (const file of facts.ws.find(/(^|\/)config\.pbtxt$/)) {
    const text = await facts.ws.read(file);
    if (text === undefined) continue;
    checked.add(file);
    const declared = /^\s*name\s*:\s*["']([^"']+)["']/m.exec(text)?.[1];
    const { model, file: modelFile } = modelForConfig(facts, file, declared);
    const { findings: f } = lintTritonConfig(text, file, model, modelFile);
    findings.push(...f);
    if (!model) findings.push({ ruleId: 'triton/model-not-found', level: 'info', message: `No ONNX model found for ${file} (expected ${path.posix.dirname(file)}/1/model.onnx): only the schema was checked`, file, line: 1 });
  }
  for (const o of facts.yaml) {
    if (o.kind === 'InferenceService') {
      checked.add(o.file);
      findings.push(...kserveFindings(o));
      continue;
    }
    const cls = await kubeClass(o.apiVersion, o.kind);
    if (!cls) continue;
    checked.add(o.file);
    try {
      new cls(o.doc).validate();
    } catch (ex) {
      findings.push({ ruleId: 'k8s/schema', level: 'error', message: `${o.kind} ${String((o.doc.metadata as { name?: unknown } | undefined)?.name ?? '')}: ${ex instanceof Error ? ex.message : String(ex)}`.slice(0, 400), file: o.file, line: o.line });
    }
  }
  return { checked: [...checked], findings };
}
