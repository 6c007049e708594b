"""Admin screens for credentials. A secret is shown once, in the reply to the POST that made
it. Anything that ends a working credential (a new API key replaces the old one at once)
asks first, on a confirmation page of its own (POST, CSRF), never a script's confirm()."""

from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from oauth2_provider import admin as oauth_admin
from oauth2_provider import models as oauth_models
from oauth2_provider.settings import oauth2_settings

from access.models import (
    AdminPreference,
    ApiKey,
    LoginToken,
    OAuthAccessToken,
    OAuthAuthorizationCode,
    OAuthClientApp,
    OAuthIDToken,
    OAuthRefreshToken,
    ZendeskApiToken,
)
from access.pkce import pkce_choice, pkce_choice_save, pkce_may_be_off, pkce_needed
from access.roles import api_key_access, role_explanations
from access.services import (
    api_key_issue,
    api_key_issue_allowed,
    api_key_revoke,
    oauth_client_issue,
    oauth_client_issue_allowed,
    zendesk_token_issue,
    zendesk_token_issue_allowed,
)
from access.time_zones import chosen_time_zone, time_zone_names
from core.errors import DomainError, ForbiddenError

# The one name of the action, on the user's page, its confirmation and in the README.
GENERATE_API_KEY = _("Generate API key")
# The same for a client-credentials OAuth2 client acting as the user (Genesys Cloud's SDK).
ISSUE_CLIENT_CREDENTIALS = _("Issue client credentials")


def render_access(access, user):
    """A key's surfaces and what it may do on each, as the key's page and the reply that
    shows a new key say it (admin/access/apikey/access.html)."""
    return render_to_string("admin/access/apikey/access.html", {"access": access, "key_user": user})


def show_issued_keys(model_admin, request, issued_keys, done_url):
    """The reply to the POST that made new keys: the only place their secrets appear.

    Not a message (messages live in the session until the next page is viewed) and not a
    redirect: the secret goes to this one response, which no cache may keep.
    """
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("New API keys"),
        # Each key with what it may do: its user's permissions on each surface.
        "issued_keys": [(user, issued, api_key_access(user)) for user, issued in issued_keys],
        "done_url": done_url,
    }
    response = TemplateResponse(request, "admin/access/apikey/issued.html", context)
    add_never_cache_headers(response)
    return response


class ApiKeyAddForm(forms.ModelForm):
    """The add form: a user who has no key yet, and one the manager may make a key for."""

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
        if ApiKey.objects.filter(user=user).exists():
            # Adding would replace the key without the confirmation that says so.
            raise forms.ValidationError(
                _(
                    "%(user)s already has an API key. To replace it, use “%(action)s” on "
                    "their user page, which asks first: the current key stops working at once."
                )
                % {"user": user, "action": GENERATE_API_KEY},
                code="has_key",
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

    def get_actions(self, request):
        # "Revoke" says what deleting a key does, and asks first; one action, not two.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ApiKeyAddForm
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user
        return form

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["user"]
        return ["user", "key", "created_at", "last_used_at", "may_do"]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is None else ["user", *self.readonly_fields, "may_do"]

    @admin.display(description=_("what it may do"))
    def may_do(self, obj):
        return render_access(api_key_access(obj.user), obj.user)

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

    def confirm_action(self, request, queryset, *, action, title, question, button):
        """The page that asks before an action ends the selected keys: it lists them and
        posts the same action again with `post=yes`, as Django's delete action does."""
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "question": question,
            "button": button,
            "api_keys": queryset,
            "action": action,
            "opts": self.opts,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/access/apikey/confirm_action.html", context)

    @admin.action(description=_("Generate API key for the selected users"), permissions=["add"])
    def regenerate_keys(self, request, queryset):
        keys = list(queryset.select_related("user"))
        allowed = [k for k in keys if api_key_issue_allowed(actor=request.user, user=k.user)]
        refused = [str(k.user) for k in keys if k not in allowed]
        if refused:
            self.message_user(
                request,
                _("Not allowed to make a key for: %(users)s.") % {"users": ", ".join(refused)},
                messages.ERROR,
            )
        if not allowed:
            return None
        if request.POST.get("post") != "yes":
            return self.confirm_action(
                request,
                allowed,
                action="regenerate_keys",
                title=GENERATE_API_KEY,
                question=ngettext(
                    "Generate a new API key for this user? Their current key stops working "
                    "at once: every client using it is refused until it is given the new key "
                    "and secret.",
                    "Generate a new API key for each of these %(count)d users? Their current "
                    "keys stop working at once: every client using them is refused until it "
                    "is given the new key and secret.",
                    len(allowed),
                )
                % {"count": len(allowed)},
                button=_("Yes, generate API keys"),
            )
        issued = [(k.user, api_key_issue(user=k.user, actor=request.user)) for k in allowed]
        return show_issued_keys(self, request, issued, reverse("admin:access_apikey_changelist"))

    @admin.action(description=_("Revoke the selected API keys"), permissions=["delete"])
    def revoke_keys(self, request, queryset):
        keys = list(queryset.select_related("user"))
        if request.POST.get("post") != "yes":
            return self.confirm_action(
                request,
                keys,
                action="revoke_keys",
                title=_("Revoke API keys"),
                question=ngettext(
                    "Revoke this API key? It stops working at once.",
                    "Revoke these %(count)d API keys? They stop working at once.",
                    len(keys),
                )
                % {"count": len(keys)},
                button=_("Yes, revoke"),
            )
        self.delete_queryset(request, queryset)
        self.message_user(
            request,
            ngettext("%(count)d API key revoked.", "%(count)d API keys revoked.", len(keys))
            % {"count": len(keys)},
            messages.SUCCESS,
        )
        return None


class ZendeskApiTokenAddForm(forms.ModelForm):
    """The add form: a user the manager may make a token for, with an email (the token is
    used with it). A new token leaves the user's earlier ones working."""

    class Meta:
        model = ZendeskApiToken
        fields = ["user"]

    def clean_user(self):
        user = self.cleaned_data["user"]
        if not zendesk_token_issue_allowed(actor=self.actor, user=user):
            raise forms.ValidationError(
                _("You may not make a Zendesk API token for %(user)s.") % {"user": user},
                code="permission_denied",
            )
        if not (user.email or "").strip():
            raise forms.ValidationError(
                _("%(user)s has no email address: set one first, as the token is used with it.")
                % {"user": user},
                code="required",
            )
        return user


@admin.register(ZendeskApiToken)
class ZendeskApiTokenAdmin(admin.ModelAdmin):
    """Zendesk API tokens: made here for a user (shown once, in the reply), listed with
    when each was last used, and revoked by deleting them. Never edited."""

    list_display = ["user", "user_email", "created_at", "last_used_at"]
    list_filter = ["created_at", "last_used_at"]
    search_fields = ["user__username", "user__email"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
    readonly_fields = ["created_at", "last_used_at"]

    def get_fields(self, request, obj=None):
        return ["user"] if obj is None else ["user", "created_at", "last_used_at"]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is None else ["user", *self.readonly_fields]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ZendeskApiTokenAddForm
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user
        return form

    def has_change_permission(self, request, obj=None):
        # Tokens are never edited, only made or revoked; the change page is read-only.
        return False if obj is not None else super().has_change_permission(request, obj)

    @admin.display(description=_("email"), ordering="user__email")
    def user_email(self, obj):
        return obj.user.email

    def save_model(self, request, obj, form, change):
        try:
            issued = zendesk_token_issue(user=obj.user)
        except DomainError as error:  # the email went between the form and the save
            raise PermissionDenied(error.message) from None
        obj.pk = issued.record.pk
        request._issued_zendesk_token = issued

    def response_add(self, request, obj, post_url_continue=None):
        """The only place the token appears: this one reply, which no cache may keep."""
        issued = request._issued_zendesk_token
        context = {
            **self.admin_site.each_context(request),
            "title": _("New Zendesk API token"),
            "opts": self.opts,
            "issued": issued,
            "token_user": obj.user,
            "done_url": reverse("admin:access_zendeskapitoken_changelist"),
        }
        response = TemplateResponse(request, "admin/access/zendeskapitoken/issued.html", context)
        add_never_cache_headers(response)
        return response


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


# --- django-oauth-toolkit, under "Access and credentials" ----------------------------------
# The toolkit registers its five models as a section of their own ("Django OAuth Toolkit",
# with Grants and Id tokens). Here they are the proxies of access.models instead, with the
# toolkit's own admin behaviour (masked tokens, revoke actions, no hand-made tokens).

for _toolkit_model in (
    oauth_models.get_application_model(),
    oauth_models.get_access_token_model(),
    oauth_models.get_refresh_token_model(),
    oauth_models.get_grant_model(),
    oauth_models.get_id_token_model(),
):
    if admin.site.is_registered(_toolkit_model):
        admin.site.unregister(_toolkit_model)


class ProtocolInternalsAdmin:
    """Short-lived protocol records a manager never needs: not in the sidebar or on the
    admin's home (Django asks `has_module_permission` for that), yet their pages still
    open by URL for whoever holds their permissions (a superuser tracing a login)."""

    def has_module_permission(self, request):
        return False


class OAuthClientAppForm(oauth_admin.application_admin_class.form):
    """The toolkit's application form, with the portal's choice of PKCE (access/pkce.py)."""

    pkce_required = forms.BooleanField(
        label=_("Require PKCE"),
        required=False,
        initial=True,
        help_text=_(
            "The authorization-code grant must send a PKCE code_challenge (RFC 7636). "
            "Only a confidential client, which proves itself with its secret when it trades "
            "the code, may go without it; a public client always needs it."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["pkce_required"].initial = pkce_choice(self.instance)

    # Who is saving (set by OAuthClientAppAdmin.get_form): a client-credentials client acts
    # as its user, so making, moving or re-keying one is held to the rule of issuing it.
    actor = None

    def clean(self):
        cleaned = super().clean()
        client_type = cleaned.get("client_type", self.instance.client_type)
        if not cleaned.get("pkce_required") and not pkce_may_be_off(client_type):
            self.add_error(
                "pkce_required", _("A public client has no secret: it must always use PKCE.")
            )
        self._check_acting_user(cleaned)
        return cleaned

    def _check_acting_user(self, cleaned):
        """A client of the client-credentials grant (stored or as saved) acts with all of its
        user's rights: the one saving it must be allowed to issue such a client for that
        user (access.services.oauth_client_issue_allowed), and for its previous user too when
        it moves. Such a client needs a user."""
        grant = self._meta.model.GRANT_CLIENT_CREDENTIALS
        stored_grant = self.instance.authorization_grant_type if self.instance.pk else None
        new_grant = cleaned.get("authorization_grant_type", stored_grant)
        if grant not in (stored_grant, new_grant):
            return
        user = cleaned.get("user")
        if new_grant == grant and user is None:
            self.add_error("user", _("A client-credentials client acts as a user: choose one."))
            return
        stored_user = self.instance.user if self.instance.pk else None
        for target in {u for u in (user, stored_user) if u is not None}:
            if self.actor is None or not oauth_client_issue_allowed(actor=self.actor, user=target):
                raise forms.ValidationError(
                    _(
                        "You may not make or change a client-credentials client acting as "
                        "%(user)s: its tokens would have all of their rights."
                    )
                    % {"user": target}
                )


class OAuthClientAppAdmin(oauth_admin.application_admin_class):
    """The toolkit's application admin, with the PKCE choice beside the grant type."""

    form = OAuthClientAppForm
    list_display = (
        "pk",
        "name",
        "user",
        "client_type",
        "requires_pkce",
        "authorization_grant_type",
        "registration_source",
    )
    list_select_related = ("portal_policy", "user")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def get_fields(self, request, obj=None):
        fields = [name for name in super().get_fields(request, obj) if name != "pkce_required"]
        after = fields.index("authorization_grant_type") + 1
        return [*fields[:after], "pkce_required", *fields[after:]]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        pkce_choice_save(application=obj, required=form.cleaned_data["pkce_required"])

    @admin.display(description=_("PKCE"), boolean=True)
    def requires_pkce(self, obj):
        policy = getattr(obj, "portal_policy", None)
        return pkce_needed(obj.client_type, policy and policy.pkce_required)


admin.site.register(OAuthClientApp, OAuthClientAppAdmin)
admin.site.register(OAuthAccessToken, oauth_admin.access_token_admin_class)
admin.site.register(OAuthRefreshToken, oauth_admin.refresh_token_admin_class)


@admin.register(OAuthAuthorizationCode)
class OAuthAuthorizationCodeAdmin(ProtocolInternalsAdmin, oauth_admin.grant_admin_class):
    pass


@admin.register(OAuthIDToken)
class OAuthIDTokenAdmin(ProtocolInternalsAdmin, oauth_admin.id_token_admin_class):
    pass


# --- One page per user with every credential they hold -----------------------------------


def when(moment):
    """A date and time as the admin shows them (the active time zone and locale)."""
    return formats.localize(timezone.template_localtime(moment))


class CredentialInline(admin.TabularInline):
    """A user's working credentials of one kind, one row each: its kind, the client it was
    given to, when it was made, last used and expires. Ticking *Revoke* and saving the
    user ends it through `revoke`. A subclass says how its kind answers each column by
    overriding `client`, `last_used` or `expires_at`. (The columns' names are no model
    field's: the admin would show a field of that name instead of the method.)"""

    template = "admin/access/credential_inline.html"
    fields = ["client", "created_on", "last_used", "expires_on"]
    extra = 0
    max_num = 0
    can_delete = True
    show_change_link = False

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    def has_add_permission(self, request, obj=None):
        return False  # credentials are issued by logging in or generating, never typed in

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.revoke = staticmethod(self.revoke)  # PortalUserAdmin.save_formset calls it
        return formset

    def revoke(self, credential):
        """End `credential` at once."""
        credential.delete()

    @admin.display(description=_("client"))
    def client(self, credential):
        for name in ("application", "account"):
            if getattr(credential, name, None) is not None:
                return str(getattr(credential, name))
        return "—"

    @admin.display(description=_("created"))
    def created_on(self, credential):
        return when(getattr(credential, "created_at", None) or credential.created)

    @admin.display(description=_("last used"))
    def last_used(self, credential):
        return _("not recorded")

    def expires_at(self, credential):
        """When `credential` stops working by itself; None if it never does."""
        return getattr(credential, "expires", None)

    @admin.display(description=_("expires"))
    def expires_on(self, credential):
        moment = self.expires_at(credential)
        return _("never") if moment is None else when(moment)


class ApiKeyInline(CredentialInline):
    model = ApiKey
    fields = ["key", "client", "created_on", "last_used", "expires_on"]
    verbose_name = _("Libredesk API key")
    verbose_name_plural = _("Libredesk API key")

    def revoke(self, credential):
        api_key_revoke(user=credential.user)

    @admin.display(description=_("client"))
    def client(self, credential):
        return _("any client with the key and its secret")

    @admin.display(description=_("last used"))
    def last_used(self, credential):
        return when(credential.last_used_at) if credential.last_used_at else _("never")

    def expires_at(self, credential):
        return None  # until it is replaced or revoked

    @admin.display(description=_("expires"))
    def expires_on(self, credential):
        return _("never: until replaced or revoked")


class ZendeskApiTokenInline(CredentialInline):
    model = ZendeskApiToken
    verbose_name = _("Zendesk API token")
    verbose_name_plural = _("Zendesk API tokens")

    @admin.display(description=_("client"))
    def client(self, credential):
        return _("any client with the user's email and the token")

    @admin.display(description=_("last used"))
    def last_used(self, credential):
        return when(credential.last_used_at) if credential.last_used_at else _("never")

    def expires_at(self, credential):
        return None  # until it is revoked

    @admin.display(description=_("expires"))
    def expires_on(self, credential):
        return _("never: until revoked")


class LoginTokenInline(CredentialInline):
    model = LoginToken
    verbose_name = _("Rocket.Chat login token")
    verbose_name_plural = _("Rocket.Chat login tokens")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(created_at__gte=timezone.now() - self.ttl())

    @staticmethod
    def ttl():
        return timedelta(days=settings.LOGIN_TOKEN_TTL_DAYS)

    @admin.display(description=_("client"))
    def client(self, credential):
        return credential.user_agent or _("unknown (no user agent sent)")

    @admin.display(description=_("last used"))
    def last_used(self, credential):
        return when(credential.last_used_at) if credential.last_used_at else _("never")

    def expires_at(self, credential):
        return credential.created_at + self.ttl()


class OAuthAccessTokenInline(CredentialInline):
    model = OAuthAccessToken
    fk_name = "user"
    verbose_name = _("SelfCommunity OAuth2 access token")
    verbose_name_plural = _("SelfCommunity OAuth2 access tokens")

    def get_queryset(self, request):
        live = super().get_queryset(request).filter(expires__gt=timezone.now())
        return live.select_related("application", "use")

    @admin.display(description=_("last used"))
    def last_used(self, credential):
        use = getattr(credential, "use", None)
        return when(use.last_used_at) if use is not None else _("never")

    def revoke(self, credential):
        # Its refresh token too: a refresh token left behind would mint a new access token.
        oauth_models.revoke_access_token(credential)


class OAuthRefreshTokenInline(CredentialInline):
    model = OAuthRefreshToken
    fk_name = "user"
    verbose_name = _("SelfCommunity OAuth2 refresh token")
    verbose_name_plural = _("SelfCommunity OAuth2 refresh tokens")

    def get_queryset(self, request):
        # Working ones only: a used (rotated) token stays behind as a revoked row, and one
        # whose access token is gone can no longer be refreshed (django-oauth-toolkit).
        live = (
            super().get_queryset(request).filter(revoked__isnull=True, access_token__isnull=False)
        )
        lifetime = oauth_models.refresh_token_expire_timedelta()
        if lifetime:
            live = live.filter(access_token__expires__gt=timezone.now() - lifetime)
        return live.select_related("application", "access_token")

    def revoke(self, credential):
        credential.revoke()  # marks it revoked and deletes its access token

    @admin.display(description=_("last used"))
    def last_used(self, credential):
        if oauth2_settings.ROTATE_REFRESH_TOKEN:
            # Using one trades it for a new one and revokes it: a working one never was.
            return _("never (a refresh token is replaced when used)")
        return super().last_used(credential)

    def expires_at(self, credential):
        # django-oauth-toolkit refuses it this long after its access token expires.
        lifetime = oauth_models.refresh_token_expire_timedelta()
        return credential.access_token.expires + lifetime if lifetime else None


class OAuthClientCredentialsInline(CredentialInline):
    """The user's client-credentials clients: every token they take acts as the user (the
    tokens themselves have no user, so the access-token table above does not list them).
    Revoking one deletes the client, and its tokens with it."""

    model = OAuthClientApp
    fk_name = "user"
    verbose_name = _("OAuth2 client credentials")
    verbose_name_plural = _("OAuth2 client credentials (clients acting as this user)")

    def get_queryset(self, request):
        grant = OAuthClientApp.GRANT_CLIENT_CREDENTIALS
        return super().get_queryset(request).filter(authorization_grant_type=grant)

    @admin.display(description=_("client"))
    def client(self, credential):
        return (
            f"{credential.name} ({credential.client_id})"
            if credential.name
            else credential.client_id
        )

    def expires_at(self, credential):
        return None  # until it is revoked; each token it takes expires on its own

    @admin.display(description=_("expires"))
    def expires_on(self, credential):
        return _("never: until revoked")


def time_zone_choices():
    """The zones a manager may pick, grouped by region ("Asia": "Tokyo"), after the site's
    zone; names with no region (UTC, CET) under "Other"."""
    regions = {}
    for name in time_zone_names():
        region, _slash, place = name.partition("/")
        if not place:
            region, place = _("Other"), name
        regions.setdefault(region, []).append((name, place.replace("_", " ")))
    default = (
        "",
        _("The site's zone (%(zone)s)") % {"zone": settings.ADMIN_TIME_ZONE},
    )
    return [default, *regions.items()]


class TimeZoneForm(forms.Form):
    """The My time zone page's one field."""

    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        required=False,
        choices=time_zone_choices,
        help_text=_("Every date and time in the admin is shown in this zone, with its name."),
    )


class ClientCredentialsForm(forms.Form):
    """Issue client credentials' one field: what the client is, as the admin lists it."""

    name = forms.CharField(
        label=_("Client name"),
        max_length=255,
        help_text=_(
            'What uses these credentials ("Genesys Cloud", "Nightly export"): the OAuth2 '
            "client apps list and this user's page show it."
        ),
    )


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class PortalUserAdmin(DjangoUserAdmin):
    """Django's user admin plus the user's credentials on every API, in one place."""

    change_form_template = "admin/auth/user/portal_change_form.html"
    # Roles (the ready-made groups of access/roles.py) first, each with what it allows;
    # single permissions after them, folded: a colleague is given a role, not a list.
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("Roles"),
            {
                "fields": ("groups",),
                "description": _(
                    "Tick the roles this user has: each gives the permissions its "
                    "explanation lists, in the admin and on every API (an API key can "
                    "write only with a role that allows it). A superuser has them all."
                ),
            },
        ),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Status"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (
            _("Single permissions (advanced)"),
            {
                "classes": ("collapse",),
                "fields": ("user_permissions",),
                "description": _(
                    "Permissions given to this user alone, on top of their roles. Prefer a role."
                ),
            },
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    filter_horizontal = ("user_permissions",)
    inlines = [
        ApiKeyInline,
        ZendeskApiTokenInline,
        LoginTokenInline,
        OAuthAccessTokenInline,
        OAuthRefreshTokenInline,
        OAuthClientCredentialsInline,
    ]

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    # Only a superuser makes, changes or deletes a superuser: `auth.change_user` alone would
    # otherwise tick "Superuser status" on its holder, or take a superuser's password (and
    # the API keys and client credentials only a superuser may issue for one).
    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return fields if request.user.is_superuser else (*fields, "is_superuser")

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name != "groups":
            return super().formfield_for_manytomany(db_field, request, **kwargs)
        kwargs["widget"] = forms.CheckboxSelectMultiple
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        explanations = role_explanations()
        field.queryset = field.queryset.order_by("name")
        field.label = _("Roles")
        field.help_text = ""
        field.label_from_instance = lambda group: (
            f"{group.name}: {explanations[group.name]}"
            if group.name in explanations
            else group.name
        )
        return field

    @classmethod
    def add_credential_inline(cls, inline):
        """Show the credentials another app keeps (the LivePerson bearers) on this page too;
        that app adds its inline, so access knows none of the apps that use it."""
        cls.inlines = [*cls.inlines, inline]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # The button only for whoever may use it (a superuser's key takes a superuser).
        context["can_generate_api_key"] = obj is not None and api_key_issue_allowed(
            actor=request.user, user=obj
        )
        context["can_issue_client_credentials"] = (
            obj is not None
            and obj.is_active
            and oauth_client_issue_allowed(actor=request.user, user=obj)
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_formset(self, request, form, formset, change):
        revoke = getattr(formset, "revoke", None)
        if revoke is None:
            return super().save_formset(request, form, formset, change)
        # A credential ticked *Revoke* ends the way its kind ends (an OAuth2 access token
        # takes its refresh token along), not by a bare delete of its row.
        formset.save(commit=False)
        for credential in formset.deleted_objects:
            revoke(credential)
        return None

    def get_urls(self):
        urls = [
            # Before Django's "<path:object_id>/", which would take "time-zone" for an id.
            path(
                "time-zone/",
                self.admin_site.admin_view(self.time_zone_view),
                name="auth_user_time_zone",
            ),
            path(
                "<path:object_id>/api-key/",
                self.admin_site.admin_view(self.generate_api_key_view),
                name="auth_user_generate_api_key",
            ),
            path(
                "<path:object_id>/client-credentials/",
                self.admin_site.admin_view(self.issue_client_credentials_view),
                name="auth_user_issue_client_credentials",
            ),
        ]
        return urls + super().get_urls()

    def time_zone_view(self, request):
        """My time zone: the signed-in manager picks the zone their admin pages show times
        in. Every staff user may, for themselves only: the page takes no user id."""
        if request.method not in ("GET", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        form = TimeZoneForm(
            request.POST or None, initial={"time_zone": chosen_time_zone(request.user)}
        )
        if request.method == "POST" and form.is_valid():
            chosen = form.cleaned_data["time_zone"]
            AdminPreference.objects.update_or_create(
                user=request.user, defaults={"time_zone": chosen}
            )
            messages.success(
                request,
                _("Times are now shown in %(zone)s.")
                % {"zone": chosen or _("the site's zone (%s)") % settings.ADMIN_TIME_ZONE},
            )
            # The middleware activated the old zone for this request: the next one has it.
            return HttpResponseRedirect(request.path)
        context = {
            **self.admin_site.each_context(request),
            "title": _("My time zone"),
            "form": form,
            "site_time_zone": settings.ADMIN_TIME_ZONE,
            "now": timezone.now(),
        }
        return TemplateResponse(request, "admin/access/time_zone.html", context)

    def generate_api_key_view(self, request, object_id):
        """Generate API key for this user, and show its secret once.

        A user who has a key is asked first, on a page that says the current key stops
        working at once: GET shows it, and so does a POST that does not confirm replacing
        the key the user has now (a key generated meanwhile by someone else is asked about
        again, not replaced unseen). A user without a key gets one on the first POST.
        """
        if request.method not in ("GET", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        user = self.get_object(request, object_id)
        if user is None:
            raise Http404
        if not api_key_issue_allowed(actor=request.user, user=user):
            raise PermissionDenied
        current = ApiKey.objects.filter(user=user).first()
        if request.method == "POST":
            if "replaces" in request.POST:
                confirmed = request.POST["replaces"] == (current.key if current else "")
            else:
                confirmed = current is None
            if confirmed:
                try:
                    issued = api_key_issue(user=user, actor=request.user)
                except ForbiddenError:
                    raise PermissionDenied from None
                return show_issued_keys(
                    self,
                    request,
                    [(user, issued)],
                    reverse("admin:auth_user_change", args=[user.pk]),
                )
        context = {
            **self.admin_site.each_context(request),
            "title": GENERATE_API_KEY,
            "subtitle": str(user),
            "original": user,
            "opts": self.opts,
            "current_key": current,
            "changed_meanwhile": request.method == "POST" and "replaces" in request.POST,
        }
        return TemplateResponse(request, "admin/access/apikey/confirm_generate.html", context)

    def issue_client_credentials_view(self, request, object_id):
        """Issue client credentials for this user: a new OAuth2 client of the
        client-credentials grant whose tokens act as the user (Genesys Cloud's SDK logs in
        with one), its secret shown once, in the reply to the POST that made it.

        GET asks for the client's name; the user's other clients keep working (each is
        revoked on its own, on this user's page). A deactivated user gets none: its tokens
        would be refused.
        """
        if request.method not in ("GET", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        user = self.get_object(request, object_id)
        if user is None:
            raise Http404
        if not oauth_client_issue_allowed(actor=request.user, user=user):
            raise PermissionDenied
        change_url = reverse("admin:auth_user_change", args=[user.pk])
        form = ClientCredentialsForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            try:
                issued = oauth_client_issue(
                    name=form.cleaned_data["name"], user=user, actor=request.user
                )
            except ForbiddenError:
                raise PermissionDenied from None
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                context = {
                    **self.admin_site.each_context(request),
                    "title": _("New client credentials"),
                    "subtitle": str(user),
                    "original": user,
                    "opts": self.opts,
                    "issued": issued,
                    "token_url": request.build_absolute_uri("/oauth/token"),
                    "done_url": change_url,
                }
                response = TemplateResponse(
                    request, "admin/access/oauthclientapp/issued.html", context
                )
                add_never_cache_headers(response)
                return response
        context = {
            **self.admin_site.each_context(request),
            "title": ISSUE_CLIENT_CREDENTIALS,
            "subtitle": str(user),
            "original": user,
            "opts": self.opts,
            "form": form,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/access/oauthclientapp/issue.html", context)
