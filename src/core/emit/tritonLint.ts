/**
 * Lints a Triton `config.pbtxt` against `model_config.proto` (syntax, unknown fields, enum values) and, when
 * the model is known, against the model's IO and Triton's batching rules. Used for the emitter's tests and
 * for existing configs in the workspace.
 */
import type { Finding } from '../../shared/checklist';
import { findLine } from '../checklist/workspace';
import { dtypeOfTriton, type ServingModel, type ServingTensor } from './modelIo';
import { parseTritonConfig, PbtxtError } from './pbtxt';
import { tritonFacts, type TritonConfigFacts } from './triton';

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * @param text    the config.pbtxt text
 * @param file    its workspace-relative path (for findings)
 * @param model   the model it serves, when found (`<dir>/1/model.onnx` or a workspace model of the same name)
 * @param modelFile the model's workspace-relative path, for messages
 */
export function lintTritonConfig(text: string, file: string, model?: ServingModel, modelFile?: string): { findings: Finding[]; facts?: TritonConfigFacts } {
  let facts: TritonConfigFacts;
  try {
    facts = tritonFacts(parseTritonConfig(text));
  } catch (ex) {
    if (!(ex instanceof PbtxtError)) throw ex;
    return { findings: [{ ruleId: 'triton/schema', level: 'error', message: `Not a valid Triton model configuration (model_config.proto): ${ex.detail}`, file, line: ex.line, column: ex.column }] };
  }
  const findings: Finding[] = [];
  const at = (re: RegExp): number | undefined => findLine(text, re)?.line;
  const lineOfTensor = (name: string): number | undefined => at(new RegExp(`name\\s*:\\s*["']${escapeRe(name)}["']`));
  if (facts.dynamicBatching && facts.maxBatchSize <= 0) {
    findings.push({ ruleId: 'triton/dynamic-batching-without-batch', level: 'error', message: 'dynamic_batching needs max_batch_size > 0 (Triton refuses to load this config)', file, line: at(/dynamic_batching/) });
  }
  if (!model) return { findings, facts };
  const batched = facts.maxBatchSize > 0;
  const from = modelFile ?? model.path;
  if (batched && !model.batching) {
    findings.push({ ruleId: 'triton/batch-unsupported', level: 'error', message: `max_batch_size ${facts.maxBatchSize} > 0, but ${from} has no shared dynamic leading (batch) dim: use max_batch_size: 0 with full dims`, file, line: at(/max_batch_size/) });
  }
  const compare = (kind: 'input' | 'output', configured: TritonConfigFacts['inputs'], actual: ServingTensor[]): void => {
    const byName = new Map(actual.map((t) => [t.name, t]));
    for (const c of configured) {
      const t = byName.get(c.name);
      const line = lineOfTensor(c.name);
      if (!t) {
        findings.push({ ruleId: `triton/unknown-${kind}`, level: 'error', message: `${kind} '${c.name}' is not an ${kind} of ${from} (it has ${actual.map((a) => a.name).join(', ') || 'none'})`, file, line });
        continue;
      }
      if (c.dataType !== t.triton) {
        findings.push({ ruleId: 'triton/dtype-mismatch', level: 'error', message: `${kind} '${c.name}': data_type ${c.dataType} (${dtypeOfTriton(c.dataType) ?? '?'}) but the model says ${t.dtype} (${t.triton})`, file, line });
      }
      const expected = batched && model.batching ? t.shape.slice(1) : t.shape;
      const reshapedScalar = (c as { reshaped?: boolean }).reshaped && expected.length === 0 && c.dims.length === 1 && c.dims[0] === 1;
      if (reshapedScalar) continue;
      if (c.dims.length !== expected.length) {
        findings.push({ ruleId: 'triton/dims-mismatch', level: 'error', message: `${kind} '${c.name}': dims [${c.dims.join(', ')}] have rank ${c.dims.length}, expected [${expected.join(', ')}]${batched ? ' (batch dim left out because max_batch_size > 0)' : ' (full shape because max_batch_size is 0)'}`, file, line });
        continue;
      }
      expected.forEach((e, i) => {
        const d = c.dims[i]!;
        if (e >= 0 && d >= 0 && d !== e) {
          findings.push({ ruleId: 'triton/dims-mismatch', level: 'error', message: `${kind} '${c.name}': dim ${i} is ${d} in the config but ${e} in the model`, file, line });
        } else if (e >= 0 && d < 0) {
          findings.push({ ruleId: 'triton/dims-mismatch', level: 'warning', message: `${kind} '${c.name}': dim ${i} is -1 in the config but fixed at ${e} in the model`, file, line });
        }
      });
    }
    const configuredNames = new Set(configured.map((c) => c.name));
    for (const t of actual) {
      if (kind === 'input' && !configuredNames.has(t.name)) {
        findings.push({ ruleId: 'triton/missing-input', level: 'error', message: `model input '${t.name}' (${t.dtype} [${t.shape.join(', ')}]) is missing from the config`, file, line: at(/^\s*input\b/m) ?? 1 });
      }
    }
  };
  compare('input', facts.inputs, model.inputs);
  compare('output', facts.outputs, model.outputs);
  return { findings, facts };
}
