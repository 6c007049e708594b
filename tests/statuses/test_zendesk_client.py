"""The real, pinned zenpy client against a live portal, pointed at it with zenpy's own
ZENPY_FORCE_NETLOC and ZENPY_FORCE_SCHEME: list, show, create, update, and its refusal to
delete; and statuses written on either wire seen on the other. On both databases: the
cross-wire tests write through two wires onto one table."""

from urllib.parse import urlsplit

import pytest
import requests
from zenpy import Zenpy
from zenpy.lib.api_objects import CustomStatus
from zenpy.lib.exception import APIException, RecordNotFoundException, ZenpyException

from access.services import zendesk_token_issue
from statuses import services
from statuses.models import ConversationStatus
from tests.factories import UserFactory

PERMS = [
    "statuses.add_conversationstatus",
    "statuses.change_conversationstatus",
    "statuses.delete_conversationstatus",
]


@pytest.fixture
def zenpy_env(live_server, monkeypatch):
    netloc = urlsplit(live_server.url).netloc
    monkeypatch.setenv("ZENPY_FORCE_NETLOC", netloc)
    monkeypatch.setenv("ZENPY_FORCE_SCHEME", "http")
    return live_server


@pytest.fixture
def zenpy(zenpy_env):
    user = UserFactory(username="zdadmin", email="zd.admin@example.com", perms=PERMS)
    token = zendesk_token_issue(user=user).token
    # disable_cache: zenpy caches objects by id, and the other wire changes them.
    return Zenpy(subdomain="acme", email=user.email, token=token, disable_cache=True)


def names_by_id():
    # The live server's tests empty the database between them: compare with what it holds.
    return list(ConversationStatus.objects.order_by("id").values_list("name", flat=True))


def test_list_show_create_update_and_no_delete(zenpy):
    services.conversation_status_create(name="Parked", status_category="hold")
    listed = list(zenpy.custom_statuses())
    assert [s.agent_label for s in listed] == names_by_id()
    assert all(isinstance(s, CustomStatus) for s in listed)
    assert listed[-1].status_category == "hold" and listed[-1].default is False

    created = zenpy.custom_statuses.create(
        CustomStatus(
            agent_label="Waiting on parts",
            end_user_label="Working on it",
            status_category="hold",
            description="A part is on order",
        )
    )
    assert created.id and created.agent_label == "Waiting on parts"
    assert created.created  # zenpy parses the timestamp
    stored = ConversationStatus.objects.get(pk=created.id)
    assert (stored.status_category, stored.category) == ("hold", "waiting")

    shown = zenpy.custom_statuses(id=created.id)
    assert shown.end_user_label == "Working on it" and shown.default is False

    # zenpy sends only the changed attributes, plus `id`.
    shown.agent_label = "Parts ordered"
    updated = zenpy.custom_statuses.update(shown)
    assert updated.agent_label == "Parts ordered"
    assert updated.description == "A part is on order"
    assert ConversationStatus.objects.get(pk=created.id).name == "Parts ordered"

    with pytest.raises(ZenpyException, match="Custom status cannot be deleted"):
        zenpy.custom_statuses.delete(updated)
    assert ConversationStatus.objects.filter(pk=created.id).exists()


def test_zenpy_raises_on_the_portals_refusals(zenpy):
    with pytest.raises(RecordNotFoundException):
        zenpy.custom_statuses(id=999999)
    services.conversation_status_create(name="Taken", status_category="open")
    with pytest.raises(APIException) as caught:
        zenpy.custom_statuses.create(CustomStatus(agent_label="TAKEN", status_category="open"))
    assert caught.value.response.status_code == 422
    assert caught.value.response.json()["details"]["agent_label"][0]["error"] == "DuplicateValue"


def test_password_and_oauth_forms(zenpy_env, oauth_app):
    from tests.conftest import issue_bearer

    user = UserFactory(username="zdpass", email="zd.pass@example.com", perms=PERMS)
    services.conversation_status_create(name="Parked", status_category="hold")
    by_password = Zenpy(subdomain="acme", email=user.email, password="pw-secret-123")
    assert [s.agent_label for s in by_password.custom_statuses()] == names_by_id()
    by_oauth = Zenpy(subdomain="acme", oauth_token=issue_bearer(user, oauth_app))
    assert [s.agent_label for s in by_oauth.custom_statuses()] == names_by_id()
    wrong = Zenpy(subdomain="acme", email=user.email, token="not-the-token")
    with pytest.raises(APIException) as caught:
        list(wrong.custom_statuses())
    assert caught.value.response.status_code == 401


def test_each_wire_sees_the_others_writes(zenpy, zenpy_env):
    from access.services import api_key_issue

    user = UserFactory(username="libre", perms=PERMS)
    issued = api_key_issue(user=user, actor=user)
    libredesk = requests.Session()
    libredesk.headers["Authorization"] = f"token {issued.api_key}:{issued.api_secret}"
    base = zenpy_env.url

    # Libredesk → Zendesk: `waiting` is `pending`.
    made = libredesk.post(
        f"{base}/api/v1/statuses", json={"name": "Awaiting reply", "category": "waiting"}
    ).json()["data"]
    seen = zenpy.custom_statuses(id=made["id"])
    assert (seen.agent_label, seen.status_category) == ("Awaiting reply", "pending")

    # Zendesk → Libredesk: `hold` is `waiting`, `solved` is `resolved`.
    held = zenpy.custom_statuses.create(CustomStatus(agent_label="Parked", status_category="hold"))
    done = zenpy.custom_statuses.create(CustomStatus(agent_label="Fixed", status_category="solved"))
    listed = {s["name"]: s for s in libredesk.get(f"{base}/api/v1/statuses").json()["data"]}
    assert listed["Parked"]["category"] == "waiting" and listed["Parked"]["id"] == held.id
    assert listed["Fixed"]["category"] == "resolved"

    # A Libredesk PUT of the same category keeps `hold`; another category resets it.
    libredesk.put(
        f"{base}/api/v1/statuses/{held.id}", json={"name": "Parked", "category": "waiting"}
    )
    assert zenpy.custom_statuses(id=held.id).status_category == "hold"
    libredesk.put(f"{base}/api/v1/statuses/{held.id}", json={"name": "Parked", "category": "open"})
    assert zenpy.custom_statuses(id=held.id).status_category == "open"

    # Deactivated on Zendesk: hidden from Libredesk, its name still reserved there.
    shown = zenpy.custom_statuses(id=done.id)
    shown.active = False
    zenpy.custom_statuses.update(shown)
    names = [s["name"] for s in libredesk.get(f"{base}/api/v1/statuses").json()["data"]]
    assert "Fixed" not in names
    assert libredesk.get(f"{base}/api/v1/statuses/{done.id}").status_code == 404
    again = libredesk.post(f"{base}/api/v1/statuses", json={"name": "fixed", "category": "open"})
    assert again.status_code == 409

    # Deleted on Libredesk: gone on Zendesk.
    assert libredesk.delete(f"{base}/api/v1/statuses/{made['id']}").status_code == 200
    with pytest.raises(RecordNotFoundException):
        zenpy.custom_statuses(id=made["id"])
