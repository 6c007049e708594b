from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    """Change events: a transactional outbox of every status change, delivered to
    subscribers as signed Standard Webhooks by django-tasks workers (docs/architecture.md)."""

    name = "webhooks"
    verbose_name = "Webhooks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from core import cache
        from webhooks.models import Subscription
        from webhooks.services import SUBSCRIBED_TYPES_GENERATION

        # A subscription made, changed, paused or deleted (here or on another server) is
        # seen by the next write everywhere; every API write reads the token with its
        # credential, in the same cache round trip.
        cache.bump_on_change(SUBSCRIBED_TYPES_GENERATION, Subscription)
        cache.read_ahead_on_writes(SUBSCRIBED_TYPES_GENERATION)
