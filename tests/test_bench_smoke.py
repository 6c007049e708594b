"""A smoke run of the benchmark (`bench/`, docs/performance.md) with tiny sizes, so that it
cannot rot: a fresh database seeded by bench.seed, the bulk-create measurement, a real
gunicorn with bench.settings (the two floors included), and a few requests on every row of
issues 13 and 26 and the scale rows (cached, and on a second server with the reply cache
off), each of which must answer 2xx. The requests come
from the benchmark's Python client, so wrk is not needed; where wrk is installed, a one-
second wrk run of the floor and of a create checks bench/wrk.lua too.

On the PostgreSQL half of `make test` the run uses PostgreSQL (in a database of its own).
"""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.surfaces import TESTED

ROOT = Path(__file__).resolve().parent.parent

# The rows each surface's entry says measure it (config/surfaces.py, `tests.bench`), beside
# the two floors: a surface's row that disappears, or a stray row, fails here.
ROWS = {"floor", "write-floor", *(row for surface in TESTED for row in surface.tests.bench)}
SCALE_ROWS = {
    "selfcommunity-list-scale",
    "selfcommunity-search-scale",
    "selfcommunity-list-scale-miss",
    "selfcommunity-search-scale-miss",
}


def test_each_surface_names_its_own_rows():
    for surface in TESTED:
        assert all(row.startswith(f"{surface.anchor}-") for row in surface.tests.bench), surface


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
    rows = {row["key"]: row for row in results["rows"]}
    # Each create is measured against the write floor, each list against the read floor;
    # each row carries its own floor's requests/s.
    for key, row in rows.items():
        assert row["floor"] == ("write-floor" if "create" in key else "floor"), row
        assert row["floor_rps"] > 0, row
    assert rows["libredesk-create-50-subscriptions"]["subscriptions"] == 50
    assert rows["libredesk-create-50-subscriptions"]["relative"] > 0
    assert "Write floor (bare Django view, one INSERT)" in done.stdout
    misses = [row for row in results["scale"] if row["key"].endswith("-miss")]
    assert [row["reply_cache"] for row in misses] == [False, False]

    bulk = results["bulk_create"]
    assert bulk["items"] > 1
    assert bulk["median_seconds"] > 0

    if shutil.which("wrk"):
        checks = {check["key"]: check for check in results["wrk_check"]}
        assert set(checks) == {"floor", "write-floor", "selfcommunity-create"}
        for check in checks.values():
            assert check["requests"] > 0, check
            assert check["errors"] == 0, check


@pytest.mark.one_database  # SQLite in its own process, whatever the run's database
def test_profile_stages_smoke():
    """bench.profile --stages times each stage of a create's requests (bench/stages.py)."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.profile",
            "--smoke",
            "--requests",
            "5",
            "--row",
            "libredesk-create",
            "--stages",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CACHE_URL"}},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    stages = dict(re.findall(r"^ {4,}(\S.*?)\s+(\d+) µs$", done.stdout, re.MULTILINE))
    for stage in ("authentication", "serializer validation (is_valid)", "history row", "COMMIT"):
        assert int(stages[stage]) > 0, done.stdout
