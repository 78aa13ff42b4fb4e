import * as path from 'node:path';
import * as vscode from 'vscode';
import { OnnxInspectError } from '../core/onnx/errors';
import type { ModelInspection } from '../shared/modelInspection';
import { loadGeneratedIndex, MANIFEST_NAME } from '../core/generated';
import { GENERATED_SECTION, MODELS_SECTION, readModelsConfig, readTreatGeneratedAsOwn } from './config';
import { displayName, inspectUri } from './inspectUri';
import { errorMessage, type Log } from './log';

/** Where a listed model stands. */
export type ModelState =
  | { kind: 'pending' }
  | { kind: 'ready'; inspection: ModelInspection }
  | { kind: 'error'; reason: string; message: string };

/** One workspace model. */
export interface ModelEntry {
  readonly uri: vscode.Uri;
  /** File name. */
  readonly name: string;
  /** Folder relative to its workspace folder (prefixed with the folder's name in multi-root workspaces); `''` at the root. */
  readonly folder: string;
  state: ModelState;
}

interface CacheEntry {
  /** `mtime:size` when the inspection started. */
  stamp: string;
  result: Promise<ModelInspection>;
}

/** Inspections kept in memory (least recently added dropped first). */
const CACHE_LIMIT = 1000;
/** Inspections run at once by the background scan. */
const SCAN_CONCURRENCY = 4;
const RESCAN_DELAY_MS = 300;
const CHANGE_DELAY_MS = 50;

/** Rejects with `OnnxInspectError('aborted')` as soon as `signal` fires; otherwise settles like `promise`. */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined, file: string): Promise<T> {
  if (!signal) return promise;
  const aborted = () => new OnnxInspectError('aborted', file, 'inspection was cancelled');
  if (signal.aborted) return Promise.reject(aborted());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(aborted());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * The workspace's ONNX models (`mlPreflight.models.*` settings) and a cache of their inspections keyed by
 * URI + mtime + size. Rescans on settings and workspace-folder changes and when a watched `.onnx` file is
 * created or deleted; re-inspects a model when it changes. Inspections of listed models run in the background
 * after each scan so the tree can show facts and errors; `onDidChange` fires (debounced) as they land.
 */
export class ModelIndex implements vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  /** The model list or a model's state changed. */
  readonly onDidChange = this.changeEmitter.event;

  private readonly disposables: vscode.Disposable[] = [this.changeEmitter];
  private readonly lifetime = new AbortController();
  private readonly cache = new Map<string, CacheEntry>();
  private entries = new Map<string, ModelEntry>();
  private truncatedAt: number | undefined;
  private scanController: AbortController | undefined;
  private firstScan: Promise<void> | undefined;
  private rescanTimer: ReturnType<typeof setTimeout> | undefined;
  private changeTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly log: Log) {
    const watcher = vscode.workspace.createFileSystemWatcher('**/*.onnx');
    // A generated-files manifest changes which models are listed (src/core/generated.ts).
    const manifests = vscode.workspace.createFileSystemWatcher(`**/${MANIFEST_NAME}`);
    this.disposables.push(
      watcher,
      manifests,
      manifests.onDidCreate(() => this.scheduleRescan()),
      manifests.onDidChange(() => this.scheduleRescan()),
      manifests.onDidDelete(() => this.scheduleRescan()),
      watcher.onDidCreate(() => this.scheduleRescan()),
      watcher.onDidDelete((uri) => {
        this.cache.delete(uri.toString());
        this.scheduleRescan();
      }),
      watcher.onDidChange((uri) => this.onFileChanged(uri)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(MODELS_SECTION) || e.affectsConfiguration(GENERATED_SECTION)) this.scheduleRescan();
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.scheduleRescan()),
    );
  }

  /** Listed models, in workspace-folder order then by path. */
  get models(): readonly ModelEntry[] {
    return [...this.entries.values()];
  }

  /** The `maxFiles` limit when the scan stopped there (more models exist), else undefined. */
  get truncated(): number | undefined {
    return this.truncatedAt;
  }

  /** The listed model for `uri`, if any. */
  entry(uri: vscode.Uri): ModelEntry | undefined {
    return this.entries.get(uri.toString());
  }

  /** Resolves once the first scan has listed the models (starting it when none ran yet). */
  whenScanned(): Promise<void> {
    return this.firstScan ?? this.rescan();
  }

  /**
   * Lists the models again (`workspace.findFiles` per workspace folder) and re-inspects them in the background.
   * Resolves when the list is known. `clearCache` forgets every cached inspection first.
   */
  rescan(options: { clearCache?: boolean } = {}): Promise<void> {
    const done = this.scan(options);
    this.firstScan ??= done;
    return done;
  }

  private async scan(options: { clearCache?: boolean }): Promise<void> {
    if (this.rescanTimer) clearTimeout(this.rescanTimer);
    this.rescanTimer = undefined;
    if (options.clearCache) this.cache.clear();
    this.scanController?.abort();
    const controller = new AbortController();
    this.scanController = controller;
    let found: { entries: ModelEntry[]; truncatedAt: number | undefined };
    try {
      found = await this.findModels();
    } catch (ex) {
      this.log.error(`Listing workspace models failed: ${errorMessage(ex)}`);
      return;
    }
    if (controller.signal.aborted || this.lifetime.signal.aborted) return;
    const next = new Map<string, ModelEntry>();
    this.truncatedAt = found.truncatedAt;
    for (const entry of found.entries) {
      const key = entry.uri.toString();
      const previous = this.entries.get(key);
      next.set(key, previous && !options.clearCache ? previous : entry);
    }
    this.entries = next;
    this.log.info(`Found ${next.size} model(s)${this.truncatedAt ? ` (stopped at mlPreflight.models.maxFiles = ${this.truncatedAt})` : ''}`);
    this.fireChange(true);
    void this.inspectAll([...next.values()], controller.signal);
  }

  /**
   * Inspects `uri` (listed or not). Results are cached by URI + mtime + size; concurrent calls share one
   * inspection. `signal` cancels only this caller's wait.
   *
   * @throws OnnxInspectError
   */
  async inspect(uri: vscode.Uri, signal?: AbortSignal): Promise<ModelInspection> {
    const file = displayName(uri);
    const key = uri.toString();
    let stamp: string;
    try {
      const stat = await vscode.workspace.fs.stat(uri);
      stamp = `${stat.mtime}:${stat.size}`;
    } catch {
      // Let the core say what is wrong (not found, not a file…), uncached.
      return raceAbort(inspectUri(uri, this.lifetime.signal), signal, file);
    }
    let cached = this.cache.get(key);
    if (!cached || cached.stamp !== stamp) {
      const result = inspectUri(uri, this.lifetime.signal);
      cached = { stamp, result };
      this.cache.delete(key);
      this.cache.set(key, cached);
      if (this.cache.size > CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value!);
      const stored = cached;
      result.catch((ex: unknown) => {
        // Errors are as deterministic as results for the same bytes, except a cancellation.
        if (OnnxInspectError.is(ex, 'aborted') && this.cache.get(key) === stored) this.cache.delete(key);
      });
    }
    return raceAbort(cached.result, signal, file);
  }

  dispose(): void {
    this.lifetime.abort();
    this.scanController?.abort();
    if (this.rescanTimer) clearTimeout(this.rescanTimer);
    if (this.changeTimer) clearTimeout(this.changeTimer);
    for (const d of this.disposables) d.dispose();
    this.cache.clear();
    this.entries.clear();
  }

  private scheduleRescan(): void {
    if (this.lifetime.signal.aborted) return;
    if (this.rescanTimer) clearTimeout(this.rescanTimer);
    this.rescanTimer = setTimeout(() => void this.rescan(), RESCAN_DELAY_MS);
  }

  private onFileChanged(uri: vscode.Uri): void {
    this.cache.delete(uri.toString());
    const entry = this.entries.get(uri.toString());
    if (entry && this.scanController) void this.inspectAll([entry], this.scanController.signal);
  }

  /** Fires `onDidChange`, debounced unless `now`. */
  private fireChange(now = false): void {
    if (this.changeTimer) clearTimeout(this.changeTimer);
    this.changeTimer = undefined;
    if (now) this.changeEmitter.fire();
    else this.changeTimer = setTimeout(() => this.changeEmitter.fire(), CHANGE_DELAY_MS);
  }

  private async findModels(): Promise<{ entries: ModelEntry[]; truncatedAt: number | undefined }> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const found: ModelEntry[] = [];
    let truncatedAt: number | undefined;
    // The limit is global: the first folder's setting (or the workspace's) applies to the whole scan.
    const maxFiles = readModelsConfig(folders[0]?.uri).maxFiles;
    for (const folder of folders) {
      const remaining = maxFiles - found.length;
      if (remaining <= 0) {
        truncatedAt = maxFiles;
        break;
      }
      const config = readModelsConfig(folder.uri);
      const include = new vscode.RelativePattern(folder, config.include);
      // `undefined` applies VS Code's files.exclude; our own pattern replaces it.
      const exclude = config.exclude ? config.exclude : undefined;
      const all = await vscode.workspace.findFiles(include, exclude, remaining + 1);
      // Model copies ML Preflight generated (deploy/docker/model/model.onnx…) are not the user's models.
      const generated = folder.uri.scheme === 'file' && all.length
        ? await loadGeneratedIndex(folder.uri.fsPath, all.filter((u) => u.scheme === 'file').map((u) => u.fsPath), { includeGenerated: readTreatGeneratedAsOwn(folder.uri) })
        : undefined;
      const uris = generated ? all.filter((u) => !(u.scheme === 'file' && generated.isListed(u.fsPath))) : all;
      if (all.length - uris.length) this.log.info(`Not listed: ${all.length - uris.length} generated model copy(ies) in ${folder.name} (${MANIFEST_NAME})`);
      if (uris.length > remaining) truncatedAt = maxFiles;
      const entries = uris
        .map((uri) => {
          const relative = path.posix.relative(folder.uri.path, path.posix.dirname(uri.path));
          const inFolder = relative === '' ? '' : relative;
          const name = path.posix.basename(uri.path);
          const folderLabel = folders.length > 1 ? path.posix.join(folder.name, inFolder) : inFolder;
          return { uri, name, folder: folderLabel, state: { kind: 'pending' } } satisfies ModelEntry;
        })
        .sort((a, b) => (a.folder === b.folder ? a.name.localeCompare(b.name) : a.folder.localeCompare(b.folder)))
        .slice(0, remaining);
      found.push(...entries);
    }
    return { entries: found, truncatedAt };
  }

  /** Inspects `entries` with a few at a time, updating their state; stops starting new ones when `signal` fires. */
  private async inspectAll(entries: ModelEntry[], signal: AbortSignal): Promise<void> {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < entries.length && !signal.aborted) {
        const entry = entries[next++];
        let state: ModelState;
        try {
          state = { kind: 'ready', inspection: await this.inspect(entry.uri, signal) };
        } catch (ex) {
          if (signal.aborted || this.lifetime.signal.aborted) return;
          const reason = ex instanceof OnnxInspectError ? ex.reason : 'internal';
          if (reason === 'aborted') return;
          state = { kind: 'error', reason, message: errorMessage(ex) };
          if (entry.state.kind !== 'error' || entry.state.message !== state.message) this.log.warn(`Cannot inspect ${errorMessage(ex)}`);
        }
        entry.state = state;
        this.fireChange();
      }
    };
    await Promise.all(Array.from({ length: Math.min(SCAN_CONCURRENCY, entries.length) }, worker));
  }
}
