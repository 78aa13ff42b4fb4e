/** `--dim NAME=VALUE` (repeatable) for `inspect` and `diff`: values of named dynamic dims for the FLOP estimate. */
import { CliError } from './io';
import { sanitizeForTerminal } from './format/table';

/** Parses the `--dim` values; each must be `NAME=N` with N a positive integer. @throws CliError naming the command. */
export function parseDimOptions(command: string, list: readonly string[] | undefined): Record<string, number> {
  const dims: Record<string, number> = {};
  for (const text of list ?? []) {
    const i = text.lastIndexOf('=');
    const name = text.slice(0, i);
    const value = Number(text.slice(i + 1));
    if (i <= 0 || !Number.isSafeInteger(value) || value <= 0) {
      throw new CliError(`${command}: --dim expects NAME=N with N a positive integer, got '${sanitizeForTerminal(text, 80)}'`);
    }
    dims[name] = value;
  }
  return dims;
}
