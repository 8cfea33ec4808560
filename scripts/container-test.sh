#!/usr/bin/env bash
# The image and the compose topology, for real, on a private Docker engine (scripts/docker-engine.sh):
#   1. stand-in base images from Debian's packages (scripts/standin-images.sh; no image registry is reachable here);
#   2. the project's Dockerfile, built with only its base-image arguments pointed at the stand-ins; the container runs
#      as a non-root user, answers /health/ready, serves signals with TorchSharp loaded, its HEALTHCHECK reports
#      healthy, and a missing bundle stops it with one line and a non-zero exit;
#   3. `docker compose up` of docker-compose.yml as it is (PostgreSQL, nginx and Prometheus stand-ins chosen by the
#      image-name variables; online learning switched on by its variable): Prometheus scrapes both replicas and the
#      close-only service; each model answers under its own gateway path; a candidate is learned on the lease holder
#      and an activation on one replica reaches the other within the bound; load through the gateway while the
#      learner's replica container is killed; every acknowledged signal is in PostgreSQL and in exactly one audit file;
#      the other replica takes the learner over; then everything is brought down and removed.
# Prints one PASS or FAIL line per check and exits non-zero if any failed. Run by scripts/test.sh after the loopback
# topology test; alone (as root): bash scripts/container-test.sh
# With --images-only it only installs the engine and builds the stand-ins (no checks): scripts/test.sh runs that in the
# background while dotnet test runs, since it is mostly downloading and unpacking Debian packages.
# Traffic goes only to loopback (published ports) and to the compose network this test creates (172.30.0.0/24).
set -uo pipefail
cd "$(dirname "$0")/.."

project=signalengine-test
image=signalengine:latest
workers=4            # concurrent clients in the load run
requests=20          # POSTs per client; a replica is killed once a third of all of them are answered
work=$(mktemp -d /var/tmp/signalengine-container.XXXXXX)
failed=0
compose_up=false
started=$SECONDS

pass() { echo "PASS $*"; }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }
die() { fail "$*"; exit 1; }
log() { echo "container-test: $*" >&2; }
elapsed() { echo "$(( SECONDS - $1 )) s"; }

# shellcheck source=scripts/docker-engine.sh
source scripts/docker-engine.sh

# One admin key for the compose replicas (docker-compose.yml requires its hash); the lone container generates its own.
api_key=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
auth="Authorization: Bearer $api_key"
compose() {
  SIGNALENGINE_API_KEY_SHA256=$(printf %s "$api_key" | sha256sum | cut -d' ' -f1) \
  SIGNALENGINE_POSTGRES_IMAGE=localhost/postgres:15 SIGNALENGINE_GATEWAY_IMAGE=localhost/nginx:1.27 \
  SIGNALENGINE_PROMETHEUS_IMAGE=localhost/prometheus:2 SIGNALENGINE_PORT=127.0.0.1:$gateway_port \
  SIGNALENGINE_PROMETHEUS_PORT=$prometheus_port SIGNALENGINE_ONLINE_LEARNING=true SIGNALENGINE_LEARN_EVERY=20 \
    /usr/bin/docker compose -p "$project" -f docker-compose.yml "$@"
}

cleanup() {
  if $compose_up; then
    compose logs --no-color >"$work/compose.log" 2>&1
    compose down -v --remove-orphans --timeout 10 >/dev/null 2>&1
  fi
  /usr/bin/docker rm -f "$project-image" >/dev/null 2>&1
  engine_stop
  if [ "$failed" -eq 0 ]; then rm -rf "$work"; else echo "container-test: logs kept in $work" >&2; fi
}
trap cleanup EXIT

source scripts/ports.sh
gateway_port=${SIGNALENGINE_CONTAINER_TEST_PORT:-$(free_port 31300)}
prometheus_port=$(free_port $((gateway_port + 1)))

wait_http() { # url seconds [expected code]
  local deadline=$((SECONDS + $2))
  while [ $SECONDS -lt $deadline ]; do
    [ "$(curl -s -m 5 -o /dev/null -w '%{http_code}' "$1")" = "${3:-200}" ] && return 0
    sleep 1
  done
  return 1
}

# --- the engine and the stand-in base images ------------------------------------------------------------------------
phase=$SECONDS
engine_start || die "docker: the private Docker engine did not start"
bash scripts/standin-images.sh || die "stand-in images: could not be built (scripts/standin-images.sh)"
log "engine and stand-in images ready in $(elapsed $phase)"
if [ "${1:-}" = --images-only ]; then exit 0; fi

# --- a request body from the sample data (the CLI built by dotnet test, or built now) -------------------------------
cli=src/SignalEngine.Cli/bin/Release/net10.0/SignalEngine.Cli.dll
[ -f "$cli" ] || dotnet build src/SignalEngine.Cli -c Release --nologo -v q >/dev/null || die "build: the CLI does not build"
dotnet "$cli" features --data data/ttrc.csv --bundle models/default --last 10 --out "$work/body.json" 2>"$work/features.err" \
  || die "features: cannot build a request body from data/ttrc.csv ($(cat "$work/features.err"))"
dotnet "$cli" features --data data/eustockmarkets.csv --bundle models/close --last 2 --out "$work/close.json" 2>"$work/features.err" \
  || die "features: cannot build a request body from data/eustockmarkets.csv ($(cat "$work/features.err"))"

# --- 1. the image: the project's Dockerfile on the stand-ins ----------------------------------------------------------
# The tests ran on this machine already (scripts/test.sh), so the SDK stage skips them here.
phase=$SECONDS
if DOCKER_BUILDKIT=1 docker build --network host \
     --build-arg SDK_IMAGE=localhost/dotnet-sdk:10.0 --build-arg ASPNET_IMAGE=localhost/dotnet-aspnet:10.0 \
     --build-arg RUN_TESTS=false -t "$image" . >"$work/build.log" 2>&1; then
  size=$(docker image inspect --format '{{.Size}}' "$image" | awk '{printf "%.2f GB", $1 / 1e9}')
  pass "the Dockerfile builds on the stand-in SDK and ASP.NET images in $(elapsed $phase) ($size)"
else
  die "docker build of the Dockerfile failed: $(grep -E 'error|ERROR' "$work/build.log" | tail -n 3 | tr '\n' ' ')"
fi
log "image built in $(elapsed $phase)"

phase=$SECONDS
docker run -d --name "$project-image" -p 127.0.0.1::8080 "$image" >/dev/null || die "docker run of $image failed"
port=$(docker port "$project-image" 8080/tcp | sed -n 's/^127\.0\.0\.1:\([0-9]*\)$/\1/p' | head -n 1)
if [ -n "$port" ] && wait_http "http://127.0.0.1:$port/health/ready" 90; then
  pass "the container answers /health/ready (published on 127.0.0.1:$port) $(elapsed $phase) after start"
else
  fail "the container does not answer /health/ready within 90 s: $(docker logs --tail 3 "$project-image" 2>&1 | tr '\n' ' ')"
fi

uid=$(docker exec "$project-image" sh -c 'awk "/^Uid:/ {print \$2}" /proc/1/status' 2>/dev/null)
user=$(docker image inspect --format '{{.Config.User}}' "$image")
if [ -n "$uid" ] && [ "$uid" != 0 ]; then
  pass "the service runs as a non-root user (uid $uid, image user '$user')"
else
  fail "the service's uid is '${uid:-unknown}' (image user '$user'), not a non-root user"
fi

# No key configured: the service generated an admin key at first start, in a file only its user may read.
lone_key=$(docker exec "$project-image" cat /var/lib/signalengine/admin.key 2>/dev/null)
mode=$(docker exec "$project-image" stat -c %a /var/lib/signalengine/admin.key 2>/dev/null)
if [ -n "$lone_key" ] && [ "$mode" = 600 ]; then
  pass "with no key configured the container generated an admin key (mode $mode) and logs only its path"
else
  fail "no generated admin key in /var/lib/signalengine/admin.key (mode '${mode:-none}')"
fi
docker logs "$project-image" 2>&1 | grep -qF -- "$lone_key" && [ -n "$lone_key" ] && fail "the generated key appears in the container log"
code=$(curl -s -H "Authorization: Bearer $lone_key" -m 60 -o "$work/image-signals.json" -w '%{http_code}' -H 'Content-Type: application/json' \
  --data-binary "@$work/body.json" "http://127.0.0.1:$port/signals")
scored=$(jq '[.signals[].stages.sequence[]? | select(.abstained == false and .probabilityUp != null)] | length' "$work/image-signals.json" 2>/dev/null)
count=$(jq '.signals | length' "$work/image-signals.json" 2>/dev/null)
if [ "$code" = 200 ] && [ "${scored:-0}" -gt 0 ]; then
  pass "the container serves $count signals, $scored stage-2 outputs from TorchSharp's LSTM and Transformer"
else
  fail "POST /signals to the container: HTTP $code, ${count:-0} signals, ${scored:-0} stage-2 outputs ($(head -c 300 "$work/image-signals.json"))"
fi

health=""
deadline=$((SECONDS + 60))
while [ $SECONDS -lt $deadline ]; do
  health=$(docker inspect --format '{{if .State.Health}}{{.State.Health.Status}}{{end}}' "$project-image")
  [ "$health" = healthy ] && break
  sleep 1
done
if [ "$health" = healthy ]; then
  pass "the image's HEALTHCHECK reports healthy"
else
  fail "the image's HEALTHCHECK reports '${health:-none}': $(docker inspect --format '{{range .State.Health.Log}}{{.Output}}{{end}}' "$project-image" | tail -c 300)"
fi
docker rm -f "$project-image" >/dev/null 2>&1

timeout 120 docker run --rm -e Pipeline__BundlePath=/models/none "$image" >"$work/missing.out" 2>&1
code=$?
# One line says why (warnings the host logged before it, such as the generated key's path, may precede it); no stack trace.
lines=$(grep -c '^signalengine: cannot start' "$work/missing.out")
traces=$(grep -c -E '^\s+at |Unhandled exception' "$work/missing.out")
if [ "$code" -ne 0 ] && [ "$code" -ne 124 ] && [ "$lines" -eq 1 ] && [ "$traces" -eq 0 ]; then
  pass "a missing bundle stops the container with exit $code and one line: $(grep '^signalengine: cannot start' "$work/missing.out")"
else
  fail "a missing bundle: exit $code, $lines lines saying why, $traces stack-trace lines ($(tail -c 300 "$work/missing.out" | tr '\n' ' '))"
fi
log "image checks in $(elapsed $phase)"

# --- 2. the compose topology: docker-compose.yml as it is -----------------------------------------------------------
phase=$SECONDS
compose_up=true
if compose up -d --no-build --wait --wait-timeout 240 >"$work/compose-up.log" 2>&1; then
  pass "docker compose up: $(compose ps --format '{{.Service}}' | sort | uniq -c | awk '{printf "%s%s x%s", sep, $2, $1; sep=", "}') healthy in $(elapsed $phase)"
else
  compose ps -a >"$work/compose-ps.log" 2>&1
  die "docker compose up did not become healthy: $(tail -n 3 "$work/compose-up.log" | tr '\n' ' ') ($(compose ps -a --format '{{.Name}} {{.Status}}' | tr '\n' ';'))"
fi
gateway="http://127.0.0.1:$gateway_port"
mapfile -t replicas < <(compose ps -q api)
replica_ip() { docker inspect --format '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$1"; }
pg() { compose exec -T db psql -X -q -v ON_ERROR_STOP=1 -U signalengine -d signalengine "$@"; }

post() { # output file [path] -> prints the HTTP status
  curl -s -H "$auth" -m 120 -o "$1" -w '%{http_code}' -H 'Content-Type: application/json' --data-binary "@$work/body.json" "$gateway/signalengine${2:-/}signals"
}
state() { curl -s -H "$auth" -m 10 "http://$(replica_ip "$1"):8080/models/replica"; } # container -> GET /models/replica of that replica
serving() { state "$1" | jq -r '.serving // empty' 2>/dev/null; }
learner() { state "$1" | jq -r 'if has("learner") then .learner | tostring else empty end' 2>/dev/null; }
eventually() { # seconds command... : true once the command succeeds within the bound
  local deadline=$((SECONDS + $1)); shift
  until "$@"; do [ $SECONDS -lt $deadline ] || return 1; sleep 1; done
}

# Prometheus (the stand-in of prom/prometheus, deploy/prometheus.yml) scrapes every replica of both services.
prometheus="http://$(replica_ip "$(compose ps -q prometheus)"):9090"
scraped() { # job -> how many of its instances report signalengine_model_serving
  curl -s -m 5 "$prometheus/api/v1/query" --data-urlencode "query=count(signalengine_model_serving{job=\"$1\"})" \
    | jq -r '.data.result[0].value[1] // 0' 2>/dev/null
}
both_scraped() { [ "$(scraped signalengine-ohlcv)" = 2 ] && [ "$(scraped signalengine-close)" = 1 ]; }
if eventually 60 both_scraped; then
  pass "Prometheus scrapes signalengine metrics from both api replicas and the api-close replica"
else
  fail "Prometheus sees $(scraped signalengine-ohlcv) of 2 api replicas and $(scraped signalengine-close) of 1 api-close ($(curl -s -m 5 "$prometheus/api/v1/targets" | head -c 300))"
fi

# Two models behind one gateway: each path reaches its own bundle.
ohlcv_version=$(jq -r .version models/default/manifest.json); close_version=$(jq -r .version models/close/manifest.json)
code_ohlcv=$(post "$work/ohlcv.json" /ohlcv/)
code_close=$(curl -s -H "$auth" -m 120 -o "$work/close-signals.json" -w '%{http_code}' -H 'Content-Type: application/json' --data-binary "@$work/close.json" "$gateway/signalengine/close/signals")
got_ohlcv=$(jq -r '[.signals[].modelVersion] | unique | join(",")' "$work/ohlcv.json" 2>/dev/null)
got_close=$(jq -r '[.signals[].modelVersion] | unique | join(",")' "$work/close-signals.json" 2>/dev/null)
if [ "$code_ohlcv" = 200 ] && [ "$code_close" = 200 ] && [ "$got_ohlcv" = "$ohlcv_version" ] && [ "$got_close" = "$close_version" ]; then
  pass "/signalengine/ohlcv/ serves the OHLCV bundle ($ohlcv_version) and /signalengine/close/ the close-only one ($close_version)"
else
  fail "two models: ohlcv HTTP $code_ohlcv version '$got_ohlcv' (want $ohlcv_version), close HTTP $code_close version '$got_close' (want $close_version)"
fi

# The dashboard ships inside the image and works under the gateway's sub-path; a ?key= link leaves no key in a log line.
probe="dashboard-probe-$RANDOM$RANDOM"
page=$(curl -s -m 10 "$gateway/signalengine/ohlcv/dashboard?key=$probe")
asset=$(curl -s -m 10 -o /dev/null -w '%{http_code}' "$gateway/signalengine/ohlcv/dashboard/dashboard.js")
if printf %s "$page" | grep -q 'src="/signalengine/ohlcv/dashboard/dashboard.js' && [ "$asset" = 200 ] \
  && ! compose logs --no-color gateway api 2>&1 | grep -q "$probe"; then
  pass "/signalengine/ohlcv/dashboard serves the page and its assets from the image; its ?key= reached no gateway or api log line"
else
  fail "dashboard: asset HTTP $asset, page links $(printf %s "$page" | grep -o 'src="[^"]*"' | head -n 1), key in logs: $(compose logs --no-color gateway api 2>&1 | grep -c "$probe")"
fi

# Replicas agree: one holds the learner lease; a candidate it learns is registered; an activation on the other
# replica reaches both within the bound (Replicas__FollowSeconds 5 s, plus loading the bundle).
one_learner() { [ "$(learner "${replicas[0]}")$(learner "${replicas[1]}")" = truefalse ] || [ "$(learner "${replicas[0]}")$(learner "${replicas[1]}")" = falsetrue ]; }
if eventually 30 one_learner; then
  if [ "$(learner "${replicas[0]}")" = true ]; then leader=${replicas[0]}; other=${replicas[1]}; else leader=${replicas[1]}; other=${replicas[0]}; fi
  pass "exactly one api replica (${leader:0:12}) holds the learner lease"
else
  die "learner lease: replicas report '$(learner "${replicas[0]}")' and '$(learner "${replicas[1]}")', not exactly one true"
fi
for n in 1 2 3; do post "$work/seed-$n.json" /ohlcv/ >/dev/null; done
jq -r '.signals[].id' "$work"/seed-*.json | head -n 24 | jq -R '{signalId: ., label: "hold"}' | jq -s '{outcomes: .}' > "$work/outcomes.json"
curl -s -H "$auth" -m 30 -o "$work/outcomes-receipt.json" -H 'Content-Type: application/json' --data-binary "@$work/outcomes.json" \
  "http://$(replica_ip "$leader"):8080/outcomes"
registered_candidate() { # the learned version, once the registry has one
  candidate=$(curl -s -H "$auth" -m 10 "http://$(replica_ip "$other"):8080/models" | jq -r --arg v "$ohlcv_version" '[.[] | select(.version != $v)][0].version // empty' 2>/dev/null)
  [ -n "$candidate" ]
}
if eventually 180 registered_candidate; then
  pass "the lease holder learned candidate $candidate from $(jq '.recorded | length' "$work/outcomes-receipt.json") outcomes; the other replica's GET /models lists it"
else
  fail "no candidate was registered within 180 s of 24 outcomes ($(head -c 200 "$work/outcomes-receipt.json"))"
fi
if [ -n "${candidate:-}" ]; then
  target=$([ "$(serving "$other")" = "$candidate" ] && echo "$ohlcv_version" || echo "$candidate")
  activated_at=$SECONDS
  code=$(curl -s -H "$auth" -m 60 -o "$work/activate.json" -w '%{http_code}' -X POST "http://$(replica_ip "$other"):8080/models/$target/activate")
  both_serve() { [ "$(serving "$leader")" = "$target" ] && [ "$(serving "$other")" = "$target" ]; }
  if [ "$code" = 200 ] && eventually 30 both_serve; then
    pass "activated $target on replica ${other:0:12}: both replicas serve it $((SECONDS - activated_at)) s later (bound 30 s)"
  else
    fail "activated $target on ${other:0:12} (HTTP $code): replicas serve '$(serving "$leader")' and '$(serving "$other")' after 30 s"
  fi
  if [ "$(curl -s -H "$auth" -m 10 "http://$(replica_ip "$(compose ps -q api-close)"):8080/models/current" | jq -r .version)" = "$close_version" ]; then
    pass "the close-only service keeps its own model ($close_version): one registry per model service"
  else
    fail "the close-only service no longer serves $close_version after an activation on the OHLCV service"
  fi
fi

# Bounded load through the gateway; one replica container is killed (SIGKILL) a third of the way in.
mkdir -p "$work/load"
client() { # index
  for n in $(seq 1 "$requests"); do
    local out="$work/load/c$1-$n.json" code
    code=$(post "$out")
    if [ "$code" = 200 ]; then jq -r '.signals[].id' "$out" >> "$work/load/acked-$1"; echo ok >> "$work/load/answered-$1"
    else echo "$code" >> "$work/load/failed-$1"; fi
  done
}
answered() { cat "$work"/load/answered-* 2>/dev/null | wc -l; }
victim=$leader # the learner's replica
clients=()
load_started=$SECONDS
for c in $(seq 1 "$workers"); do client "$c" & clients+=($!); done
while [ "$(answered)" -lt $((workers * requests / 3)) ] && [ $((SECONDS - load_started)) -lt 180 ]; do sleep 0.2; done
docker kill "$victim" >/dev/null 2>&1
killed_at=$(answered)
log "killed replica container ${victim:0:12} after $killed_at answered requests"
wait "${clients[@]}"
load_failures=$(cat "$work"/load/failed-* 2>/dev/null | wc -l)
total=$((workers * requests))
log "load: $(answered) of $total batches answered in $(elapsed $load_started), $load_failures failed"
if [ "$killed_at" -lt "$total" ] && [ "$(answered)" -gt "$killed_at" ] && [ "$load_failures" -le "$workers" ]; then
  pass "load through the gateway: replica ${victim:0:12} killed after $killed_at of $total batches, $(answered) answered, $load_failures failed (at most those in flight)"
else
  fail "load through the gateway: killed after $killed_at of $total, $(answered) answered, $load_failures failed"
fi

# Every acknowledged signal is in PostgreSQL...
sort -u "$work"/load/acked-* > "$work/acked.txt" 2>/dev/null
acked=$(wc -l < "$work/acked.txt")
sed "s/.*/('&')/" "$work/acked.txt" | paste -sd, > "$work/acked.values"
in_db=$(pg -tA -c "SELECT count(*) FROM (VALUES $(cat "$work/acked.values")) AS a(id) JOIN signals s ON s.id = a.id" 2>"$work/pg.err")
if [ "$acked" -gt 0 ] && [ "$in_db" = "$acked" ]; then
  pass "all $acked acknowledged signals are in PostgreSQL"
else
  fail "acknowledged signals in PostgreSQL: ${in_db:-?} of $acked ($(head -c 200 "$work/pg.err"))"
fi

# ...and issued, not voided, in exactly one audit file of the shared volume.
mkdir -p "$work/audit"
docker run --rm -v "${project}_audit:/audit:ro" localhost/signalengine-debian:bookworm tar -C /audit -c . 2>/dev/null | tar -x -C "$work/audit"
for f in "$work"/audit/*.json; do
  [ -f "$f" ] || continue
  jq -R -r 'fromjson? | select(.Event == "signal.issued") | .SignalId' "$f" | sort -u | sed "s|\$| $(basename "$f")|"
done > "$work/issued.txt"
cat "$work"/audit/*.json 2>/dev/null | jq -R -r 'fromjson? | select(.Event == "signal.voided") | .SignalId' | sort -u > "$work/voided.txt"
once=$(awk '{print $1}' "$work/issued.txt" | sort | uniq -c | awk '$1 == 1 {print $2}' | sort > "$work/once.txt"; comm -12 "$work/acked.txt" "$work/once.txt" | wc -l)
voided=$(comm -12 "$work/acked.txt" "$work/voided.txt" | wc -l)
files=$(ls "$work/audit" | wc -l)
if [ "$acked" -gt 0 ] && [ "$once" -eq "$acked" ] && [ "$voided" -eq 0 ]; then
  pass "all $acked acknowledged signals are issued in exactly one of the $files audit files, none voided"
else
  fail "audit: $once of $acked acknowledged signals issued in exactly one file ($files files), $voided voided"
fi
# The surviving replica takes the learner over (the lease went with the killed replica's database session).
if eventually 30 sh -c "curl -s -H '$auth' -m 5 http://$(replica_ip "$other"):8080/models/replica | grep -q '\"learner\":true'"; then
  pass "after the learner's replica was killed, replica ${other:0:12} holds the learner lease"
else
  fail "replica ${other:0:12} did not take the learner lease over within 30 s of the kill"
fi
log "compose checks in $(elapsed $phase)"

phase=$SECONDS
if compose down -v --remove-orphans --timeout 10 >"$work/compose-down.log" 2>&1 && [ -z "$(compose ps -a -q)" ] \
   && [ -z "$(docker volume ls -q --filter "label=com.docker.compose.project=$project")" ]; then
  compose_up=false
  pass "docker compose down removed the topology's containers, network and volumes ($(elapsed $phase))"
else
  fail "docker compose down left something behind: $(tail -n 2 "$work/compose-down.log" | tr '\n' ' ')"
fi

log "finished in $(elapsed $started)"
[ "$failed" -eq 0 ]
