/**
 * Follows values across Python code: module constants, imports from other modules of the project, YAML/JSON
 * configs read with the usual loaders, dataclass / pydantic / argparse defaults, `self.x` set in `__init__`,
 * and function parameters (defaults, or the literal argument every call site of the module passes).
 * Anything else evaluates to `unknown`; the analysis never guesses a value.
 */
import { libraryConstant } from './library';
import { callArgs, enclosingFunction, type Binding, type ClassInfo, type FunctionInfo, type ModuleIndex } from './moduleIndex';
import type { SkewProject } from './project';
import { dottedName, field, type PyNode } from './pyAst';
import { dictGet, numbers, sameValue, UNKNOWN, type Origin, type Value } from './values';

const MAX_DEPTH = 24;

/** Canonical prefixes so that aliases of one library compare equal (`tensorflow.keras.layers` → `keras.layers`). */
const CANONICAL_PREFIXES: Array<[string, string]> = [
  ['torchvision.transforms.v2.functional.', 'torchvision.transforms.functional.'],
  ['torchvision.transforms.v2.', 'torchvision.transforms.'],
  ['tensorflow.keras.layers.experimental.preprocessing.', 'keras.layers.'],
  ['tf.keras.layers.experimental.preprocessing.', 'keras.layers.'],
  ['keras.layers.experimental.preprocessing.', 'keras.layers.'],
  ['tensorflow.keras.', 'keras.'],
  ['tf.keras.', 'keras.'],
  ['tensorflow.', 'tf.'],
  ['keras.src.layers.', 'keras.layers.'],
  ['PIL.Image.Resampling.', 'PIL.Image.'],
  ['Image.Resampling.', 'PIL.Image.'],
  ['torchvision.transforms.InterpolationMode.', 'InterpolationMode.'],
  ['torchvision.transforms.functional.InterpolationMode.', 'InterpolationMode.'],
];

export function canonicalize(name: string): string {
  for (const [from, to] of CANONICAL_PREFIXES) if (name.startsWith(from)) return to + name.slice(from.length);
  return name;
}

export function originOf(mod: ModuleIndex, n: PyNode, literal: boolean): Origin {
  return { file: mod.file, row: n.row, col: n.col, endRow: n.endRow, endCol: n.endCol, text: mod.source.slice(n.start, n.end), literal };
}

export class Evaluator {
  private depth = 0;
  private readonly active = new Set<PyNode>();
  private readonly resolving = new Set<string>();

  constructor(readonly project: SkewProject) {}

  /** Canonical dotted name of a callee or constant (`T.Resize` → `torchvision.transforms.Resize`), or undefined. */
  canonicalName(node: PyNode | undefined, mod: ModuleIndex): string | undefined {
    const dotted = dottedName(node);
    if (!dotted) return undefined;
    const dot = dotted.indexOf('.');
    const head = dot < 0 ? dotted : dotted.slice(0, dot);
    const rest = dot < 0 ? '' : dotted.slice(dot);
    const imported = mod.imports.get(head);
    if (imported) return canonicalize(imported + rest);
    return canonicalize(dotted);
  }

  eval(node: PyNode | undefined, mod: ModuleIndex): Value {
    if (!node) return UNKNOWN;
    if (this.depth > MAX_DEPTH || this.active.has(node)) return UNKNOWN;
    this.depth++;
    this.active.add(node);
    try {
      return this.evalInner(node, mod);
    } finally {
      this.active.delete(node);
      this.depth--;
    }
  }

  private evalInner(n: PyNode, mod: ModuleIndex): Value {
    switch (n.type) {
      case 'integer': {
        const t = n.text.replace(/_/g, '').toLowerCase();
        const v = t.startsWith('0x') ? parseInt(t, 16) : t.startsWith('0o') ? parseInt(t.slice(2), 8) : t.startsWith('0b') ? parseInt(t.slice(2), 2) : Number(t.replace(/l$/, ''));
        return { k: 'num', v, o: originOf(mod, n, true) };
      }
      case 'float':
        return { k: 'num', v: Number(n.text.replace(/_/g, '')), o: originOf(mod, n, true) };
      case 'string': {
        if (n.children.some((c) => c.type === 'interpolation')) return UNKNOWN;
        const text = n.children.filter((c) => c.type === 'string_content' || c.type === 'escape_sequence').map((c) => unescape(c.text)).join('');
        return { k: 'str', v: text, o: originOf(mod, n, true) };
      }
      case 'concatenated_string': {
        let s = '';
        for (const c of n.children) {
          const v = this.eval(c, mod);
          if (v.k !== 'str') return UNKNOWN;
          s += v.v;
        }
        return { k: 'str', v: s, o: originOf(mod, n, false) };
      }
      case 'true':
      case 'false':
        return { k: 'bool', v: n.type === 'true', o: originOf(mod, n, true) };
      case 'none':
        return { k: 'none', o: originOf(mod, n, true) };
      case 'list':
      case 'tuple':
      case 'expression_list':
      case 'set': {
        const items: Value[] = [];
        for (const c of n.children) {
          if (c.type === 'list_splat') {
            const inner = this.eval(c.children[0], mod);
            if (inner.k !== 'list') return UNKNOWN;
            items.push(...inner.items);
          } else items.push(this.eval(c, mod));
        }
        const literal = items.every((i) => i.k !== 'unknown' && i.o?.literal !== false && i.o?.file === mod.file);
        return { k: 'list', items, tuple: n.type === 'tuple' || n.type === 'expression_list', o: originOf(mod, n, literal) };
      }
      case 'dictionary': {
        const entries: Array<[Value, Value]> = [];
        for (const c of n.children) {
          if (c.type === 'pair') entries.push([this.eval(field(c, 'key'), mod), this.eval(field(c, 'value'), mod)]);
          else if (c.type === 'dictionary_splat') {
            const inner = this.eval(c.children[0], mod);
            if (inner.k === 'dict') entries.push(...inner.entries);
          }
        }
        return { k: 'dict', entries, o: originOf(mod, n, false) };
      }
      case 'parenthesized_expression':
        return this.eval(n.children[0], mod);
      case 'unary_operator': {
        const v = this.eval(field(n, 'argument') ?? n.children[0], mod);
        if (n.op === '-' && v.k === 'num') return { k: 'num', v: -v.v, o: originOf(mod, n, true) };
        if (n.op === '+' && v.k === 'num') return v;
        return UNKNOWN;
      }
      case 'binary_operator':
        return this.evalBinary(n, mod);
      case 'identifier':
        return this.resolveName(n.text, n, mod);
      case 'attribute':
        return this.evalAttribute(n, mod);
      case 'subscript': {
        const base = this.eval(field(n, 'value'), mod);
        const sub = this.eval(field(n, 'subscript'), mod);
        if (sub.k === 'str' || sub.k === 'num') return dictGet(base, sub.v) ?? UNKNOWN;
        return UNKNOWN;
      }
      case 'call':
        return this.evalCall(n, mod);
      case 'lambda':
        return this.eval(field(n, 'body'), mod);
      case 'conditional_expression': {
        // `a if cond else b`: equal branches are the value; a guard with an empty fallback
        // (`ctx.cfg if hasattr(ctx, "cfg") else {}`) is the guarded value; anything else is unknown.
        const [yes, cond, no] = n.children;
        const a = this.eval(yes, mod);
        const b = this.eval(no, mod);
        if (sameValue(a, b)) return a;
        const emptyFallback = (x: Value): boolean => x.k === 'none' || (x.k === 'dict' && !x.entries.length) || (x.k === 'list' && !x.items.length);
        const guard = cond ? /^(hasattr|getattr|isinstance)\(|\bis not None\b|^\w+(\.\w+)*$/.test(mod.source.slice(cond.start, cond.end).trim()) : false;
        if (guard && a.k !== 'unknown' && emptyFallback(b)) return a;
        return UNKNOWN;
      }
      case 'expression_statement':
        return this.eval(n.children[0], mod);
      case 'keyword_argument':
        return this.eval(field(n, 'value'), mod);
      default:
        return UNKNOWN;
    }
  }

  private evalBinary(n: PyNode, mod: ModuleIndex): Value {
    const l = this.eval(field(n, 'left'), mod);
    const r = this.eval(field(n, 'right'), mod);
    const op = n.op;
    if (l.k === 'num' && r.k === 'num') {
      const a = l.v;
      const b = r.v;
      const v = op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : op === '/' ? a / b : op === '//' ? Math.floor(a / b) : op === '**' ? a ** b : op === '%' ? a % b : NaN;
      return Number.isFinite(v) ? { k: 'num', v, o: originOf(mod, n, false) } : UNKNOWN;
    }
    if (op === '+' && l.k === 'list' && r.k === 'list') return { k: 'list', items: [...l.items, ...r.items], tuple: l.tuple, o: originOf(mod, n, false) };
    if (op === '+' && l.k === 'str' && r.k === 'str') return { k: 'str', v: l.v + r.v, o: originOf(mod, n, false) };
    if (op === '/' && r.k === 'str' && (l.k === 'file' || /\.(ya?ml|json)$/i.test(r.v))) {
      return { k: 'file', path: l.k === 'file' && !/^(\.|__file__)/.test(l.path) ? `${l.path}/${r.v}` : r.v };
    }
    // Element-wise number lists (`[0.485, 0.456, 0.406] * 255` is not Python, but np.array(...) * 255 is).
    const ln = l.k === 'list' ? numbers(l) : undefined;
    const rn = r.k === 'list' ? numbers(r) : undefined;
    if ((ln || l.k === 'num') && (rn || r.k === 'num') && (ln || rn) && op && '+-*/'.includes(op)) {
      const len = Math.max(ln?.length ?? 1, rn?.length ?? 1);
      const items: Value[] = [];
      for (let i = 0; i < len; i++) {
        const a = ln ? ln[i % ln.length] : (l as { v: number }).v;
        const b = rn ? rn[i % rn.length] : (r as { v: number }).v;
        items.push({ k: 'num', v: op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : a / b });
      }
      return { k: 'list', items, o: originOf(mod, n, false) };
    }
    return UNKNOWN;
  }

  /** The value a name has at `use` (locals before the use, parameters, module globals, imports). */
  resolveName(name: string, use: PyNode, mod: ModuleIndex): Value {
    for (let fn = enclosingFunction(mod, use); fn; fn = enclosingFunction(mod, fn.node)) {
      const b = lastBinding(fn.locals.get(name), use.start);
      if (b) return this.evalBinding(b, mod);
      const p = fn.params.find((x) => x.name === name);
      if (p) return this.evalParam(fn, p, mod);
    }
    const globals = mod.globals.get(name);
    if (globals?.length) {
      const atModuleLevel = !enclosingFunction(mod, use);
      const b = atModuleLevel ? lastBinding(globals, use.start) ?? globals[0] : lastAssign(globals);
      if (b) return this.evalBinding(b, mod);
    }
    const from = mod.fromImports.get(name);
    if (from) {
      const target = this.project.resolveImport(mod.file, from.module);
      if (target) {
        const other = this.project.module(target);
        if (other && other !== mod) {
          const v = this.globalOf(other, from.name);
          if (v) return v;
        }
      }
      // `from pkg import submodule`
      const sub = this.project.resolveImport(mod.file, `${from.module}${from.module.endsWith('.') ? '' : '.'}${from.name}`);
      if (sub) return { k: 'ref', name: `module:${sub}` };
    }
    const imported = mod.imports.get(name);
    if (imported) return libraryConstant(canonicalize(imported)) ?? { k: 'ref', name: canonicalize(imported) };
    return { k: 'ref', name };
  }

  /** A module-level name of another module (`from config import MEAN`); import cycles end as unknown. */
  globalOf(mod: ModuleIndex, name: string): Value | undefined {
    const key = `${mod.file}\0${name}`;
    if (this.resolving.has(key) || this.resolving.size > MAX_DEPTH) return UNKNOWN;
    this.resolving.add(key);
    try {
      return this.globalOfInner(mod, name);
    } finally {
      this.resolving.delete(key);
    }
  }

  private globalOfInner(mod: ModuleIndex, name: string): Value | undefined {
    const b = lastAssign(mod.globals.get(name));
    if (b) return this.evalBinding(b, mod);
    if (mod.fromImports.has(name)) return this.resolveName(name, mod.root, mod);
    if (mod.classes.has(name)) return { k: 'ref', name: `class:${mod.file}:${name}` };
    return undefined;
  }

  private evalBinding(b: Binding, mod: ModuleIndex): Value {
    if (!b.value) return UNKNOWN;
    if (b.kind === 'loop' || b.kind === 'augmented') return UNKNOWN;
    const v = this.eval(b.value, mod);
    if (b.index !== undefined) return v.k === 'list' ? v.items[b.index] ?? UNKNOWN : UNKNOWN;
    return v;
  }

  private evalParam(fn: FunctionInfo, p: FunctionInfo['params'][number], mod: ModuleIndex): Value {
    // Literal arguments at the call sites of this module win over the default when they all agree.
    const calls = mod.callsByName.get(fn.name) ?? [];
    const offset = fn.className && fn.params[0]?.name === 'self' ? 1 : 0;
    let agreed: Value | undefined;
    let seen = 0;
    for (const call of calls) {
      const callee = dottedName(field(call, 'function'));
      if (!callee || (fn.className ? !callee.endsWith(`.${fn.name}`) : callee !== fn.name)) continue;
      const { positional, keywords, star } = callArgs(call);
      if (star) return p.default ? this.eval(p.default, mod) : UNKNOWN;
      const argNode = keywords.get(p.name) ?? positional[p.index - offset];
      if (!argNode) continue;
      seen++;
      const v = this.eval(argNode, mod);
      if (v.k === 'unknown') return p.default ? this.eval(p.default, mod) : UNKNOWN;
      if (agreed && !sameValue(agreed, v)) return UNKNOWN;
      agreed = v;
    }
    if (agreed && seen) return agreed;
    return p.default ? this.eval(p.default, mod) : UNKNOWN;
  }

  private evalAttribute(n: PyNode, mod: ModuleIndex): Value {
    const objNode = field(n, 'object');
    const attr = field(n, 'attribute')?.text ?? '';
    if (!objNode) return UNKNOWN;
    if (objNode.type === 'identifier' && objNode.text === 'self') {
      const fn = enclosingFunction(mod, n);
      const cls = fn?.className ? mod.classes.get(fn.className) : undefined;
      if (cls) {
        const assigned = cls.selfAssigns.get(attr);
        if (assigned && !(fn && fn.name === '__init__' && assigned.start > n.start)) return this.eval(assigned, mod);
        if (cls.dataclass && cls.fields.has(attr)) {
          // A dataclass "bundle" (torchaudio's `RNNTBundle(_sample_rate=16000, …)`): its methods see the fields of
          // the module's instances; the value when every instance agrees.
          const inst = this.instancesField(mod, cls, attr);
          if (inst) return inst;
        }
        if (cls.fields.has(attr)) return this.eval(cls.fields.get(attr), mod);
        // `@property def sample_rate(self): return self._sample_rate`
        const prop = [...mod.functionByNode.values()].find((f) => f.className === cls.name && f.name === attr && isProperty(mod, f.node));
        const ret = prop ? lastReturn(prop.node) : undefined;
        if (ret) return this.eval(ret, mod);
      }
      return UNKNOWN;
    }
    // TorchServe's Context.model_yaml_config: the YAML given to torch-model-archiver --config-file, kept next to the
    // handler by convention (model-config.yaml). Read when exactly that file is there.
    if (attr === 'model_yaml_config' && objNode.type === 'identifier' && /^(ctx|context)$/.test(objNode.text)) {
      for (const name of ['model-config.yaml', 'model_config.yaml', 'model-config.yml']) {
        const cfg = this.project.loadConfig(mod.file, name);
        if (cfg && cfg.k !== 'none') return cfg;
      }
      return UNKNOWN;
    }
    const obj = this.eval(objNode, mod);
    if (obj.k === 'ref') {
      if (obj.name.startsWith('module:')) {
        const other = this.project.module(obj.name.slice(7));
        return (other && this.globalOf(other, attr)) ?? UNKNOWN;
      }
      if (obj.name.startsWith('class:')) return UNKNOWN;
      // `import config` / `import pkg.constants as C` of the project.
      const target = this.project.resolveImport(mod.file, obj.name);
      if (target) {
        const other = this.project.module(target);
        if (other && other !== mod) return this.globalOf(other, attr) ?? UNKNOWN;
      }
      const full = canonicalize(`${obj.name}.${attr}`);
      const c = libraryConstant(full);
      if (c) return { ...c, o: originOf(mod, n, false) } as Value;
      return { k: 'ref', name: full, o: originOf(mod, n, false) };
    }
    if (obj.k === 'dict' || obj.k === 'obj') return dictGet(obj, attr) ?? UNKNOWN;
    if (obj.k === 'unknown') {
      // `args.image_size` (argparse) or `cfg.image_size` (a dataclass whose instance we could not follow).
      const fromArgparse = this.lookupArgparse(mod, attr);
      if (fromArgparse) return fromArgparse;
      let hit: Value | undefined;
      let count = 0;
      for (const cls of mod.classes.values()) {
        if (cls.dataclass && cls.fields.has(attr)) {
          count++;
          hit = this.eval(cls.fields.get(attr), mod);
        }
      }
      if (count === 1 && hit) return hit;
    }
    return UNKNOWN;
  }

  /** A field of a dataclass as the module-level instances set it (`B = Bundle(_sr=16000)`), when they all agree. */
  private instancesField(mod: ModuleIndex, cls: ClassInfo, attr: string): Value | undefined {
    const order = [...cls.fields.keys()];
    let agreed: Value | undefined;
    let seen = 0;
    for (const bindings of mod.globals.values()) {
      for (const b of bindings) {
        const call = b.value;
        if (b.kind !== 'assign' || call?.type !== 'call' || dottedName(field(call, 'function')) !== cls.name) continue;
        const { positional, keywords, star } = callArgs(call);
        if (star) return undefined;
        const arg = keywords.get(attr) ?? positional[order.indexOf(attr)];
        const v = arg ? this.eval(arg, mod) : cls.fields.get(attr) ? this.eval(cls.fields.get(attr), mod) : UNKNOWN;
        if (v.k === 'unknown' || (agreed && !sameValue(agreed, v))) return undefined;
        agreed = v;
        seen++;
        if (seen > 50) return undefined;
      }
    }
    return agreed;
  }

  private lookupArgparse(mod: ModuleIndex, dest: string): Value | undefined {
    if (mod.argparse.has(dest)) {
      const def = mod.argparse.get(dest);
      return def ? this.eval(def, mod) : undefined;
    }
    return undefined;
  }

  private evalCall(n: PyNode, mod: ModuleIndex): Value {
    const fnNode = field(n, 'function');
    const { positional, keywords } = callArgs(n);
    const arg = (i: number, kw?: string): PyNode | undefined => (kw ? keywords.get(kw) : undefined) ?? positional[i];
    if (fnNode?.type === 'attribute') {
      const method = field(fnNode, 'attribute')?.text ?? '';
      const recvNode = field(fnNode, 'object');
      const name = this.canonicalName(fnNode, mod);
      if (name === 'os.environ.get' || name === 'os.getenv') return this.eval(arg(1, 'default'), mod);
      if (!isLibraryCall(name)) {
        const recv = this.eval(recvNode, mod);
        if (method === 'get' && (recv.k === 'dict' || recv.k === 'obj')) {
          const key = this.eval(arg(0), mod);
          if (key.k === 'str' || key.k === 'num') return dictGet(recv, key.v) ?? this.eval(arg(1, 'default'), mod);
          return UNKNOWN;
        }
        if (['copy', 'tolist', 'astype', 'to', 'float', 'clone', 'detach', 'numpy', 'values', 'resolve', 'absolute', 'reshape', 'view', 'flatten', 'ravel', 'squeeze', 'unsqueeze', 'cpu', 'cuda'].includes(method)) {
          return recv.k === 'list' || recv.k === 'num' || recv.k === 'file' ? recv : UNKNOWN;
        }
        if ((method === 'read' || method === 'read_text') && recv.k === 'file') return recv;
        // Path(__file__).with_name("cfg.json"), Path(__file__).parent.joinpath("cfg.yaml"): a file next to the code.
        if ((method === 'with_name' || method === 'joinpath') && recv.k === 'file') {
          const seg = this.eval(arg(0), mod);
          if (seg.k === 'str') return { k: 'file', path: method === 'joinpath' && recv.path !== '.' && !/^(\.|__file__)/.test(recv.path) && !/\.(py|ya?ml|json)$/i.test(recv.path) ? `${recv.path}/${seg.v}` : seg.v };
        }
        if (method === 'open' && recv.k === 'file') return recv;
        if (method === 'split' && recv.k === 'str') {
          const sep = this.eval(arg(0), mod);
          return { k: 'list', items: recv.v.split(sep.k === 'str' ? sep.v : /\s+/).map((s) => ({ k: 'str', v: s.trim() }) as Value) };
        }
      }
    }
    const name = this.canonicalName(fnNode, mod);
    if (!name) return UNKNOWN;
    switch (name) {
      case 'numpy.array':
      case 'numpy.asarray':
      case 'numpy.float32':
      case 'numpy.float64':
      case 'torch.tensor':
      case 'torch.Tensor':
      case 'torch.as_tensor':
      case 'torch.FloatTensor':
      case 'tf.constant':
      case 'tf.convert_to_tensor':
      case 'list':
      case 'tuple':
      case 'copy.deepcopy':
      case 'copy.copy':
      case 'dict':
      case 'float':
      case 'int': {
        if (positional.length === 0 && keywords.size > 0 && name === 'dict') {
          const entries: Array<[Value, Value]> = [];
          for (const [k, v] of keywords) entries.push([{ k: 'str', v: k }, this.eval(v, mod)]);
          return { k: 'dict', entries, o: originOf(mod, n, false) };
        }
        if (positional.length === 0) return name === 'list' || name === 'tuple' ? { k: 'list', items: [], tuple: name === 'tuple' } : UNKNOWN;
        const v = this.eval(positional[0], mod);
        if (name === 'float' && v.k === 'num') return v;
        if (name === 'int' && v.k === 'num') return { ...v, v: Math.trunc(v.v) };
        if ((name === 'float' || name === 'int') && v.k === 'str' && v.v.trim() !== '' && Number.isFinite(Number(v.v))) return { k: 'num', v: Number(v.v) };
        if (name === 'tuple' && v.k === 'list') return { ...v, tuple: true };
        if (name === 'list' && v.k === 'list') return { ...v, tuple: false };
        return v;
      }
      case 'math.floor':
      case 'math.ceil':
      case 'round':
      case 'numpy.floor':
      case 'numpy.ceil': {
        // timm's eval resize: `math.floor(img_size / crop_pct)`.
        const v = this.eval(positional[0], mod);
        if (v.k !== 'num' || positional.length > 1) return UNKNOWN;
        const f = /floor/.test(name) ? Math.floor : /ceil/.test(name) ? Math.ceil : roundHalfEven;
        return { k: 'num', v: f(v.v), o: originOf(mod, n, false) };
      }
      case 'sorted': {
        const v = this.eval(positional[0], mod);
        if (v.k === 'list' && v.items.every((i) => i.k === 'str')) {
          return { k: 'list', items: [...v.items].sort((a, b) => ((a as { v: string }).v < (b as { v: string }).v ? -1 : 1)), o: v.o ? { ...v.o, literal: false } : undefined };
        }
        return UNKNOWN;
      }
      case 'math.sqrt':
      case 'numpy.sqrt': {
        const v = this.eval(positional[0], mod);
        if (v.k === 'num') return { k: 'num', v: Math.sqrt(v.v) };
        const ns = numbers(v);
        return ns && v.k === 'list' ? { k: 'list', items: ns.map((x) => ({ k: 'num', v: Math.sqrt(x) }) as Value) } : UNKNOWN;
      }
      case 'open':
      case 'io.open':
      case 'pathlib.Path':
      case 'Path': {
        const p = this.eval(positional[0], mod);
        return p.k === 'str' ? { k: 'file', path: p.v } : p.k === 'file' ? p : { k: 'file', path: '.' };
      }
      case 'os.path.join': {
        const last = this.eval(positional[positional.length - 1], mod);
        return last.k === 'str' ? { k: 'file', path: last.v } : UNKNOWN;
      }
      case 'yaml.safe_load':
      case 'yaml.load':
      case 'yaml.full_load':
      case 'yaml.unsafe_load':
      case 'json.load':
      case 'json.loads':
      case 'omegaconf.OmegaConf.load':
      case 'toml.load':
      case 'tomllib.load': {
        const src = this.eval(positional[0], mod);
        if (src.k === 'file') return this.project.loadConfig(mod.file, src.path) ?? UNKNOWN;
        if (src.k === 'str' && name === 'json.loads') {
          try {
            return fromJs(JSON.parse(src.v));
          } catch {
            return UNKNOWN;
          }
        }
        return UNKNOWN;
      }
      case 'dataclasses.field':
      case 'field':
      case 'pydantic.Field':
      case 'Field': {
        const def = keywords.get('default') ?? positional[0];
        if (def) return this.eval(def, mod);
        const factory = keywords.get('default_factory');
        if (factory?.type === 'lambda') return this.eval(field(factory, 'body'), mod);
        if (factory) {
          const f = this.canonicalName(factory, mod);
          if (f === 'list') return { k: 'list', items: [] };
          if (f === 'dict') return { k: 'dict', entries: [] };
        }
        return UNKNOWN;
      }
      default:
        break;
    }
    // A class of this module (dataclass / config object) or a zero-argument helper that returns a constant.
    const local = dottedName(fnNode);
    if (local && !local.includes('.')) {
      const cls = mod.classes.get(local);
      if (cls) return this.instantiate(cls.name, mod, n);
      const fn = mod.functions.get(local);
      if (fn && !fn.className) {
        const ret = helperReturn(fn);
        if (ret) return this.eval(ret, mod);
      }
      const from = mod.fromImports.get(local);
      if (from) {
        const target = this.project.resolveImport(mod.file, from.module);
        const other = target ? this.project.module(target) : undefined;
        const cls2 = other?.classes.get(from.name);
        if (other && cls2) return this.instantiate(cls2.name, other, n, mod);
        // `from pipelines.features import feature_columns` … `cols = feature_columns()`.
        const fn2 = other?.functions.get(from.name);
        const ret = fn2 && !fn2.className ? helperReturn(fn2) : undefined;
        if (other && ret) return this.eval(ret, other);
      }
    }
    return UNKNOWN;
  }

  private instantiate(clsName: string, clsMod: ModuleIndex, call: PyNode, callMod: ModuleIndex = clsMod): Value {
    const cls = clsMod.classes.get(clsName)!;
    const fields = new Map<string, Value>();
    const names = [...cls.fields.keys()];
    for (const [k, v] of cls.fields) fields.set(k, this.eval(v, clsMod));
    for (const [k, v] of cls.selfAssigns) if (!fields.has(k)) fields.set(k, this.eval(v, clsMod));
    const { positional, keywords } = callArgs(call);
    positional.forEach((p, i) => {
      if (names[i]) fields.set(names[i], this.eval(p, callMod));
    });
    for (const [k, v] of keywords) fields.set(k, this.eval(v, callMod));
    return { k: 'obj', cls: clsName, fields };
  }
}

function isLibraryCall(name: string | undefined): boolean {
  return !!name && /^(os|numpy|torch|tf|keras|yaml|json|omegaconf|cv2|PIL|pandas|sklearn)\./.test(name);
}

function lastBinding(list: Binding[] | undefined, before: number): Binding | undefined {
  if (!list) return undefined;
  let best: Binding | undefined;
  for (const b of list) if (b.start < before && b.kind !== 'augmented') best = b;
  return best;
}

function lastAssign(list: Binding[] | undefined): Binding | undefined {
  if (!list) return undefined;
  for (let i = list.length - 1; i >= 0; i--) if (list[i].kind === 'assign' || list[i].kind === 'with') return list[i];
  return undefined;
}

/** Python's round(): halves to even. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function isProperty(mod: ModuleIndex, fn: PyNode): boolean {
  const d = fn.parent;
  return d?.type === 'decorated_definition' && d.children.some((c) => c.type === 'decorator' && /^@\s*(functools\.)?(property|cached_property)\b/.test(mod.source.slice(c.start, c.end)));
}

/**
 * The expression a project helper returns, when its value does not depend on the call: a zero-parameter
 * function's last `return`, or the dict literal a function with parameters returns (its keys are fixed;
 * values that depend on the arguments evaluate to unknown). A function with several returns gives nothing.
 */
function helperReturn(fn: { node: PyNode; params: unknown[] }): PyNode | undefined {
  const ret = lastReturn(fn.node);
  if (!ret) return undefined;
  if (fn.params.length === 0) return ret;
  if (ret.type !== 'dictionary') return undefined;
  let returns = 0;
  walkReturns(field(fn.node, 'body'), () => returns++);
  return returns === 1 ? ret : undefined;
}

function walkReturns(n: PyNode | undefined, on: () => void): void {
  if (!n) return;
  if (n.type === 'return_statement') on();
  if (n.type === 'function_definition' || n.type === 'lambda' || n.type === 'class_definition') return;
  for (const c of n.children) walkReturns(c, on);
}

function lastReturn(fn: PyNode): PyNode | undefined {
  const body = field(fn, 'body');
  for (let i = (body?.children.length ?? 0) - 1; i >= 0; i--) {
    const s = body!.children[i];
    if (s.type === 'return_statement') return s.children[0];
  }
  return undefined;
}

function unescape(s: string): string {
  if (!s.startsWith('\\')) return s;
  const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0' };
  return map[s[1]] ?? s;
}

/** A parsed YAML/JSON value as a {@link Value}. */
export function fromJs(v: unknown): Value {
  if (v === null || v === undefined) return v === null ? { k: 'none' } : UNKNOWN;
  if (typeof v === 'number') return { k: 'num', v };
  if (typeof v === 'string') return { k: 'str', v };
  if (typeof v === 'boolean') return { k: 'bool', v };
  if (Array.isArray(v)) return { k: 'list', items: v.map(fromJs) };
  if (typeof v === 'object') return { k: 'dict', entries: Object.entries(v as Record<string, unknown>).map(([k, x]) => [{ k: 'str', v: k }, fromJs(x)] as [Value, Value]) };
  return UNKNOWN;
}
