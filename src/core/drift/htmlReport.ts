/**
 * The self-contained HTML drift report (`ml-preflight drift --html report.html`): one file, inline CSS and SVG,
 * one small inline script (table sorting) allowed by a hash in the page's Content-Security-Policy, no external
 * URL. Every string from the data (column names, categories, paths) is HTML-escaped.
 */
import { createHash } from 'node:crypto';
import { DRIFT_METHOD_LABELS, driftLevel, driftVerdict, type ColumnDrift, type DriftReport } from '../../shared/drift';
import { ecdfShapes, formatP, formatShare, formatStat, histogramShapes, pEquals, type ChartShapes } from '../../shared/driftChart';
import { GENERATOR_META } from '../../shared/generator';
import { escapeHtml } from '../../shared/webviewHtml';

const CSS = `
:root{color-scheme:light dark;--fg:#1f2328;--muted:#59636e;--bg:#fff;--line:#d1d9e0;--ref:#0969da;--cur:#d1242f;--ok:#1a7f37;--warn:#9a6700}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9198a1;--bg:#0d1117;--line:#3d444d;--ref:#4493f8;--cur:#f85149;--ok:#3fb950;--warn:#d29922}}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg);margin:24px auto;max-width:1200px;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}h3{font-size:15px;margin:0 0 6px}
.muted{color:var(--muted)}.verdict{font-size:17px;font-weight:600;padding:10px 14px;border-radius:6px;border:1px solid var(--line);margin:14px 0}
.verdict.drift{border-color:var(--cur)}.verdict.ok{border-color:var(--ok)}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}th,td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
th{cursor:pointer;user-select:none;white-space:nowrap}th[aria-sort=ascending]::after{content:" ▲"}th[aria-sort=descending]::after{content:" ▼"}
td.num{text-align:right}.yes{color:var(--cur);font-weight:600}.no{color:var(--ok)}.skip{color:var(--muted)}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(560px,1fr));gap:16px}.card{border:1px solid var(--line);border-radius:6px;padding:12px}
.card.drifted{border-color:var(--cur)}svg{display:block;max-width:100%}svg .ref{fill:var(--ref);fill-opacity:.45;stroke:none}svg .cur{fill:var(--cur);fill-opacity:.45;stroke:none}
svg polyline.ref{fill:none;stroke:var(--ref);stroke-width:1.5}svg polyline.cur{fill:none;stroke:var(--cur);stroke-width:1.5}svg line{stroke:var(--muted);stroke-width:1}svg text{fill:var(--muted);font-size:10px}
.legend span{display:inline-block;width:10px;height:10px;margin:0 4px 0 10px;vertical-align:middle}.legend .r{background:var(--ref)}.legend .c{background:var(--cur)}
.charts{display:flex;gap:8px;flex-wrap:wrap}dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:8px 0}dt{color:var(--muted)}dd{margin:0}
ul.notes{margin:6px 0;padding-left:18px}code{font-size:12px}.wrap{overflow-x:auto}
`;

const SCRIPT = `for(const t of document.querySelectorAll('table.sortable')){const hs=[...t.tHead.rows[0].cells];hs.forEach((h,i)=>h.addEventListener('click',()=>{const asc=h.getAttribute('aria-sort')!=='ascending';hs.forEach(x=>x.removeAttribute('aria-sort'));h.setAttribute('aria-sort',asc?'ascending':'descending');const rows=[...t.tBodies[0].rows];const key=r=>{const c=r.cells[i];const v=c.dataset.v;return v===undefined?c.textContent.toLowerCase():v===''?null:Number(v)};rows.sort((a,b)=>{const x=key(a),y=key(b);if(x===null||y===null)return x===y?0:x===null?1:-1;const r=typeof x==='number'&&typeof y==='number'?x-y:String(x).localeCompare(String(y));return asc?r:-r});for(const r of rows)t.tBodies[0].append(r)}))}`;

const e = escapeHtml;

/** SVG markup for chart shapes; every text and title is escaped. */
export function svgMarkup(s: ChartShapes, label: string): string {
  const parts: string[] = [`<svg viewBox="0 0 ${s.width} ${s.height}" width="${s.width}" height="${s.height}" role="img" aria-label="${e(label)}">`];
  for (const [x1, y1, x2, y2] of s.axes) parts.push(`<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}"/>`);
  for (const r of s.rects) parts.push(`<rect class="${r.cls}" x="${r.x.toFixed(2)}" y="${r.y.toFixed(2)}" width="${r.w.toFixed(2)}" height="${Math.max(r.h, 0).toFixed(2)}"><title>${e(r.title)}</title></rect>`);
  for (const l of s.lines) parts.push(`<polyline class="${l.cls}" points="${l.points.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ')}"/>`);
  for (const t of s.texts) parts.push(`<text x="${t.x.toFixed(1)}" y="${t.y.toFixed(1)}" text-anchor="${t.anchor}">${e(t.text)}</text>`);
  parts.push('</svg>');
  return parts.join('');
}

function num(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '' : String(v);
}

function statCell(v: number | null | undefined, infinite = false, p = false): string {
  return `<td class="num" data-v="${infinite ? '1e308' : num(v)}">${e(p ? formatP(v) : formatStat(v, infinite))}</td>`;
}

function driftCell(c: ColumnDrift): string {
  if (c.skipped) return `<td class="skip" data-v="-1">not tested</td>`;
  return c.drifted ? '<td class="yes" data-v="1">drift</td>' : '<td class="no" data-v="0">no drift</td>';
}

function columnRow(c: ColumnDrift): string {
  return `<tr><td><a href="#col-${e(encodeURIComponent(c.name))}">${e(c.name)}</a></td><td>${e(c.type)}</td><td>${e(c.method ? DRIFT_METHOD_LABELS[c.method] : c.skipped?.reason ?? '')}</td>`
    + statCell(c.statistic, c.statisticInfinite) + statCell(c.pValue, false, true) + statCell(c.threshold) + driftCell(c)
    + statCell(c.ks?.statistic) + statCell(c.ks?.pValue, false, true) + statCell(c.wassersteinNormed) + statCell(c.psi) + statCell(c.jsDistance)
    + statCell(c.effectSize?.value) + `<td>${e(c.effectSize?.magnitude ?? '')}</td>`
    + `<td class="num" data-v="${c.missing.reference}">${formatShare(c.missing.reference)}</td><td class="num" data-v="${c.missing.current}">${formatShare(c.missing.current)}</td></tr>`;
}

function columnCard(c: ColumnDrift): string {
  const datetime = c.type === 'datetime';
  const charts: string[] = [];
  if (c.chart) {
    charts.push(svgMarkup(histogramShapes(c.chart, 420, 180, datetime), `${c.name}: reference vs current distribution`));
    const ecdf = ecdfShapes(c.chart, 420, 180, datetime);
    if (ecdf) charts.push(svgMarkup(ecdf, `${c.name}: reference vs current ECDF`));
  }
  const facts: Array<[string, string]> = [
    ['Test', c.method ? c.methodReason : c.skipped?.message ?? ''],
  ];
  if (c.method) {
    facts.push(['Result', c.pValue !== null
      ? `${pEquals(c.pValue)} (statistic ${formatStat(c.statistic, c.statisticInfinite)}); drift when p ${c.method === 'ks' ? '≤' : '<'} ${formatStat(c.threshold)}`
      : `${formatStat(c.statistic, c.statisticInfinite)}; drift when ≥ ${formatStat(c.threshold)}`]);
  }
  if (c.ks) facts.push(['KS', `D = ${formatStat(c.ks.statistic)}, ${pEquals(c.ks.pValue)} (${c.ks.exact ? 'exact' : 'asymptotic'})`]);
  if (c.chiSquare) facts.push(['Chi-square', `χ² = ${formatStat(c.chiSquare.statistic, c.chiSquare.statistic === null)}, df = ${c.chiSquare.df}, ${pEquals(c.chiSquare.pValue)}`]);
  if (c.effectSize) facts.push(['Effect size', `${c.effectSize.name} = ${formatStat(c.effectSize.value)} (${c.effectSize.magnitude ?? 'n/a'})`]);
  facts.push(['Missing', `reference ${formatShare(c.missing.reference)}, current ${formatShare(c.missing.current)}`]);
  facts.push(['Unique values', `reference ${c.unique.reference}, current ${c.unique.current}, both ${c.unique.union}`]);
  if (c.rangeViolations && c.rangeViolations.below + c.rangeViolations.above > 0) {
    facts.push(['Out of reference range', `${c.rangeViolations.below} below, ${c.rangeViolations.above} above (${formatShare(c.rangeViolations.share)} of current)`]);
  }
  if (c.newCategoryCount) facts.push(['New categories', `${c.newCategoryCount}: ${c.newCategories.join(', ')}${c.newCategoryCount > c.newCategories.length ? ', …' : ''}`]);
  if (c.unseenCategoryCount) facts.push(['Unseen in current', `${c.unseenCategoryCount}: ${c.unseenCategories.join(', ')}${c.unseenCategoryCount > c.unseenCategories.length ? ', …' : ''}`]);
  const notes = c.notes.length ? `<ul class="notes">${c.notes.map((n) => `<li>${e(n)}</li>`).join('')}</ul>` : '';
  const status = c.skipped ? 'not tested' : c.drifted ? 'drift' : 'no drift';
  return `<section class="card${c.drifted ? ' drifted' : ''}" id="col-${e(encodeURIComponent(c.name))}"><h3>${e(c.name)} <span class="muted">${e(c.type)} · ${status}</span></h3>`
    + `<div class="charts">${charts.join('')}</div><dl>${facts.map(([k, v]) => `<dt>${e(k)}</dt><dd>${e(v)}</dd>`).join('')}</dl>${notes}</section>`;
}

/** The report as one HTML document. */
export function renderDriftHtml(report: DriftReport): string {
  const scriptHash = createHash('sha256').update(SCRIPT).digest('base64');
  const csp = `default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-${scriptHash}'`;
  const schema = report.schema;
  const schemaItems: string[] = [];
  if (schema.missingInCurrent.length) schemaItems.push(`<li>Missing in current: ${schema.missingInCurrent.map((n) => `<code>${e(n)}</code>`).join(', ')}</li>`);
  if (schema.extraInCurrent.length) schemaItems.push(`<li>Only in current: ${schema.extraInCurrent.map((n) => `<code>${e(n)}</code>`).join(', ')}</li>`);
  for (const t of schema.typeChanges) schemaItems.push(`<li><code>${e(t.name)}</code>: ${e(t.reference)} → ${e(t.current)} (tested as ${e(t.testedAs)})</li>`);
  const headers = ['Column', 'Type', 'Test', 'Statistic', 'p-value', 'Threshold', 'Drift', 'KS D', 'KS p', 'Wasserstein (normed)', 'PSI', 'JS distance', 'Effect size', 'Magnitude', 'Missing ref', 'Missing cur'];
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
${GENERATOR_META}
<meta http-equiv="Content-Security-Policy" content="${e(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Data drift: ${e(report.reference.path)} vs ${e(report.current.path)}</title>
<style>${CSS}</style></head><body>
<h1>Data drift report</h1>
<p class="muted">Reference <code>${e(report.reference.path)}</code> (${report.rows.reference.toLocaleString('en-US')} rows, ${e(report.reference.format)}) · current <code>${e(report.current.path)}</code> (${report.rows.current.toLocaleString('en-US')} rows, ${e(report.current.format)}) · ${e(report.mode === 'tfdv' ? 'TFDV mode' : "Evidently's default tests")} · ${e(report.createdAt)}</p>
<div class="verdict ${driftLevel(report)}">${e(driftVerdict(report))}; dataset drift when ≥ ${formatShare(report.driftShareThreshold)} of tested columns drift.</div>
${schemaItems.length ? `<h2>Schema drift</h2><ul>${schemaItems.join('')}</ul>` : ''}
${report.warnings.length ? `<h2>Warnings</h2><ul>${report.warnings.map((w) => `<li>${e(w)}</li>`).join('')}</ul>` : ''}
<h2>Columns</h2><p class="muted">Click a header to sort. p-value tests (KS, chi-square, Z) drift when p is below the threshold; distances (Wasserstein, JS, PSI) when at or above it. Large samples make p-values tiny for trivial shifts: read the effect size beside them.</p>
<div class="wrap"><table class="sortable"><thead><tr>${headers.map((h) => `<th scope="col">${e(h)}</th>`).join('')}</tr></thead><tbody>
${report.columns.map(columnRow).join('\n')}
</tbody></table></div>
<h2>Distributions</h2><p class="legend muted"><span class="r"></span>reference<span class="c"></span>current</p>
<div class="cards">${report.columns.map(columnCard).join('\n')}</div>
<p class="muted">Generated by ML Preflight. Methods: docs/drift.md.</p>
<script>${SCRIPT}</script>
</body></html>
`;
}
