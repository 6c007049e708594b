"""The Zendesk custom ticket status wire (CONTRACTS.md §5), through the test client with
Zendesk's own headers: each route's reply, each error's exact body, the validation order,
the bulk default route, the three authentication schemes and the limits."""

import base64

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from access.services import zendesk_token_issue
from statuses import services
from statuses.models import ConversationStatus
from tests.conftest import data_statements, issue_bearer
from tests.factories import UserFactory

LIST = "/api/v2/custom_statuses"
DEFAULT = "/api/v2/custom_status/default"
ALL = [
    "statuses.add_conversationstatus",
    "statuses.change_conversationstatus",
    "statuses.delete_conversationstatus",
]
NOT_AUTHENTICATED = {"error": "Couldn't authenticate you"}
FORBIDDEN = {
    "error": {
        "title": "Forbidden",
        "message": "You do not have access to this page. Please contact the account owner "
        "of this help desk for further help.",
    }
}
RECORD_NOT_FOUND = {"error": "RecordNotFound", "description": "Not found"}
PARAMETER_MISSING = {
    "error": "ParameterMissing",
    "description": "param is missing or the value is empty: custom_status",
}
# In id order: the four Libredesk shipped first, then the two Zendesk added.
SEEDED = ["Open", "Snoozed", "Resolved", "Closed", "New", "On-hold"]


def invalid(field, description, error):
    return {
        "error": "RecordInvalid",
        "description": "Record validation errors",
        "details": {field: [{"description": description, "error": error}]},
    }


@pytest.fixture
def admin(zd_login):
    return zd_login(*ALL)


def create(client, **fields):
    body = {"status_category": "open", "agent_label": "Waiting on parts", **fields}
    return client.post(LIST, {"custom_status": body}, format="json")


def seeded(name):
    return ConversationStatus.objects.get(name=name)


# --- reads ----------------------------------------------------------------------------------


def test_list_has_every_seeded_status_in_id_order_with_every_key(admin):
    response = admin.get(LIST)
    assert response.status_code == 200
    statuses = response.json()["custom_statuses"]
    assert [s["agent_label"] for s in statuses] == SEEDED
    assert [s["id"] for s in statuses] == sorted(s["id"] for s in statuses)
    new = statuses[4]
    assert new == {
        "id": new["id"],
        "url": f"http://testserver/api/v2/custom_statuses/{new['id']}.json",
        "status_category": "new",
        "agent_label": "New",
        "raw_agent_label": "New",
        "end_user_label": "New",
        "raw_end_user_label": "New",
        "description": "",
        "raw_description": "",
        "end_user_description": "",
        "raw_end_user_description": "",
        "active": True,
        "default": True,
        "created_at": new["created_at"],
        "updated_at": new["updated_at"],
    }
    assert new["created_at"].endswith("Z") and len(new["created_at"]) == 20
    assert [(s["status_category"], s["default"]) for s in statuses] == [
        ("open", True),
        ("pending", True),
        ("solved", True),
        ("solved", False),
        ("new", True),
        ("hold", True),
    ]


def test_json_suffix_answers_the_same(admin):
    assert admin.get(LIST + ".json").json() == admin.get(LIST).json()
    status = seeded("Open")
    assert admin.get(f"{LIST}/{status.pk}.json").json() == admin.get(f"{LIST}/{status.pk}").json()


def test_any_authenticated_user_reads(zd_login):
    client = zd_login()
    assert client.get(LIST).status_code == 200
    assert client.get(f"{LIST}/{seeded('Open').pk}").status_code == 200


def test_list_filters(admin):
    create(admin, agent_label="Parked", status_category="hold", active=False)

    def labels(query):
        response = admin.get(LIST + query)
        assert response.status_code == 200, response.json()
        return [s["agent_label"] for s in response.json()["custom_statuses"]]

    assert labels("?status_categories=hold") == ["On-hold", "Parked"]
    assert labels("?status_categories=new,solved") == ["Resolved", "Closed", "New"]
    assert labels("?active=FALSE") == ["Parked"]
    assert labels("?active=true&status_categories=hold") == ["On-hold"]
    assert labels("?default=false") == ["Closed", "Parked"]
    assert labels("?unknown=1") == [*SEEDED, "Parked"]


@pytest.mark.parametrize(
    "query",
    ["?status_categories=open,closed", "?status_categories=OPEN", "?active=yes", "?default=1"],
)
def test_list_refuses_a_bad_filter(admin, query):
    response = admin.get(LIST + query)
    assert response.status_code == 400
    assert response.json()["error"] == "InvalidValue"


@pytest.mark.parametrize("extra", [0, 30])
def test_list_runs_a_fixed_number_of_queries(admin, extra):
    for i in range(extra):
        create(admin, agent_label=f"Extra {i}")
    admin.get(LIST + "?warm=1")  # the credential, now in the cache
    with CaptureQueriesContext(connection) as captured:
        response = admin.get(LIST, HTTP_ACCEPT_LANGUAGE="fr")
    assert len(response.json()["custom_statuses"]) == 6 + extra
    # The statuses and their translations: the same for 6 or 36.
    assert len(data_statements(captured)) == 2, data_statements(captured)


def test_show_and_unknown_ids(admin):
    status = seeded("Snoozed")
    reply = admin.get(f"{LIST}/{status.pk}").json()["custom_status"]
    assert reply["agent_label"] == "Snoozed" and reply["status_category"] == "pending"
    for bad in ("999999", "abc", "0", "-1", "1.5", "99999999999999999999"):
        response = admin.get(f"{LIST}/{bad}")
        assert (response.status_code, response.json()) == (404, RECORD_NOT_FOUND), bad


def test_unknown_paths_are_invalid_endpoints(admin):
    status = seeded("Open")
    for path in (f"{LIST}/{status.pk}/ticket_form_statuses", "/api/v2/custom_status/nope"):
        response = admin.get(path)
        assert response.status_code == 404
        assert response.json() == {"error": "InvalidEndpoint", "description": "Not found"}


def test_other_methods_are_refused_in_zendesks_shape(admin):
    response = admin.patch(LIST, {}, format="json")
    assert response.status_code == 405
    assert response.json()["error"] == "MethodNotAllowed"


# --- create -----------------------------------------------------------------------------------


def test_create_replies_201_with_location_and_the_status(admin):
    response = create(
        admin,
        agent_label="  Waiting on parts ",
        end_user_label="Working on it",
        description="Parts ordered",
        end_user_description="We ordered a part",
        status_category="hold",
        id=12,
        default=True,
        url="x",
    )
    assert response.status_code == 201, response.json()
    body = response.json()["custom_status"]
    status = ConversationStatus.objects.get(pk=body["id"])
    assert response["Location"] == body["url"] == f"http://testserver{LIST}/{status.pk}.json"
    assert (status.name, status.end_user_label, status.status_category, status.category) == (
        "Waiting on parts",
        "Working on it",
        "hold",
        "waiting",
    )
    assert body["raw_end_user_description"] == "We ordered a part"
    assert body["default"] is False and body["active"] is True


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_a_blank_end_user_label_shows_the_agent_label(admin, blank):
    body = create(admin, end_user_label=blank).json()["custom_status"]
    assert body["end_user_label"] == body["raw_end_user_label"] == "Waiting on parts"
    assert ConversationStatus.objects.get(pk=body["id"]).end_user_label is None


@pytest.mark.parametrize(
    "body",
    [None, [], "x", {}, {"custom_status": None}, {"custom_status": []}, {"other": {}}],
)
def test_a_body_without_the_root_object_is_parameter_missing(admin, body):
    response = admin.post(LIST, body, format="json")
    assert (response.status_code, response.json()) == (400, PARAMETER_MISSING)


def test_malformed_json_is_parameter_missing(admin):
    response = admin.generic("POST", LIST, b'{"custom_status": ', content_type="application/json")
    assert (response.status_code, response.json()) == (400, PARAMETER_MISSING)


LONG = "x" * 49
CASES = [
    # (fields, expected field, description, error): the contract's order, first wins.
    ({"agent_label": None}, "agent_label", "Agent label: cannot be blank", "BlankValue"),
    ({"agent_label": " \u200b "}, "agent_label", "Agent label: cannot be blank", "BlankValue"),
    (
        {"agent_label": LONG, "end_user_label": LONG},
        "agent_label",
        "Agent label: is too long (maximum is 48 characters)",
        "ValueTooLong",
    ),
    (
        {"agent_label": "<b>", "end_user_label": LONG},
        "end_user_label",
        "End user label: is too long (maximum is 48 characters)",
        "ValueTooLong",
    ),
    (
        {"agent_label": "a\x07b", "description": "d" * 256},
        "agent_label",
        "Agent label: is invalid",
        "InvalidValue",
    ),
    ({"agent_label": 5}, "agent_label", "Agent label: is invalid", "InvalidValue"),
    (
        {"end_user_label": "a>b", "active": "yes"},
        "end_user_label",
        "End user label: is invalid",
        "InvalidValue",
    ),
    (
        {"description": "d" * 256, "end_user_description": "e" * 256},
        "description",
        "Description: is too long (maximum is 255 characters)",
        "ValueTooLong",
    ),
    (
        {"end_user_description": "e" * 256, "active": 1},
        "end_user_description",
        "End user description: is too long (maximum is 255 characters)",
        "ValueTooLong",
    ),
    (
        {"active": "true", "status_category": "bogus"},
        "active",
        "Active: is invalid",
        "InvalidValue",
    ),
    (
        {"status_category": None},
        "status_category",
        "Status category: cannot be blank",
        "BlankValue",
    ),
    (
        {"status_category": "Open"},
        "status_category",
        "Status category: is not included in the list",
        "InvalidValue",
    ),
    (
        {"status_category": "new"},
        "base",
        "The New status category can only have one ticket status",
        "InvalidValue",
    ),
    (
        {"agent_label": "open"},
        "agent_label",
        "Agent label: has already been taken",
        "DuplicateValue",
    ),
]


@pytest.mark.parametrize(("fields", "field", "description", "error"), CASES)
def test_create_refusals_in_the_contracts_order(admin, fields, field, description, error):
    before = ConversationStatus.objects.count()
    response = create(admin, **fields)
    assert response.status_code == 422
    assert response.json() == invalid(field, description, error)
    assert ConversationStatus.objects.count() == before


def test_a_missing_status_category_is_blank(admin):
    response = admin.post(LIST, {"custom_status": {"agent_label": "X"}}, format="json")
    assert response.json() == invalid(
        "status_category", "Status category: cannot be blank", "BlankValue"
    )


def test_create_needs_the_add_permission(zd_login):
    client = zd_login("statuses.change_conversationstatus")
    response = create(client)
    assert (response.status_code, response.json()) == (403, FORBIDDEN)
    assert not ConversationStatus.objects.filter(name="Waiting on parts").exists()


def test_the_per_category_limit(admin):
    services_fields = services.ConversationStatusFields
    for i in range(99):  # with Snoozed, 100 in `pending`
        services.conversation_status_create(
            fields=services_fields(name=f"Pending {i}", status_category="pending")
        )
    response = create(admin, status_category="pending", agent_label="One too many")
    assert response.status_code == 422
    assert response.json() == invalid(
        "base",
        "You can't have more than 100 custom ticket statuses in the pending status category",
        "LimitExceeded",
    )
    assert create(admin, status_category="open", agent_label="Elsewhere").status_code == 201


def test_the_total_limit_counts_inactive_statuses(admin):
    fields = services.ConversationStatusFields
    categories = ["open", "pending", "hold", "solved"]
    existing = ConversationStatus.objects.count()
    for i in range(300 - existing):
        services.conversation_status_create(
            fields=fields(name=f"S{i}", status_category=categories[i % 4], active=i % 2 == 0)
        )
    response = create(admin, agent_label="Number 301")
    assert response.json() == invalid(
        "base", "You can't have more than 300 custom ticket statuses", "LimitExceeded"
    )
    # The Libredesk wire has no such vendor limit.
    libredesk = services.conversation_status_create(name="Via Libredesk", status_category="open")
    assert libredesk.pk


# --- update -----------------------------------------------------------------------------------


def test_update_is_partial_and_ignores_read_only_keys(admin):
    created = create(admin, description="Keep me").json()["custom_status"]
    response = admin.put(
        f"{LIST}/{created['id']}.json",
        {"custom_status": {"agent_label": "Parts ordered", "id": 999, "status_category": "new"}},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()["custom_status"]
    assert (body["agent_label"], body["description"], body["status_category"]) == (
        "Parts ordered",
        "Keep me",
        "open",
    )


def test_update_refusals(admin):
    created = create(admin).json()["custom_status"]
    path = f"{LIST}/{created['id']}"
    cases = [
        ({"agent_label": ""}, invalid("agent_label", "Agent label: cannot be blank", "BlankValue")),
        ({"active": "no"}, invalid("active", "Active: is invalid", "InvalidValue")),
        (
            {"agent_label": "Snoozed"},
            invalid("agent_label", "Agent label: has already been taken", "DuplicateValue"),
        ),
    ]
    for fields, expected in cases:
        response = admin.put(path, {"custom_status": fields}, format="json")
        assert (response.status_code, response.json()) == (422, expected), fields
    assert admin.put(path, {}, format="json").json() == PARAMETER_MISSING
    response = admin.put(f"{LIST}/999999", {"custom_status": {}}, format="json")
    assert (response.status_code, response.json()) == (404, RECORD_NOT_FOUND)


def test_shipped_statuses_cannot_be_changed(admin):
    response = admin.put(
        f"{LIST}/{seeded('Closed').pk}", {"custom_status": {"agent_label": "Done"}}, format="json"
    )
    assert response.json() == invalid(
        "base", "Cannot update default conversation status", "InvalidValue"
    )


def test_a_category_default_cannot_be_deactivated(admin):
    created = create(admin).json()["custom_status"]
    assert admin.put(DEFAULT, {"ids": str(created["id"])}, format="json").status_code == 200
    response = admin.put(
        f"{LIST}/{created['id']}", {"custom_status": {"active": False}}, format="json"
    )
    assert response.json() == invalid(
        "base", "A default ticket status must be active", "InvalidValue"
    )


# --- defaults ---------------------------------------------------------------------------------


def test_bulk_default_moves_each_categorys_flag(admin):
    parked = create(admin, agent_label="Parked", status_category="hold").json()["custom_status"]
    done = create(admin, agent_label="Done", status_category="solved").json()["custom_status"]
    response = admin.put(DEFAULT, {"ids": f"{parked['id']}, {done['id']}"}, format="json")
    assert (response.status_code, response.json()) == (200, {})
    defaults = dict(
        ConversationStatus.objects.filter(is_category_default=True).values_list(
            "status_category", "name"
        )
    )
    assert defaults == {
        "new": "New",
        "open": "Open",
        "pending": "Snoozed",
        "hold": "Parked",
        "solved": "Done",
    }


@pytest.mark.parametrize("ids", [None, "", "1,x", 12, "1;2", "1,,2"])
def test_bulk_default_refuses_bad_ids(admin, ids):
    body = {} if ids is None else {"ids": ids}
    response = admin.put(DEFAULT, body, format="json")
    assert response.status_code == 400
    assert response.json()["error"] == "InvalidValue"


def test_bulk_default_is_all_or_nothing(admin):
    inactive = create(admin, agent_label="Off", status_category="hold", active=False)
    inactive = inactive.json()["custom_status"]
    a = create(admin, agent_label="A", status_category="open").json()["custom_status"]
    b = create(admin, agent_label="B", status_category="open").json()["custom_status"]
    before = set(ConversationStatus.objects.filter(is_category_default=True).values_list("pk"))

    response = admin.put(DEFAULT, {"ids": f"{a['id']},999999"}, format="json")
    assert (response.status_code, response.json()) == (404, RECORD_NOT_FOUND)
    response = admin.put(DEFAULT, {"ids": f"{a['id']},{inactive['id']}"}, format="json")
    assert response.status_code == 422 and response.json()["details"]["base"]
    response = admin.put(DEFAULT, {"ids": f"{a['id']},{b['id']}"}, format="json")
    assert response.status_code == 422 and response.json()["details"]["base"]

    after = set(ConversationStatus.objects.filter(is_category_default=True).values_list("pk"))
    assert after == before


def test_bulk_default_needs_the_change_permission(zd_login):
    client = zd_login("statuses.add_conversationstatus")
    response = client.put(DEFAULT, {"ids": str(seeded("Closed").pk)}, format="json")
    assert (response.status_code, response.json()) == (403, FORBIDDEN)


# --- delete -----------------------------------------------------------------------------------


def test_delete(admin):
    created = create(admin).json()["custom_status"]
    response = admin.delete(f"{LIST}/{created['id']}.json")
    assert response.status_code == 204 and response.content == b""
    assert not ConversationStatus.objects.filter(pk=created["id"]).exists()
    assert admin.delete(f"{LIST}/{created['id']}").json() == RECORD_NOT_FOUND


def test_defaults_cannot_be_deleted(admin):
    created = create(admin, status_category="hold").json()["custom_status"]
    admin.put(DEFAULT, {"ids": str(created["id"])}, format="json")
    for status_id in (seeded("Closed").pk, created["id"]):
        response = admin.delete(f"{LIST}/{status_id}")
        assert response.status_code == 422
        assert response.json() == invalid(
            "base", "Cannot delete default conversation status", "InvalidValue"
        )
    assert ConversationStatus.objects.filter(pk=created["id"]).exists()


# --- authentication ---------------------------------------------------------------------------


def basic(text):
    return "Basic " + base64.b64encode(text.encode()).decode()


def client_with(header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    return client


@pytest.fixture
def agent(db):
    return UserFactory(email="Agent@Example.com", perms=ALL)


def test_the_three_schemes(agent, oauth_app):
    token = zendesk_token_issue(user=agent).token
    for header in (
        basic(f"agent@example.com/token:{token}"),
        basic("AGENT@example.com:pw-secret-123"),
        f"Bearer {issue_bearer(agent, oauth_app)}",
    ):
        response = client_with(header).get(LIST)
        assert response.status_code == 200, header


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Basic !!!",
        "Basic " + base64.b64encode(b"agent@example.com/token:wrong").decode(),
        "Basic " + base64.b64encode(b"agent@example.com:wrong-password").decode(),
        "Basic " + base64.b64encode(b"nobody@example.com/token:x").decode(),
        "Bearer nope",
    ],
)
def test_refused_credentials(agent, header):
    client = APIClient() if header is None else client_with(header)
    response = client.get(LIST)
    assert (response.status_code, response.json()) == (401, NOT_AUTHENTICATED)
    assert response["WWW-Authenticate"] == 'Basic realm="Web Password"'


def test_a_token_works_only_with_its_owners_email(agent):
    other = UserFactory(email="other@example.com", perms=ALL)
    token = zendesk_token_issue(user=agent).token
    response = client_with(basic(f"{other.email}/token:{token}")).get(LIST)
    assert response.status_code == 401


def test_libredesk_keys_are_not_zendesk_credentials(agent, make_agent):
    libredesk = make_agent(*ALL)
    issued = libredesk.issued
    response = client_with(basic(f"{issued.api_key}:{issued.api_secret}")).get(LIST)
    assert (response.status_code, response.json()) == (401, NOT_AUTHENTICATED)


# --- concurrency ------------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_creates_of_one_label():
    import threading

    from django.db import connections

    user = UserFactory(email="racer@example.com", perms=ALL)
    header = basic(f"{user.email}/token:{zendesk_token_issue(user=user).token}")
    barrier = threading.Barrier(20)
    results = []

    def race(i):
        client = client_with(header)
        try:
            barrier.wait()
            # One label, spelt differently: the name key decides.
            label = "Racing" if i % 2 else "RACING"
            response = create(client, agent_label=label)
            results.append((response.status_code, response.json()))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=race, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(code for code, _ in results) == [201] + [422] * 19
    duplicate = invalid("agent_label", "Agent label: has already been taken", "DuplicateValue")
    assert all(body == duplicate for code, body in results if code == 422)
    assert ConversationStatus.objects.filter(name__iexact="racing").count() == 1


# --- webhooks -------------------------------------------------------------------------------


def test_one_change_is_a_zendesk_event_and_a_libredesk_event(admin):
    import json

    from tests.factories import webhook_owner
    from webhooks import services as webhooks
    from webhooks.models import Event

    owner = webhook_owner()
    for event_type in ("zendesk.custom_status.created", "libredesk.status.created"):
        webhooks.subscription_create(
            owner=owner, url="http://127.0.0.1:9/hook", event_types=[event_type]
        )
    created = create(admin, agent_label="Parked", status_category="hold").json()["custom_status"]

    events = {event.type: event for event in Event.objects.all()}
    assert set(events) == {"zendesk.custom_status.created", "libredesk.status.created"}
    zendesk, libredesk = events["zendesk.custom_status.created"], events["libredesk.status.created"]
    assert zendesk.object_key == libredesk.object_key and zendesk.sequence == libredesk.sequence
    sent = json.loads(zendesk.body)["data"]["object"]
    assert sent == {**created, "url": f"/api/v2/custom_statuses/{created['id']}.json"}
    assert json.loads(libredesk.body)["data"]["object"]["category"] == "waiting"


# --- languages --------------------------------------------------------------------------------


def test_labels_in_the_callers_language_and_raw_texts_as_stored(admin):
    from statuses.services import TranslationFields, conversation_status_translations_set

    created = create(admin, agent_label="Waiting on parts", description="A part is on order")
    status = ConversationStatus.objects.get(pk=created.json()["custom_status"]["id"])
    conversation_status_translations_set(
        status=status,
        translations={
            "fr": TranslationFields(
                agent_label="En attente de pièces",
                end_user_label="Nous y travaillons",
                description="",
                end_user_description="",
            ),
            "pt-BR": TranslationFields(
                agent_label="Aguardando peças",
                end_user_label="",
                description="Peça encomendada",
                end_user_description="",
            ),
        },
    )

    def shown(language, path=f"{LIST}/{status.pk}"):
        response = admin.get(path, HTTP_ACCEPT_LANGUAGE=language)
        body = response.json()
        return body["custom_status"] if "custom_status" in body else body["custom_statuses"][-1]

    french = shown("fr-CA, en;q=0.5")
    assert (french["agent_label"], french["end_user_label"], french["description"]) == (
        "En attente de pièces",
        "Nous y travaillons",
        "A part is on order",  # no French description: the status's own
    )
    assert (french["raw_agent_label"], french["raw_description"]) == (
        "Waiting on parts",
        "A part is on order",
    )
    brazil = shown("pt")
    assert (brazil["agent_label"], brazil["end_user_label"], brazil["description"]) == (
        "Aguardando peças",
        "Aguardando peças",
        "Peça encomendada",
    )
    assert shown("de")["agent_label"] == "Waiting on parts"
    assert shown("")["agent_label"] == "Waiting on parts"
    # The list too, and its cached reply is one per language.
    assert shown("fr", LIST)["agent_label"] == "En attente de pièces"
    assert shown("de", LIST)["agent_label"] == "Waiting on parts"
    assert shown("fr", LIST)["agent_label"] == "En attente de pièces"


def test_a_put_checks_its_body_before_the_id(admin):
    response = admin.put(f"{LIST}/999999", {"custom_status": {"agent_label": ""}}, format="json")
    assert response.json() == invalid("agent_label", "Agent label: cannot be blank", "BlankValue")
    response = admin.put(
        f"{LIST}/999999", {"custom_status": {"agent_label": "Fine"}}, format="json"
    )
    assert (response.status_code, response.json()) == (404, RECORD_NOT_FOUND)


def test_a_read_only_bearer_cannot_write(db, oauth_app):
    from oauth2_provider.models import AccessToken

    user = UserFactory(perms=ALL)
    raw = issue_bearer(user, oauth_app)
    AccessToken.objects.filter(token_checksum__isnull=False, user=user).update(scope="read")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get(LIST).status_code == 200
    refused = create(client)
    assert (refused.status_code, refused.json()) == (403, FORBIDDEN)
