/**
 * The skew capability (src/core/skew, #5) run live for the checklist and the review: discovers the
 * workspace's training/serving pairs and turns the findings into {@link SkewFacts} with workspace-relative
 * serving locations (SARIF points at the serving line, the message names the training line).
 */
import * as path from 'node:path';
import { workspaceRelative } from '../paths';
import { analyzeWorkspace } from '../skew/analyze';
import type { SkewFacts } from './sources';

const rel = workspaceRelative;

/** Null when the workspace has no training/serving pair. */
export async function liveSkew(root: string, signal?: AbortSignal, includeGenerated = false): Promise<SkewFacts | null> {
  const abs = path.resolve(root);
  const report = await analyzeWorkspace(abs, { signal, includeGenerated });
  if (report.pairs.length === 0) return null;
  const findings = report.pairs.flatMap((p) => p.findings).map((f) => {
    const at = f.serving ?? f.training;
    return {
      id: f.kind,
      severity: f.severity,
      message: f.message,
      file: at ? rel(abs, at.file) : undefined,
      line: at?.line,
      trainingFile: f.serving && f.training ? rel(abs, f.training.file) : undefined,
      trainingLine: f.serving && f.training ? f.training.line : undefined,
    };
  });
  const pairs = report.pairs.map((p) => `${p.pair.training.map((t) => rel(abs, t)).join('+')} → ${p.pair.serving.map((s) => rel(abs, s)).join('+')}`).join('; ');
  return { source: `live skew analysis (${pairs})`, findings };
}
