/** Human-readable numbers shared by the CLI tables and the webviews. Pure, no DOM, no Node. */

/** 1536 → "1.5 KiB"; binary units, as `ls -h` and VS Code's file sizes. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return String(bytes);
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${v} B` : `${v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0)} ${units[i]}`;
}

/** 1234567 → "1.23M" (decimal units, as parameter counts are quoted in papers). */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  const scales: Array<[number, string]> = [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k']];
  for (const [scale, suffix] of scales) {
    if (abs >= scale) {
      const v = n / scale;
      return `${v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0)}${suffix}`;
    }
  }
  return String(n);
}

/** FLOPs → "1.23 GFLOPs"; `null` → "unknown". */
export function formatFlops(flops: number | null): string {
  if (flops === null) return 'unknown';
  const m = /^(-?[\d.]+)([kMGT]?)$/.exec(formatCount(flops));
  return m ? `${m[1]} ${m[2]}FLOPs` : `${flops} FLOPs`;
}

/** A shape as `batch × 3 × 224 × 224`; `null` (rank unknown) → "?"; a scalar → "scalar". */
export function formatShape(shape: ReadonlyArray<number | string> | null): string {
  if (shape === null) return '?';
  if (shape.length === 0) return 'scalar';
  return shape.map(String).join(' × ');
}
