"""Admin helpers shared by the apps."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from simple_history.admin import SimpleHistoryAdmin

from core.errors import DomainError


class ServiceBackedAdmin(SimpleHistoryAdmin):
    """A ModelAdmin whose saves go through services, with change history and revert.

    The form already checks fields and constraints; a DomainError raised by a service
    (a protected object, a name taken by a concurrent request) becomes an error message
    instead of a 500. Reverting to a historical version uses the same form and
    `save_model`, so it is held to the same rules as any other change.
    """

    def _refused(self, request, exc):
        self.message_user(request, exc.message, messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as exc:
            return self._refused(request, exc)

    def changelist_view(self, request, extra_context=None):
        # list_editable saves go through save_model, and so through the services.
        try:
            return super().changelist_view(request, extra_context)
        except DomainError as exc:
            return self._refused(request, exc)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except DomainError as exc:
            return self._refused(request, exc)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        try:
            return super().history_form_view(request, object_id, version_id, extra_context)
        except DomainError as exc:
            return self._refused(request, exc)
