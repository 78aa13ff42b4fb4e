/**
 * Worker-thread entry (`dist/skewWorker.js`): discovers training/serving pairs (a directory walk) and analyses
 * them (tree-sitter parsing and evaluation) off the caller's thread. Keeps one parse cache for its lifetime.
 * Messages: see {@link SkewWorkerRequest} / {@link SkewWorkerReply} in runSkewWorker.ts.
 */
import { parentPort } from 'node:worker_threads';
import { analyzePairs } from './analyze';
import { discoverPairs, SkewConfigError } from './pairing';
import { ModuleCache } from './project';
import { SkewParserError } from './pyAst';
import type { SkewWorkerReply, SkewWorkerRequest } from './runSkewWorker';

const cache = new ModuleCache();

function post(reply: SkewWorkerReply): void {
  parentPort!.postMessage(reply);
}

async function handle(request: SkewWorkerRequest): Promise<SkewWorkerReply> {
  if (request.type === 'discover') {
    const { pairs, truncated } = discoverPairs(request.root, { settingsPairs: request.settingsPairs, includeGenerated: request.includeGenerated });
    return { id: request.id, type: 'discovered', pairs, truncated };
  }
  const overlay = request.overlay;
  const report = await analyzePairs(request.pairs, { root: request.root, overlay: (f) => overlay[f], cache, maxFileBytes: request.maxFileBytes });
  return { id: request.id, type: 'analyzed', report };
}

// Requests are handled one at a time, in order (the parse cache is not shared between concurrent runs).
let queue: Promise<void> = Promise.resolve();
parentPort?.on('message', (request: SkewWorkerRequest) => {
  queue = queue.then(async () => {
    try {
      post(await handle(request));
    } catch (ex) {
      if (SkewConfigError.is(ex)) post({ id: request.id, type: 'error', kind: 'config', file: ex.file, detail: ex.detail });
      else if (SkewParserError.is(ex)) post({ id: request.id, type: 'error', kind: 'parser', reason: ex.reason, message: ex.message });
      else post({ id: request.id, type: 'error', kind: 'internal', message: ex instanceof Error ? (ex.stack ?? ex.message) : String(ex) });
    }
  });
});
