"""The one rule for which accounts a user may work on."""

import pytest
from django.contrib.auth.models import AnonymousUser

from core.errors import NotFoundError
from reasons.selectors import account_list_for, reason_get, reason_list
from tests.factories import AccountFactory, StatusReasonFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_members_get_their_accounts_superusers_all_others_none():
    acme, other = AccountFactory(id="acme"), AccountFactory(id="other")
    member, outsider = UserFactory(), UserFactory()
    acme.members.add(member)
    assert list(account_list_for(user=member)) == [acme]
    assert list(account_list_for(user=outsider)) == []
    assert set(account_list_for(user=UserFactory(is_superuser=True))) == {acme, other}
    assert list(account_list_for(user=AnonymousUser())) == []


def test_reason_list_is_in_display_order_and_hides_deleted_reasons():
    acme = AccountFactory(id="acme")
    b = StatusReasonFactory(account=acme, text="B", order=2)
    a = StatusReasonFactory(account=acme, text="A", order=1)
    a2 = StatusReasonFactory(account=acme, text="A2", order=1)
    gone = StatusReasonFactory(account=acme, text="Gone", order=0, deleted=True)
    StatusReasonFactory(account=AccountFactory(id="other"), order=-5)
    assert list(reason_list(account=acme)) == [a, a2, b]
    assert list(reason_list(account=acme, include_deleted=True)) == [gone, a, a2, b]


@pytest.mark.parametrize("raw", ["abc", "0", "-1", "\uff11", "1.0", str(2**70)])
def test_reason_get_reads_ids_as_ascii_digits(raw):
    acme = AccountFactory(id="acme")
    StatusReasonFactory(account=acme, pk=1)
    with pytest.raises(NotFoundError) as caught:
        reason_get(account=acme, reason_id=raw)
    assert caught.value.params == {"value": raw}


def test_reason_get_finds_only_the_accounts_own_live_reasons():
    acme, other = AccountFactory(id="acme"), AccountFactory(id="other")
    mine = StatusReasonFactory(account=acme)
    gone = StatusReasonFactory(account=acme, deleted=True)
    theirs = StatusReasonFactory(account=other)
    assert reason_get(account=acme, reason_id=str(mine.pk)) == mine
    with pytest.raises(NotFoundError):
        reason_get(account=acme, reason_id=theirs.pk)
    with pytest.raises(NotFoundError):
        reason_get(account=acme, reason_id=gone.pk)
    assert reason_get(account=acme, reason_id=gone.pk, include_deleted=True) == gone


def test_reason_permission_ids_are_those_has_perm_reads():
    from django.contrib.auth.models import Group, Permission

    from reasons.selectors import reason_permission_ids_of

    def perm(codename):
        return Permission.objects.get(content_type__app_label="reasons", codename=codename)

    direct = UserFactory(perms=["reasons.view_statusreason", "statuses.add_userstatus"])
    grouped = UserFactory()
    group = Group.objects.create(name="editors")
    group.permissions.add(perm("change_statusreason"), perm("view_statusreason"))
    grouped.groups.add(group)
    assert reason_permission_ids_of(user=direct) == [perm("view_statusreason").pk]
    assert reason_permission_ids_of(user=grouped) == sorted(
        [perm("change_statusreason").pk, perm("view_statusreason").pk]
    )
    assert reason_permission_ids_of(user=UserFactory()) == []
    assert len(reason_permission_ids_of(user=UserFactory(is_superuser=True))) == 4
