/** Pure helpers of the checklist webview (webview-ui/checklist/format.ts). */
import * as assert from 'node:assert/strict';
import { STATUS_CODICON, withoutRepeatedPath } from '../../webview-ui/checklist/format';
import { CHECKLIST_STATUSES } from '../../src/shared/checklist';

describe('checklist webview text', () => {
  it('drops the path prefixes that repeat the link beside a finding', () => {
    assert.equal(withoutRepeatedPath('models/x.onnx: /abs/ws/models/x.onnx: truncated protobuf', 'models/x.onnx'), 'truncated protobuf');
    assert.equal(withoutRepeatedPath('models/x.onnx: opset 25 is too new', 'models/x.onnx'), 'opset 25 is too new');
    assert.equal(withoutRepeatedPath('serving/app.py:12: no /health route', 'serving/app.py'), 'no /health route');
    assert.equal(withoutRepeatedPath('C:\\\\ws\\\\models\\\\x.onnx: bad', 'models/x.onnx'), 'bad');
  });

  it('keeps messages that do not start with the file, and messages without a file', () => {
    assert.equal(withoutRepeatedPath('the model models/x.onnx: has no opset', 'models/x.onnx'), 'the model models/x.onnx: has no opset');
    assert.equal(withoutRepeatedPath('models/y.onnx: other file', 'models/x.onnx'), 'models/y.onnx: other file');
    assert.equal(withoutRepeatedPath('plain', undefined), 'plain');
    assert.equal(withoutRepeatedPath('models/x.onnx: ', 'models/x.onnx'), 'models/x.onnx: ', 'never empties a message');
  });

  it('every status has a codicon, and they differ', () => {
    const icons = CHECKLIST_STATUSES.map((s) => STATUS_CODICON[s]);
    assert.equal(new Set(icons).size, CHECKLIST_STATUSES.length);
    for (const i of icons) assert.match(i, /^[a-z-]+$/);
  });
});
