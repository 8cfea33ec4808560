#!/usr/bin/env bash
# Regenerates the committed OpenAPI document, docs/openapi/signalengine.json, from the code: builds the API with
# Microsoft.Extensions.ApiDescription.Server's build-time generation switched on. That tool starts the host for a moment
# (from src/SignalEngine.Api), so this gives it the bundled model and a throw-away store, audit folder and key.
# Run it after changing an endpoint or a request or answer type, and commit the document with the change; the test
# OpenApiDocumentTests fails while the served document differs from the committed one.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=$(mktemp -d /tmp/signalengine-openapi.XXXXXX)
trap 'rm -rf "$work"' EXIT
export Pipeline__BundlePath="$root/models/default"
export Storage__Provider=sqlite Storage__SqlitePath="$work/signals.db"
export Audit__Path="$work/audit/audit-.json"
export Auth__Keys__0__Name=openapi Auth__Keys__0__Sha256=$(printf %s "openapi-$RANDOM$RANDOM" | sha256sum | cut -d' ' -f1) Auth__Keys__0__Roles__0=admin
export OnlineLearning__Enabled=false Serilog__MinimumLevel__Default=Warning
dotnet build src/SignalEngine.Api -c Release --nologo -v q -p:OpenApiGenerateDocumentsOnBuild=true "$@"
echo "openapi: wrote docs/openapi/signalengine.json ($(wc -c < docs/openapi/signalengine.json) bytes)"
