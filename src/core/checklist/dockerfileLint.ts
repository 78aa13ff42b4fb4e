/**
 * Dockerfile lint: syntax problems from `dockerfile-utils` (the validator of the Docker language server) plus
 * our production rules:
 *
 * | rule | level |
 * |---|---|
 * | `dockerfile/syntax` (dockerfile-utils diagnostics) | error / warning as reported |
 * | `dockerfile/unpinned-base-image`: a `FROM` image without a digest (`@sha256:…`), or with no tag / `latest` | warning (no digest) / error (latest or no tag) |
 * | `dockerfile/root-user`: no `USER` in the final stage, or `USER root`/`0` last | error |
 * | `dockerfile/no-healthcheck`: no `HEALTHCHECK` (and not `HEALTHCHECK NONE`) | warning |
 * | `dockerfile/secret-in-env`: `ENV`/`ARG` whose name looks like a secret (`*_KEY`, `*TOKEN*`, `*PASSWORD*`, `*SECRET*`) with a value | error |
 * | `dockerfile/add-url`: `ADD http(s)://…` (unverified download; use `curl` + checksum or `ADD --checksum`) | error |
 */
import { validate } from 'dockerfile-utils';
import type { Finding } from '../../shared/checklist';

export interface Instruction {
  keyword: string;
  /** Arguments with continuations joined (one space). */
  args: string;
  /** 1-based line of the keyword. */
  line: number;
}

/** Splits a Dockerfile into instructions (comments and parser directives dropped, `\` continuations joined). */
export function parseInstructions(text: string): Instruction[] {
  const lines = text.split(/\r?\n/);
  const out: Instruction[] = [];
  let current: Instruction | undefined;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const trimmed = raw.trim();
    if (!current) {
      if (!trimmed || trimmed.startsWith('#')) continue;
      const m = /^(\S+)\s*(.*)$/.exec(trimmed)!;
      current = { keyword: m[1]!.toUpperCase(), args: m[2] ?? '', line: i + 1 };
    } else if (trimmed.startsWith('#')) {
      continue;
    } else {
      current.args = `${current.args} ${trimmed}`;
    }
    if (current.args.endsWith('\\')) {
      current.args = current.args.slice(0, -1).trimEnd();
    } else {
      out.push(current);
      current = undefined;
    }
  }
  if (current) out.push(current);
  return out;
}

const SECRET_NAME = /(^|_)(API_?KEY|ACCESS_?KEY|SECRET|TOKEN|PASSWORD|PASSWD|PWD|PRIVATE_?KEY|CREDENTIALS?)(_|$)/i;

/** `NAME=value` pairs of an ENV/ARG line (also the legacy `ENV NAME value` form). */
function assignments(keyword: string, args: string): { name: string; value: string | undefined }[] {
  const pairs: { name: string; value: string | undefined }[] = [];
  if (keyword === 'ENV' && !/^\S+=/.test(args)) {
    const m = /^(\S+)\s+(.*)$/.exec(args);
    if (m) pairs.push({ name: m[1]!, value: m[2] });
    return pairs;
  }
  for (const m of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)(?:=("(?:[^"\\]|\\.)*"|'[^']*'|\S*))?/g)) {
    pairs.push({ name: m[1]!, value: m[2] });
  }
  return pairs;
}

/** Lints one Dockerfile; `file` is its workspace-relative path (for the findings). */
export function lintDockerfile(text: string, file: string): Finding[] {
  const findings: Finding[] = [];
  for (const d of validate(text)) {
    findings.push({
      ruleId: 'dockerfile/syntax',
      level: d.severity === 1 ? 'error' : 'warning',
      message: typeof d.message === 'string' ? d.message : d.message.value,
      file,
      line: d.range.start.line + 1,
      column: d.range.start.character + 1,
    });
  }
  const instructions = parseInstructions(text);
  const froms = instructions.filter((i) => i.keyword === 'FROM');
  if (froms.length === 0) {
    findings.push({ ruleId: 'dockerfile/syntax', level: 'error', message: 'No FROM instruction: this is not a buildable Dockerfile', file, line: 1 });
    return findings;
  }
  const stageNames = new Set<string>();
  const lastFrom = froms[froms.length - 1]!;
  for (const from of froms) {
    const parts = from.args.split(/\s+/).filter((p) => !p.startsWith('--'));
    const image = parts[0] ?? '';
    const alias = /^as$/i.test(parts[1] ?? '') ? parts[2] : undefined;
    const isStageRef = stageNames.has(image.toLowerCase()) || image === 'scratch' || image.includes('$');
    if (alias) stageNames.add(alias.toLowerCase());
    if (isStageRef) continue;
    const digest = image.includes('@sha256:');
    const nameNoDigest = image.split('@')[0]!;
    const lastSegment = nameNoDigest.split('/').pop() ?? '';
    const tag = lastSegment.includes(':') ? lastSegment.split(':').pop() : undefined;
    if (!digest && (!tag || tag === 'latest')) {
      findings.push({ ruleId: 'dockerfile/unpinned-base-image', level: 'error', message: `FROM ${image} is not pinned: ${tag ? "the 'latest' tag" : 'no tag'} changes under you; use a version tag and a digest (${nameNoDigest.split(':')[0]}:<version>@sha256:…)`, file, line: from.line });
    } else if (!digest) {
      findings.push({ ruleId: 'dockerfile/unpinned-base-image', level: 'warning', message: `FROM ${image} has a tag but no digest: tags can be re-pushed; pin it as ${image}@sha256:…`, file, line: from.line });
    }
  }
  const finalStage = instructions.slice(instructions.indexOf(lastFrom));
  const users = finalStage.filter((i) => i.keyword === 'USER');
  const lastUser = users[users.length - 1];
  if (!lastUser) {
    findings.push({ ruleId: 'dockerfile/root-user', level: 'error', message: 'The final stage has no USER instruction, so the server runs as root; add a non-root user (USER 10001 or a named user)', file, line: lastFrom.line });
  } else if (/^(root|0)(:|$)/.test(lastUser.args.trim())) {
    findings.push({ ruleId: 'dockerfile/root-user', level: 'error', message: `USER ${lastUser.args.trim()}: the server runs as root; switch to a non-root user`, file, line: lastUser.line });
  }
  const health = instructions.filter((i) => i.keyword === 'HEALTHCHECK');
  const lastHealth = health[health.length - 1];
  if (!lastHealth) {
    findings.push({ ruleId: 'dockerfile/no-healthcheck', level: 'warning', message: 'No HEALTHCHECK: Docker and Compose cannot tell a hung server from a healthy one (Kubernetes uses probes instead; add one for plain Docker hosts)', file, line: lastFrom.line });
  } else if (/^NONE\b/i.test(lastHealth.args.trim())) {
    findings.push({ ruleId: 'dockerfile/no-healthcheck', level: 'warning', message: 'HEALTHCHECK NONE disables the base image\'s health check', file, line: lastHealth.line });
  }
  for (const inst of instructions) {
    if (inst.keyword === 'ENV' || inst.keyword === 'ARG') {
      for (const { name, value } of assignments(inst.keyword, inst.args)) {
        if (SECRET_NAME.test(name) && value !== undefined && value.replace(/^["']|["']$/g, '') !== '') {
          findings.push({ ruleId: 'dockerfile/secret-in-env', level: 'error', message: `${inst.keyword} ${name} bakes a secret into the image (visible in \`docker history\`); pass it at run time (secret mount, orchestrator secret)`, file, line: inst.line });
        }
      }
    }
    if (inst.keyword === 'ADD') {
      const src = inst.args.split(/\s+/).filter((p) => !p.startsWith('--'));
      if (src.some((p) => /^https?:\/\//i.test(p)) && !/--checksum=/.test(inst.args)) {
        findings.push({ ruleId: 'dockerfile/add-url', level: 'error', message: 'ADD of a URL downloads an unverified file at build time; download with a pinned checksum (ADD --checksum=sha256:… or curl + sha256sum)', file, line: inst.line });
      }
    }
  }
  return findings.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}
