"""Accounts and reasons in the admin, the create_account command, and shared rules."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from reasons.models import Account, StatusReason
from tests.factories import AccountFactory, StatusReasonFactory, UserFactory
from tests.reasons.test_liveperson_api import url

pytestmark = pytest.mark.django_db
ADMIN = "/admin/reasons/statusreason/"


def test_create_account_command_is_idempotent():
    UserFactory(username="ann")
    UserFactory(username="bob")
    out = StringIO()
    call_command("create_account", "acme_1", "--member", "ann", stdout=out)
    assert "Created account acme_1 with 1 member" in out.getvalue()
    call_command("create_account", "acme_1", "--member", "ann", "--member", "bob", stdout=out)
    call_command("create_account", "acme_1", "--member", "bob", stdout=out)
    account = Account.objects.get(pk="acme_1")
    assert sorted(account.members.values_list("username", flat=True)) == ["ann", "bob"]
    assert Account.objects.count() == 1


@pytest.mark.parametrize("bad", ["has-dash", "x" * 21, "spa ce"])
def test_create_account_command_rejects_bad_ids(bad):
    with pytest.raises(CommandError):
        call_command("create_account", bad, stdout=StringIO())
    assert not Account.objects.exists()


def test_create_account_command_unknown_member():
    with pytest.raises(CommandError):
        call_command("create_account", "acme", "--member", "ghost", stdout=StringIO())


def test_admin_add_goes_through_the_rules_and_raises_revision(admin_client):
    account = AccountFactory(id="acme")
    StatusReasonFactory(account=account, text="Lunch", order=1)
    data = {"account": "acme", "text": "lunch", "state": "Away", "enabled": "on", "order": 3}
    response = admin_client.post(f"{ADMIN}add/", data)
    assert response.status_code == 200
    assert "already has a status reason with this text" in response.content.decode()
    response = admin_client.post(f"{ADMIN}add/", {**data, "text": "a<b"})
    assert "text must not contain &lt; or &gt;" in response.content.decode()
    response = admin_client.post(f"{ADMIN}add/", {**data, "text": "Coffee"})
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.revision == 1
    # Position 3 of 2 reasons: the last.
    assert list(StatusReason.objects.values_list("text", "order")) == [("Lunch", 1), ("Coffee", 2)]


def test_admin_reorder_shows_in_the_api(admin_client, lp_login):
    agent = lp_login()
    first = StatusReasonFactory(account=agent.account, text="First", order=1)
    second = StatusReasonFactory(account=agent.account, text="Second", order=2)
    data = {
        "form-TOTAL_FORMS": "2",
        "form-INITIAL_FORMS": "2",
        "form-0-id": first.pk,
        "form-0-order": "5",
        "form-1-id": second.pk,
        "form-1-order": "2",
        "_save": "Save",
    }
    response = admin_client.post(ADMIN, data)
    assert response.status_code == 302
    assert [r["text"] for r in agent.get(url()).json()] == ["Second", "First"]
    assert Account.objects.get(pk="acme").revision >= 1


def test_admin_actions(admin_client, lp_login):
    agent = lp_login()
    reasons = [StatusReasonFactory(account=agent.account, text=f"R{i}") for i in range(3)]
    ids = [r.pk for r in reasons[:2]]

    def act(action):
        # An action runs on the selected rows that the list shows (its filters apply).
        return admin_client.post(
            f"{ADMIN}?deleted=all", {"action": action, "_selected_action": ids}, follow=True
        )

    act("disable")
    assert [r["enabled"] for r in agent.get(url()).json()] == [False, False, True]
    act("enable")
    assert all(r["enabled"] for r in agent.get(url()).json())
    admin_client.post(ADMIN, {"action": "delete_selected", "_selected_action": ids, "post": "yes"})
    assert [r["text"] for r in agent.get(url()).json()] == ["R2"]
    act("restore")
    assert len(agent.get(url()).json()) == 3
    assert Account.objects.get(pk="acme").revision == 4  # one per action

    # Restoring a reason whose text is live again is refused with a message.
    reasons[0].refresh_from_db()
    admin_client.post(
        ADMIN, {"action": "delete_selected", "_selected_action": [reasons[0].pk], "post": "yes"}
    )
    StatusReasonFactory(account=agent.account, text="R0")
    response = admin_client.post(
        f"{ADMIN}?deleted=1",
        {"action": "restore", "_selected_action": [reasons[0].pk]},
        follow=True,
    )
    assert "already exists" in response.content.decode()
    assert StatusReason.objects.get(pk=reasons[0].pk).deleted


def test_admin_filters(admin_client):
    acme, beta = AccountFactory(id="acme"), AccountFactory(id="beta")
    StatusReasonFactory(account=acme, text="A1", state="Away")
    StatusReasonFactory(account=beta, text="B1", state="Online", enabled=False)
    StatusReasonFactory(account=beta, text="B2", state="Online", deleted=True)

    def texts(**query):
        return sorted(r.text for r in admin_client.get(ADMIN, query).context["cl"].result_list)

    assert texts(account__id__exact="beta") == ["B1"]
    assert texts(account__id__exact="beta", deleted="all") == ["B1", "B2"]
    assert texts(state__exact="Away") == ["A1"]
    assert texts(enabled__exact="0") == ["B1"]
    assert texts(deleted="1") == ["B2"]
    assert texts() == ["A1", "B1"]  # deleted reasons are hidden unless asked
    assert texts(deleted="all") == ["A1", "B1", "B2"]


def test_account_admin_shows_members_and_reasons(admin_client):
    account = AccountFactory(id="acme")
    account.members.add(UserFactory(username="ann"))
    StatusReasonFactory(account=account, text="Lunch")
    html = admin_client.get("/admin/reasons/account/acme/change/").content.decode()
    assert "Lunch" in html and "ann" in html
