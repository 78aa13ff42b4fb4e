/** Where a CLI run writes; injected so tests can run the CLI in-process and capture everything. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Working directory for relative paths (default `process.cwd()`). */
  cwd: string;
  signal?: AbortSignal;
  /** Width of the terminal stdout writes to (`process.stdout.columns`); undefined when not a terminal (tables then fit {@link DEFAULT_COLUMNS}). */
  columns?: number;
  /** Whether stderr is a terminal: progress lines are written only then (never with `--json` or into a pipe). */
  stderrIsTTY?: boolean;
}

/** Table width when stdout is not a terminal. */
export const DEFAULT_COLUMNS = 100;

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
