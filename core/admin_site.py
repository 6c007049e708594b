"""The portal's admin site: the stock Django admin with a domain dashboard as its home."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.dashboard import dashboard


class PortalAdminSite(admin.AdminSite):
    """Django's admin, titled for the portal, whose index shows the domain dashboard."""

    site_header = _("Status configuration portal")
    site_title = _("Status portal")
    index_title = _("Dashboard")

    def index(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "domains": dashboard(request.user)}
        return super().index(request, extra_context)
