"""Admin screens for statuses. Saves and deletes go through statuses.services."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from core.admin import PortalImportExportMixin, ServiceBackedAdmin
from statuses import services
from statuses.models import ConversationStatus, UserStatus
from statuses.resources import ConversationStatusResource, UserStatusResource


@admin.register(ConversationStatus)
class ConversationStatusAdmin(PortalImportExportMixin, ServiceBackedAdmin):
    resource_classes = [ConversationStatusResource]
    list_display = ["name", "category", "is_default", "created_at", "updated_at"]
    list_filter = ["category", "is_default"]
    search_fields = ["name"]
    readonly_fields = ["is_default", "created_at", "updated_at"]
    fields = ["name", "category", *readonly_fields]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_default:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_default:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        fields = {"name": obj.name, "category": obj.category}
        if change:
            services.conversation_status_update(status=obj, **fields)
        else:
            created = services.conversation_status_create(**fields)
            obj.pk, obj.created_at, obj.updated_at = (
                created.pk,
                created.created_at,
                created.updated_at,
            )

    def delete_model(self, request, obj):
        services.conversation_status_delete(status=obj)

    def delete_queryset(self, request, queryset):
        defaults = queryset.filter(is_default=True)
        if defaults.exists():
            self.message_user(
                request,
                _("Default statuses cannot be deleted; these were kept: %(names)s")
                % {"names": ", ".join(defaults.values_list("name", flat=True))},
                messages.WARNING,
            )
        for status in queryset.filter(is_default=False):
            services.conversation_status_delete(status=status)


@admin.register(UserStatus)
class UserStatusAdmin(PortalImportExportMixin, ServiceBackedAdmin):
    """Custom user statuses. The form gets the model's field rules; saves go through the
    services, which apply them again together with the Rocket.Chat API's order."""

    resource_classes = [UserStatusResource]
    list_display = ["name", "status_type", "id", "updated_at"]
    list_filter = ["status_type"]
    search_fields = ["name", "id"]
    readonly_fields = ["id", "updated_at"]

    def get_fields(self, request, obj=None):
        return (
            ["name", "status_type"] if obj is None else ["id", "name", "status_type", "updated_at"]
        )

    def save_model(self, request, obj, form, change):
        fields = {"name": obj.name, "status_type": obj.status_type}
        if change:
            services.user_status_update(status=obj, **fields)
        else:
            created = services.user_status_create(**fields)
            obj.pk, obj.updated_at = created.pk, created.updated_at

    def delete_model(self, request, obj):
        services.user_status_delete(status_id=obj.pk)
