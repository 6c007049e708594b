#!/usr/bin/env bash
# Serve the portal as `make run` does: gunicorn and, next to it, the webhooks worker
# (`manage.py webhooks_worker`, which delivers change events). Ctrl-C stops both.
#
#   scripts/serve.sh HOST PORT
#
# In production run them as two services instead (README, "Deploy on PostgreSQL").
set -euo pipefail
host=${1:-127.0.0.1}
port=${2:-8000}
bin=${BIN:-.venv/bin}

"$bin/python" manage.py webhooks_worker -v 1 &
worker=$!
interrupted=
# Ctrl-C reaches all of them (one process group): gunicorn stops at once (its workers give
# the requests under way a second, gunicorn.conf.py), the webhooks worker after the delivery
# it is sending. Whatever else ends gunicorn ends the webhooks worker too, with a SIGTERM;
# after Ctrl-C it is not signalled again (a second signal makes it give up its delivery).
trap 'interrupted=1' INT
stop_worker() {
  if [ -z "$interrupted" ]; then kill -TERM "$worker" 2>/dev/null || true; fi
  wait "$worker" 2>/dev/null || true
  if [ -n "$interrupted" ]; then echo "Stopped."; fi
}
trap stop_worker EXIT
"$bin/gunicorn" -c gunicorn.conf.py --bind "$host:$port" --access-logfile - || true
