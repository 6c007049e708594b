"""gunicorn settings for the portal (`make run` uses this file; gunicorn also reads it by
default when started from the project folder).

gunicorn answers some requests itself, before Django sees them: a request line or headers
over its limits, a malformed request. Its stock reply is an HTML page; API clients get
JSON everywhere else, so these replies are JSON too.
"""

import json

from gunicorn import util

wsgi_app = "config.wsgi"


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
