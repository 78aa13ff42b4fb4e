import * as vscode from 'vscode';
import type { DriftReport } from '../../shared/drift';
import { isDriftWebviewToHostMessage, type DriftHostToWebviewMessage, type DriftWebviewToHostMessage } from '../../shared/driftProtocol';
import { makeNonce, renderWebviewHtml } from '../../shared/webviewHtml';
import type { Log } from '../log';

/** Webview panel view type (also revived by VS Code on reload via `onWebviewPanel:`). */
export const DRIFT_VIEW_TYPE = 'mlPreflight.driftReport';

export interface DriftPanelHandlers {
  onMessage(message: DriftWebviewToHostMessage): void;
}

/**
 * The one "Data Drift" report panel. It keeps the last message that describes what the page should show and
 * posts it again on every `webview/ready` (hidden tabs lose their page: `retainContextWhenHidden` is off).
 */
export class DriftPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private disposables: vscode.Disposable[] = [];
  private last: DriftHostToWebviewMessage | undefined;
  private ready = false;
  report: DriftReport | undefined;

  constructor(private readonly extensionUri: vscode.Uri, private readonly log: Log, private readonly handlers: DriftPanelHandlers) {}

  /** Opens (or reveals) the panel. */
  show(title: string): void {
    if (this.panel) {
      this.panel.title = title;
      this.panel.reveal(undefined, true);
      return;
    }
    const panel = vscode.window.createWebviewPanel(DRIFT_VIEW_TYPE, title, { viewColumn: vscode.ViewColumn.Active, preserveFocus: false }, {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(this.extensionUri, 'media')],
    });
    this.panel = panel;
    this.ready = false;
    panel.webview.html = this.html(panel.webview, title);
    this.disposables.push(
      panel.webview.onDidReceiveMessage((message: unknown) => {
        if (!isDriftWebviewToHostMessage(message)) {
          this.log.warn('Drift: ignored an unknown message from the webview');
          return;
        }
        if (message.type === 'webview/ready') {
          this.ready = true;
          if (this.last) void panel.webview.postMessage(this.last);
        }
        this.handlers.onMessage(message);
      }),
      panel.onDidDispose(() => {
        this.panel = undefined;
        this.ready = false;
        for (const d of this.disposables) d.dispose();
        this.disposables = [];
      }),
    );
  }

  get visible(): boolean {
    return this.panel !== undefined;
  }

  post(message: DriftHostToWebviewMessage): void {
    if (message.type !== 'drift/progress') this.last = message;
    if (message.type === 'drift/show') this.report = message.report;
    if (this.panel && this.ready) void this.panel.webview.postMessage(message);
  }

  private html(webview: vscode.Webview, title: string): string {
    return renderWebviewHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview', 'drift.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'webview', 'drift.css')).toString(),
      title,
    });
  }

  dispose(): void {
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
