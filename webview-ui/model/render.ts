/**
 * Renders a `ModelInspection` into the inspector page. Pure DOM construction: `render(root, inspection)` replaces
 * `root`'s children and sets `root.dataset.state`; it never posts messages or reads globals, so the tests can call
 * it on any element. Every model-derived string goes through text nodes (see `dom.ts`).
 *
 * DOM contract (used by the webview and e2e tests): `#app[data-state]`, `#model-title`, `#summary`,
 * `#io-inputs`/`#io-outputs` (`tr` > `td.name`, `td.dtype`, `td.shape`), `#op-histogram .bar` (`.bar-label`,
 * `.bar-value`), `#weights`, `#quantization`, `#batch`, `#external-data`, `#metadata`, `#warnings li`, `#error`.
 */
import { inspectErrorTitle, type ModelInspection, type TensorInfo } from '../../src/shared/modelInspection';
import type { ModelErrorMessage } from '../../src/shared/protocol';
import { h, type Child } from '../shared/dom';
import { baseName, formatBytes, formatCount, formatFlops, formatInteger, formatShape, histogramRows } from '../../src/shared/format';
import { absentExternalBytes, assumptionText, fileSizeText, metadataValueText } from './format';

/** How many op types get a bar before the rest is summarized as "+N more". */
export const HISTOGRAM_LIMIT = 30;

/** Optional behaviour wired by `main.ts`. */
export interface RenderOptions {
  /** Adds a "Reveal in Explorer" button that calls this. */
  onReveal?: () => void;
}

type Doc = Document;

function setState(root: HTMLElement, state: 'loading' | 'ready' | 'error'): void {
  root.dataset.state = state;
  if (state === 'loading') root.setAttribute('aria-busy', 'true');
  else root.removeAttribute('aria-busy');
}

function none(doc: Doc): HTMLElement {
  return h(doc, 'p', { class: 'none' }, 'none');
}

function section(doc: Doc, heading: string, content: HTMLElement, extra?: Child): HTMLElement {
  return h(doc, 'section', { class: 'card' }, h(doc, 'h2', {}, heading, extra), content);
}

/** A `<table>` with a header row; `rows` empty gives one `none` row spanning all columns. */
function table(doc: Doc, attrs: Record<string, string>, headers: string[], rows: HTMLTableRowElement[]): HTMLTableElement {
  const body = h(doc, 'tbody', {});
  if (rows.length === 0) body.append(h(doc, 'tr', { class: 'empty' }, h(doc, 'td', { class: 'none', colspan: headers.length }, 'none')));
  else body.append(...rows);
  return h(doc, 'table', attrs, h(doc, 'thead', {}, h(doc, 'tr', {}, ...headers.map((t) => h(doc, 'th', { scope: 'col' }, t)))), body);
}

function tensorRows(doc: Doc, tensors: readonly TensorInfo[]): HTMLTableRowElement[] {
  return tensors.map((t) =>
    h(doc, 'tr', { title: t.docString || undefined },
      h(doc, 'td', { class: 'name' }, t.name),
      h(doc, 'td', { class: 'dtype' }, t.dtype),
      h(doc, 'td', { class: 'shape' }, formatShape(t.shape)),
    ),
  );
}

function opsetText(opsets: Readonly<Record<string, number>>): string {
  const entries = Object.entries(opsets);
  return entries.length ? entries.map(([domain, version]) => `${domain} ${version}`).join(', ') : 'none';
}

function paramsText(count: number): string {
  return count < 1000 ? String(count) : `${formatCount(count)} (${formatInteger(count)})`;
}

function summary(doc: Doc, m: ModelInspection): HTMLElement {
  const est = m.flopsEstimate;
  const assumption = assumptionText(est.assumption);
  const absent = absentExternalBytes(m);
  const flopsDetail = m.flops === null
    ? 'no Conv/Gemm/MatMul shape resolved'
    : `${est.nodesCounted} of ${est.nodesTotal} Conv/Gemm/MatMul nodes${assumption ? `; ${assumption}` : ''}`;
  const facts: [key: string, label: string, value: string, detail?: string][] = [
    ['file-size', 'File size', fileSizeText(m), `${formatInteger(m.file.bytes)} bytes in the .onnx file`],
    ['ir-version', 'IR version', m.irVersion === null ? 'not set' : String(m.irVersion)],
    ['opsets', 'Opsets', opsetText(m.opsets)],
    ['producer', 'Producer', [m.producer.name, m.producer.version].filter(Boolean).join(' ') || 'not set'],
    ['domain', 'Domain', m.domain || 'not set'],
    ['model-version', 'Model version', m.modelVersion === null ? 'not set' : String(m.modelVersion)],
    ['graph-name', 'Graph', m.graphName || 'not set'],
    ['parameters', 'Parameters', paramsText(m.parameterCount)],
    ['weight-bytes', 'Weights', absent ? `${formatBytes(m.weightBytes - absent)} present` : formatBytes(m.weightBytes),
      absent
        ? `${formatBytes(absent)} more in missing or refused external data, not counted (declared: ${formatBytes(m.weightBytes)} in ${m.initializerCount} initializer${m.initializerCount === 1 ? '' : 's'})`
        : `${formatInteger(m.weightBytes)} bytes in ${m.initializerCount} initializer${m.initializerCount === 1 ? '' : 's'}`],
    ['flops', 'FLOPs', formatFlops(m.flops), flopsDetail],
    ['nodes', 'Nodes', formatInteger(m.nodeCount)],
    ['subgraphs', 'Subgraphs', formatInteger(m.subgraphCount)],
    ['functions', 'Functions', formatInteger(m.functionCount)],
  ];
  const dl = h(doc, 'dl', { id: 'summary', class: 'facts' });
  for (const [key, label, value, detail] of facts) {
    dl.append(
      h(doc, 'dt', {}, label),
      h(doc, 'dd', { 'data-fact': key }, value, detail ? h(doc, 'span', { class: 'detail' }, detail) : null),
    );
  }
  return dl;
}

function warnings(doc: Doc, list: readonly string[]): HTMLElement {
  const box = h(doc, 'div', { id: 'warnings' });
  box.append(list.length ? h(doc, 'ul', {}, ...list.map((w) => h(doc, 'li', {}, w))) : none(doc));
  return box;
}

function histogram(doc: Doc, ops: Readonly<Record<string, number>>): HTMLElement {
  const box = h(doc, 'div', { id: 'op-histogram', role: 'list' });
  const { rows, more } = histogramRows(ops, HISTOGRAM_LIMIT);
  if (rows.length === 0) {
    box.append(none(doc));
    return box;
  }
  const max = rows[0].count;
  for (const { op, count } of rows) {
    const fill = h(doc, 'span', { class: 'bar-fill' });
    // CSSOM, not a style attribute: allowed under a CSP without 'unsafe-inline'.
    fill.style.width = `${Math.max(1, (count / max) * 100).toFixed(1)}%`;
    box.append(
      h(doc, 'div', { class: 'bar', role: 'listitem', title: `${op}: ${count}` },
        h(doc, 'span', { class: 'bar-label' }, op),
        h(doc, 'span', { class: 'bar-track' }, fill),
        h(doc, 'span', { class: 'bar-value' }, formatInteger(count)),
      ),
    );
  }
  if (more > 0) {
    const rest = histogramRows(ops, Infinity).rows.slice(HISTOGRAM_LIMIT);
    const title = rest.slice(0, 60).map((r) => `${r.op}: ${r.count}`).join('\n') + (rest.length > 60 ? '\n…' : '');
    box.append(h(doc, 'div', { class: 'more', title }, `+${more} more`));
  }
  return box;
}

function weights(doc: Doc, m: ModelInspection): HTMLElement {
  const rows = Object.entries(m.weightsByDtype)
    .sort((a, b) => b[1].bytes - a[1].bytes)
    .map(([dtype, w]) =>
      h(doc, 'tr', {},
        h(doc, 'td', { class: 'dtype' }, dtype),
        h(doc, 'td', { class: 'num' }, formatInteger(w.count)),
        h(doc, 'td', { class: 'num', title: formatInteger(w.parameters) }, formatCount(w.parameters)),
        h(doc, 'td', { class: 'num', title: `${formatInteger(w.bytes)} bytes` }, formatBytes(w.bytes)),
      ),
    );
  return h(doc, 'div', { id: 'weights' }, table(doc, { class: 'grid' }, ['dtype', 'tensors', 'parameters', 'bytes'], rows));
}

function quantization(doc: Doc, m: ModelInspection): HTMLElement {
  const q = m.quantization;
  const ops = Object.entries(q.ops).sort((a, b) => b[1] - a[1]);
  return h(doc, 'div', { id: 'quantization' },
    h(doc, 'p', {}, 'Kind: ', h(doc, 'span', { class: `pill kind-${q.kind}`, 'data-kind': q.kind }, q.kind)),
    h(doc, 'p', {}, 'Signals: ', q.signals.length ? q.signals.join(', ') : 'none'),
    ops.length
      ? table(doc, { class: 'grid' }, ['op', 'count'], ops.map(([op, n]) => h(doc, 'tr', {}, h(doc, 'td', {}, op), h(doc, 'td', { class: 'num' }, formatInteger(n)))))
      : null,
  );
}

function batch(doc: Doc, m: ModelInspection): HTMLElement {
  const b = m.batch;
  return h(doc, 'div', { id: 'batch' },
    h(doc, 'p', {}, 'Dynamic batching (Triton): ',
      h(doc, 'span', { class: `pill ${b.supportsTritonBatching ? 'ok' : 'warn'}` }, b.supportsTritonBatching ? 'supported' : 'not supported')),
    h(doc, 'p', {}, 'Leading dim: ', b.leadingDim === null ? 'none' : String(b.leadingDim)),
    h(doc, 'p', { class: 'detail' }, b.reason),
  );
}

function externalData(doc: Doc, m: ModelInspection): HTMLElement {
  const box = h(doc, 'div', { id: 'external-data' });
  if (m.externalData.length === 0) {
    box.append(none(doc));
    return box;
  }
  const rows = m.externalData.map((f) => {
    const status = f.refused ? `refused: ${f.refused}` : f.exists ? 'present' : 'missing';
    return h(doc, 'tr', { class: f.refused || !f.exists ? 'bad' : undefined },
      h(doc, 'td', { class: 'location' }, f.location),
      h(doc, 'td', { class: 'num' }, formatInteger(f.tensors)),
      h(doc, 'td', { class: 'num', title: `${formatInteger(f.bytes)} bytes` }, formatBytes(f.bytes)),
      h(doc, 'td', { class: 'status' }, status),
    );
  });
  box.append(table(doc, { class: 'grid' }, ['location', 'tensors', 'bytes', 'status'], rows));
  return box;
}

function metadata(doc: Doc, m: ModelInspection): HTMLElement {
  const rows = Object.entries(m.metadata).map(([key, value]) => {
    const shown = metadataValueText(value);
    // Break opportunities after _ . - / only, so `preprocessing_mean` wraps as `preprocessing_` / `mean`.
    const keyParts = key.split(/(?<=[_./-])/).flatMap((part, i) => (i ? [h(doc, 'wbr', {}), part] : [part]));
    return h(doc, 'tr', {}, h(doc, 'td', { class: 'key', title: key }, ...keyParts), h(doc, 'td', { class: shown.json ? 'value json' : 'value' }, shown.json ? h(doc, 'pre', {}, shown.text) : shown.text));
  });
  return h(doc, 'div', { id: 'metadata' }, rows.length ? table(doc, { class: 'grid' }, ['key', 'value'], rows) : none(doc));
}

/** Renders `inspection` into `root` (replacing its children) and sets `data-state="ready"`. */
export function render(root: HTMLElement, inspection: ModelInspection, options: RenderOptions = {}): void {
  const doc = root.ownerDocument;
  const m = inspection;
  const header = h(doc, 'header', { class: 'model-header' },
    h(doc, 'h1', { id: 'model-title' }, baseName(m.file.path)),
    h(doc, 'p', { class: 'model-path' }, m.file.path),
    m.docString ? h(doc, 'p', { class: 'model-doc' }, m.docString) : null,
  );
  if (options.onReveal) {
    const reveal = h(doc, 'button', { id: 'reveal', type: 'button', class: 'link' }, 'Reveal in Explorer');
    reveal.addEventListener('click', options.onReveal);
    header.append(reveal);
  }
  const opTypes = Object.keys(m.opHistogram).length;
  // A refused external-data path is an error, not one warning among others: a banner above everything.
  const refused = m.externalData.filter((d) => d.refused);
  const banner = refused.length
    ? h(doc, 'div', { id: 'refused-banner', class: 'banner error', role: 'alert' },
      h(doc, 'p', { class: 'error-title' }, `External data refused: this model cannot be loaded as it is`),
      ...refused.map((d) => h(doc, 'p', {}, `"${d.location}": ${d.refused} (${formatBytes(d.bytes)} of weights, not opened, not counted).`)),
      h(doc, 'p', { class: 'detail' }, 'Keep the data file inside the model\'s folder and save the model with a relative location (onnx.save_model(..., save_as_external_data=True, location="weights.bin")).'))
    : null;
  root.replaceChildren(
    header,
    ...(banner ? [banner] : []),
    h(doc, 'main', { class: 'cards' },
      section(doc, 'Summary', summary(doc, m)),
      section(doc, `Warnings (${m.warnings.length})`, warnings(doc, m.warnings)),
      h(doc, 'section', { class: 'card io-pair' },
        h(doc, 'div', {}, h(doc, 'h2', {}, `Inputs (${m.inputs.length})`), table(doc, { id: 'io-inputs', class: 'grid io' }, ['name', 'dtype', 'shape'], tensorRows(doc, m.inputs))),
        h(doc, 'div', {}, h(doc, 'h2', {}, `Outputs (${m.outputs.length})`), table(doc, { id: 'io-outputs', class: 'grid io' }, ['name', 'dtype', 'shape'], tensorRows(doc, m.outputs)))),
      section(doc, `Operators (${opTypes} types, ${formatInteger(m.nodeCount)} nodes)`, histogram(doc, m.opHistogram)),
      section(doc, 'Weights by dtype', weights(doc, m)),
      section(doc, 'Quantization', quantization(doc, m)),
      section(doc, 'Batching', batch(doc, m)),
      section(doc, 'External data', externalData(doc, m)),
      section(doc, 'Metadata', metadata(doc, m)),
    ),
  );
  setState(root, 'ready');
}

/** Shows that `file` is being inspected (`data-state="loading"`). */
export function renderLoading(root: HTMLElement, file: string): void {
  const doc = root.ownerDocument;
  root.replaceChildren(
    h(doc, 'header', { class: 'model-header' }, h(doc, 'h1', { id: 'model-title' }, baseName(file))),
    h(doc, 'p', { class: 'status' }, `Inspecting ${baseName(file)}…`),
  );
  setState(root, 'loading');
}

/** Shows why the model could not be inspected (`data-state="error"`, `#error`). */
export function renderError(root: HTMLElement, error: Omit<ModelErrorMessage, 'type'>): void {
  const doc = root.ownerDocument;
  root.replaceChildren(
    h(doc, 'header', { class: 'model-header' },
      h(doc, 'h1', { id: 'model-title' }, baseName(error.file)),
      h(doc, 'p', { class: 'model-path' }, error.file),
    ),
    h(doc, 'div', { id: 'error', role: 'alert' },
      h(doc, 'p', { class: 'error-title' }, 'This model cannot be inspected: ', h(doc, 'span', { class: 'error-reason', 'data-reason': error.reason }, inspectErrorTitle(error.reason))),
      h(doc, 'p', { class: 'error-message' }, error.message),
    ),
  );
  setState(root, 'error');
}
