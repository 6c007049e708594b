"""Whatever a target answers is stored, and a delivery always moves on (issue 21).

A receiver here is a raw TCP server (http.server cannot send garbage) that answers every
connection with the bytes a test gives it. Each delivery goes through the worker's own
path, `services.claim` then `services.attempt`. On PostgreSQL a NUL character cannot be
stored in a text column: before, such a reply rolled back the whole record, so the
delivery stayed pending, unlogged, and was sent again every minute for ever.
"""

import logging
import socket
import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.factories import ConversationStatusFactory, webhook_owner
from webhooks import http, services
from webhooks.models import Attempt, Delivery, Event

pytestmark = pytest.mark.django_db


class RawReceiver:
    """A loopback TCP server that reads each request and answers it with `reply`, then
    closes the connection (an HTTP/1.0-style end of the reply)."""

    def __init__(self, reply: bytes):
        self.reply = reply
        self.requests = 0
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.2)
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.getsockname()[1]}/hooks"

    def _serve(self):
        while not self.stopped.is_set():
            try:
                conn, _ = self.server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with conn:
                conn.settimeout(5)
                try:
                    self._read_request(conn)
                    self.requests += 1
                    conn.sendall(self.reply)
                    conn.shutdown(socket.SHUT_WR)
                except OSError:
                    pass  # the client stopped reading (a reply it cut off at 64 KB)

    @staticmethod
    def _read_request(conn):
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return
            data += chunk
        head, body = data.split(b"\r\n\r\n", 1)
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        while len(body) < length:
            chunk = conn.recv(65536)
            if not chunk:
                return
            body += chunk

    def close(self):
        self.stopped.set()
        self.server.close()
        self.thread.join(timeout=5)


@pytest.fixture
def raw_receiver():
    made = []

    def start(reply: bytes) -> RawReceiver:
        made.append(RawReceiver(reply))
        return made[-1]

    yield start
    for receiver in made:
        receiver.close()


def pending_delivery(url: str) -> Delivery:
    services.subscription_create(
        owner=webhook_owner(), url=url, event_types=["libredesk.status.created"]
    )
    with transaction.atomic():
        services.emit("conversation-status", "created", [ConversationStatusFactory()])
    return Delivery.objects.get()


def send_once(delivery: Delivery) -> Attempt:
    """One attempt as a worker makes it: claim, then send and record."""
    claim = services.claim(delivery.pk)
    assert claim is not None
    return services.attempt(claim, worker="test")


def assert_retry_scheduled(delivery: Delivery, attempt: Attempt):
    delivery.refresh_from_db()
    assert delivery.state == "pending" and delivery.lease is None
    assert delivery.next_attempt_at > timezone.now()
    assert attempt.next_retry_at == delivery.next_attempt_at
    retry = DBTaskResult.objects.filter(task_path="webhooks.queue.deliver").get()
    assert retry.args_kwargs["args"] == [delivery.pk] and retry.run_after == attempt.next_retry_at


HEADER_100_KB = b"HTTP/1.1 200 OK\r\nX-Padding: " + b"a" * 100_000 + b"\r\n\r\nok"
FIVE_MB = b"HTTP/1.1 200 OK\r\nContent-Length: 5000000\r\n\r\n" + b"x" * 5_000_000

# What the target sends; whether that is a success; what the log must hold.
DELIVERED = {
    "nul-in-body": (b"HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\nok\x00done", "ok\ufffddone"),
    "nul-in-reason-phrase": (b"HTTP/1.1 200 O\x00K\r\nContent-Length: 2\r\n\r\nok", "ok"),
    "invalid-utf8": (b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n\xff\xfe\xc3(!", "\ufffd" * 3),
    "closes-before-the-promised-length": (
        b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npartial",
        "partial",
    ),
    "five-megabytes": (FIVE_MB, "x" * http.EXCERPT_BYTES),
    "no-length-no-body": (b"HTTP/1.1 204 No Content\r\nX-A: b\x00c\r\n\r\n", ""),
}
RETRIED = {
    "nul-in-status-code": (b"HTTP/1.1 2\x0000 OK\r\n\r\n", "not HTTP"),
    "binary-garbage": (b"\x00\x01\x02\xff\xfe garbage\r\n\r\n", "not HTTP"),
    "http-0.9-style": (b"<html>hello</html>", "not HTTP"),
    "nothing-at-all": (b"", "closed the connection"),
    "header-line-of-100-kb": (HEADER_100_KB, "longer than"),
    "nul-in-an-error-page": (b"HTTP/1.1 503 x\r\nContent-Length: 3\r\n\r\na\x00b", ""),
    "closes-mid-header": (b"HTTP/1.1 503 Busy\r\nX-A: b", ""),
}


@pytest.mark.parametrize("reply, excerpt", DELIVERED.values(), ids=DELIVERED.keys())
def test_a_2xx_with_anything_in_it_is_delivered_and_logged(raw_receiver, reply, excerpt):
    receiver = raw_receiver(reply)
    delivery = pending_delivery(receiver.url)
    attempt = send_once(delivery)
    assert receiver.requests == 1
    stored = Attempt.objects.get()
    assert stored.pk == attempt.pk and stored.succeeded and stored.error == ""
    assert stored.response_excerpt.startswith(excerpt) and "\x00" not in stored.response_excerpt
    assert len(stored.response_excerpt) <= http.EXCERPT_BYTES
    assert Delivery.objects.get().state == "delivered"


@pytest.mark.parametrize("reply, error", RETRIED.values(), ids=RETRIED.keys())
def test_garbage_is_a_logged_failed_attempt_retried_later(raw_receiver, reply, error):
    receiver = raw_receiver(reply)
    delivery = pending_delivery(receiver.url)
    attempt = send_once(delivery)
    stored = Attempt.objects.get()
    assert stored.pk == attempt.pk and not stored.succeeded
    assert error in stored.error
    assert "\x00" not in stored.error and "\x00" not in stored.response_excerpt
    if stored.status_code is None:
        assert stored.error  # an attempt without a reply says why
    assert_retry_scheduled(delivery, stored)


def test_the_first_line_of_a_reply_that_is_not_http_is_quoted_escaped(raw_receiver):
    receiver = raw_receiver(b"\x00\x01 hello\r\n\r\n")
    send_once(pending_delivery(receiver.url))
    error = Attempt.objects.get().error
    assert "\\x00\\x01 hello" in error and "\x00" not in error


def test_an_error_text_is_cleaned_whatever_raised_it(raw_receiver, monkeypatch):
    """An exception before any reply is logged with its message, which may quote the
    target's words (a certificate's name, a line of the reply): NUL and lone surrogates
    must not reach the database."""
    receiver = raw_receiver(b"HTTP/1.1 200 OK\r\n\r\n")
    delivery = pending_delivery(receiver.url)

    def broken(*args, **kwargs):
        raise RuntimeError("bad \x00 byte and \udc80 surrogate")

    monkeypatch.setattr(http, "post", broken)
    send_once(delivery)
    error = Attempt.objects.get().error
    assert error.startswith("RuntimeError: bad ") and "\x00" not in error
    error.encode("utf-8")  # no lone surrogate left
    assert_retry_scheduled(delivery, Attempt.objects.get())


class CreateFails:
    """Attempt.objects.create that fails `times` times with a real database error (a
    statement the database refuses, which on PostgreSQL aborts the transaction as the
    NUL did), then works."""

    def __init__(self, monkeypatch, times):
        self.real = Attempt.objects.create
        self.left = times
        monkeypatch.setattr(Attempt.objects, "create", self)

    def __call__(self, **fields):
        if self.left:
            self.left -= 1
            with connection.cursor() as cursor:
                cursor.execute("SELECT * FROM webhooks_no_such_table")
        return self.real(**fields)


def test_when_the_attempt_cannot_be_stored_a_minimal_row_is_and_the_retry_still_stands(
    raw_receiver, monkeypatch, caplog
):
    receiver = raw_receiver(b"HTTP/1.1 500 Oops\r\nContent-Length: 4\r\n\r\nbusy")
    delivery = pending_delivery(receiver.url)
    CreateFails(monkeypatch, times=1)
    with caplog.at_level(logging.ERROR, logger="webhooks.services"):
        send_once(delivery)
    stored = Attempt.objects.get()
    assert stored.status_code == 500 and stored.number == 1
    assert stored.response_excerpt == "" and "could not be stored" in stored.error
    assert_retry_scheduled(delivery, stored)
    assert "could not be stored" in caplog.text


def test_when_no_attempt_row_can_be_stored_the_delivery_still_moves_on(
    raw_receiver, monkeypatch, caplog
):
    receiver = raw_receiver(b"HTTP/1.1 500 Oops\r\nContent-Length: 4\r\n\r\nbusy")
    delivery = pending_delivery(receiver.url)
    CreateFails(monkeypatch, times=10)
    with caplog.at_level(logging.ERROR, logger="webhooks.services"):
        attempt = send_once(delivery)
    assert attempt.pk is None and not attempt.succeeded  # what the worker reports
    assert not Attempt.objects.exists()
    assert_retry_scheduled(delivery, attempt)
    assert "not logged" in caplog.text
    # The next attempt is number 2: the count moves on with the lost row too.
    Delivery.objects.update(next_attempt_at=timezone.now())
    assert services.claim(delivery.pk).number == 2


def test_a_success_is_recorded_even_when_its_attempt_cannot_be(raw_receiver, monkeypatch):
    receiver = raw_receiver(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
    delivery = pending_delivery(receiver.url)
    CreateFails(monkeypatch, times=10)
    assert send_once(delivery).succeeded
    delivery.refresh_from_db()
    assert delivery.state == "delivered" and delivery.lease is None


def test_the_day_long_give_up_happens_even_when_no_attempt_can_be_stored(raw_receiver, monkeypatch):
    receiver = raw_receiver(b"\x00garbage\r\n\r\n")
    delivery = pending_delivery(receiver.url)
    Event.objects.update(created_at=timezone.now() - timedelta(hours=25))
    CreateFails(monkeypatch, times=10)
    send_once(delivery)
    delivery.refresh_from_db()
    assert delivery.state == "failed" and delivery.finished_at is not None
    assert delivery.lease is None
    assert not DBTaskResult.objects.filter(task_path="webhooks.queue.deliver").exists()


def test_a_failure_to_note_the_failing_subscription_does_not_undo_the_retry(
    raw_receiver, monkeypatch, caplog
):
    receiver = raw_receiver(b"HTTP/1.1 500 Oops\r\nContent-Length: 4\r\n\r\nbusy")
    delivery = pending_delivery(receiver.url)

    def broken(subscription_id, now):
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM webhooks_no_such_table")

    monkeypatch.setattr(services, "_note_failure", broken)
    with caplog.at_level(logging.ERROR, logger="webhooks.services"):
        send_once(delivery)
    assert_retry_scheduled(delivery, Attempt.objects.get())
    assert Attempt.objects.get().status_code == 500
    assert "failure not noted" in caplog.text
