/**
 * The editor's skew results, shared between the skew bundle (ext-skew.js, which computes them) and the checklist
 * bundle (ext-checklist.js, which grades them). The bundles never import each other: extension.ts creates one
 * {@link SkewResultsLink} and passes it to both; the skew feature sets `current` when it loads.
 */
import type { SkewReport } from '../shared/skew';

export interface SkewResultsProvider {
  /**
   * The current report of the workspace folder at `root` (absolute path), as `analyzeWorkspace` returns it,
   * or undefined when the skew service has not analysed that folder.
   */
  reportFor(root: string): Promise<SkewReport | undefined>;
}

export interface SkewResultsLink {
  current?: SkewResultsProvider;
}
