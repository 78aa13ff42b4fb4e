import type { BatchAnalysis, Dim, TensorInfo } from '../../shared/modelInspection';

/**
 * Whether every graph input and output shares a leading dynamic axis: what Triton's dynamic batching
 * (`max_batch_size > 0`) needs, since Triton adds the batch dim itself and requires it first on every tensor.
 * A leading dim counts as dynamic when it is symbolic or unknown (`'?'`); named ones must share one name.
 */
export function analyzeBatch(inputs: readonly TensorInfo[], outputs: readonly TensorInfo[]): BatchAnalysis {
  const no = (reason: string, leadingDim: Dim | null = null): BatchAnalysis => ({
    sharedLeadingDynamic: false,
    leadingDim,
    supportsTritonBatching: false,
    reason,
  });
  const all = [...inputs.map((t) => ({ t, role: 'input' })), ...outputs.map((t) => ({ t, role: 'output' }))];
  if (inputs.length === 0) return no('the graph declares no inputs');
  let named: string | null = null;
  for (const { t, role } of all) {
    if (t.shape === null) return no(`${role} '${t.name}' has no shape information, so its batch axis is unknown`);
    if (t.shape.length === 0) return no(`${role} '${t.name}' is a scalar (rank 0) and has no batch axis`);
    const d = t.shape[0]!;
    if (typeof d === 'number') {
      return no(`${role} '${t.name}' has a fixed leading dim ${d}; Triton dynamic batching needs a dynamic leading dim on every input and output (use max_batch_size: 0 or re-export with a dynamic batch axis)`, d);
    }
    if (d !== '?') {
      if (named !== null && named !== d) {
        return no(`leading dims differ: '${named}' and '${d}' (${role} '${t.name}'); they are not one batch axis`);
      }
      named = d;
    }
  }
  const leadingDim: Dim = named ?? '?';
  return {
    sharedLeadingDynamic: true,
    leadingDim,
    supportsTritonBatching: true,
    reason:
      named !== null
        ? `every input and output has the dynamic leading dim '${named}'${all.some(({ t }) => t.shape?.[0] === '?') ? ' (or an unnamed dynamic one)' : ''}, so Triton can batch requests (max_batch_size > 0)`
        : 'every input and output has an unnamed dynamic leading dim; Triton can batch requests if it is the batch axis',
  };
}
