/**
 * The dims a FLOP estimate assumed, in one short phrase: named dims listed (`batch=1, sequence=128`), exporter-
 * generated ones (`unk__12`, `?`, `dim_3`…) counted by value instead of listed one by one. Pure; used by the CLI
 * and the webviews.
 */

/** Dim names that exporters make up for unnamed dynamic axes. */
const GENERATED = /^(unk__\d+|\?|dim_?\d+|[A-Za-z]+_dim_\d+|DynamicDimension\.\d+|s\d+|Gather\w*_dim_\d+|\w+_dynamic_axes_\d+)$/;

/**
 * E.g. `batch=1, sequence=128 and 74 generated dims (unk__0, unk__1, …)=1`. `max` named dims are listed before
 * the rest are counted.
 */
export function summarizeAssumption(assumption: Readonly<Record<string, number>>, max = 6): string {
  const named: Array<[string, number]> = [];
  const generated = new Map<number, string[]>();
  for (const [k, v] of Object.entries(assumption)) {
    if (GENERATED.test(k)) generated.set(v, [...(generated.get(v) ?? []), k]);
    else named.push([k, v]);
  }
  const parts = named.slice(0, max).map(([k, v]) => `${k}=${v}`);
  if (named.length > max) {
    const rest = named.slice(max);
    const values = [...new Set(rest.map(([, v]) => v))];
    parts.push(`${rest.length} more named dim${rest.length === 1 ? '' : 's'}${values.length === 1 ? `=${values[0]}` : ''}`);
  }
  for (const [v, names] of generated) {
    parts.push(names.length === 1 ? `${names[0]}=${v}` : `${names.length} generated dims (${names.slice(0, 2).join(', ')}, …)=${v}`);
  }
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}
