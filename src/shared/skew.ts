/**
 * Training vs serving preprocessing skew: the result types shared by the core (`src/core/skew`), the CLI and
 * the VS Code adapter. Plain data, no Node, no DOM, no vscode. Lines and columns are 1-based (as parsers
 * report them; column in UTF-16 code units, as VS Code counts); the adapter converts to 0-based ranges.
 */

/** Where one side of a finding is: the step (or the literal that sets its value) in a file. */
export interface SkewLocation {
  /** Absolute path in the core; the CLI's JSON makes it relative to the workspace. */
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export type SkewSeverity = 'error' | 'warning' | 'info';

/** A text edit that makes the serving value equal to the training one (offered as a quick fix). */
export interface SkewFix {
  file: string;
  /** 1-based, end exclusive (column after the last character). */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  newText: string;
}

/** One difference between the training and the serving preprocessing (or between a side and the model). */
export interface SkewFinding {
  /** Stable identifier of the check, e.g. `normalize-std`, `color-order`, `feature-order`, `fill-value`. */
  kind: string;
  severity: SkewSeverity;
  /** Names both values, e.g. "Normalize std differs: serving (0.5, 0.5, 0.5) vs training (0.229, 0.224, 0.225)". */
  message: string;
  /** The training side's step; `null` when the step exists on the serving side only (or the finding is about the model). */
  training: SkewLocation | null;
  /** The serving side's step; `null` when the step exists on the training side only. */
  serving: SkewLocation | null;
  /** The values as displayed (null when the step is absent on that side). */
  trainingValue: string | null;
  servingValue: string | null;
  /** The paired ONNX model when the finding compares a side with it. */
  model?: string;
  fix?: SkewFix;
}

/** How a training/serving pair was chosen. */
export type SkewPairSource = 'explicit' | 'config' | 'settings' | 'heuristic';

/** The files whose preprocessing is compared, and the ONNX model both should agree with. */
export interface SkewPair {
  training: string[];
  serving: string[];
  model?: string;
  source: SkewPairSource;
}

/** Something the analysis could not do for one file (too big, binary, not UTF-8, syntax errors, …). */
export interface SkewNote {
  file: string;
  reason: 'too-large' | 'binary' | 'not-utf8' | 'syntax-error' | 'unreadable' | 'config-unreadable' | 'model-unreadable';
  message: string;
}

export interface SkewPairResult {
  pair: SkewPair;
  findings: SkewFinding[];
}

export interface SkewReport {
  pairs: SkewPairResult[];
  notes: SkewNote[];
}

/** The workspace config file (`.mlpreflight/skew.json`) and the `mlPreflight.skew.pairs` setting. */
export interface SkewPairConfig {
  /** Paths or globs relative to the workspace folder. */
  training: string[];
  serving: string[];
  /** An ONNX model, relative to the workspace folder. */
  model?: string;
}
