"""Admin screens for credentials. A secret is shown once, in the message after it is made."""

from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from access.models import AccountBearer, ApiKey, LoginToken
from access.services import api_key_issue, api_key_revoke


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["user", "key", "created_at", "last_used_at"]
    search_fields = ["user__username", "user__email", "key"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
    readonly_fields = ["key", "created_at", "last_used_at"]
    actions = ["regenerate_keys", "revoke_keys"]

    def get_fields(self, request, obj=None):
        return ["user"] if obj is None else ["user", "key", "created_at", "last_used_at"]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is None else ["user", *self.readonly_fields]

    def has_change_permission(self, request, obj=None):
        # Keys are never edited, only generated or revoked; the change page is read-only.
        return False if obj is not None else super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        issued = api_key_issue(user=obj.user)
        obj.pk = ApiKey.objects.get(key=issued.api_key).pk
        self._announce(request, obj.user, issued)

    def delete_model(self, request, obj):
        api_key_revoke(user=obj.user)

    def delete_queryset(self, request, queryset):
        for api_key in queryset.select_related("user"):
            api_key_revoke(user=api_key.user)

    @admin.action(description=_("Generate a new key for the selected users"), permissions=["add"])
    def regenerate_keys(self, request, queryset):
        for api_key in queryset.select_related("user"):
            self._announce(request, api_key.user, api_key_issue(user=api_key.user))

    @admin.action(description=_("Revoke the selected keys"), permissions=["delete"])
    def revoke_keys(self, request, queryset):
        self.delete_queryset(request, queryset)
        self.message_user(request, _("The selected keys were revoked."), messages.SUCCESS)

    def _announce(self, request, user, issued):
        self.message_user(
            request,
            format_html(
                "New API key for <b>{}</b>. Copy the secret now: it is shown only once."
                "<br>API key: <code class='api-key'>{}</code>"
                "<br>API secret: <code class='api-secret'>{}</code>",
                user,
                issued.api_key,
                issued.api_secret,
            ),
            messages.WARNING,
        )


@admin.register(LoginToken)
class LoginTokenAdmin(admin.ModelAdmin):
    """Rocket.Chat login sessions: see who is logged in, and revoke by deleting."""

    list_display = ["user", "created_at", "user_agent"]
    list_filter = ["created_at"]
    search_fields = ["user__username", "user__email"]
    list_select_related = ["user"]
    readonly_fields = ["user", "created_at", "user_agent"]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AccountBearer)
class AccountBearerAdmin(admin.ModelAdmin):
    """LivePerson sessions per account: see who is logged in, and revoke by deleting."""

    list_display = ["user", "account", "created_at"]
    list_filter = ["account", "created_at"]
    search_fields = ["user__username", "account__id"]
    list_select_related = ["user", "account"]
    readonly_fields = ["user", "account", "created_at"]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
