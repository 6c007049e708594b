"""Admin screens for statuses. Saves and deletes go through statuses.services."""

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.db import transaction
from django.utils.translation import ngettext

from core.admin import PortalImportExportMixin, ServiceBackedAdmin
from statuses import services
from statuses.models import ConversationStatus, UserStatus
from statuses.resources import ConversationStatusResource, UserStatusResource
from statuses.services import (
    ConversationStatusFields,
    UserStatusFields,
    field_names,
    fields_of,
)


@admin.register(ConversationStatus)
class ConversationStatusAdmin(PortalImportExportMixin, ServiceBackedAdmin):
    resource_classes = [ConversationStatusResource]
    list_display = ["name", "category", "is_default", "created_at", "updated_at"]
    list_filter = ["category", "is_default"]
    search_fields = ["name"]
    readonly_fields = ["is_default", "created_at", "updated_at"]
    # The form edits what a write sets (services.ConversationStatusFields), no more, no less.
    fields = [*field_names(ConversationStatusFields), *readonly_fields]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_default:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_default:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        # The form has set its cleaned data on `obj`.
        fields = fields_of(ConversationStatusFields, obj)
        if change:
            services.conversation_status_update(status=obj, fields=fields)
        else:
            created = services.conversation_status_create(fields=fields)
            obj.pk, obj.created_at, obj.updated_at = (
                created.pk,
                created.created_at,
                created.updated_at,
            )

    def delete_model(self, request, obj):
        services.conversation_status_delete(status=obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            # Django's own action under its own name, for the statuses that may go.
            _func, name, description = actions["delete_selected"]
            actions["delete_selected"] = (
                type(self).delete_selected_keeping_defaults,
                name,
                description,
            )
        return actions

    @admin.action(permissions=["delete"])
    def delete_selected_keeping_defaults(self, request, queryset):
        """Django's *Delete selected* for the custom statuses among the selection; the
        defaults in it are kept, and both the confirmation and the result say so.

        Django's action would list a default as a status this manager "doesn't have
        permission to delete" and refuse the whole selection."""
        kept = [status.name for status in queryset if status.is_default]
        deletable = queryset.filter(is_default=False)
        if not deletable.exists():
            self._say_kept(request, kept)
            return None
        response = delete_selected(self, request, deletable)
        if response is None:  # confirmed and done
            self._say_kept(request, kept)
            return None
        # The confirmation page: its form carries the whole selection (so the result can
        # name the kept defaults too), its list only what will be deleted.
        response.context_data.update({"queryset": queryset, "kept_defaults": kept})
        return response

    def _say_kept(self, request, names):
        if names:
            self.message_user(
                request,
                ngettext(
                    "The default status %(names)s cannot be deleted; it was kept.",
                    "The default statuses %(names)s cannot be deleted; they were kept.",
                    len(names),
                )
                % {"names": ", ".join(names)},
                messages.WARNING,
            )

    def delete_queryset(self, request, queryset):
        # All or nothing, each through the service (its rules and history apply).
        with transaction.atomic():
            for status in queryset:
                services.conversation_status_delete(status=status)


@admin.register(UserStatus)
class UserStatusAdmin(PortalImportExportMixin, ServiceBackedAdmin):
    """Custom user statuses. The form gets the model's field rules; saves go through the
    services, which apply them again."""

    resource_classes = [UserStatusResource]
    list_display = ["name", "status_type", "id", "updated_at"]
    list_filter = ["status_type"]
    search_fields = ["name", "id"]
    readonly_fields = ["id", "updated_at"]

    def get_fields(self, request, obj=None):
        # The form edits what a write sets (services.UserStatusFields), no more, no less.
        editable = field_names(UserStatusFields)
        return editable if obj is None else ["id", *editable, "updated_at"]

    def save_model(self, request, obj, form, change):
        # The form has set its cleaned data on `obj`.
        fields = fields_of(UserStatusFields, obj)
        if change:
            services.user_status_update(status=obj, fields=fields)
        else:
            created = services.user_status_create(fields=fields)
            obj.pk, obj.updated_at = created.pk, created.updated_at

    def delete_model(self, request, obj):
        services.user_status_delete(status_id=obj.pk)
