/**
 * The error the profiler's core throws for problems with what it was asked to do (bad shape, bad sample file,
 * unsupported input type). Worker failures keep their own `WorkerError` (`src/core/runtime/workerClient.ts`).
 * `reason` is stable; the message names the file or input and the problem.
 */
export type ProfileErrorReason =
  /** `--shape` / `--dim` values that cannot apply to the model's inputs. */
  | 'bad-shape'
  /** An input the profiler cannot synthesise (non-tensor, bfloat16, …). */
  | 'unsupported-input'
  /** A sample file that cannot be read or does not fit the input. */
  | 'bad-samples'
  /** Options out of range (iterations, batches, threads…). */
  | 'bad-option'
  /** A baseline file that cannot be read or written. */
  | 'baseline-io';

export class ProfileError extends Error {
  override readonly name = 'ProfileError';
  constructor(readonly reason: ProfileErrorReason, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }

  static is(ex: unknown, reason?: ProfileErrorReason): ex is ProfileError {
    return ex instanceof ProfileError && (reason === undefined || ex.reason === reason);
  }
}
