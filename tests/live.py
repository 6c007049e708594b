"""Real app servers for tests that need more than one process: gunicorn on free ports,
sharing one SQLite database file and whatever cache CACHE_URL names (the default database
cache, or Redis in the PostgreSQL half of `make test`)."""

import atexit
import functools
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def portal_env(database_file, **overrides):
    """The environment of a production-like portal process on `database_file`."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "PGHOST", "PGPORT"}}
    env.update(
        ENV_FILE="/dev/null",
        SECRET_KEY="live-test-secret-key-0123456789abcdef0123456789",
        DEBUG="false",
        HTTPS="false",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=f"sqlite:///{database_file}",
        MEDIA_ROOT=str(Path(database_file).parent / "media"),
        **overrides,
    )
    return env


def manage(env, *args):
    """Run manage.py with `env`; return its stdout."""
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@functools.cache
def _migrated_template():
    """A SQLite file that `manage.py migrate` made, once per test session (a migrate of an
    empty database takes seconds)."""
    folder = Path(tempfile.mkdtemp(prefix="portal-migrated-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    template = folder / "db.sqlite3"
    manage(portal_env(template), "migrate", "--noinput", "-v", "0")
    return template


def migrated(env):
    """Give `env`'s SQLite database (portal_env) the tables and rows of a fresh `migrate`:
    a copy of the session's migrated template, made with SQLite's backup API (the portal
    keeps its files in WAL mode)."""
    target = env["DATABASE_URL"].removeprefix("sqlite:///")
    assert not Path(target).exists(), f"{target} is not a fresh database"
    with (
        sqlite3.connect(_migrated_template()) as source,
        sqlite3.connect(target) as copy,
    ):
        source.backup(copy)
    source.close()
    copy.close()


def answers_http(port):
    """Whether an HTTP request to the port gets an HTTP reply (any status, no redirects)."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
        conn.sendall(b"GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
        return conn.recv(16).startswith(b"HTTP/1.")


@contextmanager
def gunicorn(env, workers=1):
    """A gunicorn server of the portal with the project's gunicorn.conf.py (and `workers`
    processes, or as many as the config says with None); yields its base URL."""
    port = free_port()
    command = [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"]
    if workers is not None:
        command += ["--workers", str(workers)]
    # A file, not a pipe, for its output: a full pipe would block the server.
    log = tempfile.TemporaryFile()  # noqa: SIM115 (closed in the finally below)
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if answers_http(port):  # a worker has loaded the app, not just the socket bound
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    process.kill()
                    process.wait()
                    log.seek(0)
                    raise RuntimeError(log.read().decode()) from None
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


@contextmanager
def gunicorns(env, count):
    """`count` separate gunicorn servers on one database and cache; yields their URLs."""
    with ExitStack() as stack:
        yield [stack.enter_context(gunicorn(env)) for _ in range(count)]
