/** `ml-preflight inspect <model.onnx>… [--json]` */
import { terminalLine } from '../../shared/escape';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { OnnxInspectError } from '../../core/onnx/errors';
import { inspectModel } from '../../core/onnx/inspect';
import type { ModelInspection } from '../../shared/modelInspection';
import { parseDimOptions } from '../dimOption';
import { formatInspection } from '../format/inspectText';
import { CliError, ExitCode, type CliIO } from '../io';

export const inspectHelp = `Usage: ml-preflight inspect <model.onnx>... [--json] [--dim NAME=N]

Reads an ONNX model's graph and metadata without loading its weights (cost grows with
the graph, not with the weights) and prints opsets, inputs/outputs with dynamic axes,
operators, parameters, weights by dtype, quantization, external data, batching and a
static FLOP estimate.

Options:
  --json      print JSON (one object, or an array when several models are given)
  --dim NAME=N  value of a named dynamic dim for the FLOP estimate (repeatable); sequence
              dims (seq, sequence, …) default to the metadata's length or 128, others to 1
  -h, --help  show this help

Exit codes: 0 inspected; 2 a model could not be read or is not a valid ONNX model
(one line on stderr names the file and the reason).
`;

export async function inspectCommand(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: 'boolean', default: false }, dim: { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h', default: false } },
  });
  if (values.help) {
    io.stdout(inspectHelp);
    return ExitCode.ok;
  }
  if (positionals.length === 0) throw new CliError('inspect: missing <model.onnx> (see `ml-preflight inspect --help`)');

  const dims = parseDimOptions('inspect', values.dim);
  const results: ModelInspection[] = [];
  let exit: number = ExitCode.ok;
  for (const given of positionals) {
    const abs = path.resolve(io.cwd, given);
    try {
      const inspection = await inspectModel(abs, { signal: io.signal, dims });
      results.push(inspection);
      if (!values.json) io.stdout((results.length > 1 ? '\n' : '') + formatInspection(inspection, given));
    } catch (ex) {
      if (!OnnxInspectError.is(ex)) throw ex;
      // One line naming the file as the user typed it, and the reason.
      io.stderr(`ml-preflight: ${terminalLine(`${given}: ${ex.reason}: ${ex.detail}`)}\n`);
      exit = ExitCode.badInput;
    }
  }
  if (values.json && results.length) {
    io.stdout(JSON.stringify(positionals.length === 1 ? results[0] : results, null, 2) + '\n');
  }
  return exit;
}
