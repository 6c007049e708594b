"""Admin helpers shared by the apps."""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect

from core.errors import DomainError


class ServiceBackedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose saves go through services: a refused rule becomes an error message.

    The form already checks fields and constraints; this catches what only the service or
    the database can decide (a protected object, a name taken by a concurrent request).
    """

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
