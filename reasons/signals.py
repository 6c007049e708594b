"""A user's LivePerson bearers end with the user's other sessions (a new password, a
deactivation): access announces it, and this app ends its own."""

from django.dispatch import receiver

from access.services import user_sessions_revoked
from reasons.services import account_bearer_revoke_all


@receiver(user_sessions_revoked)
def end_account_bearers(sender, user, **kwargs):
    """Delete every LivePerson bearer of `user`."""
    account_bearer_revoke_all(user=user)
