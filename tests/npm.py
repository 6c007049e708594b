"""The npm packages that vendor-client tests run, installed from their committed lock file."""

import fcntl
import json
import shutil
import subprocess
from pathlib import Path

import pytest


def node_with_packages(folder: Path, *, what: str) -> str:
    """The path of `node`, once every dependency in `folder/package.json` is installed
    (`npm ci` from the lock file when one is missing). A missing node or npm fails the
    test: these tests must run wherever `make test` runs."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        pytest.fail(f"node and npm are needed to run {what}")
    wanted = json.loads((folder / "package.json").read_text())["dependencies"]
    # `make test` runs the tests in several processes (pytest-xdist): two tests of one folder
    # may ask at once, and a second `npm ci` would delete the node_modules/ the first is
    # filling. The first to take the lock installs; the other waits, then finds it done.
    with (folder / ".npm-ci.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not all((folder / "node_modules" / name).is_dir() for name in wanted):
            result = subprocess.run(
                [npm, "ci", "--no-audit", "--no-fund"],
                cwd=folder,
                capture_output=True,
                text=True,
                timeout=300,
            )
            if result.returncode != 0:
                pytest.fail(f"npm ci failed:\n{result.stdout}\n{result.stderr}")
    return node
