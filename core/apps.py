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

        from django.core.signals import request_finished, request_started

        from core.cache import forget_reads_ahead

        # What a request read ahead is its own: a request that ended in a 500 (DRF skips
        # finalize_response then) must not leave it to the next request or command on the
        # same thread, which would take old generation tokens for current ones.
        request_started.connect(forget_reads_ahead, dispatch_uid="core-forget-reads-ahead-1")
        request_finished.connect(forget_reads_ahead, dispatch_uid="core-forget-reads-ahead-2")


class PortalAdminConfig(admin_apps.AdminConfig):
    """Installs PortalAdminSite as the default admin site."""

    default = False
    default_site = "core.admin_site.PortalAdminSite"
