/**
 * Problems-panel diagnostics (with related information at the other side), CodeLenses above both sides' lines,
 * and the quick fix that copies the training value into the serving literal.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SkewFinding, SkewLocation } from '../../shared/skew';
import { readSkewConfig } from './config';
import type { SkewService } from './skewService';

export const SKEW_SOURCE = 'ML Preflight';

export const enum SkewCommandId {
  Refresh = 'mlPreflight.skew.refresh',
  ShowPairs = 'mlPreflight.skew.showPairs',
  OpenLocation = 'mlPreflight.skew.openLocation',
}

/** 1-based core location → 0-based range, clamped (ESLint's Diagnostics.create does the same). */
export function toRange(l: SkewLocation | { line: number; column: number; endLine: number; endColumn: number }): vscode.Range {
  const n = (x: number): number => (Number.isFinite(x) && x > 0 ? x - 1 : 0);
  const start = new vscode.Position(n(l.line), n(l.column));
  const end = new vscode.Position(n(l.endLine ?? l.line), n(l.endColumn ?? l.column));
  return new vscode.Range(start, end.isBefore(start) ? start : end);
}

function severity(s: SkewFinding['severity']): vscode.DiagnosticSeverity {
  return s === 'error' ? vscode.DiagnosticSeverity.Error : s === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information;
}

function where(l: SkewLocation): string {
  return `${path.basename(l.file)}:${l.line}`;
}

/** The diagnostics of all findings: on the serving line (or the training line when serving has no such step). */
export class SkewDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('mlPreflight.skew');
  private readonly sub: vscode.Disposable;

  constructor(private readonly service: SkewService) {
    this.sub = service.onDidChange(() => this.update());
  }

  update(): void {
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const f of this.service.findings()) {
      const at = f.serving ?? f.training;
      if (!at) continue;
      const d = new vscode.Diagnostic(toRange(at), f.message, severity(f.severity));
      d.source = SKEW_SOURCE;
      d.code = f.kind;
      const other = f.serving ? f.training : null;
      const related: vscode.DiagnosticRelatedInformation[] = [];
      if (other) related.push(new vscode.DiagnosticRelatedInformation(new vscode.Location(vscode.Uri.file(other.file), toRange(other)), `training: ${f.trainingValue ?? '(absent)'}`));
      if (f.model) related.push(new vscode.DiagnosticRelatedInformation(new vscode.Location(vscode.Uri.file(f.model), new vscode.Position(0, 0)), `model: ${path.basename(f.model)}`));
      for (const e of f.evidence) {
        if (!e.file || !e.line || (e.file === at.file && e.line === at.line) || (other && e.file === other.file && e.line === other.line)) continue;
        related.push(new vscode.DiagnosticRelatedInformation(new vscode.Location(vscode.Uri.file(e.file), new vscode.Position(e.line - 1, 0)), `${e.side}: ${e.what}`));
      }
      if (related.length) d.relatedInformation = related;
      const list = byFile.get(at.file) ?? [];
      list.push(d);
      byFile.set(at.file, list);
    }
    this.collection.clear();
    for (const [file, list] of byFile) this.collection.set(vscode.Uri.file(file), list);
  }

  dispose(): void {
    this.sub.dispose();
    this.collection.dispose();
  }
}

export class SkewCodeLensProvider implements vscode.CodeLensProvider {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.emitter.event;
  private readonly sub: vscode.Disposable;

  constructor(private readonly service: SkewService) {
    this.sub = service.onDidChange(() => this.emitter.fire());
  }

  async provideCodeLenses(document: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    if (!readSkewConfig(document.uri).codeLens) return [];
    await this.service.whenCurrent(document, token);
    if (token.isCancellationRequested) return [];
    const lenses: vscode.CodeLens[] = [];
    for (const f of this.service.findingsIn(document.uri.fsPath)) {
      // The same severity as the finding's diagnostic (Error / Warning / Information icons).
      const mark = f.severity === 'error' ? '$(error)' : f.severity === 'warning' ? '$(warning)' : '$(info)';
      if (f.serving?.file === document.uri.fsPath) {
        const other = f.training ? ` — ${where(f.training)}` : f.model ? ` — ${path.basename(f.model)}` : '';
        lenses.push(new vscode.CodeLens(toRange(f.serving), {
          title: `${mark} ${f.message}${other}`,
          tooltip: f.training ? `Open the training side (${where(f.training)})` : 'No training-side counterpart: open the Problems view',
          // A lens without a command id is refused when lenses are resolved through the API ("Illegal argument").
          command: f.training ? SkewCommandId.OpenLocation : 'workbench.actions.view.problems',
          arguments: f.training ? [f.training.file, f.training.line, f.training.column] : [],
        }));
      }
      if (f.training?.file === document.uri.fsPath) {
        const other = f.serving ? ` — ${where(f.serving)}` : '';
        const msg = f.serving ? `Serving differs: ${f.servingValue} at serving vs ${f.trainingValue} here (${f.kind})` : f.message;
        lenses.push(new vscode.CodeLens(toRange(f.training), {
          title: `${mark} ${msg}${other}`,
          tooltip: f.serving ? `Open the serving side (${where(f.serving)})` : 'No serving-side counterpart: open the Problems view',
          command: f.serving ? SkewCommandId.OpenLocation : 'workbench.actions.view.problems',
          arguments: f.serving ? [f.serving.file, f.serving.line, f.serving.column] : [],
        }));
      }
    }
    return lenses;
  }

  dispose(): void {
    this.sub.dispose();
    this.emitter.dispose();
  }
}

export class SkewCodeActionProvider implements vscode.CodeActionProvider {
  static readonly providedCodeActionKinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly service: SkewService) {}

  provideCodeActions(document: vscode.TextDocument, range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const ours = context.diagnostics.filter((d) => d.source === SKEW_SOURCE);
    const actions: vscode.CodeAction[] = [];
    for (const f of this.service.findingsIn(document.uri.fsPath)) {
      if (!f.fix || f.fix.file !== document.uri.fsPath || !f.serving) continue;
      const fixRange = toRange(f.fix);
      const diagRange = toRange(f.serving);
      if (!diagRange.intersection(range) && !fixRange.intersection(range)) continue;
      // The document must be the version we analysed and the literal must still hold what we analysed.
      const analysed = this.service.analyzedVersion(document.uri.fsPath);
      if (analysed !== undefined && analysed !== document.version) continue;
      const current = document.getText(fixRange);
      if (current.length === 0 || (f.fix.original !== undefined && current !== f.fix.original)) continue;
      const action = new vscode.CodeAction(`Use the training value ${f.fix.newText}`, vscode.CodeActionKind.QuickFix);
      action.edit = new vscode.WorkspaceEdit();
      action.edit.replace(document.uri, fixRange, f.fix.newText);
      action.diagnostics = ours.filter((d) => d.code === f.kind && d.range.isEqual(diagRange));
      action.isPreferred = true;
      actions.push(action);
    }
    return actions;
  }
}
