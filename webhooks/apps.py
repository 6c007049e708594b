from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    """Change events: a transactional outbox of every status change, delivered to
    subscribers as signed Standard Webhooks by django-tasks workers (docs/architecture.md)."""

    name = "webhooks"
    verbose_name = "Webhooks"
    default_auto_field = "django.db.models.BigAutoField"
