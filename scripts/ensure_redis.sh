#!/usr/bin/env bash
# Makes sure Redis is there for `make run`:
#   scripts/ensure_redis.sh install   installs Debian's redis-server when root and missing
#                                     (`make test` needs only that: it runs a Redis of its own)
#   scripts/ensure_redis.sh           also makes sure a server answers on $REDIS_HOST:$REDIS_PORT
#                                     and takes writes, starting one when none runs.
# A server started here keeps its data outside the clone ($DZ_REDIS_DIR, default
# ~/.local/share/daozhang/redis) with append-only persistence and `appendfsync always`: Redis
# writes and fsyncs every command before it replies, so a ticket id the merchant hears and
# every turn acknowledged survive a crash (`everysec` may postpone the write while a
# background fsync runs, and the reply still goes out: a kill -9 then loses it).
# `make bench` measures what this costs per turn.
set -euo pipefail
host="${REDIS_HOST:-localhost}"
port="${REDIS_PORT:-6379}"
data_dir="${DZ_REDIS_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/daozhang/redis}"
cli=(redis-cli -h "$host" -p "$port")
[ -n "${REDIS_PASSWORD:-}" ] && cli+=(--no-auth-warning -a "$REDIS_PASSWORD")

install() {
  command -v redis-server >/dev/null && command -v redis-cli >/dev/null && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "redis: installing Debian's redis-server"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  else
    echo "redis: redis-server is not installed and cannot be (not root)." >&2
    echo "       Install Redis or point REDIS_HOST/REDIS_PORT at one." >&2
    exit 1
  fi
}

install
[ "${1:-}" = install ] && exit 0

# A server that refuses writes (MISCONF) refuses even PING, but it is there.
ping() { "${cli[@]}" ping 2>/dev/null | grep -q "PONG\|MISCONF"; }
writable() { "${cli[@]}" set daozhang:health:write ok EX 60 2>&1 | grep -q '^OK'; }
is_local() { case "$host" in localhost|127.0.0.1|::1) return 0 ;; *) return 1 ;; esac; }

aof_ready() {  # append-only is on, and no rewrite holds writes back from the log
  local info
  for _ in $(seq 1 300); do
    info=$("${cli[@]}" info persistence | tr -d '\r')
    grep -q '^aof_enabled:1' <<<"$info" && grep -q '^aof_rewrite_in_progress:0' <<<"$info" &&
      grep -q '^aof_rewrite_scheduled:0' <<<"$info" && grep -q '^aof_last_bgrewrite_status:ok' <<<"$info" &&
      return 0
    sleep 0.1
  done
  echo "redis: append-only persistence did not come on; see $data_dir/redis.log" >&2
  return 1
}

durable() {  # every write on disk before its reply: append-only, fsync always
  "${cli[@]}" config set appendfsync always >/dev/null
  "${cli[@]}" config set appendonly yes >/dev/null
  aof_ready
}

start() {
  # Append-only from the first command on. Only a snapshot to load (dump.rdb, rescued from a
  # server that lost its folder) starts without it: Redis would ignore the snapshot, so
  # append-only is switched on after loading, and the server is ready when that rewrite is done.
  mkdir -p "$data_dir"
  local aof=yes; [ -f "$data_dir/dump.rdb" ] && [ ! -d "$data_dir/appendonlydir" ] && aof=no
  redis-server --port "$port" --bind 127.0.0.1 --daemonize yes --dir "$data_dir" \
    --appendonly "$aof" --appendfsync always \
    --logfile "$data_dir/redis.log" --pidfile "$data_dir/redis.pid"
  for _ in $(seq 1 50); do
    if ping && writable; then
      durable || return 1
      echo "redis: started on $host:$port (data in $data_dir, every write on disk before its reply)"
      return 0
    fi
    sleep 0.1
  done
  echo "redis: started but not answering; see $data_dir/redis.log" >&2
  return 1
}

setting() { "${cli[@]}" config get "$1" 2>/dev/null | sed -n 2p; }

if ping; then
  if writable; then
    if [ "$(setting appendonly)" = yes ] && [ "$(setting appendfsync)" = always ]; then
      echo "redis: answering on $host:$port (every write on disk before its reply)"
    elif is_local && [ "$(setting dir)" = "$(cd "$data_dir" 2>/dev/null && pwd -P)" ]; then
      durable  # started here by an older version of this script (appendfsync everysec)
      echo "redis: answering on $host:$port; now every write is on disk before its reply"
    else
      echo "redis: answering on $host:$port, but it may lose acknowledged writes in a crash" \
           "(appendonly $(setting appendonly), appendfsync $(setting appendfsync)); see README, Redis" >&2
    fi
    exit 0
  fi
  # Typically MISCONF: a server whose data folder went away (a deleted clone) refuses every
  # write. Copy what it holds over the wire, stop it, and start one whose data lives here.
  if is_local; then
    mkdir -p "$data_dir"
    snapshot="$data_dir/dump.rdb"
    [ -d "$data_dir/appendonlydir" ] && snapshot="$data_dir/rescued-$(date +%s).rdb"
    "${cli[@]}" --rdb "$snapshot" >/dev/null 2>&1 || echo "redis: could not copy the data of $host:$port" >&2
    "${cli[@]}" shutdown nosave >/dev/null 2>&1 || true
    for _ in $(seq 1 50); do ping || break; sleep 0.1; done
    echo "redis: $host:$port refused writes (its data folder is gone); restarted with data in $data_dir"
    start
    exit $?
  fi
  echo "redis: $host:$port answers but refuses writes: $("${cli[@]}" set daozhang:health:write ok 2>&1 | head -c 200)" >&2
  exit 1
fi

is_local || { echo "redis: $host:$port does not answer and is not local; not starting one." >&2; exit 1; }
start
