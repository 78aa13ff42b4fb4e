/** The Compare Models webview protocol: guards refuse malformed messages in both directions. */
import * as assert from 'node:assert/strict';
import { isDiffHostToWebviewMessage, isDiffWebviewToHostMessage } from '../../src/shared/diffProtocol';

describe('Compare Models protocol', () => {
  it('accepts the webview messages and refuses others', () => {
    assert.equal(isDiffWebviewToHostMessage({ type: 'webview/ready' }), true);
    assert.equal(isDiffWebviewToHostMessage({ type: 'diff/rerun' }), true);
    assert.equal(isDiffWebviewToHostMessage({ type: 'diff/openModel', side: 'old' }), true);
    assert.equal(isDiffWebviewToHostMessage({ type: 'diff/openModel', side: '../../etc/passwd' }), false);
    assert.equal(isDiffWebviewToHostMessage({ type: 'diff/run', command: 'rm' }), false);
    assert.equal(isDiffWebviewToHostMessage(null), false);
  });

  it('accepts host messages with the expected shapes only', () => {
    assert.equal(isDiffHostToWebviewMessage({ type: 'diff/loading', old: 'a', new: 'b' }), true);
    assert.equal(isDiffHostToWebviewMessage({ type: 'diff/show', diff: { version: 1, changes: [], io: [] } }), true);
    assert.equal(isDiffHostToWebviewMessage({ type: 'diff/show', diff: { version: 2, changes: [], io: [] } }), false);
    assert.equal(isDiffHostToWebviewMessage({ type: 'diff/error', reason: 'io' }), false);
    assert.equal(isDiffHostToWebviewMessage({ type: 'diff/error', reason: 'io', message: 'x' }), true);
  });
});
