/**
 * Pure helpers of the profile view (no DOM), unit-tested in test/unit/profileView.test.ts: when a run's numbers
 * deserve a visible warning, when the latency axis should be logarithmic, and which errors a re-run can fix.
 */
import type { BatchRun } from '../../src/shared/profileResult';

/** CoV above this (25 %) means the timings are too noisy to quote one number (busy machine, throttling, GC). */
export const NOISY_COV = 0.25;

/** A sentence for a run whose latencies are not trustworthy as they are, else undefined. */
export function stabilityWarning(run: Pick<BatchRun, 'batch' | 'cov' | 'warmup'>): string | undefined {
  const unstable = run.warmup.mode === 'stable' && !run.warmup.stable;
  const noisy = run.cov > NOISY_COV;
  if (!unstable && !noisy) return undefined;
  const parts: string[] = [];
  if (unstable) parts.push(`warm-up did not stabilise after ${run.warmup.iterations} iterations`);
  if (noisy) parts.push(`latency varies a lot (CoV ${Math.round(run.cov * 100)} %)`);
  return `Batch ${run.batch}: ${parts.join(' and ')}. The percentiles may not repeat: close other work on this machine, then profile again with more iterations (mlPreflight.profile.iterations).`;
}

/** A log-scale latency axis when the distribution spans more than 20× (a long tail squeezes the bulk into one bar). */
export function useLogScale(lo: number, hi: number): boolean {
  return lo > 0 && hi / lo > 20;
}

/** Ticks of a log axis: 1, 2, 5 × powers of ten within [lo, hi]. */
export function logTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of [1, 2, 5]) {
      const v = Number((m * 10 ** e).toPrecision(12));
      if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.push(v);
    }
  }
  return out;
}

/** Failures a second run can fix (time, load, memory, a crash); a model ONNX Runtime refuses fails the same way again. */
export function canRetry(kind: string): boolean {
  return ['aborted', 'timeout', 'memory', 'crashed', 'spawn'].includes(kind);
}

/** The error title without internal codes: `Could not profile` / `Profiling timed out` / `Cancelled`. */
export function errorTitle(kind: string): string {
  switch (kind) {
    case 'aborted': return 'Cancelled';
    case 'timeout': return 'Profiling timed out';
    case 'memory': return 'Profiling stopped: over the memory limit';
    case 'crashed': return 'The profiling worker crashed';
    case 'ep-unavailable': return 'Execution provider not available';
    case 'ort-unavailable': return 'ONNX Runtime not available';
    default: return 'Could not profile this model';
  }
}
