/** Pure helpers of the inspector webview (webview-ui/model/format.ts). */
import * as assert from 'node:assert/strict';
import { absentExternalBytes, assumptionText, fileSizeText, metadataValueText } from '../../webview-ui/model/format';

describe('inspector text', () => {
  it('groups exporter-named unk__N dims instead of listing each', () => {
    const many = Object.fromEntries([['batch', 1], ...Array.from({ length: 40 }, (_, i) => [`unk__${i}`, 1])]);
    assert.equal(assumptionText(many), 'batch = 1; 40 unnamed dims (unk__0, unk__1, unk__2, …) = 1');
    assert.equal(assumptionText({ batch: 4, unk__7: 1 }), 'batch = 4; unk__7 = 1');
    assert.equal(assumptionText({ unk__1: 1, unk__2: 1, unk__3: 8 }), '2 unnamed dims (unk__1, unk__2) = 1; unk__3 = 8');
    assert.equal(assumptionText({}), '');
  });

  it('says "+ external data" beside a small .onnx file, and does not count refused or missing data as present', () => {
    const m = { file: { path: '/m.onnx', bytes: 12_700 }, externalData: [
      { location: 'w.bin', bytes: 46_766_899, tensors: 3, exists: true },
      { location: '../x.bin', bytes: 1024, tensors: 1, exists: false, refused: 'path escapes the model folder' },
    ] };
    assert.equal(fileSizeText(m), '12.4 KiB + 44.6 MiB external data');
    assert.equal(fileSizeText({ file: m.file, externalData: [] }), '12.4 KiB');
    assert.equal(absentExternalBytes(m), 1024);
  });

  it('pretty-prints JSON metadata values and leaves other text alone', () => {
    assert.deepEqual(metadataValueText('{"mean":[0.485,0.456],"size":224}'), { text: '{\n  "mean": [\n    0.485,\n    0.456\n  ],\n  "size": 224\n}', json: true });
    assert.deepEqual(metadataValueText('[1,2]'), { text: '[\n  1,\n  2\n]', json: true });
    assert.deepEqual(metadataValueText('{not json}'), { text: '{not json}', json: false });
    assert.deepEqual(metadataValueText('RGB'), { text: 'RGB', json: false });
  });
});
