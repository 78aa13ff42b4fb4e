/**
 * Typed errors of the dataset readers. `reason` is stable (tests, CLI, adapter switch on it); the message names
 * the file and the problem, e.g. `reference.csv: malformed: line 7 has 4 fields, expected 3`.
 */
export type DataErrorReason =
  | 'not-found'
  | 'not-a-file'
  | 'io'
  | 'empty'
  | 'unsupported-format'
  | 'format-mismatch'
  | 'malformed'
  | 'corrupt'
  | 'too-large'
  | 'no-columns'
  | 'bad-override'
  | 'cancelled';

export class DataReadError extends Error {
  override readonly name = 'DataReadError';
  constructor(
    readonly reason: DataErrorReason,
    /** The file as given. */
    readonly file: string,
    /** The problem without the file name. */
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${reason}: ${detail}`, options);
  }

  static is(ex: unknown, reason?: DataErrorReason): ex is DataReadError {
    return ex instanceof DataReadError && (reason === undefined || ex.reason === reason);
  }
}

/** Throws a `cancelled` error when `signal` is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined, file: string): void {
  if (signal?.aborted) throw new DataReadError('cancelled', file, 'cancelled');
}
