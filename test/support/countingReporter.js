// @ts-check
'use strict';
/**
 * Mocha reporter: mocha's `spec` output, plus a result file for `scripts/testAll.sh`.
 *
 * When `MLP_RESULTS_DIR` is set, writes `{ "tier", "passed", "failed", "skipped" }` to
 * `$MLP_RESULTS_DIR/<tier>.json` at the end of the run. The tier comes from `MLP_TIER`, else from
 * `--reporter-option tier=<name>`, else `mocha`. Failed hooks count as failures (mocha reports them
 * through the same `fail` event), pending tests (`it.skip`, `this.skip()`) as skipped.
 *
 * No file is written when mocha dies before the end of the run: the aggregator treats a missing
 * file as a failed tier, so a crash can never read as a pass.
 *
 * Also used inside the VS Code extension host by the e2e suite (`test/e2e/suite/index.ts`).
 */
const fs = require('node:fs');
const path = require('node:path');
const Mocha = require('mocha');

const { EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING, EVENT_RUN_END } = Mocha.Runner.constants;

class CountingReporter extends Mocha.reporters.Spec {
  /**
   * @param {Mocha.Runner} runner
   * @param {{ reporterOptions?: { tier?: string }, reporterOption?: { tier?: string } }} [options]
   */
  constructor(runner, options = {}) {
    super(runner, options);
    const reporterOptions = options.reporterOptions || options.reporterOption || {};
    /** Tier name used for the result file. */
    this.tier = process.env.MLP_TIER || reporterOptions.tier || 'mocha';
    /** Counts so far; public so an in-process caller (the e2e suite) can read them. */
    this.counts = { passed: 0, failed: 0, skipped: 0 };
    runner.on(EVENT_TEST_PASS, () => { this.counts.passed++; });
    runner.on(EVENT_TEST_FAIL, () => { this.counts.failed++; });
    runner.on(EVENT_TEST_PENDING, () => { this.counts.skipped++; });
    runner.once(EVENT_RUN_END, () => this.writeResult());
  }

  /** Writes the result file when `MLP_RESULTS_DIR` is set. */
  writeResult() {
    const dir = process.env.MLP_RESULTS_DIR;
    if (!dir) return;
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${this.tier.replace(/[^\w.-]/g, '_')}.json`);
    fs.writeFileSync(file, JSON.stringify({ tier: this.tier, ...this.counts }) + '\n');
  }
}

module.exports = CountingReporter;
