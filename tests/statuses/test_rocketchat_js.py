"""Rocket.Chat's own npm artefacts against a live portal.

`tests/rocketchat_js/run.mjs` drives `@rocket.chat/api-client` through login, me, logout and
the four custom-user-status routes (loading one status with `query={"_id":...}` and editing
`statuses[0]`, as Rocket.Chat's admin screen does), and `@rocket.chat/sdk`'s REST login and
its logout with GET. Every reply it receives is validated against the JSON schemas of the
pinned `@rocket.chat/core-typings` (`ICustomUserStatus`, `IMeApiUser`) and
`@rocket.chat/rest-typings` (the /me schema, the 400/401/403 error validators). A missing
node or npm fails the test.
"""

import json
import subprocess
from pathlib import Path

import pytest

from access.models import LoginToken
from statuses.models import UserStatus
from tests.factories import UserFactory
from tests.npm import node_with_packages

JS_DIR = Path(__file__).resolve().parent.parent / "rocketchat_js"
PASSWORD = "pw-secret-123"
MANAGE = ["statuses.add_userstatus", "statuses.change_userstatus", "statuses.delete_userstatus"]


@pytest.fixture(scope="session")
def rocketchat_js():
    """node_modules for the run, installed from the lock file when missing."""
    return node_with_packages(JS_DIR, what="Rocket.Chat's npm packages")


def test_rocketchat_npm_artefacts(rocketchat_js, live_server):
    manager = UserFactory(username="rcmanager", perms=MANAGE)
    UserFactory(username="rcviewer")
    UserStatus.objects.create(name="Away for a bit", status_type="away")
    result = subprocess.run(
        [rocketchat_js, "run.mjs", live_server.url, "rcmanager", "rcviewer", PASSWORD],
        cwd=JS_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("RC-RESULT "))
    report = json.loads(line.removeprefix("RC-RESULT "))

    me = report["me"]
    assert me.pop("success") is True
    assert me == report["loginMe"] and me["_id"] == str(manager.pk)
    assert "type" not in me and "services" not in me
    assert report["listed"] == ["Away for a bit", "In a meeting", "Lunch"]
    assert report["updated"]["name"] == "Long lunch"
    assert report["searched"] == ["In a meeting"]
    assert report["countZero"] == [3, 3]
    assert report["duplicate"]["errorType"] == "Custom_User_Status_Error_Name_Already_In_Use"
    assert report["unknownParam"]["errorType"] == "invalid-params"
    assert report["badQuery"]["errorType"] == "invalid-params"
    assert report["forbidden"]["errorType"] == "error-unauthorized"
    assert report["logout"]["data"]["message"] == "You've been logged out!"
    assert report["sdkCalls"] == [
        f"POST {live_server.url}/api/v1/login 200",
        f"GET {live_server.url}/api/v1/logout 200",
    ]
    # Every reply was validated: the run lists what it checked.
    assert len(report["checked"]) >= 20

    statuses = dict(UserStatus.objects.values_list("name", "status_type"))
    assert statuses == {"Away for a bit": "away", "Long lunch": "offline"}
    # The manager's and the SDK's sessions ended; the viewer's api-client session is left.
    assert list(LoginToken.objects.values_list("user__username", flat=True)) == ["rcviewer"]
