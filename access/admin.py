"""Admin screens for credentials. A secret is shown once, in the message after it is made."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from oauth2_provider import models as oauth_models

from access.models import ApiKey, LoginToken
from access.services import api_key_issue, api_key_issue_allowed, api_key_revoke
from core.errors import ForbiddenError


def show_issued_keys(model_admin, request, issued_keys, done_url):
    """The reply to the POST that made new keys: the only place their secrets appear.

    Not a message (messages live in the session until the next page is viewed) and not a
    redirect: the secret goes to this one response, which no cache may keep.
    """
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("New API keys"),
        "issued_keys": issued_keys,
        "done_url": done_url,
    }
    response = TemplateResponse(request, "admin/access/apikey/issued.html", context)
    add_never_cache_headers(response)
    return response


class ApiKeyAddForm(forms.ModelForm):
    """The add form: the user must be one the manager may make a key for."""

    class Meta:
        model = ApiKey
        fields = ["user"]

    def clean_user(self):
        user = self.cleaned_data["user"]
        if not api_key_issue_allowed(actor=self.actor, user=user):
            raise forms.ValidationError(
                _("You may not make an API key for %(user)s.") % {"user": user},
                code="permission_denied",
            )
        return user


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["user", "key", "created_at", "last_used_at"]
    search_fields = ["user__username", "user__email", "key"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
    readonly_fields = ["key", "created_at", "last_used_at"]
    actions = ["regenerate_keys", "revoke_keys"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ApiKeyAddForm
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user
        return form

    def get_fields(self, request, obj=None):
        return ["user"] if obj is None else ["user", "key", "created_at", "last_used_at"]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is None else ["user", *self.readonly_fields]

    def has_change_permission(self, request, obj=None):
        # Keys are never edited, only generated or revoked; the change page is read-only.
        return False if obj is not None else super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        issued = api_key_issue(user=obj.user, actor=request.user)
        obj.pk = issued.record.pk
        request._issued_api_keys = [(obj.user, issued)]

    def response_add(self, request, obj, post_url_continue=None):
        return show_issued_keys(
            self, request, request._issued_api_keys, reverse("admin:access_apikey_changelist")
        )

    def delete_model(self, request, obj):
        api_key_revoke(user=obj.user)

    def delete_queryset(self, request, queryset):
        for api_key in queryset.select_related("user"):
            api_key_revoke(user=api_key.user)

    @admin.action(description=_("Generate a new key for the selected users"), permissions=["add"])
    def regenerate_keys(self, request, queryset):
        issued, refused = [], []
        for api_key in queryset.select_related("user"):
            try:
                issued.append((api_key.user, api_key_issue(user=api_key.user, actor=request.user)))
            except ForbiddenError:
                refused.append(str(api_key.user))
        if refused:
            self.message_user(
                request,
                _("Not allowed to make a key for: %(users)s.") % {"users": ", ".join(refused)},
                messages.ERROR,
            )
        if not issued:
            return None
        return show_issued_keys(self, request, issued, reverse("admin:access_apikey_changelist"))

    @admin.action(description=_("Revoke the selected keys"), permissions=["delete"])
    def revoke_keys(self, request, queryset):
        self.delete_queryset(request, queryset)
        self.message_user(request, _("The selected keys were revoked."), messages.SUCCESS)


class SessionAdmin(admin.ModelAdmin):
    """Login sessions are made by logging in, never here: read-only, revoked by deleting."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(LoginToken)
class LoginTokenAdmin(SessionAdmin):
    """Rocket.Chat login sessions: see who is logged in, and revoke by deleting."""

    list_display = ["user", "created_at", "user_agent"]
    list_filter = ["created_at"]
    search_fields = ["user__username", "user__email"]
    list_select_related = ["user"]
    readonly_fields = ["user", "created_at", "user_agent"]
    fields = readonly_fields


# --- One page per user with every credential they hold -----------------------------------


class CredentialInline(admin.TabularInline):
    """A user's credentials of one kind: shown read-only, revoked by deleting."""

    extra = 0
    max_num = 0
    can_delete = True
    show_change_link = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields


class ApiKeyInline(CredentialInline):
    model = ApiKey
    fields = ["key", "created_at", "last_used_at"]
    verbose_name = _("Libredesk API key")
    verbose_name_plural = _("Libredesk API key")


class LoginTokenInline(CredentialInline):
    model = LoginToken
    fields = ["created_at", "user_agent"]
    verbose_name = _("Rocket.Chat login token")
    verbose_name_plural = _("Rocket.Chat login tokens")


class OAuthAccessTokenInline(CredentialInline):
    model = oauth_models.get_access_token_model()
    fk_name = "user"
    fields = ["application", "scope", "created", "expires"]
    verbose_name = _("SelfCommunity OAuth2 access token")
    verbose_name_plural = _("SelfCommunity OAuth2 access tokens")


class OAuthRefreshTokenInline(CredentialInline):
    model = oauth_models.get_refresh_token_model()
    fk_name = "user"
    fields = ["application", "created", "revoked"]
    verbose_name = _("SelfCommunity OAuth2 refresh token")
    verbose_name_plural = _("SelfCommunity OAuth2 refresh tokens")


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class PortalUserAdmin(DjangoUserAdmin):
    """Django's user admin plus the user's credentials on every API, in one place."""

    change_form_template = "admin/auth/user/portal_change_form.html"
    inlines = [
        ApiKeyInline,
        LoginTokenInline,
        OAuthAccessTokenInline,
        OAuthRefreshTokenInline,
    ]

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    @classmethod
    def add_credential_inline(cls, inline):
        """Show the credentials another app keeps (the LivePerson bearers) on this page too;
        that app adds its inline, so access knows none of the apps that use it."""
        cls.inlines = [*cls.inlines, inline]

    def get_urls(self):
        urls = [
            path(
                "<path:object_id>/api-key/",
                self.admin_site.admin_view(self.generate_api_key_view),
                name="auth_user_generate_api_key",
            )
        ]
        return urls + super().get_urls()

    def generate_api_key_view(self, request, object_id):
        """POST: issue a new API key for this user and show its secret once."""
        user = self.get_object(request, object_id)
        if user is None:
            raise Http404
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        try:
            issued = api_key_issue(user=user, actor=request.user)
        except ForbiddenError:
            raise PermissionDenied from None
        return show_issued_keys(
            self, request, [(user, issued)], reverse("admin:auth_user_change", args=[user.pk])
        )
