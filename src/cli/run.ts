/** Command dispatch for `ml-preflight`, separate from `main.ts` so tests can run it in-process. */
import { checklistCommand, checklistHelp } from './commands/checklist';
import { diffCommand, diffHelp } from './commands/diff';
import { doctorCommand, doctorHelp } from './commands/doctor';
import { emitCommand, emitHelp } from './commands/emit';
import { driftCommand, driftHelp } from './commands/drift';
import { inspectCommand, inspectHelp } from './commands/inspect';
import { skewCommand, skewHelp } from './commands/skew';
import { profileCommand, profileHelp } from './commands/profile';
import { reviewCommand, reviewHelp } from './commands/review';
import { terminalLine, terminalText } from '../shared/escape';
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
  skew --training <f…> --serving <f…> | --workspace <dir>
                            training vs serving preprocessing skew (image, text, tabular,
                            audio), checked against the paired ONNX model
  profile <model.onnx>      latency percentiles, throughput, memory, per-op times, batch sweep,
                            budget and Triton batching advice (isolated ONNX Runtime worker)
  drift <reference> <current>
                            data drift per column (Evidently's tests), schema drift, HTML report
  review [<dir>]            everything above that applies plus the deployment checklist;
                            --html report, --sarif for code scanning, --fail-on error|warning|never
  checklist [<dir>]         the deployment checklist (pass/warn/fail/unknown/n-a per item)
  emit <target> --model m.onnx --out dir
                            serving files for this model: docker, triton, kserve, k8s,
                            prometheus, k6, all (never overwrites without --force)
  diff <old.onnx> <new.onnx> | diff <model.onnx> --against <git-ref>
                            what changed between two models and whether it breaks the
                            serving contract (exit 1 on breaking changes)

Options:
  -h, --help      help (also: ml-preflight <command> --help)
  -v, --version   version

Exit codes: 0 ok; 1 findings (review/checklist --fail-on, drift --fail-on-drift,
skew findings, profile --fail-on-regression, diff breaking changes); 2 bad input or usage; 3 internal error.
`;

export interface RunOptions {
  /** The worker bundle, for commands that run ONNX Runtime (default: worker.js beside the CLI bundle). */
  workerPath?: string;
  /** Node flags for the worker (tests run the TypeScript worker with `['--require', 'tsx/cjs']`). */
  execArgv?: string[];
}

export async function runCli(argv: readonly string[], rawIo: CliIO, options: RunOptions = {}): Promise<number> {
  // Terminal rule: everything the CLI prints goes through the one sanitizer (src/shared/escape.ts); errors are
  // single lines (terminalLine), so a name with a newline or ESC cannot forge or split output.
  const io: CliIO = { ...rawIo, stdout: (s) => rawIo.stdout(terminalText(s)), stderr: (s) => rawIo.stderr(terminalText(s)) };
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        if (command === 'help' && rest[0] === 'inspect') io.stdout(inspectHelp);
        else if (command === 'help' && rest[0] === 'doctor') io.stdout(doctorHelp);
        else if (command === 'help' && rest[0] === 'skew') io.stdout(skewHelp);
        else if (command === 'help' && rest[0] === 'drift') io.stdout(driftHelp);
        else if (command === 'help' && rest[0] === 'profile') io.stdout(profileHelp);
        else if (command === 'help' && rest[0] === 'review') io.stdout(reviewHelp);
        else if (command === 'help' && rest[0] === 'checklist') io.stdout(checklistHelp);
        else if (command === 'help' && rest[0] === 'emit') io.stdout(emitHelp);
        else if (command === 'help' && rest[0] === 'diff') io.stdout(diffHelp);
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
      case 'skew':
        return await skewCommand(rest, io);
      case 'drift':
        return await driftCommand(rest, io);
      case 'profile':
        return await profileCommand(rest, io, { workerPath: options.workerPath, execArgv: options.execArgv });
      case 'review':
        return await reviewCommand(rest, io, version());
      case 'checklist':
        return await checklistCommand(rest, io);
      case 'emit':
        return await emitCommand(rest, io);
      case 'diff':
        return await diffCommand(rest, io);
      default:
        throw new CliError(`unknown command '${command}' (commands: inspect, doctor, skew, profile, drift, review, checklist, emit, diff; see ml-preflight --help)`);
    }
  } catch (ex) {
    if (ex instanceof CliError) {
      io.stderr(`ml-preflight: ${terminalLine(ex.message)}\n`);
      return ex.exitCode;
    }
    // parseArgs usage errors (unknown option, missing value) are the user's, not ours.
    const code = (ex as { code?: string }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`ml-preflight: ${terminalLine((ex as Error).message)}\n`);
      return ExitCode.badInput;
    }
    io.stderr(`ml-preflight: internal error (please report it): ${ex instanceof Error ? (ex.stack ?? ex.message) : String(ex)}\n`);
    return ExitCode.internal;
  }
}
