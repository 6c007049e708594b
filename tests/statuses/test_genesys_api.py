"""The Genesys Cloud presence definition wire (CONTRACTS.md §6), through the test client with
a client-credentials bearer: each route's reply, the System definitions, the filters, every
error code of the contract with its exact body, the validation order, the 30-per-presence
limit, the Rocket.Chat mapping both ways and a label race on PostgreSQL."""

import threading
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from statuses import services
from statuses.models import MAX_ACTIVE_PER_PRESENCE, SystemPresence, UserStatus
from tests.conftest import basic_header, data_statements

LIST = "/api/v2/presence/definitions"
SYSTEM = "/api/v2/systempresences"
ALL = [
    "statuses.view_userstatus",
    "statuses.add_userstatus",
    "statuses.change_userstatus",
    "statuses.delete_userstatus",
]
AVAILABLE_ID = "6a3af858-942f-489d-9700-5f9bcdcdae9b"
ON_QUEUE_ID = "e08eaf1b-ee47-4fa9-a231-1200e284798f"
SYSTEM_ORDER = [
    "Available",
    "Away",
    "Break",
    "Busy",
    "Idle",
    "Meal",
    "Meeting",
    "OnQueue",
    "Offline",
    "Training",
]
# The SDK's enum values: anything else reaches it as "outdated_sdk_version".
SDK_PRESENCES = set(SYSTEM_ORDER)
LOCALES = (
    "ar cs da de en en_US es fi fr he hi it ja ko nl no pl pt_BR pt_PT ru sv th tr uk zh_CN zh_TW"
)


def error(status, code, message, *, field=None, **extra):
    return {
        "message": message,
        "code": code,
        "status": status,
        "messageWithParams": message,
        "messageParams": {},
        "contextId": "ANY",
        "details": [{"fieldName": field}] if field else [],
        "errors": [],
        **extra,
    }


def body_of(response):
    """The reply's JSON, with its fresh `contextId` checked and replaced by "ANY"."""
    body = response.json()
    assert response["Content-Type"].startswith("application/json")
    if isinstance(body, dict) and "contextId" in body:
        assert str(uuid.UUID(body["contextId"])) == body["contextId"]
        body["contextId"] = "ANY"
    return body


NOT_FOUND = error(404, "not.found", "The requested resource was not found.")
NO_BEARER = error(
    401,
    "authentication.required",
    "No authentication bearer token specified in authorization header.",
)
BAD_CREDENTIALS = error(401, "bad.credentials", "Invalid login credentials.")


def missing(permission):
    return error(
        403,
        "missing.permissions",
        "Unable to perform the requested action. You are missing the following "
        f"permission(s): {permission}",
    )


@pytest.fixture
def admin(gc_login):
    return gc_login(*ALL)


def create(client, labels=None, presence="Meal", **extra):
    body = {"languageLabels": labels or {"en_US": "Lunch"}, "systemPresence": presence, **extra}
    return client.post(LIST, body, format="json")


def user_entities(response):
    return [e for e in body_of(response)["entities"] if e["type"] == "User"]


# --- reads ------------------------------------------------------------------------------------


def test_list_starts_with_the_ten_system_definitions_with_genesys_ids(admin):
    response = admin.get(LIST)
    assert response.status_code == 200
    body = body_of(response)
    assert body["selfUri"] == LIST
    assert body["total"] == len(body["entities"]) == 10
    systems = body["entities"]
    assert [e["systemPresence"] for e in systems] == SYSTEM_ORDER
    assert systems[0] == {
        "id": AVAILABLE_ID,
        "name": "Available",
        "type": "System",
        "languageLabels": {"en_US": "Available"},
        "systemPresence": "Available",
        "divisionId": "*",
        "deactivated": False,
        "selfUri": f"{LIST}/{AVAILABLE_ID}",
    }
    on_queue = systems[7]
    assert on_queue["id"] == ON_QUEUE_ID
    assert on_queue["languageLabels"] == {"en_US": "On Queue"}


def test_create_returns_200_with_the_definition_and_rocketchat_sees_it(admin, rc_login):
    response = create(admin, {"en_US": "Lunch", "fr": "Déjeuner", "pt_BR": "Almoço"})
    assert response.status_code == 200, response.content
    created = body_of(response)
    status = UserStatus.objects.get(pk=created["id"])
    assert created == {
        "id": status.pk,
        "name": "Lunch",
        "type": "User",
        "languageLabels": {"en_US": "Lunch", "fr": "Déjeuner", "pt_BR": "Almoço"},
        "systemPresence": "Meal",
        "divisionId": "*",
        "deactivated": False,
        "selfUri": f"{LIST}/{status.pk}",
    }
    assert len(status.pk) == 17
    assert (status.name, status.status_type, status.system_presence) == ("Lunch", "away", "Meal")
    # The same record on the Rocket.Chat wire, with the mapped type.
    rc = rc_login().get("/api/v1/custom-user-status.list")
    assert {"_id": status.pk, "name": "Lunch", "statusType": "away"}.items() <= next(
        s for s in rc.json()["statuses"] if s["_id"] == status.pk
    ).items()
    # And on the detail route.
    assert body_of(admin.get(f"{LIST}/{status.pk}")) == created


def test_every_reply_uses_only_the_sdk_enum_spellings(admin, rc_login):
    rc = rc_login("statuses.add_userstatus")
    for status_type in ("online", "away", "busy", "offline"):
        rc.post(
            "/api/v1/custom-user-status.create",
            {"name": f"RC {status_type}", "statusType": status_type},
            format="json",
        )
    for presence in ("Available", "Away", "Break", "Busy", "Meal", "Meeting", "Training"):
        assert create(admin, {"en_US": f"GC {presence}"}, presence).status_code == 200
    entities = body_of(admin.get(LIST))["entities"]
    assert len(entities) == 10 + 4 + 7
    for entity in entities:
        assert entity["systemPresence"] in SDK_PRESENCES
        assert entity["type"] in ("System", "User")
        assert None not in entity.values()


def test_rocketchat_statuses_show_their_canonical_presence(admin, rc_login):
    rc = rc_login("statuses.add_userstatus")
    expected = {"online": "Available", "away": "Away", "busy": "Busy", "offline": "Offline"}
    for status_type in expected:
        rc.post(
            "/api/v1/custom-user-status.create",
            {"name": f"Chat {status_type}", "statusType": status_type},
            format="json",
        )
    shown = {e["name"]: e for e in user_entities(admin.get(LIST))}
    for status_type, presence in expected.items():
        entity = shown[f"Chat {status_type}"]
        assert entity["systemPresence"] == presence
        assert entity["languageLabels"] == {"en_US": f"Chat {status_type}"}


def test_user_definitions_are_listed_by_label_then_id(admin):
    for label in ("Zebra", "apple", "Mango"):
        create(admin, {"en_US": label})
    assert [e["name"] for e in user_entities(admin.get(LIST))] == ["apple", "Mango", "Zebra"]


def test_the_deactivated_filter(admin):
    lunch = body_of(create(admin, {"en_US": "Lunch"}))
    body_of(create(admin, {"en_US": "Dinner"}))
    assert admin.delete(f"{LIST}/{lunch['id']}").status_code == 204
    active = body_of(admin.get(LIST, {"deactivated": "false"}))
    assert [e["name"] for e in active["entities"] if e["type"] == "User"] == ["Dinner"]
    assert body_of(admin.get(LIST)) == active
    off = body_of(admin.get(LIST, {"deactivated": "TRUE"}))
    assert [e["name"] for e in off["entities"]] == ["Lunch"]
    assert off["total"] == 1 and off["entities"][0]["deactivated"] is True
    refused = admin.get(LIST, {"deactivated": "maybe"})
    assert refused.status_code == 400
    assert body_of(refused) == error(
        400,
        "invalid.value",
        "Value [maybe] is not valid for field type [deactivated]. Allowable values are: "
        "TRUE, FALSE",
        field="deactivated",
    )


def test_the_division_filter_keeps_the_divisions_asked_for_and_star(admin):
    create(admin, {"en_US": "Everywhere"})
    create(admin, {"en_US": "North only"}, divisionId="north")
    create(admin, {"en_US": "South only"}, divisionId="south")

    def names(query):
        return [e["name"] for e in user_entities(admin.get(f"{LIST}?{query}"))]

    assert names("") == ["Everywhere", "North only", "South only"]
    assert names("divisionId=north") == ["Everywhere", "North only"]
    # The SDK joins a list with commas; repeated parameters work too; empty means none.
    assert names("divisionId=north%2Csouth") == ["Everywhere", "North only", "South only"]
    assert names("divisionId=north&divisionId=south") == names("divisionId=north%2Csouth")
    assert names("divisionId=") == names("")
    assert names("divisionId=west") == ["Everywhere"]
    # System definitions are in every division.
    assert len(body_of(admin.get(LIST, {"divisionId": "west"}))["entities"]) == 11


def test_the_locale_filter(admin):
    lunch = body_of(create(admin, {"en_US": "Lunch", "fr": "Déjeuner"}))
    body_of(create(admin, {"de": "Pause"}))

    def labels(locale):
        entities = user_entities(admin.get(LIST, {"localeCode": locale}))
        return {e["name"]: e["languageLabels"] for e in entities}

    assert labels("fr") == {"Lunch": {"fr": "Déjeuner"}, "Pause": {"en_US": "Pause"}}
    assert labels("ALL") == {
        "Lunch": {"en_US": "Lunch", "fr": "Déjeuner"},
        "Pause": {"de": "Pause"},
    }
    assert labels("all") == labels("ALL")
    assert labels("de") == {"Lunch": {"en_US": "Lunch"}, "Pause": {"de": "Pause"}}
    detail = body_of(admin.get(f"{LIST}/{lunch['id']}", {"localeCode": "fr"}))
    assert detail["languageLabels"] == {"fr": "Déjeuner"}
    refused = admin.get(LIST, {"localeCode": "xx"})
    assert refused.status_code == 400
    body = body_of(refused)
    assert body["code"] == "invalid.value" and body["details"] == [{"fieldName": "localeCode"}]


def test_the_list_ignores_paging(admin):
    for label in ("One", "Two", "Three"):
        create(admin, {"en_US": label})
    assert body_of(admin.get(LIST, {"pageSize": 1, "pageNumber": 2}))["total"] == 13


def test_get_a_system_definition_and_an_unknown_id(admin):
    body = body_of(admin.get(f"{LIST}/{ON_QUEUE_ID}"))
    assert (body["type"], body["name"], body["systemPresence"]) == ("System", "On Queue", "OnQueue")
    response = admin.get(f"{LIST}/nope")
    assert response.status_code == 404
    assert body_of(response) == NOT_FOUND


def test_system_presences_is_a_bare_array_needing_only_a_bearer(gc_login):
    response = gc_login().get(SYSTEM)
    assert response.status_code == 200
    body = response.json()
    assert [p["id"] for p in body] == [
        "AVAILABLE",
        "AWAY",
        "BREAK",
        "BUSY",
        "IDLE",
        "MEAL",
        "MEETING",
        "ON_QUEUE",
        "OFFLINE",
        "TRAINING",
    ]
    assert body[7] == {"id": "ON_QUEUE", "name": "OnQueue", "selfUri": f"{SYSTEM}/ON_QUEUE"}
    assert APIClient().get(SYSTEM).status_code == 401


@pytest.mark.parametrize("extra", [3, 30])
def test_the_list_runs_a_constant_number_of_queries(admin, extra):
    for index in range(extra):
        create(admin, {"en_US": f"Many {index}", "fr": f"Beaucoup {index}"}, "Busy")
    admin.get(LIST + "?warm=1")  # the credential, now in the cache
    with CaptureQueriesContext(connection) as captured:
        response = admin.get(LIST, {"localeCode": "fr"})
    assert len(body_of(response)["entities"]) == 10 + extra
    # The statuses and their labels: the same for 3 or 30.
    assert len(data_statements(captured)) == 2, data_statements(captured)


# --- writes -----------------------------------------------------------------------------------


def test_put_replaces_the_labels_whole_and_keeps_what_is_not_sent(admin):
    created = body_of(
        create(admin, {"en_US": "Lunch", "fr": "Déjeuner"}, divisionId="north", deactivated=False)
    )
    url = f"{LIST}/{created['id']}"
    response = admin.put(
        url, {"languageLabels": {"en_US": "Late lunch", "de": "Mittag"}}, format="json"
    )
    assert response.status_code == 200, response.content
    updated = body_of(response)
    assert updated["languageLabels"] == {"de": "Mittag", "en_US": "Late lunch"}
    assert updated["name"] == "Late lunch"
    assert (updated["divisionId"], updated["deactivated"]) == ("north", False)
    assert updated["systemPresence"] == "Meal"
    status = UserStatus.objects.get(pk=created["id"])
    assert status.name == "Late lunch"
    assert sorted(status.translations.values_list("locale", flat=True)) == ["de", "en-us"]
    # Unknown keys and the read-only ones are ignored; the same presence in any case is fine.
    response = admin.put(
        url,
        {
            "languageLabels": {"en": "Brunch"},
            "systemPresence": "meal",
            "divisionId": "south",
            "id": "other",
            "name": "ignored",
            "selfUri": "x",
            "extra": 1,
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    assert body_of(response)["name"] == "Brunch"
    assert body_of(response)["divisionId"] == "south"


def test_put_cannot_change_the_system_presence(admin):
    created = body_of(create(admin))
    response = admin.put(
        f"{LIST}/{created['id']}",
        {"languageLabels": {"en_US": "Lunch"}, "systemPresence": "Break"},
        format="json",
    )
    assert response.status_code == 400
    body = body_of(response)
    assert (body["code"], body["details"]) == ("invalid.value", [{"fieldName": "systemPresence"}])


def test_delete_deactivates_hides_from_rocketchat_and_keeps_the_label(admin, rc_login):
    created = body_of(create(admin, {"en_US": "Lunch"}))
    url = f"{LIST}/{created['id']}"
    response = admin.delete(url)
    assert response.status_code == 204 and response.content == b""
    assert body_of(admin.get(url))["deactivated"] is True
    assert UserStatus.objects.filter(pk=created["id"], active=False).exists()
    rc = rc_login("statuses.add_userstatus", "statuses.change_userstatus")
    listed = rc.get("/api/v1/custom-user-status.list").json()["statuses"]
    assert created["id"] not in [s["_id"] for s in listed]
    # The Rocket.Chat wire treats it as unknown, and its name stays taken.
    update = rc.post(
        "/api/v1/custom-user-status.update",
        {"_id": created["id"], "name": "Other", "statusType": "away"},
        format="json",
    )
    assert update.json()["success"] is False
    taken = rc.post(
        "/api/v1/custom-user-status.create", {"name": "Lunch", "statusType": "away"}, format="json"
    )
    assert taken.json()["success"] is False
    conflict = create(admin, {"en_US": "lunch"})
    assert conflict.status_code == 409
    # Deleting again is still a 204; PUT deactivated:false brings it back.
    assert admin.delete(url).status_code == 204
    back = admin.put(
        url, {"languageLabels": {"en_US": "Lunch"}, "deactivated": False}, format="json"
    )
    assert back.status_code == 200 and body_of(back)["deactivated"] is False
    listed = rc.get("/api/v1/custom-user-status.list").json()["statuses"]
    assert created["id"] in [s["_id"] for s in listed]


def test_system_definitions_cannot_be_changed_or_deleted(admin):
    expected = error(400, "bad.request", "System presence definitions cannot be changed")
    put = admin.put(f"{LIST}/{AVAILABLE_ID}", {"languageLabels": {"en_US": "Here"}}, format="json")
    assert (put.status_code, body_of(put)) == (400, expected)
    delete = admin.delete(f"{LIST}/{AVAILABLE_ID}")
    assert (delete.status_code, body_of(delete)) == (400, expected)


def test_a_rocketchat_rename_rewrites_the_canonical_label_and_keeps_the_others(admin, rc_login):
    created = body_of(create(admin, {"en_US": "Lunch", "fr": "Déjeuner"}))
    rc = rc_login("statuses.change_userstatus")
    response = rc.post(
        "/api/v1/custom-user-status.update",
        {"_id": created["id"], "name": "Long lunch", "statusType": "away"},
        format="json",
    )
    assert response.json()["success"] is True
    shown = body_of(admin.get(f"{LIST}/{created['id']}"))
    assert shown["languageLabels"] == {"en_US": "Long lunch", "fr": "Déjeuner"}
    # statusType kept: Meal stays Meal.
    assert shown["systemPresence"] == "Meal"
    rc.post(
        "/api/v1/custom-user-status.update",
        {"_id": created["id"], "name": "Long lunch", "statusType": "busy"},
        format="json",
    )
    assert body_of(admin.get(f"{LIST}/{created['id']}"))["systemPresence"] == "Busy"


# --- errors, in the contract's order ------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ([1], "bad.request", None),
        ({}, "bad.request", "languageLabels"),
        ({"languageLabels": "Lunch"}, "bad.request", "languageLabels"),
        ({"languageLabels": {}}, "bad.request", "languageLabels"),
        ({"languageLabels": None}, "bad.request", "languageLabels"),
        (
            {"languageLabels": {"xx": "Lunch"}, "systemPresence": "Nope"},
            "invalid.value",
            "languageLabels",
        ),
        ({"languageLabels": {"fr": 3}}, "bad.request", "languageLabels.fr"),
        ({"languageLabels": {"fr": "  "}}, "bad.request", "languageLabels.fr"),
        ({"languageLabels": {"fr": "x" * 121}}, "bad.request", "languageLabels.fr"),
        ({"languageLabels": {"fr": "Tom & Jerry"}}, "bad.request", "languageLabels.fr"),
        ({"languageLabels": {"fr": "a<b"}}, "bad.request", "languageLabels.fr"),
        ({"languageLabels": {"fr": "ok", "de": "\x07"}}, "bad.request", "languageLabels.de"),
        (
            {"languageLabels": {"en_US": "L"}, "type": "System", "systemPresence": "Nope"},
            "bad.request",
            "type",
        ),
        ({"languageLabels": {"en_US": "L"}}, "bad.request", "systemPresence"),
        (
            {"languageLabels": {"en_US": "L"}, "systemPresence": "OnQueue"},
            "invalid.value",
            "systemPresence",
        ),
        (
            {"languageLabels": {"en_US": "L"}, "systemPresence": "Idle"},
            "invalid.value",
            "systemPresence",
        ),
        ({"languageLabels": {"en_US": "L"}, "systemPresence": 3}, "bad.request", "systemPresence"),
        (
            {"languageLabels": {"en_US": "L"}, "systemPresence": "Meal", "divisionId": ""},
            "bad.request",
            "divisionId",
        ),
        (
            {"languageLabels": {"en_US": "L"}, "systemPresence": "Meal", "deactivated": "yes"},
            "bad.request",
            "deactivated",
        ),
    ],
)
def test_create_refusals_in_the_contract_order(admin, body, code, field):
    response = admin.post(LIST, body, format="json")
    assert response.status_code == 400, response.content
    refused = body_of(response)
    assert (refused["code"], refused["status"]) == (code, 400)
    assert refused["details"] == ([{"fieldName": field}] if field else [])
    assert refused["messageWithParams"] == refused["message"]
    assert not UserStatus.objects.exists()


def test_the_exact_texts_of_the_list_errors(admin):
    unknown = admin.post(
        LIST, {"languageLabels": {"xx": "L"}, "systemPresence": "Meal"}, format="json"
    )
    assert body_of(unknown) == error(
        400,
        "invalid.value",
        "Value [xx] is not valid for field type [languageLabels]. Allowable values are: "
        + ", ".join(LOCALES.split()),
        field="languageLabels",
    )
    user_only = admin.post(
        LIST, {"languageLabels": {"en_US": "L"}, "type": "System"}, format="json"
    )
    assert body_of(user_only) == error(
        400, "bad.request", "Only User presence definitions can be created", field="type"
    )


def test_a_non_json_body_is_415(admin):
    response = admin.generic("POST", LIST, "languageLabels=x", content_type="text/plain")
    assert response.status_code == 415
    assert body_of(response) == error(
        415,
        "unsupported.media.type",
        "Unsupported Media Type - Unsupported or incorrect media type, such as an incorrect "
        "Content-Type value in the header.",
    )


def test_malformed_json_is_400(admin):
    response = admin.generic("POST", LIST, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert body_of(response)["code"] == "bad.request"


def test_json_content_type_on_get_and_delete_without_a_body_is_fine(admin):
    created = body_of(create(admin))
    assert admin.generic("GET", LIST, content_type="application/json").status_code == 200
    url = f"{LIST}/{created['id']}"
    assert admin.generic("DELETE", url, content_type="application/json").status_code == 204


def test_unknown_ids_are_404_after_the_body_checks(admin):
    labels = {"languageLabels": {"en_US": "L"}}
    assert body_of(admin.put(f"{LIST}/nope", labels, format="json")) == NOT_FOUND
    assert admin.put(f"{LIST}/nope", {}, format="json").status_code == 400
    assert body_of(admin.delete(f"{LIST}/nope")) == NOT_FOUND


def test_a_taken_label_is_409_general_conflict(admin, rc_login):
    rc_login("statuses.add_userstatus").post(
        "/api/v1/custom-user-status.create",
        {"name": "Lunch", "statusType": "online"},
        format="json",
    )
    response = create(admin, {"en_US": " LUNCH "})
    assert response.status_code == 409
    assert body_of(response) == error(
        409,
        "general.conflict",
        "A presence definition with this label already exists.",
        field="languageLabels",
    )
    # Only the canonical label is a name: another locale may repeat it.
    assert create(admin, {"en_US": "Supper", "fr": "Lunch"}).status_code == 200


def test_thirty_active_definitions_per_system_presence(admin, rc_login):
    rc = rc_login("statuses.add_userstatus")
    # Rocket.Chat rows count under their canonical presence: `away` is Away.
    for index in range(5):
        rc.post(
            "/api/v1/custom-user-status.create",
            {"name": f"Chat away {index}", "statusType": "away"},
            format="json",
        )
    for index in range(MAX_ACTIVE_PER_PRESENCE - 5):
        assert create(admin, {"en_US": f"Away {index}"}, "Away").status_code == 200
    refused = create(admin, {"en_US": "One too many"}, "Away")
    assert refused.status_code == 400
    body = body_of(refused)
    assert body["code"] == "limit.exceeded"
    assert body["limit"] == {
        "key": "presence.definitions.active.per.system.presence",
        "namespace": "presence",
        "value": 30,
    }
    assert body["details"] == [{"fieldName": "systemPresence"}]
    # Other presences are not full; a deactivated one may still be made.
    assert create(admin, {"en_US": "Lunch"}, "Meal").status_code == 200
    assert create(admin, {"en_US": "Parked"}, "Away", deactivated=True).status_code == 200
    # The Rocket.Chat wire never refuses on this limit.
    extra = rc.post(
        "/api/v1/custom-user-status.create",
        {"name": "Chat away extra", "statusType": "away"},
        format="json",
    )
    assert extra.json()["success"] is True
    # Reactivation counts too: free a place, then Parked fits once, not twice.
    away = [e for e in user_entities(admin.get(LIST)) if e["systemPresence"] == "Away"]
    for entity in away[:2]:
        admin.delete(f"{LIST}/{entity['id']}")
    parked = UserStatus.objects.get(name="Parked")
    back = admin.put(
        f"{LIST}/{parked.pk}",
        {"languageLabels": {"en_US": "Parked"}, "deactivated": False},
        format="json",
    )
    assert back.status_code == 200
    again = admin.put(
        f"{LIST}/{away[0]['id']}",
        {"languageLabels": {"en_US": away[0]["name"]}, "deactivated": False},
        format="json",
    )
    assert again.status_code == 400 and body_of(again)["code"] == "limit.exceeded"
    # The limit comes before the label conflict.
    both = create(admin, {"en_US": "Parked"}, "Away")
    assert body_of(both)["code"] == "limit.exceeded"


# --- credentials and permissions ---------------------------------------------------------------


def test_no_bearer_is_authentication_required(db):
    for headers in (
        {},
        {"HTTP_AUTHORIZATION": "Bearer "},
        {"HTTP_AUTHORIZATION": basic_header("a", "b")},
    ):
        response = APIClient().get(LIST, **headers)
        assert response.status_code == 401
        assert body_of(response) == NO_BEARER


def test_a_refused_bearer_is_bad_credentials(db, gc_login):
    response = APIClient().get(LIST, HTTP_AUTHORIZATION="Bearer not-a-token")
    assert response.status_code == 401
    assert body_of(response) == BAD_CREDENTIALS
    client = gc_login(*ALL)
    client.user.is_active = False
    client.user.save()
    from django.core.cache import cache

    cache.clear()
    assert body_of(client.get(LIST)) == BAD_CREDENTIALS


@pytest.mark.parametrize(
    ("method", "path", "permission"),
    [
        ("get", LIST, "presence:presenceDefinition:view"),
        ("post", LIST, "presence:presenceDefinition:add"),
        ("get", f"{LIST}/x", "presence:presenceDefinition:view"),
        ("put", f"{LIST}/x", "presence:presenceDefinition:edit"),
        (
            "delete",
            f"{LIST}/x",
            "presence:presenceDefinition:delete, presence:presenceDefinition:edit",
        ),
    ],
)
def test_missing_permissions_name_the_genesys_permission(gc_login, method, path, permission):
    response = getattr(gc_login(), method)(path, {"languageLabels": {"en_US": "L"}}, format="json")
    assert response.status_code == 403
    assert body_of(response) == missing(permission)


def test_delete_needs_delete_or_edit(gc_login):
    created = body_of(create(gc_login(*ALL)))
    editor = gc_login("statuses.change_userstatus")
    assert editor.delete(f"{LIST}/{created['id']}").status_code == 204


def test_unknown_paths_answer_in_genesys_shape(admin):
    for path in ("/api/v2/presence/nope", f"{LIST}/a/b", "/api/v2/systempresences/AVAILABLE"):
        response = admin.get(path)
        assert response.status_code == 404, path
        assert body_of(response) == NOT_FOUND


def test_admin_session_gets_the_browsable_api(admin_client):
    response = admin_client.get(LIST, HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    # DRF's browsable page of this view (its name and docstring), with the reply in it.
    assert "Presence Definition List" in html
    assert "List or create presence definitions." in html
    assert "6a3af858-942f-489d-9700-5f9bcdcdae9b" in html


# --- races (PostgreSQL) ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_race_for_one_label_has_one_winner(gc_login):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writes; the race needs PostgreSQL")
    clients = [gc_login(*ALL) for _ in range(8)]
    barrier = threading.Barrier(len(clients))
    results = []

    def run(client):
        barrier.wait()
        try:
            response = create(client, {"en_US": "Coaching", "fr": "Coaching"}, "Training")
            results.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [200] + [409] * (len(clients) - 1)
    assert UserStatus.objects.filter(name="Coaching").count() == 1


def test_services_see_one_record_on_both_wires(admin):
    """A status made by the services (the admin's door) is on this wire with its presence."""
    status = services.user_status_create(
        fields=services.UserStatusFields(
            name="Coaching", status_type="busy", system_presence=SystemPresence.TRAINING
        )
    )
    shown = body_of(admin.get(f"{LIST}/{status.pk}"))
    assert (shown["name"], shown["systemPresence"]) == ("Coaching", "Training")


# --- webhooks -----------------------------------------------------------------------------------


def test_each_change_is_a_genesys_event_and_a_rocketchat_event(admin):
    import json

    from tests.factories import webhook_owner
    from webhooks import services as webhooks
    from webhooks.models import Event

    owner = webhook_owner()
    webhooks.subscription_create(
        owner=owner,
        url="http://127.0.0.1:9/hook",
        event_types=[
            "genesys.presence_definition.created",
            "genesys.presence_definition.updated",
            "rocketchat.user_status.created",
        ],
    )
    created = body_of(create(admin, {"en_US": "Lunch", "fr": "Déjeuner"}))
    events = {event.type: event for event in Event.objects.all()}
    assert set(events) == {"genesys.presence_definition.created", "rocketchat.user_status.created"}
    genesys = events["genesys.presence_definition.created"]
    rocketchat = events["rocketchat.user_status.created"]
    assert genesys.object_key == rocketchat.object_key and genesys.sequence == rocketchat.sequence
    # The event carries the definition as the API replied with it, labels included.
    assert json.loads(genesys.body)["data"]["object"] == created
    assert json.loads(rocketchat.body)["data"]["object"]["statusType"] == "away"

    # A Genesys DELETE is a deactivation: an `updated` event with `deactivated: true`.
    admin.delete(f"{LIST}/{created['id']}")
    [updated] = Event.objects.filter(type="genesys.presence_definition.updated")
    assert json.loads(updated.body)["data"]["object"] == {**created, "deactivated": True}


# --- edges found in review -----------------------------------------------------------------------


def test_an_invisible_label_is_refused_first_with_the_wire_locale(admin):
    body = {"languageLabels": {"en_US": "\u200b"}, "systemPresence": "OnQueue", "type": "System"}
    refused = body_of(admin.post(LIST, body, format="json"))
    assert (refused["code"], refused["details"]) == (
        "bad.request",
        [{"fieldName": "languageLabels.en_US"}],
    )
    # Before the id too.
    put = admin.put(f"{LIST}/nope", {"languageLabels": {"pt_BR": "\u200e "}}, format="json")
    assert put.status_code == 400
    assert body_of(put)["details"] == [{"fieldName": "languageLabels.pt_BR"}]


def test_a_filter_given_twice_must_agree(admin):
    assert admin.get(f"{LIST}?deactivated=bogus&deactivated=true").status_code == 400
    assert admin.get(f"{LIST}?deactivated=true&deactivated=false").status_code == 400
    assert admin.get(f"{LIST}?deactivated=TRUE&deactivated=true").status_code == 200
    assert admin.get(f"{LIST}?localeCode=fr&localeCode=de").status_code == 400
    assert admin.get(f"{LIST}?localeCode=").status_code == 200


def test_nulls_of_optional_keys(admin):
    refused = body_of(
        admin.post(LIST, {"languageLabels": {"en_US": "L"}, "type": None}, format="json")
    )
    assert refused["message"] == "Only User presence definitions can be created"
    created = body_of(create(admin, divisionId="  d1  "))
    assert created["divisionId"] == "  d1  "  # stored as given
    response = admin.put(
        f"{LIST}/{created['id']}",
        {
            "languageLabels": {"en_US": "Lunch"},
            "systemPresence": None,
            "deactivated": None,
            "divisionId": None,
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    assert body_of(response) == created


def test_labels_outside_genesys_locales_are_not_shown(admin):
    from statuses.models import UserStatusTranslation

    created = body_of(create(admin, {"en_US": "Lunch"}))
    UserStatusTranslation.objects.create(status_id=created["id"], locale="zh-hant-tw", label="x")
    assert body_of(admin.get(f"{LIST}/{created['id']}"))["languageLabels"] == {"en_US": "Lunch"}


def test_a_read_only_token_cannot_write(gc_login):
    from oauth2_provider.models import AccessToken

    client = gc_login(*ALL)
    token = AccessToken.objects.get(user=None, application__user=client.user)
    token.scope = "read"
    token.save()
    from django.core.cache import cache

    cache.clear()
    assert client.get(LIST).status_code == 200
    refused = client.post(
        LIST, {"languageLabels": {"en_US": "L"}, "systemPresence": "Meal"}, format="json"
    )
    assert refused.status_code == 403
    assert body_of(refused) == missing("presence:presenceDefinition:add")
    assert not UserStatus.objects.exists()
