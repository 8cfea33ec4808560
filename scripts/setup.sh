#!/usr/bin/env bash
# Makes a Debian 12 (or newer) machine ready to build, test and run SignalEngine.
# Idempotent: on a machine that is already ready it only checks, in well under a second.
#
# TorchSharp 0.107's native library is built with GCC 13 and needs GLIBCXX_3.4.32; Debian 12 ships
# 3.4.30. We take libstdc++6 alone from trixie under a low apt pin (priority 100), so nothing else
# on the system moves to trixie unless asked for by name.
set -euo pipefail

fail() { echo "setup: $*" >&2; exit 1; }
say() { echo "setup: $*"; }

command -v dotnet >/dev/null 2>&1 \
  || fail ".NET 10 SDK not found on PATH; install it (https://learn.microsoft.com/dotnet/core/install/linux-debian) and re-run"
dotnet --list-sdks 2>/dev/null | grep -q '^10\.' \
  || fail ".NET 10 SDK not found (installed: $(dotnet --list-sdks | cut -d' ' -f1 | tr '\n' ' ')); install it and re-run"

needed=GLIBCXX_3.4.32
libstdcxx() { ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6 .*x86-64/ {print $NF; exit}'; }
has_glibcxx() { local f; f=$(libstdcxx); [ -n "$f" ] && grep -aq "$needed" "$f"; }

if has_glibcxx; then
  say "ready (.NET $(dotnet --version), libstdc++ has $needed)"
  exit 0
fi

. /etc/os-release 2>/dev/null || true
[ "${ID:-}" = debian ] \
  || fail "libstdc++ lacks $needed and this is not Debian (${PRETTY_NAME:-unknown}); install a libstdc++ from GCC 13 or newer"
[ "$(id -u)" = 0 ] || fail "libstdc++ lacks $needed; re-run as root to install it from Debian trixie"

# The mirror is whatever this machine already uses for Debian, so no host name lives in the repository.
mirror=$(
  { grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}'
    grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list | awk '{print $2}'; true; } \
  | grep -E '/debian/?$' | head -n 1
) || true
[ -n "$mirror" ] || fail "libstdc++ lacks $needed and no Debian mirror was found in /etc/apt sources to fetch trixie's from"

say "installing libstdc++6 from trixie ($mirror) under a low apt pin"
cat > /etc/apt/sources.list.d/signalengine-trixie.sources <<SRC
Types: deb
URIs: $mirror
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
cat > /etc/apt/preferences.d/signalengine-trixie <<PIN
Package: *
Pin: release n=trixie
Pin-Priority: 100
PIN
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null || fail "apt-get update failed; check the apt sources"
apt-get install -y -qq -t trixie libstdc++6 >/dev/null || fail "installing libstdc++6 from trixie failed"
ldconfig
has_glibcxx || fail "libstdc++6 from trixie is installed but still lacks $needed"
say "ready (.NET $(dotnet --version), libstdc++ has $needed)"
