/** Command dispatch for `ml-preflight`, separate from `main.ts` so tests can run it in-process. */
import { doctorCommand, doctorHelp } from './commands/doctor';
import { inspectCommand, inspectHelp } from './commands/inspect';
import { CliError, ExitCode, type CliIO } from './io';

declare const ML_PREFLIGHT_VERSION: string | undefined;

export function version(): string {
  return typeof ML_PREFLIGHT_VERSION === 'string' ? ML_PREFLIGHT_VERSION : 'dev';
}

const help = `ml-preflight: is this model ready for production?

Usage: ml-preflight <command> [options]

Commands:
  inspect <model.onnx>...   opsets, IO and dynamic axes, operators, weights, quantization,
                            external data, batching, FLOPs (weights are never loaded)
  doctor                    which ONNX Runtime execution providers work on this machine

Options:
  -h, --help      help (also: ml-preflight <command> --help)
  -v, --version   version

Exit codes: 0 ok, 1 findings (later commands), 2 bad input or usage, 3 internal error.
`;

export interface RunOptions {
  /** The worker bundle, for commands that run ONNX Runtime (default: worker.js beside the CLI bundle). */
  workerPath?: string;
}

export async function runCli(argv: readonly string[], io: CliIO, options: RunOptions = {}): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        if (command === 'help' && rest[0] === 'inspect') io.stdout(inspectHelp);
        else if (command === 'help' && rest[0] === 'doctor') io.stdout(doctorHelp);
        else io.stdout(help);
        return command === undefined ? ExitCode.badInput : ExitCode.ok;
      case '-v':
      case '--version':
        io.stdout(`${version()}\n`);
        return ExitCode.ok;
      case 'inspect':
        return await inspectCommand(rest, io);
      case 'doctor':
        return await doctorCommand(rest, io, options.workerPath);
      default:
        throw new CliError(`unknown command '${command}' (commands: inspect, doctor; see ml-preflight --help)`);
    }
  } catch (ex) {
    if (ex instanceof CliError) {
      io.stderr(`ml-preflight: ${ex.message}\n`);
      return ex.exitCode;
    }
    // parseArgs usage errors (unknown option, missing value) are the user's, not ours.
    const code = (ex as { code?: string }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`ml-preflight: ${(ex as Error).message}\n`);
      return ExitCode.badInput;
    }
    io.stderr(`ml-preflight: internal error (please report it): ${ex instanceof Error ? (ex.stack ?? ex.message) : String(ex)}\n`);
    return ExitCode.internal;
  }
}
