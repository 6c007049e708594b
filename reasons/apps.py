from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


def _retire_lists(account_id, using):
    from core.cache import bump
    from reasons.services import reason_lists

    bump(reason_lists(account_id), using=using)


def retire_reason_lists(sender, instance, using=None, **kwargs):
    """A reason was saved or deleted outside the services (the admin): retire its
    account's cached lists."""
    _retire_lists(instance.account_id, using)


def retire_account_lists(sender, instance, using=None, **kwargs):
    _retire_lists(instance.pk, using)


class ReasonsConfig(AppConfig):
    """Contact-center accounts and their agent status reasons (LivePerson)."""

    name = "reasons"
    verbose_name = "Agent status reasons"

    def ready(self):
        from access.credential_cache import invalidate_on_change
        from reasons import schema, signals  # noqa: F401  OpenAPI bearer scheme; revocation
        from reasons.models import Account, AccountBearer, StatusReason

        # A bearer is valid while its user is a member of its account.
        invalidate_on_change(Account, AccountBearer, m2m=(Account.members.through,))
        from core.cache import watch
        from reasons.services import ALL_REASON_LISTS

        watch(ALL_REASON_LISTS)
        # The services retire an account's cached reason lists with each write; the admin's
        # saves and deletes (and an account's deletion) through these signals.
        for signal in (post_save, post_delete):
            signal.connect(retire_reason_lists, sender=StatusReason, dispatch_uid="lp-lists")
            signal.connect(retire_account_lists, sender=Account, dispatch_uid="lp-lists-a")
