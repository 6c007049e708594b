"""The category and tag calls of the vendor's SDK (CategoryService, TagService) against a
live portal: `tests/selfcommunity_sdk/taxonomy.js` runs each method (and the React UI's own
hashtag and addressing lookups), validates every reply against the vendor's types, and
this test checks what came back, step by step, and what the database holds after."""

import json
import subprocess
from datetime import timedelta

import pytest
from django.utils import timezone

from community import taxonomy
from community.models import Category, CategoryFollow, StatusHide, Tag
from tests.community.factories import CategoryFactory, StatusFactory, TagFactory
from tests.community.test_selfcommunity_sdk import SDK_DIR, sdk_installed  # noqa: F401
from tests.conftest import issue_bearer
from tests.factories import UserFactory

# A vendor's client against the live server: what it sends and reads does not depend on
# the database behind it (the API's own tests run on both), so once is enough.
pytestmark = pytest.mark.one_database

MISSING = 999_999


def names(page):
    return [item["name"] for item in page["body"]["results"]]


def test_sdk_category_and_tag_calls(sdk_installed, live_server, oauth_app, tmp_path):  # noqa: F811
    member = UserFactory(username="member")
    manager = UserFactory(username="manager", perms=["community.change_category"])
    root = CategoryFactory(name="Announcements", name_synonyms="News\nUpdates", order=1)
    releases = CategoryFactory(name="Releases", parents=[root], order=2)
    staff = CategoryFactory(name="Staff room", content_only_staff=True, order=3)
    CategoryFactory(name="Staff notes", parents=[staff], order=4)
    CategoryFactory(name="Archive", active=False, order=5)
    for _ in range(2):
        taxonomy.category_follow_toggle(category=root, user=UserFactory())

    now = timezone.now()
    # In Releases (and so in its parent): the oldest has the latest activity.
    older = StatusFactory(
        categories=[releases, root],
        added_at=now - timedelta(hours=3),
        last_activity_at=now,
    )
    newer = StatusFactory(
        categories=[releases, root],
        added_at=now - timedelta(hours=2),
        last_activity_at=now - timedelta(hours=2),
    )
    StatusFactory(categories=[releases, root], deleted=True)
    hidden = StatusFactory(categories=[releases, root], added_at=now - timedelta(minutes=5))
    StatusHide.objects.create(status=hidden, user=member)
    newest = StatusFactory(categories=[root], added_at=now - timedelta(hours=1))

    for name, kind, visible in [
        ("everyone", Tag.Type.USER, True),
        ("support team", Tag.Type.USER, True),
        ("team leads", Tag.Type.USER, False),
        ("news", Tag.Type.CONTRIBUTION, True),
        ("product", Tag.Type.CATEGORY, True),
    ]:
        TagFactory(name=name, type=kind, visible=visible)

    source = {
        "baseUrl": live_server.url,
        "token": issue_bearer(member, oauth_app),
        "managerToken": issue_bearer(manager, oauth_app),
        "ids": {
            "root": root.pk,
            "releases": releases.pk,
            "missing": MISSING,
            "categoryTag": Tag.objects.get(name="product").pk,
        },
    }
    (tmp_path / "input.json").write_text(json.dumps(source))
    result = subprocess.run(
        [sdk_installed, "taxonomy.js", str(tmp_path / "input.json")],
        cwd=SDK_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("SDK-RESULT "))
    report = json.loads(line.removeprefix("SDK-RESULT "))
    assert report["problems"] == []
    steps = report["steps"]

    # The list's filters.
    assert steps["listAll"]["body"]["count"] == 5
    assert names(steps["listSearch"]) == ["Announcements"]  # a synonym, any case
    assert names(steps["listInactive"]) == ["Archive"]
    assert steps["listDeleted"]["body"] == {
        "count": 0,
        "next": None,
        "previous": None,
        "results": [],
    }
    # Not staff-only, not below a staff-only one, not inactive.
    assert names(steps["listPostable"]) == ["Announcements", "Releases"]
    assert steps["listBadBoolean"]["status"] == 400
    assert steps["listBadBoolean"]["codes"] == {"activeError": {"error": "invalid"}}
    assert names(steps["searchHashtag"]) == ["Releases"]
    assert all(c["followed"] is False for c in steps["listAll"]["body"]["results"])

    # Following.
    assert steps["isFollowedBefore"]["body"] == {"is_followed": False}
    assert steps["follow"] == {"status": 204, "body": ""}
    assert steps["isFollowedAfter"]["body"] == {"is_followed": True}
    one = steps["oneCategory"]["body"]
    assert (one["followed"], one["followers_counter"]) == (True, 1)
    assert names(steps["followed"]) == ["Releases"]
    assert steps["followed"]["body"]["results"][0]["followed"] is True
    assert steps["followedSearch"]["body"]["count"] == 0
    followers = steps["followers"]["body"]
    assert [user["username"] for user in followers["results"]] == ["member"]
    assert "email" not in followers["results"][0]
    assert steps["audience"]["body"] == {"category_audience": 1, "connections_audience": 0}
    popular = steps["popular"]["body"]["results"]
    assert [(c["name"], c["followers_counter"]) for c in popular] == [
        ("Announcements", 2),
        ("Releases", 1),
        ("Staff room", 0),
    ]
    assert steps["unfollow"] == {"status": 204, "body": ""}
    assert steps["isFollowedAtEnd"]["body"] == {"is_followed": False}
    for step in ("unknownCategory", "followUnknown"):
        assert steps[step]["status"] == 404
        assert steps[step]["codes"] == {"error": "not_found"}

    # The feed: no deleted post, none hidden by the caller; each a feed unit.
    feed = steps["feed"]["body"]
    assert [unit["status"]["id"] for unit in feed["results"]] == [newest.pk, newer.pk, older.pk]
    assert all(unit["type"] == "status" and unit["has_boost"] is False for unit in feed["results"])
    assert "seen" not in feed["results"][0]
    by_activity = steps["feedByActivity"]["body"]["results"]
    assert [unit["status"]["id"] for unit in by_activity] == [older.pk, newer.pk]
    assert steps["feedRelevance"]["status"] == 400
    assert steps["feedRelevance"]["codes"] == {"orderingError": {"error": "invalid_choice"}}

    assert names(steps["children"]) == ["Releases"]
    assert names(steps["parents"]) == ["Announcements"]

    # Tags: the newest first by default; the filters; orderings by name.
    assert names(steps["tagsNewest"]) == [
        "product",
        "news",
        "team leads",
        "support team",
        "everyone",
    ]
    assert names(steps["tagsByName"]) == [
        "everyone",
        "support team",
        "team leads",
        "news",
        "product",
    ]
    assert names(steps["tagsFiltered"]) == ["support team", "everyone"]
    assert names(steps["tagsHidden"]) == ["team leads"]
    assert steps["tagsDeleted"]["body"]["count"] == 0
    assert steps["tagsBadOrdering"]["codes"] == {"orderingError": {"error": "invalid_choice"}}
    assert names(steps["tagSearch"]) == ["team leads", "support team"]
    assert names(steps["userTags"]) == ["team leads", "support team"]

    # Putting a tag on a category.
    assert steps["assignAsMember"]["status"] == 403
    assert steps["assign"]["status"] == steps["assignAgain"]["status"] == 204
    assert steps["assignUser"]["codes"] == {"userError": {"error": "invalid"}}
    assert [t["name"] for t in steps["categoryWithTag"]["body"]["tags"]] == ["product"]

    # What the database holds: the counters equal the follow rows.
    for category in Category.objects.all():
        assert category.follower_count == CategoryFollow.objects.filter(category=category).count()
    assert Category.objects.get(pk=root.pk).follower_count == 2
    assert list(releases.tags.values_list("name", flat=True)) == ["product"]
