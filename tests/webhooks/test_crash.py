"""Webhooks under real processes: gunicorn app servers, `manage.py webhooks_worker`
processes that are killed with SIGKILL mid-delivery, and a real receiver in this test.

What must hold (issue 15): every committed change is received at least once and, after
deduplication on webhook-id, exactly once, with per-object sequences that have no gaps;
rolled-back changes are never received; no delivery is sent by two workers at the same time.
"""

import base64
import itertools
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections import defaultdict
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from standardwebhooks import Webhook

from tests.live import ROOT, gunicorn, manage, migrated, portal_env
from tests.webhooks.receiver import start_receiver

EVENT_TYPES = ["libredesk.status.created", "libredesk.status.updated", "libredesk.status.deleted"]
# Short leases and sweeps, so that a killed worker's delivery is taken over within seconds.
FAST = {
    "WEBHOOKS_ALLOW_PRIVATE_TARGETS": "true",
    "WEBHOOKS_LEASE_SECONDS": "3",
    "WEBHOOKS_SWEEP_SECONDS": "0.5",
    "WEBHOOKS_RETRY_BASE_SECONDS": "0.2",
    "WEBHOOKS_RETRY_MAX_SECONDS": "1",
}


@contextmanager
def worker(env, log, *, interval="0.05"):
    """A `manage.py webhooks_worker` process; yields its Popen. Each of its threads looks
    for a task every `interval` seconds when idle."""
    process = subprocess.Popen(
        [sys.executable, "manage.py", "webhooks_worker", "--interval", interval,
         "--no-startup-delay", "-v", "1"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


SETUP = """
import json
from django.contrib.auth import get_user_model
from access.services import api_key_issue
from webhooks import services
user = get_user_model().objects.create_superuser("admin", "admin@example.com", "admin")
issued = api_key_issue(user=user, actor=None)
secret = services.subscription_create(owner=user, url={url!r}, event_types={types!r}).secret
print(json.dumps({{"key": issued.api_key, "secret": issued.api_secret, "signing": secret}}))
"""


def set_up(env, url) -> dict:
    """Migrate (a copy of the session's migrated SQLite file, on SQLite); a superuser with
    an API key; a subscription of the receiver to every Libredesk event (its signing
    secret)."""
    if env["DATABASE_URL"].startswith("sqlite:"):
        migrated(env)
    else:
        manage(env, "migrate", "--noinput", "-v", "0")
    out = manage(env, "shell", "-c", SETUP.format(url=url, types=EVENT_TYPES))
    return json.loads(out.strip().splitlines()[-1])


def roll_back_changes(env, names):
    """Changes made through the services in a transaction that then fails."""
    code = (
        "from django.db import transaction\n"
        "from statuses import services\n"
        "try:\n"
        "    with transaction.atomic():\n"
        f"        for name in {names!r}:\n"
        "            services.conversation_status_create(name=name, status_category='open')\n"
        "        raise RuntimeError('roll back')\n"
        "except RuntimeError:\n"
        "    pass\n"
    )
    manage(env, "shell", "-c", code)


class Api:
    """Libredesk API calls (Basic auth), recording each committed change."""

    def __init__(self, key, secret):
        token = base64.b64encode(f"{key}:{secret}".encode()).decode()
        self.headers = {"Authorization": f"Basic {token}", "Content-Type": "application/json"}
        self.committed: list[tuple[str, int]] = []  # (event type, status id)

    def call(self, base, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        # Only the loopback URLs of the test's own servers.
        request = urllib.request.Request(base + path, data, self.headers, method=method)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def change(self, base, i, live: list[int]):
        """One change: mostly creates, with updates and deletes of earlier ones, and an
        occasional refused write (a taken name) that must emit nothing."""
        if i % 7 == 3 and live:
            status, _ = self.call(
                base, "POST", "/api/v1/statuses", {"name": "Open", "category": "open"}
            )
            assert status == 409
            return
        if i % 5 == 4 and live:
            victim = live.pop(0)
            status, _ = self.call(base, "DELETE", f"/api/v1/statuses/{victim}")
            assert status == 200
            self.committed.append(("libredesk.status.deleted", victim))
            return
        if i % 3 == 2 and live:
            target = live[-1]
            body = {"name": f"Renamed {i}", "category": "waiting"}
            status, _ = self.call(base, "PUT", f"/api/v1/statuses/{target}", body)
            assert status == 200
            self.committed.append(("libredesk.status.updated", target))
            return
        status, reply = self.call(
            base,
            "POST",
            "/api/v1/statuses",
            {"name": f"S{i} {uuid.uuid4().hex[:6]}", "category": "open"},
        )
        assert status == 200, reply
        live.append(reply["data"]["id"])
        self.committed.append(("libredesk.status.created", reply["data"]["id"]))


def check_received(receiver, secret, committed, *, timeout=180.0, forbidden_names=(), log=None):
    """Wait until every committed change arrived; check signatures, dedup and sequences."""
    deadline = time.monotonic() + timeout
    while True:
        requests = receiver.wait_for(0)
        unique = {r.headers["webhook-id"] for r in requests}
        if len(unique) >= len(committed) or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    verifier = Webhook(secret)
    by_id = {}
    for request in requests:
        payload = verifier.verify(request.body, request.headers)  # every one is signed
        seen = by_id.setdefault(request.headers["webhook-id"], payload)
        assert seen == payload, "a retry must carry the same event"
    events = list(by_id.values())
    received = sorted((e["type"], e["data"]["object"]["id"]) for e in events)
    worker_log = Path(log).read_text(errors="replace")[-3000:] if log else ""
    assert received == sorted(committed), (
        f"{len(received)} events for {len(committed)} committed changes\n{worker_log}"
    )
    sequences = defaultdict(list)
    for event in events:
        sequences[event["data"]["object"]["id"]].append(event["data"]["sequence"])
    gaps = {k: sorted(v) for k, v in sequences.items() if sorted(v) != list(range(1, len(v) + 1))}
    assert gaps == {}
    names = {e["data"]["object"]["name"] for e in events}
    assert not names & set(forbidden_names), "a rolled-back change was delivered"
    # No webhook-id was being sent by two workers at the same moment.
    spans = defaultdict(list)
    for request in requests:
        spans[request.headers["webhook-id"]].append((request.started, request.ended))
    for webhook_id, intervals in spans.items():
        intervals.sort()
        for (_, end), (start, _) in itertools.pairwise(intervals):
            assert start >= end, f"{webhook_id} was sent twice at once"
    return requests


@pytest.mark.one_database  # its processes share a SQLite file; the test below is PostgreSQL's
def test_killed_workers_lose_nothing_and_rolled_back_changes_send_nothing():
    receiver = start_receiver()
    receiver.delay = 0.03  # a request is in flight most of the time
    with tempfile.TemporaryDirectory(prefix="portal-webhooks-") as tmp, ExitStack() as stack:
        env = portal_env(Path(tmp) / "db.sqlite3", **FAST)
        setup = set_up(env, receiver.url)
        secret, api = setup["signing"], Api(setup["key"], setup["secret"])
        base = stack.enter_context(gunicorn(env))
        log = stack.enter_context(open(Path(tmp) / "worker.log", "wb"))
        current = stack.enter_context(worker(env, log))
        live: list[int] = []
        rolled_back = [f"Never sent {n}" for n in range(5)]
        kills = 0
        for i in range(200):
            api.change(base, i, live)
            if i == 100:
                roll_back_changes(env, rolled_back)
            if i in (60, 140):
                # Kill the worker while it sends a request, then start another one.
                deadline = time.monotonic() + 10
                while receiver.in_flight == 0 and time.monotonic() < deadline:
                    time.sleep(0.002)
                os.kill(current.pid, signal.SIGKILL)
                current.wait()
                kills += 1
                current = stack.enter_context(worker(env, log))
        assert kills == 2
        requests = check_received(
            receiver,
            secret,
            api.committed,
            forbidden_names=rolled_back,
            log=Path(tmp) / "worker.log",
        )
        assert len(api.committed) >= 150
        # The kills interrupted deliveries, so some were received more than once.
        assert len(requests) >= len({r.headers["webhook-id"] for r in requests})
    receiver.server.shutdown()


def _postgres_database(name):
    import psycopg

    # The server's maintenance database: the one in DATABASE_URL may not exist (pytest-django
    # works in test_<name>).
    maintenance = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


@pytest.mark.postgres
def test_two_app_servers_and_two_workers_deliver_every_event_once(django_db_blocker):
    """Two gunicorn servers and two workers on one PostgreSQL database (and the suite's
    Redis, when it runs): 400 writes split across the servers."""
    receiver = start_receiver()
    name = f"portal_webhooks_{uuid.uuid4().hex[:8]}"
    with django_db_blocker.unblock():
        _postgres_database(name)
    url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + f"/{name}"
    with tempfile.TemporaryDirectory(prefix="portal-webhooks-") as tmp, ExitStack() as stack:
        env = portal_env(Path(tmp) / "unused.sqlite3", **FAST)
        env.update(
            DATABASE_URL=url,
            **{k: os.environ[k] for k in ("PGHOST", "PGPORT") if k in os.environ},
        )
        setup = set_up(env, receiver.url)
        secret, api = setup["signing"], Api(setup["key"], setup["secret"])
        servers = [stack.enter_context(gunicorn(env)) for _ in range(2)]
        log = stack.enter_context(open(Path(tmp) / "workers.log", "wb"))
        for _ in range(2):
            stack.enter_context(worker(env, log))
        live: list[int] = []
        for i in range(400):
            api.change(servers[i % 2], i, live)
        check_received(receiver, secret, api.committed, log=Path(tmp) / "workers.log")
        # Each delivery went out in attempts numbered 1, 2, ... with no two at once.
        code = (
            "from webhooks.models import Attempt; import json; "
            "print(json.dumps(list(Attempt.objects.values_list("
            "'delivery_id', 'number', 'started_at', 'finished_at', 'worker'))"
            ", default=str))"
        )
        attempts = json.loads(manage(env, "shell", "-c", code).strip().splitlines()[-1])
        workers = {row[4] for row in attempts}
        assert len(workers) == 2, "both workers delivered"
        by_delivery = defaultdict(list)
        for delivery_id, number, started, finished, _worker in attempts:
            by_delivery[delivery_id].append((started, finished, number))
        for rows in by_delivery.values():
            rows.sort()
            assert [n for *_, n in rows] == list(range(1, len(rows) + 1))
            for (_, end, _n), (start, _e, _m) in itertools.pairwise(rows):
                assert start >= end
    receiver.server.shutdown()
