from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReasonsConfig(AppConfig):
    """Contact-center accounts and their agent status reasons (LivePerson)."""

    name = "reasons"
    verbose_name = "Agent status reasons"

    def ready(self):
        from access.credential_cache import invalidate_on_change
        from core.cache import bump_on_change
        from reasons import schema, signals  # noqa: F401  OpenAPI bearer scheme; revocation
        from reasons.models import Account, AccountApiKey, AccountBearer, StatusReason
        from reasons.selectors import account_list_for, account_visible_to
        from reasons.services import ALL_REASON_LISTS, STATUS_REASON
        from webhooks.catalogue import Kind, Scope, register_kind, register_scope

        # A bearer is valid while its user is a member of its account, and while the API
        # key that started it (Application Login) is active.
        invalidate_on_change(Account, AccountBearer, AccountApiKey, m2m=(Account.members.through,))
        # The services retire one account's cached reason lists with each write (they save
        # no model instance); a save or delete through the model (the admin, an account's
        # deletion) retires every account's, which all belong to ALL_REASON_LISTS.
        bump_on_change(ALL_REASON_LISTS, StatusReason, Account)
        # Webhook subscribers see a reason's events only for accounts their owner may see.
        register_kind(Kind(STATUS_REASON, "reasons.StatusReason", scope="account"))
        register_scope(
            Scope(
                "account",
                _("Account"),
                visible_for=lambda user: account_list_for(user=user),
                visible_to=account_visible_to,
            )
        )
