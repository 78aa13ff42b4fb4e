import * as vscode from 'vscode';
import { isDiffWebviewToHostMessage, type DiffHostToWebviewMessage, type DiffWebviewToHostMessage } from '../../shared/diffProtocol';
import { makeNonce, renderWebviewHtml } from '../../shared/webviewHtml';
import type { Log } from '../log';

/** Webview panel view type of Compare Models. */
export const DIFF_VIEW_TYPE = 'mlPreflight.modelDiff';

/**
 * The one "Compare Models" panel. It keeps the last message that describes what the page should show and posts
 * it again on every `webview/ready` (hidden tabs lose their page: `retainContextWhenHidden` is off).
 */
export class DiffPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private disposables: vscode.Disposable[] = [];
  private last: DiffHostToWebviewMessage | undefined;
  private ready = false;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: Log,
    private readonly onMessage: (message: DiffWebviewToHostMessage) => void,
  ) {}

  /** Opens (or reveals) the panel with `title`. */
  show(title: string): void {
    if (this.panel) {
      this.panel.title = title;
      this.panel.reveal(undefined, false);
      return;
    }
    const panel = vscode.window.createWebviewPanel(DIFF_VIEW_TYPE, title, { viewColumn: vscode.ViewColumn.Active, preserveFocus: false }, {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(this.extensionUri, 'media')],
    });
    this.panel = panel;
    this.ready = false;
    panel.webview.html = renderWebviewHtml({
      cspSource: panel.webview.cspSource,
      nonce: makeNonce(),
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview', 'diff.js')).toString(),
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'webview', 'diff.css')).toString(),
      title,
    });
    this.disposables.push(
      panel.webview.onDidReceiveMessage((message: unknown) => {
        if (!isDiffWebviewToHostMessage(message)) {
          this.log.warn('Compare Models: ignored an unknown message from the webview');
          return;
        }
        if (message.type === 'webview/ready') {
          this.ready = true;
          if (this.last) void panel.webview.postMessage(this.last);
        }
        this.onMessage(message);
      }),
      panel.onDidDispose(() => {
        this.panel = undefined;
        this.ready = false;
        for (const d of this.disposables) d.dispose();
        this.disposables = [];
      }),
    );
  }

  post(message: DiffHostToWebviewMessage): void {
    this.last = message;
    if (this.panel && this.ready) void this.panel.webview.postMessage(message);
  }

  dispose(): void {
    this.panel?.dispose();
  }
}
