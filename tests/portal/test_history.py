"""Every change is recorded with who made it and the old and new values; reverts obey rules."""

import pytest

from reasons.models import StatusReason
from statuses.models import ConversationStatus, UserStatus
from tests.factories import ConversationStatusFactory, StatusReasonFactory, UserStatusFactory

pytestmark = pytest.mark.django_db


def test_libredesk_api_changes_are_recorded_with_the_api_user(make_agent):
    agent = make_agent(
        "statuses.add_conversationstatus",
        "statuses.change_conversationstatus",
        "statuses.delete_conversationstatus",
    )
    pk = agent.post(
        "/api/v1/statuses", {"name": "Pending", "category": "waiting"}, format="json"
    ).json()["data"]["id"]
    agent.put(f"/api/v1/statuses/{pk}", {"name": "On hold", "category": "open"}, format="json")
    agent.delete(f"/api/v1/statuses/{pk}")
    records = list(ConversationStatus.history.filter(id=pk).order_by("history_date"))
    assert [r.history_type for r in records] == ["+", "~", "-"]
    assert {r.history_user for r in records} == {agent.user}
    delta = records[1].diff_against(records[0])
    assert {(c.field, c.old, c.new) for c in delta.changes} == {
        ("name", "Pending", "On hold"),
        ("category", "waiting", "open"),
    }


def test_rocketchat_api_changes_are_recorded(rc_login):
    agent = rc_login("statuses.add_userstatus", "statuses.change_userstatus")
    created = agent.post(
        "/api/v1/custom-user-status.create", {"name": "Lunch", "statusType": "away"}, format="json"
    ).json()["customUserStatus"]
    agent.post(
        "/api/v1/custom-user-status.update",
        {"_id": created["_id"], "name": "Lunch", "statusType": "busy"},
        format="json",
    )
    records = UserStatus.history.filter(id=created["_id"]).order_by("history_date")
    assert [(r.history_type, r.status_type, r.history_user) for r in records] == [
        ("+", "away", agent.user),
        ("~", "busy", agent.user),
    ]


def test_liveperson_bulk_writes_are_recorded_with_the_bearer_user(lp_login):
    agent = lp_login()
    base = "/api/account/acme/configuration/le-agents/status-reasons?v=1"
    reasons = agent.post(
        base,
        [{"text": "Lunch", "state": "Away"}, {"text": "Training", "state": "Away"}],
        format="json",
    ).json()
    agent.delete(base, [reasons[0]["id"]], format="json")
    history = StatusReason.history.filter(id=reasons[0]["id"]).order_by("history_date")
    assert [(r.history_type, r.deleted, r.history_user) for r in history] == [
        ("+", False, agent.user),
        ("~", True, agent.user),
    ]
    assert StatusReason.history.filter(id=reasons[1]["id"], history_user=agent.user).count() == 1


def test_admin_actions_are_recorded(admin_client, admin_user):
    reason = StatusReasonFactory(text="Lunch")
    admin_client.post(
        "/admin/reasons/statusreason/", {"action": "disable", "_selected_action": [reason.pk]}
    )
    last = StatusReason.history.filter(id=reason.pk).latest("history_date")
    assert (last.enabled, last.history_user) == (False, admin_user)


def test_history_page_shows_who_and_what(admin_client, make_agent):
    agent = make_agent("statuses.add_conversationstatus", "statuses.change_conversationstatus")
    pk = agent.post(
        "/api/v1/statuses", {"name": "Pending", "category": "waiting"}, format="json"
    ).json()["data"]["id"]
    agent.put(f"/api/v1/statuses/{pk}", {"name": "On hold", "category": "waiting"}, format="json")
    html = admin_client.get(f"/admin/statuses/conversationstatus/{pk}/history/").content.decode()
    assert agent.user.username in html
    assert "Pending" in html and "On hold" in html


def test_revert_from_admin_goes_through_the_rules(admin_client):
    status = ConversationStatusFactory(name="Pending", category="waiting")
    admin_client.post(
        f"/admin/statuses/conversationstatus/{status.pk}/change/",
        {"name": "On hold", "category": "open"},
    )
    first = ConversationStatus.history.filter(id=status.pk).earliest("history_date")
    revert_url = f"/admin/statuses/conversationstatus/{status.pk}/history/{first.history_id}/"
    # The old name is taken by another status now: the revert is refused with a message.
    ConversationStatusFactory(name="PENDING")
    response = admin_client.post(revert_url, {"name": "Pending", "category": "waiting"})
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    status.refresh_from_db()
    assert status.name == "On hold"
    ConversationStatus.objects.filter(name="PENDING").delete()
    response = admin_client.post(revert_url, {"name": "Pending", "category": "waiting"})
    assert response.status_code == 302
    status.refresh_from_db()
    assert (status.name, status.category) == ("Pending", "waiting")
    assert (
        ConversationStatus.history.filter(id=status.pk).latest("history_date").history_type == "~"
    )


def test_revert_of_a_user_status_uses_rocketchat_rules(admin_client):
    status = UserStatusFactory(name="Lunch", status_type="away")
    first = UserStatus.history.get(id=status.pk)
    UserStatus.objects.filter(pk=status.pk).update(name="Brunch")
    UserStatusFactory(name="lunch")
    response = admin_client.post(
        f"/admin/statuses/userstatus/{status.pk}/history/{first.history_id}/",
        {"name": "Lunch", "status_type": "away"},
    )
    assert "already in use" in response.content.decode()
