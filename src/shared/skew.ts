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

/**
 * The one severity vocabulary of every surface (Problems, CodeLens, tree, checklist, CLI, HTML): `info` is the
 * third level everywhere; only the SARIF writer says `note`, the name SARIF 2.1.0 gives it.
 */
export type Severity = 'error' | 'warning' | 'info';
export type SkewSeverity = Severity;

/** The base kinds of finding (the rule table in src/core/skew/rules.ts has one entry per kind). */
export type SkewBaseKind =
  | 'color-order' | 'resize-size' | 'resize-interpolation' | 'antialias' | 'crop' | 'scale' | 'normalize-mean' | 'normalize-std'
  | 'layout' | 'dtype' | 'clip' | 'standardization' | 'preprocess-input' | 'image-processor'
  | 'tokenizer' | 'max-length' | 'truncation' | 'padding' | 'padding-side' | 'truncation-side' | 'lowercase' | 'strip'
  | 'unicode-normalization' | 'text-cleaning' | 'special-tokens'
  | 'feature-order' | 'feature-set' | 'fill-value' | 'transform' | 'window' | 'categories' | 'category-map' | 'unknown-category'
  | 'code-type' | 'imputer' | 'scaler-stats' | 'reference-date' | 'time-zone'
  | 'sample-rate' | 'n-fft' | 'hop-length' | 'win-length' | 'n-mels' | 'n-mfcc' | 'fmin-fmax' | 'power' | 'db-scaling' | 'pcm-scaling'
  | 'feature-extractor'
  | 'random-augmentation' | 'stat-recomputed' | 'double-step' | 'unverified';

/** A finding's kind: a base kind, or `model-<kind>` when a side is compared with the paired ONNX model. */
export type SkewKind = SkewBaseKind | `model-${SkewBaseKind}`;

/** A text edit that makes the serving value equal to the training one (offered as a quick fix). */
export interface SkewFix {
  file: string;
  /** 1-based, end exclusive (column after the last character). */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  newText: string;
  /** The text the range held when analysed: the editor applies the fix only while it still holds it. */
  original?: string;
}

/** One difference between the training and the serving preprocessing (or between a side and the model). */
export interface SkewFinding {
  /** Stable identifier of the check, e.g. `normalize-std`, `color-order`, `feature-order`, `fill-value`. */
  kind: SkewKind;
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
  /**
   * How sure the analysis is: `high` when both values are written in the code (or follow from it), `medium`
   * when one side's value is a library default from the defaults table, `low` for "could not verify" notes.
   */
  confidence: SkewConfidence;
  /** Every value the finding used, with where it comes from (file:line, or the library default it is). */
  evidence: SkewEvidence[];
  /** Set when a `# ml-preflight: ignore[kind]` comment or the pair's `ignore` list in `.mlpreflight/skew.json` silences it. */
  suppressed?: SkewSuppression;
}

export type SkewConfidence = 'high' | 'medium' | 'low';

/** One link of a finding's evidence chain. */
export interface SkewEvidence {
  side: 'training' | 'serving' | 'model';
  /** What the value is, e.g. "Normalize std (0.5, 0.5, 0.5)" or "bilinear (torchvision Resize default, torchvision ≥ 0.8)". */
  what: string;
  /** Absent for a library default or a model fact. */
  file?: string;
  line?: number;
}

export interface SkewSuppression {
  /** `inSource`: a comment on the line; `external`: `.mlpreflight/skew.json`. (SARIF's suppression kinds.) */
  kind: 'inSource' | 'external';
  /** The comment or config entry that suppresses it. */
  justification: string;
}

/** How a training/serving pair was chosen. */
export type SkewPairSource = 'explicit' | 'config' | 'settings' | 'heuristic';

/** The files whose preprocessing is compared, and the ONNX model both should agree with. */
export interface SkewPair {
  training: string[];
  serving: string[];
  model?: string;
  source: SkewPairSource;
  /** Finding kinds silenced for this pair (`.mlpreflight/skew.json` `"ignore"`); reported as suppressed. */
  ignore?: string[];
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
  /** Finding kinds silenced for this pair (`"*"` for all). */
  ignore?: string[];
}
