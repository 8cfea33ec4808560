#!/usr/bin/env bash
# Starts the signal service on the embedded defaults: the bundled model in models/default, SQLite in data/,
# the audit log in logs/audit/. Settings come from appsettings.json; override any with environment variables
# (for example Pipeline__BundlePath=/path/to/bundle). Listens on http://localhost:5080 unless ASPNETCORE_URLS says otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export ASPNETCORE_URLS="${ASPNETCORE_URLS:-http://localhost:5080}"
exec dotnet run --project src/SignalEngine.Api -c Release "$@"
