#!/usr/bin/env bash
# Headless Chromium and its WebDriver for the dashboard's browser tests: Debian's chromium and chromium-driver, installed
# if missing. Idempotent and quick when already done (one check). The last line of stdout is the chromedriver path;
# everything else goes to stderr. Used by scripts/test.sh, and by the browser tests themselves when run on their own.
set -euo pipefail

fail() { echo "chromium: $*" >&2; exit 1; }
say() { echo "chromium: $*" >&2; }

driver=/usr/bin/chromedriver
browser=/usr/bin/chromium

if [ ! -x "$driver" ] || [ ! -x "$browser" ]; then
  [ "$(id -u)" = 0 ] || fail "chromium and chromium-driver are not installed; re-run as root (or: apt-get install -y chromium chromium-driver)"
  say "installing chromium and chromium-driver from Debian"
  export DEBIAN_FRONTEND=noninteractive
  # Another apt user (a second setup running) holds the lock for a while: wait for it rather than fail.
  apt-get -o DPkg::Lock::Timeout=300 update -qq >/dev/null || fail "apt-get update failed"
  # The release's own chromium (priority 500) wins over the trixie source setup.sh pins at 100.
  apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends chromium chromium-driver >/dev/null \
    || fail "apt-get install chromium chromium-driver failed"
fi
[ -x "$driver" ] || fail "$driver is missing after the install"
say "ready ($("$browser" --version 2>/dev/null | head -n 1))"
echo "$driver"
