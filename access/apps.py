from django.apps import AppConfig


class AccessConfig(AppConfig):
    """Who is calling: API keys, login tokens and the DRF authentication classes."""

    name = "access"
    verbose_name = "Access and credentials"

    def ready(self):
        from access import credential_cache, schema, signals  # noqa: F401  OpenAPI; revocation

        credential_cache.register_access_models()
