/**
 * The "Checklist" section of the Preflight tree: `Checklist (3 fail, 2 warn, …)` per workspace folder →
 * areas with status counts → items with a status icon, the one-line reason as description, and a tooltip with
 * the explanation and evidence. Clicking an item opens the checklist webview on it.
 */
import * as vscode from 'vscode';
import { CHECKLIST_AREAS, countStatuses, formatCounts, statusLabel, type ChecklistArea, type ChecklistItemResult, type ChecklistStatus } from '../../shared/checklist';
import type { TreeSection } from '../modelTree';
import type { ChecklistService } from './service';
import { ChecklistCommand } from './commandIds';

type Node =
  | { kind: 'root'; folder: vscode.WorkspaceFolder }
  | { kind: 'area'; folder: vscode.WorkspaceFolder; area: ChecklistArea; items: ChecklistItemResult[] }
  | { kind: 'item'; folder: vscode.WorkspaceFolder; item: ChecklistItemResult }
  | { kind: 'message'; id: string; label: string; icon: vscode.ThemeIcon; tooltip?: string };

export function statusIcon(status: ChecklistStatus): vscode.ThemeIcon {
  switch (status) {
    case 'pass':
      return new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
    case 'warn':
      return new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
    case 'fail':
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground'));
    case 'unknown':
      return new vscode.ThemeIcon('question');
    case 'na':
      return new vscode.ThemeIcon('circle-slash');
  }
}

/** Worst status first: the area's icon. */
function worst(items: readonly ChecklistItemResult[]): ChecklistStatus {
  for (const s of ['fail', 'warn', 'unknown', 'pass'] as const) if (items.some((i) => i.status === s)) return s;
  return 'na';
}

function tooltip(item: ChecklistItemResult): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.appendText(`${item.title} — ${statusLabel(item.status)}`);
  md.appendMarkdown('\n\n');
  md.appendText(item.na ? `Marked n/a: ${item.na.reason}` : item.summary);
  md.appendMarkdown('\n\n');
  md.appendText(item.explanation);
  for (const e of item.evidence.slice(0, 5)) {
    md.appendMarkdown('\n\n');
    md.appendText(`${e.file ? `${e.file}${e.line ? `:${e.line}` : ''}: ` : ''}${e.text}`);
  }
  return md;
}

export class ChecklistTreeSection implements TreeSection {
  readonly onDidChange: vscode.Event<void>;

  constructor(private readonly service: ChecklistService) {
    this.onDidChange = service.onDidChange;
  }

  roots(): Node[] {
    const folders = this.service.folders();
    for (const f of folders) if (this.service.state(f).kind === 'pending') void this.service.grade(f);
    return folders.map((folder) => ({ kind: 'root', folder }));
  }

  children(raw: unknown): Node[] {
    const node = raw as Node;
    switch (node.kind) {
      case 'root': {
        const state = this.service.state(node.folder);
        if (state.kind === 'pending') return [{ kind: 'message', id: `checklist:${node.folder.uri}#pending`, label: 'Grading the workspace…', icon: new vscode.ThemeIcon('loading~spin') }];
        if (state.kind === 'error') return [{ kind: 'message', id: `checklist:${node.folder.uri}#error`, label: `Cannot grade: ${state.message}`, icon: new vscode.ThemeIcon('error'), tooltip: state.message }];
        return CHECKLIST_AREAS.map((a) => ({ kind: 'area' as const, folder: node.folder, area: a.id, items: state.report.items.filter((i) => i.area === a.id) })).filter((a) => a.items.length > 0);
      }
      case 'area':
        return node.items.map((item) => ({ kind: 'item', folder: node.folder, item }));
      default:
        return [];
    }
  }

  item(raw: unknown): vscode.TreeItem {
    const node = raw as Node;
    switch (node.kind) {
      case 'root': {
        const state = this.service.state(node.folder);
        const multi = this.service.folders().length > 1;
        const label = `Checklist${multi ? `: ${node.folder.name}` : ''}`;
        const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Expanded);
        item.id = `checklist:${node.folder.uri}`;
        item.contextValue = 'checklistRoot';
        item.iconPath = new vscode.ThemeIcon('checklist');
        if (state.kind === 'ready') {
          item.description = formatCounts(state.report.counts);
          item.tooltip = new vscode.MarkdownString().appendText(`Deployment checklist of ${node.folder.name}: ${formatCounts(state.report.counts)}. Click to open the checklist.`);
        }
        item.command = { title: 'Open Checklist', command: ChecklistCommand.Show, arguments: [{ folder: node.folder.uri.toString() }] };
        return item;
      }
      case 'area': {
        const title = CHECKLIST_AREAS.find((a) => a.id === node.area)!.title;
        const item = new vscode.TreeItem(title, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `checklist:${node.folder.uri}#${node.area}`;
        item.description = formatCounts(countStatuses(node.items));
        item.iconPath = statusIcon(worst(node.items));
        item.contextValue = 'checklistArea';
        return item;
      }
      case 'item': {
        const i = node.item;
        const item = new vscode.TreeItem(i.title, vscode.TreeItemCollapsibleState.None);
        item.id = `checklist:${node.folder.uri}#${i.id}`;
        item.description = i.na ? `n/a: ${i.na.reason}` : i.summary;
        item.tooltip = tooltip(i);
        item.iconPath = statusIcon(i.status);
        item.contextValue = i.status === 'na' ? 'checklistItemNa' : 'checklistItem';
        item.accessibilityInformation = { label: `${i.title}: ${statusLabel(i.status)}. ${i.summary}` };
        item.command = { title: 'Open in Checklist', command: ChecklistCommand.Show, arguments: [{ folder: node.folder.uri.toString(), item: i.id }] };
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        item.iconPath = node.icon;
        if (node.tooltip) item.tooltip = node.tooltip;
        return item;
      }
    }
  }
}
