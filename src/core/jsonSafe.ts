/**
 * JSON from workspace files (saved results, configs, `--profile` files) parsed with a nesting limit.
 * `JSON.parse` itself copes with 100,000 levels, but everything after it that recurses (`JSON.stringify`,
 * `structuredClone`, postMessage, our own walkers) overflows the stack and would surface as an internal
 * error; so depth is checked first, in one linear pass that skips string contents.
 */

/** Deepest nesting accepted: real result files nest fewer than 10 levels. */
export const MAX_JSON_DEPTH = 256;

/** The deepest `[`/`{` nesting of `text` outside strings (stops counting once past `limit`). */
export function jsonDepth(text: string, limit = Number.MAX_SAFE_INTEGER): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > max) {
        max = depth;
        if (max > limit) return max;
      }
    } else if (c === 93 || c === 125) depth--;
  }
  return max;
}

/**
 * `JSON.parse(text)` after checking the nesting depth.
 *
 * @throws SyntaxError for invalid JSON; RangeError (message `nested more than N levels deep`) past `maxDepth`.
 */
export function parseJsonBounded(text: string, maxDepth = MAX_JSON_DEPTH): unknown {
  if (jsonDepth(text, maxDepth) > maxDepth) throw new RangeError(`nested more than ${maxDepth} levels deep; refused`);
  return JSON.parse(text) as unknown;
}
