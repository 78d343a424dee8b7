#!/usr/bin/env bash
# Makes sure Postgres and Redis answer on loopback for the demo and the tests.
#
#   tools/services/services.sh up     reuse DATABASE_URL / REDIS_URL (default 127.0.0.1:5432 / :6379)
#                                     when they answer; otherwise start private instances from
#                                     Debian's packages in .services/ on free ports (installing
#                                     postgresql / redis-server with apt when missing and root).
#                                     NATS with JetStream (NATS_URL, default 127.0.0.1:4222) the same
#                                     way (nats-server from Debian). Writes the URLs to .services/env.
#   tools/services/services.sh down   stops only what `up` started.
#   tools/services/services.sh status
#   tools/services/services.sh cluster-up    a 3-master Redis Cluster on free loopback ports in
#                                     .services/redis-cluster (redis-server --cluster-enabled yes,
#                                     redis-cli --cluster create); writes REDIS_URL and
#                                     REDIS_CLUSTER_NODES to .services/env-cluster (source it after
#                                     .services/env to run the apps on the cluster).
#   tools/services/services.sh cluster-down  stops it.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
state="$root/.services"
mkdir -p "$state"
probe() { node "$root/tools/services/probe.cjs" "$@"; }
say() { echo "services: $*" >&2; }

DATABASE_URL="${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/frontier}"
REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() { local p=$1; while ! port_free "$p"; do p=$((p + 1)); done; echo "$p"; }
is_root() { [ "$(id -u)" = 0 ]; }

apt_install() {
  if ! is_root || ! command -v apt-get >/dev/null; then return 1; fi
  say "installing $* with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  # policy-rc.d keeps the package from starting a system-wide server we did not ask for
  local rc=/usr/sbin/policy-rc.d had_rc=0
  [ -e "$rc" ] && had_rc=1
  [ $had_rc = 1 ] || printf '#!/bin/sh\nexit 101\n' >"$rc" && chmod +x "$rc"
  (apt-get install -y -q "$@" >/dev/null 2>&1 || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q "$@" >/dev/null 2>&1; })
  local ok=$?
  [ $had_rc = 1 ] || rm -f "$rc"
  return $ok
}

pg_bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

# Runs a Postgres binary as the postgres user when we are root (postgres refuses root).
as_pg() { if is_root; then runuser -u postgres -- "$@"; else "$@"; fi; }

start_postgres() {
  local bin; bin="$(pg_bindir)"
  if [ -z "$bin" ]; then apt_install postgresql || return 1; bin="$(pg_bindir)"; fi
  [ -n "$bin" ] || return 1
  if is_root && ! id postgres >/dev/null 2>&1; then useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres; fi
  local data="$state/pg"
  # the postgres user must be able to reach the data dir; a private clone under a 0700 temp dir
  # is not reachable, so fall back to a per-checkout dir under /tmp
  if is_root && ! runuser -u postgres -- test -x "$state"; then
    data="/tmp/frontier-services-$(printf '%s' "$root" | md5sum | cut -c1-8)/pg"
  fi
  mkdir -p "$data"
  if is_root; then chown postgres "$data" "$(dirname "$data")" 2>/dev/null || true; chmod 700 "$data"; fi
  if [ ! -f "$data/PG_VERSION" ]; then
    as_pg "$bin/initdb" -D "$data" -U postgres -A trust -E UTF8 --no-instructions >/dev/null
  fi
  local port; port="$(free_port 55432)"
  as_pg "$bin/pg_ctl" -D "$data" -l "$data/../postgres.log" -w -t 60 \
    -o "-p $port -k $data -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
  echo "pg $bin $data" >>"$state/started"
  DATABASE_URL="postgresql://postgres@127.0.0.1:$port/frontier"
  say "started a private Postgres on 127.0.0.1:$port (data: $data)"
}

start_redis() {
  if ! command -v redis-server >/dev/null; then apt_install redis-server || return 1; fi
  command -v redis-server >/dev/null || return 1
  local dir="$state/redis" port; port="$(free_port 56379)"
  mkdir -p "$dir"
  redis-server --port "$port" --bind 127.0.0.1 --daemonize yes --save "" --appendonly no \
    --dir "$dir" --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" >/dev/null
  for _ in $(seq 50); do [ -s "$dir/redis.pid" ] && break; sleep 0.1; done
  echo "redis $dir/redis.pid" >>"$state/started"
  REDIS_URL="redis://127.0.0.1:$port"
  say "started a private Redis on 127.0.0.1:$port"
}

# A NATS server with JetStream answers at the host:port of $1 (its INFO line says jetstream).
nats_ok() (
  hp="${1#nats://}"; hp="${hp%%/*}"; hp="${hp##*@}"
  line=""
  { exec 3<>"/dev/tcp/${hp%:*}/${hp##*:}"; } 2>/dev/null || exit 1
  IFS= read -r -t 2 line <&3 || true
  [[ "$line" == INFO* && "$line" == *'"jetstream":true'* ]]
)

start_nats() {
  local bin; bin="$(command -v nats-server || echo /usr/sbin/nats-server)"
  if [ ! -x "$bin" ]; then apt_install nats-server || return 1; bin="$(command -v nats-server || echo /usr/sbin/nats-server)"; fi
  [ -x "$bin" ] || return 1
  local dir="$state/nats" port; port="$(free_port 54222)"
  mkdir -p "$dir"
  nohup "$bin" -a 127.0.0.1 -p "$port" -js -sd "$dir" -P "$dir/nats.pid" -l "$dir/nats.log" >/dev/null 2>&1 &
  for _ in $(seq 50); do nats_ok "nats://127.0.0.1:$port" && break; sleep 0.1; done
  echo "nats $dir/nats.pid" >>"$state/started"
  NATS_URL="nats://127.0.0.1:$port"
  say "started a private NATS (JetStream) on 127.0.0.1:$port"
}

up() {
  # a previous `up` of this checkout may still be running: reuse it
  if [ -f "$state/env" ]; then
    # shellcheck disable=SC1091
    (set -a; . "$state/env"; probe pg "$DATABASE_URL" >/dev/null && probe redis "$REDIS_URL" >/dev/null && { [ -z "${NATS_URL:-}" ] || nats_ok "$NATS_URL"; }) && {
      say "reusing $(grep -c . "$state/started" 2>/dev/null || echo 0) instance(s) from $state/env"; cat "$state/env"; return 0; }
  fi
  local v
  if v="$(probe pg "$DATABASE_URL")"; then say "Postgres $v answers at ${DATABASE_URL%%\?*}"
  elif ! start_postgres; then
    say "Postgres does not answer at $DATABASE_URL and none could be started here."
    say "Install it (apt-get install postgresql) or run: docker compose -f docker/compose.yml -f docker/compose.dev.yml up -d postgres redis"
    exit 1
  fi
  if v="$(probe redis "$REDIS_URL")"; then say "Redis $v answers at $REDIS_URL"
  elif ! start_redis; then
    say "Redis does not answer at $REDIS_URL and none could be started here."
    say "Install it (apt-get install redis-server) or run: docker compose -f docker/compose.yml -f docker/compose.dev.yml up -d postgres redis"
    exit 1
  fi
  # NATS (JetStream) is optional for the apps (EVENT_BUS=jetstream); the JetStream suites need it
  if nats_ok "$NATS_URL"; then say "NATS (JetStream) answers at $NATS_URL"
  elif ! start_nats; then say "NATS with JetStream does not answer at $NATS_URL and none could be started here: the JetStream suites will fail"
  fi
  for _ in $(seq 60); do probe pg "$DATABASE_URL" >/dev/null && probe redis "$REDIS_URL" >/dev/null && break; sleep 0.5; done
  printf 'DATABASE_URL=%s\nREDIS_URL=%s\nNATS_URL=%s\n' "$DATABASE_URL" "$REDIS_URL" "$NATS_URL" >"$state/env"
  cat "$state/env"
}

down() {
  [ -f "$state/started" ] || { say "nothing to stop (nothing was started here)"; rm -f "$state/env"; return 0; }
  while read -r kind a b c; do
    case "$kind" in
      pg) as_pg "$a/pg_ctl" -D "$b" -m fast -w stop >/dev/null 2>&1 && say "stopped private Postgres ($b)" || true ;;
      redis) [ -s "$a" ] && kill "$(cat "$a")" 2>/dev/null && say "stopped private Redis" || true ;;
      nats) [ -s "$a" ] && kill "$(cat "$a")" 2>/dev/null && say "stopped private NATS" || true ;;
    esac
  done <"$state/started"
  rm -f "$state/started" "$state/env"
}

cluster_ok() { redis-cli -h 127.0.0.1 -p "$1" cluster info 2>/dev/null | grep -q 'cluster_state:ok'; }

cluster_up() {
  if [ -f "$state/env-cluster" ]; then
    local ok=1 n; for n in $(sed -n 's/^REDIS_CLUSTER_NODES=//p' "$state/env-cluster" | tr ',' ' '); do cluster_ok "${n##*:}" || ok=0; done
    [ "$ok" = 1 ] && { say "reusing the Redis Cluster of $state/env-cluster"; cat "$state/env-cluster"; return 0; }
    cluster_down
  fi
  if ! command -v redis-cli >/dev/null; then apt_install redis-server || return 1; fi
  local dir="$state/redis-cluster" nodes="" ports="" p bus next=57001
  mkdir -p "$dir"
  for _ in 1 2 3; do
    p="$(free_port "$next")"; bus="$(free_port $((p + 1)))"; next=$((bus + 1))
    mkdir -p "$dir/$p"
    redis-server --port "$p" --bind 127.0.0.1 --cluster-enabled yes --cluster-port "$bus" \
      --cluster-config-file "$dir/$p/nodes.conf" --cluster-node-timeout 2000 --daemonize yes --save "" \
      --appendonly no --dir "$dir/$p" --pidfile "$dir/$p/redis.pid" --logfile "$dir/$p/redis.log" >/dev/null
    echo "$dir/$p/redis.pid" >>"$state/started-cluster"
    nodes="${nodes:+$nodes,}127.0.0.1:$p"; ports="$ports $p"
  done
  for p in $ports; do for _ in $(seq 50); do redis-cli -p "$p" ping >/dev/null 2>&1 && break; sleep 0.1; done; done
  # shellcheck disable=SC2086
  redis-cli --cluster create ${nodes//,/ } --cluster-replicas 0 --cluster-yes >/dev/null
  for p in $ports; do for _ in $(seq 100); do cluster_ok "$p" && break; sleep 0.1; done; cluster_ok "$p" || { say "Redis Cluster node $p not ok (log: $dir/$p/redis.log)"; return 1; }; done
  printf 'REDIS_URL=redis://%s\nREDIS_CLUSTER_NODES=%s\n' "${nodes%%,*}" "$nodes" >"$state/env-cluster"
  say "Redis Cluster (3 masters) at $nodes"
  cat "$state/env-cluster"
}

cluster_down() {
  local pid
  if [ -f "$state/started-cluster" ]; then
    while read -r pid; do [ -s "$pid" ] && kill "$(cat "$pid")" 2>/dev/null || true; done <"$state/started-cluster"
    say "stopped the private Redis Cluster"
  fi
  rm -rf "$state/redis-cluster" "$state/started-cluster" "$state/env-cluster"
}

case "${1:-up}" in
  up) up ;;
  down) down ;;
  status) cat "$state/env" 2>/dev/null || echo "no services recorded"; cat "$state/started" 2>/dev/null || true ;;
  cluster-up) cluster_up ;;
  cluster-down) cluster_down ;;
  *) echo "usage: $0 up|down|status|cluster-up|cluster-down" >&2; exit 2 ;;
esac
