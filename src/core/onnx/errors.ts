import type { InspectErrorReason } from '../../shared/modelInspection';

/**
 * The one error `inspectModel` throws. `reason` is stable (match on it, never on the message);
 * the message names the file and the problem, e.g.
 * `model.onnx: truncated: field 7 (graph) claims 5120 bytes at offset 38 but the file ends at 1024`.
 */
export class OnnxInspectError extends Error {
  override readonly name = 'OnnxInspectError';
  constructor(
    readonly reason: InspectErrorReason,
    readonly file: string,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${reason}: ${detail}`, options);
  }

  static is(ex: unknown, reason?: InspectErrorReason): ex is OnnxInspectError {
    return ex instanceof OnnxInspectError && (reason === undefined || ex.reason === reason);
  }
}
