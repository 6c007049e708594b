"""Admin screens for statuses. Saves and deletes go through statuses.services."""

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import PortalImportExportMixin, ServiceBackedAdmin
from core.errors import DomainError
from statuses import services
from statuses.models import (
    MAX_PER_CATEGORY,
    MAX_STATUSES,
    ConversationStatus,
    StatusCategory,
    UserStatus,
)
from statuses.resources import ConversationStatusResource, UserStatusResource
from statuses.selectors import conversation_status_counts
from statuses.services import (
    ConversationStatusFields,
    UserStatusFields,
    field_names,
    fields_of,
)


@admin.register(ConversationStatus)
class ConversationStatusAdmin(PortalImportExportMixin, ServiceBackedAdmin):
    """Conversation statuses, as a manager knows them from Zendesk: what agents and what
    customers see, the category, whether active, and which is its category's default;
    above the list, how many statuses each category has of the limit."""

    resource_classes = [ConversationStatusResource]
    change_list_template = "admin/statuses/conversationstatus/change_list.html"
    list_display = [
        "agents_see",
        "customers_see",
        "category_shown",
        "active",
        "is_category_default",
        "is_default",
        "updated_at",
    ]
    list_filter = ["status_category", "active", "is_category_default", "is_default"]
    search_fields = ["name", "end_user_label"]
    readonly_fields = ["is_category_default", "is_default", "created_at", "updated_at"]
    # The form edits what a write sets (services.ConversationStatusFields), no more, no less.
    fields = [*field_names(ConversationStatusFields), *readonly_fields]
    actions = ["make_default"]

    @admin.display(description=_("Agents see"), ordering="name")
    def agents_see(self, obj):
        return obj.name

    @admin.display(description=_("Customers see"), ordering="end_user_label")
    def customers_see(self, obj):
        return obj.end_user_label or obj.name

    @admin.display(description=_("Category"), ordering="status_category")
    def category_shown(self, obj):
        return obj.get_status_category_display()

    def changelist_view(self, request, extra_context=None):
        counts = conversation_status_counts()
        status_counts = [
            {
                "category": category,
                "label": label,
                "n": counts[category],
                "limit": MAX_PER_CATEGORY,
                "full": counts[category] >= MAX_PER_CATEGORY,
            }
            for category, label in StatusCategory.choices
        ]
        total = sum(counts.values())
        status_counts.append(
            {
                "category": "",
                "label": _("All"),
                "n": total,
                "limit": MAX_STATUSES,
                "full": total >= MAX_STATUSES,
            }
        )
        extra_context = {"status_counts": status_counts, **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    @admin.action(description=_("Make default"), permissions=["change"])
    def make_default(self, request, queryset):
        """Make the selected statuses their categories' defaults: one per category among
        the selection, all or none (services.conversation_status_make_default)."""
        statuses = list(queryset.order_by("pk"))
        try:
            services.conversation_status_make_default(statuses=statuses)
        except DomainError as exc:
            self.message_user(
                request,
                _("No default was changed: %(reason)s") % {"reason": exc.message},
                messages.ERROR,
            )
            return
        self.message_user(
            request,
            ngettext(
                "%(names)s is now the default of its category.",
                "%(names)s are now the defaults of their categories.",
                len(statuses),
            )
            % {"names": ", ".join(status.name for status in statuses)},
            messages.SUCCESS,
        )

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_default:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # A category keeps its default: make another the default before deleting this one.
        if obj is not None and (obj.is_default or obj.is_category_default):
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
        kept = [
            status.name for status in queryset if status.is_default or status.is_category_default
        ]
        deletable = queryset.filter(is_default=False, is_category_default=False)
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
