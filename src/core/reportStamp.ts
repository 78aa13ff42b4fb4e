/**
 * Ownership of report files (issue 11, write rule): a report proves that ML Preflight wrote it by a marker it
 * carries itself, a SHA-256 of its own content. Every report writer puts the bare mark {@link GENERATOR_MARK}
 * in a quoted value near the top (HTML `<meta name="generator" content="ml-preflight-report">`, SARIF
 * `properties.generator`); {@link stampReport} turns its first occurrence into
 * `ml-preflight-report;sha256=<hash of the unstamped text>`, and {@link isOwnReport} recomputes that hash.
 *
 * So a user's file that merely contains the string `ml-preflight-report` (or a copied stamp) is not ours and is
 * never replaced without `--force`, and a report the user has since edited is theirs now.
 */
import { createHash } from 'node:crypto';
import { GENERATOR_MARK } from '../shared/generator';

const BARE = `${GENERATOR_MARK}"`;
const STAMPED = new RegExp(`${GENERATOR_MARK};sha256=([0-9a-f]{64})"`);

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** `text` with its first bare mark stamped with the hash of `text`; unchanged when it carries no mark. */
export function stampReport(text: string): string {
  const at = text.indexOf(BARE);
  if (at < 0) return text;
  return `${text.slice(0, at)}${GENERATOR_MARK};sha256=${sha256(text)}"${text.slice(at + BARE.length)}`;
}

/** True when `text` carries a stamp whose hash matches the rest of the file (see {@link stampReport}). */
export function isOwnReport(text: string): boolean {
  const m = STAMPED.exec(text);
  if (!m) return false;
  const unstamped = text.slice(0, m.index) + BARE + text.slice(m.index + m[0].length);
  return sha256(unstamped) === m[1];
}
