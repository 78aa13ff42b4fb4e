/**
 * What one Python module defines, indexed once after parsing: imports (local name → canonical dotted name),
 * assignments per scope, functions, classes, argparse defaults, and every call in source order.
 */
import { dottedName, field, walk, type PyNode } from './pyAst';

/** One `name = value` (or `name: T = value`, `with … as name`, `for name in …`). */
export interface Binding {
  name: string;
  /** The right-hand side; undefined for loop targets and other unknowables. */
  value?: PyNode;
  /** The element index when the target was a tuple (`a, b = …`). */
  index?: number;
  /** The statement's start (bindings after the use site are ignored inside functions). */
  start: number;
  /** `with open(x) as f` binds f to the context expression. */
  kind: 'assign' | 'with' | 'loop' | 'augmented';
}

export interface FunctionInfo {
  node: PyNode;
  name: string;
  params: Array<{ name: string; default?: PyNode; index: number }>;
  locals: Map<string, Binding[]>;
  /** Enclosing class name for methods. */
  className?: string;
}

export interface ClassInfo {
  node: PyNode;
  name: string;
  dataclass: boolean;
  /** Class-level `name: T = default` / `name = default`. */
  fields: Map<string, PyNode | undefined>;
  /** `self.x = …` in methods. */
  selfAssigns: Map<string, PyNode>;
}

export interface ModuleIndex {
  file: string;
  source: string;
  root: PyNode;
  /** Local name → canonical dotted name (`np` → `numpy`, `MEAN` → `config.MEAN`). */
  imports: Map<string, string>;
  /** `from x import y`: local name → module spec (dotted, with leading dots for relative imports) and name. */
  fromImports: Map<string, { module: string; name: string }>;
  globals: Map<string, Binding[]>;
  functions: Map<string, FunctionInfo>;
  /** Function node → info (for scope lookup from any node). */
  functionByNode: Map<PyNode, FunctionInfo>;
  classes: Map<string, ClassInfo>;
  /** argparse: `dest` → default node (undefined when no default). */
  argparse: Map<string, PyNode | undefined>;
  calls: PyNode[];
  /** Calls by the dotted callee text (`preprocess`, `self.resize`) for call-site argument lookup. */
  callsByName: Map<string, PyNode[]>;
}

const SCOPES = new Set(['function_definition', 'lambda']);

export function indexModule(file: string, source: string, root: PyNode): ModuleIndex {
  const idx: ModuleIndex = {
    file,
    source,
    root,
    imports: new Map(),
    fromImports: new Map(),
    globals: new Map(),
    functions: new Map(),
    functionByNode: new Map(),
    classes: new Map(),
    argparse: new Map(),
    calls: [],
    callsByName: new Map(),
  };

  const scopeOf = (n: PyNode): FunctionInfo | undefined => {
    for (let p = n.parent; p; p = p.parent) {
      if (p.type === 'function_definition') return idx.functionByNode.get(p);
      if (p.type === 'lambda') return undefined;
    }
    return undefined;
  };
  const bind = (n: PyNode, b: Binding): void => {
    const fn = scopeOf(n);
    const map = fn ? fn.locals : idx.globals;
    const list = map.get(b.name);
    if (list) list.push(b);
    else map.set(b.name, [b]);
  };
  const bindTarget = (target: PyNode, value: PyNode | undefined, start: number, kind: Binding['kind'], index?: number): void => {
    if (target.type === 'identifier') bind(target, { name: target.text, value, start, kind, index });
    else if (target.type === 'pattern_list' || target.type === 'tuple_pattern' || target.type === 'list_pattern' || target.type === 'tuple') {
      target.children.forEach((c, i) => bindTarget(c, value, start, kind, i));
    }
  };

  // First pass: functions and classes (so that bindings find their scope).
  walk(root, (n) => {
    if (n.type === 'function_definition') {
      const name = field(n, 'name')?.text ?? '';
      const params: FunctionInfo['params'] = [];
      const ps = field(n, 'parameters');
      ps?.children.forEach((p, index) => {
        if (p.type === 'identifier') params.push({ name: p.text, index });
        else if (p.type === 'default_parameter' || p.type === 'typed_default_parameter') {
          params.push({ name: field(p, 'name')?.text ?? '', default: field(p, 'value'), index });
        } else if (p.type === 'typed_parameter') {
          const id = p.children.find((c) => c.type === 'identifier');
          if (id) params.push({ name: id.text, index });
        }
      });
      let className: string | undefined;
      const block = n.parent;
      if (block?.type === 'block' && block.parent?.type === 'class_definition') className = field(block.parent, 'name')?.text;
      else if (block?.type === 'decorated_definition' && block.parent?.type === 'block' && block.parent.parent?.type === 'class_definition') {
        className = field(block.parent.parent, 'name')?.text;
      }
      const info: FunctionInfo = { node: n, name, params, locals: new Map(), className };
      idx.functionByNode.set(n, info);
      if (!idx.functions.has(name) || !className) idx.functions.set(name, info);
    } else if (n.type === 'class_definition') {
      const name = field(n, 'name')?.text ?? '';
      const decorated = n.parent?.type === 'decorated_definition'
        ? n.parent.children.some((c) => c.type === 'decorator' && /dataclass|attr\.s|define|frozen/.test(idx.source.slice(c.start, c.end)))
        : false;
      const bases = field(n, 'superclasses');
      const pydantic = !!bases && /BaseModel|BaseSettings|NamedTuple|TypedDict/.test(idx.source.slice(bases.start, bases.end));
      const info: ClassInfo = { node: n, name, dataclass: decorated || pydantic, fields: new Map(), selfAssigns: new Map() };
      const body = field(n, 'body');
      for (const stmt of body?.children ?? []) {
        if (stmt.type !== 'expression_statement') continue;
        const a = stmt.children[0];
        if (a?.type !== 'assignment') continue;
        const left = field(a, 'left');
        if (left?.type === 'identifier') info.fields.set(left.text, field(a, 'right'));
      }
      idx.classes.set(name, info);
    }
  });

  walk(root, (n) => {
    switch (n.type) {
      case 'import_statement':
        for (const c of n.children) {
          if (c.type === 'dotted_name') {
            const full = idx.source.slice(c.start, c.end);
            idx.imports.set(full.split('.')[0], full.split('.')[0]);
            idx.imports.set(full, full);
          } else if (c.type === 'aliased_import') {
            const name = field(c, 'name');
            const alias = field(c, 'alias');
            if (name && alias) idx.imports.set(alias.text, idx.source.slice(name.start, name.end));
          }
        }
        break;
      case 'import_from_statement': {
        const modNode = field(n, 'module_name');
        const module = modNode ? idx.source.slice(modNode.start, modNode.end).replace(/\s+/g, '') : '';
        for (const c of n.children) {
          if (c === modNode) continue;
          let name: string | undefined;
          let local: string | undefined;
          if (c.type === 'dotted_name') name = local = idx.source.slice(c.start, c.end);
          else if (c.type === 'aliased_import') {
            name = idx.source.slice(field(c, 'name')!.start, field(c, 'name')!.end);
            local = field(c, 'alias')?.text;
          }
          if (name && local) {
            idx.fromImports.set(local, { module, name });
            idx.imports.set(local, `${module.replace(/^\.+/, '')}${module.replace(/^\.+/, '') ? '.' : ''}${name}`);
          }
        }
        break;
      }
      case 'assignment': {
        const left = field(n, 'left');
        const right = field(n, 'right');
        if (left) {
          bindTarget(left, right, n.start, 'assign');
          // self.x = … in methods
          if (left.type === 'attribute' && field(left, 'object')?.text === 'self' && right) {
            const fn = scopeOf(n);
            const cls = fn?.className ? idx.classes.get(fn.className) : undefined;
            const attr = field(left, 'attribute')?.text;
            // The first assignment wins, except a placeholder (`self.cfg = None` in __init__, filled in initialize()).
            const prev = cls && attr ? cls.selfAssigns.get(attr) : undefined;
            if (cls && attr && (!prev || (isPlaceholder(prev) && !isPlaceholder(right)))) cls.selfAssigns.set(attr, right);
          }
        }
        // `x = y = v`
        if (right?.type === 'assignment') {
          const inner = field(right, 'right');
          if (left) bindTarget(left, inner, n.start, 'assign');
        }
        break;
      }
      case 'augmented_assignment': {
        const left = field(n, 'left');
        if (left?.type === 'identifier') bind(n, { name: left.text, value: n, start: n.start, kind: 'augmented' });
        break;
      }
      case 'with_item': {
        const v = field(n, 'value');
        if (v?.type === 'as_pattern') {
          const target = v.children.find((c) => c.field === 'alias') ?? v.children[v.children.length - 1];
          const ctx = v.children[0];
          const id = target?.type === 'as_pattern_target' ? target.children[0] : target;
          if (id?.type === 'identifier') bind(n, { name: id.text, value: ctx, start: n.start, kind: 'with' });
        }
        break;
      }
      case 'for_statement':
      case 'for_in_clause': {
        const left = field(n, 'left');
        if (left) bindTarget(left, field(n, 'right'), n.start, 'loop');
        break;
      }
      case 'call': {
        idx.calls.push(n);
        const fnText = dottedName(field(n, 'function'));
        if (fnText) {
          const last = fnText.slice(fnText.lastIndexOf('.') + 1);
          for (const key of new Set([fnText, last])) {
            const list = idx.callsByName.get(key);
            if (list) list.push(n);
            else idx.callsByName.set(key, [n]);
          }
          if (last === 'add_argument') indexArgparse(idx, n);
        }
        break;
      }
      default:
        break;
    }
  });
  void SCOPES;
  return idx;
}

function indexArgparse(idx: ModuleIndex, call: PyNode): void {
  const args = field(call, 'arguments');
  if (!args) return;
  let dest: string | undefined;
  let def: PyNode | undefined;
  for (const a of args.children) {
    if (a.type === 'string' && dest === undefined) {
      const s = a.children.find((c) => c.type === 'string_content')?.text ?? '';
      if (s.startsWith('--') || !s.startsWith('-')) dest = s.replace(/^-+/, '').replace(/-/g, '_');
    } else if (a.type === 'keyword_argument') {
      const k = field(a, 'name')?.text;
      if (k === 'default') def = field(a, 'value');
      if (k === 'dest') dest = field(a, 'value')?.children.find((c) => c.type === 'string_content')?.text ?? dest;
    }
  }
  if (dest) idx.argparse.set(dest, def);
}

/** `None`, `{}`, `[]`, `()`, `''`: a value set only to be replaced later. */
function isPlaceholder(n: PyNode): boolean {
  if (n.type === 'none') return true;
  if (n.type === 'dictionary' || n.type === 'list' || n.type === 'tuple') return n.children.length === 0;
  return n.type === 'string' && n.end - n.start <= 2;
}

/** The function a node is in (innermost), if any. */
export function enclosingFunction(idx: ModuleIndex, node: PyNode): FunctionInfo | undefined {
  for (let p = node.parent; p; p = p.parent) if (p.type === 'function_definition') return idx.functionByNode.get(p);
  return undefined;
}

/** Positional and keyword arguments of a call. */
export function callArgs(call: PyNode): { positional: PyNode[]; keywords: Map<string, PyNode>; star: boolean } {
  const positional: PyNode[] = [];
  const keywords = new Map<string, PyNode>();
  let star = false;
  const args = field(call, 'arguments');
  for (const a of args?.children ?? []) {
    if (a.type === 'keyword_argument') {
      const k = field(a, 'name')?.text;
      const v = field(a, 'value');
      if (k && v) keywords.set(k, v);
    } else if (a.type === 'list_splat' || a.type === 'dictionary_splat') star = true;
    else positional.push(a);
  }
  if (args?.type === 'generator_expression') positional.push(args);
  return { positional, keywords, star };
}
