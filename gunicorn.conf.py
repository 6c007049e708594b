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
- Errors: gunicorn answers some requests itself, before Django sees them (a request line
  or headers over its limits, a malformed request). Those replies are JSON, like every
  other reply of the API, instead of gunicorn's HTML page.
"""

import json
import os

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
