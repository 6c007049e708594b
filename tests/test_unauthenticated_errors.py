"""Input that used to crash the portal (500) is a clean 4xx (or 503) in each surface's shape."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from config.surfaces import ROCKETCHAT, SELFCOMMUNITY
from statuses.models import ConversationStatus
from tests.factories import AccountFactory, StatusReasonFactory, UserFactory
from tests.surfaces import (
    TESTED,
    api_routes,
    body_keys,
    by_surface,
    each_surface,
    error_shape_of,
    signed_in,
    signs_in,
    surface_of,
    surface_routes,
)

LP = "/api/account/acme/configuration/le-agents/status-reasons"
SURROGATE_LOGIN = '{"user":"\\ud800","username":"\\ud800","password":"x"}'


def posted(client, path, body, **headers):
    return client.generic("POST", path, body, content_type="application/json", **headers)


def is_json(response):
    return response["Content-Type"].startswith("application/json")


# --- lone surrogates ------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "shape"),
    [
        ("/api/v1/login", "success"),
        ("/api/account/acme/login?v=1.3", "error"),  # the Login Service's shape
    ],
)
def test_a_lone_surrogate_in_a_login_body_is_a_400(client_api, path, shape):
    AccountFactory(id="acme")
    response = posted(client_api, path, SURROGATE_LOGIN)
    assert response.status_code == 400, response.content
    assert is_json(response) and shape in response.json()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "route",
    ["custom-user-status.create", "custom-user-status.update", "custom-user-status.delete"],
)
def test_a_lone_surrogate_in_a_rocketchat_body_is_invalid_params(rc_login, route):
    client = rc_login(
        "statuses.add_userstatus", "statuses.change_userstatus", "statuses.delete_userstatus"
    )
    body = '{"_id":"\\udfff","name":"\\ud800","statusType":"busy","customUserStatusId":"\\ud800"}'
    response = posted(client, f"/api/v1/{route}", body)
    assert response.status_code == 400, response.content
    assert response.json()["success"] is False
    assert response.json()["errorType"] == "invalid-params"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("POST", "", '{"text":"\\ud800","state":"Away"}'),
        ("POST", "", '[{"text":"\\ud800","state":"Away"}]'),
        ("PUT", "/{id}", '{"text":"\\ud800","state":"Away"}'),
        ("PUT", "", '[{"id":{id},"text":"\\ud800","state":"Away"}]'),
    ],
)
def test_a_lone_surrogate_in_a_liveperson_write_is_a_400(lp_login, method, suffix, body):
    agent = lp_login()
    reason = StatusReasonFactory(account=agent.account)
    path = f"{LP}{suffix.replace('{id}', str(reason.pk))}?v=1"
    response = agent.generic(
        method, path, body.replace("{id}", str(reason.pk)), content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert set(response.json()) == {"message", "errors"}
    reason.refresh_from_db()
    assert reason.text != "\ud800"


@pytest.mark.django_db
def test_a_lone_surrogate_in_a_libredesk_body_is_a_parse_error(make_agent):
    agent = make_agent("statuses.add_conversationstatus")
    response = posted(agent, "/api/v1/statuses", '{"name":"\\ud800","category":"open"}')
    assert response.status_code == 400
    assert response.json()["message"] == "Error parsing request"


def test_a_surrogate_pair_is_still_ordinary_text(make_agent):
    agent = make_agent("statuses.add_conversationstatus")
    response = posted(
        agent, "/api/v1/statuses", '{"name":"Party \\ud83c\\udf89","category":"open"}'
    )
    assert response.status_code == 200, response.content
    assert response.json()["data"]["name"] == "Party \N{PARTY POPPER}"


# --- numbers that only look like numbers ----------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("user_id", ["²", "\uff11", "+1", "1_0", " 1", "1\n", "-1", "٣"])
def test_a_user_id_header_that_is_not_ascii_digits_is_a_401(rc_login, user_id):
    client = rc_login()
    token = client.issued.auth_token
    bare = APIClient()
    bare.credentials(HTTP_X_AUTH_TOKEN=token, HTTP_X_USER_ID=user_id)
    response = bare.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["error"] == "You must be logged in to do this."


@pytest.mark.django_db
@pytest.mark.parametrize("raw", ["\uff11", "²", "1%0a", "%201", "+1", "1_0", "0x1", "1.0"])
def test_ids_in_paths_are_ascii_digits_or_not_found(make_agent, sc_login, lp_login, raw):
    status = ConversationStatus.objects.order_by("pk").first()
    assert status.pk == 1  # the default "Open": fullwidth 1 must not find it
    libredesk = make_agent("statuses.view_conversationstatus", "auth.change_user")
    response = libredesk.get(f"/api/v1/statuses/{raw}")
    assert response.status_code == 404 and response.json()["error_type"] == "NotFoundException"
    assert libredesk.post(f"/api/v1/agents/{raw}/api-key").status_code == 404

    agent = lp_login()
    StatusReasonFactory(account=agent.account, pk=1)
    response = agent.get(f"{LP}/{raw}?v=1")
    assert response.status_code == 404 and "errors" in response.json()

    member = sc_login()
    for route in ("status", "category", "tag", "media"):
        response = member.get(f"/api/v2/{route}/{raw}/")
        assert response.status_code == 404, (route, response.content)
        assert response.json()["errors"][0]["code"] == "not_found"


@pytest.mark.django_db
@pytest.mark.parametrize("if_match", ["3_0", "+3", "\uff13", "²", "3.0", "- 1", "0x3", ""])
def test_if_match_is_ascii_digits_or_minus_one(lp_login, if_match):
    agent = lp_login()
    response = agent.post(
        f"{LP}?v=1", {"text": "Lunch", "state": "Away"}, format="json", HTTP_IF_MATCH=if_match
    )
    assert response.status_code == 400, response.content
    assert response.json()["errors"][0]["field"] == "If-Match"


@pytest.mark.django_db
@pytest.mark.parametrize("if_match", ["-1", "0", '"0"', 'W/"0"'])
def test_valid_if_match_values_still_work(lp_login, if_match):
    agent = lp_login()
    response = agent.post(
        f"{LP}?v=1", {"text": "Lunch", "state": "Away"}, format="json", HTTP_IF_MATCH=if_match
    )
    assert response.status_code == 200, response.content


@pytest.mark.django_db
@pytest.mark.parametrize("version", ["1_0", "\uff11", "1.0.0", "inf", "nan", "1e3", "+1", " 1"])
def test_v_is_a_plain_decimal_number(lp_login, version):
    response = lp_login().get(LP, {"v": version})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "v"


@pytest.mark.django_db
@pytest.mark.parametrize("version", ["1", "1.0", "2.0", "1.3"])
def test_plain_versions_are_accepted(lp_login, version):
    assert lp_login().get(LP, {"v": version}).status_code == 200


@pytest.mark.django_db
def test_a_content_length_of_superscript_digits_is_not_a_500(sc_login):
    response = sc_login().post(
        "/api/v2/media/", {"type": "url", "url": "https://example.com"}, CONTENT_LENGTH="²"
    )
    assert response.status_code < 500


# --- OPTIONS on every route ------------------------------------------------------------------

# Public documentation and its assets, not API routes: no JSON metadata for OPTIONS.
HTML_PAGES = {"/api/docs/", "/api/redoc/", "/api/schema/", "/api/redoc/redoc.standalone.js"}


@pytest.mark.django_db
@signs_in
def test_options_on_every_api_route_is_never_a_server_error(request):
    clients = [APIClient(), *(signed_in(request, surface) for surface in TESTED)]
    routes = api_routes()
    assert "/api/v2/status/1/" in routes and "/api/v1/statuses/1" in routes
    for path in routes:
        surface = surface_of(path)
        query = f"?{surface.tests.query}" if surface and surface.tests.query else ""
        for client in clients:
            response = client.options(path + query)
            assert response.status_code < 500, (path, response.status_code, response.content)
            if path not in HTML_PAGES:
                assert is_json(response), (path, response["Content-Type"])


@pytest.mark.django_db
def test_options_on_a_status_post_describes_the_update_body(sc_login):
    response = sc_login().options("/api/v2/status/1/")
    assert response.status_code == 200
    assert "categories" in response.json()["actions"]["PUT"]


# --- what Django answers outside the views ---------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("surface", "path"), by_surface(surface_routes))
def test_a_disallowed_host_on_an_api_path_is_a_json_400(client, surface, path):
    # In the error shape the surface names for the path: LivePerson's Login Service (login,
    # refresh, logout) answers in its own `{"error": {...}}` body.
    query = f"?{surface.tests.query}" if surface.tests.query else ""
    response = client.get(path + query, HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert is_json(response) and set(response.json()) == body_keys(error_shape_of(surface, path))


def test_the_disallowed_host_paths_are_those_of_before():
    covered = {path for _surface, path in (param.values for param in by_surface(surface_routes))}
    assert covered >= {
        "/api/v1/statuses",
        "/api/v1/custom-user-status.list",
        "/api/v2/status/",
        "/api/account/1/configuration/le-agents/status-reasons",
        "/api/account/1/login",
        "/api/account/1/refresh",
    }


@pytest.mark.django_db
def test_a_disallowed_host_elsewhere_keeps_djangos_page(client):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


@pytest.fixture
def database_outage(settings):
    """Point the connection at a database that cannot be reached, then restore it."""
    real = dict(connection.settings_dict)

    def break_it():
        connection.close()
        # Nothing listens on port 1: connecting fails at once, as with a server that is down.
        connection.settings_dict["PORT"] = "1"
        connection.settings_dict["HOST"] = "127.0.0.1"

    def restore():
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(real)

    yield break_it, restore
    restore()


@pytest.mark.postgres  # SQLite's in-memory test database cannot be made unreachable
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("surface", each_surface())
@signs_in
def test_an_unreachable_database_is_a_503_that_recovers_by_itself(
    request, database_outage, surface, settings
):
    # Lists are built afresh: a reply cached in Redis would still be served without the
    # database (tests/core/test_reply_cache.py covers the cache).
    settings.REPLY_CACHE_SECONDS = 0
    client, path = signed_in(request, surface), surface.tests.read
    assert client.get(path).status_code == 200
    break_it, restore = database_outage
    break_it()
    response = client.get(path)
    assert response.status_code == 503, response.content
    assert response["Retry-After"] == "5"
    assert is_json(response) and response.json() == surface.tests.unavailable
    restore()
    assert client.get(path).status_code == 200


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_unreachable_database_outside_the_views_is_a_503_too(database_outage):
    # As a real server does, answer instead of re-raising in the test.
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(is_staff=True))  # middleware reads the session from the DB
    break_it, restore = database_outage
    break_it()
    response = client.get("/admin/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    restore()
    assert client.get("/admin/").status_code == 200


def test_the_schema_documents_the_503_of_every_operation(client):
    schema = client.get("/api/schema/?format=json").json()
    operations = [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    ]
    assert len(operations) > 40
    for path, method, operation in operations:
        responses = operation["responses"]
        assert "503" in responses, (method, path)
        assert "Retry-After" in responses["503"]["headers"]
        shape_of = next(responses[code] for code in ("401", "400") if code in responses)
        assert responses["503"]["content"] == shape_of["content"], (method, path)


# --- a refused token says so (issue 14, item 17) -----------------------------------------------

NOT_PROVIDED = "Authentication credentials were not provided."
HTML = "text/html,application/xhtml+xml,*/*;q=0.8"


SELFCOMMUNITY_ROUTES = surface_routes(SELFCOMMUNITY)
ROCKETCHAT_ROUTES = surface_routes(ROCKETCHAT, public=False)


@pytest.fixture
def expired_bearer(oauth_app):
    """An access token of an active user that expired a second ago."""
    from datetime import timedelta

    from django.utils import timezone
    from oauth2_provider.models import AccessToken

    from tests.conftest import issue_bearer

    token = issue_bearer(UserFactory(), oauth_app)
    AccessToken.objects.filter(token=token).update(expires=timezone.now() - timedelta(seconds=1))
    return token


@pytest.fixture
def revoked_bearer(oauth_app):
    from oauth2_provider.models import AccessToken

    from tests.conftest import issue_bearer

    token = issue_bearer(UserFactory(), oauth_app)
    AccessToken.objects.filter(token=token).delete()
    return token


@pytest.fixture
def deactivated_bearer(oauth_app):
    from tests.conftest import issue_bearer

    user = UserFactory()
    token = issue_bearer(user, oauth_app)
    user.is_active = False
    user.save()
    return token


def test_every_route_is_covered():
    # Issue 23 served the SDK's whole catalogue for statuses, categories, tags and media.
    assert "/api/v2/status/1/restore/" in SELFCOMMUNITY_ROUTES and len(SELFCOMMUNITY_ROUTES) == 42
    assert "/api/v2/status/1/vote/" in SELFCOMMUNITY_ROUTES
    assert "/api/v2/media/upload/chunk/" in SELFCOMMUNITY_ROUTES
    assert "/api/v1/custom-user-status.delete" in ROCKETCHAT_ROUTES and len(ROCKETCHAT_ROUTES) == 6


# The refused-credential checks below walk every route inside one test per credential and
# method (a test per route spent most of its time setting up and tearing down the database);
# the cache (rate limits) is emptied before each route, as it was before each test.


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("token", "says"),
    [
        ("not-a-token", "The access token is invalid."),
        ("expired", "The access token has expired."),
        ("revoked", "The access token is invalid."),
        ("deactivated", "The access token is invalid."),
    ],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_refused_bearer_is_invalid_token_on_every_selfcommunity_route(
    request, token, says, method
):
    if token != "not-a-token":
        token = request.getfixturevalue(f"{token}_bearer")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert SELFCOMMUNITY_ROUTES  # the count: test_every_route_is_covered
    for path in SELFCOMMUNITY_ROUTES:
        cache.clear()
        response = getattr(client, method)(path, {}, format="json")
        assert response.status_code == 401, (path, response.content)
        assert response.json() == {
            "errors": [{"code": "authentication_failed", "message": says}]
        }, path
        challenge = response["WWW-Authenticate"]
        assert challenge.startswith('Bearer realm="api"'), (path, challenge)
        assert 'error="invalid_token"' in challenge, (path, challenge)
        # The browsable API shows the same body, and DRF's "not provided" nowhere.
        page = client.get(path, HTTP_ACCEPT=HTML)
        assert page.status_code == 401 and page["Content-Type"].startswith("text/html"), path
        html = page.content.decode()
        assert "authentication_failed" in html and NOT_PROVIDED not in html, path


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("surface", "path"), by_surface(lambda surface: surface_routes(surface, public=False))
)
def test_no_credentials_at_all_is_the_surfaces_401_with_a_plain_challenge(surface, path):
    # SelfCommunity still says DRF's "not provided"; Rocket.Chat's body is the one of a
    # refused token (CONTRACTS.md).
    query = f"?{surface.tests.query}" if surface.tests.query else ""
    response = APIClient().get(path + query)
    assert response.status_code == 401, response.content
    assert response.json() == surface.tests.unauthenticated
    assert response["WWW-Authenticate"] == surface.tests.challenge


def test_no_credentials_bodies_are_those_of_before():
    assert SELFCOMMUNITY.tests.unauthenticated == {
        "errors": [{"code": "not_authenticated", "message": NOT_PROVIDED}]
    }
    assert SELFCOMMUNITY.tests.challenge == 'Bearer realm="api"'
    assert ROCKETCHAT.tests.unauthenticated == ROCKETCHAT_401
    assert ROCKETCHAT.tests.challenge == 'X-Auth-Token realm="api"'


@pytest.mark.django_db
def test_a_good_bearer_after_a_refused_one_works(sc_login):
    # A refusal is never cached: the same client with a valid token goes through.
    member = sc_login()
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    assert bad.get("/api/v2/status/").status_code == 401
    assert member.get("/api/v2/status/").status_code == 200


ROCKETCHAT_401 = {
    "success": False,
    "status": "error",
    "error": "You must be logged in to do this.",
    "message": "You must be logged in to do this.",
}


@pytest.fixture
def expired_login(db, settings):
    from datetime import timedelta

    from django.utils import timezone

    from access.models import LoginToken
    from access.services import login_token_issue

    issued = login_token_issue(user=UserFactory())
    LoginToken.objects.update(
        created_at=timezone.now() - timedelta(days=settings.LOGIN_TOKEN_TTL_DAYS, seconds=1)
    )
    return {"HTTP_X_AUTH_TOKEN": issued.auth_token, "HTTP_X_USER_ID": issued.user_id}


@pytest.mark.django_db
@pytest.mark.parametrize("credentials", ["wrong", "expired", "token only", "user id only"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_refused_login_token_is_invalid_token_on_every_rocketchat_route(
    request, credentials, method
):
    headers = {
        "wrong": {"HTTP_X_AUTH_TOKEN": "not-a-token", "HTTP_X_USER_ID": "1"},
        "token only": {"HTTP_X_AUTH_TOKEN": "not-a-token"},
        "user id only": {"HTTP_X_USER_ID": "1"},
    }.get(credentials) or request.getfixturevalue("expired_login")
    client = APIClient()
    assert ROCKETCHAT_ROUTES
    for path in ROCKETCHAT_ROUTES:
        cache.clear()
        response = getattr(client, method)(path, {}, format="json", **headers)
        assert response.status_code == 401, (path, response.content)
        # Rocket.Chat's body is fixed (CONTRACTS.md); the challenge says what was wrong.
        assert response.json() == ROCKETCHAT_401, path
        assert response["WWW-Authenticate"] == (
            'X-Auth-Token realm="api", error="invalid_token", '
            'error_description="Invalid or expired login token."'
        ), path
        page = client.get(path, HTTP_ACCEPT=HTML, **headers)
        assert page.status_code == 401 and page["Content-Type"].startswith("text/html"), path
        html = page.content.decode()
        assert "You must be logged in to do this." in html and NOT_PROVIDED not in html, path
        assert "Incorrect authentication credentials" not in html, path
