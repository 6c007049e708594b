"""SelfCommunity's per-member routes of a status (vote, follow, flag, hide, suspend) and its
other lists (contributors, related, shares, shares_users, uncommented, following,
suspended), through HTTP with a member's bearer: codes, shapes, counters and the caller's
keys on every status reply."""

import pytest
from oauth2_provider.models import AccessToken

from community.models import Media, Status, StatusFlag, StatusVote
from tests.community.factories import CategoryFactory, MediaFactory, StatusFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

STATUS = "/api/v2/status/"
CALLER_KEYS = ("voted", "followed", "suspended")

# Every route of this part, with its methods, as templates of a status id.
ONE_STATUS_ROUTES = [
    ("post", "{}/vote/"),
    ("get", "{}/vote/"),
    ("post", "{}/follow/"),
    ("get", "{}/following/"),
    ("post", "{}/flag/"),
    ("get", "{}/flag/"),
    ("get", "{}/flag/status/"),
    ("post", "{}/hide/"),
    ("get", "{}/hide/status/"),
    ("post", "{}/suspend/"),
    ("get", "{}/suspended/"),
    ("get", "{}/contributors/"),
    ("get", "{}/related/"),
    ("get", "{}/shares/"),
    ("get", "{}/shares_users/"),
]
LIST_ROUTES = ["following/", "suspended/", "uncommented/"]


def one(client, status):
    response = client.get(f"{STATUS}{status.pk}/")
    assert response.status_code == 200, response.content
    return response.json()


def post(client, path, body=None, **extra):
    if body is None:
        return client.post(f"{STATUS}{path}", **extra)
    return client.post(f"{STATUS}{path}", body, format="json", **extra)


def toggled(response):
    assert response.status_code == 204, response.content
    assert response.content == b""


def page(client, path, **query):
    response = client.get(f"{STATUS}{path}", query)
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    return body


def ids(body):
    return [item["id"] for item in body["results"]]


def field_error(response, field):
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert [e.get("field") for e in errors] == [field], errors
    return errors[0]["messages"]


def plain_error(response, status_code, code):
    assert response.status_code == status_code, response.content
    (error,) = response.json()["errors"]
    assert "field" not in error and error["code"] == code, error
    return error["message"]


# --- vote -----------------------------------------------------------------------------------


def test_a_vote_toggles_and_shows_in_the_status(member):
    status = StatusFactory()
    assert {k: one(member, status)[k] for k in ("voted", "vote_count")} == {
        "voted": False,
        "vote_count": 0,
    }
    toggled(post(member, f"{status.pk}/vote/"))
    reply = one(member, status)
    assert (reply["voted"], reply["vote_count"]) == (True, 1)
    vote = StatusVote.objects.get()
    assert (vote.user, vote.status, vote.reaction) == (member.user, status, 1)
    toggled(post(member, f"{status.pk}/vote/"))
    reply = one(member, status)
    assert (reply["voted"], reply["vote_count"]) == (False, 0)
    assert not StatusVote.objects.exists()


def test_reaction_one_is_the_vote(member):
    status = StatusFactory()
    toggled(post(member, f"{status.pk}/vote/?reaction=1"))
    assert Status.objects.get(pk=status.pk).vote_count == 1
    toggled(post(member, f"{status.pk}/vote/?reaction=1"))
    assert Status.objects.get(pk=status.pk).vote_count == 0


@pytest.mark.parametrize(
    ("reaction", "code", "message"),
    [
        ("2", "does_not_exist", 'Invalid pk "2" - object does not exist.'),
        ("0", "does_not_exist", 'Invalid pk "0" - object does not exist.'),
        ("-1", "does_not_exist", 'Invalid pk "-1" - object does not exist.'),
        ("abc", "invalid", "A valid integer is required."),
        ("1x", "invalid", "A valid integer is required."),
    ],
)
def test_another_reaction_is_a_field_error(member, reaction, code, message):
    status = StatusFactory()
    for method in ("post", "get"):
        response = getattr(member, method)(f"{STATUS}{status.pk}/vote/?reaction={reaction}")
        assert field_error(response, "reaction") == [{"code": code, "message": message}]
    assert not StatusVote.objects.exists()
    assert Status.objects.get(pk=status.pk).vote_count == 0


def test_the_votes_page(member, sc_login):
    status = StatusFactory()
    voters = [sc_login(username=f"voter{i}") for i in range(3)]
    for voter in voters:
        toggled(post(voter, f"{status.pk}/vote/"))
    body = page(member, f"{status.pk}/vote/", limit=2)
    assert body["count"] == 3 and body["next"] and body["previous"] is None
    # Newest first; a vote is its member and its time, without a reaction.
    assert [v["user"]["username"] for v in body["results"]] == ["voter2", "voter1"]
    assert all(set(v) == {"user", "voted_at"} for v in body["results"])
    assert set(body["results"][0]["user"]) >= {"id", "username", "avatar", "reputation"}
    assert "email" not in body["results"][0]["user"]
    rest = page(member, f"{status.pk}/vote/", limit=2, offset=2)
    assert [v["user"]["username"] for v in rest["results"]] == ["voter0"]
    assert page(member, f"{status.pk}/vote/", reaction=1)["count"] == 3


# --- follow and suspend ---------------------------------------------------------------------


def test_follow_toggles_and_counts(member, sc_login):
    status = StatusFactory()
    toggled(post(member, f"{status.pk}/follow/"))
    assert member.get(f"{STATUS}{status.pk}/following/").json() == {"following": True}
    reply = one(member, status)
    assert (reply["followed"], reply["follower_count"]) == (True, 1)
    other = sc_login()
    assert other.get(f"{STATUS}{status.pk}/following/").json() == {"following": False}
    assert (one(other, status)["followed"], one(other, status)["follower_count"]) == (False, 1)
    toggled(post(member, f"{status.pk}/follow/"))
    assert member.get(f"{STATUS}{status.pk}/following/").json() == {"following": False}
    assert one(member, status)["follower_count"] == 0


def test_the_statuses_i_follow_latest_followed_first(member):
    first, second, never = StatusFactory(), StatusFactory(), StatusFactory()
    toggled(post(member, f"{second.pk}/follow/"))
    toggled(post(member, f"{first.pk}/follow/"))
    body = page(member, "following/")
    assert ids(body) == [first.pk, second.pk] and body["count"] == 2
    assert all(s["followed"] is True for s in body["results"])
    assert never.pk not in ids(body)
    first.deleted = True
    first.save()
    assert ids(page(member, "following/")) == [second.pk]


def test_suspend_toggles(member):
    status, other = StatusFactory(), StatusFactory()
    toggled(post(member, f"{status.pk}/suspend/"))
    assert member.get(f"{STATUS}{status.pk}/suspended/").json() == {"suspended": True}
    assert one(member, status)["suspended"] is True
    body = page(member, "suspended/")
    assert ids(body) == [status.pk] and body["results"][0]["suspended"] is True
    toggled(post(member, f"{status.pk}/suspend/"))
    assert member.get(f"{STATUS}{status.pk}/suspended/").json() == {"suspended": False}
    assert page(member, "suspended/")["count"] == 0
    assert one(member, other)["suspended"] is False


# --- flag -----------------------------------------------------------------------------------


def test_flag_unflag_and_change(member):
    status = StatusFactory()
    flag_status = f"{STATUS}{status.pk}/flag/status/"
    assert member.get(flag_status).json() == {}  # not flagged: the empty object
    toggled(post(member, f"{status.pk}/flag/", {"flag_type": 0}))
    mine = member.get(flag_status).json()
    assert set(mine) == {"added_at", "flag_type", "flag_type_description"}
    assert (mine["flag_type"], mine["flag_type_description"]) == (0, "spam")
    assert one(member, status)["flag_count"] == 1
    # Another type replaces the flag: still one.
    toggled(post(member, f"{status.pk}/flag/", {"flag_type": 4}))
    assert member.get(flag_status).json()["flag_type_description"] == "offtopic"
    assert one(member, status)["flag_count"] == 1
    assert StatusFlag.objects.get().flag_type == 4
    # The same type again takes it back.
    toggled(post(member, f"{status.pk}/flag/", {"flag_type": 4}))
    assert member.get(flag_status).json() == {}
    assert one(member, status)["flag_count"] == 0
    assert not StatusFlag.objects.exists()


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({}, "required"),
        ({"flag_type": "1"}, "invalid"),
        ({"flag_type": 1.5}, "invalid"),
        ({"flag_type": True}, "invalid"),
        ({"flag_type": None}, "null"),
        ({"flag_type": 5}, "max_value"),
        ({"flag_type": -1}, "min_value"),
    ],
)
def test_a_bad_flag_type_is_a_field_error_and_writes_nothing(member, body, code):
    status = StatusFactory()
    messages = field_error(post(member, f"{status.pk}/flag/", body), "flag_type")
    assert [m["code"] for m in messages] == [code]
    assert not StatusFlag.objects.exists()
    assert Status.objects.get(pk=status.pk).flag_count == 0


@pytest.mark.parametrize(
    ("raw", "content_type", "status_code", "code"),
    [
        ('{"flag_type": 0', "application/json", 400, "parse_error"),
        ("[0]", "application/json", 400, "invalid"),
        ("flag_type=0", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
    ],
)
def test_a_malformed_flag_body_writes_nothing(member, raw, content_type, status_code, code):
    status = StatusFactory()
    response = member.generic("POST", f"{STATUS}{status.pk}/flag/", raw, content_type)
    assert response.status_code == status_code, response.content
    assert code in {e.get("code") for e in response.json()["errors"]} | {
        m["code"] for e in response.json()["errors"] for m in e.get("messages", [])
    }
    assert not StatusFlag.objects.exists()


def test_a_flag_post_without_a_body_is_a_400(member):
    """What the SDK's `feedObjectFlagList` sends (its endpoint's method is POST): no body
    is not a flag, and not the list either."""
    status = StatusFactory()
    assert field_error(member.post(f"{STATUS}{status.pk}/flag/"), "flag_type") == [
        {"code": "required", "message": "This field is required."}
    ]
    assert not StatusFlag.objects.exists()


def test_the_flags_page_is_for_moderators(member, sc_login):
    status = StatusFactory()
    toggled(post(member, f"{status.pk}/flag/", {"flag_type": 2}))
    plain_error(member.get(f"{STATUS}{status.pk}/flag/"), 403, "permission_denied")
    for moderator in (sc_login(is_staff=True), sc_login("community.change_status")):
        body = page(moderator, f"{status.pk}/flag/")
        (flag,) = body["results"]
        assert set(flag) == {"user", "added_at", "flag_type", "flag_type_description"}
        assert flag["user"]["username"] == member.user.username
        assert (flag["flag_type"], flag["flag_type_description"]) == (2, "vulgar")


# --- hide -----------------------------------------------------------------------------------


def test_a_hidden_status_leaves_my_lists_but_not_its_route(member, sc_login):
    category = CategoryFactory()
    shared = StatusFactory(categories=[category])
    hidden = StatusFactory(categories=[category], plain_text="needle", html="<p>needle</p>")
    share = MediaFactory(type=Media.Type.SHARE, url="", shared_object=shared)
    hidden.medias.set([share])
    kept = StatusFactory(categories=[category], plain_text="needle")
    for path in ("follow", "suspend"):
        toggled(post(member, f"{hidden.pk}/{path}/"))
        toggled(post(member, f"{kept.pk}/{path}/"))
    lists = [
        "",
        "search/?search=needle",
        "following/",
        "suspended/",
        f"{shared.pk}/related/",
        f"{shared.pk}/shares/",
        "uncommented/",
    ]
    for path in lists:
        assert hidden.pk in ids(page(member, path)), path
    toggled(post(member, f"{hidden.pk}/hide/"))
    assert member.get(f"{STATUS}{hidden.pk}/hide/status/").json() == {"hidden": True}
    for path in lists:
        body = page(member, path)
        assert hidden.pk not in ids(body), path
    assert page(member, "")["count"] == 2  # counted without it too
    assert one(member, hidden)["id"] == hidden.pk  # still there by its id
    # Hidden for me only.
    other = sc_login()
    assert hidden.pk in ids(page(other, ""))
    assert other.get(f"{STATUS}{hidden.pk}/hide/status/").json() == {"hidden": False}
    toggled(post(member, f"{hidden.pk}/hide/"))
    assert member.get(f"{STATUS}{hidden.pk}/hide/status/").json() == {"hidden": False}
    assert hidden.pk in ids(page(member, ""))


# --- lists ----------------------------------------------------------------------------------


def test_contributors_are_the_author(member):
    status = StatusFactory(author__username="writer")
    toggled(post(member, f"{status.pk}/vote/"))
    body = page(member, f"{status.pk}/contributors/")
    assert [u["username"] for u in body["results"]] == ["writer"] and body["count"] == 1
    assert "email" not in body["results"][0]


def test_related_statuses_share_a_category(member):
    news, other = CategoryFactory(), CategoryFactory()
    status = StatusFactory(categories=[news])
    older = StatusFactory(categories=[news, other])
    newer = StatusFactory(categories=[news])
    StatusFactory(categories=[other])
    StatusFactory(categories=[news], deleted=True)
    Status.objects.filter(pk=older.pk).update(added_at=older.added_at.replace(year=2020))
    assert ids(page(member, f"{status.pk}/related/")) == [newer.pk, older.pk]


def test_shares_and_who_shared(member, sc_login):
    shared = StatusFactory()
    sharers = []
    for name in ("zoe", "adam"):
        author = sc_login(username=name)
        media = MediaFactory(owner=author.user, type=Media.Type.SHARE, url="", shared_object=shared)
        reply = post(author, "", {"categories": [CategoryFactory().pk], "medias": [media.pk]})
        assert reply.status_code == 201, reply.content
        sharers.append(reply.json()["id"])
    StatusFactory()  # shares nothing
    assert ids(page(member, f"{shared.pk}/shares/")) == sharers[::-1]
    users = page(member, f"{shared.pk}/shares_users/")
    assert [u["username"] for u in users["results"]] == ["adam", "zoe"]
    assert one(member, shared)["share_count"] == 2


def test_share_count_follows_the_sharing_posts(member):
    """A post with a share media counts in the shared post's `share_count` while it is
    not deleted, as the `shares/` list shows it."""
    shared = StatusFactory()
    media = MediaFactory(owner=member.user, type=Media.Type.SHARE, url="", shared_object=shared)
    category = CategoryFactory().pk
    created = post(member, "", {"categories": [category], "medias": [media.pk]})
    assert created.status_code == 201, created.content
    sharing = created.json()["id"]

    def count():
        return Status.objects.get(pk=shared.pk).share_count

    assert count() == 1
    assert member.delete(f"{STATUS}{sharing}/").status_code == 204
    assert count() == 0 and page(member, f"{shared.pk}/shares/")["count"] == 0
    assert member.delete(f"{STATUS}{sharing}/").status_code == 404  # counted out once
    assert member.post(f"{STATUS}{sharing}/restore/").status_code == 204
    assert member.post(f"{STATUS}{sharing}/restore/").status_code == 204  # counted in once
    assert count() == 1
    edited = member.put(f"{STATUS}{sharing}/", {"categories": [category]}, format="json")
    assert edited.status_code == 200, edited.content
    assert count() == 0
    edited = member.put(
        f"{STATUS}{sharing}/", {"categories": [category], "medias": [media.pk]}, format="json"
    )
    assert count() == 1


def test_uncommented(member):
    plain = StatusFactory()
    StatusFactory(comment_count=2)
    assert ids(page(member, "uncommented/")) == [plain.pk]


# --- the caller's keys on every status reply ---------------------------------------------------


def test_every_status_reply_carries_the_callers_marks(member, sc_login):
    category = CategoryFactory()
    created = post(member, "", {"action": "Hi", "categories": [category.pk]})
    assert created.status_code == 201
    assert {k: created.json()[k] for k in CALLER_KEYS} == dict.fromkeys(CALLER_KEYS, False)
    status_id = created.json()["id"]
    for path in ("vote", "follow", "suspend"):
        toggled(post(member, f"{status_id}/{path}/"))
    marked = dict.fromkeys(CALLER_KEYS, True)
    replies = [
        member.get(f"{STATUS}{status_id}/").json(),
        member.put(
            f"{STATUS}{status_id}/", {"action": "Hi!", "categories": [category.pk]}, format="json"
        ).json(),
        page(member, "")["results"][0],
        page(member, "search/", search="Hi")["results"][0],
        page(member, "following/")["results"][0],
        page(member, "suspended/")["results"][0],
        page(member, "uncommented/")["results"][0],
    ]
    for reply in replies:
        assert {k: reply[k] for k in CALLER_KEYS} == marked, reply
        assert (reply["vote_count"], reply["follower_count"]) == (1, 1)
        assert list(reply)[-3:] == list(CALLER_KEYS)
    # Another member sees the counters, and its own marks (none), from its own cached page.
    other = sc_login()
    for reply in (page(other, "")["results"][0], one(other, Status.objects.get(pk=status_id))):
        assert {k: reply[k] for k in CALLER_KEYS} == dict.fromkeys(CALLER_KEYS, False)
        assert reply["vote_count"] == 1


def test_a_cached_page_is_the_callers_and_a_mark_retires_it(member, sc_login):
    status = StatusFactory()
    other = sc_login()
    assert page(member, "")["results"][0]["voted"] is False
    assert page(other, "")["results"][0]["voted"] is False
    toggled(post(member, f"{status.pk}/vote/"))
    mine, theirs = page(member, "")["results"][0], page(other, "")["results"][0]
    assert (mine["voted"], mine["vote_count"]) == (True, 1)
    assert (theirs["voted"], theirs["vote_count"]) == (False, 1)


# --- errors common to every route ---------------------------------------------------------------


@pytest.mark.parametrize("status_id", ["999999", "abc", "0", "99999999999999999999999", "deleted"])
@pytest.mark.parametrize(("method", "template"), ONE_STATUS_ROUTES)
def test_an_unknown_or_deleted_status_is_404(sc_login, method, template, status_id):
    caller = sc_login(is_staff=True)
    if status_id == "deleted":
        status_id = StatusFactory(deleted=True).pk
    response = getattr(caller, method)(
        STATUS + template.format(status_id), {"flag_type": 0}, format="json"
    )
    assert plain_error(response, 404, "not_found") == "Not found."
    assert not StatusVote.objects.exists() and not StatusFlag.objects.exists()


@pytest.mark.parametrize(
    ("method", "template"), ONE_STATUS_ROUTES + [("get", path) for path in LIST_ROUTES]
)
def test_no_bearer_is_401(client_api, method, template):
    status = StatusFactory()
    response = getattr(client_api, method)(STATUS + template.format(status.pk))
    assert plain_error(response, 401, "not_authenticated")
    assert not StatusVote.objects.exists()


@pytest.mark.parametrize("template", [t for m, t in ONE_STATUS_ROUTES if m == "post"])
def test_a_read_only_token_cannot_mark(member, template):
    status = StatusFactory()
    AccessToken.objects.filter(user=member.user).update(scope="read")
    response = member.post(STATUS + template.format(status.pk), {"flag_type": 0}, format="json")
    assert plain_error(response, 403, "permission_denied") == (
        "This token's scope does not allow this request."
    )
    assert member.get(f"{STATUS}{status.pk}/following/").status_code == 200
    status.refresh_from_db()
    assert (status.vote_count, status.flag_count, status.follower_count) == (0, 0, 0)


@pytest.mark.parametrize("template", [t for m, t in ONE_STATUS_ROUTES if m == "post"])
def test_other_methods_are_405(member, template):
    status = StatusFactory()
    response = member.put(STATUS + template.format(status.pk), {}, format="json")
    plain_error(response, 405, "method_not_allowed")


def test_the_fixed_words_are_not_status_ids(member):
    """`following`, `suspended` and `uncommented` are lists, not ids of the detail route."""
    StatusFactory()
    for path in LIST_ROUTES:
        page(member, path)
    for path in LIST_ROUTES:
        plain_error(member.put(f"{STATUS}{path}", {}, format="json"), 405, "method_not_allowed")


def test_votes_by_others_do_not_make_me_a_voter(member):
    status = StatusFactory()
    StatusVote.objects.create(status=status, user=UserFactory())
    assert one(member, status)["voted"] is False
