"""A manager (staff, not a superuser) sees the LivePerson sessions and the accounts of the
accounts they are a member of, and nothing of any other account (issue 21, item 1): not in
the bearers list, its change and delete pages, its bulk delete (even with forged ids), nor
in the account filters of the bearers and reasons lists."""

import pytest
from django.contrib.admin import helpers
from django.contrib.auth.models import Permission
from django.test import Client

from reasons.models import Account, AccountBearer
from reasons.services import account_bearer_issue
from tests.factories import AccountFactory, StatusReasonFactory, UserFactory

pytestmark = pytest.mark.django_db

BEARERS = "/admin/reasons/accountbearer/"
REASONS = "/admin/reasons/statusreason/"
ACCOUNTS = "/admin/reasons/account/"
MANAGER_PERMS = [
    "reasons.view_accountbearer",
    "reasons.delete_accountbearer",
    "reasons.view_statusreason",
    "reasons.change_statusreason",
    "reasons.view_account",
]


def session_of(account, username):
    """A LivePerson session of a new member `username` of `account`."""
    user = UserFactory(username=username)
    account.members.add(user)
    issued = account_bearer_issue(
        account_id=account.pk, username=username, password="pw-secret-123"
    )
    return AccountBearer.objects.get(user=user, account=account), issued


@pytest.fixture
def two_accounts():
    """Accounts `mine` (the manager's) and `theirs`, each with a session and a reason."""
    mine = AccountFactory(id="mine", name="My support desk")
    theirs = AccountFactory(id="theirs", name="Rival support desk")
    own_bearer, _ = session_of(mine, "maria")
    other_bearer, _ = session_of(theirs, "otto_outsider")
    StatusReasonFactory(account=mine, text="Lunch")
    StatusReasonFactory(account=theirs, text="Rival reason")
    manager = UserFactory(username="manager", is_staff=True, perms=MANAGER_PERMS)
    mine.members.add(manager)
    client = Client()
    client.force_login(manager)
    return client, own_bearer, other_bearer


def test_the_bearers_list_shows_only_the_managers_accounts(two_accounts):
    client, own_bearer, other_bearer = two_accounts
    response = client.get(BEARERS)
    assert response.status_code == 200
    page = response.content.decode()
    assert "maria" in page
    assert "otto_outsider" not in page
    assert "Rival support desk" not in page
    assert list(response.context["cl"].result_list) == [own_bearer]
    # A search or a filter cannot reach past the scope either.
    for query in ({"q": "otto_outsider"}, {"account__id__exact": "theirs"}):
        response = client.get(BEARERS, query)
        assert other_bearer not in response.context["cl"].result_list
        assert "Rival support desk" not in response.content.decode()


def test_another_accounts_bearer_pages_are_not_found(two_accounts):
    client, own_bearer, other_bearer = two_accounts
    for view in ("change", "delete", "history"):
        response = client.get(f"{BEARERS}{other_bearer.pk}/{view}/")
        assert response.status_code == 404, view
        assert "otto_outsider" not in response.content.decode()
    assert client.post(f"{BEARERS}{other_bearer.pk}/delete/", {"post": "yes"}).status_code == 404
    assert AccountBearer.objects.filter(pk=other_bearer.pk).exists()
    # The manager's own session still opens, and one that never existed is alike: not found.
    assert client.get(f"{BEARERS}{own_bearer.pk}/change/").status_code == 200
    assert client.get(f"{BEARERS}{other_bearer.pk + 1000}/change/").status_code == 404


def test_the_bulk_delete_cannot_end_another_accounts_bearer_with_forged_ids(two_accounts):
    client, own_bearer, other_bearer = two_accounts
    forged = {
        "action": "delete_selected",
        helpers.ACTION_CHECKBOX_NAME: [own_bearer.pk, other_bearer.pk],
    }
    confirmation = client.post(BEARERS, forged)
    assert confirmation.status_code == 200
    assert "otto_outsider" not in confirmation.content.decode()
    response = client.post(BEARERS, {**forged, "post": "yes"})
    assert response.status_code == 302
    assert not AccountBearer.objects.filter(pk=own_bearer.pk).exists()
    assert AccountBearer.objects.filter(pk=other_bearer.pk).exists()


def filter_choices(response, parameter):
    """The values the list's filter offers for `parameter`, from its filter specs (none when
    the filter is not shown: Django hides a filter with a single choice)."""
    values = []
    for spec in response.context["cl"].filter_specs:
        if parameter in spec.expected_parameters():
            values += [value for value, _title in getattr(spec, "lookup_choices", [])]
    return values


@pytest.mark.parametrize("changelist", [REASONS, BEARERS])
def test_the_account_filter_offers_only_the_managers_accounts(two_accounts, changelist):
    client, _own, _other = two_accounts
    response = client.get(changelist)
    assert response.status_code == 200
    # One account of their own: nothing to choose, so no filter (Django hides it).
    assert filter_choices(response, "account__id__exact") == []
    page = response.content.decode()
    assert "Rival support desk" not in page
    assert "account__id__exact=theirs" not in page
    # A second account of their own: the filter offers those two, never the other one.
    manager = response.context["request"].user
    AccountFactory(id="second", name="My second desk").members.add(manager)
    response = client.get(changelist)
    assert filter_choices(response, "account__id__exact") == ["mine", "second"]
    page = response.content.decode()
    assert "account__id__exact=second" in page
    assert "Rival support desk" not in page
    assert "account__id__exact=theirs" not in page


@pytest.mark.parametrize("changelist", [REASONS, BEARERS])
def test_a_superuser_sees_every_account_in_the_filter(two_accounts, admin_client, changelist):
    response = admin_client.get(changelist)
    assert filter_choices(response, "account__id__exact") == ["mine", "theirs"]


def test_a_superuser_sees_and_may_end_every_bearer(two_accounts, admin_client):
    _client, own_bearer, other_bearer = two_accounts
    response = admin_client.get(BEARERS)
    assert set(response.context["cl"].result_list) == {own_bearer, other_bearer}
    assert admin_client.get(f"{BEARERS}{other_bearer.pk}/change/").status_code == 200


def test_the_account_admin_lists_only_the_managers_accounts(two_accounts):
    # The Account admin was already scoped (AccountAdmin.get_queryset); this holds it so.
    client, _own, _other = two_accounts
    response = client.get(ACCOUNTS)
    assert [account.pk for account in response.context["cl"].result_list] == ["mine"]
    assert "Rival support desk" not in response.content.decode()
    assert client.get(f"{ACCOUNTS}theirs/change/").status_code in (302, 404)
    assert Account.objects.filter(pk="theirs").exists()


def test_a_users_page_lists_only_the_managers_accounts_sessions(two_accounts):
    # The LivePerson bearers inline of a user's page: another account's session is not
    # listed (nor its account named) to a manager who may view users.
    client, _own, other_bearer = two_accounts
    manager = client.get(BEARERS).context["request"].user
    manager.user_permissions.add(
        Permission.objects.get(content_type__app_label="auth", codename="view_user")
    )
    response = client.get(f"/admin/auth/user/{other_bearer.user_id}/change/")
    assert response.status_code == 200
    assert "Rival support desk" not in response.content.decode()
