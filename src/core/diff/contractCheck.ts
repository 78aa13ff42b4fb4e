/**
 * The checklist item "Serving contract unchanged, or versioned": each workspace model is compared with its
 * version at a git ref (`review --base <ref>`; `HEAD` by default, i.e. uncommitted changes), contract only. A
 * breaking change passes only when the model is versioned:
 * - its declared version changed (`model_version`, or a metadata `version` key);
 * - it sits in a new Triton version folder (`<name>/<N>/model.onnx` absent at the ref);
 * - or `.mlpreflight/versions.json` gives it a version (`{ "models/m.onnx": "2.0" }`) that differs from the ref's.
 * Serving configs that name a removed or renamed input/output (Triton `config.pbtxt`, KServe/Kubernetes YAML,
 * JSON) are listed with their line: those emitted files must change with the model.
 */
import * as path from 'node:path';
import type { Evidence, Finding } from '../../shared/checklist';
import type { ContractChange, ModelDiff } from '../../shared/modelDiff';
import { diffModels } from './diffModels';
import { DiffError } from './errors';
import { readModelAtRef, readTextAtRef, refExists } from './gitBlob';

/** The part of the checklist's workspace this check reads. */
export interface ContractWorkspace {
  root: string;
  find(re: RegExp): string[];
  read(rel: string): Promise<string | undefined>;
}

export interface ContractCheckResult {
  status: 'pass' | 'warn' | 'fail' | 'unknown';
  summary: string;
  evidence: Evidence[];
  findings: Finding[];
  /** One diff per model compared (for the review's report). */
  diffs: Array<{ file: string; diff: ModelDiff; versioned: string | null }>;
}

/** Most models compared per run (each costs two graph reads and one `git cat-file`). */
export const MAX_CONTRACT_MODELS = 20;
const VERSIONS_FILE = '.mlpreflight/versions.json';

function versionsOf(text: string | null | undefined): Record<string, string> {
  if (!text) return {};
  try {
    const o = JSON.parse(text) as unknown;
    if (typeof o !== 'object' || o === null || Array.isArray(o)) return {};
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(o as Record<string, unknown>)) if (typeof v === 'string' || typeof v === 'number') out[k] = String(v);
    return out;
  } catch {
    return {};
  }
}

/** Serving configs that name `names` as a quoted string (`name: "h"`, `"name": "h"`), with the line. */
async function configMentions(ws: ContractWorkspace, names: readonly string[]): Promise<Array<{ file: string; line: number; name: string }>> {
  if (names.length === 0) return [];
  const out: Array<{ file: string; line: number; name: string }> = [];
  for (const file of ws.find(/(^|\/)(config\.pbtxt|[^/]+\.ya?ml|[^/]+\.json)$/i).slice(0, 400)) {
    if (file.startsWith('.mlpreflight/') || /(^|\/)(package(-lock)?|tsconfig)\.json$/.test(file)) continue;
    const text = await ws.read(file);
    if (!text) continue;
    for (const name of names) {
      const needle = [`"${name}"`, `'${name}'`];
      const i = Math.min(...needle.map((n) => text.indexOf(n)).filter((x) => x >= 0), Infinity);
      if (i === Infinity) continue;
      let line = 1;
      for (let k = 0; k < i; k++) if (text.charCodeAt(k) === 10) line++;
      out.push({ file, line, name });
    }
  }
  return out;
}

/** Names a client or config refers to that the new model no longer has. */
function goneNames(changes: readonly ContractChange[]): string[] {
  const out: string[] = [];
  for (const c of changes) {
    if (c.kind === 'input-removed' || c.kind === 'output-removed') out.push(c.subject);
    if ((c.kind === 'input-renamed' || c.kind === 'output-renamed') && c.before) out.push(c.before);
  }
  return [...new Set(out)];
}

/**
 * Grades the workspace models against `base` (default `HEAD`).
 *
 * @param models Workspace-relative model paths that were inspected successfully.
 */
export async function checkServingContract(ws: ContractWorkspace, models: readonly string[], base: string | undefined, options: { signal?: AbortSignal } = {}): Promise<ContractCheckResult> {
  const ref = base ?? 'HEAD';
  const result: ContractCheckResult = { status: 'pass', summary: '', evidence: [], findings: [], diffs: [] };
  if (models.length === 0) return { ...result, status: 'unknown', summary: 'No readable ONNX model to compare' };
  if (!(await refExists(ws.root, ref))) {
    return {
      ...result,
      status: base === undefined ? 'unknown' : 'fail',
      summary: base === undefined ? 'Not a git work tree with a commit: no earlier version to compare with (in CI: review --base <ref>)' : `'${ref}' is not a commit in this repository: cannot compare the serving contract`,
    };
  }
  const nowVersions = versionsOf(await ws.read(VERSIONS_FILE));
  let baseVersions: Record<string, string> = {};
  try {
    baseVersions = versionsOf(await readTextAtRef(path.join(ws.root, VERSIONS_FILE), ref));
  } catch {
    baseVersions = {};
  }
  let breakingUnversioned = 0;
  let breakingVersioned = 0;
  let changed = 0;
  let added = 0;
  let unknown = 0;
  for (const rel of models.slice(0, MAX_CONTRACT_MODELS)) {
    const abs = path.join(ws.root, ...rel.split('/'));
    let old;
    try {
      old = await readModelAtRef(abs, ref, options);
    } catch (ex) {
      if (DiffError.is(ex, 'not-in-ref')) {
        added++;
        const triton = /(^|\/)(\d+)\/[^/]+\.onnx$/.exec(rel);
        result.evidence.push({ file: rel, text: triton ? `new at ${ref}: Triton version folder ${triton[2]}/` : `new model (not at ${ref})` });
        continue;
      }
      if (DiffError.is(ex, 'aborted')) throw ex;
      unknown++;
      result.evidence.push({ file: rel, text: `not compared: ${ex instanceof Error ? ex.message : String(ex)}` });
      continue;
    }
    let diff: ModelDiff;
    try {
      diff = await diffModels(old.path, abs, { signal: options.signal, labels: { old: `${rel} at ${ref}`, new: rel } });
    } catch (ex) {
      unknown++;
      result.evidence.push({ file: rel, text: `not compared: ${ex instanceof Error ? ex.message : String(ex)}` });
      continue;
    } finally {
      await old.dispose();
    }
    const breaking = diff.changes.filter((c) => c.severity === 'breaking');
    let versioned: string | null = null;
    if (diff.new.version !== null && diff.new.version !== diff.old.version) versioned = `declared version ${diff.old.version ?? 'none'} → ${diff.new.version}`;
    else if (Object.hasOwn(nowVersions, rel) && nowVersions[rel] !== (Object.hasOwn(baseVersions, rel) ? baseVersions[rel] : undefined)) {
      versioned = `${VERSIONS_FILE}: ${Object.hasOwn(baseVersions, rel) ? baseVersions[rel] : 'none'} → ${nowVersions[rel]}`;
    }
    result.diffs.push({ file: rel, diff, versioned });
    if (diff.verdict === 'identical' || diff.changes.length === 0) {
      result.evidence.push({ file: rel, text: `contract unchanged since ${ref}` });
      continue;
    }
    changed++;
    if (breaking.length === 0) {
      result.evidence.push({ file: rel, text: `${diff.counts.compatible} compatible, ${diff.counts.informational} informational change(s) since ${ref}; no breaking change` });
      continue;
    }
    if (versioned) {
      breakingVersioned++;
      result.evidence.push({ file: rel, text: `${breaking.length} breaking change(s) since ${ref}, versioned (${versioned})` });
      for (const c of breaking) result.findings.push({ ruleId: `contract/${c.kind}`, level: 'info', message: `${rel}: ${c.reason} (versioned: ${versioned})`, file: rel });
      continue;
    }
    breakingUnversioned++;
    result.evidence.push({ file: rel, text: `${breaking.length} breaking change(s) since ${ref} and no version bump` });
    for (const c of breaking) result.findings.push({ ruleId: `contract/${c.kind}`, level: 'error', message: `${rel}: ${c.reason} No version bump since ${ref}: bump model_version (or metadata 'version'), add a Triton version folder, or set it in ${VERSIONS_FILE}.`, file: rel });
    for (const m of await configMentions(ws, goneNames(breaking))) {
      result.findings.push({ ruleId: 'contract/config-must-change', level: 'error', message: `${m.file} names '${m.name}', which ${rel} no longer has: regenerate or update it with the model (ml-preflight emit)`, file: m.file, line: m.line });
      result.evidence.push({ file: m.file, line: m.line, text: `names '${m.name}', gone from ${rel}` });
    }
  }
  if (models.length > MAX_CONTRACT_MODELS) result.evidence.push({ text: `only the first ${MAX_CONTRACT_MODELS} of ${models.length} models were compared` });
  if (breakingUnversioned > 0) {
    result.status = 'fail';
    result.summary = `${breakingUnversioned} model(s) break the serving contract since ${ref} without a version bump`;
  } else if (unknown > 0 && changed === 0 && added === 0) {
    result.status = 'unknown';
    result.summary = `Could not compare with ${ref}: ${result.evidence.find((e) => e.text.startsWith('not compared'))?.text ?? ''}`;
  } else if (unknown > 0) {
    result.status = 'warn';
    result.summary = `${unknown} model(s) could not be compared with ${ref}`;
  } else {
    result.summary = breakingVersioned
      ? `${breakingVersioned} model(s) changed the contract since ${ref} and are versioned`
      : changed
        ? `No breaking change since ${ref} (${changed} model(s) changed compatibly)`
        : added && added === models.length
          ? `All ${added} model(s) are new since ${ref}`
          : `Serving contract unchanged since ${ref}`;
  }
  return result;
}
