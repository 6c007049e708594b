from django.apps import AppConfig


class AccessConfig(AppConfig):
    """Who is calling: API keys, login tokens and the DRF authentication classes."""

    name = "access"
    verbose_name = "Access and credentials"

    def ready(self):
        from access import credential_cache, schema, signals  # noqa: F401  OpenAPI; revocation

        credential_cache.register_access_models()

        from django.db.models.signals import post_migrate

        from access.roles import sync_roles_after_migrate

        # The ready-made roles' groups follow their definitions after every migrate.
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="access.sync_roles")
