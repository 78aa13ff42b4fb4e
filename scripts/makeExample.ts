/**
 * Generates the example workspace's binary and data files, deterministically (seeded, byte-identical on every run):
 *
 *   examples/models/classifier.onnx   a small runnable image classifier (random weights, real structure and metadata)
 *   examples/data/reference.csv       800 rows of "training-time" tabular data
 *   examples/data/current.csv         800 rows of "production" data: age, income and country drifted, the rest not
 *
 *   npm run example:generate            # or: npx tsx scripts/makeExample.ts [outDir]
 *
 * `test/unit/example.test.ts` regenerates into a temp folder and checks the committed files are identical.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { onnx } from 'onnx-proto';
import { DT, graph, model, node, tensor, tensorInfo } from '../test/support/onnxBuilder';
import { Prng } from './lib/prng';

/** The committed example workspace. */
export const EXAMPLE_DIR = path.resolve(__dirname, '..', 'examples');

/** Relative paths of the generated files inside the example folder. */
export const GENERATED_FILES = ['models/classifier.onnx', 'data/reference.csv', 'data/current.csv'] as const;

/** What the model was "trained" with: the serving code must do the same (examples/serving/app.py does not). */
export const EXAMPLE_METADATA: Readonly<Record<string, string>> = {
  'preprocessing.color_order': 'RGB',
  'preprocessing.layout': 'NCHW',
  'preprocessing.resize': '64x64 bilinear',
  'preprocessing.scale': '1/255',
  'preprocessing.mean': '[0.485,0.456,0.406]',
  'preprocessing.std': '[0.229,0.224,0.225]',
  labels: '["cat","dog","bird","fish","other"]',
  'training.dataset': 'pets-5 v2 (12,400 RGB photos, 80/10/10 split; synthetic example, not a real dataset)',
  'training.script': 'training/train.py',
  author: 'ML Preflight examples',
  license: 'MIT',
};

const MODEL_SEED = 0x5eed_0001;
const REFERENCE_SEED = 0x5eed_0002;
const CURRENT_SEED = 0x5eed_0003;
/** Rows per CSV file. */
export const CSV_ROWS = 800;

/** float32 little-endian bytes of `n` normal draws with standard deviation `std`. */
function randomFloats(rng: Prng, n: number, std: number): Uint8Array {
  const bytes = new Uint8Array(n * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < n; i++) view.setFloat32(i * 4, rng.normal(0, std), true);
  return bytes;
}

/** A float32 initializer with seeded He-normal data (`std = sqrt(2 / fanIn)`) stored as raw_data. */
function weight(rng: Prng, name: string, dims: number[], fanIn: number): onnx.ITensorProto {
  const t = tensor(name, DT.FLOAT, dims);
  t.rawData = randomFloats(rng, dims.reduce((a, b) => a * b, 1), Math.sqrt(2 / fanIn));
  return t;
}

/** A float32 bias with small seeded values. */
function bias(rng: Prng, name: string, n: number): onnx.ITensorProto {
  const t = tensor(name, DT.FLOAT, [n]);
  t.rawData = randomFloats(rng, n, 0.01);
  return t;
}

/**
 * The example classifier: `image` float32 [batch,3,64,64] → Conv(3→8, 3×3, pad 1) + Relu → MaxPool 2 →
 * Conv(8→16, 3×3, pad 1) + Relu → GlobalAveragePool → Flatten → Gemm(16→5) → `logits` float32 [batch,5].
 * Opset 17, IR 8; 1,477 parameters, 2,064,464 MACs per image.
 */
export function exampleModel(): Uint8Array {
  const rng = new Prng(MODEL_SEED);
  const initializers = [
    weight(rng, 'conv1.weight', [8, 3, 3, 3], 3 * 9),
    bias(rng, 'conv1.bias', 8),
    weight(rng, 'conv2.weight', [16, 8, 3, 3], 8 * 9),
    bias(rng, 'conv2.bias', 16),
    weight(rng, 'fc.weight', [5, 16], 16),
    bias(rng, 'fc.bias', 5),
  ];
  const conv = { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [1, 1] };
  return model({
    irVersion: 8,
    opsets: { '': 17 },
    producerName: 'ml-preflight-example',
    producerVersion: '1.0',
    domain: 'org.mlpreflight.example',
    modelVersion: 1,
    docString:
      'Five-class image classifier (cat, dog, bird, fish, other) for 64x64 RGB photos, exported from training/train.py. ' +
      'Example model for ML Preflight: the weights are random, the structure, I/O and preprocessing metadata are the point.',
    metadata: EXAMPLE_METADATA,
    graph: graph({
      name: 'pets5_cnn',
      docString: 'TinyCnn: two conv blocks, global average pooling, linear head',
      inputs: [tensorInfo('image', DT.FLOAT, ['batch', 3, 64, 64], 'RGB, scaled to [0,1], normalized with the ImageNet mean/std (see metadata)')],
      outputs: [tensorInfo('logits', DT.FLOAT, ['batch', 5], 'unnormalized scores in `labels` order; apply softmax for probabilities')],
      initializers,
      nodes: [
        node('Conv', ['image', 'conv1.weight', 'conv1.bias'], ['conv1_out'], conv, { name: '/features/conv1/Conv' }),
        node('Relu', ['conv1_out'], ['relu1_out'], {}, { name: '/features/relu1/Relu' }),
        node('MaxPool', ['relu1_out'], ['pool1_out'], { kernel_shape: [2, 2], strides: [2, 2] }, { name: '/features/pool1/MaxPool' }),
        node('Conv', ['pool1_out', 'conv2.weight', 'conv2.bias'], ['conv2_out'], conv, { name: '/features/conv2/Conv' }),
        node('Relu', ['conv2_out'], ['relu2_out'], {}, { name: '/features/relu2/Relu' }),
        node('GlobalAveragePool', ['relu2_out'], ['gap_out'], {}, { name: '/pool/GlobalAveragePool' }),
        node('Flatten', ['gap_out'], ['flat_out'], { axis: 1 }, { name: '/Flatten' }),
        node('Gemm', ['flat_out', 'fc.weight', 'fc.bias'], ['logits'], { alpha: { f: 1 }, beta: { f: 1 }, transB: 1 }, { name: '/fc/Gemm' }),
      ],
    }),
  });
}

/** The columns of both CSV files, in order. */
export const CSV_COLUMNS = ['age', 'income', 'country', 'device', 'clicks', 'is_returning', 'signup_date'] as const;

/**
 * How each population is drawn. Drifted between reference and current: `age` (mean 38 → 46), `income`
 * (× 1.35, same log-spread), `country` (new category `BR`, fewer `US`, more `IN`). Identical: `device`,
 * `clicks` (Poisson 3), `is_returning` (p 0.42), `signup_date` (uniform over 2022-01-01 .. 2024-06-30).
 */
interface Population {
  ageMean: number;
  ageStd: number;
  incomeScale: number;
  countries: Record<string, number>;
}

const REFERENCE: Population = {
  ageMean: 38,
  ageStd: 11,
  incomeScale: 1,
  countries: { US: 40, DE: 20, GB: 15, FR: 15, IN: 10 },
};
const CURRENT: Population = {
  ageMean: 46,
  ageStd: 12,
  incomeScale: 1.35,
  countries: { US: 26, DE: 17, GB: 12, FR: 14, IN: 19, BR: 12 },
};
const DEVICES = { mobile: 55, desktop: 35, tablet: 10 };
const SIGNUP_FROM = Date.UTC(2022, 0, 1);
const SIGNUP_TO = Date.UTC(2024, 5, 30, 23, 59, 59);

function isoDateTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** One CSV file (header + `rows` rows, `\n` line ends); about 1.5 % of age, income and country cells are empty. */
function csv(pop: Population, seed: number, rows: number): string {
  const rng = new Prng(seed);
  const lines: string[] = [CSV_COLUMNS.join(',')];
  for (let i = 0; i < rows; i++) {
    const age = Math.min(85, Math.max(18, Math.round(rng.normal(pop.ageMean, pop.ageStd))));
    const income = Math.exp(rng.normal(Math.log(48_000), 0.45)) * pop.incomeScale;
    const country = rng.weighted(pop.countries);
    const device = rng.weighted(DEVICES);
    const clicks = rng.poisson(3);
    const returning = rng.chance(0.42);
    const signup = SIGNUP_FROM + Math.floor(rng.next() * ((SIGNUP_TO - SIGNUP_FROM) / 1000)) * 1000;
    const missing = (p: number): boolean => rng.chance(p);
    lines.push(
      [
        missing(0.015) ? '' : String(age),
        missing(0.02) ? '' : income.toFixed(2),
        missing(0.01) ? '' : country,
        device,
        String(clicks),
        returning ? 'true' : 'false',
        isoDateTime(signup),
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Generated file (relative path) → contents. */
export function exampleFiles(): Map<(typeof GENERATED_FILES)[number], Uint8Array> {
  const text = (s: string): Uint8Array => new TextEncoder().encode(s);
  return new Map([
    ['models/classifier.onnx', exampleModel()],
    ['data/reference.csv', text(csv(REFERENCE, REFERENCE_SEED, CSV_ROWS))],
    ['data/current.csv', text(csv(CURRENT, CURRENT_SEED, CSV_ROWS))],
  ]);
}

/** Writes the generated files into `dir` (default `examples/`) and returns their absolute paths. */
export async function makeExample(dir = EXAMPLE_DIR): Promise<string[]> {
  const written: string[] = [];
  for (const [rel, bytes] of exampleFiles()) {
    const file = path.join(dir, rel);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, bytes);
    written.push(file);
  }
  return written;
}

if (require.main === module) {
  makeExample(process.argv[2] ? path.resolve(process.argv[2]) : EXAMPLE_DIR).then(
    (files) => {
      for (const f of files) console.log(`wrote ${path.relative(process.cwd(), f)}`);
    },
    (ex: unknown) => {
      console.error(ex);
      process.exitCode = 1;
    },
  );
}
