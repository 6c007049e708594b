"""A member's marks on a status and a status's other lists, through the vendor's SDK
(`FeedObjectService` of @selfcommunity/api-services) against a live portal, and the React
UI's vote and follow requests replayed as react-core and react-ui send them
(`tests/selfcommunity_sdk/social.js`). Every reply is validated against the JSON Schemas
generated from the pinned @selfcommunity/types."""

import json
import subprocess
from pathlib import Path

import pytest

from community.models import Media, StatusFlag, StatusFollow, StatusSuspend, StatusVote
from tests.community.factories import CategoryFactory, MediaFactory, StatusFactory
from tests.conftest import issue_bearer
from tests.factories import UserFactory
from tests.npm import node_with_packages

# A vendor's client against the live server: what it sends and reads does not depend on
# the database behind it (the API's own tests run on both), so once is enough.
pytestmark = pytest.mark.one_database

SDK_DIR = Path(__file__).resolve().parent.parent / "selfcommunity_sdk"


@pytest.fixture(scope="session")
def sdk_installed():
    return node_with_packages(SDK_DIR, what="the SelfCommunity SDK test")


def run_social(node, tmp_path, payload):
    path = tmp_path / "social.json"
    path.write_text(json.dumps(payload))
    result = subprocess.run(
        [node, "social.js", str(path)],
        cwd=SDK_DIR,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("SOCIAL-RESULT "))
    return json.loads(line.removeprefix("SOCIAL-RESULT "))


def test_the_social_routes_through_the_sdk(sdk_installed, live_server, oauth_app, tmp_path):
    member = UserFactory(username="sdkmember")
    moderator = UserFactory(username="sdkmoderator", is_staff=True)
    sharer = UserFactory(username="sharer")
    news = CategoryFactory(name="News")
    target = StatusFactory(author__username="writer", categories=[news])
    related = StatusFactory(categories=[news])
    hidden = StatusFactory(categories=[news])
    share = MediaFactory(owner=sharer, type=Media.Type.SHARE, url="", shared_object=target)
    sharing = StatusFactory(author=sharer, categories=[CategoryFactory()])
    sharing.medias.set([share])
    commented = StatusFactory(comment_count=3)
    payload = {
        "baseUrl": live_server.url,
        "token": issue_bearer(member, oauth_app),
        "moderatorToken": issue_bearer(moderator, oauth_app),
        "memberId": member.pk,
        "ids": {
            "target": target.pk,
            "related": related.pk,
            "hidden": hidden.pk,
            "sharing": sharing.pk,
            "unknown": 999999,
        },
    }
    report = run_social(sdk_installed, tmp_path, payload)

    # The vote: the SDK's and the UI's, two clicks of which vote and take it back.
    assert report["vote"]["user"]["username"] == "sdkmember" and "reaction" not in report["vote"]
    assert report["badReaction"]["status"] == 400
    assert report["badReaction"]["formatted"] == {
        "reactionError": {"error": 'Invalid pk "2" - object does not exist.'}
    }
    assert report["uiClicks"] == [
        {"voted": True, "vote_count": 1},
        {"voted": False, "vote_count": 0},
    ]
    assert report["uiVoteWithReaction"] is True
    ui_votes = [
        e
        for e in report["exchanges"]
        if e["method"] == "POST" and e["path"] == f"/api/v2/status/{target.pk}/vote/"
    ]
    # The SDK's two votes, its refused reaction, then the UI's four clicks: never a body.
    assert [(e["query"], e["status"]) for e in ui_votes] == [
        ("", 204),
        ("?reaction=1", 204),
        ("?reaction=2", 400),
        ("", 204),
        ("", 204),
        ("?reaction=1", 204),
        ("?reaction=1", 204),
    ]
    assert all(e["sentBody"] is None for e in ui_votes)

    # The SDK's followFeedObject names no type: /api/v2/undefined/<id>/follow/, a 404.
    assert report["sdkFollow"]["url"] == f"/api/v2/undefined/{target.pk}/follow/"
    assert report["sdkFollow"]["status"] == 404
    assert report["sdkFollow"]["body"] == {
        "errors": [{"code": "not_found", "message": "Not found."}]
    }
    # The UI's follow, with the type, follows.
    assert report["following"] == {"following": True}
    assert report["followedIds"] == [target.pk]
    assert report["suspended"] == {"suspended": True}
    assert report["suspendedIds"] == [target.pk]
    assert report["targetMarks"] == {"voted": False, "followed": True, "suspended": True}

    # The flag: the caller's, its moderators' list, and the SDK's calls that cannot work.
    assert report["flagBefore"] == {}
    assert report["flagAfter"]["flag_type"] == 2
    assert report["flagAfter"]["flag_type_description"] == "vulgar"
    assert report["flagCount"] == 1
    assert report["bareFlagType"]["status"] == 400
    assert report["bareFlagType"]["body"] == {
        "errors": [
            {"code": "invalid", "message": "Invalid data. Expected a dictionary, but got int."}
        ]
    }
    assert report["flagListAsSdk"]["status"] == 400
    assert report["flagListAsSdk"]["formatted"] == {
        "flagTypeError": {"error": "This field is required."}
    }
    assert [f["user"]["username"] for f in report["flags"]] == ["sdkmember"]
    assert report["flagListAsMember"]["status"] == 403
    assert report["flagUndone"] == {}

    # Hidden: out of my list, still there by its id.
    assert report["hidden"] == {"hidden": True}
    assert hidden.pk not in report["listedAfterHide"] and target.pk in report["listedAfterHide"]
    assert report["hiddenStillThere"] == hidden.pk

    assert report["contributors"] == ["writer"]
    assert report["relatedIds"] == [related.pk]  # the hidden one is left out
    assert report["shareIds"] == [sharing.pk]
    assert report["sharers"] == ["sharer"]
    assert commented.pk not in report["uncommentedIds"]
    assert set(report["uncommentedIds"]) == {target.pk, related.pk, sharing.pk}
    assert report["unknownVote"]["status"] == 404

    replies = report["replies"]
    assert replies["problems"] == []
    for kind in ("page:vote", "page:flag", "page:user", "page:status", "status"):
        assert replies["kinds"][kind] >= 1, kind
    for kind in ("following", "suspended", "hidden", "flag-status", "empty", "errors"):
        assert replies["kinds"][kind] >= 1, kind

    # What the database holds after it all.
    target.refresh_from_db()
    assert (target.vote_count, target.follower_count, target.flag_count) == (0, 1, 0)
    assert not StatusVote.objects.exists() and not StatusFlag.objects.exists()
    assert StatusFollow.objects.get().user == member
    assert StatusSuspend.objects.get().user == member
