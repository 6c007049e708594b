"""Every change is recorded with who made it and the old and new values; reverts obey rules."""

import re

import pytest

from community.models import Category, Tag
from core.history import command_running
from reasons.models import StatusReason
from statuses.models import ConversationStatus, UserStatus
from tests.factories import (
    AccountFactory,
    ConversationStatusFactory,
    StatusReasonFactory,
    UserStatusFactory,
)

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
        ("status_category", "pending", "open"),  # `category` is derived from it
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
    status = ConversationStatusFactory(name="Pending", status_category="pending")
    admin_client.post(
        f"/admin/statuses/conversationstatus/{status.pk}/change/",
        {"name": "On hold", "status_category": "open", "active": "on"},
    )
    first = ConversationStatus.history.filter(id=status.pk).earliest("history_date")
    revert_url = f"/admin/statuses/conversationstatus/{status.pk}/history/{first.history_id}/"
    # The old name is taken by another status now: the revert is refused with a message.
    ConversationStatusFactory(name="PENDING")
    response = admin_client.post(
        revert_url, {"name": "Pending", "status_category": "pending", "active": "on"}
    )
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    status.refresh_from_db()
    assert status.name == "On hold"
    ConversationStatus.objects.filter(name="PENDING").delete()
    response = admin_client.post(
        revert_url, {"name": "Pending", "status_category": "pending", "active": "on"}
    )
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


# --- who made a change, and why (issue 14, item 10) ---------------------------------------

HISTORY = "/admin/statuses/conversationstatus/{pk}/history/"


def history_cells(admin_client, url, css_class):
    html = admin_client.get(url).content.decode()
    return html, [
        " ".join(re.sub(r"<[^>]+>", " ", cell).split())
        for cell in re.findall(rf'<td class="{css_class}"[^>]*>(.*?)</td>', html, re.S)
    ]


def test_history_page_hides_empty_reasons_and_never_says_none(admin_client, admin_user):
    admin_client.post(
        "/admin/statuses/conversationstatus/add/",
        {"name": "Pending", "status_category": "pending", "active": "on"},
    )
    status = ConversationStatus.objects.get(name="Pending")
    admin_client.post(
        f"/admin/statuses/conversationstatus/{status.pk}/change/",
        {"name": "On hold", "status_category": "pending", "active": "on"},
    )
    html, actors = history_cells(admin_client, HISTORY.format(pk=status.pk), "history-actor")
    assert actors == [admin_user.username, admin_user.username]
    assert "Change reason" not in html
    assert "None" not in re.sub(r"<script.*?</script>", "", html, flags=re.S)


def test_history_page_names_the_management_command(admin_client, capsys, monkeypatch):
    from django.db import connections

    import manage

    # A command run from the command line closes every connection when it ends
    # (BaseCommand.run_from_argv); on PostgreSQL that would end the test's transaction.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    manage.main(["manage.py", "load_demo_data"])
    assert "Demo data ready" in capsys.readouterr().out
    models = [ConversationStatus, UserStatus, StatusReason, Category, Tag]
    for model in models:  # every model with history, per-row and bulk writes alike
        records = model.history.all()
        assert records.exists(), model
        assert {(r.history_user, r.history_change_reason) for r in records} == {
            (None, "manage.py load_demo_data")
        }, model
    status = ConversationStatus.objects.get(name="Pending")
    html, actors = history_cells(admin_client, HISTORY.format(pk=status.pk), "history-actor")
    assert actors == ["system (load_demo_data)"]
    assert "Change reason" not in html  # the command shows as who, not as a reason


def test_a_change_with_no_user_and_no_command_is_by_the_system(admin_client):
    status = ConversationStatusFactory(name="Pending")  # no request, no command
    assert ConversationStatus.history.get(id=status.pk).history_change_reason is None
    _html, actors = history_cells(admin_client, HISTORY.format(pk=status.pk), "history-actor")
    assert actors == ["system"]


def test_a_request_made_while_a_command_runs_is_its_users(admin_client, admin_user):
    # A server started by manage.py (runserver): its requests' changes are their users'.
    with command_running("runserver"):
        admin_client.post(
            "/admin/statuses/conversationstatus/add/",
            {"name": "Pending", "status_category": "pending", "active": "on"},
        )
        outside = ConversationStatusFactory(name="Escalated")
    record = ConversationStatus.history.get(name="Pending")
    assert (record.history_user, record.history_change_reason) == (admin_user, None)
    record = ConversationStatus.history.get(id=outside.pk)
    assert (record.history_user, record.history_change_reason) == (None, "manage.py runserver")


def test_bulk_history_rows_get_the_command_too():
    from reasons import services as reason_services

    account = AccountFactory(id="acme")
    with command_running("import_reasons"):
        written = reason_services.reason_create_many(
            account=account,
            items=[
                reason_services.ReasonFields(text="Lunch", state="Away"),
                reason_services.ReasonFields(text="Training", state="Away"),
            ],
        )
        reason_services.reasons_set_flags(reasons=written.reasons, enabled=False)
    records = StatusReason.history.filter(account_id="acme")
    assert sorted(r.history_type for r in records) == ["+", "+", "~", "~"]
    assert {r.history_change_reason for r in records} == {"manage.py import_reasons"}


def test_a_real_reason_shows_in_its_column(admin_client):
    status = ConversationStatusFactory(name="Pending")
    status.name, status._change_reason = "On hold", "Renamed after the 2024 audit"
    status.save()
    html, reasons = history_cells(admin_client, HISTORY.format(pk=status.pk), "history-reason")
    assert "Change reason" in html
    assert reasons == ["Renamed after the 2024 audit", ""]  # newest first; empty stays blank
