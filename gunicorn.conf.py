"""gunicorn settings for the portal: `make run` and the deployment both start
`gunicorn -c gunicorn.conf.py` (gunicorn also reads this file by default when started
from the project folder). Settings come from the environment, like the app's.

- Threads: each worker serves `GUNICORN_THREADS` requests at once (gthread), so a few slow
  clients cannot occupy every slot, as they could with one request per sync worker. A
  worker keeps accepting connections while its threads are busy, so the thread count of
  one worker (not the total) is what a handful of slow clients must not exhaust: 16. In
  production a buffering reverse proxy (nginx) in front absorbs slow clients entirely.
- Trust: only the peers in `TRUSTED_PROXIES` (the reverse proxy) may say with
  `X-Forwarded-Proto` that the client used HTTPS; gunicorn then sets the WSGI scheme that
  Django reads. Anyone else reaching this server directly cannot skip the HTTPS redirect.
- Stopping (`worker_int`, `post_worker_init`, `worker_exit` below): Ctrl-C (SIGINT) or SIGQUIT
  is gunicorn's quick stop. A worker then gives the requests under way `STOP_GRACE` seconds
  and ends, whatever its request threads are waiting for; SIGTERM (a graceful stop) gives
  them up to `graceful_timeout` less a second. Without this, a thread reading a request its
  client never finished kept the stopping worker alive (the interpreter joins its thread
  pool on exit) until the master killed it after `graceful_timeout`, logging "Worker was
  sent SIGKILL! Perhaps out of memory?".
- Garbage collection (`freeze_loaded_app`): once a worker has loaded the app and its URLs,
  everything then alive is moved out of the collector's sight (`gc.freeze()`). Those
  objects live as long as the process, and a full collection no longer walks them: it was
  about 7 % of a create's time, 2 % once frozen (docs/performance.md).
- Errors: gunicorn answers some requests itself, before Django sees them (a request line
  or headers over its limits, a malformed request). Those replies are JSON, like every
  other reply of the API, instead of gunicorn's HTML page.
"""

import contextlib
import gc
import json
import os
import signal
import sys
import threading
import time

from gunicorn import util

wsgi_app = "config.wsgi"

workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "16"))
# A request (headers and body) must arrive within this many seconds, and a worker that
# stops answering is restarted after as long; idle keep-alive connections close soon.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5

forwarded_allow_ips = os.environ.get("TRUSTED_PROXIES", "127.0.0.1,::1")

# Seconds a worker told to stop quickly (Ctrl-C, SIGQUIT) gives the requests under way.
STOP_GRACE = 1.0
STOP_SIGNALS = (signal.SIGINT, signal.SIGQUIT, signal.SIGTERM)


def post_fork(server, worker):
    """In a new worker, before it sets its own signal handlers: a stop signal that comes now
    ends it at once (it serves nothing yet). Without this, the master's handlers, inherited
    by the fork, would queue the signal where nobody reads it, and the worker would serve
    until the master killed it."""
    for signum in STOP_SIGNALS:
        signal.signal(signum, _exit_now)
    try:  # one that came between the fork and the lines above
        while True:
            if server.SIG_QUEUE.get_nowait() in STOP_SIGNALS:
                _exit_now()
    except Exception:  # noqa: S110 (empty: nothing came)
        pass


def post_worker_init(worker):
    """In a worker that has loaded the app, before it serves: its stop signals go through
    `_stop_signal`, and a thread is ready to end the process once a stop's grace is over."""
    worker.stop_deadline = None
    worker.stop_requested = threading.Event()
    for signum in (signal.SIGINT, signal.SIGQUIT):
        signal.signal(signum, lambda signum, frame: _stop_signal(worker, signum, frame, True))
    signal.signal(signal.SIGTERM, lambda signum, frame: _stop_signal(worker, signum, frame, False))
    # Started now, not from a signal handler: starting a thread there could wait forever on
    # a lock the interrupted code holds (the thread pool starting a thread, say).
    threading.Thread(target=_end_after_grace, args=(worker,), name="stop", daemon=True).start()
    freeze_loaded_app()


def freeze_loaded_app():
    """Load the URLconf (every view, serializer and admin it imports), then hand everything
    alive to `gc.freeze()`: the collector skips it from now on. Django and DRF keep hundreds
    of thousands of such objects, which a full collection would otherwise walk, on a
    request's time, every few hundred requests."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (the import of every view is the point)
    gc.collect()
    gc.freeze()


def _stop_signal(worker, signum, frame, quick):
    """A stop signal in a serving worker. Ctrl-C reaches the worker and then the master's
    SIGQUIT does: only the first of them stops it (gunicorn's handler, again, would raise
    SystemExit in the middle of its exit). A quick stop may follow a graceful one."""
    grace = STOP_GRACE if quick else max(worker.cfg.graceful_timeout - 1, STOP_GRACE)
    deadline = time.monotonic() + grace
    if worker.stop_deadline is not None and worker.stop_deadline <= deadline:
        return  # already stopping, as soon or sooner
    first = worker.stop_deadline is None
    worker.stop_deadline = deadline
    worker.stop_requested.set()
    if quick and first:
        worker.handle_quit(signum, frame)  # gunicorn's: stop serving, raise SystemExit
    elif first:
        worker.handle_exit(signum, frame)  # gunicorn's: finish open requests, then exit
    # A quick stop after a graceful one: the thread below ends the process sooner.


def _end_after_grace(worker):
    """The "stop" thread of a worker: once a stop is under way, end the process when its
    grace is over, even if a request thread still waits on its client."""
    worker.stop_requested.wait()
    while (left := worker.stop_deadline - time.monotonic()) > 0:
        time.sleep(min(left, 0.1))
    _exit_now()


def worker_exit(server, worker):
    """In a worker whose loop has ended: wait for the requests under way (not past the stop's
    grace), then end the process, where Python would wait for every request thread. A worker
    that never served (its app failed to load, say) exits as gunicorn makes it, with the code
    that tells the master why."""
    if not getattr(worker, "stop_requested", None):
        return
    ending = sys.exc_info()[1]  # the SystemExit under way: keep its code
    code = ending.code if isinstance(ending, SystemExit) and isinstance(ending.code, int) else 0
    for signum in STOP_SIGNALS:  # nothing may interrupt this any more
        signal.signal(signum, signal.SIG_IGN)
    deadline = worker.stop_deadline or time.monotonic()
    for thread in list(getattr(worker.tpool, "_threads", ())):
        thread.join(max(deadline - time.monotonic(), 0))
    _exit_now(code=code)


def _exit_now(*_signal_args, code=0):
    """End this worker process at once, its log written out."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # a closed stream: nothing to write
            stream.flush()
    os._exit(code)


def write_json_error(sock, status_int, reason, mesg):
    """gunicorn's own error reply (`gunicorn.util.write_error`), as a JSON body."""
    body = json.dumps(
        {"status": "error", "message": f"{reason}. {mesg}".strip(), "success": False}
    ).encode()
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\n"
        "Connection: close\r\n"
        "Content-Type: application/json\r\n"
        "X-Content-Type-Options: nosniff\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode("latin-1")
    util.write_nonblock(sock, head + body)


util.write_error = write_json_error
