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
# A background job of a script starts with Ctrl-C ignored, and the worker only takes the
# signal over once it runs: a Ctrl-C while it was still starting never reached it. So after
# Ctrl-C it gets WORKER_GRACE seconds to stop by itself, then one SIGTERM: the first signal
# it sees if it missed the Ctrl-C; if it is still sending a delivery, a second one that
# makes it stop at once (webhooks.recovery sends that delivery again later).
trap 'interrupted=1' INT
stop_worker() {
  if [ -z "$interrupted" ]; then
    kill -TERM "$worker" 2>/dev/null || true
  else
    for _ in $(seq $((${WORKER_GRACE:-3} * 10))); do
      kill -0 "$worker" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$worker" 2>/dev/null; then kill -TERM "$worker" 2>/dev/null || true; fi
  fi
  wait "$worker" 2>/dev/null || true
  if [ -n "$interrupted" ]; then echo "Stopped."; fi
}
trap stop_worker EXIT
"$bin/gunicorn" -c gunicorn.conf.py --bind "$host:$port" --access-logfile - || true
