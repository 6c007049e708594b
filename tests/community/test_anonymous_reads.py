"""Anonymous reads (COMMUNITY_ANONYMOUS_READS), SelfCommunity's `content_availability`.

Off (the default), every SelfCommunity route needs a bearer, as before. On, a client that
sends no credential at all may read statuses, categories and tags; every write, and every
route the view does not open (`anonymous_read`), still answers 401. A credential that was
sent and refused (unknown, expired, another scheme, a query-string token) stays a 401:
it never falls back to an anonymous reply. The OpenAPI document says which operations
need no credential (`{}` in their security), and says it truthfully.
"""

import json
import re
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import resolve
from django.utils import timezone
from oauth2_provider.models import AccessToken
from rest_framework.test import APIClient

from community.models import Category, Status, Tag
from config.surfaces import SELFCOMMUNITY
from tests.community.factories import CategoryFactory, StatusFactory, TagFactory
from tests.conftest import issue_bearer
from tests.factories import UserFactory
from tests.npm import node_with_packages
from tests.surfaces import surface_routes

pytestmark = pytest.mark.django_db

SDK_DIR = Path(__file__).resolve().parent.parent / "selfcommunity_sdk"
ROUTES = surface_routes(SELFCOMMUNITY)
WRITES = ("post", "put", "patch", "delete")
NOT_PROVIDED = {
    "errors": [
        {"code": "not_authenticated", "message": "Authentication credentials were not provided."}
    ]
}
# The keys a status or category carries for its caller: never in a reply to an anonymous
# caller, who votes, follows and suspends nothing.
CALLER_KEYS = {"voted", "followed", "suspended"}

# The routes the vendor's docs mark "This operation requires authentication only if
# `content_availability` community option is false" (docs/apireference/v2/{status,
# category,tag}), as templates: no other route may open to anonymous readers.
VENDOR_OPEN = {
    "/api/v2/status/",
    "/api/v2/status/search/",
    "/api/v2/status/{id}/",
    "/api/v2/status/{id}/vote/",
    "/api/v2/status/{id}/contributors/",
    "/api/v2/status/{id}/related/",
    "/api/v2/status/{id}/shares/",
    "/api/v2/status/{id}/shares_users/",
    "/api/v2/category/",
    "/api/v2/category/search/",
    "/api/v2/category/popular/",
    "/api/v2/category/{id}/",
    "/api/v2/category/{id}/audience/",
    "/api/v2/category/{id}/feed/",
    "/api/v2/category/{id}/feed/trending/",
    "/api/v2/category/{id}/followers/trending/",
    "/api/v2/tag/",
    "/api/v2/tag/{id}/",
    # Ours. The vendor's pages for a category's children and parents name no
    # authentication at all; they show what the category's own page shows.
    "/api/v2/category/{id}/children/",
    "/api/v2/category/{id}/parents/",
    # The vendor reserves tag search to admins, and the SDK's `tag/user/search/` has no
    # page; both find what `tag/?search=` lists, and the tag list is open.
    "/api/v2/tag/search/",
    "/api/v2/tag/user/search/",
}
# The one write open to anonymous clients: a click on a media (the vendor's page names no
# authentication; a reader clicks the links of the posts they read).
VENDOR_OPEN_WRITES = {("post", "/api/v2/media/{id}/click/")}
# Of those, the routes served when anonymous reads came: they must be open.
OPEN_TODAY = {
    "/api/v2/status/",
    "/api/v2/status/search/",
    "/api/v2/status/1/",
    "/api/v2/category/",
    "/api/v2/category/1/",
    "/api/v2/tag/",
    "/api/v2/tag/1/",
}


def template(path):
    """`/api/v2/status/1/vote/` as `/api/v2/status/{id}/vote/`."""
    return re.sub(r"/\d+/", "/{id}/", path)


def serves(path, method):
    """Whether the view serving `path` has a handler for `method`."""
    return hasattr(resolve(path).func.view_class, method)


def opens(path, method="get"):
    """Whether the view serving `path` lets an anonymous `method` through: what its
    permission classes say (`allows_anonymous`), which the OpenAPI document says too."""
    view = resolve(path).func.view_class()
    return any(
        getattr(permission, "allows_anonymous", None) and permission.allows_anonymous(view, method)
        for permission in view.get_permissions()
    )


@pytest.fixture
def anonymous_reads(settings):
    settings.COMMUNITY_ANONYMOUS_READS = True


@pytest.fixture
def content():
    """A status post (id 1 is not assumed), its category and tags."""
    category = CategoryFactory(name="General")
    tag = TagFactory(name="news", type=Tag.Type.CONTRIBUTION)
    TagFactory(name="everyone", type=Tag.Type.USER)
    status = StatusFactory(categories=[category], tags=[tag], plain_text="Open day")
    return {"status": status, "category": category, "tag": tag}


def read_paths(content):
    status, category, tag = content["status"], content["category"], content["tag"]
    return [
        "/api/v2/status/",
        "/api/v2/status/?ordering=added_at&limit=5",
        "/api/v2/status/search/?search=open",
        f"/api/v2/status/{status.pk}/",
        "/api/v2/category/",
        f"/api/v2/category/{category.pk}/",
        "/api/v2/tag/",
        "/api/v2/tag/?type=contribution",
        f"/api/v2/tag/{tag.pk}/",
    ]


def without_caller_keys(body):
    """A member's reply as an anonymous caller gets it: no caller keys on its objects."""
    if "results" in body:
        return {**body, "results": [without_caller_keys(item) for item in body["results"]]}
    return {key: value for key, value in body.items() if key not in CALLER_KEYS}


def counts():
    """What a write would change: how many posts (deleted ones too), categories and tags."""
    return (
        Status.objects.count(),
        Status.objects.filter(deleted=True).count(),
        Category.objects.count(),
        Tag.objects.count(),
    )


def assert_not_authenticated(response):
    assert response.status_code == 401, (response.request["PATH_INFO"], response.content)
    assert response.json() == NOT_PROVIDED
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


# --- off: as before ---------------------------------------------------------------------------


def test_the_setting_is_off_by_default(settings):
    assert settings.COMMUNITY_ANONYMOUS_READS is False


@pytest.mark.parametrize("path", ROUTES)
def test_off_every_route_needs_a_bearer(content, path):
    before = counts()
    for method in ("get", *WRITES):
        assert_not_authenticated(getattr(APIClient(), method)(path))
    assert APIClient().head(path).status_code == 401
    assert counts() == before


# --- on: reads open, everything else closed ---------------------------------------------------


def test_the_open_routes_are_the_vendors_and_include_the_reads_of_before(anonymous_reads):
    open_reads = {path for path in ROUTES if serves(path, "get") and opens(path)}
    assert open_reads >= OPEN_TODAY
    assert {template(path) for path in open_reads} <= VENDOR_OPEN
    assert "/api/v2/media/1/" not in open_reads  # one's own media: only with a bearer
    open_writes = {
        (m, template(path)) for path in ROUTES for m in WRITES if serves(path, m) and opens(path, m)
    }
    assert open_writes <= VENDOR_OPEN_WRITES


def test_off_no_route_is_open(settings):
    assert not any(opens(path, method) for path in ROUTES for method in ("get", *WRITES))


@pytest.mark.parametrize("path", ROUTES)
def test_on_an_anonymous_call_passes_exactly_where_the_view_opens(anonymous_reads, content, path):
    for method in ("get", *WRITES):
        before = counts()
        # No body: past the door a route answers in its own terms (200, 404, 405, 400).
        response = getattr(APIClient(), method)(path)
        if opens(path, method):
            assert response.status_code != 401, (method, response.content)
        else:
            assert_not_authenticated(response)
            assert counts() == before, method


def test_on_anonymous_reads_answer_what_a_member_reads(anonymous_reads, content, sc_login):
    member = sc_login()
    anonymous = APIClient()
    for path in read_paths(content):
        # The member first: a reply cached for a member is never served to the anonymous.
        mine = member.get(path)
        assert mine.status_code == 200, (path, mine.content)
        theirs = anonymous.get(path)
        assert theirs.status_code == 200, (path, theirs.content)
        assert theirs.json() == without_caller_keys(mine.json()), path
        body = theirs.json()
        for item in body.get("results", [body]):
            assert not CALLER_KEYS & set(item), path
    assert anonymous.get(f"/api/v2/status/{content['status'].pk}/").json()["html"] == "<p>Hello</p>"


def test_on_a_deleted_or_unknown_status_is_still_a_404(anonymous_reads, content):
    status = content["status"]
    status.deleted = True
    status.save()
    response = APIClient().get(f"/api/v2/status/{status.pk}/")
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "not_found"
    assert APIClient().get("/api/v2/status/999999/").status_code == 404


def test_on_head_and_options_of_an_open_route_answer(anonymous_reads, content):
    client = APIClient()
    assert client.head("/api/v2/status/").status_code == 200
    response = client.options("/api/v2/status/")
    assert response.status_code == 200
    # The write it describes is not for this caller: no form for it.
    assert "POST" not in response.json().get("actions", {})


def test_on_a_member_still_reads_and_writes(anonymous_reads, content, sc_login):
    member = sc_login()
    assert member.get("/api/v2/status/").status_code == 200
    body = {"text": "Mine", "categories": [content["category"].pk]}
    assert member.post("/api/v2/status/", body, format="json").status_code == 201


def test_on_a_read_only_token_reads_and_cannot_write(anonymous_reads, content, oauth_app):
    user = UserFactory()
    token = issue_bearer(user, oauth_app)
    AccessToken.objects.filter(token=token).update(scope="read")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert client.get("/api/v2/status/").status_code == 200
    body = {"text": "Mine", "categories": [content["category"].pk]}
    response = client.post("/api/v2/status/", body, format="json")
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "permission_denied"


# --- a credential that was sent is never ignored ----------------------------------------------


@pytest.fixture
def expired_token(oauth_app):
    token = issue_bearer(UserFactory(), oauth_app)
    AccessToken.objects.filter(token=token).update(expires=timezone.now() - timedelta(seconds=1))
    return token


@pytest.mark.parametrize("path", sorted(OPEN_TODAY))
@pytest.mark.parametrize(
    ("bearer", "says"),
    [
        ("not-a-token", "The access token is invalid."),
        ("expired", "The access token has expired."),
    ],
)
def test_on_a_refused_bearer_is_still_invalid_token(anonymous_reads, request, path, bearer, says):
    if bearer == "expired":
        bearer = request.getfixturevalue("expired_token")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {bearer}")
    response = client.get(path)
    assert response.status_code == 401, response.content
    assert response.json() == {"errors": [{"code": "authentication_failed", "message": says}]}
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


@pytest.mark.parametrize(
    "header",
    ["Basic dXNlcjpwYXNz", "Token abc", "Bearer", "Bearer two words", "", "bearer "],
)
def test_on_any_other_authorization_header_is_a_401(anonymous_reads, content, header):
    response = APIClient().get("/api/v2/status/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401, response.content
    assert response.json()["errors"][0]["code"] in ("not_authenticated", "authentication_failed")


def test_on_a_token_in_the_query_string_is_a_401(anonymous_reads, content, oauth_app):
    token = issue_bearer(UserFactory(), oauth_app)
    assert_not_authenticated(APIClient().get(f"/api/v2/status/?access_token={token}"))


# --- the OpenAPI document says so -------------------------------------------------------------


def operations(client):
    schema = client.get("/api/schema/?format=json").json()
    return [
        (path, method, operation)
        for path, item in schema["paths"].items()
        if path.startswith("/api/v2/")
        for method, operation in item.items()
    ]


@pytest.mark.parametrize("on", [False, True])
def test_the_schema_lists_no_credential_exactly_where_the_server_allows_it(
    settings, client, content, on
):
    settings.COMMUNITY_ANONYMOUS_READS = on
    found = operations(client)
    assert len(found) >= 20
    anonymous = set()
    for path, method, operation in found:
        security = operation["security"]
        assert {"oauth2": []} in security, (method, path)
        concrete = re.sub(r"\{\w+\}", "1", path)
        response = getattr(APIClient(), method)(concrete)
        allowed = response.status_code != 401
        assert ({} in security) == allowed, (method, path, security, response.status_code)
        if allowed:
            anonymous.add((method, path))
            assert "401" in operation["responses"], (method, path)  # a refused bearer
    if on:
        writes = {(m, re.sub(r"\{\w+\}", "{id}", p)) for m, p in anonymous if m != "get"}
        assert writes <= VENDOR_OPEN_WRITES
        assert ("get", "/api/v2/status/{status_id}/") in anonymous
        assert ("get", "/api/v2/tag/") in anonymous
    else:
        assert anonymous == set()


# --- the vendor's SDK, with no token ---------------------------------------------------------


@pytest.fixture(scope="session")
def sdk_installed():
    return node_with_packages(SDK_DIR, what="the SelfCommunity SDK test")


def run_anonymous_sdk(node, live_server, content, *bearer):
    ids = [str(content[name].pk) for name in ("status", "category", "tag")]
    result = subprocess.run(
        [node, "anonymous.js", live_server.url, *ids, *bearer],
        cwd=SDK_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("SDK-RESULT "))
    return json.loads(line.removeprefix("SDK-RESULT "))


REFUSED = {
    "status": 401,
    "codes": {"error": "not_authenticated"},
    "challenge": 'Bearer realm="api"',
}


@pytest.mark.one_database  # the vendor's SDK: see tests/community/test_social_sdk.py
def test_sdk_anonymous_reads_on(sdk_installed, live_server, settings, content):
    settings.COMMUNITY_ANONYMOUS_READS = True
    report = run_anonymous_sdk(sdk_installed, live_server, content)
    assert report["problems"] == []
    assert {name: read["status"] for name, read in report["reads"].items()} == {
        "getAllFeedObjects": 200,
        "searchFeedObject": 200,
        "getSpecificFeedObject": 200,
        "getAllCategories": 200,
        "getSpecificCategory": 200,
        "getAllTags": 200,
        "getSpecificTag": 200,
    }
    reads = report["reads"]
    assert reads["getAllFeedObjects"]["body"]["results"][0]["id"] == content["status"].pk
    assert reads["getSpecificCategory"]["body"]["name"] == "General"
    assert [tag["name"] for tag in reads["getAllTags"]["body"]["results"]] == ["news"]
    assert not CALLER_KEYS & set(reads["getSpecificFeedObject"]["body"])
    assert report["writes"] and all(w == REFUSED for w in report["writes"].values()), report
    content["status"].refresh_from_db()
    assert content["status"].deleted is False


@pytest.mark.one_database  # the vendor's SDK: see tests/community/test_social_sdk.py
def test_sdk_anonymous_reads_off(sdk_installed, live_server, content):
    report = run_anonymous_sdk(sdk_installed, live_server, content)
    for name, read in report["reads"].items():
        assert {key: read[key] for key in REFUSED} == REFUSED, name
    assert all(w == REFUSED for w in report["writes"].values())


@pytest.mark.one_database  # the vendor's SDK: see tests/community/test_social_sdk.py
def test_sdk_a_refused_bearer_is_not_read_anonymously(
    sdk_installed, live_server, settings, content, expired_token
):
    settings.COMMUNITY_ANONYMOUS_READS = True
    report = run_anonymous_sdk(sdk_installed, live_server, content, expired_token)
    for name, read in report["reads"].items():
        assert read["status"] == 401, name
        assert read["codes"] == {"error": "authentication_failed"}, name
        assert 'error="invalid_token"' in read["challenge"], name
