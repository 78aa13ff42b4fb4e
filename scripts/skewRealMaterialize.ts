/**
 * Lays out the real-code skew corpus (test/fixtures/skew-real/) for scoring: copies each pair's third-party files,
 * byte for byte, from local repository snapshots into each pair folder as <repository name>/<path> (gitignored).
 *
 *   npx tsx scripts/skewRealMaterialize.ts [--mirror DIR] [--deb-cache DIR] [--no-download] [PAIR...]
 *       copy the files (default: every pair)
 *   npx tsx scripts/skewRealMaterialize.ts --pin PAIR...   fill missing commit/blob of git sources from the snapshot HEAD
 *
 * --mirror holds one bare git directory per repository as `<owner>+<name>/repo` (default: $MLP_SKEW_REAL_MIRROR or
 * /work/.mirror). Files from Debian packages are read from the .deb in --deb-cache (default: $MLP_SKEW_REAL_DEB_CACHE
 * or <tmpdir>/mlp-skew-real-debs), fetched there with `apt-get download PACKAGE=VERSION` when missing unless
 * --no-download. Exits 1 when a file could not be found or did not match its pinned blob id.
 */
import { CORPUS_DIR, DEFAULT_DEB_CACHE, DEFAULT_MIRROR_ROOT, listPairs, materialize, pinSources } from './lib/skewRealCorpus';

function main(argv: string[]): number {
  let mirror = DEFAULT_MIRROR_ROOT;
  let pin = false;
  let debCache = DEFAULT_DEB_CACHE;
  let download = true;
  const pairs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--mirror') mirror = argv[++i] ?? '';
    else if (a === '--pin') pin = true;
    else if (a === '--deb-cache') debCache = argv[++i] ?? '';
    else if (a === '--no-download') download = false;
    else if (a.startsWith('-')) {
      process.stderr.write(`skewRealMaterialize: unknown option ${a}\n`);
      return 2;
    } else pairs.push(a);
  }
  if (pin) {
    for (const id of pairs) for (const line of pinSources(id, mirror)) process.stdout.write(`pinned ${id}: ${line}\n`);
    return 0;
  }
  const { written, missing } = materialize(pairs.length ? pairs : listPairs(), mirror, CORPUS_DIR, { debCache, download });
  process.stdout.write(`skew-real: wrote ${written.length} files\n`);
  for (const m of missing) process.stderr.write(`skew-real: missing ${m}\n`);
  return missing.length ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
