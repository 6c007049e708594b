"""LivePerson accounts and their agent status reasons."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.text import NameKeyMixin, NameKeyQuerySet, name_key_field

ACCOUNT_ID_PATTERN = r"^[a-zA-Z0-9_]{1,20}$"


class Account(models.Model):
    """A LivePerson account (site id): its members and the revision of its reason collection."""

    id = models.CharField(
        _("account id"),
        primary_key=True,
        max_length=20,
        validators=[RegexValidator(ACCOUNT_ID_PATTERN, _("1 to 20 letters, digits or _."))],
    )
    name = models.CharField(_("display name"), max_length=200, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="liveperson_accounts",
        blank=True,
        verbose_name=_("members"),
    )
    revision = models.PositiveBigIntegerField(
        _("revision"),
        default=0,
        editable=False,
        help_text=_("Raised by one on every change to this account's status reasons."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(id__regex=ACCOUNT_ID_PATTERN), name="account_id_format"
            ),
        ]

    def __str__(self):
        return f"{self.id} ({self.name})" if self.name else self.id


class ReasonState(models.TextChoices):
    """The agent state a status reason belongs to (case-sensitive, as LivePerson)."""

    ONLINE = "Online", _("Online")
    OCCUPIED = "Occupied", _("Occupied")
    AWAY = "Away", _("Away")


class StatusReason(NameKeyMixin, models.Model):
    """An agent status reason such as "Lunch" (Away), belonging to one account."""

    TEXT_MAX_LENGTH = 100
    State = ReasonState

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="reasons", verbose_name=_("account")
    )
    text = models.CharField(_("text"), max_length=TEXT_MAX_LENGTH)
    text_key = name_key_field(
        _("text key"), _("The text as compared for uniqueness (core.text.name_key).")
    )
    state = models.CharField(_("state"), max_length=16, choices=ReasonState.choices)
    enabled = models.BooleanField(_("enabled"), default=True)
    deleted = models.BooleanField(_("deleted"), default=False)
    order = models.IntegerField(_("order"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    objects = NameKeyQuerySet.as_manager()
    name_keys = {"text": "text_key"}

    class Meta:
        verbose_name = _("status reason")
        verbose_name_plural = _("status reasons")
        ordering = ["account_id", "order", "id"]
        indexes = [models.Index(fields=["account", "order", "id"], name="reason_account_order")]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "text_key"],
                condition=models.Q(deleted=False),
                name="reason_text_key_unique_live",
                violation_error_message=_(
                    "This account already has a status reason with this text."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=ReasonState.values), name="reason_state_valid"
            ),
            models.CheckConstraint(condition=~models.Q(text=""), name="reason_text_not_blank"),
            models.CheckConstraint(
                condition=~models.Q(text_key=""),
                name="reason_text_key_not_blank",
                violation_error_message=_("The text needs at least one visible character."),
            ),
        ]

    def __str__(self):
        return self.text
