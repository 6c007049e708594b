"""Rocket.Chat's own npm artefacts against a live portal.

`tests/rocketchat_js/admin_table.mjs` replays the requests of Rocket.Chat's admin screen
"Custom User Status" (first load, search, paging, sorting, opening a row) through
`@rocket.chat/api-client`, built as that screen builds them.

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

# A vendor's client against the live server: what it sends and reads does not depend on
# the database behind it (the API's own tests run on both), so once is enough.
pytestmark = pytest.mark.one_database

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
    renamed = report["renamed"]
    assert (renamed["_id"], renamed["name"]) == (report["updated"]["_id"], "Late lunch")
    assert renamed["statusType"] == "offline"  # kept: the update left statusType out
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
    assert statuses == {"Away for a bit": "away", "Late lunch": "offline"}
    # The manager's and the SDK's sessions ended; the viewer's api-client session is left.
    assert list(LoginToken.objects.values_list("user__username", flat=True)) == ["rcviewer"]


def run_script(node, *args):
    """The one result line of a script of tests/rocketchat_js, after it exited cleanly."""
    result = subprocess.run([node, *args], cwd=JS_DIR, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.splitlines()


# The sort parameter of the admin table, as it writes it (`{ "name": 1 }`) and as the
# client encodes it.
NAME_ASC = "%7B%20%22name%22%3A%201%20%7D"
NAME_DESC = "%7B%20%22name%22%3A%20-1%20%7D"
TYPE_ASC = "%7B%20%22statusType%22%3A%201%20%7D"


def test_rocketchat_admin_table_sequence(rocketchat_js, live_server):
    """The admin screen's requests, byte for byte as it sends them, are answered as
    Rocket.Chat's server answers them: the empty search box (`name=`) lists everything."""
    UserFactory(username="rcmanager")  # reading needs no permission
    types = ["online", "away", "busy", "offline"]
    names = [f"Status {i:02d}" for i in range(1, 28)] + ["Meeting", "In a meeting", "Break 1.5h"]
    for i, name in enumerate(names):
        UserStatus.objects.create(name=name, status_type=types[i % 4])
    in_order = sorted(names)  # Break 1.5h, In a meeting, Meeting, Status 01..27

    lines = run_script(rocketchat_js, "admin_table.mjs", live_server.url, "rcmanager", PASSWORD)
    line = next(line for line in lines if line.startswith("RC-TABLE "))
    steps = {step["step"]: step for step in json.loads(line.removeprefix("RC-TABLE "))}

    def sent(step, query, names, offset, total):
        got = steps[step]
        assert got["query"] == query, step
        assert got["names"] == names, step
        assert (got["count"], got["offset"], got["total"]) == (len(names), offset, total), step

    # The first load: the request of the issue, which the portal refused with a 400.
    sent("open the screen", f"count=25&name=&offset=0&sort={NAME_ASC}", in_order[:25], 0, 30)
    sent(
        'search "meet"',
        f"count=25&name=meet&offset=0&sort={NAME_ASC}",
        ["In a meeting", "Meeting"],
        0,
        2,
    )
    # escapeRegExp's `1\.5`, searched for literally, as Rocket.Chat's route does.
    sent('search "1.5"', f"count=25&name=1%5C.5&offset=0&sort={NAME_ASC}", [], 0, 0)
    sent('search ""', f"count=25&name=&offset=0&sort={NAME_ASC}", in_order[:25], 0, 30)
    sent("page 2", f"count=25&name=&offset=25&sort={NAME_ASC}", in_order[25:], 25, 30)
    # Sorting keeps the page: the second page of the other direction, then back.
    descending = in_order[::-1]
    sent("sort by name desc", f"count=25&name=&offset=25&sort={NAME_DESC}", descending[25:], 25, 30)
    sent("sort by name asc", f"count=25&name=&offset=25&sort={NAME_ASC}", in_order[25:], 25, 30)
    sent("page 1", f"count=25&name=&offset=0&sort={NAME_ASC}", in_order[:25], 0, 30)
    by_type = steps["sort by statusType asc"]
    assert by_type["query"] == f"count=25&name=&offset=0&sort={TYPE_ASC}"
    assert by_type["types"] == sorted(by_type["types"]) and len(by_type["types"]) == 25
    assert steps["50 per page"]["query"] == f"count=50&name=&offset=0&sort={TYPE_ASC}"
    assert sorted(steps["50 per page"]["names"]) == in_order
    assert steps["50 per page"]["types"] == sorted(steps["50 per page"]["types"])
    assert steps['search "Meeting"']["query"] == f"count=50&name=Meeting&offset=0&sort={TYPE_ASC}"
    # By status type: Meeting (offline) before In a meeting (online).
    assert steps['search "Meeting"']["names"] == ["Meeting", "In a meeting"]
    assert steps['search "Meeting"']["types"] == ["offline", "online"]
    edit = steps['edit "Meeting"']
    assert edit["query"] == f"_id={UserStatus.objects.get(name='Meeting').pk}"
    assert (edit["names"], edit["total"]) == (["Meeting"], 1)
