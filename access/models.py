"""Credentials that API clients present. Only hashes of secrets are stored."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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

    class Meta:
        verbose_name = _("login token")
        verbose_name_plural = _("login tokens")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user} @ {self.created_at:%Y-%m-%d %H:%M}"
