import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { OnnxInspectError } from '../../src/core/onnx/errors';
import { inspectModel } from '../../src/core/onnx/inspect';
import type { InspectErrorReason } from '../../src/shared/modelInspection';
import manifest from '../fixtures/manifest.json';
import { ensureFixtures } from '../support/fixtures';

interface Entry {
  file: string;
  reason: string;
  expect?: Record<string, unknown>;
  warningsInclude?: string[];
  error?: InspectErrorReason;
  messageIncludes?: string;
}

/** The part of `actual` that has `expected`'s shape: listed object keys only, arrays and primitives whole. */
function pick(actual: unknown, expected: unknown): unknown {
  if (expected === null || typeof expected !== 'object' || Array.isArray(expected)) return actual;
  if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return actual;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(expected)) {
    out[key] = pick((actual as Record<string, unknown>)[key], (expected as Record<string, unknown>)[key]);
  }
  return out;
}

describe('ONNX fixtures manifest (test/fixtures/manifest.json)', () => {
  let dir: string;
  before(async () => {
    dir = await ensureFixtures();
  });

  for (const entry of manifest.fixtures as Entry[]) {
    it(`${entry.file}: ${entry.reason}`, async () => {
      const file = path.join(dir, entry.file);
      if (entry.error) {
        await assert.rejects(inspectModel(file), (ex: unknown) => {
          assert.ok(ex instanceof OnnxInspectError, `expected OnnxInspectError, got ${String(ex)}`);
          assert.equal(ex.reason, entry.error);
          assert.equal(ex.file, file);
          assert.ok(ex.message.startsWith(`${file}: ${entry.error}: `), ex.message);
          if (entry.messageIncludes) assert.ok(ex.message.includes(entry.messageIncludes), ex.message);
          return true;
        });
        return;
      }
      const result = await inspectModel(file);
      assert.deepStrictEqual(pick(result, entry.expect), entry.expect);
      for (const w of entry.warningsInclude ?? []) {
        assert.ok(result.warnings.some((x) => x.includes(w)), `no warning contains ${JSON.stringify(w)}; got ${JSON.stringify(result.warnings)}`);
      }
      // The result is plain JSON: it survives a round trip unchanged.
      assert.deepStrictEqual(JSON.parse(JSON.stringify(result)), result);
    });
  }
});
