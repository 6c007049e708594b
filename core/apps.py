from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    """Plumbing shared by every surface: domain errors, API error mapping, landing page."""

    name = "core"
    default = True
    verbose_name = "Portal"

    def ready(self):
        from django.db.models.signals import post_migrate

        from core.cache import bump_all_watched

        # Not `sender=self`: Django sends post_migrate only for apps with models (core has
        # none), once per such app; retiring the generations again is harmless.
        post_migrate.connect(bump_all_watched, dispatch_uid="core-bump-all-watched")


class PortalAdminConfig(admin_apps.AdminConfig):
    """Installs PortalAdminSite as the default admin site."""

    default = False
    default_site = "core.admin_site.PortalAdminSite"
