import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { OnnxInspectError } from '../core/onnx/errors';
import { inspectModel } from '../core/onnx/inspect';
import type { ModelInspection } from '../shared/modelInspection';

/** Largest model copied out of a non-`file:` file system (remote, virtual) for inspection. */
const MAX_COPY_BYTES = 1024 ** 3;

/**
 * How a model is named in messages: its workspace-relative path (with the folder's name first in a multi-root
 * workspace) for a file inside the workspace, its absolute path for another file, else the URI.
 */
export function displayName(uri: vscode.Uri): string {
  if (uri.scheme !== 'file') return uri.toString(true);
  if (!vscode.workspace.getWorkspaceFolder(uri)) return uri.fsPath;
  return vscode.workspace.asRelativePath(uri, (vscode.workspace.workspaceFolders?.length ?? 0) > 1);
}

/**
 * Inspects the model at `uri`. `file:` URIs are read in place by the core (`inspectModel`); other schemes are
 * copied through `workspace.fs` into a temporary file first (its external data files are not copied, which a
 * warning says).
 *
 * @throws OnnxInspectError (messages name `displayName(uri)`, never the temporary file).
 */
export async function inspectUri(uri: vscode.Uri, signal?: AbortSignal): Promise<ModelInspection> {
  if (uri.scheme === 'file') return inspectModel(uri.fsPath, { signal });
  const display = displayName(uri);
  let bytes: Uint8Array;
  try {
    const stat = await vscode.workspace.fs.stat(uri);
    if (stat.type & vscode.FileType.Directory) throw new OnnxInspectError('not-a-file', display, 'is a directory, not a model file');
    if (stat.size > MAX_COPY_BYTES) {
      throw new OnnxInspectError('io', display, `is ${stat.size} bytes: models over 1 GiB on a ${uri.scheme}: file system are not copied for inspection; open it from a local folder`);
    }
    bytes = await vscode.workspace.fs.readFile(uri);
  } catch (ex) {
    if (ex instanceof OnnxInspectError) throw ex;
    if (ex instanceof vscode.FileSystemError && ex.code === 'FileNotFound') throw new OnnxInspectError('not-found', display, 'no such file', { cause: ex });
    throw new OnnxInspectError('io', display, `cannot read the file (${ex instanceof Error ? ex.message : String(ex)})`, { cause: ex });
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'ml-preflight-'));
  const file = path.join(dir, path.posix.basename(uri.path) || 'model.onnx');
  try {
    await writeFile(file, bytes);
    const inspection = await inspectModel(file, { signal });
    inspection.file.path = display;
    if (inspection.externalData.length > 0) {
      inspection.warnings.push(`external data cannot be checked: models on a ${uri.scheme}: file system are inspected from a temporary copy without their data files`);
    }
    return inspection;
  } catch (ex) {
    if (ex instanceof OnnxInspectError) {
      // Re-issue the error under the URI: the temporary path means nothing to the user.
      const prefix = `${ex.file}: ${ex.reason}: `;
      const detail = ex.message.startsWith(prefix) ? ex.message.slice(prefix.length) : ex.message;
      throw new OnnxInspectError(ex.reason, display, detail, { cause: ex });
    }
    throw ex;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
