/** Where a CLI run writes; injected so tests can run the CLI in-process and capture everything. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Working directory for relative paths (default `process.cwd()`). */
  cwd: string;
  signal?: AbortSignal;
}

/** Exit codes, stable for CI pipelines. */
export const ExitCode = {
  ok: 0,
  /** Findings at or over the threshold: review/checklist --fail-on, skew findings, drift --fail-on-drift, profile --fail-on-regression. */
  findings: 1,
  /** Unreadable or invalid input, or a usage error. */
  badInput: 2,
  /** A bug in ML Preflight: please report it. */
  internal: 3,
} as const;

/** An error that ends the run with one line on stderr and the given exit code (no stack trace). */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: number = ExitCode.badInput) {
    super(message);
  }
}
