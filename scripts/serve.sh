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
# Ctrl-C reaches both (one process group); whatever ends gunicorn also ends the worker.
trap 'kill -TERM "$worker" 2>/dev/null || true; wait "$worker" 2>/dev/null || true' EXIT
"$bin/gunicorn" -c gunicorn.conf.py --bind "$host:$port" --access-logfile -
