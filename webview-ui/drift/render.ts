/**
 * Renders a drift report with DOM APIs only (text nodes and `setAttribute`; nothing parses HTML), so column
 * names and categories from the data stay text. Charts are SVG built from the shared geometry
 * (`src/shared/driftChart.ts`), the same as the HTML report's.
 */
import { DRIFT_METHOD_LABELS, driftLevel, driftVerdict, type ColumnDrift, type DriftReport } from '../../src/shared/drift';
import { ecdfShapes, formatShare, formatStat, histogramShapes, pEquals, type ChartShapes } from '../../src/shared/driftChart';
import { cellText, sortColumns, TABLE_COLUMNS, type SortKey } from '../../src/shared/driftTable';
import { append, h, svg as svgEl } from '../shared/dom';
import type { DriftViewState } from './host';


export interface DriftActions {
  openFile(side: 'reference' | 'current'): void;
  rerun(): void;
  exportHtml(): void;
  /** UI state changed (persisted by the caller). */
  stateChanged(state: DriftViewState): void;
}

/** SVG element for chart shapes; labels and tooltips are text nodes. */
export function svgChart(doc: Document, s: ChartShapes, label: string): SVGElement {
  const svg = svgEl(doc, 'svg', { viewBox: `0 0 ${s.width} ${s.height}`, width: s.width, height: s.height, role: 'img', class: 'chart' });
  svg.setAttribute('aria-label', label);
  for (const [x1, y1, x2, y2] of s.axes) svg.appendChild(svgEl(doc, 'line', { x1, y1, x2, y2, class: 'axis' }));
  for (const r of s.rects) {
    const rect = svgEl(doc, 'rect', { x: r.x.toFixed(2), y: r.y.toFixed(2), width: r.w.toFixed(2), height: Math.max(0, r.h).toFixed(2), class: r.cls });
    const title = svgEl(doc, 'title', {});
    title.textContent = r.title;
    rect.appendChild(title);
    svg.appendChild(rect);
  }
  for (const l of s.lines) svg.appendChild(svgEl(doc, 'polyline', { points: l.points.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' '), class: `line ${l.cls}` }));
  for (const t of s.texts) {
    const text = svgEl(doc, 'text', { x: t.x.toFixed(1), y: t.y.toFixed(1), 'text-anchor': t.anchor });
    text.textContent = t.text;
    svg.appendChild(text);
  }
  return svg;
}

function header(doc: Document, report: DriftReport, actions: DriftActions): HTMLElement {
  const side = (which: 'reference' | 'current'): HTMLElement => {
    const info = report[which];
    return h(doc, 'div', { class: 'dataset' },
      h(doc, 'span', { class: 'label' }, which === 'reference' ? 'Reference' : 'Current'),
      h(doc, 'button', { class: 'link', type: 'button', 'data-action': `open-${which}`, title: `Open ${info.path}` }, info.path),
      h(doc, 'span', { class: 'detail' }, `${info.rows.toLocaleString('en-US')} rows × ${info.columns} columns · ${info.format}`));
  };
  const open = (el: HTMLElement, which: 'reference' | 'current'): HTMLElement => {
    el.querySelector('button')?.addEventListener('click', () => actions.openFile(which));
    return el;
  };
  const rerun = h(doc, 'button', { type: 'button', class: 'action', 'data-action': 'rerun' }, 'Run again');
  rerun.addEventListener('click', () => actions.rerun());
  const exportBtn = h(doc, 'button', { type: 'button', class: 'action', 'data-action': 'export' }, 'Save HTML report…');
  exportBtn.addEventListener('click', () => actions.exportHtml());
  return h(doc, 'header', { class: 'drift-header' },
    h(doc, 'h1', {}, 'Data drift'),
    open(side('reference'), 'reference'),
    open(side('current'), 'current'),
    h(doc, 'div', { class: `verdict ${driftLevel(report)}`, role: 'status', 'data-verdict': driftLevel(report) },
      driftVerdict(report),
      h(doc, 'span', { class: 'detail' }, ` · dataset drift at ≥ ${formatShare(report.driftShareThreshold)} of tested columns · ${report.mode === 'tfdv' ? 'TFDV mode' : "Evidently's default tests"}`)),
    h(doc, 'div', { class: 'actions' }, rerun, exportBtn));
}

function schemaSection(doc: Document, report: DriftReport): HTMLElement | null {
  const s = report.schema;
  const items: HTMLElement[] = [];
  if (s.missingInCurrent.length) items.push(h(doc, 'li', {}, `Missing in current: ${s.missingInCurrent.join(', ')}`));
  if (s.extraInCurrent.length) items.push(h(doc, 'li', {}, `Only in current: ${s.extraInCurrent.join(', ')}`));
  for (const t of s.typeChanges) items.push(h(doc, 'li', {}, `${t.name}: ${t.reference} → ${t.current} (tested as ${t.testedAs})`));
  const warnings = report.warnings.map((w) => h(doc, 'li', { class: 'warning' }, w));
  if (!items.length && !warnings.length) return null;
  return h(doc, 'section', { class: 'schema' },
    items.length ? h(doc, 'h2', {}, 'Schema drift') : null,
    items.length ? h(doc, 'ul', { class: 'schema-list' }, ...items) : null,
    warnings.length ? h(doc, 'h2', {}, 'Warnings') : null,
    warnings.length ? h(doc, 'ul', {}, ...warnings) : null);
}

function table(doc: Document, report: DriftReport, state: DriftViewState, onSort: (key: SortKey) => void, onSelect: (name: string) => void): HTMLElement {
  const rows = sortColumns(report.columns, state.sortKey, state.sortDir);
  const headRow = h(doc, 'tr', {});
  for (const col of TABLE_COLUMNS) {
    const sorted = state.sortKey === col.key;
    const button = h(doc, 'button', { type: 'button', class: 'sort', 'data-sort': col.key, title: col.title }, col.label);
    button.addEventListener('click', () => onSort(col.key));
    headRow.appendChild(h(doc, 'th', { scope: 'col', class: col.numeric ? 'num' : undefined, 'aria-sort': sorted ? (state.sortDir === 'asc' ? 'ascending' : 'descending') : undefined }, button));
  }
  const body = h(doc, 'tbody', {});
  for (const c of rows) {
    const tr = h(doc, 'tr', {
      class: [c.drifted ? 'drifted' : '', c.skipped ? 'skipped' : '', c.name === state.selected ? 'selected' : ''].filter(Boolean).join(' ') || undefined,
      tabindex: 0,
      'data-column': c.name,
      'aria-selected': c.name === state.selected ? 'true' : 'false',
    });
    for (const col of TABLE_COLUMNS) {
      const text = cellText(c, col.key);
      const cls = [col.numeric ? 'num' : '', col.key === 'drift' ? (c.skipped ? 'skip' : c.drifted ? 'yes' : 'no') : ''].filter(Boolean).join(' ');
      tr.appendChild(h(doc, 'td', { class: cls || undefined }, text));
    }
    tr.addEventListener('click', () => onSelect(c.name));
    tr.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        onSelect(c.name);
      }
    });
    body.appendChild(tr);
  }
  return h(doc, 'table', { class: 'columns', 'aria-label': 'Drift per column' }, h(doc, 'thead', {}, headRow), body);
}

function facts(doc: Document, c: ColumnDrift): HTMLElement {
  const rows: Array<[string, string]> = [['Test', c.method ? (c.methodReason.includes(DRIFT_METHOD_LABELS[c.method]) ? c.methodReason : `${DRIFT_METHOD_LABELS[c.method]}: ${c.methodReason}`) : c.skipped?.message ?? '']];
  if (c.method) {
    rows.push(['Result', c.pValue !== null
      ? `${pEquals(c.pValue)} (statistic ${formatStat(c.statistic, c.statisticInfinite)}); drift when p ${c.method === 'ks' ? '≤' : '<'} ${formatStat(c.threshold)}`
      : `${formatStat(c.statistic, c.statisticInfinite)}; drift when ≥ ${formatStat(c.threshold)}`]);
  }
  if (c.ks) rows.push(['Kolmogorov–Smirnov', `D = ${formatStat(c.ks.statistic)}, ${pEquals(c.ks.pValue)} (${c.ks.exact ? 'exact' : 'asymptotic'})`]);
  if (c.chiSquare) rows.push(['Chi-square', `χ² = ${formatStat(c.chiSquare.statistic, c.chiSquare.statistic === null)}, df ${c.chiSquare.df}, ${pEquals(c.chiSquare.pValue)}`]);
  rows.push(['Distances', `PSI ${formatStat(c.psi)} · JS ${formatStat(c.jsDistance)}${c.wassersteinNormed !== null ? ` · Wasserstein (normed) ${formatStat(c.wassersteinNormed)}` : ''}`]);
  if (c.effectSize) rows.push(['Effect size', `${c.effectSize.name.replace('_', ' ')} = ${formatStat(c.effectSize.value)} (${c.effectSize.magnitude ?? 'n/a'})`]);
  rows.push(['Missing', `reference ${formatShare(c.missing.reference)}, current ${formatShare(c.missing.current)}`]);
  rows.push(['Unique values', `reference ${c.unique.reference}, current ${c.unique.current}, both ${c.unique.union}`]);
  if (c.reference.mean !== null && c.current.mean !== null) {
    rows.push(['Mean (std)', `reference ${formatStat(c.reference.mean)} (${formatStat(c.reference.std)}), current ${formatStat(c.current.mean)} (${formatStat(c.current.std)})`]);
  }
  if (c.rangeViolations) rows.push(['Outside reference range', `${c.rangeViolations.below} below, ${c.rangeViolations.above} above (${formatShare(c.rangeViolations.share)} of current)`]);
  if (c.newCategoryCount) rows.push(['New categories', `${c.newCategoryCount} (${formatShare(c.newCategoryShare)} of current rows): ${c.newCategories.join(', ')}${c.newCategoryCount > c.newCategories.length ? ', …' : ''}`]);
  if (c.unseenCategoryCount) rows.push(['Not seen in current', `${c.unseenCategoryCount}: ${c.unseenCategories.join(', ')}${c.unseenCategoryCount > c.unseenCategories.length ? ', …' : ''}`]);
  const dl = h(doc, 'dl', {});
  for (const [k, v] of rows) append(dl, h(doc, 'dt', {}, k), h(doc, 'dd', {}, v));
  return dl;
}

function detail(doc: Document, c: ColumnDrift, state: DriftViewState, onChart: (kind: 'histogram' | 'ecdf') => void): HTMLElement {
  const datetime = c.type === 'datetime';
  const charts = h(doc, 'div', { class: 'charts' });
  let toggle: HTMLElement | null = null;
  if (c.chart) {
    const ecdf = ecdfShapes(c.chart, 520, 200, datetime);
    const kind = state.chart === 'ecdf' && ecdf ? 'ecdf' : 'histogram';
    const shapes = kind === 'ecdf' && ecdf ? ecdf : histogramShapes(c.chart, 520, 200, datetime);
    charts.appendChild(svgChart(doc, shapes, `${c.name}: reference vs current ${kind === 'ecdf' ? 'ECDF' : 'distribution'}`));
    if (ecdf) {
      const mk = (k: 'histogram' | 'ecdf', label: string): HTMLElement => {
        const b = h(doc, 'button', { type: 'button', class: 'toggle', 'aria-pressed': kind === k ? 'true' : 'false', 'data-chart': k }, label);
        b.addEventListener('click', () => onChart(k));
        return b;
      };
      toggle = h(doc, 'div', { class: 'chart-toggle', role: 'group', 'aria-label': 'Chart' }, mk('histogram', 'Histogram'), mk('ecdf', 'ECDF'));
    }
  } else {
    charts.appendChild(h(doc, 'p', { class: 'detail' }, 'No chart: the column has no values to compare.'));
  }
  const notes = c.notes.length ? h(doc, 'ul', { class: 'notes' }, ...c.notes.map((n) => h(doc, 'li', {}, n))) : null;
  return h(doc, 'section', { class: `column-detail${c.drifted ? ' drifted' : ''}`, 'data-column': c.name },
    h(doc, 'h2', {}, c.name, h(doc, 'span', { class: 'detail' }, ` ${c.type} · ${c.skipped ? 'not tested' : c.drifted ? 'drift' : 'no drift'}`)),
    h(doc, 'p', { class: 'legend' }, h(doc, 'span', { class: 'swatch ref' }), 'reference', h(doc, 'span', { class: 'swatch cur' }), 'current'),
    toggle,
    charts,
    facts(doc, c),
    notes);
}

/** Renders the report into `root`, replacing what was there. */
export function renderReport(root: HTMLElement, report: DriftReport, state: DriftViewState, actions: DriftActions, focusSelected = false): void {
  const doc = root.ownerDocument;
  const selected = report.columns.find((c) => c.name === state.selected) ?? report.columns.find((c) => c.drifted) ?? report.columns[0];
  const current: DriftViewState = { ...state, selected: selected?.name };
  const rerender = (next: DriftViewState): void => {
    actions.stateChanged(next);
    renderReport(root, report, next, actions, true);
  };
  const onSort = (key: SortKey): void => {
    const dir = current.sortKey === key ? (current.sortDir === 'asc' ? 'desc' : 'asc') : key === 'name' || key === 'type' || key === 'method' ? 'asc' : 'desc';
    rerender({ ...current, sortKey: key, sortDir: dir });
  };
  const onSelect = (name: string): void => rerender({ ...current, selected: name });
  const onChart = (chart: 'histogram' | 'ecdf'): void => rerender({ ...current, chart });
  root.replaceChildren(
    header(doc, report, actions),
    ...[schemaSection(doc, report)].filter((x): x is HTMLElement => x !== null),
    h(doc, 'p', { class: 'detail hint' }, 'p-value tests (KS, chi-square, Z) drift when p is below the threshold; distances (Wasserstein, Jensen–Shannon, PSI) when at or above it. With large samples p-values shrink for trivial shifts: read the effect size beside them. Click a header to sort, a row for its charts.'),
    h(doc, 'div', { class: 'table-wrap' }, table(doc, report, current, onSort, onSelect)),
    selected ? detail(doc, selected, current, onChart) : h(doc, 'p', { class: 'status' }, 'No column to compare.'),
  );
  root.dataset.state = 'ready';
  root.removeAttribute('aria-busy');
  // After a click, keep keyboard focus on the row the user picked.
  if (focusSelected) [...root.querySelectorAll<HTMLElement>('tr[data-column]')].find((r) => r.dataset.column === current.selected)?.focus({ preventScroll: true });
}

export function renderLoading(root: HTMLElement, reference: string, current: string): void {
  const doc = root.ownerDocument;
  root.replaceChildren(h(doc, 'p', { class: 'status' }, `Comparing ${reference} with ${current}…`), h(doc, 'p', { class: 'detail progress' }, ''));
  root.dataset.state = 'loading';
  root.setAttribute('aria-busy', 'true');
}

export function renderProgress(root: HTMLElement, message: string): void {
  const p = root.querySelector('.progress');
  if (p) p.textContent = message;
}

export function renderError(root: HTMLElement, reason: string, message: string, onRerun: () => void): void {
  const doc = root.ownerDocument;
  const retry = h(doc, 'button', { type: 'button', class: 'action', 'data-action': 'rerun' }, 'Run again');
  retry.addEventListener('click', onRerun);
  root.replaceChildren(h(doc, 'div', { class: 'error', role: 'alert' }, h(doc, 'h1', {}, reason === 'cancelled' ? 'Comparison cancelled' : 'Cannot compare these files'), h(doc, 'p', {}, message), h(doc, 'p', { class: 'detail' }, `Reason: ${reason}`), retry));
  root.dataset.state = 'error';
  root.removeAttribute('aria-busy');
}
