/**
 * A compact, plain-object Python syntax tree built from tree-sitter-python's CST: named nodes only, comments
 * dropped, leaf text kept. Plain objects outlive the wasm tree (which is freed right after conversion), so
 * parsed modules can be cached and walked without crossing into wasm again.
 */
// `require` (not `import`) so that esbuild bundles web-tree-sitter's CommonJS build: its ESM build reads
// `import.meta.url`, which is undefined in our CJS bundles.
import TreeSitter = require('web-tree-sitter');
type Parser = TreeSitter.Parser;
type Tree = TreeSitter.Tree;
const { Language, Parser } = TreeSitter;
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SkewParserError } from './parserError';

export interface PyNode {
  type: string;
  /** Field name in the parent (`function`, `arguments`, `left`, …) or undefined. */
  field?: string;
  /** 0-based row, 0-based column in UTF-16 code units. */
  row: number;
  col: number;
  endRow: number;
  endCol: number;
  start: number;
  end: number;
  /** Source text for leaves (identifier, integer, float, string_content, true/false/none, operators). */
  text: string;
  children: PyNode[];
  /** Operator of binary/augmented/unary/comparison nodes (`/`, `-`, `-=`, …). */
  op?: string;
  parent?: PyNode;
}

export interface ParsedModule {
  root: PyNode;
  /** True when tree-sitter recovered from syntax errors; what parsed is still analysed. */
  hasError: boolean;
  /** 1-based line of the first error, for the note. */
  errorLine?: number;
}

export { SkewParserError };

let parserPromise: Promise<Parser> | undefined;

/**
 * Where the two wasm files are: next to the bundle (`dist/`, copied by scripts/build.mjs), else in
 * node_modules (unit tests and tsx runs from the source tree).
 */
export function locateWasm(): { runtime: string; python: string } {
  const candidates = [
    __dirname,
    path.join(__dirname, '..'),
    path.resolve(__dirname, '..', '..', '..', 'dist'),
  ];
  for (const dir of candidates) {
    const runtime = path.join(dir, 'web-tree-sitter.wasm');
    const python = path.join(dir, 'tree-sitter-python.wasm');
    if (fs.existsSync(runtime) && fs.existsSync(python)) return { runtime, python };
  }
  // Source tree: resolve through node_modules.
  try {
    const runtime = require.resolve('web-tree-sitter/web-tree-sitter.wasm');
    const python = path.join(path.dirname(require.resolve('tree-sitter-python/package.json')), 'tree-sitter-python.wasm');
    if (fs.existsSync(runtime) && fs.existsSync(python)) return { runtime, python };
  } catch {
    // fall through
  }
  throw new SkewParserError('wasm-missing', `tree-sitter wasm files not found next to ${__dirname} (expected web-tree-sitter.wasm and tree-sitter-python.wasm)`);
}

/** The shared Python parser (loaded once per process). */
export function getParser(): Promise<Parser> {
  parserPromise ??= (async () => {
    const { runtime, python } = locateWasm();
    try {
      await Parser.init({ locateFile: () => runtime });
      const language = await Language.load(python);
      const parser = new Parser();
      parser.setLanguage(language);
      return parser;
    } catch (ex) {
      parserPromise = undefined;
      throw new SkewParserError('wasm-load', `could not load the Python grammar (${python}): ${ex instanceof Error ? ex.message : String(ex)}`);
    }
  })();
  return parserPromise;
}

const LEAF_TEXT = new Set(['identifier', 'integer', 'float', 'string_content', 'true', 'false', 'none', 'escape_sequence', 'ellipsis']);
const OP_NODES = new Set(['binary_operator', 'augmented_assignment', 'unary_operator', 'comparison_operator', 'boolean_operator']);

/** Parses Python source into a {@link PyNode} tree. */
export function parsePython(parser: Parser, source: string): ParsedModule {
  const tree: Tree | null = parser.parse(source);
  if (!tree) return { root: emptyModule(), hasError: true, errorLine: 1 };
  // Both the cursor and the tree are freed here, cursor first: web-tree-sitter's finalizers would otherwise
  // free them later, in any order, and a cursor freed after its tree corrupts the wasm heap.
  const cursor = tree.walk();
  try {
    let errorLine: number | undefined;
    const build = (parent: PyNode | undefined): PyNode => {
      const type = cursor.nodeType;
      const sp = cursor.startPosition;
      const ep = cursor.endPosition;
      const node: PyNode = {
        type,
        row: sp.row,
        col: sp.column,
        endRow: ep.row,
        endCol: ep.column,
        start: cursor.startIndex,
        end: cursor.endIndex,
        text: '',
        children: [],
        parent,
      };
      if ((type === "ERROR" || cursor.nodeIsMissing) && errorLine === undefined) errorLine = sp.row + 1;
      if (LEAF_TEXT.has(type)) node.text = source.slice(node.start, node.end);
      if (cursor.gotoFirstChild()) {
        do {
          if (cursor.nodeIsNamed) {
            const childType = cursor.nodeType;
            if (childType === 'comment') continue;
            const field = cursor.currentFieldName;
            const child = build(node);
            if (field) child.field = field;
            node.children.push(child);
          } else if (OP_NODES.has(type) && node.op === undefined && cursor.currentFieldName === 'operator') {
            node.op = cursor.nodeType;
          } else if (type === 'ERROR' && errorLine === undefined) {
            errorLine = sp.row + 1;
          } else if (cursor.nodeIsMissing && errorLine === undefined) {
            errorLine = cursor.startPosition.row + 1;
          }
        } while (cursor.gotoNextSibling());
        cursor.gotoParent();
      }
      if (OP_NODES.has(type) && node.op === undefined) {
        // `not x`, `a and b`: operators without a field name.
        const between = source.slice(node.children[0]?.end ?? node.start, node.children[1]?.start ?? node.end).trim();
        node.op = between || source.slice(node.start, node.children[0]?.start ?? node.end).trim();
      }
      return node;
    };
    const root = build(undefined);
    return { root, hasError: tree.rootNode.hasError, errorLine: tree.rootNode.hasError ? (errorLine ?? 1) : undefined };
  } finally {
    cursor.delete();
    tree.delete();
  }
}

function emptyModule(): PyNode {
  return { type: 'module', row: 0, col: 0, endRow: 0, endCol: 0, start: 0, end: 0, text: '', children: [] };
}

/** The child with field `name`. */
export function field(node: PyNode, name: string): PyNode | undefined {
  for (const c of node.children) if (c.field === name) return c;
  return undefined;
}

/** Dotted text of an identifier / attribute chain (`a.b.c`), or undefined for anything else. */
export function dottedName(node: PyNode | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === 'identifier') return node.text;
  if (node.type === 'attribute') {
    const obj = dottedName(field(node, 'object'));
    const attr = field(node, 'attribute');
    return obj && attr ? `${obj}.${attr.text}` : undefined;
  }
  return undefined;
}

/** Calls `visit` for every node, depth first in source order. */
export function walk(node: PyNode, visit: (n: PyNode) => void): void {
  const stack: PyNode[] = [node];
  while (stack.length) {
    const n = stack.pop()!;
    visit(n);
    for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]);
  }
}

/** The nearest enclosing node of one of `types`. */
export function ancestor(node: PyNode, types: ReadonlySet<string>): PyNode | undefined {
  for (let p = node.parent; p; p = p.parent) if (types.has(p.type)) return p;
  return undefined;
}
