"""Status models: helpdesk conversation statuses and chat custom user statuses."""

import secrets

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.errors import ErrorCode
from core.history import HistoricalRecords
from core.text import (
    NAME_ANGLE_BRACKETS,
    NAME_CONTROL_CHARACTERS,
    NameKeyMixin,
    NameKeyQuerySet,
    has_control_characters,
    name_key_field,
    validate_name_characters,
    visible_name_field,
)


class ConversationCategory(models.TextChoices):
    """What a conversation status means to the helpdesk's workflow."""

    OPEN = "open", _("Open")
    WAITING = "waiting", _("Waiting")
    RESOLVED = "resolved", _("Resolved")


class ConversationStatus(NameKeyMixin, models.Model):
    """A helpdesk conversation status (Libredesk), such as Open or Snoozed."""

    NAME_MAX_LENGTH = 25
    Category = ConversationCategory

    name = visible_name_field(
        _("name"), max_length=NAME_MAX_LENGTH, validators=[validate_name_characters]
    )
    name_key = name_key_field()
    category = models.CharField(_("category"), max_length=16, choices=ConversationCategory.choices)
    is_default = models.BooleanField(
        _("default"),
        default=False,
        editable=False,
        help_text=_("Default statuses ship with the portal and cannot be changed or deleted."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    objects = NameKeyQuerySet.as_manager()
    name_keys = {"name": "name_key"}

    class Meta:
        verbose_name = _("conversation status")
        verbose_name_plural = _("conversation statuses")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["name_key"],
                name="conversationstatus_name_key_unique",
                violation_error_message=_("A conversation status with this name already exists."),
            ),
            models.CheckConstraint(
                condition=models.Q(category__in=ConversationCategory.values),
                name="conversationstatus_category_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(name=""), name="conversationstatus_name_not_blank"
            ),
            models.CheckConstraint(
                condition=~models.Q(name_key=""),
                name="conversationstatus_name_key_not_blank",
                violation_error_message=_("The name needs at least one visible character."),
            ),
        ]

    def __str__(self):
        return self.name


# Rocket.Chat's Random.id() alphabet: no 0, 1, I, O, l, or other look-alikes.
ROCKETCHAT_ID_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz"


ROCKETCHAT_ID_LENGTH = 17
# Random bytes below this (the largest multiple of the alphabet's size that fits a byte)
# map onto the alphabet evenly; the others are dropped.
_ID_BYTE_LIMIT = 256 // len(ROCKETCHAT_ID_ALPHABET) * len(ROCKETCHAT_ID_ALPHABET)


def rocketchat_id():
    """A 17-character random id, as Rocket.Chat makes for its documents: each character
    drawn uniformly from the alphabet by the OS's CSPRNG (one read of 24 bytes, rarely
    more, where `secrets.choice` reads once per character)."""
    size = len(ROCKETCHAT_ID_ALPHABET)
    chars: list[str] = []
    while len(chars) < ROCKETCHAT_ID_LENGTH:
        chars.extend(
            ROCKETCHAT_ID_ALPHABET[byte % size]
            for byte in secrets.token_bytes(24)
            if byte < _ID_BYTE_LIMIT
        )
    return "".join(chars[:ROCKETCHAT_ID_LENGTH])


class UserStatusType(models.TextChoices):
    """The presence a custom user status maps to."""

    ONLINE = "online", _("Online")
    AWAY = "away", _("Away")
    BUSY = "busy", _("Busy")
    OFFLINE = "offline", _("Offline")


USER_STATUS_NAME_MAX_LENGTH = 120
# Characters a custom user status name may not contain: the chat shows names in HTML.
USER_STATUS_NAME_FORBIDDEN = frozenset("><&\"'")


USER_STATUS_NAME_CHARACTERS = _("A custom user status name cannot contain &, \" or '.")
USER_STATUS_NAME_TOO_LONG = _("A custom user status name can have at most %(limit)d characters.")


def validate_user_status_name(value: str) -> None:
    """A custom user status name has no control character and no `<` or `>` (the
    portal's rule for every name, core.text.validate_name_characters), none of `&`, `"`
    or `'` either (the chat shows names in HTML) and at most 120 characters.

    Each is reported in the portal's words (the first that applies), all with the one
    code `invalid` and the name as `params["value"]`: the surfaces word a name that
    breaks any of them alike. The length is checked here, ahead of the field's own
    max_length check, so that a too-long name has that code too.
    """
    if has_control_characters(value):
        message = NAME_CONTROL_CHARACTERS
    elif "<" in value or ">" in value:
        message = NAME_ANGLE_BRACKETS
    elif USER_STATUS_NAME_FORBIDDEN & set(value):
        message = USER_STATUS_NAME_CHARACTERS
    elif len(value) > USER_STATUS_NAME_MAX_LENGTH:
        message = USER_STATUS_NAME_TOO_LONG % {"limit": USER_STATUS_NAME_MAX_LENGTH}
    else:
        return
    raise ValidationError(message, code=ErrorCode.INVALID, params={"value": value})


class UserStatus(NameKeyMixin, models.Model):
    """A Rocket.Chat custom user status, such as "In a meeting" of type busy."""

    NAME_MAX_LENGTH = USER_STATUS_NAME_MAX_LENGTH
    Type = UserStatusType

    id = models.CharField(
        _("id"), primary_key=True, max_length=17, default=rocketchat_id, editable=False
    )
    name = visible_name_field(
        _("name"),
        max_length=NAME_MAX_LENGTH,
        validators=[validate_user_status_name],
    )
    name_key = name_key_field()
    status_type = models.CharField(
        _("status type"),
        max_length=16,
        choices=UserStatusType.choices,
        error_messages={"blank": _("The status type is required.")},
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    objects = NameKeyQuerySet.as_manager()
    name_keys = {"name": "name_key"}

    class Meta:
        verbose_name = _("custom user status")
        verbose_name_plural = _("custom user statuses")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["name_key"],
                name="userstatus_name_key_unique",
                violation_error_message=_("The custom user status name is already in use."),
            ),
            models.CheckConstraint(
                condition=models.Q(status_type__in=UserStatusType.values),
                name="userstatus_status_type_valid",
            ),
            models.CheckConstraint(condition=~models.Q(name=""), name="userstatus_name_not_blank"),
            models.CheckConstraint(
                condition=~models.Q(name_key=""),
                name="userstatus_name_key_not_blank",
                violation_error_message=_("The name needs at least one visible character."),
            ),
        ]

    def __str__(self):
        return self.name
