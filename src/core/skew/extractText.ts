/**
 * Text preprocessing facts (Hugging Face transformers / tokenizers): checkpoint, max_length, truncation, padding
 * and its side, lower-casing, stripping, unicode normalisation.
 */
import { add, strV, truncate, type CallSite, type Ctx } from './extractCommon';
import { DEFAULTS } from './library';
import type { PyNode } from './pyAst';
import type { Value } from './values';

/** `call` is the receiver of `.encode('ascii', …)`: the decomposed text is folded to ASCII (accents dropped). */
function isAsciiFold(ctx: Ctx, call: PyNode): boolean {
  const attr = call.parent;
  if (attr?.type !== 'attribute' || attr.parent?.type !== 'call') return false;
  const rest = ctx.mod.source.slice(call.end, attr.parent.end);
  return /^\s*\.\s*encode\s*\(\s*(?:encoding\s*=\s*)?["']ascii["']/.test(rest);
}

/** Library calls (tokenizer loading, pipelines, normalizers); true when the call was one of them. */
export function extractTextCall(ctx: Ctx, c: CallSite): boolean {
  const { call, val, via } = c;
  const name = c.name ?? '';
  switch (name) {
    case 'unicodedata.normalize': {
      // `normalize('NFKD', s).encode('ascii', 'ignore')` is accent stripping (a cleaning step, valued by the cleaning
      // function's operations), not a Unicode normal form the text keeps.
      if (isAsciiFold(ctx, call)) return true;
      const form = val(0, 'form');
      if (form?.k === 'str') add(ctx, call, 'text.unicode', form, via, { fixStyle: 'literal' });
      return true;
    }
    case 'sklearn.feature_extraction.text.CountVectorizer':
    case 'sklearn.feature_extraction.text.TfidfVectorizer':
    case 'sklearn.feature_extraction.text.HashingVectorizer': {
      // The fitted vectorizer is pickled with the model, so its lower-casing happens at serving too.
      const lc = val(-1, 'lowercase');
      const on = lc?.k === 'bool' ? lc.v : lc ? undefined : DEFAULTS.sklearnVectorizer.lowercase;
      if (on !== undefined) add(ctx, call, 'text.lowercase', { k: 'bool', v: on }, via, { isDefault: !lc, inModel: true, shown: on ? `lower-cased (${name.split('.').pop()} lowercase=${lc ? 'True' : 'True default'})` : 'not lower-cased (lowercase=False)' });
      return true;
    }
    case 'torchtext.data.utils.get_tokenizer':
    case 'torchtext.data.get_tokenizer': {
      // torchtext's basic_english (torchtext ≥ 0.6): lower-cases, puts spaces around punctuation (kept as tokens),
      // drops quotes and <br />. Other tokenizers: not in the table.
      const t = val(0, 'tokenizer');
      if (t?.k === 'str' && t.v === 'basic_english') {
        add(ctx, call, 'text.lowercase', { k: 'bool', v: true }, via, { isDefault: true, shown: "lower-cased (torchtext 'basic_english')" });
        add(ctx, call, 'text.clean', strV('basic_english: lower, punctuation kept as tokens'), via, { shown: "torchtext 'basic_english' (lower-cases; punctuation kept as tokens; no HTML, accent or contraction handling)" });
      }
      return true;
    }
    case 'tokenizers.normalizers.Lowercase':
      add(ctx, call, 'text.lowercase', { k: 'bool', v: true }, via, { shown: 'lower-cased (normalizer)' });
      return true;
    default:
      break;
  }
  const tokLoad = name.match(/^(transformers|tokenizers)\.(\w+)\.(from_pretrained|from_file)$/);
  if (tokLoad && /Tokenizer|Processor|FeatureExtractor/.test(tokLoad[2])) {
    const ckpt = val(0, 'pretrained_model_name_or_path');
    const key = /FeatureExtractor/.test(tokLoad[2]) ? 'audio.extractor' : /ImageProcessor/.test(tokLoad[2]) ? 'image.processor' : 'text.tokenizer';
    if (ckpt?.k === 'str') add(ctx, call, key, ckpt, via, { fixStyle: 'literal' });
    else add(ctx, call, key, { k: 'unknown' }, via, { shown: '? (checkpoint not resolved)' });
    const lc = val(-1, 'do_lower_case');
    if (lc?.k === 'bool') add(ctx, call, 'text.lowercase', lc, via, { shown: lc.v ? 'lower-cased (do_lower_case)' : 'not lower-cased (do_lower_case=False)' });
    const side = val(-1, 'padding_side');
    if (side?.k === 'str') add(ctx, call, 'text.padding_side', side, via, { fixStyle: 'literal' });
    const ts = val(-1, 'truncation_side');
    if (ts?.k === 'str') add(ctx, call, 'text.truncation_side', ts, via, { fixStyle: 'literal' });
    return true;
  }
  if (name === 'transformers.pipeline') {
    const tok = val(-1, 'tokenizer') ?? val(-1, 'model');
    if (tok?.k === 'str') add(ctx, call, 'text.tokenizer', tok, via, { fixStyle: 'literal' });
    return true;
  }
  return false;
}

/** Methods on strings and tokenizers; true when the call was one of them. */
export function extractTextMethod(ctx: Ctx, c: CallSite): boolean {
  const { call, val, positional, recvText, method } = c;
  switch (method) {
    case 'lower':
    case 'casefold':
      if (positional.length === 0 && !/\.str$/.test(recvText)) add(ctx, call, 'text.lowercase', { k: 'bool', v: true }, `.${method}()`, { shown: `lower-cased (.${method}())` });
      return true;
    case 'strip':
      if (positional.length === 0 && !/\.str$/.test(recvText)) add(ctx, call, 'text.strip', { k: 'bool', v: true }, '.strip()', { shown: 'stripped (.strip())' });
      return true;
    case 'save_pretrained': {
      const dest = val(0, 'save_directory');
      if (dest?.k === 'str' && /tok|processor|extractor/i.test(recvText)) add(ctx, call, 'text.tokenizer_saved', dest, '.save_pretrained()');
      return true;
    }
    case 'enable_truncation': {
      const ml = val(0, 'max_length');
      if (ml) add(ctx, call, 'text.max_length', ml, '.enable_truncation()', { fixStyle: 'literal' });
      add(ctx, call, 'text.truncation', strV('longest_first'), '.enable_truncation()', { shown: 'truncation on' });
      return true;
    }
    case 'enable_padding': {
      const len = val(-1, 'length');
      add(ctx, call, 'text.padding', strV(len && len.k === 'num' ? 'max_length' : 'longest'), '.enable_padding()');
      const dir = val(-1, 'direction');
      if (dir?.k === 'str') add(ctx, call, 'text.padding_side', dir, '.enable_padding()', { fixStyle: 'literal' });
      return true;
    }
    default:
      return false;
  }
}

export function extractTokenizerCall(ctx: Ctx, call: PyNode, calleeText: string, keywords: Map<string, PyNode>, val: (i: number, kw?: string) => Value | undefined): void {
  const tokKw = ['max_length', 'truncation', 'padding', 'pad_to_max_length', 'return_tensors', 'add_special_tokens', 'return_attention_mask'];
  if (!tokKw.some((k) => keywords.has(k))) return;
  if (!/tok|encode|processor|feature_extractor|extractor/i.test(calleeText)) return;
  const via = `${truncate(calleeText)}(…)`;
  if (/extractor/i.test(calleeText)) {
    const sr = val(-1, 'sampling_rate');
    if (sr) add(ctx, call, 'audio.sample_rate', sr, via, { fixStyle: 'literal' });
  }
  // `tokenizer.pad(features, max_length=…)` pads already-encoded features: it never truncates, so it sets padding only.
  const padOnly = /\.pad$/.test(calleeText);
  const ml = val(-1, 'max_length');
  if (!padOnly) add(ctx, call, 'text.max_length', ml ?? { k: 'none' }, via, { isDefault: !ml, shown: ml ? undefined : 'none (no max_length)', fixStyle: 'literal' });
  const tr = val(-1, 'truncation');
  const pdGiven = keywords.has('padding');
  // transformers ≥ 4 (_get_padding_truncation_strategies): max_length given with neither truncation nor padding
  // truncates 'longest_first' (with a warning); `pad_to_max_length` is popped separately and does not count.
  const impliedTrunc = !tr && !pdGiven && !!ml && ml.k !== 'none' && ml.k !== 'unknown';
  const trN = tr?.k === 'bool' ? (tr.v ? 'longest_first' : 'do_not_truncate') : tr?.k === 'str' ? tr.v : tr ? undefined : impliedTrunc ? 'longest_first' : 'do_not_truncate';
  // max_length set by a value we cannot follow: whether it truncates is unknown too (None does not, a number does).
  if (!tr && !pdGiven && ml?.k === 'unknown' && !padOnly) add(ctx, call, 'text.truncation', { k: 'unknown' }, via, { shown: '? (max_length not resolved)' });
  else if (trN && !padOnly) add(ctx, call, 'text.truncation', strV(trN), via, { isDefault: !tr, shown: tr ? `${trN}` : impliedTrunc ? "longest_first (max_length without truncation: transformers' default)" : 'off (default)' });
  const pd = val(-1, 'padding');
  const legacyPad = val(-1, 'pad_to_max_length');
  const pdN = pd?.k === 'bool' ? (pd.v ? 'longest' : 'do_not_pad') : pd?.k === 'str' ? pd.v : pd ? undefined : legacyPad?.k === 'bool' && legacyPad.v ? 'max_length' : 'do_not_pad';
  if (pdN) add(ctx, call, 'text.padding', strV(pdN), via, { isDefault: !pd && !legacyPad, shown: pd ? pdN : legacyPad?.k === 'bool' && legacyPad.v ? 'max_length (pad_to_max_length=True)' : 'off (default)' });
}

/** `tokenizer.padding_side = "left"`. */
export function extractTextAssignment(ctx: Ctx, n: PyNode, left: PyNode, right: PyNode): boolean {
  if (left.type !== 'attribute' || left.children.find((x) => x.field === 'attribute')?.text !== 'padding_side') return false;
  const v = ctx.ev.eval(right, ctx.mod);
  if (v.k === 'str') add(ctx, n, 'text.padding_side', v, 'tokenizer.padding_side', { fixStyle: 'literal' });
  return true;
}
