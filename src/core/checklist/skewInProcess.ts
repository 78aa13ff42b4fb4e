/**
 * The skew analysis on the caller's thread: the default of the CLI, `review` and the unit tests. Loaded on first
 * use by liveSkew.ts; the VS Code extension passes its own {@link AnalyzeSkew} (the skew service's results, or
 * the skew worker thread), and its bundles are built without this file (scripts/build.mjs), so tree-sitter
 * never enters the checklist bundle or runs on the extension host's thread.
 */
import { analyzeWorkspace } from '../skew/analyze';
import type { AnalyzeSkew } from './liveSkew';

export const analyzeSkewInProcess: AnalyzeSkew = (root, signal, options) => analyzeWorkspace(root, { signal, includeGenerated: options?.includeGenerated });
