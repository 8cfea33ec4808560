#!/usr/bin/env bash
# Makes the npm tools of tools/openapi ready (Redocly CLI, Stoplight Prism: pinned in its package.json and
# package-lock.json) and prints the folder of their binaries. Node.js 20 or later comes from Debian if missing (trixie's
# nodejs and npm, under the low pin scripts/setup.sh set up); `npm ci` runs only when node_modules is not the lock
# file's. Idempotent: on a ready machine it only checks.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { echo "node-tools: $*" >&2; }
fail() { say "$*"; exit 1; }

node_major() { command -v node >/dev/null 2>&1 && node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(node_major)" -lt 20 ] || ! command -v npm >/dev/null 2>&1; then
  [ "$(id -u)" = 0 ] || fail "Node.js 20+ and npm are missing; re-run as root or install them (apt-get install -t trixie nodejs npm)"
  bash scripts/setup.sh >&2 # the trixie source and its low pin
  say "installing nodejs and npm from Debian trixie"
  apt-get -o DPkg::Lock::Timeout=300 update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq -t trixie nodejs npm >/dev/null \
    || fail "apt-get install -t trixie nodejs npm failed"
  [ "$(node_major)" -ge 20 ] || fail "Node.js $(node --version 2>/dev/null) is older than 20"
fi

tools=tools/openapi
stamp="$tools/node_modules/.lock-sha256"
want=$(sha256sum "$tools/package-lock.json" | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  say "npm ci in $tools"
  # No install scripts: none of these tools needs one (@scarf/scarf's is install telemetry).
  (cd "$tools" && SCARF_ANALYTICS=false npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2) || fail "npm ci in $tools failed"
  echo "$want" > "$stamp"
fi
echo "$(pwd)/$tools/node_modules/.bin"
