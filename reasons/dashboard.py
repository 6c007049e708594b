"""The dashboard card of agent status reasons: counted over the manager's own accounts."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from core.dashboard import Domain, card, link
from reasons.models import Account, StatusReason
from reasons.selectors import account_list_for


@card(order=30)
def status_reasons(user):
    """LivePerson: accounts and reasons the manager may work on, as the changelist shows."""
    accounts = account_list_for(user=user)
    reasons = StatusReason.objects.filter(account__in=accounts).aggregate(
        live=Count("id", filter=Q(deleted=False)),
        disabled=Count("id", filter=Q(deleted=False, enabled=False)),
        deleted=Count("id", filter=Q(deleted=True)),
    )
    return Domain(
        _("Contact-center away reasons"),
        "LivePerson",
        [
            (_("accounts"), accounts.count()),
            (_("reasons"), reasons["live"]),
            (_("disabled"), reasons["disabled"]),
            (_("deleted"), reasons["deleted"]),
        ],
        [
            link(user, _("Add a reason"), StatusReason, "add"),
            link(user, _("Reorder reasons"), StatusReason),
            link(user, _("Accounts and members"), Account),
            link(user, _("Import"), StatusReason, "import"),
        ],
    )
