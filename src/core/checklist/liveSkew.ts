/**
 * The skew capability (src/core/skew, #5) run live for the checklist and the review: discovers the
 * workspace's training/serving pairs and turns the findings into {@link SkewFacts} with workspace-relative
 * locations. Each finding keeps its full region, the training side (SARIF `relatedLocations`), its quick fix
 * (SARIF `fixes`), its suppression and its rule's help text, so every surface shows the same typed finding.
 * {@link skewFactsFromReport} converts a report the editor's skew service already has, so the checklist need
 * not re-run the analysis.
 *
 * Who computes the report is the caller's choice ({@link AnalyzeSkew}, `ChecklistOptions.analyzeSkew`): by
 * default the analysis runs on this thread (skewInProcess.ts, imported on first use); VS Code passes the skew
 * service's current results or the skew worker thread. This file does not import the analyzer itself.
 */
import * as path from 'node:path';
import type { SkewFinding, SkewReport } from '../../shared/skew';
import type { SkewSarif } from '../../shared/checklist';
import { workspaceRelative } from '../paths';
import type { DiscoverOptions } from '../skew/pairing';
import { helpFor } from '../skew/rules';
import type { SkewWorkerClient } from '../skew/runSkewWorker';
import type { LiveSkew, SkewFacts, SkewFindingFacts } from './sources';

const rel = workspaceRelative;

function sarifOf(abs: string, f: SkewFinding): SkewSarif {
  const related: SkewSarif['related'] = [];
  if (f.serving && f.training) related.push({ file: rel(abs, f.training.file), line: f.training.line, column: f.training.column, endLine: f.training.endLine, endColumn: f.training.endColumn, message: `training: ${f.trainingValue ?? '(absent)'}` });
  for (const e of f.evidence) {
    if (!e.file || !e.line) continue;
    if (related.some((r) => r.file === rel(abs, e.file!) && r.line === e.line)) continue;
    const at = f.serving ?? f.training;
    if (at && at.file === e.file && at.line === e.line) continue;
    related.push({ file: rel(abs, e.file), line: e.line, message: `${e.side}: ${e.what}` });
  }
  const out: SkewSarif = { help: helpFor(f.kind), confidence: f.confidence, related };
  if (f.fix) out.fix = { file: rel(abs, f.fix.file), line: f.fix.line, column: f.fix.column, endLine: f.fix.endLine, endColumn: f.fix.endColumn, newText: f.fix.newText, description: `Use the training value ${f.fix.newText}` };
  if (f.suppressed) out.suppressed = f.suppressed;
  return out;
}

/** A skew report (from the CLI's analysis or the editor's skew service) as checklist facts. */
export function skewFactsFromReport(root: string, report: SkewReport, source?: string): SkewFacts | null {
  const abs = path.resolve(root);
  if (report.pairs.length === 0) return null;
  const findings = report.pairs.flatMap((p) => p.findings).map((f): SkewFindingFacts => {
    const at = f.serving ?? f.training;
    return {
      id: f.kind,
      severity: f.severity,
      message: f.message,
      file: at ? rel(abs, at.file) : undefined,
      line: at?.line,
      column: at?.column,
      endLine: at?.endLine,
      endColumn: at?.endColumn,
      trainingFile: f.serving && f.training ? rel(abs, f.training.file) : undefined,
      trainingLine: f.serving && f.training ? f.training.line : undefined,
      sarif: sarifOf(abs, f),
    };
  });
  const pairs = report.pairs.map((p) => `${p.pair.training.map((t) => rel(abs, t)).join('+')} → ${p.pair.serving.map((s) => rel(abs, s)).join('+')}`).join('; ');
  return { source: source ?? `live skew analysis (${pairs})`, findings };
}

/**
 * Computes the skew report of the workspace at `root` (an absolute path) for the checklist and the review.
 * Null (or a report without pairs): the workspace has no training/serving pair. Throws when the analysis fails
 * (the checklist reports it as a warning).
 */
export type AnalyzeSkew = (root: string, signal?: AbortSignal, options?: AnalyzeSkewOptions) => Promise<SkewReport | null>;

export interface AnalyzeSkewOptions {
  /** Pair files ML Preflight generated too (default false: generated files are left out of pairing, issue 12). */
  includeGenerated?: boolean;
}

/** The default {@link AnalyzeSkew}: `analyzeWorkspace` on this thread, loaded on first use. */
export const analyzeSkewInProcess: AnalyzeSkew = async (root, signal, options) => (await import('./skewInProcess')).analyzeSkewInProcess(root, signal, options);

/**
 * An {@link AnalyzeSkew} that discovers and analyses the pairs in the skew worker thread (runSkewWorker.ts,
 * `dist/skewWorker.js`) on the saved files: the same public entry points `analyzeWorkspace` chains, off the
 * caller's thread. `settingsPairs`: explicit pairs from the editor's settings (used when there is no
 * `.mlpreflight/skew.json`).
 */
export function analyzeSkewInWorker(worker: Pick<SkewWorkerClient, 'discover' | 'analyze'>, settingsPairs?: (root: string) => DiscoverOptions['settingsPairs']): AnalyzeSkew {
  return async (root, signal, options) => {
    const { pairs } = await worker.discover(root, settingsPairs?.(root), options?.includeGenerated);
    signal?.throwIfAborted();
    if (pairs.length === 0) return null;
    const report = await worker.analyze(pairs, root, {});
    signal?.throwIfAborted();
    return report;
  };
}

/** The live skew source of the checklist, computing the report with `analyze` (default: on this thread). */
export function liveSkewWith(analyze: AnalyzeSkew = analyzeSkewInProcess, options: AnalyzeSkewOptions = {}): LiveSkew {
  return async (root, signal) => {
    const abs = path.resolve(root);
    const report = await analyze(abs, signal, options);
    signal?.throwIfAborted();
    return report ? skewFactsFromReport(abs, report) : null;
  };
}

/** Null when the workspace has no training/serving pair. */
export const liveSkew: LiveSkew = liveSkewWith();
