"""The dashboard cards of conversation statuses and custom user statuses."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from core.dashboard import Domain, card, link
from statuses.models import ConversationStatus, UserStatus


@card(order=10)
def conversation_statuses(user):
    """Libredesk: how many statuses, how many custom, and the common tasks."""
    counts = ConversationStatus.objects.aggregate(
        total=Count("id"), custom=Count("id", filter=Q(is_default=False))
    )
    return Domain(
        _("Helpdesk conversation statuses"),
        "Libredesk",
        [(_("statuses"), counts["total"]), (_("custom"), counts["custom"])],
        [
            link(user, _("Add a status"), ConversationStatus, "add"),
            link(user, _("All statuses"), ConversationStatus),
            link(user, _("Import"), ConversationStatus, "import"),
        ],
    )


@card(order=20)
def user_statuses(user):
    """Rocket.Chat: custom statuses by presence type."""
    by_type = dict(UserStatus.objects.values_list("status_type").annotate(n=Count("id")).order_by())
    return Domain(
        _("Chat presence statuses"),
        "Rocket.Chat",
        [(_("custom statuses"), sum(by_type.values()))]
        + [(label, by_type.get(value, 0)) for value, label in UserStatus.Type.choices],
        [
            link(user, _("Add a status"), UserStatus, "add"),
            link(user, _("All statuses"), UserStatus),
            link(user, _("Import"), UserStatus, "import"),
        ],
    )
