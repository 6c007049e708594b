"""Contract tests for the Rocket.Chat surface (CONTRACTS.md §2)."""

import dataclasses
import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from access.models import LoginToken
from access.services import hash_secret
from statuses import services
from statuses.models import ROCKETCHAT_ID_ALPHABET, UserStatus
from tests.factories import UserFactory, UserStatusFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/"
LIST, CREATE = API + "custom-user-status.list", API + "custom-user-status.create"
UPDATE, DELETE = API + "custom-user-status.update", API + "custom-user-status.delete"
ADD, CHANGE, REMOVE = (
    "statuses.add_userstatus",
    "statuses.change_userstatus",
    "statuses.delete_userstatus",
)
LOGGED_OUT = {
    "success": False,
    "status": "error",
    "error": "You must be logged in to do this.",
    "message": "You must be logged in to do this.",
}
FORBIDDEN = {
    "success": False,
    "error": "User does not have the permissions required for this action [error-unauthorized]",
    "errorType": "error-unauthorized",
}


def assert_rc_error(response, error_type, error, details=None, status_code=400):
    assert response.status_code == status_code, response.content
    body = response.json()
    assert body["success"] is False
    assert body.get("errorType") == error_type
    assert body["error"] == error
    if details is not None:
        assert body["details"] == details
    return body


# --- login, me, logout ------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {"user": "maria", "password": "pw-secret-123"},
        {"user": "Maria@Example.com", "password": "pw-secret-123"},
        {"username": "maria", "password": "pw-secret-123"},
        {"email": "maria@example.com", "password": "pw-secret-123"},
    ],
)
def test_login_body_forms(client, body):
    user = UserFactory(username="maria", email="maria@example.com")
    response = client.post(API + "login", body, content_type="application/json")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["status"] == "success" and data["success"] is True
    assert data["data"]["userId"] == str(user.pk)
    assert data["data"]["me"]["username"] == "maria"
    token = data["data"]["authToken"]
    stored = LoginToken.objects.get(user=user)
    assert stored.token_hash == hash_secret(token) and token not in stored.token_hash


@pytest.mark.parametrize(
    "body",
    [
        {"user": "maria", "password": "wrong"},
        {"username": "nobody", "password": "pw-secret-123"},
        {"email": "nobody@example.com", "password": "pw-secret-123"},
        {"user": "maria"},
        {"password": "pw-secret-123"},
        {"user": 5, "password": "pw-secret-123"},
    ],
)
def test_login_failure_is_401(client, body):
    UserFactory(username="maria", email="maria@example.com")
    response = client.post(API + "login", body, content_type="application/json")
    assert response.status_code == 401
    assert response.json() == {
        "status": "error",
        "error": "Unauthorized",
        "message": "Unauthorized",
        "success": False,
    }
    assert not LoginToken.objects.exists()


def test_login_inactive_user_is_401(client):
    UserFactory(username="gone", is_active=False)
    response = client.post(
        API + "login",
        {"user": "gone", "password": "pw-secret-123"},
        content_type="application/json",
    )
    assert response.status_code == 401


def test_login_malformed_json_is_400(client):
    response = client.post(API + "login", "{nope", content_type="application/json")
    assert_rc_error(
        response, "invalid-params", "The request body is not valid JSON [invalid-params]"
    )


def test_login_is_throttled(client, settings):
    UserFactory(username="maria")
    for _ in range(30):
        client.post(
            API + "login", {"user": "maria", "password": "x"}, content_type="application/json"
        )
    response = client.post(
        API + "login", {"user": "maria", "password": "x"}, content_type="application/json"
    )
    assert response.status_code == 429
    assert response.json()["errorType"] == "error-too-many-requests"


def test_me_and_logout(client):
    UserFactory(username="maria", first_name="Maria", last_name="Silva")
    login = client.post(
        API + "login",
        {"user": "maria", "password": "pw-secret-123"},
        content_type="application/json",
    ).json()["data"]
    headers = {"HTTP_X_AUTH_TOKEN": login["authToken"], "HTTP_X_USER_ID": login["userId"]}
    me = client.get(API + "me", **headers)
    assert me.status_code == 200
    body = me.json()
    assert body["success"] is True
    assert body["_id"] == login["userId"] and body["username"] == "maria"
    assert body["name"] == "Maria Silva"
    assert body["emails"] == [{"address": "maria@example.com", "verified": False}]
    assert body["roles"] == ["user"] and body["active"] is True
    text = me.content.decode()
    assert "password" not in text and "md5$" not in text and login["authToken"] not in text

    out = client.post(API + "logout", **headers)
    assert out.json() == {"status": "success", "data": {"message": "You've been logged out!"}}
    assert client.get(API + "me", **headers).status_code == 401
    assert client.post(API + "logout", **headers).status_code == 401


def test_me_has_the_keys_of_imeapiuser(client):
    # IMeApiUser (@rocket.chat/core-typings) requires _id, avatarUrl, isOAuthUser and
    # settings, and the /me schema allows no key outside it (no `type`).
    UserFactory(username="maria", first_name="Maria", last_name="Silva")
    login = client.post(
        API + "login",
        {"user": "maria", "password": "pw-secret-123"},
        content_type="application/json",
    ).json()["data"]
    headers = {"HTTP_X_AUTH_TOKEN": login["authToken"], "HTTP_X_USER_ID": login["userId"]}
    me = client.get(API + "me", **headers).json()
    assert me.pop("success") is True
    assert me == login["me"]
    assert "type" not in me
    assert me["avatarUrl"] == "http://testserver/avatar/maria"
    assert me["isOAuthUser"] is False
    assert me["settings"] == {"profile": {}, "preferences": {}, "calendar": {}}
    assert (me["status"], me["statusConnection"], me["utcOffset"]) == ("online", "online", 0)
    assert me["email"] == "maria@example.com"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", me["createdAt"])
    allowed = {
        "_id", "username", "name", "emails", "email", "roles", "active", "status",
        "statusConnection", "utcOffset", "avatarUrl", "isOAuthUser", "settings", "createdAt",
        "lastLogin",
    }  # fmt: skip
    assert set(me) <= allowed


def test_logout_with_get_revokes_the_token(client):
    UserFactory(username="maria")
    login = client.post(
        API + "login",
        {"user": "maria", "password": "pw-secret-123"},
        content_type="application/json",
    ).json()["data"]
    headers = {"HTTP_X_AUTH_TOKEN": login["authToken"], "HTTP_X_USER_ID": login["userId"]}
    out = client.get(API + "logout", **headers)
    assert out.status_code == 200, out.content
    assert out.json() == {"status": "success", "data": {"message": "You've been logged out!"}}
    assert not LoginToken.objects.filter(user__username="maria").exists()
    assert client.get(API + "me", **headers).status_code == 401
    assert client.get(API + "logout", **headers).status_code == 401


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"HTTP_X_AUTH_TOKEN": "nope", "HTTP_X_USER_ID": "1"},
        {"HTTP_X_AUTH_TOKEN": "{token}"},
        {"HTTP_X_USER_ID": "{user_id}"},
        {"HTTP_X_AUTH_TOKEN": "{token}", "HTTP_X_USER_ID": "999999"},
        {"HTTP_X_AUTH_TOKEN": "{token}", "HTTP_X_USER_ID": "abc"},
    ],
)
@pytest.mark.parametrize("method,path", [("get", API + "me"), ("get", LIST), ("post", CREATE)])
def test_missing_or_bad_login_headers_are_401(client, rc_login, headers, method, path):
    agent = rc_login(ADD)
    values = {"token": agent.issued.auth_token, "user_id": agent.issued.user_id}
    headers = {k: v.format(**values) for k, v in headers.items()}
    response = getattr(client, method)(path, **headers)
    assert response.status_code == 401
    assert response.json() == LOGGED_OUT


def test_expired_token_is_401(rc_login, settings):
    agent = rc_login()
    LoginToken.objects.update(created_at=timezone.now() - timedelta(days=91))
    assert agent.get(API + "me").status_code == 401


def test_token_of_another_user_is_401(rc_login):
    first, second = rc_login(), rc_login()
    first.credentials(
        HTTP_X_AUTH_TOKEN=first.issued.auth_token, HTTP_X_USER_ID=second.issued.user_id
    )
    assert first.get(API + "me").status_code == 401


# --- create -----------------------------------------------------------------------------


def test_create(rc_login):
    response = rc_login(ADD).post(CREATE, {"name": " In a meeting ", "statusType": "busy"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["success"] is True
    status = body["customUserStatus"]
    assert set(status) == {"_id", "name", "statusType", "_updatedAt"}
    assert status["name"] == "In a meeting" and status["statusType"] == "busy"
    assert len(status["_id"]) == 17 and set(status["_id"]) <= set(ROCKETCHAT_ID_ALPHABET)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", status["_updatedAt"])
    assert UserStatus.objects.get(pk=status["_id"]).name == "In a meeting"


def test_create_runs_no_select_of_statuses_before_its_insert(rc_login):
    """The unique constraint reports a taken name (Custom_User_Status_Error_...): a valid
    create looks nothing up first, and its history row is written in the same batch."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    agent = rc_login(ADD)
    with CaptureQueriesContext(connection) as queries:
        response = agent.post(CREATE, {"name": "Lunch", "statusType": "away"}, format="json")
    assert response.status_code == 200, response.content
    sql = [query["sql"] for query in queries if "statuses_" in query["sql"]]
    # The status, its history row, its one label (en-us: the name) and the label's history.
    assert [text.split()[0] for text in sql] == ["INSERT"] * 4
    assert "statuses_historicaluserstatus" in sql[1]
    assert "statuses_userstatustranslation" in sql[2]
    status = UserStatus.objects.get()
    assert dict(status.translations.values_list("locale", "label")) == {"en-us": "Lunch"}
    assert status.history.get().history_type == "+"
    taken = agent.post(CREATE, {"name": " LUNCH ", "statusType": "busy"}, format="json")
    assert taken.json()["errorType"] == "Custom_User_Status_Error_Name_Already_In_Use"
    assert UserStatus.history.count() == 1


M = "insertOrUpdateUserStatus"


@pytest.mark.parametrize(
    ("body", "error_type", "error", "details"),
    [
        (
            {"statusType": "busy"},
            "error-the-field-is-required",
            "The field Name is required [error-the-field-is-required]",
            {"method": M, "field": "Name"},
        ),
        (
            {"name": "   ", "statusType": "nope"},
            "error-the-field-is-required",
            "The field Name is required [error-the-field-is-required]",
            {"method": M, "field": "Name"},
        ),
        (
            {"name": "a<b", "statusType": "busy"},
            "error-input-is-not-a-valid-field",
            "a<b is not a valid name [error-input-is-not-a-valid-field]",
            {"method": M, "input": "a<b", "field": "Name"},
        ),
        (
            {"name": "Tom's", "statusType": "bogus"},
            "error-input-is-not-a-valid-field",
            "Tom's is not a valid name [error-input-is-not-a-valid-field]",
            {"method": M, "input": "Tom's", "field": "Name"},
        ),
        (
            # a used name is reported before a missing status type
            {"name": "TAKEN"},
            "Custom_User_Status_Error_Name_Already_In_Use",
            "The custom user status name is already in use "
            "[Custom_User_Status_Error_Name_Already_In_Use]",
            {"method": M},
        ),
        (
            {"name": "Free"},
            "error-the-field-is-required",
            "The field StatusType is required [error-the-field-is-required]",
            {"method": M, "field": "StatusType"},
        ),
        (
            {"name": "Free", "statusType": "Offline"},
            "error-input-is-not-a-valid-field",
            "Offline is not a valid status type [error-input-is-not-a-valid-field]",
            {"method": M, "input": "Offline", "field": "StatusType"},
        ),
    ],
)
def test_create_rules_in_order(rc_login, body, error_type, error, details):
    UserStatusFactory(name="Taken")
    response = rc_login(ADD).post(CREATE, body, format="json")
    assert_rc_error(response, error_type, error, details)
    assert UserStatus.objects.count() == 1


@pytest.mark.parametrize("char", list("><&\"'"))
def test_every_forbidden_character(rc_login, char):
    response = rc_login(ADD).post(
        CREATE, {"name": f"x{char}y", "statusType": "away"}, format="json"
    )
    assert response.json()["errorType"] == "error-input-is-not-a-valid-field"


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"name": "A", "statusType": "busy", "extra": 1}, "must NOT have additional properties"),
        ({"name": 5, "statusType": "busy"}, "must be string"),
        ({"name": "A", "statusType": ["busy"]}, "must be string"),
    ],
)
def test_create_bad_params(rc_login, body, error):
    response = rc_login(ADD).post(CREATE, body, format="json")
    assert_rc_error(response, "invalid-params", f"{error} [invalid-params]")
    assert not UserStatus.objects.exists()


@pytest.mark.parametrize("raw", ["[]", '"x"', "{bad json"])
def test_create_non_object_body(rc_login, raw):
    response = rc_login(ADD).post(CREATE, raw, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errorType"] == "invalid-params"


def test_create_huge_body_is_413(rc_login, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 500
    body = '{"name": "' + "x" * 1000 + '", "statusType": "busy"}'
    response = rc_login(ADD).post(CREATE, body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["success"] is False


def test_create_without_permission_is_403(rc_login):
    response = rc_login(CHANGE).post(CREATE, {"name": "A", "statusType": "busy"}, format="json")
    assert response.status_code == 403
    assert response.json() == FORBIDDEN
    assert not UserStatus.objects.exists()


# --- update -----------------------------------------------------------------------------


def test_update(rc_login):
    status = UserStatusFactory(name="Lunch", status_type="away")
    response = rc_login(CHANGE).post(
        UPDATE, {"_id": status.pk, "name": "Long lunch", "statusType": "offline"}, format="json"
    )
    assert response.status_code == 200
    body = response.json()["customUserStatus"]
    assert (body["_id"], body["name"], body["statusType"]) == (status.pk, "Long lunch", "offline")


def test_update_without_status_type_keeps_it(rc_login):
    """rest-typings make statusType optional, and Rocket.Chat's insertOrUpdateUserStatus
    then leaves the type alone."""
    status = UserStatusFactory(name="Lunch", status_type="busy")
    response = rc_login(CHANGE).post(
        UPDATE, {"_id": status.pk, "name": "Long lunch"}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()["customUserStatus"]
    assert (body["_id"], body["name"], body["statusType"]) == (status.pk, "Long lunch", "busy")
    status.refresh_from_db()
    assert (status.name, status.status_type) == ("Long lunch", "busy")


@pytest.mark.parametrize("status_type", [None, ""])
def test_update_with_null_or_empty_status_type_is_required(rc_login, status_type):
    # Rocket.Chat would store the null or empty type; a status without a type is refused.
    status = UserStatusFactory(name="Lunch", status_type="busy")
    response = rc_login(CHANGE).post(
        UPDATE, {"_id": status.pk, "name": "Long lunch", "statusType": status_type}, format="json"
    )
    assert_rc_error(
        response,
        "error-the-field-is-required",
        "The field StatusType is required [error-the-field-is-required]",
        {"method": M, "field": "StatusType"},
    )
    status.refresh_from_db()
    assert (status.name, status.status_type) == ("Lunch", "busy")


def test_update_without_status_type_still_checks_the_name(rc_login):
    UserStatusFactory(name="Taken")
    status = UserStatusFactory(name="Mine", status_type="away")
    agent = rc_login(CHANGE)
    response = agent.post(UPDATE, {"_id": status.pk, "name": "TAKEN"}, format="json")
    assert response.json()["errorType"] == "Custom_User_Status_Error_Name_Already_In_Use"
    response = agent.post(UPDATE, {"_id": status.pk}, format="json")
    assert response.json()["error"] == "The field Name is required [error-the-field-is-required]"
    status.refresh_from_db()
    assert (status.name, status.status_type) == ("Mine", "away")


def test_update_keeps_own_name_in_another_case(rc_login):
    status = UserStatusFactory(name="Lunch")
    response = rc_login(CHANGE).post(
        UPDATE, {"_id": status.pk, "name": "LUNCH", "statusType": "away"}, format="json"
    )
    assert response.status_code == 200


def test_update_unknown_id(rc_login):
    response = rc_login(CHANGE).post(
        UPDATE, {"_id": "doesNotExist12345", "name": "X", "statusType": "away"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "success": False,
        "error": 'No custom user status found with the id of "doesNotExist12345".',
    }


def test_update_missing_id_is_invalid_params(rc_login):
    response = rc_login(CHANGE).post(UPDATE, {"name": "X", "statusType": "away"}, format="json")
    assert_rc_error(
        response, "invalid-params", "must have required property '_id' [invalid-params]"
    )


def test_update_duplicate_and_rules(rc_login):
    UserStatusFactory(name="Taken")
    status = UserStatusFactory(name="Mine")
    agent = rc_login(CHANGE)
    response = agent.post(
        UPDATE, {"_id": status.pk, "name": "taken", "statusType": "busy"}, format="json"
    )
    assert response.json()["errorType"] == "Custom_User_Status_Error_Name_Already_In_Use"
    response = agent.post(
        UPDATE, {"_id": status.pk, "name": "Mine", "statusType": "Busy"}, format="json"
    )
    assert response.json()["error"] == (
        "Busy is not a valid status type [error-input-is-not-a-valid-field]"
    )
    status.refresh_from_db()
    assert (status.name, status.status_type) == ("Mine", "busy")


def test_update_without_permission_is_403(rc_login):
    status = UserStatusFactory(name="Mine")
    response = rc_login(ADD).post(
        UPDATE, {"_id": status.pk, "name": "New", "statusType": "busy"}, format="json"
    )
    assert response.json() == FORBIDDEN


@pytest.mark.parametrize(
    ("path", "body"),
    [
        (CREATE, {"name": "a<b", "extra": 1}),
        (UPDATE, {"_id": "doesNotExist12345", "name": "X"}),
        (DELETE, {"customUserStatusId": "doesNotExist12345"}),
    ],
)
def test_permission_is_checked_before_the_body_and_the_id(rc_login, path, body):
    """Deliberate (docs/contracts/rocketchat.md): Rocket.Chat checks manage-user-status
    inside its methods, after its body checks and the update's id look-up, and answers 400
    `not_authorized`; the portal answers 403 `error-unauthorized` first, so a caller without
    the permission learns nothing of the body's faults or of which ids exist."""
    response = rc_login().post(path, body, format="json")
    assert response.status_code == 403
    assert response.json() == FORBIDDEN


# --- delete -----------------------------------------------------------------------------


def test_delete(rc_login):
    status = UserStatusFactory()
    response = rc_login(REMOVE).post(DELETE, {"customUserStatusId": status.pk}, format="json")
    assert response.json() == {"success": True}
    assert not UserStatus.objects.exists()


def test_delete_unknown(rc_login):
    response = rc_login(REMOVE).post(DELETE, {"customUserStatusId": "nope"}, format="json")
    assert_rc_error(
        response,
        "Custom_User_Status_Error_Invalid_User_Status",
        "Invalid user status [Custom_User_Status_Error_Invalid_User_Status]",
        {"method": "deleteCustomUserStatus"},
    )


def test_delete_missing_id(rc_login):
    response = rc_login(REMOVE).post(DELETE, {}, format="json")
    assert response.json() == {
        "success": False,
        "error": 'The "customUserStatusId" params is required!',
    }


def test_delete_without_permission_is_403(rc_login):
    status = UserStatusFactory()
    response = rc_login(ADD, CHANGE).post(DELETE, {"customUserStatusId": status.pk}, format="json")
    assert response.json() == FORBIDDEN
    assert UserStatus.objects.filter(pk=status.pk).exists()


# --- list -------------------------------------------------------------------------------


@pytest.fixture
def many_statuses(db):
    return [UserStatusFactory(name=f"Status {i:03d}") for i in range(120)]


def test_list_defaults_sorted_by_name(rc_login, many_statuses):
    body = rc_login().get(LIST).json()
    assert body["success"] is True
    assert (body["count"], body["offset"], body["total"]) == (50, 0, 120)
    assert [s["name"] for s in body["statuses"]] == [f"Status {i:03d}" for i in range(50)]


def test_list_paging_and_max_count(rc_login, many_statuses):
    agent = rc_login()
    body = agent.get(LIST, {"offset": 100, "count": 50}).json()
    assert (body["count"], body["offset"], body["total"]) == (20, 100, 120)
    assert body["statuses"][0]["name"] == "Status 100"
    body = agent.get(LIST, {"count": 500}).json()
    assert body["count"] == 100


def test_list_sort_and_filters(rc_login, db):
    a = UserStatusFactory(name="Alpha meeting", status_type="busy")
    UserStatusFactory(name="Beta", status_type="away")
    UserStatusFactory(name="Gamma MEETING", status_type="online")
    agent = rc_login()
    names = [s["name"] for s in agent.get(LIST, {"sort": '{"name":-1}'}).json()["statuses"]]
    assert names == ["Gamma MEETING", "Beta", "Alpha meeting"]
    types = [
        s["statusType"] for s in agent.get(LIST, {"sort": '{"statusType":1}'}).json()["statuses"]
    ]
    assert types == ["away", "busy", "online"]
    body = agent.get(LIST, {"name": "meeting"}).json()
    assert [s["name"] for s in body["statuses"]] == ["Alpha meeting", "Gamma MEETING"]
    assert body["total"] == 2
    assert [s["_id"] for s in agent.get(LIST, {"_id": a.pk}).json()["statuses"]] == [a.pk]


@pytest.mark.parametrize("sort", ["nope", '{"name":2}', '{"password":1}', "[]", "{}"])
def test_list_invalid_sort(rc_login, sort):
    # Rocket.Chat's parseJsonQuery: `Invalid sort parameter provided: "<sort>"` (a colon),
    # with the helper's name in `details`.
    assert_rc_error(
        rc_login().get(LIST, {"sort": sort}),
        "error-invalid-sort",
        f'Invalid sort parameter provided: "{sort}" [error-invalid-sort]',
        {"helperMethod": "parseJsonQuery"},
    )


# The first request of Rocket.Chat's admin screen "Custom User Status", as its table sends it
# through @rocket.chat/api-client while the search box is empty (tests/rocketchat_js replays
# the whole sequence with the client itself).
ADMIN_TABLE_FIRST_LOAD = "count=25&name=&offset=0&sort=%7B%20%22name%22%3A%201%20%7D"


def test_list_admin_table_first_load(rc_login, db):
    UserStatusFactory(name="Lunch", status_type="away")
    UserStatusFactory(name="Focus", status_type="busy")
    response = rc_login().get(LIST + "?" + ADMIN_TABLE_FIRST_LOAD)
    assert response.status_code == 200, response.content
    body = response.json()
    assert [s["name"] for s in body["statuses"]] == ["Focus", "Lunch"]
    assert (body["count"], body["offset"], body["total"]) == (2, 0, 2)


@pytest.mark.parametrize("param", ["name", "_id", "sort", "query", "offset", "count"])
def test_list_empty_parameter_is_absent(rc_login, db, param):
    """An empty name, _id, sort or query is not given, as Rocket.Chat's falsy checks read
    it (and an empty offset or count, which its schema makes null): every status, in the
    default order."""
    UserStatusFactory(name="Beta", status_type="away")
    UserStatusFactory(name="Alpha", status_type="busy")
    response = rc_login().get(f"{LIST}?{param}=")
    assert response.status_code == 200, response.content
    assert [s["name"] for s in response.json()["statuses"]] == ["Alpha", "Beta"]


@pytest.mark.parametrize("param", ["fields", "foo"])
def test_list_unknown_parameter_is_400_even_when_empty(rc_login, db, param):
    assert_rc_error(
        rc_login().get(f"{LIST}?{param}="),
        "invalid-params",
        "must NOT have additional properties [invalid-params]",
        {"additionalProperty": param},
    )


@pytest.mark.parametrize("params", [{"offset": -1}, {"count": "ten"}, {"count": -1}])
def test_list_invalid_paging(rc_login, params):
    response = rc_login().get(LIST, params)
    assert response.status_code == 400
    assert response.json()["errorType"] == "invalid-params"


def test_list_count_zero_is_every_item(rc_login, many_statuses):
    body = rc_login().get(LIST, {"count": 0}).json()
    assert (body["count"], body["offset"], body["total"]) == (120, 0, 120)
    assert [s["name"] for s in body["statuses"]] == [f"Status {i:03d}" for i in range(120)]
    body = rc_login().get(LIST, {"count": 0, "offset": 110}).json()
    assert (body["count"], body["offset"], body["total"]) == (10, 110, 120)


def test_list_query_loads_one_status_like_the_admin_screen(rc_login, db):
    # Rocket.Chat's admin screen loads the status to edit with query={"_id":...} and
    # edits statuses[0]: a "Beta" first in the list must not be what it gets.
    UserStatusFactory(name="Alpha", status_type="away")
    target = UserStatusFactory(name="Zulu", status_type="busy")
    body = rc_login().get(LIST, {"query": json.dumps({"_id": target.pk})}).json()
    assert [s["_id"] for s in body["statuses"]] == [target.pk]
    assert (body["count"], body["total"]) == (1, 1)


def test_list_query_filters(rc_login, db):
    UserStatusFactory(name="Alpha meeting", status_type="busy")
    UserStatusFactory(name="Beta", status_type="away")
    UserStatusFactory(name="Gamma MEETING", status_type="busy")
    agent = rc_login()

    def names(query):
        response = agent.get(LIST, {"query": json.dumps(query)})
        assert response.status_code == 200, response.content
        return [s["name"] for s in response.json()["statuses"]]

    assert names({"name": "Beta"}) == ["Beta"]
    assert names({"name": "beta"}) == []
    assert names({"statusType": "busy"}) == ["Alpha meeting", "Gamma MEETING"]
    assert names({"name": {"$regex": "meeting", "$options": "i"}}) == [
        "Alpha meeting",
        "Gamma MEETING",
    ]
    assert names({"name": {"$regex": "meeting"}}) == ["Alpha meeting"]
    assert names({"name": {"$regex": "^(B|G)", "$options": "i"}, "statusType": "busy"}) == [
        "Gamma MEETING"
    ]
    # The name parameter takes the place of query's name, as in Rocket.Chat's route.
    response = agent.get(LIST, {"query": json.dumps({"name": "Beta"}), "name": "alpha"})
    assert [s["name"] for s in response.json()["statuses"]] == ["Alpha meeting"]


def test_list_query_regex_cannot_backtrack_for_ever(rc_login, db):
    """A pattern that makes a backtracking engine take exponential time (ReDoS) is matched
    in linear time: with Python's `re`, 120 characters of `a` would take for ever."""
    import time

    UserStatusFactory(name="a" * 119 + "!", status_type="busy")
    agent = rc_login()
    started = time.monotonic()
    response = agent.get(LIST, {"query": json.dumps({"name": {"$regex": "(a+)+$"}})})
    assert response.status_code == 200 and response.json()["statuses"] == []
    assert time.monotonic() - started < 2
    # Backreferences (which need backtracking) are refused as not valid.
    response = agent.get(LIST, {"query": json.dumps({"name": {"$regex": "(a)\\1"}})})
    assert response.status_code == 400
    assert response.json()["errorType"] == "invalid-params"


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ("nope", "query: must be a JSON object [invalid-params]"),
        ("[]", "query: must be a JSON object [invalid-params]"),
        ('{"password": "x"}', 'query: "password" is not a supported key [invalid-params]'),
        ('{"name": {"$ne": "x"}}', 'query: "$ne" is not a supported key [invalid-params]'),
        (
            '{"_id": {"$regex": "x"}}',
            'query: the value of "_id" must be a string or, on name, a $regex [invalid-params]',
        ),
        (
            '{"name": 5}',
            'query: the value of "name" must be a string or, on name, a $regex [invalid-params]',
        ),
        (
            '{"name": {"$regex": "x", "$options": "s"}}',
            'query: $options must be "i" or "" [invalid-params]',
        ),
        (
            '{"name": {"$regex": "("}}',
            "query: not a valid regular expression: missing ): ( [invalid-params]",
        ),
        (
            json.dumps({"name": {"$regex": "a" * 513}}),
            "query: $regex is longer than 512 characters [invalid-params]",
        ),
    ],
)
def test_list_query_refuses_the_rest(rc_login, db, query, error):
    assert_rc_error(rc_login().get(LIST, {"query": query}), "invalid-params", error)


@pytest.mark.parametrize("param", ["fields", "foo", "query[_id]"])
def test_list_unknown_parameter_is_400(rc_login, db, param):
    assert_rc_error(
        rc_login().get(LIST, {param: "x"}),
        "invalid-params",
        "must NOT have additional properties [invalid-params]",
        {"additionalProperty": param},
    )


def test_list_format_parameter_still_works(rc_login, db):
    assert rc_login().get(LIST, {"format": "json"}).status_code == 200


def status_queries(agent, params):
    """The reply to a list request, and the SQL it ran on the statuses tables (the
    credential lookup is the cache's: SQL with the database cache, none with Redis)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        body = agent.get(LIST, params).json()
    return body, [query["sql"] for query in queries if "statuses_" in query["sql"]]


@pytest.mark.parametrize("count", [1, 20, 100])
def test_list_query_count_is_constant(rc_login, db, count):
    agent = rc_login()
    UserStatus.objects.bulk_create(UserStatus(name=f"S{i}", status_type="busy") for i in range(100))
    body, sql = status_queries(agent, {"count": count})
    assert len(sql) == 1  # the page, with its total (COUNT(*) OVER ())
    assert (body["count"], body["total"]) == (count, 100)


def test_list_empty_page_still_has_the_total(rc_login, db):
    agent = rc_login()
    UserStatus.objects.bulk_create(UserStatus(name=f"S{i}", status_type="busy") for i in range(5))
    body, sql = status_queries(agent, {"offset": 5})
    assert len(sql) == 2  # the empty page, then its total
    assert (body["statuses"], body["count"], body["offset"], body["total"]) == ([], 0, 5, 5)
    body = agent.get(LIST, {"offset": 50}).json()
    assert (body["count"], body["offset"], body["total"]) == (0, 50, 5)
    body, sql = status_queries(agent, {"name": "no such status"})
    assert len(sql) == 1  # an empty first page: the total is 0
    assert (body["statuses"], body["count"], body["offset"], body["total"]) == ([], 0, 0, 0)


def test_lean_replies_equal_the_serializer(db):
    """user_status_rows and user_status_data (the replies' fast path) write exactly what
    UserStatusSerializer writes."""
    from statuses.rocketchat.serializers import (
        USER_STATUS_COLUMNS,
        UserStatusSerializer,
        user_status_data,
        user_status_rows,
    )

    UserStatusFactory(name="In a meeting", status_type="busy")
    stamped = UserStatusFactory(name="Lunch", status_type="away")
    UserStatus.objects.filter(pk=stamped.pk).update(updated_at="2024-01-02T03:04:05Z")
    UserStatusFactory(name="Ärger ☕", status_type="offline")
    statuses = UserStatus.objects.order_by("name", "id")
    expected = UserStatusSerializer(statuses, many=True).data
    assert user_status_rows(statuses.values_list(*USER_STATUS_COLUMNS)) == expected
    assert [user_status_data(status) for status in statuses] == expected
    with timezone.override("Asia/Kolkata"):
        assert user_status_rows(statuses.values_list(*USER_STATUS_COLUMNS)) == expected


def test_the_user_status_shape_is_what_the_replies_write_and_the_document_declares(db):
    """The parity test of the UserStatus shape (statuses.rocketchat.serializers.UserStatusReply):
    what user_status_data and user_status_rows write has its keys and types, is valid by
    the `UserStatus` component, and is what its documenting serializer writes; on edge
    values (the longest name, unicode beyond the BMP, every status type, a time whose
    microseconds are cut to milliseconds)."""
    from statuses.models import UserStatusType
    from statuses.rocketchat.serializers import (
        USER_STATUS_COLUMNS,
        UserStatusReply,
        UserStatusSerializer,
        user_status_data,
        user_status_rows,
    )
    from tests.shapes import reply_problems

    longest = "Ä🍕" + "x" * (UserStatus.NAME_MAX_LENGTH - 3)
    for index, status_type in enumerate(UserStatusType.values):
        UserStatusFactory(name=longest + str(index), status_type=status_type)
    UserStatus.objects.update(updated_at="2024-06-07T08:09:10.999999Z")
    statuses = UserStatus.objects.order_by("id")
    rows = user_status_rows(statuses.values_list(*USER_STATUS_COLUMNS))
    assert len(rows) == len(UserStatusType.values)
    assert rows[0]["_updatedAt"] == "2024-06-07T08:09:10.999Z"
    for row, status in zip(rows, statuses, strict=True):
        assert reply_problems(row, UserStatusReply) == []
        assert row == user_status_data(status) == UserStatusSerializer(status).data


# --- browsable API ------------------------------------------------------------------------


@pytest.mark.parametrize("path", [LIST, CREATE, UPDATE, DELETE, API + "login", API + "me"])
def test_every_route_renders_in_the_browsable_api(admin_client, path):
    response = admin_client.get(path, HTTP_ACCEPT="text/html")
    assert response.status_code in (200, 405), response.content[:500]
    assert response["Content-Type"].startswith("text/html")


# --- the Genesys fields of one record (issue 28) ----------------------------------------------


def test_a_deactivated_status_is_hidden_from_the_list_and_unknown_to_update_and_delete(rc_login):
    UserStatusFactory(name="Lunch", status_type="away")
    hidden = UserStatusFactory(name="Coaching", status_type="busy", active=False)
    agent = rc_login(ADD, CHANGE, REMOVE)
    listed = agent.get(LIST, {"count": 0}).json()
    assert [row["name"] for row in listed["statuses"]] == ["Lunch"]
    assert (listed["count"], listed["total"]) == (1, 1)
    assert agent.get(LIST, {"_id": hidden.pk}).json()["statuses"] == []
    response = agent.post(
        UPDATE, {"_id": hidden.pk, "name": "Coach", "statusType": "busy"}, format="json"
    )
    assert response.json() == {
        "success": False,
        "error": f'No custom user status found with the id of "{hidden.pk}".',
    }
    response = agent.post(DELETE, {"customUserStatusId": hidden.pk}, format="json")
    assert response.json()["errorType"] == "Custom_User_Status_Error_Invalid_User_Status"
    hidden.refresh_from_db()
    assert (hidden.name, hidden.active) == ("Coaching", False)
    # Its name stays reserved: the create's usual "name in use".
    response = agent.post(CREATE, {"name": "COACHING", "statusType": "away"}, format="json")
    assert response.json()["errorType"] == "Custom_User_Status_Error_Name_Already_In_Use"


def test_the_list_shows_a_status_again_once_reactivated(rc_login):
    status = UserStatusFactory(name="Coaching", active=False)
    agent = rc_login()
    assert agent.get(LIST).json()["statuses"] == []
    fields = services.fields_of(services.UserStatusFields, status)
    services.user_status_update(status=status, fields=dataclasses.replace(fields, active=True))
    assert [row["_id"] for row in agent.get(LIST).json()["statuses"]] == [status.pk]


@pytest.mark.parametrize(
    ("body_type", "status_type", "presence"),
    [(None, "away", "Meal"), ("away", "away", "Meal"), ("busy", "busy", None)],
)
def test_an_update_keeps_the_genesys_fields_and_the_presence_under_its_type(
    rc_login, body_type, status_type, presence
):
    status = UserStatusFactory(
        name="Lunch", status_type="away", system_presence="Meal", division_id="sales"
    )
    status.translations.create(locale="en-us", label="Lunch")
    status.translations.create(locale="fr", label="Déjeuner")
    body = {"_id": status.pk, "name": "Long lunch"}
    if body_type is not None:
        body["statusType"] = body_type
    response = rc_login(CHANGE).post(UPDATE, body, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["customUserStatus"]["statusType"] == status_type
    status.refresh_from_db()
    assert (status.name, status.status_type, status.system_presence) == (
        "Long lunch",
        status_type,
        presence,
    )
    assert (status.active, status.division_id) == (True, "sales")
    assert dict(status.translations.values_list("locale", "label")) == {
        "en-us": "Long lunch",
        "fr": "Déjeuner",
    }


def test_a_create_makes_a_status_without_a_presence_of_its_own(rc_login):
    response = rc_login(ADD).post(CREATE, {"name": "Lunch", "statusType": "online"}, format="json")
    assert response.status_code == 200, response.content
    status = UserStatus.objects.get()
    assert (status.system_presence, status.presence, status.active, status.division_id) == (
        None,
        "Available",
        True,
        "*",
    )
