"""LivePerson's Login Service (login, refresh, logout), driven as its developer docs show it.

The pages "User Login", "Refresh" and "Logout" of LivePerson's Login Service API give the
requests (path, `v=1.3`, `Content-Type`/`Accept: Application/JSON`, the `Session_id`
cookie, the `{"csrf"}` body) and example bodies; CONTRACTS.md §3 says which of them the
portal follows. Where a docs example is used verbatim it says so.
"""

import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from access.services import hash_secret
from reasons.models import AccountBearer
from tests.factories import AccountFactory, UserFactory

pytestmark = pytest.mark.django_db

REASONS = "/api/account/acme/configuration/le-agents/status-reasons"
# The docs' headers, spelled as the docs spell them (media types are case-insensitive).
DOCS_HEADERS = {"HTTP_ACCEPT": "Application/JSON"}
DOCS_CONTENT_TYPE = "Application/JSON"
# The docs' own example csrf (Refresh and Logout pages): a csrf of no session of ours.
DOCS_EXAMPLE_CSRF = "87f9c1e535b03494194d0b5e76b48ca8f4497114a8ba20afb22a67f375a29adb"
DOCS_CSRF_MESSAGE = (
    "CSRF token invalid! The CSRF token on request does not match the CSRF token on the session"
)
# The User Login example reply's keys, in its order, and the type of each value.
LOGIN_REPLY_TYPES = {
    "csrf": str,
    "wsuk": str,
    "config": dict,
    "csdsCollectionResponse": dict,
    "accountData": dict,
    "sessionTTl": str,
    "bearer": str,
}
CONFIG_TYPES = {
    "loginName": str,
    "userId": str,
    "userPrivileges": list,
    "serverCurrentTime": int,
    "timeDiff": int,
    "serverTimeZoneName": str,
    "serverTimeGMTDiff": int,
    "isLPA": bool,
    "isAdmin": bool,
    "accountTimeZoneId": str,
}
PERMS = ["reasons.view_statusreason", "reasons.add_statusreason"]


@pytest.fixture
def member(db):
    """The docs' example user: `{"username": "name", "password": "password"}`."""
    user = UserFactory(username="name", password="password", perms=PERMS)
    AccountFactory(id="acme").members.add(user)
    return user


def docs_post(client, path, body, **extra):
    """POST a JSON body with the docs' headers. (Django's test client encodes a dict only
    for a lower-case `application/json`: the body is encoded here.)"""
    data = json.dumps(body)
    return client.post(path, data, content_type=DOCS_CONTENT_TYPE, **DOCS_HEADERS, **extra)


def login(client, account="acme"):
    """User Login, with the docs' example body verbatim."""
    return docs_post(
        client, f"/api/account/{account}/login?v=1.3", {"username": "name", "password": "password"}
    )


def assert_login_service_error(response, status, internal_code, response_status):
    assert response.status_code == status, response.content
    body = response.json()
    assert list(body) == ["error"]
    error = body["error"]
    assert list(error) == ["time", "message", "internalCode", "responseStatus"]
    assert error["internalCode"] == internal_code
    assert error["responseStatus"] == response_status
    assert isinstance(error["message"], str) and error["message"]
    assert error["time"].endswith("Z")  # ISO 8601, UTC (CONTRACTS.md: times)
    return error


# --- User Login ---------------------------------------------------------------------------


def test_login_answers_the_documented_body_with_this_portals_values(member):
    client = Client()
    response = login(client)
    assert response.status_code == 200, response.content
    body = response.json()
    assert list(body) == list(LOGIN_REPLY_TYPES)  # the docs' order: the bearer last
    assert {key: type(value) for key, value in body.items()} == LOGIN_REPLY_TYPES
    config = body["config"]
    assert list(config) == list(CONFIG_TYPES)
    assert {key: type(value) for key, value in config.items()} == CONFIG_TYPES
    assert config["loginName"] == "name" and config["userId"] == str(member.pk)
    assert all(type(privilege) is int for privilege in config["userPrivileges"])
    assert len(config["userPrivileges"]) == len(PERMS)
    assert abs(config["serverCurrentTime"] / 1000 - timezone.now().timestamp()) < 60
    assert config["isLPA"] is False and config["isAdmin"] is False
    assert config["serverTimeZoneName"] == config["accountTimeZoneId"] == "UTC"
    assert config["timeDiff"] == config["serverTimeGMTDiff"] == 0
    assert body["wsuk"].isdigit()
    # This portal's own base URI for the services it serves, under the docs' service names.
    assert body["csdsCollectionResponse"] == {
        "baseURIs": [
            {"account": "acme", "baseURI": "testserver", "service": service}
            for service in ["agentVep", "accountConfigReadOnly", "accountConfigReadWrite"]
        ]
    }
    assert body["accountData"] == {"agentGroupsData": {"items": [], "revision": 0}}
    assert body["sessionTTl"] == str(24 * 3600 * 1000)
    # The docs' example secrets are 64 hex characters; so are these.
    assert all(len(body[key]) == 64 for key in ("csrf", "bearer"))


def test_login_sets_the_session_id_cookie_and_stores_only_hashes(member, settings):
    response = login(Client())
    cookie = response.cookies["Session_id"]
    assert cookie.value and cookie["httponly"] is True
    assert not cookie["secure"]  # plain HTTP here; HTTPS below
    assert cookie["path"] == "/api/account/acme/"
    assert cookie["samesite"] == settings.SESSION_COOKIE_SAMESITE
    body = response.json()
    stored = AccountBearer.objects.get()
    assert stored.token_hash == hash_secret(body["bearer"])
    assert stored.csrf_hash == hash_secret(body["csrf"])
    assert stored.session_hash == hash_secret(cookie.value)
    secrets = {body["bearer"], body["csrf"], cookie.value}
    stored_values = {str(getattr(stored, field.attname)) for field in stored._meta.fields}
    assert not secrets & stored_values


def test_login_over_https_sets_a_secure_cookie(member):
    response = docs_post(
        Client(),
        "/api/account/acme/login?v=1.3",
        {"username": "name", "password": "password"},
        secure=True,
    )
    assert response.status_code == 200
    assert response.cookies["Session_id"]["secure"] is True


def test_the_login_bearer_works_on_the_reason_routes_as_the_docs_send_it(member):
    bearer = login(Client()).json()["bearer"]
    response = Client().get(REASONS, HTTP_AUTHORIZATION=f"Bearer {bearer}", **DOCS_HEADERS)
    assert response.status_code == 200 and response.json() == []


@pytest.mark.parametrize(
    ("account", "body"),
    [
        ("acme", {"username": "name", "password": "wrong"}),
        ("nope", {"username": "name", "password": "password"}),
        ("acme", {"username": "name"}),
    ],
)
def test_login_failures_answer_in_the_login_services_error_shape(member, account, body):
    response = docs_post(Client(), f"/api/account/{account}/login?v=1.3", body)
    assert_login_service_error(response, 401, 0, "UNAUTHORIZED")
    assert "Session_id" not in response.cookies
    assert not AccountBearer.objects.exists()


@pytest.mark.parametrize("body", ['["name"]', "{not json"])
def test_a_bad_login_body_is_a_400_in_the_login_services_error_shape(member, body):
    response = Client().generic(
        "POST", "/api/account/acme/login?v=1.3", body, content_type="application/json"
    )
    assert_login_service_error(response, 400, 0, "BAD_REQUEST")


def test_a_get_on_login_is_a_405_in_the_login_services_error_shape(member):
    assert_login_service_error(
        Client().get("/api/account/acme/login"), 405, 0, "METHOD_NOT_ALLOWED"
    )


# --- Refresh ------------------------------------------------------------------------------


def test_refresh_with_the_cookie_and_csrf_is_200_with_an_empty_body(member):
    client = Client()  # keeps the Session_id cookie, as the docs' `requests.session()` does
    csrf = login(client).json()["csrf"]
    session = AccountBearer.objects.get()
    AccountBearer.objects.update(refreshed_at=timezone.now() - timedelta(hours=23))
    response = docs_post(client, "/api/account/acme/refresh", {"csrf": csrf})
    assert response.status_code == 200, response.content
    assert response.content == b""
    session.refresh_from_db()
    assert timezone.now() - session.refreshed_at < timedelta(minutes=1)


def test_refresh_starts_the_sessions_lifetime_again(member, settings):
    client = Client()
    body = login(client).json()
    bearer = Client(HTTP_AUTHORIZATION=f"Bearer {body['bearer']}")
    AccountBearer.objects.update(
        refreshed_at=timezone.now() - timedelta(hours=settings.BEARER_TTL_HOURS, minutes=-1)
    )
    assert docs_post(client, "/api/account/acme/refresh", {"csrf": body["csrf"]}).status_code == 200
    AccountBearer.objects.update(created_at=timezone.now() - timedelta(days=2))
    assert bearer.get(REASONS).status_code == 200  # alive: the lifetime runs from the refresh


def test_an_expired_session_cannot_be_refreshed(member, settings):
    client = Client()
    csrf = login(client).json()["csrf"]
    AccountBearer.objects.update(
        refreshed_at=timezone.now() - timedelta(hours=settings.BEARER_TTL_HOURS, seconds=1)
    )
    response = docs_post(client, "/api/account/acme/refresh", {"csrf": csrf})
    assert_login_service_error(response, 401, 0, "UNAUTHORIZED")


@pytest.mark.parametrize("body", [{"csrf": DOCS_EXAMPLE_CSRF}, {}, {"csrf": 10}, {"csrf": ""}])
def test_refresh_with_a_csrf_that_is_not_the_sessions_is_the_documented_401(member, body):
    client = Client()
    login(client)
    response = docs_post(client, "/api/account/acme/refresh", body)
    error = assert_login_service_error(response, 401, 10, "UNAUTHORIZED")
    assert error["message"] == DOCS_CSRF_MESSAGE  # the docs' text, verbatim


def test_refresh_without_the_cookie_is_a_401(member):
    csrf = login(Client()).json()["csrf"]
    response = docs_post(Client(), "/api/account/acme/refresh", {"csrf": csrf})
    assert_login_service_error(response, 401, 0, "UNAUTHORIZED")
    assert response.has_header("WWW-Authenticate")


def test_the_bearer_does_not_refresh(member):
    body = login(Client()).json()
    response = Client(HTTP_AUTHORIZATION=f"Bearer {body['bearer']}").post(
        "/api/account/acme/refresh", {"csrf": body["csrf"]}, content_type="application/json"
    )
    assert_login_service_error(response, 401, 0, "UNAUTHORIZED")


def test_a_session_cookie_on_another_accounts_path_is_403(member):
    AccountFactory(id="other").members.add(member)
    client = Client()
    csrf = login(client).json()["csrf"]
    client.cookies["Session_id"]["path"] = "/"  # a client that sends it everywhere
    for route in ("refresh", "logout"):
        response = docs_post(client, f"/api/account/other/{route}", {"csrf": csrf})
        assert_login_service_error(response, 403, 0, "FORBIDDEN")
    assert AccountBearer.objects.count() == 1


def test_a_removed_member_cannot_refresh(member):
    client = Client()
    csrf = login(client).json()["csrf"]
    member.liveperson_accounts.clear()
    response = docs_post(client, "/api/account/acme/refresh", {"csrf": csrf})
    assert_login_service_error(response, 401, 0, "UNAUTHORIZED")


# --- Logout -------------------------------------------------------------------------------


def test_logout_with_the_cookie_and_csrf_ends_the_session(member):
    client = Client()
    body = login(client).json()
    response = docs_post(client, "/api/account/acme/logout", {"csrf": body["csrf"]})
    assert response.status_code == 200, response.content
    assert response.content == b""
    assert response.cookies["Session_id"].value == ""  # the cookie is cleared too
    assert not AccountBearer.objects.exists()
    dead = Client(HTTP_AUTHORIZATION=f"Bearer {body['bearer']}").get(REASONS)
    assert dead.status_code == 401


def test_logout_with_the_docs_example_csrf_is_the_documented_401(member):
    client = Client()
    login(client)
    response = docs_post(client, "/api/account/acme/logout", {"csrf": DOCS_EXAMPLE_CSRF})
    error = assert_login_service_error(response, 401, 10, "UNAUTHORIZED")
    assert error["message"] == DOCS_CSRF_MESSAGE
    assert AccountBearer.objects.exists()


def test_logout_with_the_bearer_is_200_with_an_empty_body(member):
    bearer = login(Client()).json()["bearer"]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {bearer}")
    response = client.post("/api/account/acme/logout")
    assert response.status_code == 200 and response.content == b""
    assert client.get(REASONS).status_code == 401


def test_logout_without_credentials_is_a_401_in_the_login_services_error_shape(member):
    response = docs_post(Client(), "/api/account/acme/logout", {"csrf": DOCS_EXAMPLE_CSRF})
    assert_login_service_error(response, 401, 0, "UNAUTHORIZED")


def test_a_bearer_on_another_accounts_logout_is_403_in_the_login_services_error_shape(member):
    AccountFactory(id="other")
    bearer = login(Client()).json()["bearer"]
    response = Client(HTTP_AUTHORIZATION=f"Bearer {bearer}").post("/api/account/other/logout")
    assert_login_service_error(response, 403, 0, "FORBIDDEN")


# --- the reason routes, as the Agent Status Reason pages show them --------------------------

# The docs' example bodies (specs/liveperson-create-status-reason.md and
# specs/liveperson-status-reason-overview.md), verbatim.
DOCS_SINGLE_CREATE = """{
  "text":"some new reason text",
  "state":"Away",
  "enabled":true,
  "deleted":false
}"""
DOCS_MULTIPLE_CREATE = """[
  {
    "text":"some reason text",
    "state":"Away",
    "enabled":true,
    "deleted":false
  },
  {
    "text":"another reason text",
    "state":"Away",
    "enabled":true,
    "deleted":false
  }
]"""
DOCS_REASON_OBJECT = """{
  "id": 121212,
  "text": "some text252",
  "state": "Away",
  "deleted": false,
  "enabled": true
}"""


def test_the_docs_example_bodies_on_the_reason_routes_after_a_docs_login(member):
    member.user_permissions.add(
        *Permission.objects.filter(codename__in=["change_statusreason", "delete_statusreason"])
    )
    bearer = login(Client()).json()["bearer"]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {bearer}", **DOCS_HEADERS)

    def send(method, path, raw, **headers):
        return client.generic(method, path, raw, content_type=DOCS_CONTENT_TYPE, **headers)

    # Without `v`, as real clients send it, and with the docs' `v`.
    single = send("POST", REASONS, DOCS_SINGLE_CREATE)
    assert single.status_code == 200, single.content
    assert single.json() == {
        "id": single.json()["id"],
        "text": "some new reason text",
        "state": "Away",
        "enabled": True,
        "deleted": False,
        "order": single.json()["order"],
    }
    assert single["ac-revision"] == "1"
    many = send("POST", f"{REASONS}?v=1.0", DOCS_MULTIPLE_CREATE, HTTP_IF_MATCH="1")
    assert many.status_code == 200, many.content
    assert [r["text"] for r in many.json()] == ["some reason text", "another reason text"]
    assert many["ac-revision"] == "2"
    # The overview's object as a full replace (its `id` and `deleted` are ignored).
    replaced = send(
        "PUT", f"{REASONS}/{single.json()['id']}?v=2.0", DOCS_REASON_OBJECT, HTTP_IF_MATCH="2"
    )
    assert replaced.status_code == 200, replaced.content
    assert replaced.json()["text"] == "some text252"
    assert replaced.json()["id"] == single.json()["id"]
    # LivePerson's method override for clients that can only POST.
    deleted = send(
        "POST",
        f"{REASONS}/{single.json()['id']}",
        "",
        HTTP_X_HTTP_METHOD_OVERRIDE="DELETE",
        HTTP_IF_MATCH="3",
    )
    assert deleted.status_code == 200 and deleted.json()["deleted"] is True
    listed = client.get(REASONS)
    assert [r["text"] for r in listed.json()] == ["some reason text", "another reason text"]
    assert listed["ac-revision"] == "4"
    # A stale If-Match keeps the reason routes' own error shape.
    stale = send("POST", REASONS, DOCS_SINGLE_CREATE, HTTP_IF_MATCH="1")
    assert stale.status_code == 409
    assert set(stale.json()) == {"message", "errors"}
