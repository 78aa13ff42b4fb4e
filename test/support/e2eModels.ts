/**
 * Models the e2e-ui tier adds to its workspace copy near the end of the run (test/e2e/runUi.mjs): one whose
 * external-data path escapes its folder (refused, so it cannot load) and one that is not ONNX at all.
 * Returns the workspace-relative paths written.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { DT, graph, model, node, tensor, tensorInfo } from './onnxBuilder';

export const REFUSED_MODEL = 'models/escape.onnx';
export const BROKEN_MODEL = 'models/broken.onnx';
/** The external-data location written into {@link REFUSED_MODEL}: outside the model's folder. */
export const REFUSED_LOCATION = '../secret.bin';

export function writeLateModels(workspace: string): string[] {
  const escaping = model({ opsets: { '': 17 }, graph: graph({
    nodes: [node('Add', ['x', 'w'], ['y'])],
    inputs: [tensorInfo('x', DT.FLOAT, [1024])],
    outputs: [tensorInfo('y', DT.FLOAT, [1024])],
    initializers: [tensor('w', DT.FLOAT, [1024], { external: { location: REFUSED_LOCATION, length: 4096 } })],
  }) });
  mkdirSync(path.join(workspace, 'models'), { recursive: true });
  writeFileSync(path.join(workspace, REFUSED_MODEL), escaping);
  writeFileSync(path.join(workspace, BROKEN_MODEL), 'not an onnx model\n');
  return [REFUSED_MODEL, BROKEN_MODEL];
}
