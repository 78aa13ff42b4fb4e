/**
 * The checklist webview (`mlPreflight.checklist`): one panel, showing the graded checklist of a workspace
 * folder with evidence, explanations and action buttons. Same page rules as the inspector: CSP + nonce,
 * nothing posted before `webview/ready`, typed messages both ways, every string rendered as text.
 */
import * as vscode from 'vscode';
import { isChecklistWebviewToHost, type ChecklistHostToWebview, type ChecklistWebviewToHost } from '../../shared/checklistProtocol';
import { makeNonce, renderWebviewHtml } from '../../shared/webviewHtml';
import { resolveInsideSync, SafeFsError } from '../../core/safeFs';
import type { Log } from '../log';
import type { ChecklistService } from './service';

export const CHECKLIST_VIEW_TYPE = 'mlPreflight.checklist';

export type PanelActionHandler = (message: Exclude<ChecklistWebviewToHost, { type: 'webview/ready' }>, folder: vscode.WorkspaceFolder) => Promise<void>;

export class ChecklistPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private folder: vscode.WorkspaceFolder | undefined;
  private focus: string | undefined;
  private ready = false;
  private readonly disposables: vscode.Disposable[] = [];
  private panelDisposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly service: ChecklistService,
    private readonly log: Log,
    private readonly onAction: PanelActionHandler,
  ) {
    this.disposables.push(service.onDidChange(() => void this.post()));
  }

  /** True while the panel is open (for tests and the tree). */
  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  /** Opens (or reveals) the panel on `folder`, optionally scrolled to an item. */
  show(folder: vscode.WorkspaceFolder, focus?: string): void {
    this.folder = folder;
    this.focus = focus;
    if (this.panel) {
      this.panel.reveal(undefined, false);
      this.panel.title = this.title();
      void this.post();
      return;
    }
    const panel = vscode.window.createWebviewPanel(CHECKLIST_VIEW_TYPE, this.title(), vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(this.extensionUri, 'media')],
    });
    this.panel = panel;
    this.ready = false;
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'icons', 'preflight.svg');
    const webview = panel.webview;
    webview.html = renderWebviewHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview', 'checklist.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'webview', 'checklist.css')).toString(),
      title: 'Deployment Checklist',
    });
    this.panelDisposables = [
      webview.onDidReceiveMessage((m: unknown) => void this.onMessage(m)),
      panel.onDidDispose(() => {
        for (const d of this.panelDisposables) d.dispose();
        this.panelDisposables = [];
        this.panel = undefined;
        this.ready = false;
      }),
    ];
  }

  private title(): string {
    const multi = this.service.folders().length > 1;
    return `Checklist${multi && this.folder ? `: ${this.folder.name}` : ''}`;
  }

  private async onMessage(message: unknown): Promise<void> {
    if (!isChecklistWebviewToHost(message)) {
      this.log.warn('Checklist: ignored an unknown message from the webview');
      return;
    }
    if (message.type === 'webview/ready') {
      this.ready = true;
      await this.post();
      return;
    }
    if (!this.folder) return;
    if (message.type === 'checklist/open') {
      await this.openFile(this.folder, message.file, message.line);
      return;
    }
    await this.onAction(message, this.folder);
  }

  /** Opens a workspace-relative file at a line; refuses paths outside the folder. */
  private async openFile(folder: vscode.WorkspaceFolder, rel: string, line?: number): Promise<void> {
    let abs: string;
    try {
      // Containment by realpath, not by string: a committed symlink inside the folder may point outside it.
      abs = resolveInsideSync(folder.uri.fsPath, rel);
    } catch (ex) {
      this.log.warn(`Checklist: refused to open ${rel} (${SafeFsError.is(ex) ? ex.detail : String(ex)})`);
      return;
    }
    const uri = vscode.Uri.file(abs);
    if (/\.onnx$/i.test(abs)) {
      await vscode.commands.executeCommand('vscode.open', uri);
      return;
    }
    const position = new vscode.Position(Math.max(0, (line ?? 1) - 1), 0);
    await vscode.window.showTextDocument(uri, { selection: new vscode.Range(position, position), preview: true });
  }

  private async post(): Promise<void> {
    const panel = this.panel;
    const folder = this.folder;
    if (!panel || !this.ready || !folder) return;
    const state = this.service.state(folder);
    let message: ChecklistHostToWebview;
    if (state.kind === 'pending') {
      void panel.webview.postMessage({ type: 'checklist/loading', folder: folder.name } satisfies ChecklistHostToWebview);
      const report = await this.service.report(folder);
      if (!report) return; // the error state is posted by the service's change event
      message = { type: 'checklist/show', folder: folder.name, report, focus: this.focus };
    } else if (state.kind === 'error') {
      message = { type: 'checklist/error', folder: folder.name, message: state.message };
    } else {
      message = { type: 'checklist/show', folder: folder.name, report: state.report, focus: this.focus };
    }
    this.focus = undefined;
    if (this.panel === panel) void panel.webview.postMessage(message);
  }

  dispose(): void {
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
