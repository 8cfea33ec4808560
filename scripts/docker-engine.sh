#!/usr/bin/env bash
# A private Docker engine for the container tests: Debian's docker.io (dockerd, containerd, runc), Compose v2 from
# trixie (the `docker compose` plugin) and debootstrap, installed if missing; one dockerd with its own config, data
# root and socket, so nothing of the machine's (or another test's) Docker is touched.
#
#   source scripts/docker-engine.sh && engine_start    # exports DOCKER_HOST; engine_stop ends the daemon
#
# There is no systemd here: the daemon runs as a child of the test, with the cgroupfs driver and no default ulimits
# (what works on these machines; see ../shared/DESIGN.md, "Containers"). The data root is kept between runs as an image
# cache (like the PostgreSQL cluster of scripts/postgres.sh); containers, networks and volumes are removed by the tests.
# Settings (environment): SIGNALENGINE_DOCKER_DIR (/var/tmp/signalengine-docker).

engine_dir=${SIGNALENGINE_DOCKER_DIR:-/var/tmp/signalengine-docker}
engine_pid=""

engine_log() { echo "docker-engine: $*" >&2; }

engine_install() {
  local missing=()
  [ -x /usr/sbin/dockerd ] || missing+=(docker.io)
  command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
  if [ "${#missing[@]}" -gt 0 ] || ! /usr/bin/docker compose version >/dev/null 2>&1; then
    [ "$(id -u)" = 0 ] || { engine_log "needs root to install ${missing[*]} docker-compose"; return 1; }
    engine_log "installing ${missing[*]} docker-compose (trixie) from Debian"
    # policy-rc.d 101: the packages must not start a system daemon; the tests run their own.
    local restore_policy=false status=0
    if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; restore_policy=true; fi
    export DEBIAN_FRONTEND=noninteractive
    { apt-get update -qq \
      && { [ "${#missing[@]}" -eq 0 ] || apt-get install -y -qq --no-install-recommends "${missing[@]}"; } \
      && apt-get install -y -qq --no-install-recommends -t trixie docker-compose; } >"$engine_dir/install.log" 2>&1 || status=$?
    $restore_policy && rm -f /usr/sbin/policy-rc.d
    [ "$status" -eq 0 ] || { engine_log "apt-get failed: $(tail -n 3 "$engine_dir/install.log" | tr '\n' ' ')"; return 1; }
  fi
  # Debian's client, with the compose plugin beside it (another docker on PATH may not find the plugin).
  docker() { /usr/bin/docker "$@"; }
  export -f docker
}

engine_start() {
  mkdir -p "$engine_dir" || return 1
  engine_install || return 1
  local socket="$engine_dir/docker.sock"
  cat > "$engine_dir/daemon.json" <<JSON
{
  "data-root": "$engine_dir/data",
  "exec-root": "$engine_dir/exec",
  "pidfile": "$engine_dir/docker.pid",
  "hosts": ["unix://$socket"],
  "exec-opts": ["native.cgroupdriver=cgroupfs"],
  "default-ulimits": {},
  "containerd-namespace": "signalengine",
  "containerd-plugins-namespace": "signalengine-plugins",
  "log-driver": "json-file",
  "log-opts": {"max-size": "10m"}
}
JSON
  # A daemon left over by a killed run of ours: end it by its own pid file, nothing else.
  if [ -s "$engine_dir/docker.pid" ] && kill -0 "$(cat "$engine_dir/docker.pid")" 2>/dev/null; then
    engine_log "stopping a daemon left by an earlier run (pid $(cat "$engine_dir/docker.pid"))"
    kill "$(cat "$engine_dir/docker.pid")" 2>/dev/null
    for _ in $(seq 1 40); do kill -0 "$(cat "$engine_dir/docker.pid" 2>/dev/null)" 2>/dev/null || break; sleep 0.5; done
  fi
  rm -f "$socket"
  /usr/sbin/dockerd --config-file "$engine_dir/daemon.json" >"$engine_dir/dockerd.log" 2>&1 &
  engine_pid=$!
  export DOCKER_HOST="unix://$socket"
  local deadline=$((SECONDS + 60))
  until /usr/bin/docker info >/dev/null 2>&1; do
    if ! kill -0 "$engine_pid" 2>/dev/null || [ $SECONDS -ge $deadline ]; then
      engine_log "dockerd did not start: $(tail -n 3 "$engine_dir/dockerd.log" | tr '\n' ' ')"
      engine_stop
      return 1
    fi
    sleep 0.5
  done
  engine_log "dockerd $(/usr/bin/docker version --format '{{.Server.Version}}') on $socket (data root $engine_dir/data)"
}

engine_stop() {
  [ -n "$engine_pid" ] || return 0
  kill "$engine_pid" 2>/dev/null
  for _ in $(seq 1 40); do kill -0 "$engine_pid" 2>/dev/null || break; sleep 0.5; done
  kill -9 "$engine_pid" 2>/dev/null
  wait "$engine_pid" 2>/dev/null
  engine_pid=""
}
