"""The two requirement files (issue 25 item 16): requirements.txt holds what runs the portal,
requirements-dev.txt adds the tests and tools on top of it; both pin every package; and the
portal's own code imports none of the tools, so a server installed from requirements.txt
alone runs."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(\[[a-z,]+\])?==[0-9][0-9A-Za-z.+-]*$")
# The portal's code: what a production server imports (not tests, bench or scripts).
APPS = ["access", "community", "config", "core", "reasons", "statuses", "webhooks"]
# Modules of packages that only requirements-dev.txt installs.
TOOLS = {
    "pytest",
    "pytest_django",
    "xdist",
    "factory",
    "playwright",
    "schemathesis",
    "hypothesis",
    "ruff",
    "importlinter",
    "rocketchat_API",
    "requests_oauthlib",
    "faker",
}


def names(lines):
    """The distribution names of `lines` (`name[extra]==version`), normalised."""
    return {line.split("==")[0].split("[")[0].lower().replace("_", "-") for line in lines}


def packages(path):
    lines = [line.split("#")[0].strip() for line in path.read_text().splitlines()]
    return [line for line in lines if line]


def test_every_package_is_pinned_and_dev_builds_on_the_runtime_set():
    runtime = packages(ROOT / "requirements.txt")
    dev = packages(ROOT / "requirements-dev.txt")
    assert dev[0] == "-r requirements.txt"
    for line in runtime + dev[1:]:
        assert PIN.match(line), f"not pinned as name==version: {line}"
    assert names(runtime) & names(dev[1:]) == set(), "pinned in both files"
    tools = {"pytest", "playwright", "schemathesis", "hypothesis", "ruff", "factory-boy"}
    assert names(runtime) & tools == set()
    assert tools <= names(dev[1:])


def test_the_portal_imports_no_test_tool():
    found = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    modules = [node.module]
                else:
                    continue
                found += [
                    f"{path.relative_to(ROOT)}: {module}"
                    for module in modules
                    if module.split(".")[0] in TOOLS
                ]
    assert found == []
