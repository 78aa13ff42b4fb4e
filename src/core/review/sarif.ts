/**
 * SARIF 2.1.0 output of a review (what GitHub code scanning and other viewers read). One run, one rule per
 * `ruleId` with its help text, one result per finding, physical locations relative to `%SRCROOT%` (the
 * reviewed folder) so `upload-sarif` can map them to the repository.
 */
import * as path from 'node:path';
import { ITEMS } from '../checklist/items';
import { isInside, safeWorkspaceRelative, workspaceRelative } from '../paths';
import type { Finding } from '../../shared/checklist';
import { GENERATOR_MARK } from '../../shared/generator';
import type { ReviewReport } from './review';
import type { Severity } from '../../shared/skew';

/** SARIF 2.1.0 calls the third level `note`; everywhere else in the product it is `info`. */
function sarifLevel(level: Severity): 'error' | 'warning' | 'note' {
  return level === 'info' ? 'note' : level;
}

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const INFO_URI = 'https://example.invalid/ml-preflight/docs/checklist.md';
const SKEW_URI = 'https://example.invalid/ml-preflight/docs/skew.md';

export interface SarifOptions {
  /** Repository root the URIs are relative to (default: the reviewed folder). When the reviewed folder is
   * below it (e.g. `examples/`), URIs get that prefix so GitHub finds the files. */
  repoRoot?: string;
}

function ruleDescription(ruleId: string): { short: string; full: string } {
  const itemId = ruleId.startsWith('checklist/') ? ruleId.slice('checklist/'.length) : undefined;
  const item = itemId ? ITEMS.find((i) => i.id === itemId) : undefined;
  if (item) return { short: item.title, full: item.explanation };
  const [area, rule] = ruleId.split('/');
  const text = `${area ?? ruleId}: ${(rule ?? '').replace(/-/g, ' ')}`;
  return { short: text, full: text };
}

/** A SARIF line/column: a positive safe integer (saved result files may hold anything). */
function pos(n: number | undefined): number | undefined {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 1 ? n : undefined;
}

function uriOf(file: string, prefix: string): string {
  return encodeURI(prefix ? `${prefix}/${file}` : file).replace(/[?#]/g, (c) => encodeURIComponent(c));
}

/** Builds the SARIF log object (serialise with `JSON.stringify`). */
export function toSarif(report: ReviewReport, options: SarifOptions = {}): Record<string, unknown> {
  const repoRoot = options.repoRoot ? path.resolve(options.repoRoot) : report.root;
  const prefix = isInside(repoRoot, report.root) ? workspaceRelative(repoRoot, report.root) : '';
  const ruleIds = [...new Set(report.findings.map((f) => f.ruleId))].sort();
  const ruleIndex = new Map(ruleIds.map((id, i) => [id, i]));
  const rules = ruleIds.map((id) => {
    const d = ruleDescription(id);
    const skewHelp = report.findings.find((f) => f.ruleId === id && f.skew)?.skew?.help;
    return {
      id,
      name: id.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : '')),
      shortDescription: { text: d.short },
      fullDescription: { text: skewHelp ?? d.full },
      ...(skewHelp ? { help: { text: `${skewHelp} See docs/skew.md.` } } : {}),
      helpUri: skewHelp ? SKEW_URI : INFO_URI,
      defaultConfiguration: { level: sarifLevel(report.findings.find((f) => f.ruleId === id)!.level) },
    };
  });
  const region = (r: { line: number; column?: number; endLine?: number; endColumn?: number }) => ({ startLine: r.line, ...(r.column ? { startColumn: r.column } : {}), ...(r.endLine ? { endLine: r.endLine } : {}), ...(r.endColumn ? { endColumn: r.endColumn } : {}) });
  // Skew: the training side and the evidence as relatedLocations, the quick fix as a SARIF fix, suppressions.
  const skewParts = (f: Finding) => {
    const k = f.skew;
    if (!k) return {};
    // The same URI rule as the primary location: only paths inside the reviewed folder.
    const related = k.related.flatMap((r) => {
      const safe = safeWorkspaceRelative(report.root, r.file);
      return safe ? [{ ...r, safe }] : [];
    });
    const fixFile = k.fix ? safeWorkspaceRelative(report.root, k.fix.file) : undefined;
    return {
      properties: { confidence: k.confidence },
      ...(related.length ? { relatedLocations: related.map((r, i) => ({ id: i + 1, message: { text: r.message }, physicalLocation: { artifactLocation: { uri: uriOf(r.safe, prefix), uriBaseId: '%SRCROOT%' }, region: region(r) } })) } : {}),
      ...(k.fix && fixFile ? { fixes: [{ description: { text: k.fix.description }, artifactChanges: [{ artifactLocation: { uri: uriOf(fixFile, prefix), uriBaseId: '%SRCROOT%' }, replacements: [{ deletedRegion: region(k.fix), insertedContent: { text: k.fix.newText } }] }] }] } : {}),
      ...(k.suppressed ? { suppressions: [{ kind: k.suppressed.kind, justification: k.suppressed.justification }] } : {}),
    };
  };
  const result = (f: Finding) => {
    // SARIF URI rule: artifactLocation.uri only from a workspace-relative path resolved here; a finding whose
    // file is a URI (`javascript:`, `https://…`), absolute outside the workspace or `../` gets no location.
    const file = f.file ? safeWorkspaceRelative(report.root, f.file) : undefined;
    return {
    ruleId: f.ruleId,
    ruleIndex: ruleIndex.get(f.ruleId)!,
    level: sarifLevel(f.level),
    message: { text: f.file && !file ? `${f.message} (location refused: not a path inside the reviewed folder)` : f.message },
    ...(file
      ? {
          locations: [{
            physicalLocation: {
              artifactLocation: { uri: uriOf(file, prefix), uriBaseId: '%SRCROOT%' },
              ...(pos(f.line) ? { region: { startLine: pos(f.line), ...(pos(f.column) ? { startColumn: pos(f.column) } : {}), ...(pos(f.endLine) ? { endLine: pos(f.endLine) } : {}), ...(pos(f.endColumn) ? { endColumn: pos(f.endColumn) } : {}) } } : {}),
            },
          }],
          partialFingerprints: { primaryLocationLineHash: `${f.ruleId}:${file}:${f.line ?? 0}` },
        }
      : {}),
    ...skewParts(f),
    };
  };
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    // Lets the CLI recognise its own output before replacing it (src/cli/outputFile.ts).
    properties: { generator: GENERATOR_MARK },
    runs: [{
      tool: { driver: { name: 'ml-preflight', version: report.tool.version, informationUri: INFO_URI, rules } },
      originalUriBaseIds: { '%SRCROOT%': { uri: `${pathToFileUri(repoRoot)}/` } },
      invocations: [{ executionSuccessful: true, endTimeUtc: report.generatedAt }],
      results: report.findings.map(result),
    }],
  };
}

function pathToFileUri(p: string): string {
  const posix = p.split(path.sep).join('/');
  return `file://${posix.startsWith('/') ? '' : '/'}${encodeURI(posix)}`.replace(/\/$/, '');
}
