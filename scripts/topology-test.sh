#!/usr/bin/env bash
# The compose topology with real processes on loopback, no Docker: PostgreSQL (scripts/postgres.sh), two API replicas
# (the built SignalEngine.Api.dll, Storage__Provider=postgres, an audit file each) and nginx from Debian running
# deploy/nginx.conf with only its "@topology" lines replaced. Prints one PASS or FAIL line per check and exits non-zero
# if any failed. Run by scripts/test.sh after dotnet test (which builds the binaries); alone: bash scripts/topology-test.sh
# Ports (environment): SIGNALENGINE_TOPOLOGY_PORT (the gateway; default the first free one from 31080, scripts/ports.sh;
# the replicas take the next free two).
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

source scripts/ports.sh
gateway_port=${SIGNALENGINE_TOPOLOGY_PORT:-$(free_port 31080)}
ports=($(free_port $((gateway_port + 1))))
ports+=($(free_port $((ports[0] + 1))))
workers=4            # concurrent clients in the load run
requests=25          # POSTs per client; the first replica is killed once a third of all of them are answered
work=$(mktemp -d /tmp/signalengine-topology.XXXXXX)
chmod 755 "$work" # nginx's workers (nobody, under root) keep request bodies in it
pids=()
failed=0

pass() { echo "PASS $*"; }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }
die() { fail "$*"; exit 1; }
log() { echo "topology: $*" >&2; }

cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
  if [ "$failed" -eq 0 ]; then rm -rf "$work"; else echo "topology: logs kept in $work" >&2; fi
}
trap cleanup EXIT

started=$SECONDS

# --- PostgreSQL: the private test cluster, a database of this run's own --------------------------------------------
connection=$(bash scripts/postgres.sh) || die "postgres: scripts/postgres.sh failed"
pg() { PGOPTIONS='-c client_min_messages=warning' PGPASSWORD=signalengine psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$(sed -n 's/.*Port=\([0-9]*\).*/\1/p' <<<"$connection")" -U signalengine "$@"; }
pg -d postgres -c "DROP DATABASE IF EXISTS signalengine_topology WITH (FORCE)" -c "CREATE DATABASE signalengine_topology" >/dev/null \
  || die "postgres: cannot create the topology database"
connection=$(sed 's/Database=[^;]*/Database=signalengine_topology/' <<<"$connection")

# --- nginx from Debian ----------------------------------------------------------------------------------------------
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  [ "$(id -u)" = 0 ] || die "nginx: not installed; re-run as root or apt-get install -y nginx"
  log "installing nginx from Debian"
  # policy-rc.d 101: the package must not start a system nginx on port 80; this test runs its own.
  restore_policy=false
  if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; restore_policy=true; fi
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx >/dev/null
  status=$?
  $restore_policy && rm -f /usr/sbin/policy-rc.d
  [ "$status" -eq 0 ] || die "nginx: apt-get install nginx failed"
fi
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

# --- binaries and a request body from the sample data ---------------------------------------------------------------
api=src/SignalEngine.Api/bin/Release/net10.0/SignalEngine.Api.dll
cli=src/SignalEngine.Cli/bin/Release/net10.0/SignalEngine.Cli.dll
if [ ! -f "$api" ] || [ ! -f "$cli" ]; then
  dotnet build src/SignalEngine.Api -c Release --nologo -v q >/dev/null && dotnet build src/SignalEngine.Cli -c Release --nologo -v q >/dev/null \
    || die "build: the API or CLI does not build"
fi
dotnet "$cli" features --data data/ttrc.csv --bundle models/default --last 2 --out "$work/body.json" 2>"$work/features.err" \
  || die "features: cannot build a request body from data/ttrc.csv ($(cat "$work/features.err"))"

# --- two replicas, as the compose file configures them --------------------------------------------------------------
# One API key both replicas know (Auth:Keys); every request of this test sends it.
api_key="topology-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
api_key_sha256=$(printf %s "$api_key" | sha256sum | cut -d' ' -f1)
curl() { command curl -H "Authorization: Bearer $api_key" "$@"; }
start_replica() { # index
  local i=$1
  mkdir -p "$work/replica$i"
  ( cd "$work/replica$i" && exec env \
      ASPNETCORE_URLS="http://127.0.0.1:${ports[$i]}" \
      Pipeline__BundlePath="$root/models/default" \
      Storage__Provider=postgres \
      Storage__PostgresConnectionString="$connection" \
      Audit__Path="$work/audit/audit-replica$i-.json" \
      Auth__Keys__0__Name=topology Auth__Keys__0__Sha256="$api_key_sha256" Auth__Keys__0__Roles__0=signals \
      dotnet "$root/$api" >"$work/replica$i.log" 2>&1 ) &
  pids+=($!)
  replica_pid[$i]=$!
}
declare -a replica_pid
start_replica 0
start_replica 1

wait_ready() { # url seconds
  local deadline=$((SECONDS + $2))
  while [ $SECONDS -lt $deadline ]; do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$1")" = 200 ] && return 0
    sleep 0.5
  done
  return 1
}
for i in 0 1; do
  wait_ready "http://127.0.0.1:${ports[$i]}/health/ready" 90 \
    || die "replica $i: not ready on port ${ports[$i]} within 90 s (log: $(tail -n 3 "$work/replica$i.log" | tr '\n' ' '))"
done
pass "two replicas on PostgreSQL are ready (ports ${ports[*]})"

# The container's HEALTHCHECK command, against a live replica.
if dotnet "$api" --health-check "http://127.0.0.1:${ports[0]}/health/ready" >/dev/null 2>&1; then
  pass "the image's health probe (SignalEngine.Api --health-check) reports a ready replica"
else
  fail "the image's health probe (SignalEngine.Api --health-check) does not report a ready replica"
fi

# --- the gateway: deploy/nginx.conf, only the replica list and the port replaced ------------------------------------
mkdir -p "$work/nginx/logs"
servers=""
for p in "${ports[@]}"; do servers+="server 127.0.0.1:$p max_fails=1 fail_timeout=10s; "; done
# The close-only model's upstream is not part of this test: a server marked down keeps the file valid.
sed -e "s|^\( *\)server .*# @topology replicas|\1$servers|" -e "s|^\( *\)listen .*# @topology listen|\1listen 127.0.0.1:$gateway_port;|" \
  -e "s|^\( *\)server .*# @topology close|\1server 127.0.0.1:9 down;|" \
  -e "s|^\( *\)access_log .*# @topology access_log|\1access_log $work/nginx/logs/access.log signalengine_no_query;|" \
  deploy/nginx.conf > "$work/nginx/signalengine.conf"
grep -q "127.0.0.1:${ports[1]}" "$work/nginx/signalengine.conf" && grep -q "listen 127.0.0.1:$gateway_port" "$work/nginx/signalengine.conf" \
  || die "gateway: the @topology lines of deploy/nginx.conf were not found"
cat > "$work/nginx/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 256; }
http {
    access_log $work/nginx/logs/access.log;
    client_body_temp_path $work/nginx/body;
    proxy_temp_path $work/nginx/proxy;
    fastcgi_temp_path $work/nginx/fastcgi;
    uwsgi_temp_path $work/nginx/uwsgi;
    scgi_temp_path $work/nginx/scgi;
    include $work/nginx/signalengine.conf;
}
CONF
"$nginx_bin" -t -p "$work/nginx" -c "$work/nginx/nginx.conf" >"$work/nginx/test.log" 2>&1 || die "gateway: nginx -t: $(cat "$work/nginx/test.log")"
"$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;' >"$work/nginx/stdout.log" 2>&1 &
pids+=($!)
gateway="http://127.0.0.1:$gateway_port"
wait_ready "$gateway/gateway/health" 20 || die "gateway: nginx did not answer on port $gateway_port"
pass "nginx gateway runs deploy/nginx.conf on port $gateway_port"

# --- Swagger and readiness through the gateway's sub-path -----------------------------------------------------------
swagger_server=$(curl -s "$gateway/signalengine/swagger/v1/swagger.json" | jq -r '.servers[0].url // empty' 2>/dev/null)
if [ "$(curl -s -o /dev/null -w '%{http_code}' "$gateway/signalengine/swagger/index.html")" = 200 ] && [ "$swagger_server" = /signalengine ]; then
  pass "Swagger UI is served at /signalengine/swagger and its document names /signalengine as the server"
else
  fail "Swagger through the gateway: index.html or the document's server (got '$swagger_server') is wrong"
fi

post() { # output file -> prints the HTTP status
  curl -s -o "$1" -w '%{http_code}' -H 'Content-Type: application/json' --data-binary "@$work/body.json" "$gateway/signalengine/signals"
}

# --- signals created through the gateway are readable through each replica directly ---------------------------------
status=$(post "$work/first.json")
mapfile -t first_ids < <(jq -r '.signals[].id' "$work/first.json" 2>/dev/null)
unreadable=0
for id in "${first_ids[@]}"; do
  for p in "${ports[@]}"; do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$p/signals/$id")" = 200 ] || unreadable=$((unreadable + 1))
  done
done
if [ "$status" = 200 ] && [ "${#first_ids[@]}" -gt 0 ] && [ "$unreadable" -eq 0 ]; then
  pass "${#first_ids[@]} signals created through the gateway are readable through each replica directly"
else
  fail "create through the gateway (HTTP $status, ${#first_ids[@]} ids) and read through each replica ($unreadable reads failed)"
fi

# --- bounded load; the first replica is killed in the middle -------------------------------------------------------
mkdir -p "$work/load"
client() { # index
  for n in $(seq 1 "$requests"); do
    local out="$work/load/c$1-$n.json" code
    code=$(post "$out")
    if [ "$code" = 200 ]; then jq -r '.signals[].id' "$out" >> "$work/load/acked-$1"; echo ok >> "$work/load/answered-$1"
    else echo "$code" >> "$work/load/failed-$1"; fi
  done
}
load_started=$SECONDS
for c in $(seq 1 "$workers"); do client "$c" & clients+=($!); done
kill_after=$((workers * requests / 3))
answered() { cat "$work"/load/answered-* 2>/dev/null | wc -l; }
while [ "$(answered)" -lt "$kill_after" ] && [ $((SECONDS - load_started)) -lt 120 ]; do sleep 0.2; done
kill -9 "${replica_pid[0]}" 2>/dev/null
wait "${replica_pid[0]}" 2>/dev/null
killed_at=$(answered)
log "killed replica 0 (pid ${replica_pid[0]}) after $killed_at answered requests"
wait "${clients[@]}"
load_seconds=$((SECONDS - load_started))

mapfile -t acked < <(cat "$work"/load/acked-* 2>/dev/null | sort -u)
load_failures=$(cat "$work"/load/failed-* 2>/dev/null | wc -l)
served_by_killed=$(cat "$work"/audit/audit-replica0-*.json 2>/dev/null | jq -R -r 'fromjson? | select(.Event == "signal.issued") | .SignalId' | wc -l)
log "load: $(answered) of $((workers * requests)) requests answered 200 in ${load_seconds}s, $load_failures failed (HTTP $(cat "$work"/load/failed-* 2>/dev/null | sort | uniq -c | xargs)) (${#acked[@]} signal ids)"

if [ "$killed_at" -lt $((workers * requests)) ] && [ "$served_by_killed" -gt 0 ]; then
  pass "replica 0 was killed mid-run, after $killed_at of $((workers * requests)) requests, having issued $served_by_killed signals"
else
  fail "replica 0 was not killed in the middle of the run (after $killed_at requests, $served_by_killed signals issued by it)"
fi

# Only the requests in flight on the killed replica may fail; nginx moves everything else to the survivor.
if [ "$load_failures" -le "$workers" ] && [ "$(answered)" -gt "$killed_at" ]; then
  pass "the gateway kept answering through the other replica ($load_failures of $((workers * requests)) requests failed, all at the kill)"
else
  fail "the gateway did not keep answering: $load_failures requests failed, $(answered) answered ($killed_at before the kill)"
fi

# Every acknowledged id is in the store (read through the surviving replica and counted in PostgreSQL)...
printf '%s\n' "${acked[@]}" "${first_ids[@]}" | sort -u > "$work/acked.txt"
missing_store=0
while read -r id; do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${ports[1]}/signals/$id")" = 200 ] || missing_store=$((missing_store + 1))
done < "$work/acked.txt"
in_db=$(pg -d signalengine_topology -tAc "SELECT count(*) FROM signals WHERE id IN ($(sed "s/.*/'&'/" "$work/acked.txt" | paste -sd,))" 2>/dev/null || echo 0)
acked_count=$(wc -l < "$work/acked.txt")
if [ "${#acked[@]}" -gt 0 ] && [ "$missing_store" -eq 0 ] && [ "$in_db" = "$acked_count" ]; then
  pass "all $acked_count acknowledged signals are in the store (read back through the surviving replica, counted in PostgreSQL)"
else
  fail "acknowledged signals missing from the store: $missing_store unreadable, $in_db of $acked_count in PostgreSQL"
fi

# ...and issued, not voided, in the audit logs of the two replicas together.
cat "$work"/audit/*.json | jq -R -r 'fromjson? | select(.Event == "signal.issued") | .SignalId' | sort -u > "$work/issued.txt"
cat "$work"/audit/*.json | jq -R -r 'fromjson? | select(.Event == "signal.voided") | .SignalId' | sort -u > "$work/voided.txt"
not_audited=$(comm -23 "$work/acked.txt" "$work/issued.txt" | wc -l)
voided=$(comm -12 "$work/acked.txt" "$work/voided.txt" | wc -l)
if [ "$not_audited" -eq 0 ] && [ "$voided" -eq 0 ]; then
  pass "all $acked_count acknowledged signals are issued in the audit logs ($(ls "$work"/audit | tr '\n' ' ')), none voided"
else
  fail "acknowledged signals not in the audit logs: $not_audited missing, $voided voided"
fi

# The survivor alone: the gateway answers every request now.
after_ok=0
for n in 1 2 3 4 5; do [ "$(post "$work/after-$n.json")" = 200 ] && after_ok=$((after_ok + 1)); done
if [ "$after_ok" -eq 5 ] && [ "$(curl -s -o /dev/null -w '%{http_code}' "$gateway/signalengine/health/ready")" = 200 ]; then
  pass "with one replica down the gateway answers 5 of 5 batches and reports ready"
else
  fail "with one replica down the gateway answered $after_ok of 5 batches"
fi

echo "topology: finished in $((SECONDS - started)) s" >&2
[ "$failed" -eq 0 ]
