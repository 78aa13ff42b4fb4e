import * as path from 'node:path';
import * as vscode from 'vscode';
import { OnnxInspectError } from '../core/onnx/errors';
import { isWebviewToHostMessage, type HostToWebviewMessage, type WebviewToHostMessage } from '../shared/protocol';
import { makeNonce, renderWebviewHtml } from '../shared/webviewHtml';
import { displayName } from './inspectUri';
import { errorMessage, type Log } from './log';
import type { ModelIndex } from './modelIndex';

/** Custom editor view type (package.json `contributes.customEditors`). */
export const INSPECTOR_VIEW_TYPE = 'mlPreflight.onnxInspector';

/** Wait after a file event before re-inspecting (writers often touch a file several times). */
const RELOAD_DELAY_MS = 250;

/** A read-only model: nothing but its URI (the inspection lives in the index's cache). */
class ModelDocument implements vscode.CustomDocument {
  constructor(readonly uri: vscode.Uri) {}
  dispose(): void {}
}

/**
 * One inspector tab: renders the page, waits for `webview/ready`, then posts `model/loading` followed by
 * `model/show` or `model/error`; does it again when the webview is re-created (hidden tabs lose their page:
 * `retainContextWhenHidden` is off) and when the file changes on disk. Superseded loads are dropped.
 */
class InspectorSession implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly controller = new AbortController();
  private generation = 0;
  private ready = false;
  private reloadTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly uri: vscode.Uri,
    private readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    private readonly index: ModelIndex,
    private readonly log: Log,
  ) {
    const webview = panel.webview;
    webview.options = {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
    };
    webview.html = this.html();
    this.disposables.push(webview.onDidReceiveMessage((message: unknown) => this.onMessage(message)));
    // A watcher on this one file: works for models outside the workspace too.
    const dir = vscode.Uri.joinPath(uri, '..');
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(dir, path.posix.basename(uri.path)));
    this.disposables.push(
      watcher,
      watcher.onDidChange(() => this.scheduleReload()),
      watcher.onDidCreate(() => this.scheduleReload()),
      watcher.onDidDelete(() => this.scheduleReload()),
    );
  }

  dispose(): void {
    this.controller.abort();
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    for (const d of this.disposables) d.dispose();
  }

  private html(): string {
    const webview = this.panel.webview;
    return renderWebviewHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview', 'model.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'webview', 'model.css')).toString(),
      title: path.posix.basename(this.uri.path),
    });
  }

  private onMessage(message: unknown): void {
    if (!isWebviewToHostMessage(message)) {
      this.log.warn(`Inspector: ignored an unknown message from the webview of ${displayName(this.uri)}`);
      return;
    }
    this.handle(message);
  }

  private handle(message: WebviewToHostMessage): void {
    switch (message.type) {
      case 'webview/ready':
        this.ready = true;
        void this.load();
        break;
      case 'model/reveal':
        void vscode.commands.executeCommand('revealInExplorer', this.uri);
        break;
    }
  }

  private scheduleReload(): void {
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => {
      this.reloadTimer = undefined;
      if (this.ready) void this.load();
    }, RELOAD_DELAY_MS);
  }

  private post(message: HostToWebviewMessage): void {
    void this.panel.webview.postMessage(message);
  }

  private async load(): Promise<void> {
    const generation = ++this.generation;
    const file = displayName(this.uri);
    this.post({ type: 'model/loading', file });
    const started = performance.now();
    try {
      const inspection = await this.index.inspect(this.uri, this.controller.signal);
      if (generation !== this.generation || this.controller.signal.aborted) return;
      this.log.debug(`Inspector: ${file} ready in ${Math.round(performance.now() - started)} ms`);
      this.post({ type: 'model/show', inspection });
    } catch (ex) {
      if (generation !== this.generation || this.controller.signal.aborted) return;
      const reason = ex instanceof OnnxInspectError ? ex.reason : 'internal';
      // The header already names the file: the inline message is the problem and the next step.
      const message = ex instanceof OnnxInspectError ? `${ex.detail[0]?.toUpperCase() ?? ''}${ex.detail.slice(1)}${/[.!?]$/.test(ex.detail) ? '' : '.'}` : errorMessage(ex);
      this.log.error(`Cannot inspect ${file}: ${message}`);
      if (!(ex instanceof OnnxInspectError) && ex instanceof Error && ex.stack) this.log.debug(ex.stack);
      this.post({ type: 'model/error', file, reason, message });
    }
  }
}

/** The ONNX Model Inspector (`mlPreflight.onnxInspector`): a read-only custom editor for `*.onnx`. */
export class InspectorEditorProvider implements vscode.CustomReadonlyEditorProvider<ModelDocument> {
  /** Registers the provider; dispose the result to unregister. */
  static register(extensionUri: vscode.Uri, index: ModelIndex, log: Log): vscode.Disposable {
    return vscode.window.registerCustomEditorProvider(INSPECTOR_VIEW_TYPE, new InspectorEditorProvider(extensionUri, index, log), {
      // Hidden tabs drop their page (memory); the host re-posts the cached inspection on the next `webview/ready`.
      webviewOptions: { retainContextWhenHidden: false },
      supportsMultipleEditorsPerDocument: true,
    });
  }

  private constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly index: ModelIndex,
    private readonly log: Log,
  ) {}

  openCustomDocument(uri: vscode.Uri): ModelDocument {
    return new ModelDocument(uri);
  }

  resolveCustomEditor(document: ModelDocument, panel: vscode.WebviewPanel): void {
    const session = new InspectorSession(document.uri, panel, this.extensionUri, this.index, this.log);
    panel.onDidDispose(() => session.dispose());
  }
}
