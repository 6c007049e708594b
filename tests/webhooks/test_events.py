"""Every event type, made through the real paths (the four APIs, the admin, an import), with
the object in the shape the surface's own API returns, the actor and the sequence."""

import json

import pytest

from reasons import services as reasons
from tests.community.factories import CategoryFactory
from tests.factories import StatusReasonFactory, webhook_owner
from tests.surfaces import event_shapes
from webhooks import catalogue, services
from webhooks.models import Event

pytestmark = pytest.mark.django_db

LD = ["statuses.add_conversationstatus", "statuses.change_conversationstatus"]
LD_ALL = [*LD, "statuses.delete_conversationstatus"]
RC = ["statuses.add_userstatus", "statuses.change_userstatus", "statuses.delete_userstatus"]


@pytest.fixture(autouse=True)
def subscribed():
    """A subscription to every event type, so that every change is an event."""
    services.subscription_create(
        owner=webhook_owner(), url="http://127.0.0.1:9/hook", event_types=catalogue.event_types()
    )


def events(type_prefix=""):
    return [
        json.loads(event.body)
        for event in Event.objects.filter(type__startswith=type_prefix).order_by(
            "created_at", "object_key", "sequence"
        )
    ]


def actor_of(client):
    return {"id": client.user.pk, "username": client.user.username}


def test_the_catalogue_has_three_actions_for_each_surface_kind():
    # The prefixes are the ones each surface's entry says its modules register
    # (config/surfaces.py, `tests.events`).
    prefixes = [prefix for _tag, _kind, prefix in event_shapes()]
    assert len(prefixes) == len(set(prefixes)) >= 6
    assert set(catalogue.event_types()) == {
        f"{prefix}.{action}" for prefix in prefixes for action in ["created", "updated", "deleted"]
    }


def test_libredesk_events_carry_the_apis_status_object(make_agent):
    agent = make_agent(*LD_ALL)
    created = agent.post(
        "/api/v1/statuses", {"name": "Pending", "category": "waiting"}, format="json"
    )
    status_id = created.json()["data"]["id"]
    updated = agent.put(
        f"/api/v1/statuses/{status_id}", {"name": "On hold", "category": "waiting"}, format="json"
    )
    assert agent.delete(f"/api/v1/statuses/{status_id}").status_code == 200
    # A refused write (a taken name) emits nothing.
    agent.post("/api/v1/statuses", {"name": "open", "category": "open"}, format="json")
    found = events("libredesk.")
    assert [e["type"] for e in found] == [
        "libredesk.status.created",
        "libredesk.status.updated",
        "libredesk.status.deleted",
    ]
    assert found[0]["data"]["object"] == created.json()["data"]
    assert found[1]["data"]["object"] == updated.json()["data"]
    assert found[2]["data"]["object"] == updated.json()["data"]
    assert [e["data"]["sequence"] for e in found] == [1, 2, 3]
    assert all(e["data"]["actor"] == actor_of(agent) for e in found)
    assert all(set(e) == {"type", "timestamp", "data"} for e in found)


def test_rocketchat_events_carry_the_apis_custom_user_status(rc_login):
    agent = rc_login(*RC)
    created = agent.post(
        "/api/v1/custom-user-status.create", {"name": "Lunch", "statusType": "away"}, format="json"
    ).json()["customUserStatus"]
    updated = agent.post(
        "/api/v1/custom-user-status.update",
        {"_id": created["_id"], "name": "Long lunch", "statusType": "busy"},
        format="json",
    ).json()["customUserStatus"]
    agent.post(
        "/api/v1/custom-user-status.delete", {"customUserStatusId": created["_id"]}, format="json"
    )
    found = events("rocketchat.")
    assert [(e["type"], e["data"]["object"]) for e in found] == [
        ("rocketchat.user_status.created", created),
        ("rocketchat.user_status.updated", updated),
        ("rocketchat.user_status.deleted", updated),
    ]
    assert [e["data"]["sequence"] for e in found] == [1, 2, 3]
    assert found[0]["data"]["actor"] == actor_of(agent)


def test_liveperson_events_carry_the_reason_the_account_and_its_revision(lp_login):
    from tests.reasons.test_liveperson_api import url

    agent = lp_login()
    one = agent.post(url(), {"text": "Lunch", "state": "Away"}, format="json")
    batch = agent.post(
        url(), [{"text": "Training", "state": "Away"}, {"text": "Coaching", "state": "Online"}],
        format="json",
    )  # fmt: skip
    lunch = one.json()
    changed = agent.put(
        url(reason_id=lunch["id"]), {"text": "Long lunch", "state": "Away"}, format="json"
    )
    agent.delete(url(reason_id=lunch["id"]))
    revision = int(changed["ac-revision"]) + 1
    found = events("liveperson.")
    assert [e["type"] for e in found] == [
        "liveperson.reason.created",
        "liveperson.reason.created",
        "liveperson.reason.created",
        "liveperson.reason.updated",
        "liveperson.reason.deleted",
    ]
    assert found[0]["data"]["object"] == lunch
    assert [e["data"]["object"] for e in found[1:3]] == batch.json()
    assert found[3]["data"]["object"] == changed.json()
    assert found[4]["data"]["object"] == {**changed.json(), "deleted": True}
    assert [e["data"]["revision"] for e in found] == [
        int(one["ac-revision"]),
        int(batch["ac-revision"]),
        int(batch["ac-revision"]),
        int(changed["ac-revision"]),
        revision,
    ]
    assert all(e["data"]["account"] == "acme" for e in found)
    assert found[0]["data"]["actor"] == actor_of(agent)


def test_liveperson_admin_actions_emit_updates_and_deletes_with_system_as_actor():
    reason = StatusReasonFactory(account__id="acme", text="Break")
    reasons.reasons_set_flags(reasons=[reason], enabled=False)
    reasons.reasons_set_flags(reasons=[reason], deleted=True)
    reasons.reasons_set_flags(reasons=[reason], deleted=False)
    found = events("liveperson.")
    assert [e["type"] for e in found] == [
        "liveperson.reason.updated",
        "liveperson.reason.deleted",
        "liveperson.reason.updated",
    ]
    assert [e["data"]["object"]["enabled"] for e in found] == [False, False, False]
    assert [e["data"]["object"]["deleted"] for e in found] == [False, True, False]
    assert all(e["data"]["actor"] == "system" for e in found)


def test_community_status_events_carry_the_apis_status_post(sc_login):
    member = sc_login()
    category = CategoryFactory()
    created = member.post(
        "/api/v2/status/", {"action": "Hello", "categories": [category.pk]}, format="json"
    ).json()
    updated = member.put(
        f"/api/v2/status/{created['id']}/",
        {"action": "Edited", "text": "Hi", "categories": [category.pk]},
        format="json",
    ).json()
    assert member.delete(f"/api/v2/status/{created['id']}/").status_code == 204
    assert member.post(f"/api/v2/status/{created['id']}/restore/").status_code == 204
    found = events("community.status")
    assert [e["type"] for e in found] == [
        "community.status.created",
        "community.status.updated",
        "community.status.deleted",
        "community.status.updated",
    ]
    # The API's post, less what is the caller's own (their vote, follow and suspended
    # notifications): an event goes to subscribers, not to the member who wrote.
    callers = {"voted", "followed", "suspended"}
    assert callers <= set(created) and not callers & set(found[0]["data"]["object"])
    assert found[0]["data"]["object"] == {k: v for k, v in created.items() if k not in callers}
    assert found[1]["data"]["object"] == {k: v for k, v in updated.items() if k not in callers}
    assert found[2]["data"]["object"]["id"] == created["id"]
    assert [e["data"]["sequence"] for e in found] == [1, 2, 3, 4]
    assert found[0]["data"]["actor"] == actor_of(member)


def test_community_category_events_carry_the_apis_category(sc_login):
    staff = sc_login(
        "community.add_category", "community.change_category", "community.delete_category"
    )
    created = staff.post("/api/v2/category/", {"name": "General"}, format="json").json()
    updated = staff.patch(
        f"/api/v2/category/{created['id']}/", {"slogan": "For everyone"}, format="json"
    ).json()
    assert staff.delete(f"/api/v2/category/{created['id']}/").status_code == 204
    found = events("community.category")
    assert [(e["type"], e["data"]["object"]) for e in found] == [
        ("community.category.created", created),
        ("community.category.updated", updated),
        ("community.category.deleted", updated),
    ]


def test_admin_edits_and_imports_emit_too(admin_client, admin_user):
    response = admin_client.post(
        "/admin/statuses/conversationstatus/add/",
        {"name": "Escalated", "status_category": "open", "active": "on"},
    )
    assert response.status_code == 302
    (added,) = events("libredesk.")
    assert added["type"] == "libredesk.status.created"
    assert added["data"]["actor"] == {"id": admin_user.pk, "username": admin_user.username}

    from tablib import Dataset

    from statuses.resources import ConversationStatusResource

    dataset = Dataset(headers=["name", "category"])
    dataset.append(["Imported", "waiting"])
    ConversationStatusResource().import_data(dataset, dry_run=True)
    assert len(events("libredesk.")) == 1, "a previewed import rolls back, events and all"
    ConversationStatusResource().import_data(dataset, dry_run=False)
    assert [e["data"]["object"]["name"] for e in events("libredesk.")] == [
        "Escalated",
        "Imported",
    ]
