/**
 * The self-contained HTML report of a review: one file, inline CSS, no scripts. Every string from the
 * workspace (paths, model names, metadata, messages) goes through `escapeHtml`, and the page's CSP
 * (`default-src 'none'`) would block any script even if one slipped through.
 */
import { CHECKLIST_AREAS, formatCounts, formatFindingCounts, statusLabel, type ChecklistItemResult, type ChecklistStatus } from '../../shared/checklist';
import { formatBytes, formatShape } from '../../shared/format';
import { GENERATOR_META } from '../../shared/generator';
import { escapeHtml as e } from '../../shared/webviewHtml';
import type { ReviewReport } from './review';

const ICON: Record<ChecklistStatus, string> = { pass: '✓', warn: '!', fail: '✗', unknown: '?', na: '–' };

const CSS = `
:root { color-scheme: light dark; --pass: #1a7f37; --warn: #9a6700; --fail: #cf222e; --unknown: #6e7781; --na: #6e7781; }
body { font: 14px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 70rem; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin-bottom: .25rem; } h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 1px solid #8884; }
.meta { color: #6e7781; }
.counts span { display: inline-block; margin-right: 1rem; font-weight: 600; }
.s-pass { color: var(--pass); } .s-warn { color: var(--warn); } .s-fail { color: var(--fail); } .s-unknown, .s-na { color: var(--unknown); }
details { border: 1px solid #8883; border-radius: 6px; margin: .4rem 0; padding: .3rem .7rem; }
summary { cursor: pointer; } summary .status { display: inline-block; width: 5.5rem; font-weight: 600; }
.why { color: #6e7781; } ul { margin: .3rem 0; } code { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: .25rem .5rem; border-bottom: 1px solid #8883; vertical-align: top; }
.table-wrap { overflow-x: auto; max-width: 100%; } table.models td { overflow-wrap: anywhere; } table.models code { white-space: normal; overflow-wrap: anywhere; }
.fix code.cmd { user-select: all; overflow-wrap: anywhere; }
`;

function where(file?: string, line?: number): string {
  return file ? `<code>${e(file)}${line ? `:${line}` : ''}</code>` : '';
}

/** What the exact commands of the fixes are run on: the first readable model, the drift pair the checklist compared. */
interface FixContext {
  model?: string;
  drift?: { reference?: string; current?: string };
}

/** Quotes a path for a POSIX shell when it needs it. */
function sh(arg: string): string {
  return /^[\w./@:+-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The exact command that fixes an item, with the workspace's real paths; undefined for documentation fixes. */
export function fixCommand(id: string, ctx: FixContext): string | undefined {
  const model = sh(ctx.model ?? 'model.onnx');
  if (id.startsWith('emit.')) {
    const target = id.slice(5);
    const out = { docker: 'deploy/docker', triton: 'deploy/triton', kserve: 'deploy/kserve', k8s: 'deploy/k8s', prometheus: 'deploy/monitoring', k6: 'deploy/loadtest' }[target] ?? `deploy/${target}`;
    return `ml-preflight emit ${target} --model ${model} --out ${out}`;
  }
  if (id === 'run.profile') return `ml-preflight profile ${model}`;
  if (id === 'run.drift') return `ml-preflight drift ${sh(ctx.drift?.reference ?? 'reference.csv')} ${sh(ctx.drift?.current ?? 'current.csv')}`;
  if (id === 'run.skew') return 'ml-preflight skew .';
  return undefined;
}

function item(i: ChecklistItemResult, ctx: FixContext): string {
  const evidence = i.evidence.length ? `<ul>${i.evidence.map((ev) => `<li>${where(ev.file, ev.line)}${ev.file ? ' ' : ''}${e(ev.text)}</li>`).join('')}</ul>` : '';
  const extra = i.findings.filter((f) => !i.evidence.some((ev) => ev.text === f.message && ev.file === f.file && ev.line === f.line));
  const findings = extra.length ? `<p>${extra.length === i.findings.length ? 'Findings' : 'More findings'}:</p><ul>${extra.slice(0, 50).map((f) => `<li>${where(f.file, f.line)} <span class="s-${f.level === 'error' ? 'fail' : f.level === 'warning' ? 'warn' : 'unknown'}">${e(f.level)}</span> ${e(f.message)}</li>`).join('')}</ul>` : '';
  const na = i.na ? `<p>Marked n/a: ${e(i.na.reason)}${i.na.date ? ` (${e(i.na.date)})` : ''}; measured: ${e(statusLabel(i.measured ?? 'unknown'))}</p>` : '';
  const command = i.fix ? fixCommand(i.fix.id, ctx) : undefined;
  const area = CHECKLIST_AREAS.find((a) => a.id === i.area)?.title ?? i.area;
  const fix = i.fix && (i.status === 'fail' || i.status === 'warn' || i.status === 'unknown')
    ? `<p class="fix">Fix: ${e(i.fix.label)}${command ? ` — <code class="cmd">${e(command)}</code>` : ` — see <code>docs/checklist.md</code>, section “${e(area)}”, item <code>${e(i.id)}</code>`}</p>`
    : '';
  return `<details${i.status === 'fail' ? ' open' : ''} id="${e(i.id)}"><summary><span class="status s-${i.status}">${ICON[i.status]} ${e(statusLabel(i.status))}</span> ${e(i.title)} — ${e(i.summary)}</summary>
<p class="why">${e(i.explanation)}</p>${evidence}${findings}${na}${fix}</details>`;
}

/** Renders the report page. */
export function renderReviewHtml(report: ReviewReport): string {
  const c = report.checklist.counts;
  const liveDrift = /\(([^()]+?) → ([^()]+?)\)/.exec(report.checklist.sources.drift[0] ?? '');
  const ctx: FixContext = {
    model: report.models.find((m) => m.inspection)?.file ?? report.models[0]?.file,
    drift: liveDrift ? { reference: liveDrift[1], current: liveDrift[2] } : undefined,
  };
  const areas = CHECKLIST_AREAS.map((a) => {
    const items = report.checklist.items.filter((i) => i.area === a.id);
    return items.length ? `<h2>${e(a.title)}</h2>\n${items.map((i) => item(i, ctx)).join('\n')}` : '';
  }).join('\n');
  const models = report.models.length
    ? `<div class="table-wrap"><table class="models"><thead><tr><th>Model</th><th>Inputs</th><th>Outputs</th><th>Opset</th><th>Weights</th><th>Quantization</th></tr></thead><tbody>${report.models.map((m) => (m.inspection
      ? `<tr><td>${where(m.file)}</td><td>${m.inspection.inputs.map((t) => `${e(t.name)} <code>${e(t.dtype)} ${e(formatShape(t.shape))}</code>`).join('<br>')}</td><td>${m.inspection.outputs.map((t) => `${e(t.name)} <code>${e(t.dtype)} ${e(formatShape(t.shape))}</code>`).join('<br>')}</td><td>${e(String(m.inspection.opsets['ai.onnx'] ?? '–'))}</td><td>${e(formatBytes(m.inspection.weightBytes))}</td><td>${e(m.inspection.quantization.kind)}</td></tr>`
      : `<tr><td>${where(m.file)}</td><td colspan="5" class="s-fail">${e(m.error?.message ?? 'unreadable')}</td></tr>`)).join('')}</tbody></table></div>`
    : '<p>No ONNX model found.</p>';
  const sources = report.checklist.sources;
  const measured = [
    sources.profiles.length ? `profiles: ${sources.profiles.map(e).join(', ')}` : 'profile: not yet measured',
    sources.drift.length ? `drift: ${sources.drift.map(e).join(', ')}` : 'drift: not yet measured',
    sources.skew ? `skew: ${e(sources.skew)}` : 'skew: not yet measured',
  ].join(' · ');
  const warnings = report.checklist.warnings.length ? `<h2>Warnings</h2><ul>${report.checklist.warnings.map((w) => `<li>${e(w)}</li>`).join('')}</ul>` : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
${GENERATOR_META}
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ML Preflight review — ${e(report.root.split(/[\\/]/).pop() ?? report.root)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>ML Preflight review</h1>
<p class="meta"><code>${e(report.root)}</code> · ${e(report.generatedAt)} · ml-preflight ${e(report.tool.version)} · ${report.durationMs} ms</p>
<p class="counts">${(['fail', 'warn', 'unknown', 'pass', 'na'] as const).map((s) => `<span class="s-${s}">${ICON[s]} ${c[s]} ${e(statusLabel(s))}</span>`).join('')}</p>
<p>Checklist: ${e(formatCounts(c))}. Findings: ${e(formatFindingCounts(report.findings))}.</p>
<p class="meta">${measured}</p>
<h2>Models</h2>
${models}
${areas}
${warnings}
</body>
</html>
`;
}
