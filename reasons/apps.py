from django.apps import AppConfig


class ReasonsConfig(AppConfig):
    """Contact-center accounts and their agent status reasons (LivePerson)."""

    name = "reasons"
    verbose_name = "Agent status reasons"

    def ready(self):
        from reasons import schema, signals  # noqa: F401  OpenAPI bearer scheme; revocation
