"""A real HTTP receiver for webhook tests: a threaded server on a free loopback port that
records every request it gets (headers, body, when it started and ended) and answers with
the status the test sets."""

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    started: float
    ended: float = 0.0


@dataclass
class Receiver:
    server: ThreadingHTTPServer
    requests: list[Received] = field(default_factory=list)
    status: int = 204
    reply: bytes = b""
    delay: float = 0.0
    in_flight: int = 0
    torn: int = 0  # requests whose body never fully arrived
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/hooks?source=portal"

    def wait_for(self, count: int, timeout: float = 30.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.requests) >= count:
                    return list(self.requests)
            time.sleep(0.05)
        with self.lock:
            return list(self.requests)


def start_receiver() -> Receiver:
    holder: dict[str, Receiver] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            receiver = holder["receiver"]
            started = time.monotonic()
            with receiver.lock:
                receiver.in_flight += 1
            length = int(self.headers.get("Content-Length") or 0)
            entry = Received(dict(self.headers.items()), self.rfile.read(length), started)
            if len(entry.body) < length:
                # The sender died between the headers and the end of the body (a worker
                # killed mid-send): a torn request, which a subscriber's signature check
                # refuses and nobody gets a reply to; it is not a delivery.
                with receiver.lock:
                    receiver.in_flight -= 1
                    receiver.torn += 1
                return
            try:
                if receiver.delay:
                    time.sleep(receiver.delay)
                self.send_response(receiver.status)
                self.send_header("Content-Length", str(len(receiver.reply)))
                self.end_headers()
                self.wfile.write(receiver.reply)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the sender was killed while it waited for the reply
            finally:  # the sender may be gone (a killed worker): it was received all the same
                entry.ended = time.monotonic()
                with receiver.lock:
                    receiver.in_flight -= 1
                    receiver.requests.append(entry)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    holder["receiver"] = receiver = Receiver(server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return receiver
