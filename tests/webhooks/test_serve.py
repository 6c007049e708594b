"""`make run`'s server script: gunicorn and the webhooks worker together, one Ctrl-C for
both, and the worker really delivers what the server's writes emit."""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.live import ROOT, answers_http, free_port, manage, migrated, portal_env
from tests.webhooks.receiver import start_receiver
from tests.webhooks.test_crash import EVENT_TYPES, SETUP, Api


def children(pid):
    try:
        out = subprocess.run(
            ["ps", "-o", "pid=,args=", "--ppid", str(pid)], capture_output=True, text=True
        ).stdout
    except FileNotFoundError:
        return []
    return [line.strip() for line in out.splitlines() if line.strip()]


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.one_database  # a portal on a SQLite file of its own
def test_serve_runs_gunicorn_and_the_worker_and_ctrl_c_stops_both():
    receiver = start_receiver()
    with tempfile.TemporaryDirectory(prefix="portal-serve-") as tmp:
        env = portal_env(Path(tmp) / "db.sqlite3", WEBHOOKS_ALLOW_PRIVATE_TARGETS="true")
        env["BIN"] = str(Path(sys.executable).parent)
        migrated(env)
        setup = json.loads(
            manage(env, "shell", "-c", SETUP.format(url=receiver.url, types=EVENT_TYPES))
            .strip()
            .splitlines()[-1]
        )
        port = free_port()
        log = open(Path(tmp) / "serve.log", "wb")  # noqa: SIM115 (closed below)

        def output():
            return (Path(tmp) / "serve.log").read_text(errors="replace")[-3000:]

        process = subprocess.Popen(
            ["scripts/serve.sh", "127.0.0.1", str(port)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, as a terminal gives it
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if answers_http(port):
                        break
                except OSError:
                    assert time.monotonic() < deadline, f"the server did not start\n{output()}"
                    time.sleep(0.2)
            running = children(process.pid)
            assert any("webhooks_worker" in line for line in running), (running, output())
            assert any("gunicorn" in line for line in running), (running, output())
            api = Api(setup["key"], setup["secret"])
            api.change(f"http://127.0.0.1:{port}", 0, [])
            received = receiver.wait_for(1, timeout=60)
            assert len(received) == 1, output()
            (request,) = received
            assert json.loads(request.body)["type"] == "libredesk.status.created"
            pids = [int(line.split()[0]) for line in running]
            os.killpg(process.pid, signal.SIGINT)  # Ctrl-C
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                raise AssertionError(f"Ctrl-C did not stop the script\n{output()}") from None
            # The worker finishes the task it is running first (a send takes at most 30 s).
            deadline = time.monotonic() + 40
            while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
                time.sleep(0.1)
            left = [line for line in running if alive(int(line.split()[0]))]
            assert not left, f"Ctrl-C left {left}\n{output()}"
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
            receiver.server.shutdown()
            log.close()
