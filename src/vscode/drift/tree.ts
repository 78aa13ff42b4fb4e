import * as path from 'node:path';
import * as vscode from 'vscode';
import { driftLevel, driftShortVerdict, driftVerdict } from '../../shared/drift';
import type { TreeSection } from '../modelTree';
import { checklistDrift } from './checklistDrift';
import type { DriftPair, DriftState } from './state';

/** Nodes of the "Data drift" section of the Preflight tree. */
type DriftNode =
  | { kind: 'root' }
  | { kind: 'pair'; pair: DriftPair; index: number }
  | { kind: 'column'; pair: DriftPair; name: string }
  | { kind: 'hint'; label: string; command?: vscode.Command };

function plain(...lines: string[]): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  lines.forEach((l, i) => {
    if (i) md.appendMarkdown('\n\n');
    md.appendText(l);
  });
  return md;
}

function label(uri: string): string {
  return path.posix.basename(vscode.Uri.parse(uri).path);
}

function relative(uri: string): string {
  return vscode.workspace.asRelativePath(vscode.Uri.parse(uri), (vscode.workspace.workspaceFolders?.length ?? 0) > 1);
}

/**
 * `Data drift` root in the Preflight tree (through {@link TreeSection}): the latest verdict as its description,
 * then the remembered pairs (click to run again) with their drifted columns.
 */
export class DriftTreeSection implements TreeSection {
  readonly onDidChange: vscode.Event<void>;

  constructor(private readonly state: DriftState, private readonly compareCommand: string) {
    const emitter = new vscode.EventEmitter<void>();
    state.onDidChange(() => emitter.fire());
    checklistDrift.onDidChange(() => emitter.fire());
    this.onDidChange = emitter.event;
  }

  roots(): DriftNode[] {
    return [{ kind: 'root' }];
  }

  children(node: unknown): DriftNode[] {
    const n = node as DriftNode;
    if (n.kind === 'root') {
      const pairs = this.state.pairs();
      const out: DriftNode[] = pairs.map((pair, index) => ({ kind: 'pair', pair, index }));
      if (this.state.pendingReference) out.unshift({ kind: 'hint', label: `Reference set: ${path.posix.basename(this.state.pendingReference.path)}; now "Set as Drift Current" on another file` });
      const found = /\(([^()]+?) → ([^()]+?)\)/.exec(checklistDrift.get()?.source ?? '');
      const folder = vscode.workspace.workspaceFolders?.[0];
      if (!pairs.length && found && folder) {
        const [ref, cur] = [found[1]!, found[2]!].map((p) => vscode.Uri.joinPath(folder.uri, ...p.split('/')));
        out.push({ kind: 'hint', label: `Compare ${found[1]} → ${found[2]} (the checklist's pair)`, command: { title: 'Compare Data Drift', command: this.compareCommand, arguments: [ref, cur] } });
      }
      if (!pairs.length) out.push({ kind: 'hint', label: 'Compare two data files…', command: { title: 'Compare Data Drift', command: this.compareCommand } });
      return out;
    }
    if (n.kind === 'pair') return (n.pair.verdict?.drifted ?? []).map((name) => ({ kind: 'column', pair: n.pair, name }));
    return [];
  }

  item(node: unknown): vscode.TreeItem {
    const n = node as DriftNode;
    switch (n.kind) {
      case 'root': {
        const latest = this.state.latest();
        const item = new vscode.TreeItem('Data drift', vscode.TreeItemCollapsibleState.Expanded);
        item.id = 'drift';
        item.contextValue = 'driftRoot';
        const v = latest?.verdict;
        if (this.state.running) {
          item.iconPath = new vscode.ThemeIcon('loading~spin');
          item.description = 'comparing…';
        } else if (v) {
          const level = driftLevel(v);
          item.iconPath = level === 'drift' ? new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground'))
            : level === 'columns' ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'))
            : new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
          item.description = driftShortVerdict(v);
          item.tooltip = plain(`Latest: ${relative(latest.reference)} vs ${relative(latest.current)}`, driftVerdict(v), latest.lastRun ? `Run ${new Date(latest.lastRun).toLocaleString()}` : '');
        } else if (checklistDrift.get()) {
          // Nothing compared from here yet, but the checklist did: show its result, the same on both surfaces.
          const c = checklistDrift.get()!;
          item.iconPath = c.status === 'fail' ? new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground'))
            : c.status === 'warn' ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'))
            : c.status === 'pass' ? new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'))
            : new vscode.ThemeIcon('graph');
          item.description = `checklist: ${c.summary}`;
          item.tooltip = plain(`From the checklist's ${c.source ?? 'drift check'}`, c.summary, 'Click "Compare Data Drift" for the column-by-column report.');
        } else {
          item.iconPath = new vscode.ThemeIcon('graph');
          item.description = 'not run';
        }
        return item;
      }
      case 'pair': {
        const v = n.pair.verdict;
        const item = new vscode.TreeItem(`${label(n.pair.reference)} → ${label(n.pair.current)}`, v?.drifted.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
        item.id = `drift:${n.pair.reference}|${n.pair.current}`;
        item.description = v ? `${driftShortVerdict(v)}${v.schemaIssues ? `, ${v.schemaIssues} schema` : ''}` : undefined;
        item.tooltip = plain(`Reference: ${relative(n.pair.reference)}`, `Current: ${relative(n.pair.current)}`, 'Click to compare again');
        item.iconPath = v && driftLevel(v) !== 'ok' ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground')) : new vscode.ThemeIcon('compare-changes');
        item.contextValue = 'driftPair';
        item.command = { title: 'Compare Data Drift', command: this.compareCommand, arguments: [vscode.Uri.parse(n.pair.reference), vscode.Uri.parse(n.pair.current)] };
        return item;
      }
      case 'column': {
        const item = new vscode.TreeItem(n.name, vscode.TreeItemCollapsibleState.None);
        item.id = `drift:${n.pair.reference}|${n.pair.current}#${n.name}`;
        item.iconPath = new vscode.ThemeIcon('circle-small-filled', new vscode.ThemeColor('problemsWarningIcon.foreground'));
        item.description = 'drifted';
        item.tooltip = plain(`${n.name} drifted`);
        return item;
      }
      case 'hint': {
        const item = new vscode.TreeItem(n.label, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon(n.command ? 'add' : 'info');
        item.command = n.command;
        return item;
      }
    }
  }
}
