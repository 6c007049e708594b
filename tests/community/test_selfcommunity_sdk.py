"""The vendor's JavaScript SDK (@selfcommunity/api-services) against a live portal.

`tests/selfcommunity_sdk/run.js` drives FeedObjectService with type "status": create (with
media, addressing and tags, and once without `action`), list, search, retrieve, update,
delete, restore, and a create without categories whose field error must come through the
SDK's own `formatHttpError`; it reads categories, tags and a media through CategoryService,
TagService and MediaService. Every reply it receives is validated with ajv against the JSON
Schemas that ts-json-schema-generator makes from the pinned `@selfcommunity/types`
(`tests/selfcommunity_sdk/schemas.js`). A missing node or npm fails the test.
"""

import json
import subprocess
from pathlib import Path

import pytest

from community.models import DEFAULT_TAG_COLOR, Status, Tag
from tests.community.factories import CategoryFactory, TagFactory
from tests.conftest import issue_bearer
from tests.factories import UserFactory
from tests.npm import node_with_packages

# A vendor's client against the live server: what it sends and reads does not depend on
# the database behind it (the API's own tests run on both), so once is enough.
pytestmark = pytest.mark.one_database

SDK_DIR = Path(__file__).resolve().parent.parent / "selfcommunity_sdk"


@pytest.fixture(scope="session")
def sdk_installed():
    """node_modules for the SDK, installed from the lock file when missing."""
    return node_with_packages(SDK_DIR, what="the SelfCommunity SDK test")


def test_sdk_full_flow(sdk_installed, live_server, oauth_app):
    user = UserFactory(username="sdkuser")
    CategoryFactory(name="General")
    TagFactory(name="everyone", type=Tag.Type.USER, color="#3366ff")
    TagFactory(name="news", type=Tag.Type.CONTRIBUTION)  # no colour: the default
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
    assert [tag["name"] for tag in created["addressing"]] == ["everyone"]
    assert created["addressing"][0]["color"] == "#3366ff"
    assert [tag["name"] for tag in created["tags"]] == ["news"]
    assert created["tags"][0]["color"] == DEFAULT_TAG_COLOR
    assert report["withoutAction"]["action"] is None
    assert report["updated"]["action"] == "Edited by the SDK"
    assert report["deletedStatus"] == 404
    assert report["missingCategories"] == {
        "status": 400,
        "formatted": {"categoriesError": {"error": "This field is required."}},
        "codes": {"categoriesError": {"error": "required"}},
    }
    replies = report["replies"]
    assert replies["problems"] == []
    assert replies["kinds"] == {
        "page:category": 1,
        "page:tag": 2,
        "tag": 1,
        "media": 2,
        "status": 5,
        "page:status": 2,
        "empty": 2,
        "errors": 2,
    }
    status = Status.objects.get(pk=created["id"])
    assert status.action == "Edited by the SDK" and status.deleted is False
    assert Status.objects.count() == 2
