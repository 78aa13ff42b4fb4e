/**
 * Renders the checklist from plain JSON. Every string from the workspace becomes a text node or an attribute
 * set through the DOM (`h` in ../model/dom.ts): no HTML is ever parsed from data.
 */
import { CHECKLIST_AREAS, countStatuses, formatCounts, statusLabel, type ChecklistItemResult, type ChecklistStatus } from '../../src/shared/checklist';
import type { ChecklistHostToWebview } from '../../src/shared/checklistProtocol';
import { EMIT_TARGET_LABELS, type EmitTargetId } from '../../src/shared/checklistEmit';
import { append, h } from '../shared/dom';
import { STATUS_CODICON, withoutRepeatedPath } from './format';
import type { Host } from './host';

const TARGETS: EmitTargetId[] = ['docker', 'triton', 'kserve', 'k8s', 'prometheus', 'k6'];

type ShowMessage = Extract<ChecklistHostToWebview, { type: 'checklist/show' }>;

/** The last report shown, for local re-renders (the "show passed" toggle). */
let current: ShowMessage | undefined;

export function renderMessage(app: HTMLElement, state: 'loading' | 'error', text: string): void {
  const doc = app.ownerDocument;
  app.replaceChildren(h(doc, 'p', { class: state === 'error' ? 'status error' : 'status', role: state === 'error' ? 'alert' : 'status' }, text));
  app.dataset.state = state;
  app.setAttribute('aria-busy', String(state === 'loading'));
}

function icon(doc: Document, status: ChecklistStatus): HTMLElement {
  return h(doc, 'span', { class: `codicon codicon-${STATUS_CODICON[status]}`, 'aria-hidden': 'true' });
}

/** A fixed-width status pill: codicon + label, so the titles beside it line up whatever the status. */
function badge(doc: Document, status: ChecklistStatus): HTMLElement {
  return h(doc, 'span', { class: `badge s-${status}`, 'data-status': status }, icon(doc, status), h(doc, 'span', { class: 'label' }, statusLabel(status)));
}

function item(doc: Document, i: ChecklistItemResult, open: boolean): HTMLElement {
  const evidence = i.evidence.length
    ? h(doc, 'ul', { class: 'evidence' }, ...i.evidence.map((e) => h(doc, 'li', {},
      e.file ? h(doc, 'button', { class: 'link', type: 'button', 'data-open': e.file, 'data-line': e.line, title: `Open ${e.file}` }, `${e.file}${e.line ? `:${e.line}` : ''}`) : null,
      e.file ? ' ' : null,
      h(doc, 'span', {}, e.text))))
    : null;
  const extra = i.findings.filter((f) => !i.evidence.some((e) => e.text === f.message));
  const findings = extra.length
    ? h(doc, 'ul', { class: 'findings' }, ...extra.slice(0, 50).map((f) => h(doc, 'li', {},
      h(doc, 'span', { class: `level l-${f.level}` }, f.level), ' ',
      f.file ? h(doc, 'button', { class: 'link', type: 'button', 'data-open': f.file, 'data-line': f.line }, `${f.file}${f.line ? `:${f.line}` : ''}`) : null,
      f.file ? ' ' : null,
      h(doc, 'span', {}, withoutRepeatedPath(f.message, f.file)))))
    : null;
  const actions = h(doc, 'div', { class: 'actions' });
  if (i.fix && i.status !== 'pass' && i.status !== 'na') append(actions, h(doc, 'button', { type: 'button', class: 'primary', 'data-action': i.fix.id, 'data-item': i.id }, i.fix.label));
  append(actions, i.status === 'na'
    ? h(doc, 'button', { type: 'button', class: 'secondary', 'data-clear-na': i.id }, 'Clear n/a')
    : h(doc, 'button', { type: 'button', class: 'secondary', 'data-mark-na': i.id }, 'Mark as n/a…'));
  return h(doc, 'details', { class: `item s-${i.status}`, id: `item-${i.id}`, 'data-item-id': i.id, open },
    h(doc, 'summary', {}, h(doc, 'span', { class: 'codicon codicon-chevron-right chevron', 'aria-hidden': 'true' }), badge(doc, i.status), h(doc, 'span', { class: 'title' }, i.title), h(doc, 'span', { class: 'summary' }, i.na ? `n/a: ${i.na.reason}` : i.summary)),
    h(doc, 'div', { class: 'body' },
      i.na ? h(doc, 'p', { class: 'na' }, `Marked not applicable${i.na.date ? ` on ${i.na.date}` : ''}: ${i.na.reason}. Measured: ${statusLabel(i.measured ?? 'unknown')}.`) : null,
      h(doc, 'p', { class: 'why' }, i.explanation),
      evidence,
      findings,
      actions));
}

/** Renders the report; keeps open items and the "show passed" toggle across re-renders (host UI state). */
export function renderChecklist(app: HTMLElement, message: ShowMessage, host: Host): void {
  const doc = app.ownerDocument;
  current = message;
  const state = host.state();
  const { report } = message;
  const open = new Set(state.open);
  if (message.focus) open.add(message.focus);
  const counts = report.counts;
  const header = h(doc, 'header', { class: 'checklist-header' },
    h(doc, 'h1', {}, 'Deployment checklist'),
    h(doc, 'p', { class: 'folder' }, message.folder),
    h(doc, 'p', { class: 'counts', 'aria-label': formatCounts(counts) }, ...(['fail', 'warn', 'unknown', 'pass', 'na'] as const).map((s) => h(doc, 'span', { class: `count s-${s}`, 'data-count': s }, icon(doc, s), ` ${counts[s]} ${statusLabel(s)}`))),
    h(doc, 'div', { class: 'toolbar' },
      h(doc, 'button', { type: 'button', class: 'secondary', 'data-refresh': '' }, 'Refresh'),
      h(doc, 'label', { class: 'toggle' }, h(doc, 'input', { type: 'checkbox', 'data-show-passed': '', checked: state.showPassed }), ' Show passed and n/a')),
    h(doc, 'div', { class: 'generate', role: 'group', 'aria-label': 'Generate serving files' },
      h(doc, 'span', { class: 'label' }, 'Generate:'),
      ...TARGETS.map((t) => h(doc, 'button', { type: 'button', class: 'secondary', 'data-emit': t }, EMIT_TARGET_LABELS[t]))));
  const sections = CHECKLIST_AREAS.map((area) => {
    const items = report.items.filter((i) => i.area === area.id);
    if (!items.length) return null;
    const visible = state.showPassed ? items : items.filter((i) => i.status !== 'pass' && i.status !== 'na');
    return h(doc, 'section', { class: 'area', 'data-area': area.id },
      h(doc, 'h2', {}, area.title, ' ', h(doc, 'span', { class: 'area-counts' }, formatCounts(countStatuses(items)))),
      ...visible.map((i) => item(doc, i, open.has(i.id))));
  });
  const warnings = report.warnings.length ? h(doc, 'section', { class: 'warnings' }, h(doc, 'h2', {}, 'Warnings'), h(doc, 'ul', {}, ...report.warnings.map((w) => h(doc, 'li', {}, w)))) : null;
  const sources = h(doc, 'p', { class: 'sources' },
    `Profile: ${report.sources.profiles.length ? report.sources.profiles.join(', ') : 'not yet measured'} · Drift: ${report.sources.drift.length ? report.sources.drift.join(', ') : 'not yet measured'} · Skew: ${report.sources.skew ?? 'not yet measured'}`);
  app.replaceChildren(header, sources, ...sections.filter((s): s is HTMLElement => s !== null), ...(warnings ? [warnings] : []));
  app.dataset.state = 'ready';
  app.setAttribute('aria-busy', 'false');
  wire(app, host);
  if (message.focus) doc.getElementById(`item-${message.focus}`)?.scrollIntoView({ block: 'center' });
}

/** One set of delegated listeners per #app (re-renders replace children, not the root). */
function wire(app: HTMLElement, host: Host): void {
  if (app.dataset.wired) return;
  app.dataset.wired = '1';
  app.addEventListener('click', (event) => {
    const target = (event.target as Element | null)?.closest('button');
    if (!target) return;
    const d = target.dataset;
    if (d.open !== undefined) host.postMessage({ type: 'checklist/open', file: d.open, ...(d.line ? { line: Number(d.line) } : {}) });
    else if (d.action && d.item) host.postMessage({ type: 'checklist/action', itemId: d.item, action: d.action as never });
    else if (d.markNa) host.postMessage({ type: 'checklist/markNa', itemId: d.markNa });
    else if (d.clearNa) host.postMessage({ type: 'checklist/clearNa', itemId: d.clearNa });
    else if (d.emit) host.postMessage({ type: 'checklist/emit', target: d.emit as EmitTargetId });
    else if (d.refresh !== undefined) host.postMessage({ type: 'checklist/refresh' });
  });
  app.addEventListener('toggle', (event) => {
    const details = event.target as HTMLDetailsElement;
    const id = details.dataset?.itemId;
    if (!id) return;
    const s = host.state();
    const open = new Set(s.open);
    if (details.open) open.add(id);
    else open.delete(id);
    host.setState({ ...s, open: [...open] });
  }, true);
  app.addEventListener('change', (event) => {
    const input = event.target as HTMLInputElement;
    if (input.dataset?.showPassed === undefined) return;
    host.setState({ ...host.state(), showPassed: input.checked });
    if (current) renderChecklist(app, { ...current, focus: undefined }, host);
  });
}
