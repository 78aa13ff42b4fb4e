import * as vscode from 'vscode';
import { formatLatencyMs } from '../../shared/profileFormat';
import type { ProfileResult } from '../../shared/profileResult';

/** The last profile summary of a model, as the tree and the status bar show it. */
export interface LatencySummary {
  uri: vscode.Uri;
  /** p50 at the smallest batch profiled, ms. */
  p50: number;
  batch: number;
  ep: string;
  /** "1.23 ms". */
  p50Text: string;
  /** "p50 1.23 ms (batch 1, cpu)". */
  text: string;
  createdAt: string;
  regressions: number;
}

/** Summarises a result for the tree/status bar (the smallest batch is the latency a single request sees). */
export function summarize(uri: vscode.Uri, result: ProfileResult): LatencySummary | undefined {
  const run = [...result.runs].sort((a, b) => a.batch - b.batch)[0];
  if (!run) return undefined;
  return {
    uri,
    p50: run.p50,
    batch: run.batch,
    ep: result.ep,
    p50Text: formatLatencyMs(run.p50),
    text: `p50 ${formatLatencyMs(run.p50)} (batch ${run.batch}, ${result.ep})`,
    createdAt: result.createdAt,
    regressions: result.baseline?.regressions ?? 0,
  };
}

/**
 * The last profile result per model in this window, and an event when one changes. The Preflight tree reads
 * it for its "Latency p50" row; the status bar shows the latest one. One instance per extension activation
 * ({@link latencyRegistry}), disposed with the extension.
 */
export class LatencyRegistry implements vscode.Disposable {
  private readonly results = new Map<string, { summary: LatencySummary; result: ProfileResult }>();
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  private lastKey: string | undefined;
  /** Fires with the model's URI when its result changes. */
  readonly onDidChange = this.emitter.event;

  set(uri: vscode.Uri, result: ProfileResult): void {
    const summary = summarize(uri, result);
    if (!summary) return;
    this.results.set(uri.toString(), { summary, result });
    this.lastKey = uri.toString();
    this.emitter.fire(uri);
  }

  summary(uri: vscode.Uri): LatencySummary | undefined {
    return this.results.get(uri.toString())?.summary;
  }

  result(uri: vscode.Uri): ProfileResult | undefined {
    return this.results.get(uri.toString())?.result;
  }

  /** The most recently profiled model. */
  latest(): { summary: LatencySummary; result: ProfileResult } | undefined {
    return this.lastKey ? this.results.get(this.lastKey) : undefined;
  }

  dispose(): void {
    this.results.clear();
    this.emitter.dispose();
  }
}

/** The registry shared by the profiler commands, the tree and the status bar. */
export const latencyRegistry = new LatencyRegistry();
