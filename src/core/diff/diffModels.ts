/**
 * `diffModels(old, new)`: what changed between two ONNX models and whether it breaks the service. Reads both
 * models without loading their weights (the inspection), compares the serving contract and the model-level
 * facts, and (optionally) streams the initializers from disk to say which tensors changed and by how much.
 */
import type { ModelDiff, PerformanceDelta } from '../../shared/modelDiff';
import { inspectModelWithGraph } from '../onnx/inspect';
import { diffContract, type ContractOptions } from './contract';
import { compareInitializers } from './initializers';
import { declaredVersion, diffModelChanges } from './modelChanges';

export interface DiffOptions extends ContractOptions {
  signal?: AbortSignal;
  /** Stream and compare the initializers too (reads both models' weights once). Default false. */
  initializers?: boolean;
  /** Labels shown for the two sides (default: the paths). */
  labels?: { old?: string; new?: string };
  /** Values of named dynamic dims for both FLOP estimates (`--dim`). */
  dims?: Readonly<Record<string, number>>;
  /** Latency/memory delta from saved profiles, computed by the caller (`performanceDelta`). */
  performance?: PerformanceDelta;
}

/**
 * Compares two model files.
 *
 * @throws OnnxInspectError when a model cannot be read (it names the file), DiffError from the initializer
 *   comparison (`io`, `aborted`).
 */
export async function diffModels(oldPath: string, newPath: string, options: DiffOptions = {}): Promise<ModelDiff> {
  const [a, b] = await Promise.all([inspectModelWithGraph(oldPath, { signal: options.signal, dims: options.dims }), inspectModelWithGraph(newPath, { signal: options.signal, dims: options.dims })]);
  const { changes, io } = diffContract(a.inspection, b.inspection, options);
  const counts = { breaking: 0, compatible: 0, informational: 0 };
  for (const c of changes) counts[c.severity]++;
  const model = diffModelChanges(a.inspection, b.inspection);
  const diff: ModelDiff = {
    version: 1,
    old: { label: options.labels?.old ?? oldPath, path: oldPath, bytes: a.inspection.file.bytes, version: declaredVersion(a.inspection) },
    new: { label: options.labels?.new ?? newPath, path: newPath, bytes: b.inspection.file.bytes, version: declaredVersion(b.inspection) },
    verdict: counts.breaking ? 'breaking' : counts.compatible ? 'compatible' : counts.informational ? 'informational' : 'identical',
    counts,
    changes,
    io,
    model,
    runtime: { ep: options.ep ?? 'cpu', ortVersion: options.ortVersion ?? null },
  };
  if (options.initializers) {
    diff.initializers = await compareInitializers({ path: oldPath, raw: a.raw }, { path: newPath, raw: b.raw }, { signal: options.signal });
  }
  if (options.performance) diff.performance = options.performance;
  if (diff.verdict === 'identical' && (hasModelChanges(diff) || (diff.initializers && diff.initializers.changed + diff.initializers.added + diff.initializers.removed + diff.initializers.reshaped + diff.initializers.retyped > 0))) {
    diff.verdict = 'informational';
  }
  return diff;
}

function hasModelChanges(d: ModelDiff): boolean {
  const m = d.model;
  return (
    m.parameters.delta !== 0 ||
    m.fileBytes.delta !== 0 ||
    m.weightBytes.delta !== 0 ||
    m.nodeCount.delta !== 0 ||
    m.opHistogram.length > 0 ||
    m.metadata.length > 0 ||
    m.quantization.changed ||
    m.producer.changed ||
    m.modelVersion.changed
  );
}
