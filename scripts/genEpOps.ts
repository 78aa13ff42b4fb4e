/**
 * Generates `src/core/onnx/epOps.ts`, the operators each ONNX Runtime execution provider we profile on has
 * kernels for (op name, domain, opset ranges), from ONNX Runtime's own documentation:
 *
 * - CPU: the "Operators implemented by CPUExecutionProvider" table of `docs/OperatorKernels.md` in
 *   microsoft/onnxruntime (commit in CPU_SOURCE). The excerpt read from that commit is kept in
 *   `scripts/data/ortCpuKernels.md`; the full file parses the same way (`--cpu path/to/OperatorKernels.md`).
 * - WebGPU: `js/web/docs/webgpu-operators.md`, as shipped in the onnxruntime-web npm package of the same
 *   release as our onnxruntime-node (`node_modules/onnxruntime-web/docs/webgpu-operators.md`, 1.30.0).
 *
 *   npx tsx scripts/genEpOps.ts [--cpu FILE] [--webgpu FILE] [--check]
 *
 * `--check` exits 1 when the committed module differs from what the docs give (CI drift check).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'src', 'core', 'onnx', 'epOps.ts');

const CPU_SOURCE = {
  repo: 'microsoft/onnxruntime',
  file: 'docs/OperatorKernels.md',
  commit: '001d12d2623fd411ce0f83d05abb5e82304a3389',
  section: 'Operators implemented by CPUExecutionProvider',
};

/** A closed opset range; `to` null = open-ended (`13+`). */
export interface OpsetRange {
  from: number;
  to: number | null;
}

export type OpTable = Map<string, Map<string, OpsetRange[]>>;

function add(table: OpTable, domain: string, op: string, range: OpsetRange): void {
  let ops = table.get(domain);
  if (!ops) table.set(domain, (ops = new Map()));
  let list = ops.get(op);
  if (!list) ops.set(op, (list = []));
  list.push(range);
}

/** `13+`, `[6, 12]`, `13` (OperatorKernels.md); `6-12`, `13+`, `13` (webgpu-operators.md). */
export function parseRange(text: string, where: string): OpsetRange {
  const t = text.trim();
  let m = /^\[(\d+),\s*(\d+)\]$/.exec(t) ?? /^(\d+)-(\d+)$/.exec(t);
  if (m) return { from: Number(m[1]), to: Number(m[2]) };
  m = /^(\d+)\+$/.exec(t);
  if (m) return { from: Number(m[1]), to: null };
  m = /^(\d+)$/.exec(t);
  if (m) return { from: Number(m[1]), to: Number(m[1]) };
  throw new Error(`${where}: cannot read the opset version '${text}'`);
}

/** Cells of a markdown table row `|a|b|c|` (no escaped pipes occur in these tables). */
function cells(line: string): string[] {
  const inner = line.trim().replace(/^\|/, '').replace(/\|$/, '');
  return inner.split('|');
}

/** The CPUExecutionProvider table of OperatorKernels.md: domain header rows, op rows, continuation rows. */
export function parseOperatorKernels(text: string, file: string): OpTable {
  const table: OpTable = new Map();
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((l) => l.startsWith('## ') && l.includes(CPU_SOURCE.section));
  if (start < 0) throw new Error(`${file}: no '${CPU_SOURCE.section}' section`);
  let domain: string | null = null;
  let op: string | null = null;
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i];
    if (line.startsWith('## ') || line.startsWith('<a name=')) break;
    if (!line.startsWith('|')) continue;
    const where = `${file}:${i + 1}`;
    const dm = /^\|\*\*Operator Domain:\*\* \*([^*]+)\*/.exec(line);
    if (dm) {
      domain = dm[1];
      op = null;
      continue;
    }
    const c = cells(line).map((x) => x.trim());
    if (c.length < 3 || /^-+$/.test(c[0]) || c[0] === 'Op Name' || c.every((x) => x === '')) continue;
    if (domain === null) throw new Error(`${where}: an operator row before any 'Operator Domain' row`);
    if (c[0] !== '') op = c[0];
    if (op === null) throw new Error(`${where}: a continuation row before any operator`);
    add(table, domain, op, parseRange(c[2], where));
  }
  if (table.size === 0) throw new Error(`${file}: the CPU table has no operators`);
  return table;
}

/** webgpu-operators.md: `| Op | ai.onnx(7-12,13,14+); com.ms.internal.nhwc(11+) | comments |`. */
export function parseWebGpuOperators(text: string, file: string): OpTable {
  const table: OpTable = new Map();
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    const where = `${file}:${i + 1}`;
    if (!line.startsWith('|')) return;
    const c = cells(line).map((x) => x.trim());
    if (c.length < 2 || c[0] === 'Operator' || /^:?-+:?$/.test(c[0])) return;
    const op = c[0];
    for (const part of c[1].split(';')) {
      const m = /^\s*([A-Za-z0-9_.]+)\(([^)]*)\)\s*$/.exec(part);
      if (!m) throw new Error(`${where}: cannot read the opset cell '${c[1]}'`);
      for (const r of m[2].split(',')) add(table, m[1], op, parseRange(r, where));
    }
  });
  if (table.size === 0) throw new Error(`${file}: no operators`);
  return table;
}

/** `6-12,13+` with adjacent ranges merged (`[7,12]`, `13`, `14+` → `7+`): only coverage matters here. */
export function compactRanges(list: readonly OpsetRange[]): string {
  const sorted = [...list].sort((a, b) => a.from - b.from);
  const merged: OpsetRange[] = [];
  for (const r of sorted) {
    const last = merged[merged.length - 1];
    if (last && last.to !== null && r.from <= last.to + 1) {
      last.to = r.to === null ? null : Math.max(last.to, r.to);
    } else if (last && last.to === null) {
      continue;
    } else {
      merged.push({ ...r });
    }
  }
  return merged.map((r) => (r.to === null ? `${r.from}+` : r.from === r.to ? `${r.from}` : `${r.from}-${r.to}`)).join(',');
}

function emitTable(table: OpTable): string {
  const out: string[] = ['{'];
  for (const domain of [...table.keys()].sort()) {
    const ops = table.get(domain)!;
    out.push(`    '${domain}': {`);
    const names = [...ops.keys()].sort();
    // Several ops per line, to keep the module compact.
    let line = '     ';
    for (const name of names) {
      const item = ` ${/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `'${name}'`}: '${compactRanges(ops.get(name)!)}',`;
      if (line.length + item.length > 116) {
        out.push(line);
        line = '     ';
      }
      line += item;
    }
    if (line.trim()) out.push(line);
    out.push('    },');
  }
  out.push('  }');
  return out.join('\n');
}

function main(): void {
  const args = process.argv.slice(2);
  const opt = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const cpuFile = opt('--cpu') ?? path.join(ROOT, 'scripts', 'data', 'ortCpuKernels.md');
  const webgpuFile = opt('--webgpu') ?? path.join(ROOT, 'node_modules', 'onnxruntime-web', 'docs', 'webgpu-operators.md');
  const webVersion = (JSON.parse(readFileSync(path.join(path.dirname(webgpuFile), '..', 'package.json'), 'utf8')) as { version: string }).version;
  const cpu = parseOperatorKernels(readFileSync(cpuFile, 'utf8'), path.relative(ROOT, cpuFile));
  const webgpu = parseWebGpuOperators(readFileSync(webgpuFile, 'utf8'), path.relative(ROOT, webgpuFile));
  const count = (t: OpTable): number => [...t.values()].reduce((s, m) => s + m.size, 0);

  const text = `/**
 * GENERATED by scripts/genEpOps.ts — do not edit; rerun the script.
 *
 * The operators each ONNX Runtime execution provider has kernels for, by domain, with the opset versions the
 * kernels cover (\`6-12,13+\` = 6 to 12 and 13 onwards; adjacent kernel ranges merged). Facts only, from
 * ONNX Runtime's documentation:
 * - cpu: ${CPU_SOURCE.repo} ${CPU_SOURCE.file} at commit ${CPU_SOURCE.commit}
 *   ("${CPU_SOURCE.section}"; ${count(cpu)} ops).
 * - webgpu: js/web/docs/webgpu-operators.md as shipped in onnxruntime-web ${webVersion} (${count(webgpu)} ops). That
 *   table is generated from ONNX Runtime Web's WebGPU kernel registrations; onnxruntime-node's WebGPU EP is
 *   the same release line, but its native kernel list is not published, so treat gaps as likely, not certain.
 */
export const EP_OPS_SOURCES = {
  cpu: '${CPU_SOURCE.repo}@${CPU_SOURCE.commit.slice(0, 12)}:${CPU_SOURCE.file}',
  webgpu: 'onnxruntime-web@${webVersion}:docs/webgpu-operators.md',
} as const;

export type TabledEp = keyof typeof EP_OPS_SOURCES;

export const EP_OPS: Record<TabledEp, Record<string, Record<string, string>>> = {
  cpu: ${emitTable(cpu)},
  webgpu: ${emitTable(webgpu)},
};
`;
  if (args.includes('--check')) {
    const current = readFileSync(OUT, 'utf8');
    if (current !== text) {
      process.stderr.write(`${path.relative(ROOT, OUT)} differs from the docs: rerun npx tsx scripts/genEpOps.ts\n`);
      process.exit(1);
    }
    process.stdout.write(`${path.relative(ROOT, OUT)} is current (cpu ${count(cpu)} ops, webgpu ${count(webgpu)} ops)\n`);
    return;
  }
  writeFileSync(OUT, text);
  process.stdout.write(`wrote ${path.relative(ROOT, OUT)}: cpu ${count(cpu)} ops, webgpu ${count(webgpu)} ops\n`);
}

if (require.main === module) main();
