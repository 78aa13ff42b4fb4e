/** Why a model diff could not be made (match on `reason`, never on the message). */
export type DiffErrorReason =
  /** `git` is missing, the folder is not in a repository, or git failed. */
  | 'git'
  /** The ref does not name a commit (or it looks like an option). */
  | 'bad-ref'
  /** The file does not exist at that ref. */
  | 'not-in-ref'
  /** The blob at that ref is a Git LFS pointer, not the model. */
  | 'lfs-pointer'
  /** The blob is larger than the limit. */
  | 'too-large'
  /** Reading a weight payload failed. */
  | 'io'
  | 'aborted';

/**
 * The error the diff's own steps throw (inspection errors stay `OnnxInspectError`). The message names the
 * file and the problem, e.g. `models/m.onnx at main: lfs-pointer: the blob is a Git LFS pointer …`.
 */
export class DiffError extends Error {
  override readonly name = 'DiffError';
  constructor(
    readonly reason: DiffErrorReason,
    readonly file: string,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${reason}: ${detail}`, options);
  }

  static is(ex: unknown, reason?: DiffErrorReason): ex is DiffError {
    return ex instanceof DiffError && (reason === undefined || ex.reason === reason);
  }
}
