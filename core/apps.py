from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Plumbing shared by every surface: domain errors, API error mapping, landing page."""

    name = "core"
    verbose_name = "Portal"
