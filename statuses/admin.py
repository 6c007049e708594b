"""Admin screens for statuses. Saves and deletes go through statuses.services."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from core.admin import ServiceBackedAdmin
from statuses import services
from statuses.models import ConversationStatus


@admin.register(ConversationStatus)
class ConversationStatusAdmin(ServiceBackedAdmin):
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
