"""The vendor's JavaScript SDK (@selfcommunity/api-services) against a live portal.

`tests/selfcommunity_sdk/run.js` drives FeedObjectService with type "status": create, list,
search, retrieve, update, delete, restore, and a create without categories whose field error
must come through the SDK's own `formatHttpError`. A missing node or npm fails the test.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from community.models import Status
from tests.community.factories import CategoryFactory
from tests.conftest import issue_bearer
from tests.factories import UserFactory

SDK_DIR = Path(__file__).resolve().parent.parent / "selfcommunity_sdk"


@pytest.fixture(scope="session")
def sdk_installed():
    """node_modules for the SDK, installed from the lock file when missing."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        pytest.fail("node and npm are needed to run the SelfCommunity SDK test")
    if not (SDK_DIR / "node_modules" / "@selfcommunity" / "api-services").is_dir():
        result = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"],
            cwd=SDK_DIR,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if result.returncode != 0:
            pytest.fail(f"npm ci failed:\n{result.stdout}\n{result.stderr}")
    return node


def test_sdk_full_flow(sdk_installed, live_server, oauth_app):
    user = UserFactory(username="sdkuser")
    CategoryFactory(name="General")
    token = issue_bearer(user, oauth_app)
    result = subprocess.run(
        [sdk_installed, "run.js", live_server.url, token],
        cwd=SDK_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("SDK-RESULT "))
    report = json.loads(line.removeprefix("SDK-RESULT "))
    created = report["created"]
    assert created["author"]["id"] == user.pk
    assert "<script" not in created["html"] and "<b>api-services</b>" in created["html"]
    assert created["location"] == {"location": "Rome", "lat": 41.9, "lng": 12.5}
    assert report["updated"]["action"] == "Edited by the SDK"
    assert report["deletedStatus"] == 404
    assert report["missingCategories"] == {
        "status": 400,
        "formatted": {"categoriesError": {"error": "This field is required."}},
        "codes": {"categoriesError": {"error": "required"}},
    }
    status = Status.objects.get(pk=created["id"])
    assert status.action == "Edited by the SDK" and status.deleted is False
    assert Status.objects.count() == 1
