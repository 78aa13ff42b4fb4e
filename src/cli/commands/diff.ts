/** `ml-preflight diff <old.onnx> <new.onnx>` and `ml-preflight diff <model.onnx> --against <git-ref>` */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { diffModels } from '../../core/diff/diffModels';
import { DiffError } from '../../core/diff/errors';
import { readModelAtRef, type GitModel } from '../../core/diff/gitBlob';
import { formatDiffMarkdown } from '../../core/diff/markdown';
import { parseRelease } from '../../core/diff/ortReleases';
import { performanceFromProfiles } from '../../core/diff/performance';
import { baselineDir } from '../../core/profile/baseline';
import { OnnxInspectError } from '../../core/onnx/errors';
import { parseDimOptions } from '../dimOption';
import { formatDiffText } from '../format/diffText';
import { sanitizeForTerminal } from '../format/table';
import { CliError, ExitCode, type CliIO } from '../io';

export const diffHelp = `Usage: ml-preflight diff <old.onnx> <new.onnx> [options]
       ml-preflight diff <model.onnx> --against <git-ref> [options]

What changed between two ONNX models, and whether it breaks the deployed service.
Every serving-contract change is classified for a client of the service, with the reason:
  breaking       inputs/outputs removed or renamed, a new required input, dtype or rank
                 changes, a dynamic dim that became fixed or a fixed size that changed,
                 the batch axis lost (Triton batching), a custom op domain, missing
                 external data; opset/IR bumps past --ort
  compatible     a fixed dim that became dynamic, an output added, a batch axis gained
  informational  opset/IR bumps (with the first ONNX Runtime release that supports
                 them), renamed dynamic dims, moved inputs, ops added/removed
Then the model changes (parameters, weights by dtype, FLOPs, quantization, node count,
op histogram, metadata, preprocessing keys flagged) and the weights compared tensor by
tensor, streamed from disk (bounded memory).

With --against, the old model is read from git (git cat-file) at <git-ref>, with its
external data; a Git LFS pointer or a file missing at that ref is an error (exit 2).

Options:
  --against <ref>    compare <model.onnx> with its version at this commit/branch/tag
  --json             print the diff as JSON
  --markdown         print Markdown (pull-request comment, $GITHUB_STEP_SUMMARY)
  --contract-only    skip the weight comparison (reads only the graphs, not the weights)
  --ort <version>    ONNX Runtime release of the service (e.g. 1.17): an opset or IR
                     version it does not support is breaking
  --ep <name>        execution provider of the service (default cpu)
  --dim NAME=N       value of a named dynamic dim for the FLOP estimates (repeatable)
  --profiles <dir>   saved profiles to take the latency/memory delta from, matched by the
                     models' SHA-256 (default .mlpreflight/profiles when it exists)
  --budget-ms <ms>   latency budget the new model's p99 is checked against
  --fail-on <level>  breaking (default) | compatible | never
  -h, --help         show this help

Exit codes: 0 no breaking change; 1 breaking changes (with --fail-on compatible: any
contract change); 2 a model could not be read, the ref or the file at it is missing, or
the blob is a Git LFS pointer (one line on stderr names the file and the problem).
`;

export async function diffCommand(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      against: { type: 'string' },
      json: { type: 'boolean', default: false },
      markdown: { type: 'boolean', default: false },
      'contract-only': { type: 'boolean', default: false },
      ort: { type: 'string' },
      ep: { type: 'string', default: 'cpu' },
      dim: { type: 'string', multiple: true },
      profiles: { type: 'string' },
      'budget-ms': { type: 'string' },
      'fail-on': { type: 'string', default: 'breaking' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.stdout(diffHelp);
    return ExitCode.ok;
  }
  if (values.json && values.markdown) throw new CliError('diff: --json and --markdown cannot be combined');
  const failOn = values['fail-on'];
  if (failOn !== 'breaking' && failOn !== 'compatible' && failOn !== 'never') throw new CliError(`diff: --fail-on must be breaking, compatible or never (got '${sanitizeForTerminal(failOn, 40)}')`);
  let ortVersion: string | null = null;
  if (values.ort !== undefined) {
    ortVersion = parseRelease(values.ort);
    if (!ortVersion) throw new CliError(`diff: --ort wants a release such as 1.17 or 1.17.3 (got '${sanitizeForTerminal(values.ort, 40)}')`);
  }
  const dims = parseDimOptions('diff', values.dim);
  let budgetMs: number | undefined;
  if (values['budget-ms'] !== undefined) {
    budgetMs = Number(values['budget-ms']);
    if (!Number.isFinite(budgetMs) || budgetMs <= 0) throw new CliError(`diff: --budget-ms wants a positive number of milliseconds (got '${sanitizeForTerminal(values['budget-ms'], 40)}')`);
  }
  const against = values.against;
  if (against !== undefined ? positionals.length !== 1 : positionals.length !== 2) {
    throw new CliError(against !== undefined ? 'diff: with --against, give exactly one <model.onnx>' : 'diff: give <old.onnx> <new.onnx>, or <model.onnx> --against <git-ref> (see `ml-preflight diff --help`)');
  }

  let oldPath: string;
  let oldLabel: string;
  const newGiven = positionals[positionals.length - 1]!;
  const newPath = path.resolve(io.cwd, newGiven);
  let fromGit: GitModel | undefined;
  try {
    if (against !== undefined) {
      fromGit = await readModelAtRef(newPath, against, { signal: io.signal });
      oldPath = fromGit.path;
      oldLabel = `${newGiven} at ${against}`;
    } else {
      oldPath = path.resolve(io.cwd, positionals[0]!);
      oldLabel = positionals[0]!;
    }
    const profiles = path.resolve(io.cwd, values.profiles ?? baselineDir('.'));
    const performance = await performanceFromProfiles(profiles, oldPath, newPath, { ep: values.ep === 'cpu' && values.profiles === undefined ? undefined : values.ep, budgetMs, signal: io.signal });
    const diff = await diffModels(oldPath, newPath, {
      performance,
      signal: io.signal,
      initializers: !values['contract-only'],
      ep: values.ep,
      ortVersion,
      dims,
      labels: { old: oldLabel, new: newGiven },
    });
    if (fromGit) diff.old.path = `${against}:${newGiven}`;
    if (values.json) io.stdout(JSON.stringify(diff, null, 2) + '\n');
    else if (values.markdown) io.stdout(formatDiffMarkdown(diff) + '\n');
    else io.stdout(formatDiffText(diff));
    if (failOn === 'never') return ExitCode.ok;
    if (diff.counts.breaking > 0) return ExitCode.findings;
    if (failOn === 'compatible' && diff.counts.compatible > 0) return ExitCode.findings;
    return ExitCode.ok;
  } catch (ex) {
    if (OnnxInspectError.is(ex)) {
      const shown = fromGit && ex.file === fromGit.path ? fromGit.label : ex.file === newPath ? newGiven : ex.file === path.resolve(io.cwd, positionals[0] ?? '') ? positionals[0]! : ex.file;
      throw new CliError(`${sanitizeForTerminal(shown, 300)}: ${ex.reason}: ${sanitizeForTerminal(ex.detail, 400)}`);
    }
    if (DiffError.is(ex)) throw new CliError(`${sanitizeForTerminal(ex.file, 300)}: ${ex.reason}: ${sanitizeForTerminal(ex.detail, 400)}`);
    throw ex;
  } finally {
    await fromGit?.dispose();
  }
}
