#!/usr/bin/env bash
# Run a command against a private, throw-away PostgreSQL server.
#
#   scripts/with-postgres.sh .venv/bin/pytest
#
# Starts a fresh cluster in a temporary folder (unix socket only, no TCP port), exports
# DATABASE_URL for the command, and stops and removes the cluster when the command ends.
# A missing PostgreSQL is an error, never a skip. Works as root (the server runs as the
# `postgres` system user) and as an ordinary user.
set -euo pipefail

find_bindir() {
  if [[ -n "${PG_BINDIR:-}" && -x "$PG_BINDIR/initdb" ]]; then echo "$PG_BINDIR"; return; fi
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [[ -n "$dir" && -x "$dir/initdb" ]]; then echo "$dir"; return; fi
  if command -v pg_ctl >/dev/null && command -v initdb >/dev/null; then
    dirname "$(command -v pg_ctl)"; return
  fi
}

bindir=$(find_bindir)
if [[ -z "$bindir" && $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
  echo "with-postgres: PostgreSQL not found; installing it with apt-get" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >&2
  bindir=$(find_bindir)
fi
if [[ -z "$bindir" ]]; then
  echo "with-postgres: PostgreSQL server binaries (initdb, pg_ctl) not found." >&2
  echo "Install PostgreSQL 15 (Debian: apt-get install postgresql) or set PG_BINDIR." >&2
  exit 1
fi

workdir=$(mktemp -d /tmp/portal-pg.XXXXXX)
chmod 755 "$workdir"
run_pg() { "$@"; }
if [[ $(id -u) -eq 0 ]]; then
  # PostgreSQL refuses to run as root.
  chown postgres "$workdir"
  run_pg() { runuser -u postgres -- "$@"; }
fi

cleanup() {
  run_pg "$bindir/pg_ctl" -D "$workdir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$workdir"
}
trap cleanup EXIT INT TERM

port=${PG_TEST_PORT:-54329}
run_pg "$bindir/initdb" -D "$workdir/data" -U portal --auth=trust -E UTF8 --no-locale >/dev/null
run_pg "$bindir/pg_ctl" -D "$workdir/data" -l "$workdir/server.log" -w -t 60 \
  -o "-c listen_addresses='' -k $workdir -p $port -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >/dev/null || { cat "$workdir/server.log" >&2; exit 1; }

# libpq reads the socket folder and port from PGHOST/PGPORT when the URL names no host.
export PGHOST="$workdir" PGPORT="$port"
export DATABASE_URL="postgres://portal@/portal"
echo "with-postgres: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') running in $workdir" >&2
"$@"
