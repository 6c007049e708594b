"""LivePerson accounts, their agent status reasons, the bearers agents log in with, and the
accounts' API keys."""

import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.history import HistoricalRecords
from core.text import NameKeyMixin, NameKeyQuerySet, name_key_field, visible_name_field

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


TEXT_MAX_LENGTH = 100
# A 32-bit order, as LivePerson's; PostgreSQL's `integer` column holds the same range.
ORDER_MIN, ORDER_MAX = -(2**31), 2**31 - 1

TEXT_REQUIRED = _("text is required")
TEXT_TOO_LONG = format_lazy(_("text must be at most {max} characters"), max=TEXT_MAX_LENGTH)
STATE_INVALID = format_lazy(
    _("state must be one of {states}"), states=", ".join(ReasonState.values)
)
ORDER_OUT_OF_RANGE = _("order is out of range")


def validate_no_control_characters(text):
    """A reason's text has no control characters (tabs, newlines, DEL, C1 controls)."""
    if any(unicodedata.category(char) == "Cc" for char in text):
        raise ValidationError(_("text must not contain control characters"), code="control")


def validate_no_angle_brackets(text):
    """A reason's text has no `<` or `>`: clients show it as it is, and some as HTML."""
    if "<" in text or ">" in text:
        raise ValidationError(_("text must not contain < or >"), code="angle_brackets")


# The rules about a text's characters, checked after its length (see TEXT_MAX_LENGTH).
TEXT_CHARACTER_RULES = [validate_no_control_characters, validate_no_angle_brackets]


class StatusReason(NameKeyMixin, models.Model):
    """An agent status reason such as "Lunch" (Away), belonging to one account."""

    TEXT_MAX_LENGTH = TEXT_MAX_LENGTH
    State = ReasonState

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="reasons", verbose_name=_("account")
    )
    text = visible_name_field(
        _("text"),
        max_length=TEXT_MAX_LENGTH,
        validators=TEXT_CHARACTER_RULES,
        error_messages={"blank": TEXT_REQUIRED, "max_length": TEXT_TOO_LONG},
    )
    text_key = name_key_field(
        _("text key"), _("The text as compared for uniqueness (core.text.name_key).")
    )
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=ReasonState.choices,
        error_messages={"invalid_choice": STATE_INVALID, "blank": STATE_INVALID},
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    deleted = models.BooleanField(_("deleted"), default=False)
    # The reason's position in its account's list: the live reasons of an account are
    # numbered 1, 2, ..., N, and every write renumbers them (reasons.services.arrange). A
    # deleted reason keeps the position it had, and goes back there when restored.
    order = models.IntegerField(
        _("position"),
        default=0,
        help_text=_("Its place in the account's list of live reasons: 1 is the first."),
        validators=[MinValueValidator(ORDER_MIN), MaxValueValidator(ORDER_MAX)],
        error_messages={"min_value": ORDER_OUT_OF_RANGE, "max_value": ORDER_OUT_OF_RANGE},
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    objects = NameKeyQuerySet.as_manager()
    name_keys = {"text": "text_key"}

    class Meta:
        verbose_name = _("status reason")
        verbose_name_plural = _("status reasons")
        ordering = ["account_id", "order", "id"]
        # No index holds `order`: a create without one moves every live reason of the account
        # down a place (positions are 1..N), and an UPDATE that changes no indexed column is
        # a heap-only (HOT) update on PostgreSQL, with no index entries to write for each
        # row. An account's reasons are found by the account's foreign-key index and sorted
        # in memory (tens of rows).
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

    def validate_constraints(self, exclude=None):
        # A form shows the account and `deleted` read-only or not at all, but the reason
        # has them: keep them in, so that whenever the text is checked, its uniqueness
        # among the account's live reasons is checked too (the admin's change form).
        if exclude and "text" not in exclude:
            exclude = set(exclude) - {"account", "deleted"}
        super().validate_constraints(exclude=exclude)


class AccountBearer(models.Model):
    """A LivePerson login session bound to one account: its bearer, its csrf and its
    `Session_id` cookie. Only their SHA-256 hashes are stored. The session lives
    `BEARER_TTL_HOURS` from `refreshed_at` (its login, or its last refresh)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="account_bearers",
        verbose_name=_("user"),
    )
    account = models.ForeignKey(
        Account,
        on_delete=models.CASCADE,
        related_name="bearers",
        verbose_name=_("account"),
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    # Sessions made before the Login Service's cookie and csrf existed have neither: they
    # work with their bearer only.
    csrf_hash = models.CharField(_("csrf hash"), max_length=64, blank=True, editable=False)
    # NULL (not "") for those older sessions, so that the unique index ignores them.
    session_hash = models.CharField(  # noqa: DJ001
        _("session id hash"), max_length=64, unique=True, null=True, editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    refreshed_at = models.DateTimeField(
        _("refreshed at"), default=timezone.now, db_index=True, editable=False
    )
    # Written at most once a minute (access.services.touch_last_used).
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    # The API key whose Application Login started this session (None: a user login). The
    # session ends with the key, and never does more than the key's permission allows.
    api_key = models.ForeignKey(
        "AccountApiKey",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sessions",
        editable=False,
        verbose_name=_("API key"),
    )

    class Meta:
        # The model lived in `access` until the bearers moved next to their accounts; the
        # table kept its name, and its rows.
        db_table = "access_accountbearer"
        verbose_name = _("LivePerson bearer")
        verbose_name_plural = _("LivePerson bearers")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user} @ {self.account_id}"


class KeyPermission(models.TextChoices):
    """What a LivePerson API key may do with its account's status reasons: read them, or
    read and change them (LivePerson's services `accountConfigReadOnly` and
    `accountConfigReadWrite`)."""

    READ_ONLY = "read_only", _("Read-only (accountConfigReadOnly)")
    READ_WRITE = "read_write", _("Read-write (accountConfigReadWrite)")


class AccountApiKey(models.Model):
    """A LivePerson API key of one account: an app key (OAuth 1.0a consumer key) and an
    access token, each with its secret. Requests signed with it (HMAC-SHA1), and the
    sessions its Application Login starts, act as `user` on `account`, within `permission`.

    The two secrets are stored encrypted (webhooks.secrets), not hashed: verifying an HMAC
    signature needs them in clear. The app key and access token are public identifiers,
    looked up by their unique indexes. The key works while it is active and its user is an
    active member of the account; deleting or deactivating it ends it, and its sessions, at
    once."""

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="api_keys", verbose_name=_("account")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="liveperson_api_keys",
        verbose_name=_("signs in as"),
        help_text=_(
            "The member of the account the key acts as (LivePerson: the bot user whose login "
            "method is this key). The key never does more than this user may."
        ),
    )
    name = models.CharField(
        _("description"),
        max_length=200,
        blank=True,
        help_text=_("What uses the key, e.g. a reporting job."),
    )
    permission = models.CharField(
        _("permission"),
        max_length=16,
        choices=KeyPermission.choices,
        default=KeyPermission.READ_ONLY,
    )
    app_key = models.CharField(_("app key"), max_length=64, unique=True, editable=False)
    secret_encrypted = models.TextField(editable=False)
    access_token = models.CharField(_("access token"), max_length=64, unique=True, editable=False)
    token_secret_encrypted = models.TextField(editable=False)
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Unticked: the key and its sessions stop working.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Written at most once a minute (access.services.touch_last_used).
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("LivePerson API key")
        verbose_name_plural = _("LivePerson API keys")
        ordering = ["account_id", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(permission__in=KeyPermission.values),
                name="account_api_key_permission_valid",
            ),
        ]

    def __str__(self):
        label = self.name or self.app_key
        return f"{label} @ {self.account_id}"

    @property
    def read_only(self) -> bool:
        return self.permission == KeyPermission.READ_ONLY
