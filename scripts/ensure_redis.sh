#!/usr/bin/env bash
# Makes sure a Redis server answers on $REDIS_HOST:$REDIS_PORT: installs
# Debian's redis-server when root and missing, starts it when not running.
set -euo pipefail
host="${REDIS_HOST:-localhost}"
port="${REDIS_PORT:-6379}"

ping() { command -v redis-cli >/dev/null && redis-cli -h "$host" -p "$port" ping 2>/dev/null | grep -q PONG; }

if ping; then echo "redis: answering on $host:$port"; exit 0; fi

if ! command -v redis-server >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "redis: installing Debian's redis-server"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  else
    echo "redis: no server on $host:$port and cannot install redis-server (not root)." >&2
    echo "       Install Redis or point REDIS_HOST/REDIS_PORT at one." >&2
    exit 1
  fi
fi

case "$host" in
  localhost|127.0.0.1|::1) ;;
  *) echo "redis: $host:$port does not answer and is not local; not starting one." >&2; exit 1 ;;
esac

mkdir -p .run/redis
redis-server --port "$port" --bind 127.0.0.1 --daemonize yes \
  --dir "$PWD/.run/redis" --logfile "$PWD/.run/redis/redis.log" --pidfile "$PWD/.run/redis/redis.pid"
for _ in $(seq 1 50); do ping && { echo "redis: started on $host:$port"; exit 0; }; sleep 0.1; done
echo "redis: started but not answering; see .run/redis/redis.log" >&2
exit 1
