"""gunicorn.conf.py's worker set-up that the live-process tests cannot see from outside."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.one_database  # a process of its own; no database is touched
def test_a_worker_freezes_the_loaded_app_for_the_garbage_collector():
    """freeze_loaded_app (from post_worker_init) imports every view through the URLconf and
    moves what is alive out of the collector's sight: a full collection then walks a few
    objects instead of the whole of Django and DRF."""
    script = """
import gc, json, runpy, sys
import django
django.setup()
conf = runpy.run_path("gunicorn.conf.py")
before = len(gc.get_objects())
conf["freeze_loaded_app"]()
print(json.dumps({
    "before": before,
    "frozen": gc.get_freeze_count(),
    "tracked": len(gc.get_objects()),
    "views": "statuses.libredesk.views" in sys.modules,
}))
"""
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CACHE_URL"}},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "ENV_FILE": "/dev/null",
        "SECRET_KEY": "test-only-" + "x" * 50,
        "DEBUG": "false",
    }
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["views"]  # the URLconf was loaded before the freeze
    assert found["frozen"] > 50_000
    assert found["tracked"] < found["before"] / 20
