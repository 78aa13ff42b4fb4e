/**
 * Tabular preprocessing facts (pandas, NumPy, scikit-learn): feature lists and order, missing-value fills,
 * statistics fitted or recomputed on the request, categorical maps and unknown handling, clipping, transforms,
 * windows.
 */
import { add, addClip, columnOf, containsStatCall, fmtDuration, innerColumn, parseDuration, sliceText, strV, subscriptKey, truncate, type CallSite, type Ctx } from './extractCommon';
import { callArgs, enclosingFunction } from './moduleIndex';
import { dottedName, field, type PyNode } from './pyAst';
import { strings, type Value } from './values';

/** Library calls; true when the call was one of them. */
export function extractTabularCall(ctx: Ctx, c: CallSite): boolean {
  const { call, val, via } = c;
  const name = c.name ?? '';
  switch (name) {
    case 'numpy.log1p':
    case 'numpy.log':
    case 'numpy.log2':
    case 'numpy.log10':
    case 'numpy.sqrt':
    case 'numpy.expm1':
    case 'numpy.exp':
    case 'math.log1p':
    case 'math.log':
    case 'math.log2':
    case 'math.log10':
    case 'math.sqrt':
    case 'math.expm1':
    case 'math.exp':
    case 'torch.log1p':
    case 'torch.log':
    case 'torch.sqrt': {
      const col = columnOf(ctx, call, true);
      if (!col) return true;
      // The target (`y = np.log1p(df["price"])`) and the model's output (`np.expm1(model.predict(X))`) are not features.
      let asg: PyNode | undefined = call.parent;
      while (asg && asg.type !== 'assignment' && asg.type !== 'block' && asg.type !== 'return_statement') asg = asg.parent;
      const target = asg?.type === 'assignment' ? sliceText(ctx.mod, field(asg, 'left') ?? asg) : '';
      if (/^(y|y_\w+|\w+_y|target|targets|label|labels|log_target)$/i.test(target.trim()) || /predict|\.run\(|model\(|session|\bsess\b|\bpreds?\b|output|logits/i.test(sliceText(ctx.mod, c.positional[0] ?? call)) || /^(predict|preds?|prediction|output|target|label)$/i.test(col)) return true;
      // Compared by function, whatever the module: np.log1p(x) == math.log1p(x) == np.log(x + 1).
      let fn = name.slice(name.lastIndexOf('.') + 1);
      const arg = c.positional[0];
      if (fn === 'log' && arg?.type === 'binary_operator' && arg.op === '+') {
        const r = ctx.ev.eval(field(arg, 'right'), ctx.mod);
        if (r.k === 'num') fn = r.v === 1 ? 'log1p' : `log(x + ${r.v})`;
      }
      add(ctx, call, `tabular.transform:${col}`, strV(fn), via, { name: col, shown: `${fn} (${name.replace('numpy.', 'np.')})` });
      return true;
    }
    case 'min':
    case 'max': {
      // min(max(x, lo), hi) / max(min(x, hi), lo): clipping written with the builtins.
      const inner = c.positional.find((a) => a.type === 'call' && /^(min|max)$/.test(field(a, 'function')?.text ?? ''));
      if (c.positional.length !== 2) return true;
      if (!inner) {
        // max(x, 1) / min(x, 8.0): a one-sided bound on a column.
        const vs = c.positional.map((a) => ctx.ev.eval(a, ctx.mod));
        const bi = vs.findIndex((v) => v.k === 'num');
        if (bi < 0 || vs.every((v) => v.k === 'num')) return true;
        const col = innerColumn(ctx, c.positional[1 - bi]);
        if (!col) return true;
        if (name === 'max') addClip(ctx, call, vs[bi], undefined, 'max()', col);
        else addClip(ctx, call, undefined, vs[bi], 'min()', col);
        return true;
      }
      if ((field(inner, 'function')?.text ?? '') === name) return true;
      const outerBound = c.positional.find((a) => a !== inner);
      const innerArgs = callArgs(inner).positional;
      if (innerArgs.length !== 2) return true;
      const vals = innerArgs.map((a) => ctx.ev.eval(a, ctx.mod));
      const bi = vals.findIndex((v) => v.k === 'num');
      if (bi < 0) return true;
      const ob = ctx.ev.eval(outerBound, ctx.mod);
      if (ob.k !== 'num') return true;
      const [lo, hi] = name === 'min' ? [vals[bi], ob] : [ob, vals[bi]];
      addClip(ctx, call, lo, hi, 'min/max');
      return true;
    }
    case 'str':
    case 'int':
    case 'float': {
      // `str(o.zip_code)` / `int(rec["store"])`: the type a code is read as.
      const arg = c.positional[0];
      if (!arg || c.positional.length !== 1 || !(arg.type === 'subscript' || arg.type === 'attribute')) return false;
      const col = innerColumn(ctx, arg);
      if (col) add(ctx, call, `tabular.code_type:${col}`, strV(name === 'str' ? 'str' : 'number'), `${name}()`, { name: col });
      return false;
    }
    case 'pandas.get_dummies':
      add(ctx, call, 'tabular.get_dummies', strV('pd.get_dummies'), via);
      return true;
    case 'sklearn.preprocessing.OneHotEncoder': {
      const hu = val(-1, 'handle_unknown');
      add(ctx, call, 'tabular.onehot_unknown', hu ?? strV('error'), via, { isDefault: !hu, shown: hu ? undefined : "'error' (default)", fixStyle: 'literal' });
      return true;
    }
    case 'sklearn.impute.SimpleImputer': {
      const s = val(-1, 'strategy');
      add(ctx, call, 'tabular.imputer', s ?? strV('mean'), via, { isDefault: !s, shown: s ? undefined : "'mean' (default)", fixStyle: 'literal' });
      return true;
    }
    default:
      return false;
  }
}

/** Methods on frames, series and fitted objects; true when the call was one of them. */
export function extractTabularMethod(ctx: Ctx, c: CallSite): boolean {
  const { call, val, node, recvNode, recvText, method } = c;
  const { mod, ev } = ctx;
  switch (method) {
    case 'get':
    case 'map': {
      // `index.get(value, 0)` on a category → position map: an unknown category becomes category 0.
      if (method === 'get' && /(^|\.|_)(idx|index|indices|vocab|lookup|stoi|to_id|2id|2idx|positions?)\b/i.test(recvText)) {
        const d = val(1, 'default');
        if (d?.k === 'num' && Number.isInteger(d.v)) {
          add(ctx, call, 'tabular.unknown_index', d, '.get()', { shown: `index ${d.v} (an unknown category is encoded as category ${d.v})` });
          return true;
        }
      }
      // Unknown categories: `MAP.get(x, default)`, `s.map(MAP)` (NaN) or `s.map(MAP).fillna(v)`.
      const mapNode = method === 'get' ? recvNode : node(0, 'arg');
      if (mapNode?.type !== 'identifier' || !MAP_NAME.test(mapNode.text)) return true;
      const m = ev.eval(mapNode, mod);
      if (m.k !== 'dict') return true;
      let v: Value | undefined;
      let shownV: string | undefined;
      if (method === 'get') {
        v = val(1, 'default') ?? { k: 'none' };
        if (!node(1, 'default')) shownV = 'None (dict.get default)';
      } else {
        const outer = call.parent?.type === 'attribute' && call.parent.parent?.type === 'call' && field(call.parent, 'attribute')?.text === 'fillna' ? call.parent.parent : undefined;
        v = outer ? ev.eval(callArgs(outer).positional[0] ?? callArgs(outer).keywords.get('value'), mod) : { k: 'str', v: 'NaN' };
        if (!outer) shownV = 'NaN (.map without fillna)';
      }
      if (v.k === 'unknown') return true;
      add(ctx, call, `tabular.unknown:${mapNode.text}`, v, `.${method}()`, { name: mapNode.text, shown: shownV, fixStyle: 'literal' });
      return true;
    }
    case 'fillna': {
      // `s.map(MAPPING).fillna(v)` is the unknown-category value (see 'map'), not a missing-value fill.
      if (recvNode?.type === 'call' && field(recvNode, 'function')?.type === 'attribute' && field(field(recvNode, 'function')!, 'attribute')?.text === 'map') return true;
      const v = val(0, 'value');
      const usesStat = node(0, 'value') ? containsStatCall(node(0, 'value')!) : false;
      if (usesStat) {
        const col = subscriptKey(ctx, recvNode) ?? columnOf(ctx, call) ?? '*';
        add(ctx, call, `tabular.fill:${col}`, strV('statistic of the data'), '.fillna()', { shown: `${sliceText(mod, node(0, 'value')!)} (computed on the data)`, name: col });
        add(ctx, call, 'tabular.stat', strV(sliceText(mod, node(0, 'value')!)), '.fillna()');
        return true;
      }
      if (v?.k === 'dict') {
        for (const [k, x] of v.entries) {
          if (k.k !== 'str' || x.k === 'unknown') continue;
          add(ctx, call, `tabular.fill:${k.v}`, x, '.fillna()', { name: k.v, fixStyle: 'literal', origin: x.o?.literal ? x.o : undefined });
        }
      } else if (v && v.k !== 'unknown' && v.k !== 'ref') {
        const col = subscriptKey(ctx, recvNode) ?? '*';
        add(ctx, call, `tabular.fill:${col}`, v, '.fillna()', { name: col, fixStyle: 'literal' });
      } else {
        // `df.fillna(medians)` with `medians = df[NUM].median()…` earlier: a statistic of the data (saved at training).
        const arg = node(0, 'value');
        const nameText = arg?.type === 'identifier' ? arg.text : arg?.type === 'subscript' ? sliceText(mod, field(arg, 'value') ?? arg) : undefined;
        if (nameText && /^\w+$/.test(nameText) && new RegExp(`\\b${nameText}\\s*=[^\\n]*\\.(median|mean|mode|quantile)\\(`).test(mod.source)) {
          const col = (arg?.type === 'subscript' ? subscriptKey(ctx, arg) : undefined) ?? subscriptKey(ctx, recvNode) ?? '*';
          add(ctx, call, `tabular.fill:${col}`, strV('statistic of the data'), '.fillna()', { shown: `${nameText} (computed from the data at training)`, name: col, computed: true });
        }
      }
      return true;
    }
    case 'clip': {
      addClip(ctx, call, val(0, 'lower'), val(1, 'upper'), '.clip()');
      return true;
    }
    case 'zfill': {
      // `df["zip"].astype(str).str.zfill(5)`: codes as zero-padded strings.
      const w = val(0, 'width');
      const col = recvNode ? innerColumn(ctx, recvNode) : undefined;
      if (col && w?.k === 'num') add(ctx, call, `tabular.code_type:${col}`, strV(`str, zero-padded to ${w.v}`), '.str.zfill()', { name: col });
      return true;
    }
    case 'astype': {
      const t = node(0, 'dtype');
      const tt = t ? sliceText(mod, t).replace(/["']/g, '') : '';
      const col = recvNode ? innerColumn(ctx, recvNode) : undefined;
      const chain = call.parent?.type === 'attribute' ? sliceText(mod, call.parent.parent ?? call.parent) : '';
      if (col && /^(str|string|object)$/.test(tt) && !/\.str\.zfill/.test(chain)) add(ctx, call, `tabular.code_type:${col}`, strV('str'), '.astype(str)', { name: col });
      else if (col && /^(int|float|int\d+|float\d+|np\.(int|float)\d*|numpy\.(int|float)\d*)$/.test(tt)) add(ctx, call, `tabular.code_type:${col}`, strV('number'), `.astype(${tt})`, { name: col });
      return false;
    }
    case 'tz_convert':
    case 'astimezone': {
      extractTimeZone(ctx, c);
      return true;
    }
    case 'rolling':
    case 'ewm':
    case 'shift':
    case 'diff':
    case 'pct_change': {
      const kw = method === 'rolling' ? 'window' : method === 'ewm' ? 'span' : 'periods';
      const w = val(0, kw) ?? (method === 'ewm' ? val(-1, 'alpha') ?? val(-1, 'halflife') ?? val(-1, 'com') : undefined);
      const col = columnOf(ctx, call) ?? '*';
      if (w && w.k !== 'unknown') add(ctx, call, `tabular.window:${col}:${method}`, w, `.${method}()`, { name: col, fixStyle: 'literal' });
      // A time-based window ('7D', '168H') is also a span, compared in seconds across pandas idioms.
      const secs = w?.k === 'str' ? parseDuration(w.v) : undefined;
      if (secs !== undefined) add(ctx, call, 'tabular.span', { k: 'num', v: secs }, `.${method}()`, { shown: `${fmtDuration(secs)} (.${method}('${(w as { v: string }).v}'))` });
      return true;
    }
    case 'fit':
    case 'fit_transform':
    case 'partial_fit': {
      if (/ImageOps|model|clf|classifier|regressor|estimator|net\b/i.test(recvText)) return true;
      add(ctx, call, 'tabular.fit', strV(`${recvText}.${method}()`), `.${method}()`, { shown: `${truncate(recvText)}.${method}()` });
      return true;
    }
    default:
      return false;
  }
}

const FEATURE_NAME = /feature|column|cols\b|_cols|fields|inputs/i;
const CATEGORY_NAME = /known|categor|vocab|classes|levels|allowed|values|choices/i;
const MAP_NAME = /map|mapping|vocab|index|encod|lookup|to_id|2id|2idx/i;

/** Module-level feature lists, category lists and category maps (`FEATURES = [...]`, `COUNTRY_MAP = {...}`). */
export function extractTabularAssignment(ctx: Ctx, n: PyNode, left: PyNode, right: PyNode): void {
  const fn = enclosingFunction(ctx.mod, n);
  if (left.type !== 'identifier' || (fn && !/^[A-Z_0-9]+$/.test(left.text))) return;
  const dictCall = right.type === 'call' && dottedName(field(right, 'function')) === 'dict';
  if (right.type !== 'list' && right.type !== 'tuple' && right.type !== 'dictionary' && !dictCall) return;
  const v = ctx.ev.eval(right, ctx.mod);
  const ss = strings(v);
  if (ss && ss.length >= 2) {
    if (FEATURE_NAME.test(left.text)) add(ctx, n, 'tabular.features', v, 'feature list', { name: left.text, origin: v.o, fixStyle: 'literal' });
    else if (CATEGORY_NAME.test(left.text)) add(ctx, n, `tabular.categories:${left.text}`, v, 'category list', { name: left.text, origin: v.o, fixStyle: 'literal' });
    return;
  }
  if (v.k === 'dict' && v.entries.length >= 2 && MAP_NAME.test(left.text) && v.entries.every(([k, x]) => k.k === 'str' && (x.k === 'num' || x.k === 'str'))) {
    for (const [k, x] of v.entries) {
      add(ctx, n, `tabular.map:${left.text}:${(k as { v: string }).v}`, x, 'category map', { name: left.text, origin: x.o?.literal ? x.o : undefined, fixStyle: 'literal' });
    }
  }
}

const TIME_OF_DAY = /\.(hour|dayofweek|day_of_week|weekday|isoweekday|dayofyear|day_of_year|day_name|minute)\b/;
const UTC_NAME = /^(timezone\.utc|datetime\.timezone\.utc|pytz\.(utc|UTC)|dateutil\.tz\.(UTC|tzutc\(\))|tz\.(UTC|tzutc\(\))|timezone\(timedelta\(0\)\))$/;

/**
 * The time zone time-of-day features are taken in: `ts.tz_convert("America/New_York")`, `dt.astimezone(timezone.utc)`,
 * `tz_convert(CITY_TZ[city])` (a per-row local zone). Recorded only where the function (else the module) reads an
 * hour / weekday, so a conversion for display or storage is not a feature step.
 */
function extractTimeZone(ctx: Ctx, c: CallSite): void {
  const { call, node } = c;
  const scope = enclosingFunction(ctx.mod, call);
  const text = scope ? sliceText(ctx.mod, scope.node) : ctx.mod.source;
  if (!TIME_OF_DAY.test(text)) return;
  const arg = node(0, 'tz');
  if (!arg) {
    // `astimezone()` converts to the machine's local zone.
    if (c.method === 'astimezone') add(ctx, call, 'tabular.timezone', strV('system local time'), '.astimezone()', { shown: "the server's local zone (.astimezone() without an argument)" });
    return;
  }
  const argText = sliceText(ctx.mod, arg).replace(/\s+/g, '');
  if (UTC_NAME.test(argText)) {
    add(ctx, call, 'tabular.timezone', strV('UTC'), `.${c.method}()`, { shown: `UTC (${truncate(argText)})` });
    return;
  }
  let zone: Value = ctx.ev.eval(arg, ctx.mod);
  if (arg.type === 'call' && /(ZoneInfo|pytz\.timezone|gettz|tz\.gettz)$/.test(sliceText(ctx.mod, field(arg, 'function') ?? arg))) zone = ctx.ev.eval(callArgs(arg).positional[0], ctx.mod);
  if (zone.k === 'str') {
    const z = /^(utc|gmt|etc\/utc|z)$/i.test(zone.v) ? 'UTC' : zone.v;
    add(ctx, call, 'tabular.timezone', strV(z), `.${c.method}()`, { shown: `${z} (${truncate(argText)})` });
    return;
  }
  if (arg.type === 'subscript') {
    // A lookup in a table of zones: a per-row local zone.
    const table = ctx.ev.eval(field(arg, 'value'), ctx.mod);
    if (table.k === 'dict' && table.entries.length && table.entries.every(([, v]) => v.k === 'str')) {
      const zones = table.entries.map(([, v]) => (v as { v: string }).v);
      if (zones.every((z) => /^(utc|gmt|etc\/utc)$/i.test(z))) add(ctx, call, 'tabular.timezone', strV('UTC'), `.${c.method}()`, { shown: `UTC (${truncate(argText)})` });
      else add(ctx, call, 'tabular.timezone', strV(`local:${[...new Set(zones)].sort().join(',')}`), `.${c.method}()`, { shown: `per-row local time (${truncate(argText)}: ${[...new Set(zones)].slice(0, 3).join(', ')}${zones.length > 3 ? ', …' : ''})` });
      return;
    }
  }
  add(ctx, call, 'tabular.timezone', { k: 'unknown' }, `.${c.method}()`, { shown: `? (${truncate(argText)})` });
}
