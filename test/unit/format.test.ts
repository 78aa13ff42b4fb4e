/** Formatting helpers shared by the inspector webview and the tree view (pure, run in Node). */
import * as assert from 'node:assert/strict';
import { baseName, formatBytes, formatCount, formatFlops, formatInteger, formatShape, histogramRows } from '../../src/shared/format';

describe('webview formatting', () => {
  it('formats bytes in binary units with one decimal below 100', () => {
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(1023), '1023 B');
    assert.equal(formatBytes(1024), '1 KiB');
    assert.equal(formatBytes(3048), '3 KiB');
    assert.equal(formatBytes(1536), '1.5 KiB');
    assert.equal(formatBytes(200 * 1024), '200 KiB');
    assert.equal(formatBytes(1024 * 1024 - 1), '1 MiB', 'rounds up into the next unit');
    assert.equal(formatBytes(1.5 * 1024 ** 3), '1.5 GiB');
    assert.equal(formatBytes(Number.NaN), '?');
  });

  it('formats counts as 762, 15.1K, 1.2M, 7.5B', () => {
    assert.equal(formatCount(762), '762');
    assert.equal(formatCount(15_104), '15.1K');
    assert.equal(formatCount(1_234_567), '1.2M');
    assert.equal(formatCount(999_999), '1M');
    assert.equal(formatCount(7.5e9), '7.5B');
    assert.equal(formatInteger(1_234_567), '1,234,567');
  });

  it('formats FLOPs with decimal prefixes and null as unknown', () => {
    assert.equal(formatFlops(900), '900 FLOPs');
    assert.equal(formatFlops(15_104), '15.1 KFLOPs');
    assert.equal(formatFlops(4.1e9), '4.1 GFLOPs');
    assert.equal(formatFlops(null), 'unknown');
  });

  it('joins dims with × and keeps symbolic names as they are', () => {
    assert.equal(formatShape(['batch', 3, 64, 64]), 'batch × 3 × 64 × 64');
    assert.equal(formatShape(['?', 'seq']), '? × seq');
    assert.equal(formatShape([]), 'scalar');
    assert.equal(formatShape(null), 'unknown');
  });

  it('takes the last path segment with either separator', () => {
    assert.equal(baseName('/a/b/model.onnx'), 'model.onnx');
    assert.equal(baseName('C:\\m\\model.onnx'), 'model.onnx');
    assert.equal(baseName('vscode-remote://host/x/y.onnx'), 'y.onnx');
  });

  it('sorts the histogram by count then name and counts what is left off', () => {
    const histogram = Object.freeze({ b: 1, a: 1, c: 5, 'com.x::D': 2 });
    assert.deepEqual(histogramRows(histogram, 2), { rows: [{ op: 'c', count: 5 }, { op: 'com.x::D', count: 2 }], more: 2 });
    assert.deepEqual(histogramRows(histogram).rows.map((r) => r.op), ['c', 'com.x::D', 'a', 'b']);
    assert.deepEqual(histogramRows({}), { rows: [], more: 0 });
  });
});
