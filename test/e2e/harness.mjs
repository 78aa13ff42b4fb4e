// @ts-check
/**
 * Shared bits of the e2e runners: named checks with `✓/✗ name (ms)` output, the tier result file that
 * `scripts/testAll.sh` sums, a hard deadline for the whole runner, Chromium via playwright-core, and a
 * cheap memory probe (PSS summed over process trees from /proc).
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

/** Debian's chromium (install.sh installs it); playwright-core never downloads a browser here. */
export const chromiumPath = process.env.MLP_E2E_CHROMIUM || '/usr/bin/chromium';

/**
 * Records named checks. A check that throws is a failure; the runner goes on with the next one.
 * @param {{ onFail?: (name: string) => Promise<void> }} [hooks]
 */
export function createRecorder(hooks = {}) {
  /** @type {{ name: string, ok: boolean, ms: number, error?: string }[]} */
  const results = [];
  return {
    results,
    /**
     * Runs one named check with its own timeout.
     * @param {string} name
     * @param {() => Promise<string | void>} fn
     * @param {number} [timeoutMs]
     */
    async check(name, fn, timeoutMs = 90_000) {
      const start = performance.now();
      try {
        const detail = await withTimeout(fn(), timeoutMs, `check "${name}"`);
        const ms = Math.round(performance.now() - start);
        results.push({ name, ok: true, ms });
        console.log(`  ✓ ${name} (${ms} ms)${detail ? ` — ${detail}` : ''}`);
        return true;
      } catch (e) {
        const ms = Math.round(performance.now() - start);
        // The whole reason, every line: a cut message hid the cause of failures before (issue 12).
        const error = String(e instanceof Error ? e.message : e).split('\n').join('\n      ');
        results.push({ name, ok: false, ms, error });
        console.log(`  ✗ ${name} (${ms} ms)\n      ${error}`);
        await hooks.onFail?.(name).catch(() => {});
        return false;
      }
    },
    /** Records a failure that happened outside any check (e.g. the server did not start). */
    fail(/** @type {string} */ name, /** @type {unknown} */ e) {
      const error = String(e instanceof Error ? e.stack ?? e.message : e);
      results.push({ name, ok: false, ms: 0, error });
      console.log(`  ✗ ${name}\n      ${error.split('\n').join('\n      ')}`);
    },
    counts() {
      const passed = results.filter((r) => r.ok).length;
      return { passed, failed: results.length - passed, skipped: 0 };
    },
  };
}

/**
 * Rejects when `promise` takes longer than `ms`.
 * @template T
 * @param {Promise<T>} promise
 * @param {number} ms
 * @param {string} what
 * @returns {Promise<T>}
 */
export function withTimeout(promise, ms, what) {
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return /** @type {Promise<T>} */ (Promise.race([promise, timeout]).finally(() => clearTimeout(timer)));
}

/**
 * Writes `{ tier, passed, failed, skipped }` to `$MLP_RESULTS_DIR/<tier>.json` (when set) and prints the
 * summary line.
 * @param {string} tier
 * @param {{ passed: number, failed: number, skipped: number }} counts
 */
export function writeTierResult(tier, counts) {
  const dir = process.env.MLP_RESULTS_DIR;
  if (dir) {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${tier}.json`), JSON.stringify({ tier, ...counts }) + '\n');
  }
  console.log(`${tier}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
}

/**
 * Kills the runner after `seconds` no matter what (the 'exit' handlers in codeServer.mjs and playwright
 * then kill code-server's group and Chromium). The timer is unref'd so it never keeps the process alive.
 * @param {number} seconds
 * @param {() => void} onDeadline called first, e.g. to write a failed result file
 */
export function armDeadline(seconds, onDeadline) {
  setTimeout(() => {
    console.log(`\n[e2e] runner deadline of ${seconds} s reached: giving up`);
    try { onDeadline(); } finally { process.exit(124); }
  }, seconds * 1000).unref();
}

/** Starts headless Chromium with flags that avoid network probes that are refused here. */
export function launchChromium() {
  if (!fs.existsSync(chromiumPath)) throw new Error(`${chromiumPath} not found: run bash test/e2e/install.sh`);
  return withTimeout(chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    timeout: 60_000,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  }), 70_000, 'launching chromium');
}

/** @param {number} rootPid */
function processTree(rootPid) {
  /** @type {Map<number, number[]>} */
  const children = new Map();
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(d)]);
    } catch { /* process ended */ }
  }
  const out = [];
  const stack = [rootPid];
  while (stack.length) {
    const p = /** @type {number} */ (stack.pop());
    out.push(p);
    stack.push(...(children.get(p) ?? []));
  }
  return out;
}

/**
 * Proportional set size in MiB summed over a process and its descendants (PSS does not double count
 * shared pages). Returns 0 where /proc is unavailable.
 * @param {number} rootPid
 * @param {number[]} [excludeTreesOf] pids whose subtrees are left out
 */
export function pssMiB(rootPid, excludeTreesOf = []) {
  try {
    const skip = new Set(excludeTreesOf.flatMap((p) => processTree(p)));
    let kb = 0;
    for (const p of processTree(rootPid)) {
      if (skip.has(p)) continue;
      try {
        const m = /Pss:\s+(\d+)/.exec(fs.readFileSync(`/proc/${p}/smaps_rollup`, 'utf8'));
        if (m) kb += Number(m[1]);
      } catch { /* process ended or not readable */ }
    }
    return Math.round(kb / 1024);
  } catch {
    return 0;
  }
}

/** SIGKILLs every descendant of this process (for children that are not in a group of their own). */
export function killDescendants() {
  for (const pid of processTree(process.pid).slice(1).reverse()) {
    try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
  }
}
