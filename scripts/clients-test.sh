#!/usr/bin/env bash
# The API description and the clients, checked with tools nobody here wrote, against the real service: Redocly CLI lint
# of docs/openapi/signalengine.json (recommended rules, 0 errors and 0 warnings), the contract test (every documented
# request through Stoplight Prism's validating proxy, every answer checked against the document), and the Python
# client's tests with Debian's python3. Prints one PASS or FAIL line per check (SKIP lines do not count) and exits
# non-zero if any failed. Run by scripts/test.sh after dotnet test (which builds the binaries); alone:
#   bash scripts/clients-test.sh
# Ports (environment): SIGNALENGINE_CLIENTS_PORT (the service; default the first free one from 31180, scripts/ports.sh;
# Prism takes the next free one).
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
source scripts/ports.sh
port=${SIGNALENGINE_CLIENTS_PORT:-$(free_port 31180)}
proxy_port=$(free_port $((port + 1)))
work=$(mktemp -d /tmp/signalengine-clients.XXXXXX)
pids=()
failed=0
pass() { echo "PASS $*"; }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }
log() { echo "clients: $*" >&2; }
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
  if [ "$failed" -eq 0 ]; then rm -rf "$work"; else echo "clients: logs kept in $work" >&2; fi
}
trap cleanup EXIT
started=$SECONDS
document=docs/openapi/signalengine.json
python=/usr/bin/python3
[ -x "$python" ] || python=$(command -v python3)

# --- the npm tools (installed by npm ci from tools/openapi's lock file when not current) -----------------------------
phase=$SECONDS
bin=$(bash scripts/node-tools.sh) || { fail "node-tools: Node.js or the npm tools could not be installed"; exit 1; }
log "npm tools ready in $((SECONDS - phase)) s"
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true SCARF_ANALYTICS=false

# --- Redocly lint: recommended rules, nothing but errors-free and warning-free passes -------------------------------
phase=$SECONDS
"$bin/redocly" lint "$document" --config tools/openapi/redocly.yaml --format=summary >"$work/lint.txt" 2>&1
lint_status=$?
problems=$(grep -E '^(error|warning) ' "$work/lint.txt" | tr '\n' ' ')
if [ "$lint_status" -eq 0 ] && [ -z "$problems" ]; then
  pass "redocly lint: $document has 0 errors and 0 warnings (recommended rules)"
else
  fail "redocly lint: $document: ${problems:-exit $lint_status}"
  "$bin/redocly" lint "$document" --config tools/openapi/redocly.yaml 2>&1 | grep -v '[║╔╚]' | sed 's/^/clients:   /' | head -80 >&2
fi
log "redocly lint took $((SECONDS - phase)) s"

# --- the service: the built binaries, the bundled model, one key per role -------------------------------------------
api=src/SignalEngine.Api/bin/Release/net10.0/SignalEngine.Api.dll
if [ ! -f "$api" ]; then
  dotnet build src/SignalEngine.Api -c Release --nologo -v q >/dev/null || { fail "build: the API does not build"; exit 1; }
fi
key_of() { echo "clients-$1-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"; }
declare -A keys=([admin]=$(key_of admin) [signals]=$(key_of signals) [outcomes]=$(key_of outcomes) [burst]=$(key_of burst))
settings=()
i=0
for name in admin signals outcomes burst; do
  role=$name; [ "$name" = burst ] && role=admin
  settings+=("Auth__Keys__${i}__Name=clients-$name" "Auth__Keys__${i}__Sha256=$(printf %s "${keys[$name]}" | sha256sum | cut -d' ' -f1)" "Auth__Keys__${i}__Roles__0=$role")
  i=$((i + 1))
done
( cd "$work" && exec env ASPNETCORE_URLS="http://127.0.0.1:$port" Pipeline__BundlePath="$root/models/default" \
    Storage__Provider=sqlite Storage__SqlitePath="$work/signals.db" Audit__Path="$work/audit/audit-.json" \
    Api__MaxRequestBodyBytes=1048576 Serilog__MinimumLevel__Default=Warning "${settings[@]}" \
    dotnet "$root/$api" >"$work/service.log" 2>&1 ) &
pids+=($!)
( cd "$work" && exec "$bin/prism" proxy "$root/$document" "http://127.0.0.1:$port" --host 127.0.0.1 --port "$proxy_port" >"$work/prism.log" 2>&1 ) &
pids+=($!)
ready() { command curl -s -o /dev/null -w '%{http_code}' "$1" 2>/dev/null | grep -q '^[1-5]'; }
for _ in $(seq 1 240); do
  ready "http://127.0.0.1:$port/health/ready" && ready "http://127.0.0.1:$proxy_port/health/live" && break
  sleep 0.5
done
if ! ready "http://127.0.0.1:$port/health/ready"; then fail "service: not ready within 120 s ($(tail -3 "$work/service.log"))"; exit 1; fi
if ! ready "http://127.0.0.1:$proxy_port/health/live"; then fail "prism: the proxy did not start ($(tail -3 "$work/prism.log"))"; exit 1; fi
log "service and proxy ready $((SECONDS - started)) s after the start"

# --- the contract test: documented requests through Prism, every answer checked against the document ----------------
phase=$SECONDS
keys_json=$(printf '{"admin":"%s","signals":"%s","outcomes":"%s","burst":"%s"}' "${keys[admin]}" "${keys[signals]}" "${keys[outcomes]}" "${keys[burst]}")
node tools/openapi/contract.mjs "$document" "http://127.0.0.1:$proxy_port" "$keys_json" >"$work/contract.txt" 2>&1
contract_status=$?
cat "$work/contract.txt"
failed=$((failed + $(grep -c '^FAIL ' "$work/contract.txt")))
if [ "$contract_status" -ne 0 ] && ! grep -q '^FAIL ' "$work/contract.txt"; then fail "contract: the tester stopped (exit $contract_status)"; fi
log "contract test took $((SECONDS - phase)) s"

# --- the Python client, with Debian's python3, against the service itself -------------------------------------------
phase=$SECONDS
SIGNALENGINE_URL="http://127.0.0.1:$port" SIGNALENGINE_KEY="${keys[admin]}" SIGNALENGINE_SIGNALS_KEY="${keys[signals]}" \
  "$python" clients/python/tests/run.py >"$work/python.txt" 2>&1
python_status=$?
cat "$work/python.txt"
failed=$((failed + $(grep -c '^FAIL ' "$work/python.txt")))
if [ "$python_status" -ne 0 ] && ! grep -q '^FAIL ' "$work/python.txt"; then fail "python: the tests did not run (exit $python_status)"; fi
log "python client tests took $((SECONDS - phase)) s; everything $((SECONDS - started)) s"

[ "$failed" -eq 0 ]
