"""Real app servers for tests that need more than one process: gunicorn on free ports,
sharing one SQLite database file and whatever cache CACHE_URL names (the default database
cache, or Redis in the PostgreSQL half of `make test`)."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
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


@contextmanager
def gunicorn(env, workers=1):
    """A gunicorn server of the portal (the project's gunicorn.conf.py); yields its base URL."""
    port = free_port()
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "-c",
            "gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(url + "/", timeout=2)  # noqa: S310 (our own server)
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(process.stderr.read().decode()) from None
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextmanager
def gunicorns(env, count):
    """`count` separate gunicorn servers on one database and cache; yields their URLs."""
    with ExitStack() as stack:
        yield [stack.enter_context(gunicorn(env)) for _ in range(count)]
