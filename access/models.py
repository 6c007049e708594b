"""Credentials that API clients present. Only hashes of secrets are stored."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from oauth2_provider import models as oauth_models


class ApiKey(models.Model):
    """A user's Libredesk-style API key: a public key plus the SHA-256 of its secret."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_key",
        verbose_name=_("user"),
    )
    key = models.CharField(_("key"), max_length=32, unique=True, editable=False)
    secret_hash = models.CharField(_("secret hash"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["user__username"]

    def __str__(self):
        return f"{self.key} ({self.user})"


class LoginToken(models.Model):
    """A Rocket.Chat-style login token (X-Auth-Token); only its SHA-256 is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="login_tokens",
        verbose_name=_("user"),
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    user_agent = models.CharField(_("user agent"), max_length=255, blank=True, editable=False)
    # Written at most once a minute (access.services.touch_last_used), not on every request.
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("login token")
        verbose_name_plural = _("login tokens")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user} @ {self.created_at:%Y-%m-%d %H:%M %Z}"


class ZendeskApiToken(models.Model):
    """A Zendesk-style API token (`Basic base64("{email}/token:{token}")`); only its
    SHA-256 is stored. A user may hold several: a new one leaves the earlier ones working,
    and each ends when it is revoked (its row deleted). Unlike Zendesk's account-wide
    tokens, a token works only with its own user's email."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="zendesk_api_tokens",
        verbose_name=_("user"),
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Written at most once a minute (access.services.touch_last_used), not on every request.
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("Zendesk API token")
        verbose_name_plural = _("Zendesk API tokens")
        ordering = ["-created_at"]

    def __str__(self):
        return _("Zendesk API token #%(id)s of %(user)s") % {"id": self.pk, "user": self.user}


# --- django-oauth-toolkit's models, as the admin shows them -------------------------------
# Proxies (the same tables) give the toolkit's models names a support manager reads, and
# put them under "Access and credentials" in the admin, next to the other credentials
# (access/admin.py registers these instead of the toolkit's own). The toolkit's models are
# not swapped in this project; these proxies assume so.


class OAuthClientApp(oauth_models.Application):
    """An OAuth2 client (a SelfCommunity front end) allowed to ask for tokens."""

    class Meta:
        proxy = True
        verbose_name = _("OAuth2 client app")
        verbose_name_plural = _("OAuth2 client apps")
        ordering = ["name"]


class OAuthAccessToken(oauth_models.AccessToken):
    """A SelfCommunity OAuth2 bearer token (only its checksum is stored)."""

    class Meta:
        proxy = True
        verbose_name = _("OAuth2 access token")
        verbose_name_plural = _("OAuth2 access tokens")
        ordering = ["-created"]

    def __str__(self):
        return _("OAuth2 access token #%(id)s") % {"id": self.pk}


class OAuthRefreshToken(oauth_models.RefreshToken):
    """A token a SelfCommunity client trades once for a new access token."""

    class Meta:
        proxy = True
        verbose_name = _("OAuth2 refresh token")
        verbose_name_plural = _("OAuth2 refresh tokens")
        ordering = ["-created"]

    def __str__(self):
        return _("OAuth2 refresh token #%(id)s") % {"id": self.pk}


class OAuthAuthorizationCode(oauth_models.Grant):
    """A one-time code of the authorization-code grant: lives seconds, then is traded."""

    class Meta:
        proxy = True
        verbose_name = _("OAuth2 authorization code")
        verbose_name_plural = _("OAuth2 authorization codes")
        ordering = ["-created"]

    def __str__(self):
        return _("OAuth2 authorization code #%(id)s") % {"id": self.pk}


class OAuthIDToken(oauth_models.IDToken):
    """An OpenID Connect ID token (unused by SelfCommunity's flows; kept for completeness)."""

    class Meta:
        proxy = True
        verbose_name = _("OpenID Connect ID token")
        verbose_name_plural = _("OpenID Connect ID tokens")
        ordering = ["-created"]

    def __str__(self):
        return _("OpenID Connect ID token #%(id)s") % {"id": self.pk}


class OAuthTokenUse(models.Model):
    """When a SelfCommunity OAuth2 access token was last used: django-oauth-toolkit's token
    has no such column. Written when the token is checked against the database (once per
    CREDENTIAL_CACHE_SECONDS at most, with the credential cache on), in one upsert."""

    access_token = models.OneToOneField(
        oauth_models.AccessToken,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="use",
    )
    last_used_at = models.DateTimeField(_("last used at"))

    class Meta:
        verbose_name = _("OAuth2 access token use")
        verbose_name_plural = _("OAuth2 access token uses")

    def __str__(self):
        return f"{self.access_token_id} @ {self.last_used_at:%Y-%m-%d %H:%M %Z}"


class OAuthClientPolicy(models.Model):
    """What the portal asks of one OAuth2 client beyond django-oauth-toolkit's own columns:
    whether its authorization-code grant must use PKCE (RFC 7636).

    The toolkit's application model is not swapped in this project, so the choice lives in
    a row of its own; a client without one requires PKCE. A public client requires it
    whatever its row says (access.pkce.pkce_required)."""

    application = models.OneToOneField(
        oauth_models.Application,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="portal_policy",
        verbose_name=_("application"),
    )
    pkce_required = models.BooleanField(_("require PKCE"), default=True)

    class Meta:
        verbose_name = _("OAuth2 client policy")
        verbose_name_plural = _("OAuth2 client policies")

    def __str__(self):
        return str(self.application)


class AdminPreference(models.Model):
    """A manager's own choices for the admin: the time zone its times are shown in.

    Keyed by the user, so the one read per admin request (access.time_zones) is a primary
    key lookup. Only its user changes it, on the "My time zone" page.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="admin_preference",
        verbose_name=_("user"),
    )
    # An IANA name (Asia/Tokyo); "" for the TIME_ZONE setting.
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("admin preference")
        verbose_name_plural = _("admin preferences")

    def __str__(self):
        return f"{self.user}: {self.time_zone or '-'}"
