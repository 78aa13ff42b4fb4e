// @ts-check
/**
 * Playwright helpers for VS Code 1.139's web workbench (code-server). The selectors are VS Code's internal
 * DOM classes; they are collected here so an upgrade of code-server means fixing one file.
 */
import fs from 'node:fs';
import path from 'node:path';

/** @typedef {import('playwright-core').Page} Page */

export const sel = {
  workbench: '.monaco-workbench',
  statusbar: '.part.statusbar',
  quickInput: '.quick-input-widget .quick-input-box input',
  quickRow: '.quick-input-widget .monaco-list-row',
  activityItem: (/** @type {string} */ label) =>
    `.activitybar .action-item a[aria-label^="${label}"], .activitybar .action-item[aria-label^="${label}"]`,
  sidebar: '.part.sidebar',
  treeRow: '.part.sidebar .pane-body .monaco-list-row',
  activeTab: '.part.editor .tabs-container .tab.active',
  // The custom editor's webview: outer iframe (VS Code's host page), inner iframe (our HTML).
  webviewOuter: 'iframe.webview.ready >> visible=true',
  webviewInner: 'iframe#active-frame',
};

/** Waits until the workbench is on screen. */
export async function waitForWorkbench(/** @type {Page} */ page, timeout = 60_000) {
  await page.locator(sel.workbench).waitFor({ state: 'visible', timeout });
  await page.locator(sel.statusbar).waitFor({ state: 'visible', timeout });
}

/** Gives keyboard focus back to the workbench (not to a webview) before a shortcut. */
async function focusWorkbench(/** @type {Page} */ page) {
  await page.keyboard.press('Escape').catch(() => {});
  await page.locator(sel.statusbar).click({ position: { x: 5, y: 5 }, timeout: 5000 }).catch(() => {});
}

/**
 * Opens the quick input with `key` and types `text`; waits for a row containing `rowText`.
 * @param {Page} page
 * @param {{ key: string, text: string, rowText: string | RegExp }} options
 */
async function quickInput(page, { key, text, rowText }) {
  await focusWorkbench(page);
  await page.keyboard.press(key);
  const input = page.locator(sel.quickInput);
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(text);
  const row = page.locator(sel.quickRow, { hasText: rowText }).first();
  await row.waitFor({ state: 'visible', timeout: 15_000 });
  return row;
}

/** F1, `>title`, Enter: runs a command from the command palette. */
export async function runCommand(/** @type {Page} */ page, /** @type {string} */ title) {
  await quickInput(page, { key: 'F1', text: `>${title}`, rowText: title });
  await page.keyboard.press('Enter');
}

/** Ctrl+P, file name, Enter: opens a workspace file with its default editor. */
export async function quickOpen(/** @type {Page} */ page, /** @type {string} */ fileName) {
  await quickInput(page, { key: 'Control+P', text: fileName, rowText: fileName });
  // Quick Open lists recently opened files first until the filtered results arrive: Enter only once the first
  // row is a match, or it opens whatever was recent (seen after Generate opened deploy/…/config.pbtxt).
  const first = page.locator(sel.quickRow).first();
  const deadline = Date.now() + 10_000;
  while (!(((await first.textContent().catch(() => '')) ?? '').includes(fileName))) {
    if (Date.now() > deadline) throw new Error(`Quick Open: the first row is "${await first.textContent().catch(() => '')}", not ${fileName}`);
    await new Promise((r) => setTimeout(r, 150));
  }
  await page.keyboard.press('Enter');
}

/** Closes every editor so the next check starts from an empty editor area. */
export async function closeAllEditors(/** @type {Page} */ page) {
  await runCommand(page, 'View: Close All Editors');
  await page.locator(`${sel.activeTab}`).waitFor({ state: 'detached', timeout: 10_000 }).catch(() => {});
}

/** The inner frame of the visible webview (our model inspector). */
export function webviewFrame(/** @type {Page} */ page) {
  return page.frameLocator(sel.webviewOuter).frameLocator(sel.webviewInner);
}

/**
 * Finds files under `dir` whose text matches `pattern` (small log folders only).
 * @param {string} dir
 * @param {RegExp} pattern
 * @returns {string[]} matching lines
 */
export function grepTree(dir, pattern) {
  /** @type {string[]} */
  const hits = [];
  if (!fs.existsSync(dir)) return hits;
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.log')) continue;
    const file = path.join(entry.parentPath ?? entry.path, entry.name);
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) if (pattern.test(line)) hits.push(line);
  }
  return hits;
}
