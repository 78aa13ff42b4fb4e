/**
 * `ml-preflight profile <model.onnx>`: latency, throughput and memory of a model in ONNX Runtime, measured in
 * an isolated worker process, with a batch sweep, per-operator times, budget verdicts, Triton dynamic batching
 * advice and a comparison with the last saved baseline.
 */
import { ERASE_LINE } from '../../shared/escape';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { OnnxInspectError } from '../../core/onnx/errors';
import { modelBaselineDir } from '../../core/profile/savedProfile';
import { ProfileError } from '../../core/profile/errors';
import { parseShape } from '../../core/profile/plan';
import { KNOWN_EPS, PROFILE_DEFAULTS, profileModel, type ProfileOptions } from '../../core/profile/profile';
import { WorkerError } from '../../core/runtime/workerClient';
import { formatBytes } from '../../shared/format';
import type { GraphOptimizationLevel, ProfileResult } from '../../shared/profileResult';
import type { ExecutionProvider, ProfileProgress } from '../../shared/workerProtocol';
import { renderTable, sanitizeForTerminal as t } from '../format/table';
import { CliError, ExitCode, type CliIO } from '../io';

export const profileHelp = `Usage: ml-preflight profile <model.onnx> [options]

Measures the model in ONNX Runtime, in a separate worker process: session creation (cold
start), first run, warm-up until stable (Triton perf_analyzer's rule: the last 3 windows
within ±10 % of their mean) or a fixed count, then N timed iterations per batch size;
latency percentiles (linear interpolation, numpy's default), throughput, peak memory, and
per-operator times from ORT's profiling trace. The default sweep (1, 2, 4, …) stops when
samples/s gain less than 5 % for two steps in a row (Triton Model Analyzer's rule), when a
batch's p99 exceeds --budget-ms, or when the time budget is spent. On a terminal, progress
and each batch's numbers go to stderr as they finish (not with --json or into a pipe).

Options:
  --ep NAME            execution provider: ${KNOWN_EPS.join(', ')} (default cpu)
  --batch LIST         batch sizes, e.g. 1,8 (default 1,2,4,… up to --max-batch; one run
                       when the model's batch dim is fixed)
  --max-batch N        largest batch of the default sweep (default ${PROFILE_DEFAULTS.maxBatch})
  --threads N          intra-op threads (default: ONNX Runtime's choice, one per core)
  --inter-op-threads N inter-op threads (default: ONNX Runtime's choice)
  --opt-level LEVEL    graph optimisation: disabled, basic, extended, all (default all)
  --time-budget S      total time of the profile, seconds (default ${PROFILE_DEFAULTS.timeBudgetS}; 0 = none): each batch
                       gets a share (at least 30 iterations after the warm-up) and the sweep
                       stops when the next batch would not fit; --iterations or --duration lift it
  --iterations N       timed iterations per batch (default ${PROFILE_DEFAULTS.iterations}, fewer when the time
                       budget runs out)
  --duration S         measure S seconds per batch instead of a count
  --warmup N           fixed warm-up iterations instead of the stability rule
  --dim NAME=VALUE     value of a named dynamic dim (repeatable), e.g. --dim seq=128
  --shape IN=AxBxC     full shape of an input (repeatable), e.g. --shape image=1x3x224x224
  --input [IN=]FILE    real samples from .npy, .json or .csv (repeatable); rows repeat to fill
                       a batch; FILE.csv:colA,colB picks CSV columns (header names)
  --seed N             seed of the synthetic inputs (default ${PROFILE_DEFAULTS.seed})
  --budget-ms X        latency budget: verdict per batch on p99, largest batch within it
  --cost-per-hour X    machine price per hour: cost per 1,000 predictions
  --op-runs N          profiled runs for the per-op table (default ${PROFILE_DEFAULTS.opProfileRuns}; 0 skips it)
  --baseline-dir DIR   where baselines live (default: .mlpreflight/profiles in the model's workspace,
                       the nearest folder above the model with .mlpreflight/ or .git)
  --no-baseline        neither compare with nor save a baseline
  --fail-on-regression exit 1 when a metric regressed by more than 10 % against the baseline
  --timeout-s N        stop the worker after N seconds (default ${PROFILE_DEFAULTS.timeoutMs / 1000})
  --max-memory-mb N    stop the worker above this resident memory (default ${PROFILE_DEFAULTS.maxRssBytes / 1024 ** 2})
  --json               print the result as JSON
  -h, --help           show this help

Exit codes: 0 profiled; 1 no batch size meets --budget-ms (or a regression with
--fail-on-regression); 2 bad model, bad option or shape, unavailable provider, or a model
that fails, crashes or hangs in ONNX Runtime (one line on stderr); 3 internal error.
`;

function ms(v: number): string {
  if (!Number.isFinite(v)) return '–';
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toFixed(3);
}

function pct(v: number): string {
  return `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)} %`;
}

function num(v: number): string {
  return v >= 1000 ? Math.round(v).toLocaleString('en-US') : v >= 10 ? v.toFixed(0) : v.toFixed(1);
}

/** Human-readable report. */
export function formatProfile(r: ProfileResult, shown: string): string {
  const out: string[] = [];
  out.push(`${t(shown)}: ${r.ep} via ONNX Runtime ${r.ortVersion}, ${r.threads || 'default'} intra-op threads, graph optimisation ${r.settings.graphOptimizationLevel}`);
  out.push(`${t(r.environment.cpuModel)} (${r.environment.logicalCores} logical cores), ${r.environment.os} ${r.environment.arch}, Node ${r.environment.node}`);
  out.push('');
  out.push(`Cold start (session creation): ${ms(r.coldStartMs)} ms    first run: ${ms(r.firstRunMs)} ms`);
  const w = r.runs[0]?.warmup;
  if (w) out.push(`Warm-up: ${w.mode === 'stable' ? `until stable (±10 % over 3 windows): ${w.iterations} iterations in ${w.windows} windows${w.stable ? '' : ', NOT stable'}` : `${w.iterations} fixed iterations`}`);
  out.push('');
  const budget = r.budget;
  out.push(renderTable(
    [
      { header: 'batch', align: 'right' }, { header: 'iter', align: 'right' }, { header: 'p50 ms', align: 'right' }, { header: 'p90', align: 'right' },
      { header: 'p95', align: 'right' }, { header: 'p99', align: 'right' }, { header: 'p99.9', align: 'right' }, { header: 'mean', align: 'right' },
      { header: 'CoV', align: 'right' }, { header: 'inf/s', align: 'right' }, { header: 'samples/s', align: 'right' },
      ...(budget ? [{ header: `≤ ${budget.budgetMs} ms` }] : []),
      ...(r.runs.some((x) => x.costPer1k !== undefined) ? [{ header: '$/1k', align: 'right' as const }] : []),
    ],
    r.runs.map((x) => [
      String(x.batch), String(x.iterations), ms(x.p50), ms(x.p90), ms(x.p95), ms(x.p99), ms(x.p999), ms(x.mean),
      `${(x.cov * 100).toFixed(1)} %`, num(x.throughput), num(x.samplesPerSecond),
      ...(budget ? [x.withinBudget ? 'yes' : 'NO'] : []),
      ...(x.costPer1k !== undefined ? [x.costPer1k.toPrecision(3)] : []),
    ]),
  ));
  if (r.sweep.skipped) out.push(`  (batch sweep skipped: ${r.sweep.skipped})`);
  const stopped = r.sweep.stopped;
  if (stopped) out.push(`  (sweep stopped: ${t(stopped.message, 300)}; not run: batch ${stopped.skippedBatches.join(', ')})`);
  out.push('');
  const m = r.memory;
  out.push(`Memory: peak RSS ${formatBytes(m.peakRssBytes)}; after session ${formatBytes(m.rssAfterSessionBytes)}, after runs ${formatBytes(m.rssAfterRunsBytes)} (growth ${formatBytes(Math.max(0, m.arenaGrowthBytes))}); weights ${formatBytes(m.weightBytes)}`);
  if (budget) {
    out.push('');
    out.push(budget.largestBatchWithinBudget === null
      ? `Budget ${budget.budgetMs} ms (p99): no batch size is within budget`
      : `Budget ${budget.budgetMs} ms (p99): largest batch within budget is ${budget.largestBatchWithinBudget}`);
  }
  const db = r.advice.dynamicBatching;
  out.push('');
  if (db) {
    out.push(`Triton: max_batch_size: ${db.maxBatchSize}; dynamic_batching { preferred_batch_size: [ ${db.preferredBatchSizes.join(', ')} ] max_queue_delay_microseconds: ${db.maxQueueDelayMicroseconds} }`);
    out.push(`  (${db.reason})`);
  } else out.push(`Triton dynamic batching: ${r.advice.reason ?? 'no advice'}`);
  if (r.advice.cost) out.push(`Cost: ${r.advice.cost.per1kPredictions.toPrecision(3)} per 1,000 predictions at batch ${r.advice.cost.atBatch} (${r.advice.cost.perHour} per hour)`);
  if (r.opProfile && r.ops.length) {
    out.push('');
    out.push(`Operators (batch ${r.opProfile.batch}, ${r.opProfile.runs} profiled runs, ${ms(r.opProfile.nodeMsPerRun)} ms of node time per run):`);
    out.push(renderTable(
      [{ header: 'op' }, { header: 'provider' }, { header: 'nodes', align: 'right' }, { header: 'ms/run', align: 'right' }, { header: 'share', align: 'right' }],
      r.ops.slice(0, 15).map((o) => [t(o.op, 60), t(o.provider, 40), String(o.nodes), ms(o.meanMsPerRun), `${(o.share * 100).toFixed(1)} %`]),
    ));
    if (r.ops.length > 15) out.push(`  … ${r.ops.length - 15} more op types (--json for all)`);
  }
  if (r.fallbackNodes.length) {
    out.push('');
    out.push(`Nodes that fell back to the CPU (${r.fallbackNodes.length}): ${r.fallbackNodes.slice(0, 10).map((f) => `${t(f.node, 60)} (${t(f.op, 40)})`).join(', ')}${r.fallbackNodes.length > 10 ? ', …' : ''}`);
  }
  if (r.baseline) {
    const b = r.baseline;
    out.push('');
    out.push(`Against the baseline of ${b.baselineCreatedAt} (${b.regressions} regression${b.regressions === 1 ? '' : 's'} over ${b.threshold * 100} %):`);
    const shown = b.deltas.filter((d) => d.regression || d.improvement || d.metric === 'p50');
    out.push(renderTable(
      [{ header: 'metric' }, { header: 'batch', align: 'right' }, { header: 'baseline', align: 'right' }, { header: 'now', align: 'right' }, { header: 'change', align: 'right' }, { header: '' }],
      shown.map((d) => {
        const fmt = d.metric === 'peakRssBytes' ? formatBytes : d.metric === 'throughput' ? num : ms;
        return [d.metric, d.batch === null ? '' : String(d.batch), fmt(d.baseline), fmt(d.current), pct(d.change), d.regression ? 'REGRESSION' : d.improvement ? 'better' : ''];
      }),
    ));
    for (const c of b.caveats) out.push(`  note: ${t(c)}`);
  }
  if (r.notes.length) {
    out.push('');
    out.push('Inputs:');
    for (const n of r.notes) out.push(`  - ${t(n)}`);
  }
  if (r.warnings.length) {
    out.push('');
    out.push('Warnings:');
    for (const w of r.warnings) out.push(`  - ${t(w)}`);
  }
  out.push('');
  out.push(`Profiled in ${(r.wallMs / 1000).toFixed(1)} s.`);
  return out.join('\n') + '\n';
}

function keyValue(flag: string, text: string): [string, string] {
  const i = text.lastIndexOf('=');
  if (i <= 0 || i === text.length - 1) throw new CliError(`profile: ${flag} expects NAME=VALUE, got '${text}'`);
  return [text.slice(0, i), text.slice(i + 1)];
}

function numberOption(flag: string, text: string | undefined, integer = false): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (!text.trim() || !Number.isFinite(v) || (integer && !Number.isInteger(v))) throw new CliError(`profile: ${flag} expects ${integer ? 'an integer' : 'a number'}, got '${text}'`);
  return v;
}

/**
 * Progress on a terminal's stderr: a status line rewritten in place (phase, batch, elapsed against the time
 * budget) and, as each batch size finishes, its numbers on a line of their own (the partial results).
 */
export function progressLine(io: CliIO, shown: string, budgetS: number): { update: (p: ProfileProgress) => void; clear: () => void } {
  let status = false;
  const started = Date.now();
  const clear = (): void => {
    if (status) io.stderr(ERASE_LINE);
    status = false;
  };
  const update = (p: ProfileProgress): void => {
    const elapsed = (Date.now() - started) / 1000;
    const budget = budgetS > 0 ? ` of ≤ ${budgetS} s` : '';
    if (p.phase === 'batch-done' && p.summary) {
      const x = p.summary;
      clear();
      io.stderr(`  batch ${x.batch}: p50 ${ms(x.p50)} ms, p99 ${ms(x.p99)} ms, ${num(x.samplesPerSecond)} samples/s (${x.iterations} iterations${x.stable ? '' : ', warm-up NOT stable'})\n`);
      return;
    }
    if (p.phase === 'done') return clear();
    const step = p.batch === undefined ? '' : ` [${Math.min(p.done + 1, p.total)}/${p.total}]`;
    clear();
    io.stderr(`profile ${t(shown, 60)}${step}: ${t(p.message, 80)} (${elapsed.toFixed(1)} s${budget})`);
    status = true;
  };
  return { update, clear };
}

export interface ProfileCommandOptions {
  workerPath?: string;
  execArgv?: string[];
}

export async function profileCommand(args: string[], io: CliIO, runOptions: ProfileCommandOptions = {}): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ep: { type: 'string' },
      batch: { type: 'string' },
      'max-batch': { type: 'string' },
      threads: { type: 'string' },
      'inter-op-threads': { type: 'string' },
      'opt-level': { type: 'string' },
      iterations: { type: 'string' },
      'time-budget': { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      dim: { type: 'string', multiple: true },
      shape: { type: 'string', multiple: true },
      input: { type: 'string', multiple: true },
      seed: { type: 'string' },
      'budget-ms': { type: 'string' },
      'cost-per-hour': { type: 'string' },
      'op-runs': { type: 'string' },
      'baseline-dir': { type: 'string' },
      'no-baseline': { type: 'boolean', default: false },
      'fail-on-regression': { type: 'boolean', default: false },
      'timeout-s': { type: 'string' },
      'max-memory-mb': { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.stdout(profileHelp);
    return ExitCode.ok;
  }
  if (positionals.length !== 1) throw new CliError(`profile: expected one <model.onnx>, got ${positionals.length} (see \`ml-preflight profile --help\`)`);
  const given = positionals[0]!;
  const model = path.resolve(io.cwd, given);
  if (values.iterations !== undefined && values.duration !== undefined) throw new CliError('profile: give --iterations or --duration, not both');
  const ep = values.ep ?? 'cpu';
  if (!KNOWN_EPS.includes(ep as ExecutionProvider)) throw new CliError(`profile: unknown execution provider '${ep}' (known: ${KNOWN_EPS.join(', ')})`);
  const levels: GraphOptimizationLevel[] = ['disabled', 'basic', 'extended', 'all'];
  if (values['opt-level'] !== undefined && !levels.includes(values['opt-level'] as GraphOptimizationLevel)) {
    throw new CliError(`profile: --opt-level must be one of ${levels.join(', ')}, got '${values['opt-level']}'`);
  }
  let batches: number[] | undefined;
  if (values.batch !== undefined) {
    batches = values.batch.split(',').map((s) => s.trim()).filter(Boolean).map((s) => numberOption('--batch', s, true)!);
    if (!batches.length) throw new CliError('profile: --batch expects a list such as 1,8');
  }
  const dims: Record<string, number> = {};
  for (const d of values.dim ?? []) {
    const [k, v] = keyValue('--dim', d);
    dims[k] = numberOption(`--dim ${k}`, v, true)!;
  }
  const shapes: Record<string, number[]> = {};
  try {
    for (const s of values.shape ?? []) {
      const [k, v] = keyValue('--shape', s);
      shapes[k] = parseShape(k, v);
    }
  } catch (ex) {
    if (ProfileError.is(ex)) throw new CliError(`profile: ${given}: ${ex.message}`);
    throw ex;
  }
  const sampleFiles = (values.input ?? []).map((spec) => {
    const eq = spec.indexOf('=');
    const looksNamed = eq > 0 && !/[\\/]/.test(spec.slice(0, eq));
    let file = looksNamed ? spec.slice(eq + 1) : spec;
    // `data.csv:age,income` picks CSV columns.
    const cols = /^(.*\.csv):([^\\/]+)$/i.exec(file);
    const columns = cols ? cols[2]!.split(',').map((c) => c.trim()).filter(Boolean) : undefined;
    if (cols) file = cols[1]!;
    return { input: looksNamed ? spec.slice(0, eq) : undefined, file: path.resolve(io.cwd, file), columns };
  });
  let warmup: ProfileOptions['warmup'];
  if (values.warmup !== undefined) warmup = values.warmup === 'stable' ? 'stable' : numberOption('--warmup', values.warmup, true);
  const timeoutS = numberOption('--timeout-s', values['timeout-s']);
  const maxMb = numberOption('--max-memory-mb', values['max-memory-mb']);
  const budgetS = values.iterations !== undefined || values.duration !== undefined ? 0 : numberOption('--time-budget', values['time-budget']) ?? PROFILE_DEFAULTS.timeBudgetS;
  const progress = progressLine(io, given, budgetS);
  if (timeoutS !== undefined && !(timeoutS > 0)) throw new CliError(`profile: --timeout-s must be positive, got ${timeoutS}`);
  if (maxMb !== undefined && !(maxMb > 0)) throw new CliError(`profile: --max-memory-mb must be positive, got ${maxMb}`);

  const options: ProfileOptions = {
    ep: ep as ExecutionProvider,
    batches,
    maxBatch: numberOption('--max-batch', values['max-batch'], true),
    threads: numberOption('--threads', values.threads, true),
    interOpThreads: numberOption('--inter-op-threads', values['inter-op-threads'], true),
    graphOptimizationLevel: values['opt-level'] as GraphOptimizationLevel | undefined,
    iterations: numberOption('--iterations', values.iterations, true),
    durationS: numberOption('--duration', values.duration),
    warmup,
    dims,
    shapes,
    sampleFiles,
    seed: numberOption('--seed', values.seed, true),
    budgetMs: numberOption('--budget-ms', values['budget-ms']),
    costPerHour: numberOption('--cost-per-hour', values['cost-per-hour']),
    opProfileRuns: numberOption('--op-runs', values['op-runs'], true),
    timeBudgetS: numberOption('--time-budget', values['time-budget']),
    baselineDir: values['no-baseline'] ? undefined : values['baseline-dir'] ? path.resolve(io.cwd, values['baseline-dir']) : modelBaselineDir(model),
    timeoutMs: timeoutS === undefined ? undefined : timeoutS * 1000,
    maxRssBytes: maxMb === undefined ? undefined : maxMb * 1024 ** 2,
    signal: io.signal,
    onProgress: values.json || !io.stderrIsTTY ? undefined : progress.update,
    workerPath: runOptions.workerPath,
    execArgv: runOptions.execArgv,
  };

  let result: ProfileResult;
  try {
    result = await profileModel(model, options);
  } catch (ex) {
    progress.clear();
    if (OnnxInspectError.is(ex)) throw new CliError(`profile: ${given}: ${ex.reason}: ${ex.detail}`);
    if (ProfileError.is(ex)) throw new CliError(`profile: ${given}: ${ex.reason}: ${ex.message}`);
    if (ex instanceof WorkerError) {
      const internal = ex.kind === 'spawn' || ex.kind === 'bad-request' || ex.kind === 'failed';
      throw new CliError(`profile: ${given}: ${ex.kind}: ${ex.message}`, internal ? ExitCode.internal : ExitCode.badInput);
    }
    throw ex;
  }
  progress.clear();
  io.stdout(values.json ? JSON.stringify(result, null, 2) + '\n' : formatProfile(result, given));
  if (result.budget && result.budget.largestBatchWithinBudget === null) return ExitCode.findings;
  if (values['fail-on-regression'] && (result.baseline?.regressions ?? 0) > 0) return ExitCode.findings;
  return ExitCode.ok;
}
