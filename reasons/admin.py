"""Admin screens for accounts and status reasons; reason changes go through reasons.services."""

from django.contrib import admin, messages
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from access.admin import CredentialInline, PortalUserAdmin, SessionAdmin
from core.admin import PortalImportExportMixin, ServiceBackedAdmin
from core.errors import DomainError
from reasons import services
from reasons.models import Account, AccountBearer, StatusReason
from reasons.resources import StatusReasonResource
from reasons.selectors import account_list_for


class StatusReasonInline(admin.TabularInline):
    """An account's reasons, read-only here: edit them on the reason screens."""

    model = StatusReason
    fields = ["text", "state", "enabled", "deleted", "order"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    ordering = ["order", "id"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ["id", "name", "revision", "member_count", "reason_count"]
    search_fields = ["id", "name"]
    filter_horizontal = ["members"]
    readonly_fields = ["revision", "created_at"]
    inlines = [StatusReasonInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(pk__in=account_list_for(user=request.user).values("pk"))
            .annotate(
                member_total=Count("members", distinct=True),
                reason_total=Count("reasons", distinct=True),
            )
        )

    def get_readonly_fields(self, request, obj=None):
        return ["id", *self.readonly_fields] if obj else self.readonly_fields

    @admin.display(description=_("members"), ordering="member_total")
    def member_count(self, obj):
        return obj.member_total

    @admin.display(description=_("reasons"), ordering="reason_total")
    def reason_count(self, obj):
        return obj.reason_total


@admin.register(StatusReason)
class StatusReasonAdmin(PortalImportExportMixin, ServiceBackedAdmin):
    resource_classes = [StatusReasonResource]
    # The text's rules (and its uniqueness among the account's live reasons) are the
    # model's, so the form checks them as every other door does.
    fields = ["account", "text", "state", "enabled", "order", "deleted"]
    list_display = ["text", "account", "state", "enabled", "deleted", "order"]
    list_editable = ["order"]
    list_filter = ["account", "state", "enabled", "deleted"]
    list_select_related = ["account"]
    search_fields = ["text", "account__id", "account__name"]
    ordering = ["account", "order", "id"]
    actions = ["enable", "disable", "soft_delete", "restore"]

    def get_queryset(self, request):
        # A manager sees the reasons of their own accounts, as the API's members do.
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(account__in=account_list_for(user=request.user))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "account":
            kwargs["queryset"] = account_list_for(user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_import_resource_kwargs(self, request, **kwargs):
        return {**super().get_import_resource_kwargs(request, **kwargs), "user": request.user}

    def get_readonly_fields(self, request, obj=None):
        return ["account", "deleted"] if obj else ["deleted"]

    def save_model(self, request, obj, form, change):
        fields = services.ReasonFields(
            text=obj.text, state=obj.state, enabled=obj.enabled, order=obj.order
        )
        if change:
            services.reason_update(account=obj.account, reason_id=obj.pk, fields=fields)
        else:
            written = services.reason_create(account=obj.account, fields=fields)
            obj.pk = written.reasons[0].pk

    def delete_model(self, request, obj):
        # Deleting a reason is a soft delete, as in LivePerson; "restore" brings it back.
        services.reasons_set_flags(reasons=[obj], deleted=True)

    def delete_queryset(self, request, queryset):
        services.reasons_set_flags(reasons=list(queryset), deleted=True)

    def _set(self, request, queryset, done, **flags):
        try:
            count = services.reasons_set_flags(reasons=list(queryset), **flags)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return
        self.message_user(request, done % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Enable selected reasons"), permissions=["change"])
    def enable(self, request, queryset):
        self._set(request, queryset, _("%(count)d reasons enabled."), enabled=True)

    @admin.action(description=_("Disable selected reasons"), permissions=["change"])
    def disable(self, request, queryset):
        self._set(request, queryset, _("%(count)d reasons disabled."), enabled=False)

    @admin.action(description=_("Soft-delete selected reasons"), permissions=["change"])
    def soft_delete(self, request, queryset):
        self._set(request, queryset, _("%(count)d reasons deleted."), deleted=True)

    @admin.action(description=_("Restore selected reasons"), permissions=["change"])
    def restore(self, request, queryset):
        self._set(request, queryset, _("%(count)d reasons restored."), deleted=False)


@admin.register(AccountBearer)
class AccountBearerAdmin(SessionAdmin):
    """LivePerson sessions per account: see who is logged in, and revoke by deleting."""

    list_display = ["user", "account", "created_at", "refreshed_at"]
    list_filter = ["account", "created_at"]
    search_fields = ["user__username", "account__id"]
    list_select_related = ["user", "account"]
    readonly_fields = ["user", "account", "created_at", "refreshed_at"]
    fields = readonly_fields


class AccountBearerInline(CredentialInline):
    model = AccountBearer
    fields = ["account", "created_at"]
    verbose_name = _("LivePerson bearer")
    verbose_name_plural = _("LivePerson bearers")


PortalUserAdmin.add_credential_inline(AccountBearerInline)
