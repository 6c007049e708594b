"""Reads of accounts and reasons that several doors share (admin, import, API, dashboard)."""

from django.db.models import QuerySet

from reasons.models import Account


def account_list_for(*, user) -> QuerySet[Account]:
    """The accounts `user` may see and work on: all for a superuser, else their own."""
    if user.is_superuser:
        return Account.objects.all()
    if not (user and user.is_authenticated):
        return Account.objects.none()
    return Account.objects.filter(members=user)
