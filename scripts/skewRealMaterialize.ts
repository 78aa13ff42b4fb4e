/**
 * Lays out the real-code skew corpus (test/fixtures/skew-real/) for scoring: copies each pair's third-party files,
 * byte for byte, from local repository snapshots into each pair folder as <repository name>/<path> (gitignored).
 *
 *   npx tsx scripts/skewRealMaterialize.ts [--mirror DIR] [PAIR...]   copy the files (default: every pair)
 *   npx tsx scripts/skewRealMaterialize.ts --pin PAIR...              fill missing commit/blob from the snapshot HEAD
 *
 * DIR holds one bare git directory per repository as `<owner>+<name>/repo` (default: $MLP_SKEW_REAL_MIRROR or
 * /work/.mirror). Exits 1 when a file could not be found or did not match its pinned blob id.
 */
import { DEFAULT_MIRROR_ROOT, listPairs, materialize, pinSources } from './lib/skewRealCorpus';

function main(argv: string[]): number {
  let mirror = DEFAULT_MIRROR_ROOT;
  let pin = false;
  const pairs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--mirror') mirror = argv[++i] ?? '';
    else if (a === '--pin') pin = true;
    else if (a.startsWith('-')) {
      process.stderr.write(`skewRealMaterialize: unknown option ${a}\n`);
      return 2;
    } else pairs.push(a);
  }
  if (pin) {
    for (const id of pairs) for (const line of pinSources(id, mirror)) process.stdout.write(`pinned ${id}: ${line}\n`);
    return 0;
  }
  const { written, missing } = materialize(pairs.length ? pairs : listPairs(), mirror);
  process.stdout.write(`skew-real: wrote ${written.length} files\n`);
  for (const m of missing) process.stderr.write(`skew-real: missing ${m}\n`);
  return missing.length ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
