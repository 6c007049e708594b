#!/usr/bin/env bash
# Run a command with a private, throw-away Redis server as the portal's cache.
#
#   scripts/with-redis.sh .venv/bin/pytest
#
# Starts redis-server on a free loopback port with nothing saved to disk, exports
# CACHE_URL for the command, and stops it when the command ends. A missing Redis is an
# error, never a skip (as root it is installed from Debian's package, like PostgreSQL).
set -euo pipefail

if ! command -v redis-server >/dev/null; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "with-redis: redis-server not found; installing it with apt-get" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server) >&2
  else
    echo "with-redis: redis-server not found. Install Redis (Debian: apt-get install redis-server)." >&2
    exit 1
  fi
fi

workdir=$(mktemp -d /tmp/portal-redis.XXXXXX)
port=${REDIS_TEST_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
# 64 databases, not 16: each pytest-xdist worker of `make test` takes one (tests/conftest.py).
redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$workdir" \
  --databases 64 --daemonize yes --pidfile "$workdir/redis.pid" --logfile "$workdir/redis.log"

cleanup() {
  [[ -f $workdir/redis.pid ]] && kill "$(cat "$workdir/redis.pid")" 2>/dev/null || true
  rm -rf "$workdir"
}
trap cleanup EXIT INT TERM

for _ in $(seq 50); do
  redis-cli -p "$port" ping >/dev/null 2>&1 && break
  sleep 0.1
done
redis-cli -p "$port" ping >/dev/null || { cat "$workdir/redis.log" >&2; exit 1; }

export CACHE_URL="redis://127.0.0.1:$port/0"
echo "with-redis: $(redis-server --version | awk '{print $3}') on 127.0.0.1:$port" >&2
"$@"
