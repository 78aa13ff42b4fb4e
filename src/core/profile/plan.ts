/**
 * Turns a model's declared inputs into concrete `InputPlan`s per batch size: which value each dynamic dim
 * gets and how each input is filled. Every decision that was not given explicitly becomes a visible note.
 *
 * Dims, in order of precedence: `--shape input=1x3x224x224` (the whole shape of one input) › a fixed dim in
 * the model › `--dim name=value` for a named dim › the batch under test for a batch-like dim (the leading
 * dynamic dim, or one named batch/batch_size/N/bs) › 1, with a note.
 */
import type { TensorInfo } from '../../shared/modelInspection';
import type { InputFill, InputPlan, OrtDtype } from '../../shared/workerProtocol';
import { ProfileError } from './errors';
import { toOrtDtype } from './inputs';
import type { SampleArray } from './samples';

/** What the user asked for. */
export interface ShapeOptions {
  /** `--dim name=value`: values of named dynamic dims. */
  dims?: Readonly<Record<string, number>>;
  /** `--shape input=AxBxC`: full shapes of inputs. */
  shapes?: Readonly<Record<string, readonly number[]>>;
  /** Real samples per input name (NPY/JSON); the leading dim of each is a row count. */
  samples?: Readonly<Record<string, SampleArray>>;
  /** Seed of the synthetic data (default 42). */
  seed?: number;
}

export interface InputsPlan {
  /** Whether some input has a batch-like dynamic dim that the sweep can vary. */
  batchable: boolean;
  /** One entry per batch (a single `{batch: fixed}` when not batchable). */
  batches: Array<{ batch: number; inputs: InputPlan[] }>;
  notes: string[];
}

const BATCH_NAME = /^(batch|batch_?size|n|bs|b)$/i;

/** True for a dim the batch sweep should vary: dynamic and (leading, or named like a batch). */
export function isBatchLike(dim: number | string, index: number): boolean {
  if (typeof dim === 'number' && dim > 0) return false;
  return index === 0 || (typeof dim === 'string' && BATCH_NAME.test(dim));
}

/** Parses `1x3x224x224` (also `1,3,224,224`). @throws ProfileError on anything else. */
export function parseShape(input: string, text: string): number[] {
  const parts = text.trim().split(/[x×,]/i).map((s) => s.trim());
  if (!parts.length || parts.some((p) => !/^\d+$/.test(p))) {
    throw new ProfileError('bad-shape', `--shape ${input}=${text}: expected positive integers separated by 'x' (e.g. 1x3x224x224)`);
  }
  const dims = parts.map(Number);
  if (dims.some((d) => d < 1 || d > 2 ** 31)) throw new ProfileError('bad-shape', `--shape ${input}=${text}: every dim must be between 1 and 2^31`);
  return dims;
}

/** Inputs named like masks get ones, token type ids zeros: random values there make little sense. */
function defaultFill(input: string, dtype: OrtDtype, seed: number): { fill: InputFill; note?: string } {
  const isInt = !['float32', 'float64', 'float16', 'string', 'bool'].includes(dtype);
  if (isInt && /mask/i.test(input)) return { fill: { kind: 'constant', value: 1 }, note: `input '${input}' (a mask) filled with ones` };
  if (isInt && /token_type|segment/i.test(input)) return { fill: { kind: 'constant', value: 0 }, note: `input '${input}' filled with zeros` };
  return { fill: { kind: 'random', seed } };
}

/** A stable 32-bit seed per input so inputs differ but stay reproducible. */
function inputSeed(seed: number, index: number): number {
  return (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(index + 1, 0xc2b2ae35)) >>> 0;
}

/**
 * Resolves concrete inputs for each batch in `batches` (or the one fixed batch when no input is batchable).
 *
 * @throws ProfileError 'bad-shape' for a `--shape` of the wrong rank, one that contradicts a fixed dim, or one
 *   naming no input; 'unsupported-input' for non-tensor or unsupported dtypes; 'bad-samples' for samples that do not fit.
 */
/** Most input data generated for one run (all inputs of one batch). */
export const MAX_INPUT_BYTES = 2 * 1024 ** 3;
const DTYPE_BYTES: Record<string, number> = { float64: 8, int64: 8, uint64: 8, float32: 4, int32: 4, uint32: 4, float16: 2, int16: 2, uint16: 2, int8: 1, uint8: 1, bool: 1, string: 16 };

function tensorBytes(p: { dims: readonly number[]; dtype: string }): number {
  const elements = p.dims.reduce((a, b) => a * b, 1);
  // Typed arrays and ONNX Runtime tensors hold fewer than 2^31 elements of any type.
  return elements >= 2 ** 31 ? Number.POSITIVE_INFINITY : elements * (DTYPE_BYTES[p.dtype] ?? 8);
}

function formatGiB(bytes: number): string {
  return Number.isFinite(bytes) ? `${(bytes / 1024 ** 3).toFixed(1)} GiB` : 'more than 2^31 elements';
}

export function planInputs(inputs: readonly TensorInfo[], batches: readonly number[], options: ShapeOptions = {}): InputsPlan {
  const names = new Set(inputs.map((i) => i.name));
  for (const key of Object.keys(options.shapes ?? {})) {
    if (!names.has(key)) throw new ProfileError('bad-shape', `--shape ${key}=…: the model has no input '${key}' (inputs: ${[...names].join(', ') || 'none'})`);
  }
  for (const key of Object.keys(options.samples ?? {})) {
    if (!names.has(key)) throw new ProfileError('bad-samples', `samples for '${key}': the model has no such input (inputs: ${[...names].join(', ') || 'none'})`);
  }
  if (inputs.length === 0) throw new ProfileError('unsupported-input', 'the model has no graph inputs to feed');
  const seed = options.seed ?? 42;
  const notes = new Set<string>();
  const dtypes = inputs.map((i) => toOrtDtype(i.name, i.dtype));

  // Which inputs vary with the batch: a batch-like dim and no explicit --shape.
  const given = options.shapes ?? {};
  let batchable = false;
  for (const input of inputs) {
    if (given[input.name] || !input.shape) continue;
    if (input.shape.some((d, i) => isBatchLike(d, i) && !(typeof d === 'string' && options.dims?.[d] !== undefined))) batchable = true;
  }

  const resolve = (batch: number): InputPlan[] => inputs.map((input, idx) => {
    const dtype = dtypes[idx]!;
    const sample = options.samples?.[input.name];
    let dims: number[];
    const explicit = given[input.name];
    if (explicit) {
      if (input.shape && input.shape.length !== explicit.length) {
        throw new ProfileError('bad-shape', `--shape ${input.name}=${explicit.join('x')}: the input has rank ${input.shape.length} ([${input.shape.join(', ')}]), not ${explicit.length}`);
      }
      input.shape?.forEach((d, i) => {
        if (typeof d === 'number' && d > 0 && d !== explicit[i]) {
          throw new ProfileError('bad-shape', `--shape ${input.name}=${explicit.join('x')}: dim ${i} is fixed to ${d} in the model, not ${explicit[i]}`);
        }
      });
      dims = [...explicit];
    } else if (!input.shape) {
      if (sample) dims = [batchable ? batch : sample.shape[0]!, ...sample.shape.slice(1)];
      else throw new ProfileError('bad-shape', `input '${input.name}' has no declared shape: give it with --shape ${input.name}=AxB…`);
      notes.add(`input '${input.name}' has no declared shape; used the sample file's`);
    } else {
      dims = input.shape.map((d, i) => {
        if (typeof d === 'number' && d > 0) return d;
        const label = typeof d === 'string' && d !== '?' ? `'${d}'` : `${i} (unnamed)`;
        if (typeof d === 'string' && options.dims?.[d] !== undefined) return options.dims[d]!;
        if (isBatchLike(d, i)) {
          notes.add(`dim ${label} of '${input.name}' = the batch under test`);
          return batch;
        }
        if (sample && sample.shape.length === input.shape!.length && sample.shape[i]! > 0) {
          notes.add(`dim ${label} of '${input.name}' = ${sample.shape[i]} from the sample file`);
          return sample.shape[i]!;
        }
        notes.add(`dim ${label} of '${input.name}' = 1 (set it with --dim ${typeof d === 'string' && d !== '?' ? d : 'NAME'}=N or --shape ${input.name}=…)`);
        return 1;
      });
    }
    if (!sample) {
      const { fill, note } = defaultFill(input.name, dtype, inputSeed(seed, idx));
      if (note) notes.add(note);
      return { name: input.name, dtype, dims, fill };
    }
    // Samples: the leading dim of the file is rows when the input has a leading batch dim; otherwise the whole file is one tensor.
    const leadingBatch = !explicit && input.shape && input.shape.length > 0 && isBatchLike(input.shape[0]!, 0);
    const rowShape = leadingBatch ? sample.shape.slice(1) : sample.shape;
    const rows = leadingBatch ? sample.shape[0]! : 1;
    const want = leadingBatch ? dims.slice(1) : dims;
    if (rowShape.length !== want.length || rowShape.some((d, i) => d !== want[i])) {
      throw new ProfileError('bad-samples', `${sample.file}: samples for '${input.name}' have ${leadingBatch ? 'rows of ' : ''}shape [${rowShape.join(', ')}], the input needs [${want.join(', ')}]`);
    }
    notes.add(`input '${input.name}' from ${sample.file} (${rows} row${rows === 1 ? '' : 's'}${leadingBatch ? ', repeated to fill the batch' : ''})`);
    return { name: input.name, dtype, dims, fill: { kind: 'rows', data: sample.data, rowShape, rows } };
  });

  const list = batchable ? [...batches] : [1];
  // Bounded inputs (issue 11, class 7): a fixed dim ≥ 2^31 or a shape whose tensors need more than
  // MAX_INPUT_BYTES is refused here, before a worker allocates it (it used to grow to the 8 GiB ceiling, 80 s).
  // Larger batches of a sweep that would pass the limit are dropped with a note.
  const sized = list.map((batch) => ({ batch, inputs: resolve(batch) })).map((p) => ({ ...p, bytes: p.inputs.reduce((sum, i) => sum + tensorBytes(i), 0) }));
  const planned = sized.filter((p) => p.bytes <= MAX_INPUT_BYTES).map(({ batch, inputs: ins }) => ({ batch, inputs: ins }));
  if (!planned.length) {
    const first = sized[0]!;
    const worst = [...first.inputs].sort((a, b) => tensorBytes(b) - tensorBytes(a))[0]!;
    throw new ProfileError('bad-shape', `input '${worst.name}' has shape [${worst.dims.join(', ')}] (${worst.dtype}): ${formatGiB(tensorBytes(worst))} of input data, over the ${formatGiB(MAX_INPUT_BYTES)} limit for one run; give smaller dims with --dim/--shape`);
  }
  if (planned.length < sized.length) notes.add(`batch ${sized.filter((p) => p.bytes > MAX_INPUT_BYTES).map((p) => p.batch).join(', ')} skipped: inputs over ${formatGiB(MAX_INPUT_BYTES)}`);
  if (!batchable) {
    // The "batch" of a fixed model is its leading dim when all inputs agree on one.
    const leading = new Set(planned[0]!.inputs.map((p) => p.dims[0] ?? 1));
    if (leading.size === 1) planned[0]!.batch = [...leading][0]!;
  }
  return { batchable, batches: planned, notes: [...notes] };
}
