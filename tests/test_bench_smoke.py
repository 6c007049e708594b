"""A smoke run of the benchmark (`bench/`, docs/performance.md) with tiny sizes, so that it
cannot rot: a fresh database seeded by bench.seed, the bulk-create measurement, a real
gunicorn with bench.settings (the floor included), and a few requests on every row of
issue 13's table and the scale rows, each of which must answer 2xx. The requests come
from the benchmark's Python client, so wrk is not needed; where wrk is installed, a one-
second wrk run of the floor and of a create checks bench/wrk.lua too.

On the PostgreSQL half of `make test` the run uses PostgreSQL (in a database of its own).
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

ROWS = {
    "floor",
    "libredesk-list",
    "rocketchat-list",
    "liveperson-list",
    "selfcommunity-list",
    "libredesk-create",
    "rocketchat-create",
    "liveperson-create",
    "selfcommunity-create",
}
SCALE_ROWS = {"selfcommunity-list-scale", "selfcommunity-search-scale"}


def test_bench_smoke_run(tmp_path):
    db = "postgres" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    done = subprocess.run(
        [sys.executable, "-m", "bench.run", "--smoke", "--db", db, "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Floor (bare Django JSON view)" in done.stdout
    [path] = tmp_path.glob(f"*-{db}-smoke.json")
    results = json.loads(path.read_text())

    assert results["db"] == db
    assert {row["key"] for row in results["rows"]} == ROWS
    assert {row["key"] for row in results["scale"]} == SCALE_ROWS
    for row in results["rows"] + results["scale"]:
        assert row["requests"] > 0, row
        assert row["errors"] == 0, row
        assert row["p50_ms"] > 0, row
    assert results["rows"][0]["key"] == "floor"
    assert results["rows"][0]["ratio"] == 1
    assert all(row["ratio"] > 0 for row in results["rows"])

    bulk = results["bulk_create"]
    assert bulk["items"] > 1
    assert bulk["median_seconds"] > 0

    if shutil.which("wrk"):
        checks = {check["key"]: check for check in results["wrk_check"]}
        assert set(checks) == {"floor", "selfcommunity-create"}
        for check in checks.values():
            assert check["requests"] > 0, check
            assert check["errors"] == 0, check
