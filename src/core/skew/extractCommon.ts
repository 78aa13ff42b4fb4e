/** Helpers shared by the extractors of each domain (extract.ts, extractText.ts, extractTabular.ts, extractAudio.ts). */
import type { Evaluator } from './evaluate';
import { originOf } from './evaluate';
import type { Fact, FixStyle } from './facts';
import { callArgs, enclosingFunction, type ModuleIndex } from './moduleIndex';
import { field, walk, type PyNode } from './pyAst';
import { numbers, type Value } from './values';

/** What one call looks like to the extractors: canonical callee, method, receiver and argument accessors. */
export interface CallSite {
  call: PyNode;
  /** Canonical dotted callee (`torchvision.transforms.Resize`), when it has one. */
  name?: string;
  /** Method name for `x.method(…)` calls, else ''. */
  method: string;
  recvNode?: PyNode;
  recvText: string;
  positional: PyNode[];
  keywords: Map<string, PyNode>;
  /** Argument node by position (or -1: keyword only) and keyword. */
  node: (i: number, kw?: string) => PyNode | undefined;
  /** Evaluated argument. */
  val: (i: number, kw?: string) => Value | undefined;
  /** The library call, for messages. */
  via: string;
}

export interface Ctx {
  mod: ModuleIndex;
  ev: Evaluator;
  facts: Fact[];
  /** Pixel expressions already composed into one affine map (their sub-expressions add no facts). */
  affine?: PyNode[];
  /** Per-channel in-place arithmetic (`img[..., 0] -= 104`) by enclosing function. */
  channels?: Map<PyNode, { mean: Array<{ v: number; node: PyNode } | undefined>; std: Array<{ v: number; node: PyNode } | undefined> }>;
}

export const numList = (xs: number[]): Value => ({ k: 'list', items: xs.map((v) => ({ k: 'num', v }) as Value), tuple: true });
export const strV = (v: string): Value => ({ k: 'str', v });
export const numV = (v: number): Value => ({ k: 'num', v });

/** Canonical interpolation name of a value (`cv2.INTER_NEAREST`, `InterpolationMode.BILINEAR`, `'bilinear'`, 0). */
export function interpolationName(v: Value, numbering: 'cv2' | 'pil' | 'none'): string | undefined {
  let s: string | undefined;
  if (v.k === 'ref') s = v.name.slice(v.name.lastIndexOf('.') + 1);
  else if (v.k === 'str') s = v.v;
  else if (v.k === 'num') {
    if (numbering === 'cv2') return ['nearest', 'bilinear', 'bicubic', 'area', 'lanczos'][v.v];
    if (numbering === 'pil') return ['nearest', 'lanczos', 'bilinear', 'bicubic', 'box', 'hamming'][v.v];
    return undefined;
  }
  if (!s) return undefined;
  const u = s.toUpperCase().replace(/^INTER_/, '');
  if (u === 'NEAREST' || u === 'NEAREST_EXACT') return 'nearest';
  if (u === 'LINEAR' || u === 'BILINEAR') return 'bilinear';
  if (u === 'CUBIC' || u === 'BICUBIC') return 'bicubic';
  if (u === 'AREA') return 'area';
  if (u.startsWith('LANCZOS') || u === 'ANTIALIAS') return 'lanczos';
  if (u === 'BOX') return 'box';
  if (u === 'HAMMING') return 'hamming';
  if (u === 'GAUSSIAN' || u === 'MITCHELLCUBIC') return u.toLowerCase();
  return undefined;
}

/** The names of the assignments, functions, classes and dict keys enclosing `node` (lower case). */
export function contextOf(mod: ModuleIndex, node: PyNode): string {
  const parts: string[] = [];
  for (let p = node.parent; p; p = p.parent) {
    if (p.type === 'function_definition' || p.type === 'class_definition') parts.push(field(p, 'name')?.text ?? '');
    else if (p.type === 'assignment') {
      const l = field(p, 'left');
      if (l) parts.push(mod.source.slice(l.start, l.end));
    } else if (p.type === 'pair') {
      const k = field(p, 'key');
      if (k) parts.push(mod.source.slice(k.start, k.end));
    } else if (p.type === 'keyword_argument') parts.push(field(p, 'name')?.text ?? '');
  }
  return parts.join(' ').toLowerCase();
}

/** String of a subscript like `df["age"]` (the column), else undefined. */
export function subscriptKey(ctx: Ctx, n: PyNode | undefined): string | undefined {
  if (!n) return undefined;
  if (n.type === 'subscript') {
    const v = ctx.ev.eval(field(n, 'subscript'), ctx.mod);
    // Keys of a statistics record (`stats["var"]`, `scaler["mean"]`) are not columns.
    if (v.k === 'str' && !STAT_KEY.test(v.v)) return v.v;
  }
  return undefined;
}

const STAT_KEY = /^(var|var_|variance|mean|mean_|std|std_|scale|scale_|min|max|min_|max_|median|mode|count|sum|center_|data_min_|data_max_|max_abs_|lo|hi|lower|upper)$/;

/** `req.age` on a request object or record (a plain name, not a module): the field as a column. */
function attributeKey(ctx: Ctx, n: PyNode): string | undefined {
  if (n.type !== 'attribute') return undefined;
  const obj = field(n, 'object');
  const attr = field(n, 'attribute')?.text;
  if (!obj || !attr || obj.type !== 'identifier' || ctx.mod.imports.has(obj.text) || /^(self|np|pd|math|torch|cls)$/.test(obj.text)) return undefined;
  if (STAT_KEY.test(attr) || /^(shape|size|dtype|values|index|columns|str|dt|iloc|loc|T|get|items|keys)$/.test(attr)) return undefined;
  // `obj.method(...)` is a call, not a field.
  if (n.parent?.type === 'call' && field(n.parent, 'function') === n) return undefined;
  return attr;
}

/** The column read inside `node` (first `x["col"]`, else the first `req.col`). */
export function innerColumn(ctx: Ctx, node: PyNode): string | undefined {
  let found: string | undefined;
  walk(node, (n) => {
    if (!found && n.type === 'subscript') found = subscriptKey(ctx, n);
  });
  if (found) return found;
  walk(node, (n) => {
    if (!found && n.type === 'attribute') found = attributeKey(ctx, n);
  });
  return found;
}

/** The column a value is assigned to (`df["x"] = …`), or the column read in `node`. */
export function columnOf(ctx: Ctx, call: PyNode, preferInner = false): string | undefined {
  if (preferInner) {
    const args = call.children.find((c) => c.type === 'argument_list');
    const inner = args ? innerColumn(ctx, args) : undefined;
    if (inner) return inner;
  }
  let p: PyNode | undefined = call;
  while (p?.parent && p.parent.type !== 'assignment' && p.parent.type !== 'expression_statement' && p.parent.type !== 'block') p = p.parent;
  if (p?.parent?.type === 'assignment') {
    const col = subscriptKey(ctx, field(p.parent, 'left'));
    if (col) return col;
  }
  return innerColumn(ctx, call);
}

export function add(ctx: Ctx, node: PyNode, key: string, value: Value, via: string, extra: Partial<Fact> = {}): void {
  // A default is only a default when every argument is written: `f(**cfg)` / `f(*args)` may set it.
  if (extra.isDefault && node.type === 'call' && hasSplat(node)) {
    value = { k: 'unknown' };
    extra = { ...extra, isDefault: false, shown: '? (set by **kwargs)', origin: undefined };
  }
  // A value read from a config file points at its line there (not a quick-fix target: literal is false).
  const origin = extra.origin ?? (value.o && (value.o.literal || value.o.config) ? value.o : undefined);
  ctx.facts.push({ key, value, node, mod: ctx.mod, via, context: contextOf(ctx.mod, node), origin, ...extra });
}

/** Adds `image.size` for a (H, W) pair or a shorter-side int. */
export function addSize(ctx: Ctx, node: PyNode, v: Value, order: 'hw' | 'wh', via: string, key = 'image.size', random = false): void {
  const ns = numbers(v);
  if (!ns) {
    // A resize/crop whose size we cannot follow: recorded so the step is not reported as missing.
    add(ctx, node, key, { k: 'unknown' }, via, { shown: '? (computed)', random, origin: undefined });
    return;
  }
  let hw: number[];
  let fixStyle: FixStyle | undefined = 'literal';
  if (ns.length === 1 && v.k !== 'list' && key === 'image.size') {
    add(ctx, node, key, { k: 'str', v: `shorter side ${ns[0]}` }, via, { shown: `shorter side ${ns[0]}`, random, fixStyle: undefined, origin: v.o?.literal ? v.o : undefined });
    return;
  } else if (ns.length === 1) hw = [ns[0], ns[0]]; // CenterCrop(224), Resize([224]): squares
  else if (ns.length === 2) hw = order === 'hw' ? ns : [ns[1], ns[0]];
  else return;
  if (order === 'wh') fixStyle = 'wh-size';
  let origin = v.o?.literal ? v.o : undefined;
  if (v.k === 'list' && v.items.length === 2 && v.items[0].o && v.items[0].o.row !== v.o?.row) {
    // (SIDE, SIDE) with SIDE = 320 elsewhere: the finding points at that literal (no quick fix: it is one number).
    const os = v.items.map((i) => i.o);
    if (os[0]?.literal && os.every((o) => o && o.file === os[0]!.file && o.row === os[0]!.row && o.col === os[0]!.col)) {
      origin = os[0];
      fixStyle = undefined;
    }
  }
  add(ctx, node, key, numList(hw), via, { shown: `${hw[0]}×${hw[1]} (H×W)`, random, fixStyle, origin });
}

export function addInterp(ctx: Ctx, node: PyNode, v: Value | undefined, numbering: 'cv2' | 'pil' | 'none', def: string, via: string, style: FixStyle, random = false): void {
  if (v && v.k === 'unknown') {
    // Written but not followed: unknown, not the default.
    add(ctx, node, 'image.interpolation', { k: 'unknown' }, via, { shown: '? (not resolved)', random });
    return;
  }
  const name = v ? interpolationName(v, numbering) : def;
  if (!name) return;
  const isDefault = !v;
  add(ctx, node, 'image.interpolation', strV(name), via, {
    shown: isDefault ? `${name} (default)` : name,
    isDefault,
    random,
    fixStyle: style,
    origin: !isDefault && v?.o ? { ...v.o, literal: true } : undefined,
  });
}

export function addClip(ctx: Ctx, call: PyNode, lo: Value | undefined, hi: Value | undefined, via: string, column?: string): void {
  const l = lo?.k === 'num' ? lo.v : null;
  const h = hi?.k === 'num' ? hi.v : null;
  if (l === null && h === null) return;
  // `s.clip(…)` on a column: that column; else the column assigned to or read.
  const fn = call.type === 'call' ? field(call, 'function') : undefined;
  const recv = fn?.type === 'attribute' ? field(fn, 'object') : undefined;
  const col = column ?? (recv?.type === 'subscript' ? subscriptKey(ctx, recv) : undefined) ?? columnOf(ctx, call) ?? '*';
  // The finding points at the literal that sets a bound (`MAX_RATIO = 8.0`) when there is one.
  const bound = h !== null ? hi : lo;
  const origin = bound?.o && bound.o.row !== call.row ? { ...bound.o, literal: true } : undefined;
  add(ctx, call, `any.clip:${col}`, { k: 'list', items: [l === null ? { k: 'none' } : numV(l), h === null ? { k: 'none' } : numV(h)], tuple: true }, via, {
    name: col,
    shown: `[${l ?? '-∞'}, ${h ?? '+∞'}]`,
    ...(origin ? { origin } : {}),
  });
}

export function containsStatCall(n: PyNode): boolean {
  let found = false;
  walk(n, (c) => {
    if (found || c.type !== 'call') return;
    const f = field(c, 'function');
    if (f?.type === 'attribute') {
      const m = field(f, 'attribute')?.text;
      const args = field(c, 'arguments');
      if ((m === 'mean' || m === 'median' || m === 'std' || m === 'var' || m === 'mode' || m === 'quantile') && (args?.children.length ?? 0) <= 1) found = true;
    }
  });
  return found;
}

export function dateOf(ctx: Ctx, n: PyNode): { value: string; shown: string; origin?: ReturnType<typeof originOf> } | undefined {
  let target: PyNode | undefined = n.type === 'parenthesized_expression' ? n.children[0] : n;
  if (target?.type === 'identifier') {
    const b = ctx.mod.globals.get(target.text)?.at(-1) ?? enclosingFunction(ctx.mod, n)?.locals.get(target.text)?.at(-1);
    target = b?.value;
  }
  if (target?.type !== 'call') return undefined;
  const name = ctx.ev.canonicalName(field(target, 'function'), ctx.mod) ?? '';
  if (/(\.now|\.today|\.utcnow)$/.test(name) && /^(pandas|datetime|numpy|time|arrow|pendulum)/.test(name)) return { value: 'now', shown: `${name}() (the time of the request)` };
  if (/^(pandas\.Timestamp|pandas\.to_datetime|datetime\.datetime|datetime\.date|numpy\.datetime64)$/.test(name)) {
    const a = callArgs(target).positional[0];
    const v = a ? ctx.ev.eval(a, ctx.mod) : undefined;
    if (v?.k === 'str') return v.v === 'now' || v.v === 'today' ? { value: 'now', shown: `${name}("${v.v}")` } : { value: 'fixed', shown: `${name}("${v.v}") (a fixed date)` };
    if (v?.k === 'num') return { value: 'fixed', shown: `${sliceText(ctx.mod, target)} (a fixed date)` };
  }
  return undefined;
}

export function moveaxisLayout(src: Value | undefined, dst: Value | undefined): string | undefined {
  if (src?.k !== 'num' || dst?.k !== 'num') return undefined;
  if ((src.v === -1 || src.v === 2) && dst.v === 0) return 'CHW';
  if (src.v === 0 && (dst.v === -1 || dst.v === 2)) return 'HWC';
  if ((src.v === -1 || src.v === 3) && dst.v === 1) return 'CHW';
  return undefined;
}

export function layoutOf(axes: number[] | undefined): string | undefined {
  const s = axes?.join(',');
  if (s === '2,0,1' || s === '0,3,1,2') return 'CHW';
  if (s === '1,2,0' || s === '0,2,3,1') return 'HWC';
  return undefined;
}

export function dtypeName(v: Value | undefined): string | undefined {
  if (!v) return undefined;
  const s = v.k === 'ref' ? v.name.slice(v.name.lastIndexOf('.') + 1) : v.k === 'str' ? v.v : undefined;
  if (!s) return undefined;
  const m = s.match(/^(float16|float32|float64|half|float|double|uint8|int8|int32|int64|bfloat16|f4|f8|u1)$/);
  if (!m) return undefined;
  return ({ half: 'float16', float: v.k === 'ref' && v.name.startsWith('torch') ? 'float32' : 'float64', double: 'float64', f4: 'float32', f8: 'float64', u1: 'uint8' } as Record<string, string>)[m[1]] ?? m[1];
}

export function isWithin(n: PyNode, outer: PyNode): boolean {
  return n.start >= outer.start && n.end <= outer.end;
}

export function sliceText(mod: ModuleIndex, n: PyNode): string {
  return mod.source.slice(n.start, n.end);
}

export function truncate(s: string): string {
  return s.length > 40 ? `${s.slice(0, 37)}…` : s;
}

export function fmtScale(v: number): string {
  return Math.abs(v * 255 - 1) < 1e-6 ? '1/255' : String(+v.toPrecision(4));
}


/** True when a call passes `*args` or `**kwargs`. */
export function hasSplat(call: PyNode): boolean {
  const args = call.children.find((c) => c.type === 'argument_list');
  return !!args && args.children.some((c) => c.type === 'dictionary_splat' || c.type === 'list_splat');
}

const UNIT_SECONDS: Record<string, number> = {
  s: 1, sec: 1, second: 1, seconds: 1, S: 1, T: 60, min: 60, minute: 60, minutes: 60, m: 60, h: 3600, H: 3600, hour: 3600, hours: 3600,
  d: 86400, D: 86400, day: 86400, days: 86400, w: 604800, W: 604800, week: 604800, weeks: 604800,
};

/** Seconds of a pandas offset alias or a duration string (`"7D"`, `"168H"`, `"30min"`, `"2 days"`). */
export function parseDuration(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)?\s*([A-Za-z]+)\s*$/.exec(text);
  if (!m) return undefined;
  const unit = UNIT_SECONDS[m[2]] ?? UNIT_SECONDS[m[2].toLowerCase()];
  return unit === undefined ? undefined : (m[1] ? Number(m[1]) : 1) * unit;
}

export function fmtDuration(secs: number): string {
  if (secs % 86400 === 0) return `${secs / 86400} day(s)`;
  if (secs % 3600 === 0) return `${secs / 3600} hour(s)`;
  if (secs % 60 === 0) return `${secs / 60} minute(s)`;
  return `${secs} s`;
}
