/**
 * Two-stage activation (ESLint's client pattern): a capability whose code is heavy (YAML, Kubernetes schemas,
 * protobuf, Arrow/Parquet readers, tree-sitter) lives in its own bundle, `dist/ext-<name>.js`, required on
 * first use. Until then its contributed commands are stubs that load the bundle, let it register the real
 * commands and providers, and re-run the call. `activate()` therefore loads only the light bundle.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { errorMessage, type Log } from './log';

export class LazyFeature<M> implements vscode.Disposable {
  private stubs: vscode.Disposable[];
  private registered: vscode.Disposable[] = [];
  private loaded: M | undefined;
  private disposed = false;

  /**
   * @param bundle file name next to this bundle (`ext-checklist.js`)
   * @param commandIds the contributed commands the bundle registers (stubs until it is loaded)
   * @param start registers the capability from the loaded module; the returned disposables live until `dispose`
   */
  constructor(
    readonly name: string,
    private readonly bundle: string,
    commandIds: readonly string[],
    private readonly start: (module: M) => vscode.Disposable[],
    private readonly log: Log,
  ) {
    this.stubs = commandIds.map((id) => vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      this.load();
      return vscode.commands.executeCommand(id, ...args);
    }));
  }

  /** Whether the bundle is loaded. */
  get isLoaded(): boolean {
    return this.loaded !== undefined;
  }

  /**
   * Loads the bundle (once) and registers the capability; returns its module.
   *
   * @throws Error naming the bundle when it cannot be loaded (a broken installation).
   */
  load(): M {
    if (this.loaded) return this.loaded;
    if (this.disposed) throw new Error(`ML Preflight: ${this.name} is no longer available (the extension was deactivated)`);
    const t0 = performance.now();
    const file = path.join(__dirname, this.bundle);
    let module: M;
    try {
      // A computed path: esbuild leaves this require to Node, so the bundle stays a separate file.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      module = require(file) as M;
    } catch (ex) {
      this.log.error(`Cannot load ${file}: ${errorMessage(ex)}`);
      throw new Error(`ML Preflight: cannot load ${this.name} (${this.bundle}): ${errorMessage(ex)}`, { cause: ex });
    }
    // The real commands replace the stubs: dispose those first (a command id can be registered once).
    for (const s of this.stubs) s.dispose();
    this.stubs = [];
    this.loaded = module;
    this.registered = this.start(module);
    this.log.info(`${this.name} loaded in ${(performance.now() - t0).toFixed(0)} ms`);
    return module;
  }

  dispose(): void {
    this.disposed = true;
    for (const d of [...this.stubs, ...this.registered]) d.dispose();
    this.stubs = [];
    this.registered = [];
  }
}

/** The contributed command ids (package.json) that start with `prefix`. */
export function contributedCommands(context: vscode.ExtensionContext, prefix: string): string[] {
  const commands = (context.extension.packageJSON as { contributes?: { commands?: Array<{ command?: unknown }> } }).contributes?.commands ?? [];
  return commands.map((c) => c.command).filter((c): c is string => typeof c === 'string' && c.startsWith(prefix));
}
