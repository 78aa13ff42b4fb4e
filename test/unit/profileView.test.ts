/** Pure helpers of the profile view (webview-ui/profile/format.ts). */
import * as assert from 'node:assert/strict';
import { canRetry, errorTitle, logTicks, stabilityWarning, useLogScale } from '../../webview-ui/profile/format';

const stable = { mode: 'stable' as const, iterations: 40, windows: 4, stable: true, windowMeansMs: [] };

describe('profile view text', () => {
  it('warns visibly when the warm-up did not stabilise or the CoV is high', () => {
    assert.equal(stabilityWarning({ batch: 1, cov: 0.04, warmup: stable }), undefined);
    assert.match(stabilityWarning({ batch: 1, cov: 5.45, warmup: { ...stable, stable: false, iterations: 200 } })!, /^Batch 1: warm-up did not stabilise after 200 iterations and latency varies a lot \(CoV 545 %\)\./);
    assert.match(stabilityWarning({ batch: 8, cov: 0.3, warmup: stable })!, /^Batch 8: latency varies a lot \(CoV 30 %\)/);
  });

  it('switches the latency axis to log scale past a 20× spread, with 1-2-5 ticks', () => {
    assert.equal(useLogScale(0.1, 1.5), false);
    assert.equal(useLogScale(0.1, 30), true);
    assert.equal(useLogScale(0, 30), false, 'no log axis through zero');
    assert.deepEqual(logTicks(0.15, 30), [0.2, 0.5, 1, 2, 5, 10, 20]);
  });

  it('offers "Profile again" only for failures a second run can fix, and titles carry no internal codes', () => {
    assert.equal(canRetry('session-failed'), false);
    assert.equal(canRetry('run-failed'), false);
    assert.equal(canRetry('timeout'), true);
    for (const kind of ['session-failed', 'run-failed', 'failed', 'bad-request', 'invalid-protobuf']) assert.doesNotMatch(errorTitle(kind), /[-(]/, kind);
  });
});
