/**
 * The mark every ML Preflight report file carries in its first 4 KiB (HTML: `<meta name="generator">`; SARIF:
 * `runs[0].tool.driver.name`/informationUri), so the CLI can tell its own output from a user's file before
 * replacing it (src/cli/outputFile.ts).
 */
export const GENERATOR_MARK = 'ml-preflight-report';

/** `<meta name="generator" content="ml-preflight-report">` for the HTML reports' `<head>`. */
export const GENERATOR_META = `<meta name="generator" content="${GENERATOR_MARK}">`;
