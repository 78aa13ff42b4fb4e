/**
 * Renders a `ProfileResult` into the results page. Pure DOM construction (text nodes only, see `../model/dom.ts`);
 * never posts messages itself, so the tests can call it on any element.
 *
 * DOM contract (webview and e2e tests): `#app[data-state=running|ready|error]`, `#profile-title`,
 * `#summary .fact[data-key] .value` (keys: p50, p99, throughput, cold-start, first-run, peak-rss),
 * `#runs tr[data-batch]` (`td.p50`, `td.p99`, `td.throughput`, `td.budget`), `#latency-chart svg`,
 * `#batch-picker button[data-batch]`, `#sweep-chart svg`, `#ops tr` (`td.op`, `td.provider`, `td.share`),
 * `#fallback li`, `#baseline tr` (`td.metric`, `td.change`, `.regression`), `#advice`, `#notes li`,
 * `#warnings li`, `#error`, `#rerun`.
 */
import { formatBytes, baseName } from '../../src/shared/format';
import { formatChange, formatLatencyMs, formatRate } from '../../src/shared/profileFormat';
import type { BatchRun, MetricDelta, ProfileResult } from '../../src/shared/profileResult';
import type { BatchSummary } from '../../src/shared/workerProtocol';
import { h, type Child } from '../shared/dom';
import { latencyChart, sweepChart } from './charts';
import { canRetry, errorTitle, stabilityWarning } from './format';

export interface RenderOptions {
  onRerun?: () => void;
  onOpenBaseline?: () => void;
}

type Doc = Document;

function setState(root: HTMLElement, state: 'running' | 'ready' | 'error'): void {
  root.dataset.state = state;
  if (state === 'running') root.setAttribute('aria-busy', 'true');
  else root.removeAttribute('aria-busy');
}

function card(doc: Doc, id: string, heading: string, ...content: Child[]): HTMLElement {
  return h(doc, 'section', { class: 'card', id }, h(doc, 'h2', {}, heading), ...content);
}

function table(doc: Doc, headers: string[], rows: HTMLTableRowElement[]): HTMLTableElement {
  const body = h(doc, 'tbody', {});
  if (rows.length === 0) body.append(h(doc, 'tr', { class: 'empty' }, h(doc, 'td', { class: 'none', colspan: headers.length }, 'none')));
  else body.append(...rows);
  return h(doc, 'table', {}, h(doc, 'thead', {}, h(doc, 'tr', {}, ...headers.map((t) => h(doc, 'th', { scope: 'col' }, t)))), body);
}

function fact(doc: Doc, key: string, label: string, value: string, detail?: string): HTMLElement {
  return h(doc, 'div', { class: 'fact', 'data-key': key }, h(doc, 'div', { class: 'label' }, label), h(doc, 'div', { class: 'value' }, value), detail ? h(doc, 'div', { class: 'detail' }, detail) : null);
}

function header(doc: Doc, file: string, r: ProfileResult, options: RenderOptions): HTMLElement {
  const env = r.environment;
  return h(doc, 'header', { class: 'profile-header' },
    h(doc, 'h1', { id: 'profile-title' }, `Profile: ${baseName(file)}`),
    h(doc, 'p', { class: 'detail' }, file),
    h(doc, 'p', { class: 'detail', id: 'environment' },
      `${r.ep} · ONNX Runtime ${r.ortVersion} · ${r.threads || 'default'} intra-op threads · graph optimisation ${r.settings.graphOptimizationLevel} · ${env.cpuModel} (${env.logicalCores} cores) · ${env.os} ${env.arch} · ${new Date(r.createdAt).toLocaleString()}`),
    options.onRerun ? h(doc, 'button', { id: 'rerun', type: 'button' }, 'Profile again') : null,
  );
}

function summary(doc: Doc, r: ProfileResult): HTMLElement {
  const first = [...r.runs].sort((a, b) => a.batch - b.batch)[0];
  const best = [...r.runs].sort((a, b) => b.samplesPerSecond - a.samplesPerSecond)[0];
  return h(doc, 'section', { id: 'summary', class: 'facts' },
    first ? fact(doc, 'p50', `p50 (batch ${first.batch})`, formatLatencyMs(first.p50), `mean ${formatLatencyMs(first.mean)} ± ${formatLatencyMs(first.std)}`) : null,
    first ? fact(doc, 'p99', `p99 (batch ${first.batch})`, formatLatencyMs(first.p99), `p99.9 ${formatLatencyMs(first.p999)}`) : null,
    best ? fact(doc, 'throughput', 'Best throughput', formatRate(best.samplesPerSecond), `samples/s at batch ${best.batch}`) : null,
    fact(doc, 'cold-start', 'Cold start', formatLatencyMs(r.coldStartMs), 'session creation'),
    fact(doc, 'first-run', 'First run', formatLatencyMs(r.firstRunMs)),
    fact(doc, 'peak-rss', 'Peak RSS', formatBytes(r.peakRssBytes), `weights ${formatBytes(r.memory.weightBytes)}, growth during runs ${formatBytes(Math.max(0, r.memory.arenaGrowthBytes))}`),
  );
}

function runsTable(doc: Doc, r: ProfileResult): HTMLElement {
  const hasBudget = r.budget !== null;
  const hasCost = r.runs.some((x) => x.costPer1k !== undefined);
  const rows = r.runs.map((x) => h(doc, 'tr', { 'data-batch': x.batch, class: x.withinBudget === false ? 'over-budget' : undefined },
    h(doc, 'td', { class: 'num batch' }, x.batch),
    h(doc, 'td', { class: 'num iterations' }, x.iterations),
    h(doc, 'td', { class: 'num p50' }, formatLatencyMs(x.p50)),
    h(doc, 'td', { class: 'num p90' }, formatLatencyMs(x.p90)),
    h(doc, 'td', { class: 'num p95' }, formatLatencyMs(x.p95)),
    h(doc, 'td', { class: 'num p99' }, formatLatencyMs(x.p99)),
    h(doc, 'td', { class: 'num p999' }, formatLatencyMs(x.p999)),
    h(doc, 'td', { class: 'num cov' }, `${(x.cov * 100).toFixed(1)} %`),
    h(doc, 'td', { class: 'num throughput' }, formatRate(x.throughput)),
    h(doc, 'td', { class: 'num samples' }, formatRate(x.samplesPerSecond)),
    hasBudget ? h(doc, 'td', { class: 'budget' }, x.withinBudget ? 'within' : 'over') : null,
    hasCost ? h(doc, 'td', { class: 'num cost' }, x.costPer1k === undefined ? '–' : x.costPer1k.toPrecision(3)) : null,
  ));
  const headers = ['batch', 'iter.', 'p50', 'p90', 'p95', 'p99', 'p99.9', 'CoV', 'inferences', 'samples', ...(hasBudget ? [`≤ ${r.budget!.budgetMs} ms`] : []), ...(hasCost ? ['cost / 1k'] : [])];
  const w = r.runs[0]?.warmup;
  const warm = w ? (w.mode === 'stable' ? `Warm-up until stable (last 3 windows within ±10 %): ${w.iterations} iterations${w.stable ? '' : ' — did not stabilise'}.` : `Warm-up: ${w.iterations} fixed iterations.`) : '';
  return card(doc, 'runs', 'Latency by batch size', table(doc, headers, rows),
    h(doc, 'p', { class: 'detail' }, `${warm} Percentiles: linear interpolation (numpy's default). ${r.sweep.skipped ? `Batch sweep skipped: ${r.sweep.skipped}.` : ''}`));
}

function distribution(doc: Doc, r: ProfileResult): HTMLElement {
  const holder = h(doc, 'div', { class: 'chart-holder' });
  const picker = h(doc, 'div', { id: 'batch-picker', role: 'group', 'aria-label': 'Batch size' });
  const select = (run: BatchRun): void => {
    holder.replaceChildren(latencyChart(doc, run));
    for (const b of Array.from(picker.querySelectorAll('button'))) b.setAttribute('aria-pressed', String(b.dataset.batch === String(run.batch)));
  };
  for (const run of r.runs) {
    const b = h(doc, 'button', { type: 'button', 'data-batch': run.batch }, `batch ${run.batch}`);
    b.addEventListener('click', () => select(run));
    picker.append(b);
  }
  const section = card(doc, 'latency-chart', 'Latency distribution', r.runs.length > 1 ? picker : null, holder,
    h(doc, 'p', { class: 'detail' }, 'Bars: histogram of the timed runs (the slowest 1 % fold into the last bar). Line: cumulative share of runs (right axis).'));
  if (r.runs[0]) select(r.runs[0]);
  return section;
}

function sweep(doc: Doc, r: ProfileResult): HTMLElement | null {
  if (r.runs.length < 2) return null;
  return card(doc, 'sweep-chart', 'Throughput vs p99 across batch sizes', sweepChart(doc, r.runs, r.budget?.budgetMs),
    h(doc, 'p', { class: 'detail' }, 'Bars: samples/s (left axis). Line: p99 latency (right axis).'));
}

function advice(doc: Doc, r: ProfileResult): HTMLElement {
  const db = r.advice.dynamicBatching;
  const parts: Child[] = [];
  if (r.budget) {
    parts.push(h(doc, 'p', { class: 'budget-verdict' }, r.budget.largestBatchWithinBudget === null
      ? `No batch size meets the ${r.budget.budgetMs} ms p99 budget.`
      : `Largest batch within the ${r.budget.budgetMs} ms p99 budget: ${r.budget.largestBatchWithinBudget}.`));
  }
  if (db) {
    parts.push(h(doc, 'pre', { class: 'triton' }, `max_batch_size: ${db.maxBatchSize}\ndynamic_batching {\n  preferred_batch_size: [ ${db.preferredBatchSizes.join(', ')} ]\n  max_queue_delay_microseconds: ${db.maxQueueDelayMicroseconds}\n}`));
    parts.push(h(doc, 'p', { class: 'detail' }, db.reason));
  } else {
    parts.push(h(doc, 'p', {}, `Dynamic batching: ${r.advice.reason ?? 'no advice'}`));
  }
  if (r.advice.cost) parts.push(h(doc, 'p', { class: 'cost' }, `${r.advice.cost.per1kPredictions.toPrecision(3)} per 1,000 predictions at batch ${r.advice.cost.atBatch} (${r.advice.cost.perHour} per hour).`));
  return card(doc, 'advice', 'Budget and serving advice', ...parts);
}

function ops(doc: Doc, r: ProfileResult): HTMLElement {
  const p = r.opProfile;
  const rows = r.ops.map((o) => h(doc, 'tr', {},
    h(doc, 'td', { class: 'op' }, o.op),
    h(doc, 'td', { class: 'provider' }, o.provider.replace(/ExecutionProvider$/, '')),
    h(doc, 'td', { class: 'num nodes' }, o.nodes),
    h(doc, 'td', { class: 'num ms' }, formatLatencyMs(o.meanMsPerRun)),
    h(doc, 'td', { class: 'num share' }, h(doc, 'span', { class: 'share-bar' }), `${(o.share * 100).toFixed(1)} %`),
  ));
  rows.forEach((row, i) => {
    const bar = row.querySelector<HTMLElement>('.share-bar');
    // Width through the CSSOM (not a style attribute): allowed under the CSP.
    if (bar) bar.style.width = `${Math.round((r.ops[i]!.share) * 60)}px`;
  });
  return card(doc, 'ops', 'Time by operator',
    p ? h(doc, 'p', { class: 'detail' }, `From ONNX Runtime's profiling trace: ${p.runs} runs at batch ${p.batch} in a separate session, ${formatLatencyMs(p.nodeMsPerRun)} of node time per run.`) : h(doc, 'p', { class: 'none' }, 'No per-operator profile (disabled or no trace).'),
    table(doc, ['op', 'provider', 'nodes', 'per run', 'share'], rows),
    p && p.topNodes.length ? h(doc, 'details', {}, h(doc, 'summary', {}, 'Slowest nodes'),
      h(doc, 'ol', { class: 'top-nodes' }, ...p.topNodes.map((n) => h(doc, 'li', {}, `${n.node} (${n.op}): ${formatLatencyMs(n.meanMsPerRun)}, ${(n.share * 100).toFixed(1)} %`)))) : null,
  );
}

function fallback(doc: Doc, r: ProfileResult): HTMLElement | null {
  if (r.ep === 'cpu') return null;
  return card(doc, 'fallback', 'Nodes that fell back to the CPU',
    r.fallbackNodes.length ? h(doc, 'ul', {}, ...r.fallbackNodes.map((f) => h(doc, 'li', {}, `${f.node} (${f.op})`))) : h(doc, 'p', { class: 'none' }, 'none'));
}

function deltaRow(doc: Doc, d: MetricDelta): HTMLTableRowElement {
  const fmt = d.metric === 'peakRssBytes' ? formatBytes : d.metric === 'throughput' ? formatRate : formatLatencyMs;
  return h(doc, 'tr', { class: d.regression ? 'regression' : d.improvement ? 'improvement' : undefined },
    h(doc, 'td', { class: 'metric' }, d.metric),
    h(doc, 'td', { class: 'num' }, d.batch === null ? '' : d.batch),
    h(doc, 'td', { class: 'num' }, fmt(d.baseline)),
    h(doc, 'td', { class: 'num' }, fmt(d.current)),
    h(doc, 'td', { class: 'num change' }, formatChange(d.change)),
    h(doc, 'td', { class: 'verdict' }, d.regression ? 'regression' : d.improvement ? 'better' : ''),
  );
}

function baseline(doc: Doc, r: ProfileResult, options: RenderOptions): HTMLElement {
  const b = r.baseline;
  if (!b) return card(doc, 'baseline', 'Against the baseline', h(doc, 'p', { class: 'none' }, 'No earlier profile of this model with this provider: this run is the baseline for the next one.'));
  return card(doc, 'baseline', 'Against the baseline',
    h(doc, 'p', { class: b.regressions ? 'regressions' : 'detail' }, `${b.regressions} regression${b.regressions === 1 ? '' : 's'} over ${b.threshold * 100} % against ${new Date(b.baselineCreatedAt).toLocaleString()}.`),
    table(doc, ['metric', 'batch', 'baseline', 'now', 'change', ''], b.deltas.map((d) => deltaRow(doc, d))),
    b.caveats.length ? h(doc, 'ul', { class: 'caveats' }, ...b.caveats.map((c) => h(doc, 'li', {}, c))) : null,
    options.onOpenBaseline ? h(doc, 'button', { type: 'button', class: 'link', id: 'open-baseline' }, 'Open baseline file') : null,
  );
}

function list(doc: Doc, id: string, heading: string, items: readonly string[]): HTMLElement | null {
  if (!items.length) return null;
  return card(doc, id, heading, h(doc, 'ul', {}, ...items.map((t) => h(doc, 'li', {}, t))));
}

/** Renders the result; replaces `root`'s children. */
export function render(root: HTMLElement, file: string, r: ProfileResult, options: RenderOptions = {}): void {
  const doc = root.ownerDocument;
  const m = r.memory;
  const unstable = r.runs.map(stabilityWarning).filter((w): w is string => w !== undefined);
  root.replaceChildren(
    header(doc, file, r, options),
    ...(unstable.length ? [h(doc, 'div', { id: 'stability', class: 'banner warning', role: 'alert' }, ...unstable.map((w) => h(doc, 'p', {}, w)))] : []),
    summary(doc, r),
    h(doc, 'div', { class: 'cards' },
      runsTable(doc, r),
      distribution(doc, r),
      sweep(doc, r),
      advice(doc, r),
      ops(doc, r),
      fallback(doc, r),
      baseline(doc, r, options),
      card(doc, 'memory', 'Memory',
        h(doc, 'p', {}, `Worker resident set: ${formatBytes(m.rssBeforeSessionBytes)} before the session, ${formatBytes(m.rssAfterSessionBytes)} after it, ${formatBytes(m.rssAfterRunsBytes)} after the runs; peak ${formatBytes(m.peakRssBytes)}.`),
        h(doc, 'p', { class: 'detail' }, m.gpuBytes === null ? `GPU memory: ${m.gpuNote ?? 'not available'}.` : `GPU memory: ${formatBytes(m.gpuBytes)}.`)),
      list(doc, 'notes', 'Inputs', r.notes),
      list(doc, 'warnings', 'Warnings', r.warnings),
    ),
  );
  root.querySelector('#rerun')?.addEventListener('click', () => options.onRerun?.());
  root.querySelector('#open-baseline')?.addEventListener('click', () => options.onOpenBaseline?.());
  setState(root, 'ready');
}

/**
 * The running state: a status banner (phase, time spent against the budget) over the previous result, and
 * the batch sizes finished so far in a table of their own (partial results, streamed as each one ends).
 */
export function renderRunning(root: HTMLElement, file: string, message: string, progress: { partial?: readonly BatchSummary[]; elapsedS?: number; budgetS?: number } = {}): void {
  const doc = root.ownerDocument;
  const time = progress.elapsedS === undefined ? '' : ` (${progress.elapsedS.toFixed(0)} s${progress.budgetS ? ` of ≤ ${progress.budgetS} s` : ''})`;
  const text = `Profiling ${baseName(file)}: ${message}${time}`;
  // Keep the previous result visible under a banner while a new run goes.
  const banner = root.querySelector('#running');
  if (banner) banner.textContent = text;
  else root.prepend(h(doc, 'p', { id: 'running', class: 'status', role: 'status' }, text));
  const rows = (progress.partial ?? []).map((x) => h(doc, 'tr', {},
    h(doc, 'td', { class: 'num' }, String(x.batch)), h(doc, 'td', { class: 'num' }, String(x.iterations)),
    h(doc, 'td', { class: 'num' }, formatLatencyMs(x.p50)), h(doc, 'td', { class: 'num' }, formatLatencyMs(x.p90)), h(doc, 'td', { class: 'num' }, formatLatencyMs(x.p99)),
    h(doc, 'td', { class: 'num' }, formatRate(x.samplesPerSecond)), h(doc, 'td', {}, x.stable ? 'stable' : 'not stable')));
  root.querySelector('#partial')?.remove();
  if (rows.length) {
    const section = card(doc, 'partial', 'Finished so far', table(doc, ['batch', 'iterations', 'p50', 'p90', 'p99', 'samples/s', 'warm-up'], rows as HTMLTableRowElement[]));
    root.querySelector('#running')!.after(section);
  }
  setState(root, 'running');
}

export function renderError(root: HTMLElement, file: string, kind: string, message: string, options: RenderOptions = {}): void {
  const doc = root.ownerDocument;
  root.replaceChildren(
    h(doc, 'header', { class: 'profile-header' }, h(doc, 'h1', { id: 'profile-title' }, `Profile: ${baseName(file)}`), h(doc, 'p', { class: 'detail' }, file)),
    h(doc, 'section', { id: 'error', class: 'card error', role: 'alert', 'data-kind': kind }, h(doc, 'h2', {}, errorTitle(kind)), h(doc, 'p', {}, message)),
  );
  // "Profile again" only where a second run can succeed: a model ONNX Runtime refuses fails the same way.
  if (options.onRerun && canRetry(kind)) root.append(h(doc, 'button', { id: 'rerun', type: 'button' }, 'Profile again'));
  root.querySelector('#rerun')?.addEventListener('click', () => options.onRerun?.());
  setState(root, 'error');
}
