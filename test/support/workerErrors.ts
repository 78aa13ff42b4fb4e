import * as assert from 'node:assert/strict';
import { WorkerError } from '../../src/core/runtime/workerClient';

/** Awaits `p`, which must reject with a {@link WorkerError} of `kind` (and a message matching `pattern`). */
export async function rejectsWithWorkerError(p: Promise<unknown>, kind: string, pattern?: RegExp): Promise<WorkerError> {
  try {
    await p;
  } catch (ex) {
    assert.ok(ex instanceof WorkerError, `expected WorkerError, got ${String(ex)}`);
    assert.equal(ex.kind, kind, ex.message);
    if (pattern) assert.match(ex.message, pattern);
    return ex;
  }
  assert.fail(`expected a WorkerError '${kind}'`);
}
