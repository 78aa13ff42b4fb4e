/** Display helpers for profile results, shared by the CLI, the extension and the webview (no Node, no DOM). */

/** `0.0371 ms` → "0.037 ms", `12.34` → "12.3 ms", `1234` → "1,234 ms"; "–" for non-finite. */
export function formatLatencyMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms >= 1000) return `${Math.round(ms).toLocaleString('en-US')} ms`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  if (ms >= 1) return `${ms.toFixed(2)} ms`;
  return `${ms.toFixed(3)} ms`;
}

/** A relative change as "+12.3 %" / "−4.0 %". */
export function formatChange(change: number): string {
  if (!Number.isFinite(change)) return '–';
  const v = (change * 100).toFixed(1);
  return change >= 0 ? `+${v} %` : `−${v.slice(1)} %`;
}

/** Rates: "26,683/s", "9.5/s". */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return '–';
  return perSecond >= 100 ? `${Math.round(perSecond).toLocaleString('en-US')}/s` : `${perSecond.toFixed(1)}/s`;
}
