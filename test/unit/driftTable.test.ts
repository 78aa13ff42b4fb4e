/** The drift webview's table logic (pure) and the drift webview protocol guards. */
import * as assert from 'node:assert/strict';
import type { ColumnDrift } from '../../src/shared/drift';
import { formatP, formatStat, histogramShapes } from '../../src/shared/driftChart';
import { isDriftHostToWebviewMessage, isDriftWebviewToHostMessage } from '../../src/shared/driftProtocol';
import { cellText, sortColumns } from '../../src/shared/driftTable';

function col(name: string, over: Partial<ColumnDrift>): ColumnDrift {
  return {
    name, type: 'numeric', method: 'ks', methodReason: '', statistic: 0.1, pValue: 0.5, threshold: 0.05, drifted: false,
    ks: null, wassersteinNormed: null, psi: null, jsDistance: null, chiSquare: null, effectSize: null,
    missing: { reference: 0, current: 0 }, unique: { reference: 0, current: 0, union: 0 },
    newCategories: [], newCategoryCount: 0, newCategoryShare: 0, unseenCategories: [], unseenCategoryCount: 0,
    rangeViolations: null, notes: [], reference: { count: 0, missing: 0, unique: 0, mean: null, std: null, min: null, max: null, top: [] },
    current: { count: 0, missing: 0, unique: 0, mean: null, std: null, min: null, max: null, top: [] }, chart: null, ...over,
  };
}

describe('drift table and protocol', () => {
  const cols = Object.freeze([
    col('b', { psi: 0.3, drifted: true }),
    col('A', { psi: null }),
    col('c', { psi: 0.1, skipped: { reason: 'all-missing', message: '' }, method: null }),
    col('d', { psi: 0.3, statisticInfinite: true, statistic: null }),
  ]);

  it('sorts numbers with nulls last in both directions, stable on ties, without mutating', () => {
    assert.deepEqual(sortColumns(cols, 'psi', 'desc').map((c) => c.name), ['b', 'd', 'c', 'A']);
    assert.deepEqual(sortColumns(cols, 'psi', 'asc').map((c) => c.name), ['c', 'b', 'd', 'A']);
    assert.deepEqual(cols.map((c) => c.name), ['b', 'A', 'c', 'd']);
  });

  it('sorts names case-insensitively and drift as drifted > not drifted > not tested', () => {
    assert.deepEqual(sortColumns(cols, 'name', 'asc').map((c) => c.name), ['A', 'b', 'c', 'd']);
    assert.deepEqual(sortColumns(cols, 'drift', 'desc').map((c) => c.name), ['b', 'A', 'd', 'c']);
    assert.equal(sortColumns(cols, 'statistic', 'desc')[0]!.name, 'd');
  });

  it('formats cells: ∞, tiny p-values, not-tested reasons', () => {
    assert.equal(cellText(cols[3]!, 'statistic'), '∞');
    assert.equal(cellText(cols[2]!, 'method'), 'not tested (all-missing)');
    assert.equal(formatP(1e-120), '< 1e-99');
    assert.equal(formatP(4.2356e-25), '4.24e-25');
    assert.equal(formatStat(0.000012345), '1.23e-5');
    assert.equal(formatStat(null), '—');
  });

  it('histogram geometry: one rect per bin and side, heights proportional to shares', () => {
    const s = histogramShapes({ kind: 'histogram', edges: [0, 1, 2], reference: [0.5, 0.5], current: [1, 0], ecdf: [] });
    assert.equal(s.rects.length, 4);
    const cur0 = s.rects.find((r) => r.cls === 'cur' && r.x === s.rects[0]!.x)!;
    const ref0 = s.rects.find((r) => r.cls === 'ref' && r.x === s.rects[0]!.x)!;
    assert.ok(Math.abs(cur0.h - 2 * ref0.h) < 1e-9);
  });

  it('guards accept only well-formed messages', () => {
    assert.ok(isDriftWebviewToHostMessage({ type: 'drift/openFile', side: 'current' }));
    assert.ok(!isDriftWebviewToHostMessage({ type: 'drift/openFile', side: '../etc' }));
    assert.ok(!isDriftWebviewToHostMessage({ type: 'model/reveal' }));
    assert.ok(isDriftHostToWebviewMessage({ type: 'drift/error', reason: 'x', message: 'y' }));
    assert.ok(!isDriftHostToWebviewMessage({ type: 'drift/show', report: { columns: 'x' } }));
    assert.ok(!isDriftHostToWebviewMessage(null));
  });
});
