/** The `ml-preflight inspect` report as terminal text. Pure: inspection in, string out. */
import { formatBytes, formatCount, formatFlops, formatShape, histogramRows } from '../../shared/format';
import { summarizeAssumption } from '../../shared/dimAssumptions';
import type { ModelInspection, TensorInfo } from '../../shared/modelInspection';
import { renderTable, sanitizeForTerminal as t } from './table';

const TOP_OPS = 15;

function ioRows(kind: string, list: readonly TensorInfo[]): string[][] {
  return list.map((io) => [kind, t(io.name, 60), t(io.dtype), t(formatShape(io.shape), 80)]);
}

export function formatInspection(m: ModelInspection, displayPath: string): string {
  const out: string[] = [];
  const producer = [m.producer.name, m.producer.version].filter(Boolean).join(' ') || 'unknown';
  const opsets = Object.entries(m.opsets).map(([d, v]) => `${d} ${v}`).join(', ') || 'none';
  out.push(`${t(displayPath, 400)}  (${formatBytes(m.file.bytes)})`);
  const facts: Array<[string, string]> = [
    ['IR version', m.irVersion === null ? 'unknown' : String(m.irVersion)],
    ['Opsets', t(opsets)],
    ['Producer', t(producer)],
    ['Graph', t(m.graphName || '(unnamed)')],
    ['Nodes', `${m.nodeCount}${m.subgraphCount ? ` (incl. ${m.subgraphCount} subgraph${m.subgraphCount === 1 ? '' : 's'})` : ''}${m.functionCount ? `, ${m.functionCount} local function${m.functionCount === 1 ? '' : 's'}` : ''}`],
    ['Parameters', `${formatCount(m.parameterCount)} in ${m.initializerCount} initializer${m.initializerCount === 1 ? '' : 's'}`],
    ['Weights', `${formatBytes(m.weightBytes)}${Object.keys(m.weightsByDtype).length ? ` (${Object.entries(m.weightsByDtype).map(([d, w]) => `${d} ${formatBytes(w.bytes)}`).join(', ')})` : ''}`],
    ['Quantization', m.quantization.kind + (m.quantization.kind === 'mixed' ? ` (${m.quantization.signals.join(' + ')})` : '') + (m.quantization.detail ? `: ${m.quantization.detail}` : '')],
    ['FLOPs', m.flops === null ? 'unknown (no Conv/Gemm/MatMul shape resolved)' : `${formatFlops(m.flops)} per inference${m.flopsEstimate.sequence ? ` at sequence length ${m.flopsEstimate.sequence.length} (${t(m.flopsEstimate.sequence.source, 60)}; --dim ${t(m.flopsEstimate.sequence.dims[0]!, 40)}=N to change)` : ''}${Object.keys(m.flopsEstimate.assumption).length ? ` assuming ${t(summarizeAssumption(m.flopsEstimate.assumption), 300)}` : ''} (${m.flopsEstimate.nodesCounted}/${m.flopsEstimate.nodesTotal} nodes)`],
    ['Batching', `${m.batch.supportsTritonBatching ? 'yes' : 'no'}: ${t(m.batch.reason, 300)}`],
  ];
  if (m.modelVersion !== null) facts.splice(3, 0, ['Model version', String(m.modelVersion)]);
  if (m.docString) facts.push(['Doc', t(m.docString, 160)]);
  const keyWidth = Math.max(...facts.map(([k]) => k.length));
  for (const [k, v] of facts) out.push(`  ${k.padEnd(keyWidth)}  ${v}`);

  out.push('', 'Inputs and outputs');
  const io = [...ioRows('input', m.inputs), ...ioRows('output', m.outputs)];
  out.push(io.length ? renderTable([{ header: '' }, { header: 'name' }, { header: 'dtype' }, { header: 'shape' }], io) : '  none');

  const { rows: ops, more } = histogramRows(m.opHistogram, TOP_OPS);
  const types = ops.length + more;
  out.push('', `Operators (${types} type${types === 1 ? '' : 's'})`);
  if (ops.length) {
    const shown = ops.map(({ op, count }) => [t(op, 60), String(count), `${((100 * count) / m.nodeCount).toFixed(1)}%`]);
    out.push(renderTable([{ header: 'op' }, { header: 'count', align: 'right' }, { header: 'share', align: 'right' }], shown));
    if (more) out.push(`  … ${more} more (use --json for all)`);
  } else {
    out.push('  none');
  }

  if (m.externalData.length) {
    out.push('', 'External data');
    out.push(renderTable(
      [{ header: 'location' }, { header: 'bytes', align: 'right' }, { header: 'tensors', align: 'right' }, { header: 'status' }],
      m.externalData.map((e) => [t(e.location, 80), formatBytes(e.bytes), String(e.tensors), e.refused ? `REFUSED: ${t(e.refused)}` : e.exists ? 'present' : 'MISSING']),
    ));
  }

  const meta = Object.entries(m.metadata);
  if (meta.length) {
    out.push('', 'Metadata');
    out.push(renderTable([{ header: 'key' }, { header: 'value' }], meta.map(([k, v]) => [t(k, 60), t(v, 100)])));
  }

  out.push('', m.warnings.length ? `Warnings (${m.warnings.length})` : 'Warnings: none');
  for (const w of m.warnings) out.push(`  ! ${t(w, 400)}`);
  return out.join('\n') + '\n';
}
