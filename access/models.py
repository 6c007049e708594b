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
