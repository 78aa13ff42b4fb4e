/**
 * Which ONNX Runtime release first implements an ONNX opset or IR version. From the version matrix in ONNX
 * Runtime's `docs/Versioning.md` / onnxruntime.ai "Compatibility" page (one row per minor release that raised a
 * number). A runtime also runs models stamped with a newer opset as long as they use no op introduced after the
 * runtime's opset (its forward-compatibility note), so "needs ≥ X" is the safe reading, not a hard refusal.
 */

interface Row {
  release: string;
  opset: number;
  mlOpset: number;
  ir: number;
}

/** Oldest first. */
const MATRIX: readonly Row[] = [
  { release: '0.1.4', opset: 8, mlOpset: 1, ir: 3 },
  { release: '0.3.0', opset: 9, mlOpset: 1, ir: 3 },
  { release: '0.4.0', opset: 10, mlOpset: 1, ir: 5 },
  { release: '1.0.0', opset: 11, mlOpset: 2, ir: 6 },
  { release: '1.3.0', opset: 12, mlOpset: 2, ir: 6 },
  { release: '1.6.0', opset: 13, mlOpset: 2, ir: 7 },
  { release: '1.8.0', opset: 14, mlOpset: 2, ir: 7 },
  { release: '1.10.0', opset: 15, mlOpset: 2, ir: 8 },
  { release: '1.11.0', opset: 16, mlOpset: 2, ir: 8 },
  { release: '1.12.0', opset: 17, mlOpset: 3, ir: 8 },
  { release: '1.14.0', opset: 18, mlOpset: 3, ir: 8 },
  { release: '1.15.0', opset: 19, mlOpset: 3, ir: 9 },
  { release: '1.17.0', opset: 20, mlOpset: 4, ir: 9 },
  { release: '1.18.0', opset: 21, mlOpset: 4, ir: 10 },
  { release: '1.20.0', opset: 21, mlOpset: 5, ir: 10 },
  { release: '1.21.0', opset: 22, mlOpset: 5, ir: 10 },
  { release: '1.23.0', opset: 23, mlOpset: 5, ir: 11 },
];

/** The newest release in the table. */
export const NEWEST_KNOWN_RELEASE = MATRIX[MATRIX.length - 1]!.release;

/**
 * The first ONNX Runtime release whose version matrix covers `version` of `what`, or `null` when no release in
 * the table does (newer than {@link NEWEST_KNOWN_RELEASE}). Domains other than the default and `ai.onnx.ml`
 * return `null` too: their versions are not in the matrix.
 */
export function minimumOrtRelease(what: 'opset' | 'ai.onnx.ml' | 'ir', version: number): string | null {
  for (const row of MATRIX) {
    const have = what === 'opset' ? row.opset : what === 'ir' ? row.ir : row.mlOpset;
    if (have >= version) return row.release;
  }
  return null;
}

/** Compares dotted versions numerically (`1.9.0` < `1.10.0`); missing parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split('.').map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** A release given by the user (`1.17`, `1.17.3`, `v1.17`): normalized, or `null` when it is not a version. */
export function parseRelease(text: string): string | null {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?$/.exec(text.trim());
  return m ? `${m[1]}.${m[2]}.${m[3] ?? '0'}` : null;
}
