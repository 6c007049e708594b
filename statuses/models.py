"""Status models: helpdesk conversation statuses and chat custom user statuses."""

import secrets

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.errors import ErrorCode
from core.history import HistoricalRecords
from core.text import (
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


def validate_user_status_name(value: str) -> None:
    """A custom user status name has none of `> < & " '` (Rocket.Chat's rule), no control
    character (the portal's rule for every name, core.text.validate_name_characters) and
    at most 120 characters.

    All break the same rule ("not a valid name", code `invalid`, Rocket.Chat's words): the
    length is checked here too, ahead of the field's own max_length check, so that a
    too-long name is reported like a forbidden character rather than with a second wording.
    """
    if (
        USER_STATUS_NAME_FORBIDDEN & set(value)
        or has_control_characters(value)
        or len(value) > USER_STATUS_NAME_MAX_LENGTH
    ):
        raise ValidationError(
            _("%(value)s is not a valid name"), code=ErrorCode.INVALID, params={"value": value}
        )


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
        error_messages={"blank": _("The field Name is required")},
    )
    name_key = name_key_field()
    status_type = models.CharField(_("status type"), max_length=16, choices=UserStatusType.choices)
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
