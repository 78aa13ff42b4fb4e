/**
 * Worker-thread entry (`dist/driftWorker.js`): runs {@link computeDrift} off the caller's thread, so the VS Code
 * extension host stays responsive and a file that exhausts memory ends this worker (its heap is capped by
 * `resourceLimits`), not the host. Messages: see {@link DriftWorkerRequest} / {@link DriftWorkerMessage}.
 */
import { parentPort } from 'node:worker_threads';
import { DataReadError } from '../data/errors';
import { computeDrift, DriftError } from './computeDrift';
import type { DriftWorkerMessage, DriftWorkerRequest } from './runDriftWorker';

function post(message: DriftWorkerMessage): void {
  parentPort!.postMessage(message);
}

parentPort?.once('message', (request: DriftWorkerRequest) => {
  const { reference, current, options } = request;
  let lastRead = 0;
  computeDrift(reference, current, {
    ...options,
    onRead: (side, bytes, total) => {
      const now = Date.now();
      if (now - lastRead < 100 && bytes < total) return;
      lastRead = now;
      post({ type: 'read', side, bytes, total });
    },
    onColumn: (done, total, name) => post({ type: 'column', done, total, name }),
  }).then(
    (report) => post({ type: 'done', report }),
    (ex: unknown) => {
      if (DataReadError.is(ex)) post({ type: 'error', kind: 'data', reason: ex.reason, file: ex.file, detail: ex.detail, message: ex.message });
      else if (DriftError.is(ex)) post({ type: 'error', kind: 'drift', reason: ex.reason, message: ex.message });
      else post({ type: 'error', kind: 'internal', reason: 'internal', message: ex instanceof Error ? (ex.stack ?? ex.message) : String(ex) });
    },
  );
});
