"""Behaviour that only shows with real processes: two app servers on one database and
cache, gunicorn's own error replies, and a database that goes away and comes back."""

import base64
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from tests.live import (
    BIN,
    ROOT,
    answers_http,
    free_port,
    gunicorn,
    gunicorns,
    manage,
    migrated,
    portal_env,
)

LOGIN_LIMIT = 5

SETUP = """
from django.contrib.auth import get_user_model
from access.services import api_key_issue
from reasons.services import account_ensure
from django.contrib.auth.models import Permission
user = get_user_model().objects.create_user("agent", "agent@example.com", "right-password")
user.user_permissions.add(*Permission.objects.filter(
    codename__in=[f"{verb}_conversationstatus" for verb in ("add", "change", "delete")]
))
account_ensure(account_id="acme", members=[user])
issued = api_key_issue(user=user, actor=user)
print(issued.api_key + ":" + issued.api_secret)
"""
CLEAR_CACHE = "from django.core.cache import cache; cache.clear()"


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    """A migrated portal database file, its environment, and an API key of its user."""
    folder = tmp_path_factory.mktemp("live") / "data"
    folder.mkdir()
    env = portal_env(folder / "db.sqlite3", LOGIN_RATE=f"{LOGIN_LIMIT}/min")
    migrated(env)
    credentials = manage(env, "shell", "-c", SETUP).strip().splitlines()[-1]
    return {"env": env, "folder": folder, "credentials": credentials}


@pytest.fixture(scope="module")
def servers(portal):
    """Two gunicorn servers of that portal, as behind a load balancer."""
    with gunicorns(portal["env"], 2) as urls:
        yield urls


def request(url, body=None, headers=None):
    """(status, JSON body, headers) of one HTTP request."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(  # noqa: S310 (our own local server)
        url, data=data, headers={"Content-Type": "application/json", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"null"), response.headers
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null"), error.headers


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/login", {"user": "agent", "password": "wrong"}),
        ("/api/account/acme/login?v=1.3", {"username": "agent", "password": "wrong"}),
    ],
)
def test_a_login_limit_holds_across_two_app_processes(portal, servers, path, body):
    manage(portal["env"], "shell", "-c", CLEAR_CACHE)
    statuses = [request(servers[n % 2] + path, body)[0] for n in range(4 * LOGIN_LIMIT)]
    # Each process with its own counter would let 2 x LOGIN_LIMIT guesses through.
    assert statuses.count(401) == LOGIN_LIMIT, statuses
    assert statuses.count(429) == 3 * LOGIN_LIMIT, statuses


def raw_http(url, payload):
    """Send raw bytes to the server and return (status line, headers+body text)."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(payload)
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    head, _sep, body = b"".join(chunks).partition(b"\r\n\r\n")
    return head.decode("latin-1"), body


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        (b"GET /api/v1/statuses?q=" + b"a" * 9000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 414),
        (
            b"GET /api/v1/statuses HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: "
            + b"b" * 9000
            + b"\r\n\r\n",
            431,
        ),
        (b"NOT AN HTTP REQUEST\r\n\r\n", 400),
    ],
)
def test_gunicorns_own_error_replies_are_json(servers, payload, status):
    head, body = raw_http(servers[0], payload)
    assert head.startswith(f"HTTP/1.1 {status} "), head
    assert "Content-Type: application/json" in head
    assert json.loads(body)["success"] is False


def test_a_list_cached_by_one_server_is_never_stale_on_it_after_a_write_on_the_other(
    portal, servers
):
    """Server B caches the list reply; server A writes (create, rename, delete); the next
    list from B, sent as soon as A has replied, shows the write every time."""
    token = base64.b64encode(portal["credentials"].encode()).decode()
    auth = {"Authorization": f"Basic {token}"}
    reader, writer = servers[1] + "/api/v1/statuses", servers[0] + "/api/v1/statuses"

    def names():
        status, body, _ = request(reader, headers=auth)
        assert status == 200, body
        return {row["name"] for row in body["data"]}

    for n in range(5):
        assert names() == names()  # cached on B now
        status, body, _ = request(writer, {"name": f"Live {n}", "category": "open"}, auth)
        assert status == 200, body
        assert f"Live {n}" in names()
        status_id = body["data"]["id"]
        for method, body in (
            ("PUT", {"name": f"Renamed {n}", "category": "open"}),
            ("DELETE", None),
        ):
            req = urllib.request.Request(  # noqa: S310 (our own local server)
                f"{writer}/{status_id}",
                data=json.dumps(body).encode() if body else None,
                headers={"Content-Type": "application/json", **auth},
                method=method,
            )
            urllib.request.urlopen(req, timeout=10).close()  # noqa: S310
            if method == "PUT":
                assert f"Renamed {n}" in names() and f"Live {n}" not in names()
        assert f"Renamed {n}" not in names()


def test_the_database_going_away_is_a_503_and_the_portal_recovers_by_itself(portal):
    token = base64.b64encode(portal["credentials"].encode()).decode()
    auth = {"Authorization": f"Basic {token}"}
    folder = portal["folder"]
    moved = folder.with_name("moved-away")
    # A new connection per request, and no cached credential: a persistent SQLite connection
    # keeps reading a moved file, so the database would not go away for this server.
    env = {**portal["env"], "CONN_MAX_AGE": "0", "CREDENTIAL_CACHE_SECONDS": "0"}
    with gunicorn(env, workers=1) as url:
        assert request(url + "/api/v1/statuses", headers=auth)[0] == 200
        shutil.move(folder, moved)  # the database file cannot be opened any more
        try:
            status, body, headers = request(url + "/api/v1/statuses", headers=auth)
        finally:
            shutil.move(moved, folder)
        recovered = request(url + "/api/v1/statuses", headers=auth)[0]
    assert status == 503, body
    assert headers["Retry-After"] == "5"
    assert body["status"] == "error" and body["error_type"] == "GeneralException"
    # Nothing to restart: the next request opens a new connection.
    assert recovered == 200


@pytest.mark.one_database  # gunicorn's threads: the same whatever the cache
def test_ten_slow_clients_do_not_starve_the_server(portal):
    """Ten clients trickle their headers a byte at a time (a slowloris): with the project's
    gunicorn.conf.py (threaded workers) ordinary requests are still answered within 1 s."""
    with gunicorn(portal["env"], workers=None) as url:  # the workers and threads of the config
        host, port = url.removeprefix("http://").split(":")
        for _ in range(9):  # warm every worker up: the test is about starving, not cold starts
            request(url + "/api/v1/statuses")
        slow = []
        for _ in range(10):
            conn = socket.create_connection((host, int(port)), timeout=10)
            conn.sendall(b"GET /api/v1/statuses HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            slow.append(conn)
        try:
            deadline = time.monotonic() + 8
            answered = []
            while time.monotonic() < deadline:
                for conn in slow:
                    conn.sendall(b"X-Slow: 1\r\n")  # never finishing the headers
                start = time.monotonic()
                status = request(url + "/api/v1/statuses")[0]
                answered.append((status, time.monotonic() - start))
                time.sleep(0.5)
        finally:
            for conn in slow:
                conn.close()
    assert len(answered) >= 10
    assert all(status == 401 for status, _ in answered), answered
    assert max(seconds for _, seconds in answered) < 1, answered


@pytest.mark.one_database  # gunicorn's configuration: the same whatever the cache
@pytest.mark.parametrize(("trusted", "redirected"), [("127.0.0.1", False), ("192.0.2.1", True)])
def test_x_forwarded_proto_is_believed_only_from_a_trusted_proxy(portal, trusted, redirected):
    env = {**portal["env"], "HTTPS": "true", "TRUSTED_PROXIES": trusted}
    with gunicorn(env) as url:
        head, _body = raw_http(
            url,
            b"GET /api/v1/statuses HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"X-Forwarded-Proto: https\r\nConnection: close\r\n\r\n",
        )
    status = head.split()[1]
    if redirected:  # a client that reaches the app server directly gets sent to HTTPS
        assert status == "301" and "Location: https://127.0.0.1/api/v1/statuses" in head
    else:  # the proxy says the client used HTTPS: served (here: not logged in)
        assert status == "401", head


@pytest.mark.one_database  # SQLite's own write lock
def test_a_locked_sqlite_database_is_a_503_not_a_500(portal):
    """A long import holds SQLite's write lock; a write that times out waiting for it is told
    to retry (503 + Retry-After, in its surface's shape) instead of failing with a 500."""
    env = {**portal["env"], "SQLITE_TIMEOUT": "1"}
    auth = {"Authorization": "token " + portal["credentials"]}
    body = {"name": "Waiting on lock", "category": "open"}  # a write: it needs the lock
    with gunicorn(env) as url:
        lock = sqlite3.connect(portal["folder"] / "db.sqlite3", isolation_level=None)
        try:
            lock.execute("BEGIN IMMEDIATE")  # what a writer in another process holds
            status, reply, headers = request(url + "/api/v1/statuses", body, auth)
        finally:
            lock.execute("ROLLBACK")
            lock.close()
        assert status == 503, reply
        assert headers["Retry-After"] == "5"
        assert reply["error_type"] == "GeneralException"
        # Once the lock is gone the portal answers normally, with nothing restarted.
        status, reply, _headers = request(url + "/api/v1/statuses", headers=auth)
    assert status == 200, reply


@pytest.mark.one_database  # gunicorn's and serve.sh's signals: the same whatever the cache
def test_ctrl_c_stops_make_runs_server_quickly_and_quietly(portal, tmp_path):
    """`make run` serves with scripts/serve.sh: gunicorn and the webhooks worker, in one process
    group. Ctrl-C there, with a browser's connections open (one kept alive after a reply, one
    idle, one whose request never finished), ends every process within seconds and logs
    nothing alarming. Before, a worker thread waiting on the unfinished request kept its
    process alive until gunicorn killed it after 30 s: "Worker was sent SIGKILL! Perhaps out
    of memory?"."""
    port = free_port()
    log_path = tmp_path / "serve.log"
    process = serve_sh(portal, port, log_path)
    connections = []
    try:
        deadline = time.monotonic() + 60
        while not serving(port, process):
            assert time.monotonic() < deadline, log_path.read_text(errors="replace")
            time.sleep(0.1)
        kept = socket.create_connection(("127.0.0.1", port), timeout=10)
        kept.sendall(b"GET /api/v1/statuses HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert kept.recv(65536).startswith(b"HTTP/1.1 401")  # answered, kept alive
        idle = socket.create_connection(("127.0.0.1", port))
        half = socket.create_connection(("127.0.0.1", port))
        half.sendall(b"GET /api/v1/statuses HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # no end
        connections += [kept, idle, half]
        # The half-sent request has reached a worker thread when a request on another
        # connection has been answered after it (same worker or not, they are all up).
        assert answers_http(port)

        left = ctrl_c(process)
    finally:
        for conn in connections:
            conn.close()
        if group_processes(process.pid):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    output = log_path.read_text(errors="replace")
    assert not left, f"still running 8 s after Ctrl-C:\n{left}\n{output}"
    for alarming in ("SIGKILL", "out of memory", "Traceback", "exiting now", "Error", "TIMEOUT"):
        assert alarming not in output, f"{alarming!r} in the output\n{output}"
    assert "Shutting down: Master" in output, output


@pytest.mark.one_database  # serve.sh's signals: the same whatever the database
def test_ctrl_c_while_make_run_is_starting_stops_everything(portal, tmp_path):
    """Ctrl-C as soon as gunicorn listens, while the webhooks worker is still starting and
    has not taken the signal over: everything still ends within seconds, quietly. A
    background job of the script starts with Ctrl-C ignored, so the worker misses it;
    before, it then ran on."""
    port = free_port()
    log_path = tmp_path / "serve.log"
    process = serve_sh(portal, port, log_path)
    try:
        # gunicorn has taken Ctrl-C over once it listens; the webhooks worker (Django to
        # load) takes a second or so more, and only then takes it over.
        deadline = time.monotonic() + 30
        while b"Listening at" not in log_path.read_bytes():
            assert time.monotonic() < deadline, log_path.read_text(errors="replace")
            time.sleep(0.02)
        left = ctrl_c(process)  # while the worker is starting
    finally:
        if group_processes(process.pid):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    output = log_path.read_text(errors="replace")
    assert not left, f"still running 8 s after Ctrl-C:\n{left}\n{output}"
    for alarming in ("SIGKILL", "out of memory", "Traceback", "exiting now", "Error"):
        assert alarming not in output, f"{alarming!r} in the output\n{output}"


def serve_sh(portal, port, log_path):
    """scripts/serve.sh (what `make run` starts) on the portal, its output in `log_path`, in
    a process group of its own, as a terminal gives it."""
    with open(log_path, "wb") as log:
        return subprocess.Popen(
            ["scripts/serve.sh", "127.0.0.1", str(port)],
            cwd=ROOT,
            env={**portal["env"], "BIN": str(BIN)},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def ctrl_c(process):
    """Ctrl-C to serve.sh's process group; what is still running 8 s later (`ps` lines)."""
    os.killpg(process.pid, signal.SIGINT)
    deadline = time.monotonic() + 8
    while group_processes(process.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    return group_processes(process.pid)


def serving(port, process):
    """Whether serve.sh's gunicorn answers on the port yet (it must not have ended)."""
    assert process.poll() is None, "serve.sh ended"
    try:
        return answers_http(port)
    except OSError:
        return False


def group_processes(pgid):
    """`ps` lines of the session's processes (serve.sh leads it) still running, not zombies."""
    out = subprocess.run(
        ["ps", "-o", "pid=,stat=,args=", "-s", str(pgid)], capture_output=True, text=True
    ).stdout
    return "\n".join(line for line in out.splitlines() if line.split()[1][0] != "Z")
