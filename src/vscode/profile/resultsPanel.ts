import * as path from 'node:path';
import * as vscode from 'vscode';
import { isProfileWebviewToHost, type ProfileHostToWebview, type ProfileWebviewToHost } from '../../shared/profileProtocol';
import type { BatchSummary } from '../../shared/workerProtocol';
import type { ProfileResult } from '../../shared/profileResult';
import { makeNonce, renderWebviewHtml } from '../../shared/webviewHtml';
import type { Log } from '../log';

/** Webview panel type of the profile results. */
export const PROFILE_VIEW_TYPE = 'mlPreflight.profileResults';

/**
 * One results tab per model: holds the last state (running / result / error) and posts it after every
 * `webview/ready`, since hidden tabs drop their page. Only JSON crosses to the webview, which renders every
 * string as text.
 */
export class ProfileResultsPanel implements vscode.Disposable {
  private static readonly panels = new Map<string, ProfileResultsPanel>();
  private readonly disposables: vscode.Disposable[] = [];
  private state: ProfileHostToWebview | undefined;
  private ready = false;
  private readonly didDispose = new vscode.EventEmitter<void>();

  /** Shows (creating if needed) the tab of `uri`. */
  static show(extensionUri: vscode.Uri, uri: vscode.Uri, log: Log, onRerun: (uri: vscode.Uri) => void): ProfileResultsPanel {
    const key = uri.toString();
    const existing = ProfileResultsPanel.panels.get(key);
    if (existing) {
      existing.panel.reveal(undefined, true);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(PROFILE_VIEW_TYPE, `Profile: ${path.posix.basename(uri.path)}`, { viewColumn: vscode.ViewColumn.Active, preserveFocus: true }, {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
    });
    const created = new ProfileResultsPanel(panel, extensionUri, uri, log, onRerun);
    ProfileResultsPanel.panels.set(key, created);
    created.didDispose.event(() => ProfileResultsPanel.panels.delete(key));
    return created;
  }

  /** Open tabs (for tests and the status bar). */
  static get(uri: vscode.Uri): ProfileResultsPanel | undefined {
    return ProfileResultsPanel.panels.get(uri.toString());
  }

  static disposeAll(): void {
    for (const p of [...ProfileResultsPanel.panels.values()]) p.dispose();
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    private readonly uri: vscode.Uri,
    private readonly log: Log,
    private readonly onRerun: (uri: vscode.Uri) => void,
  ) {
    panel.webview.html = this.html();
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: unknown) => this.onMessage(m)),
      panel.onDidDispose(() => this.dispose()),
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.ready = false;
      }),
    );
  }

  /** Shows `message` over the previous result, with the batch sizes finished so far (`partial`) and the time spent. */
  running(message: string, progress: { partial?: BatchSummary[]; elapsedS?: number; budgetS?: number } = {}): void {
    this.post({ type: 'profile/running', file: this.file(), message, ...progress });
  }

  show(result: ProfileResult): void {
    this.post({ type: 'profile/show', file: this.file(), result });
  }

  error(kind: string, message: string): void {
    this.post({ type: 'profile/error', file: this.file(), kind, message });
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
    this.didDispose.fire();
    this.didDispose.dispose();
  }

  private file(): string {
    return this.uri.scheme === 'file' ? this.uri.fsPath : this.uri.toString();
  }

  private post(message: ProfileHostToWebview): void {
    // A newer result replaces a running state; the last state is what a re-created page gets.
    this.state = message;
    if (this.ready) void this.panel.webview.postMessage(message);
  }

  private onMessage(message: unknown): void {
    if (!isProfileWebviewToHost(message)) {
      this.log.warn('Profile results: ignored an unknown message from the webview');
      return;
    }
    this.handle(message);
  }

  private handle(message: ProfileWebviewToHost): void {
    switch (message.type) {
      case 'webview/ready':
        this.ready = true;
        if (this.state) void this.panel.webview.postMessage(this.state);
        break;
      case 'profile/rerun':
        this.onRerun(this.uri);
        break;
      case 'profile/openBaseline': {
        const file = this.state?.type === 'profile/show' ? this.state.result.baseline?.baselineFile : undefined;
        if (file) void vscode.window.showTextDocument(vscode.Uri.file(file), { preview: true });
        break;
      }
    }
  }

  private html(): string {
    const webview = this.panel.webview;
    return renderWebviewHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview', 'profile.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'webview', 'profile.css')).toString(),
      title: `Profile: ${path.posix.basename(this.uri.path)}`,
    });
  }
}
