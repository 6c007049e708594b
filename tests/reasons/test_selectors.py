"""The one rule for which accounts a user may work on."""

import pytest
from django.contrib.auth.models import AnonymousUser

from reasons.selectors import account_list_for
from tests.factories import AccountFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_members_get_their_accounts_superusers_all_others_none():
    acme, other = AccountFactory(id="acme"), AccountFactory(id="other")
    member, outsider = UserFactory(), UserFactory()
    acme.members.add(member)
    assert list(account_list_for(user=member)) == [acme]
    assert list(account_list_for(user=outsider)) == []
    assert set(account_list_for(user=UserFactory(is_superuser=True))) == {acme, other}
    assert list(account_list_for(user=AnonymousUser())) == []
