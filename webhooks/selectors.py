"""Which subscriptions and deliveries a person may see: the admin's lists, its actions and
the dashboard read these, so that a subscription shows only what its owner may see."""

from django.db.models import Q, QuerySet

from webhooks import catalogue
from webhooks.models import Delivery, Subscription


def subscription_list_for(*, user) -> QuerySet[Subscription]:
    """All subscriptions for a superuser; for anyone else, the ones they made."""
    if user.is_superuser:
        return Subscription.objects.all()
    if not (user and user.is_authenticated):
        return Subscription.objects.none()
    return Subscription.objects.filter(owner=user)


def visible_event_types(*, user) -> list[str]:
    """The event types whose objects `user` may view (the model's view or change
    permission, as the admin reads it), and the test event."""
    models = {
        kind.model
        for kind in catalogue.KINDS.values()
        if any(
            user.has_perm(f"{app_label}.{action}_{model.lower()}")
            for app_label, model in [kind.model.split(".")]
            for action in ("view", "change")
        )
    }
    return [catalogue.TEST_EVENT, *catalogue.event_types_of_models(models)]


def delivery_list_for(*, user) -> QuerySet[Delivery]:
    """The deliveries (and so the event bodies and attempts) `user` may read: for a
    superuser all; for anyone else those of their own subscriptions whose object they may
    view now, and of a kind with a scope (an account) only in scopes they may see."""
    if user.is_superuser:
        return Delivery.objects.all()
    if not (user and user.is_authenticated):
        return Delivery.objects.none()
    scoped_types = catalogue.scoped_event_types()
    in_scope = ~Q(event__type__in=[t for types in scoped_types.values() for t in types])
    for name, types in scoped_types.items():
        visible = catalogue.SCOPES[name].visible_for(user).values("pk")
        in_scope |= Q(event__type__in=types, event__scope__in=visible)
    return Delivery.objects.filter(
        in_scope,
        subscription__owner=user,
        event__type__in=visible_event_types(user=user),
    )
