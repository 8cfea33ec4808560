#!/usr/bin/env bash
# Runs every test of the solution on a fresh or ready machine and ends with "N passed, N failed":
# the xunit tests (the store tests on SQLite and on PostgreSQL), the loopback topology test, the clients test (the OpenAPI
# document and the clients against the real service) and the container test (the image and docker-compose.yml on a
# private Docker engine), one count per check of the last three.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1

# The PostgreSQL store tests need a server: a private cluster on 127.0.0.1:55432, installed and started if need be.
# Without it they fail (under CI) rather than skip, so the variable is set here or the run stops.
SIGNALENGINE_TEST_POSTGRES=$(bash scripts/postgres.sh) || { echo "scripts/postgres.sh failed"; echo "0 passed, 1 failed"; exit 1; }
export SIGNALENGINE_TEST_POSTGRES

# The dashboard's browser tests drive Debian's headless chromium through chromium-driver: installed here if missing
# (about 2 minutes on a fresh machine, a check after that), so they fail rather than skip when they cannot run.
bash scripts/chromium.sh >/dev/null || { echo "scripts/chromium.sh failed"; echo "0 passed, 1 failed"; exit 1; }

# The container test's stand-in images are mostly downloads and package unpacking: built meanwhile, in the background.
images_log=$(mktemp)
bash scripts/container-test.sh --images-only >"$images_log" 2>&1 &
images_pid=$!
started=$SECONDS

results=$(mktemp -d)
dotnet test SignalEngine.sln -c Release --nologo \
  --logger "trx;LogFilePrefix=results" --results-directory "$results" \
  --logger "console;verbosity=normal" "$@"
status=$?
echo "test.sh: dotnet test took $((SECONDS - started)) s" >&2

passed=0; failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done
rm -rf "$results"
# A build failure leaves no results: count it as a failure so the line never claims a clean run.
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi

# A script of checks that prints one PASS or FAIL line per check: each line counts once; a script that fails without
# a FAIL line counts as one failure, so the last line never claims a clean run.
run_checks() {
  local name=$1 script=$2 out script_status p f
  phase=$SECONDS
  out=$(mktemp)
  bash "$script" | tee "$out"
  script_status=${PIPESTATUS[0]}
  p=$(grep -c '^PASS ' "$out"); f=$(grep -c '^FAIL ' "$out")
  rm -f "$out"
  if [ "$script_status" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  passed=$((passed + p)); failed=$((failed + f))
  [ "$script_status" -eq 0 ] || status=1
  echo "test.sh: $name took $((SECONDS - phase)) s" >&2
}

# Both use the binaries dotnet test just built: the compose topology on loopback, then the API description and the
# clients with third-party tools against the real service (Redocly lint, the Prism contract test, the Python client).
if [ "$status" -eq 0 ] || [ -f src/SignalEngine.Api/bin/Release/net10.0/SignalEngine.Api.dll ]; then
  run_checks "topology test" scripts/topology-test.sh
  run_checks "clients test" scripts/clients-test.sh
fi

# The image and docker-compose.yml for real, on a private Docker engine with stand-in base images (scripts/container-test.sh).
phase=$SECONDS
wait "$images_pid"; images_status=$?
sed 's/^/images: /' "$images_log" >&2; rm -f "$images_log"
echo "test.sh: stand-in images were ready $((SECONDS - started)) s after the start (waited $((SECONDS - phase)) s for them)" >&2
[ "$images_status" -eq 0 ] || echo "test.sh: building the stand-in images in the background failed; the container test retries" >&2
run_checks "container test" scripts/container-test.sh
echo "test.sh: everything took $((SECONDS - started)) s" >&2

echo "$passed passed, $failed failed"
exit "$status"
