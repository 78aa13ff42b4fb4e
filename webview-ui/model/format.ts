/**
 * Pure text helpers of the inspector (no DOM), unit-tested in test/unit/inspectorView.test.ts: the FLOPs shape
 * assumption in a few words, the file size with its external data, the weights actually present, and metadata
 * values pretty-printed when they are JSON.
 */
import { formatBytes } from '../../src/shared/format';
import type { ModelInspection } from '../../src/shared/modelInspection';

/**
 * `{ batch: 1, unk__3: 1, unk__4: 1 }` → `batch = 1; 2 unnamed dims (unk__3, unk__4) = 1`. Exporters name free
 * dims `unk__N`: listing dozens of them floods the summary, so they are grouped by value (names capped at 3).
 */
export function assumptionText(assumption: Readonly<Record<string, number>>): string {
  const named: string[] = [];
  const unnamed = new Map<number, string[]>();
  for (const [dim, v] of Object.entries(assumption)) {
    if (/^unk__\d+$/.test(dim)) unnamed.set(v, [...(unnamed.get(v) ?? []), dim]);
    else named.push(`${dim} = ${v}`);
  }
  for (const [v, dims] of unnamed) {
    if (dims.length === 1) named.push(`${dims[0]} = ${v}`);
    else named.push(`${dims.length} unnamed dims (${dims.slice(0, 3).join(', ')}${dims.length > 3 ? ', …' : ''}) = ${v}`);
  }
  return named.join('; ');
}

/** Bytes of external data that are missing or refused (not loadable, so not present). */
export function absentExternalBytes(m: Pick<ModelInspection, 'externalData'>): number {
  return m.externalData.filter((d) => d.refused || !d.exists).reduce((a, d) => a + d.bytes, 0);
}

/** `12.4 KiB + 44.6 MiB external data` (the model file alone is small when its weights live beside it). */
export function fileSizeText(m: Pick<ModelInspection, 'file' | 'externalData'>): string {
  const external = m.externalData.reduce((a, d) => a + d.bytes, 0);
  return external > 0 ? `${formatBytes(m.file.bytes)} + ${formatBytes(external)} external data` : formatBytes(m.file.bytes);
}

/** A metadata value as shown: JSON objects and arrays pretty-printed (2 spaces), anything else as is. */
export function metadataValueText(value: string): { text: string; json: boolean } {
  const t = value.trim();
  if ((t.startsWith('{') && t.endsWith('}')) || (t.startsWith('[') && t.endsWith(']'))) {
    try {
      return { text: JSON.stringify(JSON.parse(t), null, 2), json: true };
    } catch {
      // not JSON: shown as is
    }
  }
  return { text: value, json: false };
}
