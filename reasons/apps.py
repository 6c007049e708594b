from django.apps import AppConfig


class ReasonsConfig(AppConfig):
    """Contact-center accounts and their agent status reasons (LivePerson)."""

    name = "reasons"
    verbose_name = "Agent status reasons"

    def ready(self):
        from access.credential_cache import invalidate_on_change
        from reasons import schema, signals  # noqa: F401  OpenAPI bearer scheme; revocation
        from reasons.models import Account, AccountBearer

        # A bearer is valid while its user is a member of its account.
        invalidate_on_change(Account, AccountBearer, m2m=(Account.members.through,))
