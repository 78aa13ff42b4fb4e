/**
 * The error of the Python parser's loading (tree-sitter's wasm files), in a file of its own so that code which
 * only passes it on (the worker client, runSkewWorker.ts) does not pull web-tree-sitter into its bundle.
 */
export class SkewParserError extends Error {
  constructor(readonly reason: 'wasm-missing' | 'wasm-load', message: string) {
    super(message);
  }
  static is(ex: unknown, reason?: SkewParserError['reason']): ex is SkewParserError {
    return ex instanceof SkewParserError && (reason === undefined || ex.reason === reason);
  }
}
