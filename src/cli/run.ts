/**
 * Command dispatch for `ml-preflight`, separate from `main.ts` so tests can run it in-process.
 *
 * Each command is loaded on first use (`import()`): `ml-preflight --version` or `inspect` never load the YAML,
 * protobuf, Dockerfile, Kubernetes, Parquet or tree-sitter code that other commands need. esbuild splits each
 * command into its own chunk of the ESM bundle (scripts/build.mjs).
 */
import { ERASE_LINE, terminalLine, terminalText } from '../shared/escape';
import { CliError, ExitCode, type CliIO } from './io';

declare const ML_PREFLIGHT_VERSION: string | undefined;

export function version(): string {
  return typeof ML_PREFLIGHT_VERSION === 'string' ? ML_PREFLIGHT_VERSION : 'dev';
}

export interface RunOptions {
  /** The worker bundle, for commands that run ONNX Runtime (default: worker.js beside the CLI bundle). */
  workerPath?: string;
  /** Node flags for the worker (tests run the TypeScript worker with `['--require', 'tsx/cjs']`). */
  execArgv?: string[];
}

/** A command once loaded: its `--help` text and its entry point. */
interface Command {
  help: string;
  run: (args: string[], io: CliIO, options: RunOptions) => Promise<number>;
}

/** The commands, in the order `--help` lists them; each module is imported only when its command runs. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  inspect: async () => { const m = await import('./commands/inspect'); return { help: m.inspectHelp, run: (a, io) => m.inspectCommand(a, io) }; },
  doctor: async () => { const m = await import('./commands/doctor'); return { help: m.doctorHelp, run: (a, io, o) => m.doctorCommand(a, io, o.workerPath) }; },
  skew: async () => { const m = await import('./commands/skew'); return { help: m.skewHelp, run: (a, io) => m.skewCommand(a, io) }; },
  profile: async () => { const m = await import('./commands/profile'); return { help: m.profileHelp, run: (a, io, o) => m.profileCommand(a, io, { workerPath: o.workerPath, execArgv: o.execArgv }) }; },
  drift: async () => { const m = await import('./commands/drift'); return { help: m.driftHelp, run: (a, io) => m.driftCommand(a, io) }; },
  review: async () => { const m = await import('./commands/review'); return { help: m.reviewHelp, run: (a, io) => m.reviewCommand(a, io, version()) }; },
  checklist: async () => { const m = await import('./commands/checklist'); return { help: m.checklistHelp, run: (a, io) => m.checklistCommand(a, io) }; },
  emit: async () => { const m = await import('./commands/emit'); return { help: m.emitHelp, run: (a, io) => m.emitCommand(a, io) }; },
  diff: async () => { const m = await import('./commands/diff'); return { help: m.diffHelp, run: (a, io) => m.diffCommand(a, io) }; },
};

/** Whether `name` is a command (an own key of {@link COMMANDS}, not `toString` & co.). */
function isCommand(name: string | undefined): boolean {
  return name !== undefined && Object.hasOwn(COMMANDS, name);
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

/**
 * Rewrites a `node:util` parseArgs error (its message has an unbalanced quote and a paragraph of advice) as
 * one line naming the option and the command's help.
 */
function usageMessage(command: string | undefined, ex: Error & { code: string }): string {
  const where = isCommand(command) ? `${command}: ` : '';
  const see = isCommand(command) ? `ml-preflight ${command} --help` : 'ml-preflight --help';
  const quoted = /'([^']*)'/.exec(ex.message)?.[1];
  switch (ex.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `${where}unknown option ${quoted ?? ex.message} (see ${see})`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const option = quoted?.replace(/ <value>$/, '').split(', ').pop() ?? '';
      return /argument missing/.test(ex.message)
        ? `${where}option ${option} needs a value (see ${see})`
        : `${where}option ${option} takes no value (see ${see})`;
    }
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `${where}unexpected argument ${quoted ?? ex.message} (see ${see})`;
    default:
      return `${where}${ex.message} (see ${see})`;
  }
}

export async function runCli(argv: readonly string[], rawIo: CliIO, options: RunOptions = {}): Promise<number> {
  // Terminal rule: everything the CLI prints goes through the one sanitizer (src/shared/escape.ts); errors are
  // single lines (terminalLine), so a name with a newline or ESC cannot forge or split output.
  // The one control sequence the CLI writes itself, as a write of its own: erasing profile's status line.
  const io: CliIO = { ...rawIo, stdout: (s) => rawIo.stdout(terminalText(s)), stderr: (s) => rawIo.stderr(s === ERASE_LINE ? s : terminalText(s)) };
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
      const topic = command === 'help' ? rest[0] : undefined;
      if (topic !== undefined && !isCommand(topic)) throw new CliError(`help: unknown command '${topic}' (commands: ${Object.keys(COMMANDS).join(', ')})`);
      io.stdout(topic !== undefined ? (await COMMANDS[topic]!()).help : help);
      return command === undefined ? ExitCode.badInput : ExitCode.ok;
    }
    if (command === '-v' || command === '--version') {
      io.stdout(`${version()}\n`);
      return ExitCode.ok;
    }
    if (!isCommand(command)) {
      throw new CliError(command.startsWith('-')
        ? `unknown option ${command} (see ml-preflight --help)`
        : `unknown command '${command}' (commands: ${Object.keys(COMMANDS).join(', ')}; see ml-preflight --help)`);
    }
    const loaded = await COMMANDS[command]!();
    return await loaded.run(rest, io, options);
  } catch (ex) {
    if (ex instanceof CliError) {
      io.stderr(`ml-preflight: ${terminalLine(ex.message)}\n`);
      return ex.exitCode;
    }
    // parseArgs usage errors (unknown option, missing value) are the user's, not ours.
    const code = (ex as { code?: string }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`ml-preflight: ${terminalLine(usageMessage(command, ex as Error & { code: string }))}\n`);
      return ExitCode.badInput;
    }
    io.stderr(`ml-preflight: internal error (please report it): ${ex instanceof Error ? (ex.stack ?? ex.message) : String(ex)}\n`);
    return ExitCode.internal;
  }
}
