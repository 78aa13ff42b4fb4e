/**
 * The "real public code" skew corpus (test/fixtures/skew-real/): training/serving preprocessing pairs taken from
 * public repositories, labelled by reading the library code they call.
 *
 * What is committed per pair is metadata only: `labels.json` (the truth), `sources.json` (for every file: repository,
 * commit, path, git blob id, SPDX license) and `SOURCE.md` (provenance, attribution, and how each label was decided).
 * The third-party files themselves are not committed: `materialize` copies them, byte for byte, from local snapshots
 * of the repositories (bare git directories laid out as `<mirrorRoot>/<owner>+<name>/repo`) into the pair folder as
 * `<repository name>/<path in repository>` (gitignored), checking each file's git blob id. Keeping each repository's
 * layout keeps its relative imports resolvable.
 *
 * A file may instead come from a Debian package (origin "debian": the library code a pair's training side relies on,
 * e.g. torchvision's published per-weights transforms): it is then pinned by package, version and path, extracted from
 * the .deb (found in the cache folder, or fetched there with `apt-get download` when materializing), and laid out as
 * `<package>/<path in package>`.
 *
 * This module validates and materializes; it never runs the skew analyzer.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const CORPUS_DIR = path.resolve(__dirname, '../../test/fixtures/skew-real');
export const DEFAULT_MIRROR_ROOT = process.env.MLP_SKEW_REAL_MIRROR ?? '/work/.mirror';
/** Where .deb files for origin "debian" sources are looked for (and downloaded to by materialize). */
export const DEFAULT_DEB_CACHE = process.env.MLP_SKEW_REAL_DEB_CACHE ?? path.join(os.tmpdir(), 'mlp-skew-real-debs');

/** The skew kinds a label may use (issue 10's list). */
export const SKEW_KINDS = [
  'resize', 'interpolation', 'antialias', 'crop', 'color-order', 'scale', 'normalize', 'layout', 'dtype',
  'tokenizer-lowercase', 'tokenizer-max-length', 'tokenizer-truncation', 'tokenizer-padding-side',
  'tokenizer-special-tokens', 'text-cleaning',
  'audio-sample-rate', 'audio-n-fft', 'audio-hop-length', 'audio-win-length', 'audio-n-mels', 'audio-fmin-fmax',
  'audio-log-power', 'audio-pcm-scaling',
  'feature-order', 'fill-value', 'categorical-encoding', 'scaling', 'clipping', 'transform', 'time-window',
  'reference-time',
] as const;
export type SkewKind = (typeof SKEW_KINDS)[number];

/** Licenses whose terms allow the files to be redistributed as test data (with attribution). */
export const REDISTRIBUTABLE_LICENSES = ['MIT', 'BSD-2-Clause', 'BSD-3-Clause', 'Apache-2.0'] as const;

export interface RealSkewLabel {
  id: string;
  kind: SkewKind;
  /** `relative/path:line` (1-based) of the line that sets the training-side value. */
  training: string;
  /** `relative/path:line` (1-based) of the line that sets the serving-side value. */
  serving: string;
  description: string;
}

export interface RealLabels {
  project: string;
  framework: string;
  libraries: string[];
  clean: boolean;
  training: string[];
  serving: string[];
  model: string | null;
  skews: RealSkewLabel[];
  notes: string;
}

export interface RealSourceFile {
  /** Where the file comes from; absent means "git". */
  origin?: 'git' | 'debian';
  /** Path inside the pair folder: `<repository name>/<path in repository>` (git) or `<package>/<path>` (debian). */
  local: string;
  /** `owner/name` on GitHub. */
  repo: string;
  /** Full commit sha of the snapshot the file was read from. */
  commit: string;
  /** Path inside the repository. */
  path: string;
  /** Git blob id of the file's bytes at that commit (sha1 of `blob <len>\0<bytes>`). */
  blob: string;
  /** origin "debian": the binary package, its exact version, and the upstream repository it packages. */
  package?: string;
  version?: string;
  upstream?: string;
  /** SPDX id read from the repository's LICENSE. */
  license: string;
}

export interface RealSources {
  pair: string;
  files: RealSourceFile[];
}

export interface RealPair {
  id: string;
  dir: string;
  labels: RealLabels;
  sources: RealSources;
  sourceMd: string;
}

const LABEL_KEYS = ['project', 'framework', 'libraries', 'clean', 'training', 'serving', 'model', 'skews', 'notes'];
const SKEW_KEYS = ['id', 'kind', 'training', 'serving', 'description'];
const SOURCE_KEYS = ['local', 'repo', 'commit', 'path', 'blob', 'license'];
const DEBIAN_KEYS = ['origin', 'local', 'package', 'version', 'upstream', 'path', 'blob', 'license'];
const DEB_PACKAGE = /^[a-z0-9][a-z0-9+.-]+$/;
const DEB_VERSION = /^[0-9A-Za-z.+~:-]+$/;
const SHA = /^[0-9a-f]{40}$/;
const REPO = /^[A-Za-z0-9][A-Za-z0-9_.-]*\/[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const LOCAL = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.\/-]+$/;
const METADATA = new Set(['labels.json', 'sources.json', 'SOURCE.md']);

/** Pair folders: every sub-folder of the corpus that holds a labels.json, sorted. */
export function listPairs(root: string = CORPUS_DIR): string[] {
  return fs
    .readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(root, e.name, 'labels.json')))
    .map((e) => e.name)
    .sort();
}

function readJson(file: string): unknown {
  const text = fs.readFileSync(file, 'utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${(err as Error).message})`);
  }
}

export function readPair(id: string, root: string = CORPUS_DIR): RealPair {
  const dir = path.join(root, id);
  const sourceMdPath = path.join(dir, 'SOURCE.md');
  return {
    id,
    dir,
    labels: readJson(path.join(dir, 'labels.json')) as RealLabels,
    sources: readJson(path.join(dir, 'sources.json')) as RealSources,
    sourceMd: fs.existsSync(sourceMdPath) ? fs.readFileSync(sourceMdPath, 'utf8') : '',
  };
}

/** Splits `path:line` into its parts; undefined when it is not of that form. */
export function parseLocation(loc: unknown): { file: string; line: number } | undefined {
  if (typeof loc !== 'string') return undefined;
  const m = /^(.+):([1-9][0-9]*)$/.exec(loc);
  return m ? { file: m[1], line: Number(m[2]) } : undefined;
}

function keysAre(obj: object, keys: string[]): string | undefined {
  const have = Object.keys(obj).sort();
  const want = [...keys].sort();
  return have.join(',') === want.join(',') ? undefined : `keys are [${have.join(', ')}], expected [${want.join(', ')}]`;
}

/**
 * Checks one pair's metadata without reading any third-party file: labels.json against the corpus format,
 * sources.json entries, that every labelled path is a sourced file, and that SOURCE.md names every file's
 * repository, commit, path and license. Returns the problems, each prefixed with the file it is in.
 */
export function validatePairMetadata(pair: RealPair): string[] {
  const errors: string[] = [];
  const lf = `${pair.id}/labels.json`;
  const sf = `${pair.id}/sources.json`;
  const l = pair.labels as unknown as Record<string, unknown>;
  if (typeof l !== 'object' || l === null) return [`${lf}: not an object`];
  const bad = keysAre(l, LABEL_KEYS);
  if (bad) errors.push(`${lf}: ${bad}`);
  if (l.project !== pair.id) errors.push(`${lf}: project is ${JSON.stringify(l.project)}, expected "${pair.id}"`);
  if (typeof l.framework !== 'string' || !l.framework) errors.push(`${lf}: framework must be a non-empty string`);
  if (!Array.isArray(l.libraries) || !l.libraries.every((x) => typeof x === 'string' && x)) {
    errors.push(`${lf}: libraries must be an array of non-empty strings`);
  }
  if (typeof l.clean !== 'boolean') errors.push(`${lf}: clean must be a boolean`);
  if (!(l.model === null || typeof l.model === 'string')) errors.push(`${lf}: model must be null or a string`);
  if (typeof l.notes !== 'string' || l.notes.trim().length < 20) errors.push(`${lf}: notes must say why (≥ 20 chars)`);

  // sources.json
  const s = pair.sources as unknown as Record<string, unknown>;
  const sourced = new Map<string, RealSourceFile>();
  if (typeof s !== 'object' || s === null || !Array.isArray(s.files)) {
    errors.push(`${sf}: must be an object with a files array`);
  } else {
    if (s.pair !== pair.id) errors.push(`${sf}: pair is ${JSON.stringify(s.pair)}, expected "${pair.id}"`);
    for (const [i, f] of (s.files as RealSourceFile[]).entries()) {
      const at = `${sf}: files[${i}]`;
      const debian = f.origin === 'debian';
      if (f.origin !== undefined && f.origin !== 'git' && !debian) errors.push(`${at}: origin must be "git" or "debian"`);
      const badKeys = keysAre(f, debian ? DEBIAN_KEYS : SOURCE_KEYS);
      if (badKeys) errors.push(`${at}: ${badKeys}`);
      const top = debian ? f.package : typeof f.repo === 'string' ? f.repo.split('/')[1] : undefined;
      if (typeof f.local !== 'string' || !LOCAL.test(f.local) || f.local.split('/').some((p) => p === '..' || p === '.')) {
        errors.push(`${at}: local ${JSON.stringify(f.local)} must be <repository or package name>/<path> without "." or ".." segments`);
      } else if (METADATA.has(f.local.split('/')[0])) {
        errors.push(`${at}: local ${f.local} would collide with the pair's metadata files`);
      } else if (top !== undefined && f.local !== `${top}/${f.path}`) {
        errors.push(`${at}: local ${f.local} must be ${top}/${f.path}`);
      }
      if (debian) {
        if (typeof f.package !== 'string' || !DEB_PACKAGE.test(f.package)) errors.push(`${at}: package must be a Debian package name`);
        if (typeof f.version !== 'string' || !DEB_VERSION.test(f.version)) errors.push(`${at}: version must be a Debian version`);
        if (typeof f.upstream !== 'string' || !REPO.test(f.upstream)) errors.push(`${at}: upstream must be owner/name`);
      } else {
        if (typeof f.repo !== 'string' || !REPO.test(f.repo)) errors.push(`${at}: repo must be owner/name`);
        if (typeof f.commit !== 'string' || !SHA.test(f.commit)) errors.push(`${at}: commit must be a full 40-hex sha`);
      }
      if (typeof f.blob !== 'string' || !SHA.test(f.blob)) errors.push(`${at}: blob must be a 40-hex git blob id`);
      if (typeof f.path !== 'string' || !f.path || f.path.startsWith('/')) errors.push(`${at}: path must be relative`);
      if (!(REDISTRIBUTABLE_LICENSES as readonly string[]).includes(f.license)) {
        errors.push(`${at}: license ${JSON.stringify(f.license)} is not one of ${REDISTRIBUTABLE_LICENSES.join(', ')}`);
      }
      if (sourced.has(f.local)) errors.push(`${at}: local ${f.local} listed twice`);
      sourced.set(f.local, f);
      // SOURCE.md must name where each file comes from, its path and its license.
      const needles = debian ? [f.package, f.version, f.upstream, f.path, f.license] : [f.repo, f.commit, f.path, f.license];
      for (const needle of needles) {
        if (typeof needle === 'string' && !pair.sourceMd.includes(needle)) {
          errors.push(`${pair.id}/SOURCE.md: does not name ${JSON.stringify(needle)} (for ${f.local})`);
        }
      }
    }
  }
  if (!pair.sourceMd) errors.push(`${pair.id}/SOURCE.md: missing`);
  else if (!/license/i.test(pair.sourceMd)) errors.push(`${pair.id}/SOURCE.md: names no license`);

  // Side lists.
  for (const side of ['training', 'serving'] as const) {
    const list = l[side];
    if (!Array.isArray(list) || list.length === 0) {
      errors.push(`${lf}: ${side} must be a non-empty array of paths`);
      continue;
    }
    for (const p of list) {
      if (typeof p !== 'string' || !sourced.has(p)) errors.push(`${lf}: ${side} path ${JSON.stringify(p)} is not in sources.json`);
    }
  }

  // Skews.
  if (!Array.isArray(l.skews)) {
    errors.push(`${lf}: skews must be an array`);
  } else {
    if (l.clean === true && l.skews.length > 0) errors.push(`${lf}: clean pair has ${l.skews.length} skews`);
    if (l.clean === false && l.skews.length === 0) errors.push(`${lf}: pair is not clean but has no skews`);
    const ids = new Set<string>();
    for (const [i, k] of (l.skews as RealSkewLabel[]).entries()) {
      const at = `${lf}: skews[${i}]`;
      const badKeys = keysAre(k, SKEW_KEYS);
      if (badKeys) errors.push(`${at}: ${badKeys}`);
      if (typeof k.id !== 'string' || !/^s[1-9][0-9]*$/.test(k.id) || ids.has(k.id)) errors.push(`${at}: id must be a unique s<N>`);
      ids.add(k.id);
      if (!(SKEW_KINDS as readonly string[]).includes(k.kind)) errors.push(`${at}: kind ${JSON.stringify(k.kind)} is not a known kind`);
      if (typeof k.description !== 'string' || k.description.length < 20) errors.push(`${at}: description too short`);
      for (const side of ['training', 'serving'] as const) {
        const loc = parseLocation(k[side]);
        if (!loc) errors.push(`${at}: ${side} ${JSON.stringify(k[side])} is not path:line`);
        else if (!sourced.has(loc.file)) errors.push(`${at}: ${side} file ${loc.file} is not in sources.json`);
      }
    }
  }
  return errors;
}

/** The git blob id of some bytes, as `git hash-object` computes it. */
export function gitBlobId(bytes: Buffer): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

export function mirrorGitDir(repo: string, mirrorRoot: string = DEFAULT_MIRROR_ROOT): string {
  const [owner, name] = repo.split('/');
  return path.join(mirrorRoot, `${owner}+${name}`, 'repo');
}

/** Where a source comes from, for messages. */
export function describeSource(f: RealSourceFile): string {
  return f.origin === 'debian' ? `Debian ${f.package} ${f.version}:${f.path}` : `${f.repo}@${f.commit}:${f.path}`;
}

/** The cached .deb of a Debian-origin source, if present (`<package>_<version>_<arch>.deb`, epoch colon as %3a). */
export function findDeb(file: RealSourceFile, debCache: string = DEFAULT_DEB_CACHE): string | undefined {
  if (!fs.existsSync(debCache)) return undefined;
  const prefix = `${file.package}_${String(file.version).replace(/:/g, '%3a')}_`;
  const hit = fs.readdirSync(debCache).find((n) => n.startsWith(prefix) && n.endsWith('.deb'));
  return hit ? path.join(debCache, hit) : undefined;
}

function readFromDeb(deb: string, member: string): Buffer | undefined {
  try {
    const tar = execFileSync('dpkg-deb', ['--fsys-tarfile', deb], { maxBuffer: 512 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] });
    return execFileSync('tar', ['-xO', `./${member}`], { input: tar, maxBuffer: 64 * 1024 * 1024, stdio: ['pipe', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
}

/**
 * Reads a source's bytes from where it is pinned: the repository snapshot (git) or the cached .deb (debian).
 * Undefined when that is not on this machine.
 */
export function readBlobFromMirror(
  file: RealSourceFile,
  mirrorRoot: string = DEFAULT_MIRROR_ROOT,
  debCache: string = DEFAULT_DEB_CACHE,
): Buffer | undefined {
  if (file.origin === 'debian') {
    const deb = findDeb(file, debCache);
    return deb ? readFromDeb(deb, file.path) : undefined;
  }
  const gitDir = mirrorGitDir(file.repo, mirrorRoot);
  if (!fs.existsSync(gitDir)) return undefined;
  try {
    return execFileSync('git', ['--git-dir', gitDir, 'cat-file', 'blob', file.blob], {
      maxBuffer: 64 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch {
    return undefined;
  }
}

/**
 * The bytes of one sourced file: the materialized copy when present, else the mirror's blob. Throws when a copy is
 * present but is not the pinned blob; undefined when neither is available.
 */
export function readSourceFile(pair: RealPair, file: RealSourceFile, mirrorRoot: string = DEFAULT_MIRROR_ROOT): Buffer | undefined {
  const local = path.join(pair.dir, file.local);
  if (fs.existsSync(local)) {
    const bytes = fs.readFileSync(local);
    const id = gitBlobId(bytes);
    if (id !== file.blob) {
      throw new Error(`${pair.id}/${file.local}: blob ${id} is not the pinned ${file.blob} (${describeSource(file)})`);
    }
    return bytes;
  }
  return readBlobFromMirror(file, mirrorRoot);
}

/**
 * Checks every labelled `path:line` against the file's real content: the line exists and is not blank. Files that
 * cannot be read (no copy, no snapshot) are returned in `unavailable` rather than reported as errors.
 */
export function validatePairContent(pair: RealPair, mirrorRoot: string = DEFAULT_MIRROR_ROOT): { errors: string[]; unavailable: string[] } {
  const errors: string[] = [];
  const unavailable: string[] = [];
  const lines = new Map<string, string[]>();
  for (const f of pair.sources.files) {
    const bytes = readSourceFile(pair, f, mirrorRoot);
    if (!bytes) {
      unavailable.push(`${pair.id}/${f.local} (${describeSource(f)})`);
      continue;
    }
    if (gitBlobId(bytes) !== f.blob) errors.push(`${pair.id}/${f.local}: content does not match blob ${f.blob}`);
    lines.set(f.local, bytes.toString('utf8').split(/\r?\n/));
  }
  for (const k of pair.labels.skews) {
    for (const side of ['training', 'serving'] as const) {
      const loc = parseLocation(k[side]);
      if (!loc) continue;
      const content = lines.get(loc.file);
      if (!content) continue;
      if (loc.line > content.length) {
        errors.push(`${pair.id}/labels.json: ${k.id} ${side} ${k[side]} is past the end (${content.length} lines)`);
      } else if (!content[loc.line - 1].trim()) {
        errors.push(`${pair.id}/labels.json: ${k.id} ${side} ${k[side]} points at a blank line`);
      }
    }
  }
  return { errors, unavailable };
}

/**
 * Writes each sourced file into its pair folder from the local snapshots, verifying blob ids, through a temp file and
 * a rename. Returns what was written and what could not be found.
 */
export function materialize(
  pairs: string[] = listPairs(),
  mirrorRoot: string = DEFAULT_MIRROR_ROOT,
  root: string = CORPUS_DIR,
  options: { debCache?: string; download?: boolean } = {},
): { written: string[]; missing: string[] } {
  const debCache = options.debCache ?? DEFAULT_DEB_CACHE;
  const written: string[] = [];
  const missing: string[] = [];
  for (const id of pairs) {
    const pair = readPair(id, root);
    for (const f of pair.sources.files) {
      if (f.origin === 'debian' && options.download && !findDeb(f, debCache)) downloadDeb(f, debCache);
      const bytes = readBlobFromMirror(f, mirrorRoot, debCache);
      if (!bytes || gitBlobId(bytes) !== f.blob) {
        const where = f.origin === 'debian' ? `.deb expected in ${debCache}` : `snapshot expected at ${mirrorGitDir(f.repo, mirrorRoot)}`;
        missing.push(`${id}/${f.local} (${describeSource(f)}; ${bytes ? 'content differs from the pinned blob' : where})`);
        continue;
      }
      const dest = path.join(pair.dir, f.local);
      if (!dest.startsWith(pair.dir + path.sep)) throw new Error(`${id}/sources.json: ${f.local} escapes the pair folder`);
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      const tmp = `${dest}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, bytes, { flag: 'wx' });
      fs.renameSync(tmp, dest);
      written.push(`${id}/${f.local}`);
    }
  }
  return { written, missing };
}

/** Fetches one package version into the cache with the ordinary Debian client (`apt-get download`). */
function downloadDeb(file: RealSourceFile, debCache: string): void {
  fs.mkdirSync(debCache, { recursive: true });
  try {
    execFileSync('apt-get', ['download', `${file.package}=${file.version}`], { cwd: debCache, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch {
    // Reported as missing by the caller.
  }
}

/**
 * Fills `commit` and `blob` of entries that lack them from the snapshot's HEAD (used when adding a pair).
 * Returns the entries it pinned.
 */
export function pinSources(id: string, mirrorRoot: string = DEFAULT_MIRROR_ROOT, root: string = CORPUS_DIR): string[] {
  const file = path.join(root, id, 'sources.json');
  const sources = readJson(file) as RealSources;
  const pinned: string[] = [];
  for (const f of sources.files) {
    if (f.origin === 'debian' || (f.commit && f.blob)) continue;
    const gitDir = mirrorGitDir(f.repo, mirrorRoot);
    const git = (...args: string[]) => execFileSync('git', ['--git-dir', gitDir, ...args], { encoding: 'utf8' }).trim();
    f.commit = git('rev-parse', 'HEAD');
    f.blob = git('rev-parse', `${f.commit}:${f.path}`);
    pinned.push(`${f.local} ← ${f.repo}@${f.commit}:${f.path}`);
  }
  fs.writeFileSync(file, JSON.stringify(sources, null, 2) + '\n');
  return pinned;
}
