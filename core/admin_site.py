"""The portal's admin site: the stock Django admin with a domain dashboard as its home."""

from functools import wraps

from django.contrib import admin
from django.contrib.admin import helpers
from django.core.exceptions import BadRequest, ValidationError
from django.db import DataError
from django.urls import path
from django.utils.translation import gettext_lazy as _

from core.changelog import changelog_view
from core.dashboard import dashboard, split_advanced


def has_nul(request) -> bool:
    """Whether the request's path or query string (names or values) holds a NUL character."""
    if "\x00" in request.path:
        return True
    return any("\x00" in name or "\x00" in "".join(values) for name, values in request.GET.lists())


def has_foreign_selection(request, model_admin) -> bool:
    """Whether a POST to a model admin selects, for an action, a value that is no id of its
    model (Django's admin filters by the values as sent: "abc" for an integer id was a
    ValueError, a NUL a PostgreSQL error)."""
    if request.method != "POST" or model_admin is None:
        return False
    pk = model_admin.opts.pk
    for value in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME):
        if "\x00" in value:
            return True
        try:
            pk.to_python(value)
        except ValidationError:
            return True
    return False


class PortalAdminSite(admin.AdminSite):
    """Django's admin, titled for the portal, whose index shows the domain dashboard."""

    site_header = _("Status configuration portal")
    site_title = _("Status portal")
    index_title = _("Dashboard")

    def index(self, request, extra_context=None):
        # The "Everything" list without the technical models, which a superuser finds
        # under "Advanced" (`app_list`, the admin's own, stays whole: the sidebar's).
        everyday, advanced = split_advanced(self.get_app_list(request), request.user)
        extra_context = {
            **(extra_context or {}),
            "domains": dashboard(request.user),
            "everyday_app_list": everyday,
            "advanced_app_list": advanced,
        }
        return super().index(request, extra_context)

    def get_urls(self):
        # The change log across every model's history (core.changelog).
        def changelog(request):
            return changelog_view(self, request)

        return [
            path("changelog/", self.admin_view(changelog), name="changelog"),
            *super().get_urls(),
        ]

    def admin_view(self, view, cacheable=False):
        """Every admin page (each model admin's, simple_history's and import-export's go
        through here too) answers input the database cannot take with a 400, as the API
        does (core.api), never a 500:

        - a NUL in the path or query string is refused before any query: PostgreSQL
          refuses NUL in text, so `?category=%00`, or an object id of a string key, was a
          500 there;
        - an action's selected ids that are no ids of the model are refused likewise;
        - a value the database or a field refuses while the page is made (an integer past
          64 bits on a foreign key filter, a malformed value of a JSON field) is a 400.
        """
        inner = super().admin_view(view, cacheable)
        model_admin = getattr(view, "__self__", None)
        if not isinstance(model_admin, admin.ModelAdmin):
            model_admin = None
        refused = (DataError, OverflowError, ValidationError)
        if model_admin is not None and view.__name__ == "changelist_view":
            # Django's ChangeList checks a filter's value when it builds the query; a field
            # that converts it only when the query runs raises ValueError then (axes'
            # `?ip_address=abc` on PostgreSQL's inet).
            refused = (*refused, ValueError)

        @wraps(inner)
        def refusing_unstorable_input(request, *args, **kwargs):
            if has_nul(request):
                raise BadRequest("NUL character in an admin URL")
            if has_foreign_selection(request, model_admin):
                raise BadRequest("Selected ids that are no ids of this model")
            try:
                return inner(request, *args, **kwargs)
            except refused as exc:
                # Any transaction of the view was rolled back as the error left it.
                raise BadRequest("A value in the request cannot be stored or looked up") from exc

        return refusing_unstorable_input
