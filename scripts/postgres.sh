#!/usr/bin/env bash
# A private PostgreSQL for the tests: installed from Debian if missing, a cluster of its own on loopback on a fixed
# non-default port (so it never meets a system PostgreSQL on 5432), a role and database for the tests.
# Idempotent and quick when already done (well under a second). The last line of stdout is the Npgsql connection
# string; everything else goes to stderr. Used by scripts/test.sh and scripts/topology-test.sh:
#   export SIGNALENGINE_TEST_POSTGRES="$(bash scripts/postgres.sh)"
# Settings (environment): SIGNALENGINE_PG_PORT (55432), SIGNALENGINE_PG_DIR (/var/tmp/signalengine-pg).
set -euo pipefail

port=${SIGNALENGINE_PG_PORT:-55432}
base=${SIGNALENGINE_PG_DIR:-/var/tmp/signalengine-pg}
data=$base/data
role=signalengine
password=signalengine
database=signalengine_test

fail() { echo "postgres: $*" >&2; exit 1; }
say() { echo "postgres: $*" >&2; }

bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

if [ -z "$(bindir)" ] || [ ! -x "$(bindir)/initdb" ]; then
  [ "$(id -u)" = 0 ] || fail "PostgreSQL server not installed; re-run as root (or: apt-get install -y postgresql)"
  say "installing postgresql from Debian"
  # No 'main' cluster on 5432 and no service start: the tests run their own cluster below.
  mkdir -p /etc/postgresql-common
  [ -f /etc/postgresql-common/createcluster.conf ] || echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.conf
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null || fail "apt-get update failed"
  # bookworm's postgresql (priority 500) wins over the trixie source setup.sh pins at 100.
  apt-get install -y -qq --no-install-recommends -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold postgresql >/dev/null || fail "apt-get install postgresql failed"
fi
bin=$(bindir)

# initdb and the server refuse to run as root: as root, the cluster belongs to the postgres user.
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir "$base" --shell /usr/sbin/nologin postgres
  as_owner() { runuser -u postgres -- "$@"; }
  mkdir -p "$base" && chown postgres: "$base"
else
  as_owner() { "$@"; }
  mkdir -p "$base"
fi

if [ ! -f "$data/PG_VERSION" ]; then
  say "creating a cluster in $data"
  as_owner "$bin/initdb" -D "$data" -U postgres --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null \
    || fail "initdb failed"
fi

if ! as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
  say "starting on 127.0.0.1:$port"
  # Loopback only; the socket lives in the cluster's folder, out of the way of a system PostgreSQL's.
  # fsync off: a test database that a crash may lose is fine, and it keeps the run quick on a shared disk.
  as_owner "$bin/pg_ctl" -D "$data" -l "$base/server.log" -w -t 60 start \
    -o "-p $port -k $base -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=200" >/dev/null \
    || fail "the server did not start; see $base/server.log"
fi

psql_admin() { as_owner "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$base" -p "$port" -U postgres -d postgres "$@"; }
if [ "$(psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$role'")" != 1 ]; then
  psql_admin -c "CREATE ROLE $role LOGIN CREATEDB PASSWORD '$password'" >/dev/null
fi
if [ "$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$database'")" != 1 ]; then
  psql_admin -c "CREATE DATABASE $database OWNER $role" >/dev/null
fi

echo "Host=127.0.0.1;Port=$port;Database=$database;Username=$role;Password=$password"
