/** The checklist webview protocol guards: anything the webview posts is untrusted input. */
import * as assert from 'node:assert/strict';
import { countStatuses, formatCounts, formatFindingCounts } from '../../src/shared/checklist';
import { isChecklistHostToWebview, isChecklistWebviewToHost } from '../../src/shared/checklistProtocol';

describe('checklist webview protocol', () => {
  it('accepts the documented webview → host messages', () => {
    for (const m of [
      { type: 'webview/ready' },
      { type: 'checklist/refresh' },
      { type: 'checklist/action', itemId: 'container.dockerfile', action: 'emit.docker' },
      { type: 'checklist/markNa', itemId: 'security.auth' },
      { type: 'checklist/clearNa', itemId: 'security.auth' },
      { type: 'checklist/open', file: 'serving/app.py', line: 3 },
      { type: 'checklist/open', file: 'serving/app.py' },
      { type: 'checklist/emit', target: 'triton' },
      { type: 'checklist/emit', target: 'all' },
    ]) assert.equal(isChecklistWebviewToHost(m), true, JSON.stringify(m));
  });

  it('rejects malformed or hostile messages', () => {
    for (const m of [
      null, 'webview/ready', {}, { type: 'eval' },
      { type: 'checklist/action', itemId: 'container.dockerfile', action: 'rm -rf' },
      { type: 'checklist/action', itemId: '../../etc', action: 'doc' },
      { type: 'checklist/markNa', itemId: 42 },
      { type: 'checklist/open', file: '' },
      { type: 'checklist/open', file: 'a.py', line: 0 },
      { type: 'checklist/open', file: 'a.py', line: 1.5 },
      { type: 'checklist/open', file: 'x'.repeat(5000) },
      { type: 'checklist/emit', target: 'helm' },
    ]) assert.equal(isChecklistWebviewToHost(m), false, JSON.stringify(m));
  });

  it('guards host → webview messages', () => {
    assert.equal(isChecklistHostToWebview({ type: 'checklist/loading', folder: 'ws' }), true);
    assert.equal(isChecklistHostToWebview({ type: 'checklist/error', folder: 'ws', message: 'm' }), true);
    assert.equal(isChecklistHostToWebview({ type: 'checklist/show', folder: 'ws', report: { items: [], counts: {} } }), true);
    assert.equal(isChecklistHostToWebview({ type: 'checklist/show', folder: 'ws' }), false);
    assert.equal(isChecklistHostToWebview({ type: 'checklist/error', message: 'no folder' }), false);
  });

  it('counts and formats statuses worst first', () => {
    const counts = countStatuses(Object.freeze([{ status: 'pass' }, { status: 'fail' }, { status: 'fail' }, { status: 'na' }] as const));
    assert.deepEqual(counts, { pass: 1, warn: 0, fail: 2, unknown: 0, na: 1 });
    assert.equal(formatCounts(counts), '2 items fail, 1 pass, 1 n/a');
    assert.equal(formatCounts({ pass: 3, warn: 0, fail: 1, unknown: 0, na: 0 }), '1 item fails, 3 pass');
    assert.equal(formatFindingCounts([{ level: 'error' }, { level: 'error' }, { level: 'warning' }]), '2 error findings, 1 warning');
    assert.equal(formatFindingCounts([{ level: 'info' }]), '0 error findings, 0 warnings, 1 info finding');
    assert.equal(formatCounts(countStatuses([])), 'no items');
  });
});
