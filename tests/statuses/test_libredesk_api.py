"""Contract tests for the Libredesk surface (CONTRACTS.md §1)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from statuses import services
from statuses.models import ConversationStatus
from tests.factories import ConversationStatusFactory

LIST = "/api/v1/statuses"
ADD = "statuses.add_conversationstatus"
CHANGE = "statuses.change_conversationstatus"
DELETE = "statuses.delete_conversationstatus"

pytestmark = pytest.mark.django_db


def detail(pk):
    return f"{LIST}/{pk}"


def assert_error(response, status_code, error_type, message=None):
    assert response.status_code == status_code, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"status", "message", "data", "error_type"}
    assert body["status"] == "error"
    assert body["data"] is None
    assert body["error_type"] == error_type
    if message is not None:
        assert body["message"] == message
    return body


# --- list and get ---------------------------------------------------------------------


def test_list_returns_defaults_in_id_order(make_agent):
    agent = make_agent()
    response = agent.get(LIST)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "success"
    assert [(s["name"], s["category"]) for s in body["data"]] == [
        ("Open", "open"),
        ("Snoozed", "waiting"),
        ("Resolved", "resolved"),
        ("Closed", "resolved"),
        ("New", "open"),
        ("On-hold", "waiting"),
    ]
    ids = [s["id"] for s in body["data"]]
    assert ids == sorted(ids)
    assert set(body["data"][0]) == {"id", "created_at", "updated_at", "name", "category"}
    assert body["data"][0]["created_at"].endswith("Z")


def test_get_by_id(make_agent):
    status = ConversationStatusFactory(name="Pending", status_category="pending")
    response = make_agent().get(detail(status.pk))
    assert response.status_code == 200
    assert response.json()["data"]["name"] == "Pending"
    assert response.json()["data"]["id"] == status.pk


@pytest.mark.parametrize("pk", ["999999", "abc", "1.5"])
def test_get_unknown_id_is_404(make_agent, pk):
    assert_error(make_agent().get(detail(pk)), 404, "NotFoundException")


def test_list_runs_at_most_three_queries_with_200_statuses(
    make_agent, django_assert_max_num_queries
):
    ConversationStatus.objects.bulk_create(
        ConversationStatus(name=f"Bulk {i}", status_category="open", category="open")
        for i in range(200)
    )
    agent = make_agent()
    agent.get(LIST)  # warm: last_used_at is written at most once a minute
    with django_assert_max_num_queries(3):
        response = agent.get(LIST)
    assert len(response.json()["data"]) == 206


# --- create -----------------------------------------------------------------------------


def test_create(make_agent):
    response = make_agent(ADD).post(
        LIST, {"name": "  Pending  ", "category": "waiting"}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "success"
    assert body["data"]["name"] == "Pending"
    assert body["data"]["category"] == "waiting"
    assert ConversationStatus.objects.filter(name="Pending", is_default=False).count() == 1


def test_create_counts_characters_not_bytes(make_agent):
    name = "é" * 25  # 50 bytes in UTF-8
    response = make_agent(ADD).post(LIST, {"name": name, "category": "open"}, format="json")
    assert response.status_code == 200


def test_authenticated_create_runs_at_most_four_queries(make_agent, assert_max_data_queries):
    # the credential (and its permissions) and the webhooks' subscribed event types'
    # generation from the cache in one read, INSERT, history INSERT, and the list reply's
    # generation retired: with the database cache, two of them are cache queries; with
    # Redis, none (transaction control not counted). No webhooks query: no subscription
    # wants the event (issue 26; it was five with that SELECT)
    agent = make_agent(ADD)
    agent.get(LIST)  # warm last_used_at and the credential cache
    # and the subscribed event types (a first write after a subscription changed reads them)
    agent.post(LIST, {"name": "Warm", "category": "open"}, format="json")
    with assert_max_data_queries(4):
        response = agent.post(LIST, {"name": "Escalated", "category": "open"}, format="json")
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"category": "open"}, "`name` empty"),
        ({"name": None, "category": "open"}, "`name` empty"),
        ({"name": "", "category": "open"}, "`name` empty"),
        ({"name": "   ", "category": "open"}, "`name` empty"),
        # name is checked before category
        ({"name": "  ", "category": "nope"}, "`name` empty"),
        (
            {"name": "x" * 26, "category": "open"},
            "Status is too long, should be at most 25 characters",
        ),
        (
            {"name": "x" * 26, "category": "bad"},
            "Status is too long, should be at most 25 characters",
        ),
    ],
)
def test_create_name_rules_in_order(make_agent, body, message):
    response = make_agent(ADD).post(LIST, body, format="json")
    assert_error(response, 400, "InputException", message)
    assert ConversationStatus.objects.count() == 6


@pytest.mark.parametrize("category", [None, "", "Open", "closed", 1, ["open"]])
def test_create_invalid_category_names_allowed_values(make_agent, category):
    body = {"name": "Fine"} if category is None else {"name": "Fine", "category": category}
    response = make_agent(ADD).post(LIST, body, format="json")
    body = assert_error(response, 400, "InputException")
    assert "open, waiting, resolved" in body["message"]
    assert not ConversationStatus.objects.filter(name="Fine").exists()


@pytest.mark.parametrize("name", [123, True, ["a"], {"a": 1}])
def test_create_wrong_type_name(make_agent, name):
    response = make_agent(ADD).post(LIST, {"name": name, "category": "open"}, format="json")
    assert_error(response, 400, "InputException", "`name` must be a string")


@pytest.mark.parametrize("raw", ['{"name": "x", ', "not json", "[1, 2]", '"text"', "null"])
def test_malformed_or_non_object_body(make_agent, raw):
    response = make_agent(ADD).post(LIST, raw, content_type="application/json")
    assert_error(response, 400, "InputException", "Error parsing request")
    assert ConversationStatus.objects.count() == 6


def test_huge_body_is_413(make_agent, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = '{"name": "x", "category": "open", "pad": "' + "x" * 2000 + '"}'
    response = make_agent(ADD).post(LIST, body, content_type="application/json")
    assert_error(response, 413, "InputException")
    assert ConversationStatus.objects.count() == 6


@pytest.mark.parametrize("name", ["open", "OPEN", " Open "])
def test_create_duplicate_name_is_409_case_insensitive(make_agent, name):
    response = make_agent(ADD).post(LIST, {"name": name, "category": "open"}, format="json")
    assert_error(response, 409, "ConflictException")
    assert ConversationStatus.objects.count() == 6


# --- update -------------------------------------------------------------------------------


def test_update_full_replace(make_agent):
    status = ConversationStatusFactory(name="Pending", status_category="pending")
    response = make_agent(CHANGE).put(
        detail(status.pk), {"name": "On hold", "category": "open"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["data"]["name"] == "On hold"
    status.refresh_from_db()
    assert (status.name, status.category) == ("On hold", "open")


def test_update_with_the_whole_row_as_libredesks_admin_screen_sends_it(make_agent):
    """Libredesk's admin screen PUTs back the row it loaded, edited: `id`, `created_at` and
    `updated_at` included. They are read-only: ignored, not an error, and not applied."""
    status = ConversationStatusFactory(name="Pending", status_category="pending")
    agent = make_agent(CHANGE)
    row = agent.get(detail(status.pk)).json()["data"]
    edited = {
        **row,
        "name": "On hold",
        "id": status.pk + 1000,
        "created_at": "2001-01-01T00:00:00Z",
        "updated_at": "2001-01-01T00:00:00Z",
    }
    response = agent.put(detail(status.pk), edited, format="json")
    assert response.status_code == 200, response.content
    data = response.json()["data"]
    assert (data["id"], data["name"], data["category"]) == (status.pk, "On hold", "waiting")
    assert data["created_at"] == row["created_at"] and data["updated_at"] != edited["updated_at"]
    status.refresh_from_db()
    assert (status.pk, status.name, status.category) == (row["id"], "On hold", "waiting")
    assert ConversationStatus.objects.filter(pk=status.pk + 1000).count() == 0


def test_update_may_change_case_of_own_name(make_agent):
    status = ConversationStatusFactory(name="Pending")
    response = make_agent(CHANGE).put(
        detail(status.pk), {"name": "PENDING", "category": "open"}, format="json"
    )
    assert response.status_code == 200


def test_update_requires_both_fields(make_agent):
    status = ConversationStatusFactory(name="Pending", status_category="pending")
    response = make_agent(CHANGE).put(detail(status.pk), {"name": "Other"}, format="json")
    assert_error(response, 400, "InputException")
    status.refresh_from_db()
    assert status.name == "Pending"


def test_update_validation_messages(make_agent):
    status = ConversationStatusFactory()
    agent = make_agent(CHANGE)
    assert_error(
        agent.put(detail(status.pk), {"name": " ", "category": "open"}, format="json"),
        400,
        "InputException",
        "`name` empty",
    )
    assert_error(
        agent.put(detail(status.pk), {"name": "y" * 26, "category": "open"}, format="json"),
        400,
        "InputException",
        "Status is too long, should be at most 25 characters",
    )
    assert_error(
        agent.put(detail(status.pk), "{", content_type="application/json"),
        400,
        "InputException",
        "Error parsing request",
    )


def test_update_duplicate_is_409(make_agent):
    status = ConversationStatusFactory(name="Pending")
    response = make_agent(CHANGE).put(
        detail(status.pk), {"name": "snoozed", "category": "open"}, format="json"
    )
    assert_error(response, 409, "ConflictException")
    status.refresh_from_db()
    assert status.name == "Pending"


def test_update_default_is_refused(make_agent):
    default = ConversationStatus.objects.get(name="Open")
    response = make_agent(CHANGE).put(
        detail(default.pk), {"name": "Opened", "category": "open"}, format="json"
    )
    assert_error(response, 400, "InputException", "Cannot update default conversation status")
    default.refresh_from_db()
    assert default.name == "Open"


def test_update_unknown_is_404(make_agent):
    response = make_agent(CHANGE).put(
        detail(424242), {"name": "X", "category": "open"}, format="json"
    )
    assert_error(response, 404, "NotFoundException")


# --- delete -------------------------------------------------------------------------------


def test_delete(make_agent):
    status = ConversationStatusFactory()
    response = make_agent(DELETE).delete(detail(status.pk))
    assert response.status_code == 200
    assert response.json() == {"status": "success", "data": True}
    assert not ConversationStatus.objects.filter(pk=status.pk).exists()


def test_delete_default_is_refused(make_agent):
    default = ConversationStatus.objects.get(name="Closed")
    response = make_agent(DELETE).delete(detail(default.pk))
    assert_error(response, 400, "InputException", "Cannot delete default conversation status")
    assert ConversationStatus.objects.filter(pk=default.pk).exists()


def test_delete_unknown_is_404(make_agent):
    assert_error(make_agent(DELETE).delete(detail(424242)), 404, "NotFoundException")


# --- authentication and permissions -----------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", LIST), ("post", LIST), ("get", detail(1)), ("put", detail(1)), ("delete", detail(1))],
)
def test_no_credentials_is_401(client_api, method, path):
    response = getattr(client_api, method)(path, {"name": "X", "category": "open"}, format="json")
    assert_error(response, 401, "UnauthorizedException")


@pytest.mark.parametrize(
    "header",
    [
        "token nokey:nosecret",
        "token {key}:wrongsecret",
        "token {key}",
        "token {key}:",
        "token",
        "Basic !!!notbase64",
        "Basic {basic_wrong}",
    ],
)
def test_wrong_credentials_is_401_invalid_credential(make_agent, client_api, header):
    import base64

    agent = make_agent(ADD)
    key = agent.issued.api_key
    basic_wrong = base64.b64encode(f"{key}:{'x' * 64}".encode()).decode()
    client_api.credentials(HTTP_AUTHORIZATION=header.format(key=key, basic_wrong=basic_wrong))
    assert_error(client_api.get(LIST), 401, "UnauthorizedException", "Invalid credential")


def test_inactive_user_is_401(make_agent):
    agent = make_agent(ADD)
    agent.user.is_active = False
    agent.user.save()
    assert_error(agent.get(LIST), 401, "UnauthorizedException", "Invalid credential")


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", LIST, {"name": "X", "category": "open"}),
        ("put", "detail", {"name": "X", "category": "open"}),
        ("delete", "detail", None),
    ],
)
def test_without_model_permission_is_403(make_agent, method, path, body):
    status = ConversationStatusFactory(name="Mine")
    path = detail(status.pk) if path == "detail" else path
    response = getattr(make_agent(), method)(path, body, format="json")
    assert_error(response, 403, "PermissionException", "Permission denied")
    assert ConversationStatus.objects.filter(name="Mine").exists()
    assert not ConversationStatus.objects.filter(name="X").exists()


def test_group_permission_is_honoured(make_agent):
    from django.contrib.auth.models import Group, Permission

    group = Group.objects.create(name="Managers")
    group.permissions.add(Permission.objects.get(codename="add_conversationstatus"))
    agent = make_agent()
    agent.user.groups.add(group)
    response = agent.post(LIST, {"name": "Via group", "category": "open"}, format="json")
    assert response.status_code == 200


def test_session_login_renders_browsable_api(admin_client):
    response = admin_client.get(LIST, HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert b"Open" in response.content
    assert response["Content-Type"].startswith("text/html")


def test_browsable_api_post_requires_csrf(admin_user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    response = client.post(LIST, {"name": "Form", "category": "open"})
    assert response.status_code == 403
    assert not ConversationStatus.objects.filter(name="Form").exists()


def test_last_used_at_written_at_most_once_a_minute(make_agent):
    agent = make_agent()
    api_key = agent.user.api_key
    assert api_key.last_used_at is None
    with CaptureQueriesContext(connection) as first:
        agent.get(LIST)
    api_key.refresh_from_db()
    stamp = api_key.last_used_at
    assert stamp is not None
    with CaptureQueriesContext(connection) as second:
        agent.get(LIST)
    api_key.refresh_from_db()
    assert api_key.last_used_at == stamp
    updates = [q["sql"] for q in second if q["sql"].startswith('UPDATE "access_apikey"')]
    assert any(q["sql"].startswith('UPDATE "access_apikey"') for q in first)
    assert not updates  # not the second time


def test_unknown_api_path_is_json_404(client, settings):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


# --- lean replies -------------------------------------------------------------------------


@pytest.mark.parametrize("zone", ["UTC", "Europe/Rome", "America/St_Johns"])
def test_lean_replies_equal_the_serializer(zone):
    """status_rows and status_data (the replies' fast path) write exactly what
    StatusSerializer writes, in whatever time zone is active."""
    from django.utils import timezone

    from statuses.libredesk.serializers import StatusSerializer, status_data, status_rows

    ConversationStatusFactory(name="Pending", status_category="pending")
    whole_second = ConversationStatusFactory(name="Later", status_category="solved")
    ConversationStatus.objects.filter(pk=whole_second.pk).update(
        created_at="2024-01-02T03:04:05Z", updated_at="2024-06-07T08:09:10.000001Z"
    )
    statuses = ConversationStatus.objects.all()
    with timezone.override(zone):
        assert status_rows(statuses) == StatusSerializer(statuses, many=True).data
        for status in statuses:
            assert status_data(status) == StatusSerializer(status).data


def test_the_status_shape_is_what_the_replies_write_and_the_document_declares(db):
    """The parity test of the Status shape (statuses.libredesk.serializers.StatusReply): what
    status_data and status_rows write has its keys and types, is valid by the `Status`
    component, and is what its documenting serializer writes; on edge values (the longest
    name, unicode beyond the BMP, every category, microseconds)."""
    from statuses.libredesk.serializers import (
        StatusReply,
        StatusSerializer,
        status_data,
        status_rows,
    )
    from tests.shapes import reply_problems

    longest = "Ä🍕" + "x" * (ConversationStatus.NAME_MAX_LENGTH - 2)
    for index, status_category in enumerate(ConversationStatus.StatusCategory.values):
        ConversationStatusFactory(name=longest[:-1] + str(index), status_category=status_category)
    ConversationStatus.objects.update(updated_at="2024-06-07T08:09:10.000001Z")
    statuses = ConversationStatus.objects.order_by("id")
    rows = status_rows(statuses)
    assert {row["name"] for row in rows} >= {longest[:-1] + "0", longest[:-1] + "2"}
    for row, status in zip(rows, statuses, strict=True):
        assert reply_problems(row, StatusReply) == []
        assert row == status_data(status) == StatusSerializer(status).data


# --- one record, two wires: the Zendesk fields seen from Libredesk (issue 27) -----------------


@pytest.mark.parametrize(
    ("category", "status_category"),
    [("open", "open"), ("waiting", "pending"), ("resolved", "solved")],
)
def test_a_create_sets_the_canonical_status_category(make_agent, category, status_category):
    response = make_agent(ADD).post(LIST, {"name": "Fresh", "category": category}, format="json")
    assert response.status_code == 200
    assert response.json()["data"]["category"] == category
    status = ConversationStatus.objects.get(name="Fresh")
    assert (status.status_category, status.category) == (status_category, category)


def test_a_put_keeps_a_status_category_served_as_the_category_and_every_other_field(make_agent):
    status = services.conversation_status_create(
        fields=services.ConversationStatusFields(
            name="Parked",
            status_category="hold",
            end_user_label="We are on it",
            description="Waiting for a part",
            end_user_description="Soon",
        )
    )
    agent = make_agent(CHANGE)
    response = agent.put(
        detail(status.pk), {"name": "Parked 2", "category": "waiting"}, format="json"
    )
    assert response.json()["data"] == {**response.json()["data"], "category": "waiting"}
    status.refresh_from_db()
    assert (
        status.name, status.status_category, status.end_user_label, status.description,
        status.end_user_description, status.active,
    ) == ("Parked 2", "hold", "We are on it", "Waiting for a part", "Soon", True)  # fmt: skip
    response = agent.put(detail(status.pk), {"name": "Parked 2", "category": "open"}, format="json")
    assert response.status_code == 200
    status.refresh_from_db()
    assert (status.status_category, status.category, status.end_user_label) == (
        "open", "open", "We are on it",
    )  # fmt: skip
    response = agent.put(
        detail(status.pk), {"name": "Parked 2", "category": "waiting"}, format="json"
    )
    status.refresh_from_db()
    assert status.status_category == "pending"  # the canonical one: hold is not remembered


def test_inactive_statuses_are_hidden_and_keep_their_names(make_agent):
    status = ConversationStatusFactory(name="Sleeping", status_category="pending", active=False)
    agent = make_agent(ADD, CHANGE, DELETE)
    names = [s["name"] for s in agent.get(LIST).json()["data"]]
    assert "Sleeping" not in names and len(names) == 6
    assert_error(agent.get(detail(status.pk)), 404, "NotFoundException")
    assert_error(
        agent.put(detail(status.pk), {"name": "Awake", "category": "open"}, format="json"),
        404,
        "NotFoundException",
    )
    assert_error(agent.delete(detail(status.pk)), 404, "NotFoundException")
    response = agent.post(LIST, {"name": "SLEEPING", "category": "open"}, format="json")
    assert_error(response, 409, "ConflictException", "Status name already exists")
    status.refresh_from_db()
    assert (status.name, status.active) == ("Sleeping", False)


def test_a_category_default_is_read_only_on_the_libredesk_wire(make_agent):
    status = ConversationStatusFactory(name="Chosen", status_category="open")
    services.conversation_status_make_default(statuses=[status])
    agent = make_agent(CHANGE, DELETE)
    response = agent.put(detail(status.pk), {"name": "Renamed", "category": "open"}, format="json")
    assert_error(response, 400, "InputException", "Cannot update default conversation status")
    response = agent.delete(detail(status.pk))
    assert_error(response, 400, "InputException", "Cannot delete default conversation status")
    status.refresh_from_db()
    assert status.name == "Chosen"
    # The former default (a built-in) is still protected as one.
    former = ConversationStatus.objects.get(name="Open")
    response = agent.put(detail(former.pk), {"name": "Opened", "category": "open"}, format="json")
    assert_error(response, 400, "InputException", "Cannot update default conversation status")


def test_a_longer_name_written_on_the_zendesk_wire_is_shown_as_it_is(make_agent):
    name = "A status name of forty-eight characters, exactly"
    assert len(name) == 48
    status = services.conversation_status_create(name=name, status_category="open")
    agent = make_agent(ADD, CHANGE)
    assert agent.get(detail(status.pk)).json()["data"]["name"] == name
    assert name in [s["name"] for s in agent.get(LIST).json()["data"]]
    # Libredesk's own writes keep its 25 characters.
    response = agent.put(detail(status.pk), {"name": name, "category": "open"}, format="json")
    assert_error(
        response, 400, "InputException", "Status is too long, should be at most 25 characters"
    )
    response = agent.post(LIST, {"name": "x" * 26, "category": "open"}, format="json")
    assert_error(
        response, 400, "InputException", "Status is too long, should be at most 25 characters"
    )
