/** One preprocessing fact of one side: "this side resizes to 64×64", "fills `age` with 38.0". */
import type { ModuleIndex } from './moduleIndex';
import type { PyNode } from './pyAst';
import type { Origin, Value } from './values';

export type Domain = 'image' | 'text' | 'tabular' | 'audio' | 'any';

/** How a quick fix writes the training value into the serving literal. */
export type FixStyle = 'literal' | 'cv2-interp' | 'pil-interp' | 'tv-interp' | 'wh-size';

export interface Fact {
  /** `image.mean`, `tabular.fill:age`, `text.max_length`, `augment.random`, … */
  key: string;
  value: Value;
  /** Display override (`bilinear`, `64×64 (H×W)`); default: the value's Python-like display. */
  shown?: string;
  /** The call / expression that is the step. */
  node: PyNode;
  mod: ModuleIndex;
  /** The literal that sets the value, when there is one (the finding points there; the fix rewrites it). */
  origin?: Origin;
  fixStyle?: FixStyle;
  /** Library call that produced it (`cv2.resize`, `torchvision Normalize`, `hand-written NumPy`). */
  via: string;
  /** Lower-cased names of the enclosing assignments / functions / dict keys (train vs eval pipelines). */
  context: string;
  /** A random augmentation (ignored on the training side; a finding on the serving side). */
  random?: boolean;
  /** The value is a statistic computed from the data (not a literal): compared with a literal at warning level. */
  computed?: boolean;
  /** The step is part of the model (a Keras layer in the model, a torch module's forward): done at serving too. */
  inModel?: boolean;
  /** The value is the library's default (nothing written in the code). */
  isDefault?: boolean;
  /** Extra payload (feature list name, column). */
  name?: string;
}
