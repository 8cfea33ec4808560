#!/usr/bin/env bash
# Starts the signal service on the embedded defaults: the bundled model in models/default, SQLite in data/,
# the audit log in logs/audit/. Settings come from appsettings.json; override any with environment variables
# (for example Pipeline__BundlePath=/path/to/bundle). Listens on http://localhost:5080 unless ASPNETCORE_URLS says otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export ASPNETCORE_URLS="${ASPNETCORE_URLS:-http://localhost:5080}"
# Every endpoint but /health needs an API key. Without Auth__Keys__* the service makes one admin key at first start.
if [ -z "${Auth__Keys__0__Sha256:-}" ]; then
  key_file="${Auth__GeneratedKeyPath:-data/admin.key}"
  echo "serve: API key: the admin key is in $key_file (made at first start, readable only by $(id -un)); send it as"
  echo "serve:   curl -H \"Authorization: Bearer \$(cat $key_file)\" ${ASPNETCORE_URLS%%;*}/models/current"
  echo "serve: or give keys as Auth__Keys__0__Name, Auth__Keys__0__Sha256 (printf %s KEY | sha256sum), Auth__Keys__0__Roles__0=signals|outcomes|admin"
fi
exec dotnet run --project src/SignalEngine.Api -c Release "$@"
