"""Contract tests for the SelfCommunity status routes (CONTRACTS.md §4)."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from community.models import DEFAULT_TAG_COLOR, Status
from community.selfcommunity.throttling import WriteRateThrottle
from tests.community.factories import (
    CategoryFactory,
    MediaFactory,
    MemberProfileFactory,
    StatusFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

STATUS = "/api/v2/status/"
REQUIRED = {
    "errors": [
        {
            "field": "categories",
            "messages": [{"code": "required", "message": "This field is required."}],
        }
    ]
}
STATUS_KEYS = {
    "id",
    "type",
    "action",
    "html",
    "summary",
    "slug",
    "categories",
    "medias",
    "location",
    "addressing",
    "tags",
    "author",
    "added_at",
    "last_activity_at",
    "last_edited_at",
    "deleted",
    "collapsed",
    "comment_count",
    "view_count",
    "vote_count",
    "flag_count",
    "share_count",
    "follower_count",
    "reaction",
    "reactions_count",
    # Issue 23: the caller's marks (left out for an anonymous caller).
    "voted",
    "followed",
    "suspended",
}


def post(client, body, path=STATUS):
    return client.post(path, body, format="json")


def field_error(response, field, status_code=400):
    """The messages of the one field error in a SelfCommunity error reply."""
    assert response.status_code == status_code, response.content
    errors = response.json()["errors"]
    assert [e.get("field") for e in errors] == [field], errors
    return errors[0]["messages"]


def plain_error(response, status_code, code):
    assert response.status_code == status_code, response.content
    body = response.json()
    assert len(body["errors"]) == 1 and "field" not in body["errors"][0], body
    assert body["errors"][0]["code"] == code
    assert isinstance(body["errors"][0]["message"], str) and body["errors"][0]["message"]
    return body["errors"][0]["message"]


# --- authentication -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", STATUS),
        ("post", STATUS),
        ("get", STATUS + "search/?search=x"),
        ("get", STATUS + "1/"),
        ("put", STATUS + "1/"),
        ("delete", STATUS + "1/"),
        ("post", STATUS + "1/restore/"),
        ("get", "/api/v2/category/"),
        ("post", "/api/v2/category/"),
        ("get", "/api/v2/tag/1/"),
        ("post", "/api/v2/media/"),
        ("get", "/api/v2/media/1/"),
    ],
)
def test_every_route_needs_a_bearer(method, path):
    response = getattr(APIClient(), method)(path, {}, format="json")
    plain_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_wrong_or_expired_bearer_is_401(member):
    # A bearer that was sent and refused is RFC 6750's invalid_token, not "not provided".
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    plain_error(client.get(STATUS), 401, "authentication_failed")
    from oauth2_provider.models import AccessToken

    AccessToken.objects.update(expires=timezone.now() - timedelta(seconds=1))
    response = member.get(STATUS)
    plain_error(response, 401, "authentication_failed")
    assert response.json()["errors"][0]["message"] == "The access token has expired."
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


def test_access_token_in_query_string_is_refused(sc_login, oauth_app):
    from tests.conftest import issue_bearer
    from tests.factories import UserFactory

    token = issue_bearer(UserFactory(), oauth_app)
    plain_error(APIClient().get(STATUS, {"access_token": token}), 401, "not_authenticated")


# --- create -----------------------------------------------------------------------------------


def test_create_returns_201_with_the_full_status(member):
    parent = CategoryFactory(name="News")
    child = CategoryFactory(name="Releases", parents=[parent])
    media = MediaFactory(owner=member.user)
    MemberProfileFactory(user=member.user, ext_id="crm-7")
    addressed = TagFactory(type="user", name="everyone", color="#3366ff")
    topic = TagFactory(type="contribution", name="launch")
    response = post(
        member,
        {
            "action": "Shipped 2.0",
            "text": "<p>Hello <b>world</b></p>",
            "categories": [child.pk],
            "medias": [media.pk],
            "location": {"location": "Rome", "lat": 41.9, "lng": 12.5},
            "addressing": [addressed.pk],
            "tags": [topic.pk],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == STATUS_KEYS
    assert body["type"] == "status"
    assert body["action"] == "Shipped 2.0"
    assert body["html"] == "<p>Hello <b>world</b></p>"
    assert body["summary"] == "Hello world"
    assert body["slug"] == "shipped-20"
    # The parent category is added automatically.
    assert sorted(c["name"] for c in body["categories"]) == ["News", "Releases"]
    releases = next(c for c in body["categories"] if c["name"] == "Releases")
    assert releases["parents"] == [parent.pk]
    assert {"id", "name", "slug", "slogan", "order", "active", "content_only_staff"} <= set(
        releases
    )
    assert body["medias"][0]["id"] == media.pk and body["medias"][0]["type"] == "url"
    # A link media has no image: the image keys, optional in SCMediaType, are left out.
    assert {"added_at", "title", "description", "url", "order"} <= set(body["medias"][0])
    assert not {"image", "image_width", "image_height"} & set(body["medias"][0])
    assert body["location"] == {"location": "Rome", "lat": 41.9, "lng": 12.5}
    # Full Tag objects, with the keys SCTagType requires (issue 12, breaks 10 and 11).
    tag_keys = {"id", "type", "name", "description", "color", "visible", "active", "deleted"}
    assert set(body["addressing"][0]) == tag_keys | {"created_at"}
    assert [(t["id"], t["name"], t["color"]) for t in body["addressing"]] == [
        (addressed.pk, "everyone", "#3366ff")
    ]
    assert [(t["id"], t["color"], t["deleted"]) for t in body["tags"]] == [
        (topic.pk, DEFAULT_TAG_COLOR, False)
    ]
    author = body["author"]
    assert author["id"] == member.user.pk and author["username"] == member.user.username
    assert author["ext_id"] == "crm-7"
    assert (author["gender"], author["tags"], author["reputation"]) == ("Unspecified", [], 0)
    assert "email" not in author and "password" not in author
    assert body["deleted"] is False and body["collapsed"] is False
    # Never edited: the content was last written when it was added.
    assert body["last_edited_at"] == body["added_at"]
    assert body["follower_count"] == 0
    assert body["reaction"] == {} and body["reactions_count"] == []
    for counter in ["comment_count", "view_count", "vote_count", "flag_count", "share_count"]:
        assert body[counter] == 0
    assert body["added_at"].endswith("Z")
    status = Status.objects.get(pk=body["id"])
    assert status.author == member.user
    assert set(status.categories.values_list("pk", flat=True)) == {parent.pk, child.pk}


def test_create_adds_grandparents_too(member):
    root = CategoryFactory()
    middle = CategoryFactory(parents=[root])
    leaf = CategoryFactory(parents=[middle])
    response = post(member, {"action": None, "categories": [leaf.pk]})
    assert response.status_code == 201, response.content
    assert {c["id"] for c in response.json()["categories"]} == {root.pk, middle.pk, leaf.pk}
    assert response.json()["action"] is None
    # No location: the key, optional in SCFeedStatusType, is left out rather than null.
    assert "location" not in response.json()
    assert "ext_id" not in response.json()["author"]


def test_create_without_categories_is_the_sdk_field_error(member):
    response = post(member, {"action": "x", "text": "hi"})
    assert response.status_code == 400
    assert response.json() == REQUIRED
    assert not Status.objects.exists()


def test_a_missing_action_key_means_null(member):
    # The vendor's SDK types and its api-docs example leave `action` out (issue 12, break 9).
    category = CategoryFactory()
    response = post(member, {"text": "No headline", "categories": [category.pk]})
    assert response.status_code == 201, response.content
    assert response.json()["action"] is None
    assert Status.objects.get().action is None
    status = Status.objects.get()
    response = member.put(
        f"{STATUS}{status.pk}/", {"text": "x", "categories": [category.pk]}, format="json"
    )
    assert response.status_code == 200 and response.json()["action"] is None
    assert post(member, {"action": None, "categories": [category.pk]}).json()["action"] is None


def test_action_rules(member):
    category = CategoryFactory()
    messages = field_error(
        post(member, {"action": "x" * 256, "categories": [category.pk]}), "action"
    )
    assert messages[0]["code"] == "max_length"


def test_every_bad_field_is_reported(member):
    response = post(member, {"action": 5, "categories": "1", "tags": [True]})
    assert response.status_code == 400
    fields = {e["field"]: e["messages"][0]["code"] for e in response.json()["errors"]}
    assert fields == {"action": "invalid", "categories": "not_a_list", "tags": "invalid"}


@pytest.mark.parametrize(
    ("categories", "code"),
    [([], "empty"), ([999999], "does_not_exist"), (["1"], "invalid"), ([1.5], "invalid")],
)
def test_bad_categories(member, categories, code):
    messages = field_error(post(member, {"action": "x", "categories": categories}), "categories")
    assert messages[0]["code"] == code


def test_inactive_category_is_refused(member):
    category = CategoryFactory(active=False)
    messages = field_error(post(member, {"action": "x", "categories": [category.pk]}), "categories")
    assert messages[0]["code"] == "inactive"


def test_staff_only_category(sc_login):
    staff_only = CategoryFactory(content_only_staff=True)
    child = CategoryFactory(parents=[staff_only])
    member = sc_login()
    for ids in ([staff_only.pk], [child.pk]):  # a staff-only parent counts too
        response = post(member, {"action": "x", "categories": ids})
        plain_error(response, 403, "permission_denied")
    assert not Status.objects.exists()
    staff = sc_login(is_staff=True)
    assert post(staff, {"action": "x", "categories": [staff_only.pk]}).status_code == 201


def test_medias_must_be_your_own(member):
    category = CategoryFactory()
    foreign = MediaFactory()
    body = {"action": "x", "categories": [category.pk], "medias": [foreign.pk]}
    assert field_error(post(member, body), "medias")[0]["code"] == "does_not_exist"


def test_at_most_one_share_media(member):
    category = CategoryFactory()
    shares = [
        MediaFactory(owner=member.user, type="share", url="https://example.com/s/1"),
        MediaFactory(owner=member.user, type="share", url="https://example.com/s/2"),
    ]
    link = MediaFactory(owner=member.user)
    body = {"action": "x", "categories": [category.pk], "medias": [s.pk for s in shares]}
    assert field_error(post(member, body), "medias")[0]["code"] == "invalid"
    body["medias"] = [shares[0].pk, link.pk]
    assert post(member, body).status_code == 201


@pytest.mark.parametrize(
    "location",
    [
        {"location": "x", "lat": 1},
        {"lat": 1, "lng": 2},
        {"location": "x", "lat": 90.0001, "lng": 0},
        {"location": "x", "lat": -91, "lng": 0},
        {"location": "x", "lat": 0, "lng": 180.5},
        {"location": "x", "lat": 0, "lng": -181},
        {"location": "x", "lat": "12", "lng": 0},
        {"location": 5, "lat": 0, "lng": 0},
        "Rome",
        [1, 2],
    ],
)
def test_bad_location_names_the_top_level_field(member, location):
    body = {"action": "x", "categories": [CategoryFactory().pk], "location": location}
    messages = field_error(post(member, body), "location")
    assert messages and all(m["message"] for m in messages)


@pytest.mark.parametrize(
    ("location", "stored"),
    [
        (
            {"location": None, "lat": 90, "lng": -180},
            {"location": None, "lat": 90.0, "lng": -180.0},
        ),
        (
            {"location": "Pole", "lat": None, "lng": None},
            {"location": "Pole", "lat": None, "lng": None},
        ),
        (None, None),
    ],
)
def test_valid_locations(member, location, stored):
    body = {"action": "x", "categories": [CategoryFactory().pk], "location": location}
    response = post(member, body)
    assert response.status_code == 201, response.content
    status = Status.objects.get()
    assert (status.location, status.location_lat, status.location_lng) == (
        (None, None, None) if stored is None else tuple(stored.values())
    )
    # The reply is SCContributionLocation: `location` a string, `lat`/`lng` only when known.
    reply = None if stored is None else {k: v for k, v in stored.items() if v is not None}
    if reply is not None:
        reply.setdefault("location", "")
    assert response.json().get("location") == reply


def test_tag_types(member):
    category = CategoryFactory()
    user_tag, topic = TagFactory(type="user"), TagFactory(type="contribution")
    base = {"action": "x", "categories": [category.pk]}
    assert field_error(post(member, {**base, "addressing": [topic.pk]}), "addressing")
    assert field_error(post(member, {**base, "tags": [user_tag.pk]}), "tags")
    assert field_error(post(member, {**base, "tags": [424242]}), "tags")
    response = post(member, {**base, "addressing": [user_tag.pk], "tags": [topic.pk]})
    assert response.status_code == 201


# --- bad bodies --------------------------------------------------------------------------------


def test_malformed_json_is_400_in_the_sdk_shape(member):
    response = member.post(STATUS, '{"action": ', content_type="application/json")
    plain_error(response, 400, "parse_error")


def test_non_object_body_is_400(member):
    response = member.post(STATUS, "[1, 2]", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "invalid"


def test_huge_body_is_413(member, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = json.dumps({"action": "x", "text": "a" * 20_000, "categories": [1]})
    response = member.post(STATUS, body, content_type="application/json")
    plain_error(response, 413, "too_large")


def test_unsupported_media_type_is_in_the_sdk_shape(member):
    response = member.post(STATUS, "action=x", content_type="text/plain")
    assert response.status_code == 415
    assert response.json()["errors"][0]["code"] == "unsupported_media_type"


def test_method_not_allowed_is_405(member):
    status = StatusFactory(author=member.user)
    plain_error(member.patch(f"{STATUS}{status.pk}/", {}, format="json"), 405, "method_not_allowed")


def test_unknown_path_under_api_v2_is_404_in_the_sdk_shape(member):
    plain_error(member.get("/api/v2/nothing-here/"), 404, "not_found")
    plain_error(member.get("/api/v2/status"), 404, "not_found")


@pytest.fixture
def clock(monkeypatch):
    """The write limit's clock, 2/min, set 15 s into a minute (a window)."""
    now = [60 * 29_000_000 + 15.0]
    monkeypatch.setattr(WriteRateThrottle, "rate", "2/min", raising=False)
    monkeypatch.setattr(WriteRateThrottle, "timer", lambda self: now[0])
    return now


def test_writes_are_rate_limited(member, clock):
    category = CategoryFactory()
    for _ in range(2):
        assert post(member, {"action": "x", "categories": [category.pk]}).status_code == 201
    response = post(member, {"action": "x", "categories": [category.pk]})
    plain_error(response, 429, "throttled")
    assert "Retry-After" in response
    assert member.get(STATUS).status_code == 200  # reads are not limited


def test_write_limit_is_per_user_and_its_window_ends(member, sc_login, clock):
    category = CategoryFactory()
    body = {"action": "x", "categories": [category.pk]}
    for _ in range(2):
        assert post(member, body).status_code == 201
    clock[0] += 44.5  # 0.5 s before the window ends
    response = post(member, body)
    plain_error(response, 429, "throttled")
    assert response["Retry-After"] == "1"
    assert post(sc_login(), body).status_code == 201  # another user has a count of his own
    clock[0] += 0.5  # a new window
    assert post(member, body).status_code == 201
    assert post(member, body).status_code == 201
    plain_error(post(member, body), 429, "throttled")


# --- list and search ---------------------------------------------------------------------------


def test_list_page_shape_limit_offset_and_deleted_left_out(member):
    now = timezone.now()
    statuses = [
        StatusFactory(added_at=now - timedelta(minutes=i), action=f"s{i}") for i in range(5)
    ]
    StatusFactory(deleted=True, added_at=now)
    response = member.get(STATUS, {"limit": 2, "offset": 1})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 5
    assert [s["id"] for s in body["results"]] == [statuses[1].pk, statuses[2].pk]
    assert "limit=2" in body["next"] and "offset=3" in body["next"]
    assert body["previous"].endswith(f"{STATUS}?limit=2")
    first = member.get(STATUS).json()
    assert [s["id"] for s in first["results"]] == [s.pk for s in statuses]
    assert first["next"] is None and first["previous"] is None


def test_list_ordering(member):
    now = timezone.now()
    old = StatusFactory(added_at=now - timedelta(days=2), last_activity_at=now)
    new = StatusFactory(added_at=now - timedelta(days=1), last_activity_at=now - timedelta(days=1))

    def ids(ordering=None):
        query = {"ordering": ordering} if ordering else {}
        return [s["id"] for s in member.get(STATUS, query).json()["results"]]

    assert ids() == [new.pk, old.pk]
    assert ids("-added_at") == [new.pk, old.pk]
    assert ids("added_at") == [old.pk, new.pk]
    assert ids("-last_activity_at") == [old.pk, new.pk]
    assert ids("last_activity_at") == [new.pk, old.pk]
    response = member.get(STATUS, {"ordering": "author"})
    assert field_error(response, "ordering")[0]["code"] == "invalid_choice"


def test_search_matches_text(member):
    StatusFactory(plain_text="The new release is out", action=None)
    StatusFactory(plain_text="Lunch plans", action=None)
    StatusFactory(plain_text="release notes (deleted)", deleted=True)
    StatusFactory(plain_text="", action="Release party")
    response = member.get(STATUS + "search/", {"search": "RELEASE"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 2
    assert member.get(STATUS + "search/", {"search": "nothing"}).json()["count"] == 0


# --- retrieve, update, delete, restore ---------------------------------------------------------


def test_retrieve(member):
    status = StatusFactory()
    response = member.get(f"{STATUS}{status.pk}/")
    assert response.status_code == 200
    assert response.json()["id"] == status.pk
    # Without a location the (optional) `location` key is left out.
    assert set(response.json()) == STATUS_KEYS - {"location"}


@pytest.mark.parametrize("status_id", ["999999", "abc", "99999999999999999999999"])
def test_retrieve_unknown_is_404(member, status_id):
    plain_error(member.get(f"{STATUS}{status_id}/"), 404, "not_found")


def test_retrieve_deleted_is_404(member):
    status = StatusFactory(deleted=True)
    plain_error(member.get(f"{STATUS}{status.pk}/"), 404, "not_found")


def test_only_the_author_can_edit(sc_login):
    author, other, staff = sc_login(), sc_login(), sc_login(is_staff=True, is_superuser=True)
    category = CategoryFactory()
    created = post(author, {"action": "first", "text": "one", "categories": [category.pk]}).json()
    path = f"{STATUS}{created['id']}/"
    body = {"action": "edited", "text": "<i>two</i>", "categories": [category.pk]}
    for intruder in (other, staff):
        plain_error(intruder.put(path, body, format="json"), 403, "permission_denied")
        # Even a body that would be invalid gets 403 first: the caller may not edit at all.
        plain_error(intruder.put(path, {}, format="json"), 403, "permission_denied")
    assert Status.objects.get(pk=created["id"]).action == "first"
    response = author.put(path, body, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["action"] == "edited"
    assert response.json()["html"] == "<i>two</i>"
    assert response.json()["last_edited_at"] is not None


def test_update_applies_the_create_rules(member):
    status = StatusFactory(author=member.user)
    path = f"{STATUS}{status.pk}/"
    assert member.put(path, {"action": "x"}, format="json").json() == REQUIRED
    staff_only = CategoryFactory(content_only_staff=True)
    response = member.put(path, {"action": "x", "categories": [staff_only.pk]}, format="json")
    plain_error(response, 403, "permission_denied")
    plain_error(member.put(f"{STATUS}999999/", {}, format="json"), 404, "not_found")


def test_delete_is_soft_and_restore_brings_it_back(member):
    status = StatusFactory(author=member.user)
    path = f"{STATUS}{status.pk}/"
    response = member.delete(path)
    assert response.status_code == 204 and response.content == b""
    status.refresh_from_db()
    assert status.deleted is True
    assert member.get(path).status_code == 404
    assert member.get(STATUS).json()["count"] == 0
    response = member.post(path + "restore/")
    assert response.status_code == 204
    status.refresh_from_db()
    assert status.deleted is False
    assert member.get(path).status_code == 200


def test_delete_and_restore_by_others(sc_login):
    status = StatusFactory()
    path = f"{STATUS}{status.pk}/"
    other = sc_login()
    plain_error(other.delete(path), 403, "permission_denied")
    staff = sc_login(is_staff=True)
    assert staff.delete(path).status_code == 204
    plain_error(other.post(path + "restore/"), 403, "permission_denied")
    assert Status.objects.get(pk=status.pk).deleted is True
    assert staff.post(path + "restore/").status_code == 204
    assert Status.objects.get(pk=status.pk).deleted is False
    plain_error(other.post(f"{STATUS}999999/restore/"), 404, "not_found")


def test_browsable_api_renders_for_an_admin_session(admin_client):
    StatusFactory(action="Visible in the browser")
    response = admin_client.get(STATUS, HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert b"Visible in the browser" in response.content


def test_session_post_requires_csrf(admin_user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    body = {"action": "x", "categories": [CategoryFactory().pk]}
    response = client.post(STATUS, body, content_type="application/json")
    plain_error(response, 403, "permission_denied")
    assert not Status.objects.exists()


@pytest.mark.parametrize(
    ("raw", "code", "message"),
    [
        ("[1, 2]", "invalid", "Invalid data. Expected a dictionary, but got list."),
        ('"x"', "invalid", "Invalid data. Expected a dictionary, but got str."),
        ("5", "invalid", "Invalid data. Expected a dictionary, but got int."),
        ("true", "invalid", "Invalid data. Expected a dictionary, but got bool."),
        ("null", "null", "No data provided"),
    ],
)
def test_a_body_that_is_not_an_object_is_worded_as_selfcommunity_does(member, raw, code, message):
    response = member.post(STATUS, raw, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"errors": [{"code": code, "message": message}]}


def test_domain_errors_in_selfcommunity_words(member):
    """The services' codes become DRF's codes and sentences, as SelfCommunity's server says."""
    category = CategoryFactory()
    response = post(member, {"action": "x", "categories": [category.pk, 999999]})
    assert response.json() == {
        "errors": [
            {
                "field": "categories",
                "messages": [
                    {
                        "code": "does_not_exist",
                        "message": 'Invalid pk "999999" - object does not exist.',
                    }
                ],
            }
        ]
    }
    status = StatusFactory()
    for response in (
        member.put(f"{STATUS}{status.pk}/", {}, format="json"),
        member.delete(f"{STATUS}{status.pk}/"),
        member.post(f"{STATUS}{status.pk}/restore/"),
    ):
        assert response.status_code == 403
        assert response.json() == {
            "errors": [
                {
                    "code": "permission_denied",
                    "message": "You do not have permission to perform this action.",
                }
            ]
        }
    response = member.get(f"{STATUS}999999/")
    assert response.json() == {"errors": [{"code": "not_found", "message": "Not found."}]}
