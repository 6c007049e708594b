"""The dashboard card of webhook subscriptions: how many, and which are failing or paused."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from core.dashboard import Domain, card, link
from webhooks import selectors
from webhooks.models import Subscription


@card(order=90)
def subscriptions(user):
    counts = selectors.subscription_list_for(user=user).aggregate(
        active=Count("id", filter=Q(is_active=True)),
        failing=Count("id", filter=Q(is_active=True, failing_since__isnull=False)),
        paused=Count("id", filter=Q(is_active=False)),
    )
    return Domain(
        _("Webhook subscriptions"),
        "Webhooks",
        [
            (_("active"), counts["active"]),
            (_("failing"), counts["failing"]),
            (_("paused"), counts["paused"]),
        ],
        [
            link(user, _("Add a subscription"), Subscription, "add"),
            link(user, _("Failing"), Subscription, query="?health=failing")
            if counts["failing"]
            else None,
            link(user, _("Paused"), Subscription, query="?health=paused")
            if counts["paused"]
            else None,
            link(user, _("All subscriptions"), Subscription),
        ],
    )
