"""Status models: helpdesk conversation statuses and chat custom user statuses."""

import functools
import hashlib
import operator
import re
import secrets

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.errors import ErrorCode
from core.history import HistoricalRecords
from core.text import (
    NAME_ANGLE_BRACKETS,
    NAME_CONTROL_CHARACTERS,
    VISIBLE_NAME_REQUIRED,
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


class StatusCategory(models.TextChoices):
    """The five categories of a conversation status (Zendesk's custom ticket statuses);
    Libredesk's three (ConversationCategory) are derived from it."""

    NEW = "new", _("New")
    OPEN = "open", _("Open")
    PENDING = "pending", _("Pending")
    HOLD = "hold", _("On-hold")
    SOLVED = "solved", _("Solved")


# The Libredesk category each status category is served as (docs/contracts/zendesk.md).
CATEGORY_OF_STATUS_CATEGORY = {
    StatusCategory.NEW: ConversationCategory.OPEN,
    StatusCategory.OPEN: ConversationCategory.OPEN,
    StatusCategory.PENDING: ConversationCategory.WAITING,
    StatusCategory.HOLD: ConversationCategory.WAITING,
    StatusCategory.SOLVED: ConversationCategory.RESOLVED,
}

DESCRIPTION_MAX_LENGTH = 255
# Zendesk's limits ("Limitations", custom ticket statuses): every row counts, active or not.
MAX_STATUSES = 300
MAX_PER_CATEGORY = 100


class ConversationStatus(NameKeyMixin, models.Model):
    """A helpdesk conversation status (Libredesk) and a custom ticket status (Zendesk),
    such as Open or Snoozed: one record, served on both wires."""

    # The widest wire's limit (Zendesk's 48); Libredesk writes keep its own 25
    # (statuses.libredesk.serializers.LIBREDESK_NAME_MAX_LENGTH).
    NAME_MAX_LENGTH = 48
    DESCRIPTION_MAX_LENGTH = DESCRIPTION_MAX_LENGTH
    Category = ConversationCategory
    StatusCategory = StatusCategory

    name = visible_name_field(
        _("name"), max_length=NAME_MAX_LENGTH, validators=[validate_name_characters]
    )
    name_key = name_key_field()
    status_category = models.CharField(
        _("status category"), max_length=16, choices=StatusCategory.choices
    )
    # Derived from status_category by the services (CATEGORY_OF_STATUS_CATEGORY), kept as a
    # column because the Libredesk list reads it with one values_list query.
    category = models.CharField(
        _("category"), max_length=16, choices=ConversationCategory.choices, editable=False
    )
    # None, not "": "same as the name", which the Zendesk wire shows (the shared design).
    end_user_label = models.CharField(  # noqa: DJ001
        _("customers see"),
        max_length=NAME_MAX_LENGTH,
        null=True,
        blank=True,
        validators=[validate_name_characters],
        help_text=_("What customers see; empty means the same as the name."),
    )
    description = models.CharField(
        _("description"), max_length=DESCRIPTION_MAX_LENGTH, blank=True, default=""
    )
    end_user_description = models.CharField(
        _("description for customers"),
        max_length=DESCRIPTION_MAX_LENGTH,
        blank=True,
        default="",
    )
    active = models.BooleanField(_("active"), default=True)
    is_default = models.BooleanField(
        _("built-in"),
        default=False,
        editable=False,
        help_text=_("Built-in statuses ship with the portal and cannot be changed or deleted."),
    )
    is_category_default = models.BooleanField(
        _("default"),
        default=False,
        editable=False,
        help_text=_("The default status of its category; each category has exactly one."),
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
            # `category` is what `status_category` is served as on the Libredesk wire.
            models.CheckConstraint(
                condition=functools.reduce(
                    operator.or_,
                    (
                        models.Q(status_category=status_category, category=category)
                        for status_category, category in CATEGORY_OF_STATUS_CATEGORY.items()
                    ),
                ),
                name="conversationstatus_category_derived",
            ),
            # One default per category; a race to make two is decided here.
            models.UniqueConstraint(
                fields=["status_category"],
                condition=models.Q(is_category_default=True),
                name="conversationstatus_one_category_default",
                violation_error_message=_("This category already has a default status."),
            ),
            models.CheckConstraint(
                condition=models.Q(is_category_default=False) | models.Q(active=True),
                name="conversationstatus_category_default_active",
                violation_error_message=_("A default status must be active."),
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


# --- translations -----------------------------------------------------------------------------

LOCALE_MAX_LENGTH = 35
# A language tag as stored: lowercase BCP 47 with "-" (`fr`, `pt-br`, `zh-hant-tw`). Genesys
# writes `pt_BR` and `zh_CN`, browsers `pt-BR`: both become `pt-br` (normalise_locale).
LOCALE_PATTERN = r"^[a-z]{2,3}(-[a-z0-9]{2,8})*$"
_LOCALE_RE = re.compile(LOCALE_PATTERN)
TRANSLATION_LABEL_MAX_LENGTH = 48
TRANSLATION_DESCRIPTION_MAX_LENGTH = 255

LOCALE_INVALID = _("A locale is a language code such as fr, pt-br or zh-tw.")


def normalise_locale(value: str) -> str:
    """A locale as stored: trimmed, lowercase, `_` as `-` (`pt_BR` and `pt-BR` are `pt-br`)."""
    return value.strip().lower().replace("_", "-")


def validate_locale(value: str) -> None:
    """A stored locale has the shape of a lowercase BCP 47 tag: a 2-3 letter language and
    optional subtags of 2-8 letters or digits (`fr`, `pt-br`, `zh-hant-tw`)."""
    if not _LOCALE_RE.fullmatch(value or ""):
        raise ValidationError(LOCALE_INVALID, code=ErrorCode.INVALID, params={"value": value})


class LocaleFormField(forms.CharField):
    """A form's locale input, normalised as it is read: two rows of one form that write one
    locale two ways (`pt_BR`, `pt-br`) are then the duplicate they are."""

    def to_python(self, value):
        value = super().to_python(value)
        return normalise_locale(value) if isinstance(value, str) else value


class LocaleField(models.CharField):
    """A locale column: whatever is assigned is normalised when the model is cleaned or saved
    (normalise_locale), so `pt_BR` from a form, an import or an API is stored as `pt-br`."""

    default_validators = [validate_locale]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", LOCALE_MAX_LENGTH)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("max_length") == LOCALE_MAX_LENGTH:
            del kwargs["max_length"]
        return name, path, args, kwargs

    def to_python(self, value):
        value = super().to_python(value)
        return normalise_locale(value) if isinstance(value, str) else value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": LocaleFormField, **kwargs})

    def pre_save(self, model_instance, add):
        value = self.to_python(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value


class TranslationHistoricalRecords(HistoricalRecords):
    """core.history's HistoricalRecords with index names of their own. core names a history
    table's indexes by the first 12 characters of the model's name, which a translation
    model shares with its status ("conversationstatustranslation" and
    "conversationstatus"); here the rest of the name is a short digest of the whole."""

    def get_meta_options(self, model):
        options = super().get_meta_options(model)
        name = model._meta.model_name
        core_prefix = f"{model._meta.app_label[:8]}_h{name[:12]}_"
        digest = hashlib.sha256(name.encode()).hexdigest()[:6]
        prefix = f"{model._meta.app_label[:8]}_h{name[:6]}{digest}_"
        options["indexes"] = tuple(
            models.Index(fields=index.fields, name=prefix + index.name.removeprefix(core_prefix))
            if index.name.startswith(core_prefix)
            else index
            for index in options.get("indexes", ())
        )
        return options


class StatusTranslationBase(NameKeyMixin, models.Model):
    """What every per-locale text of a status shares: the status it belongs to (a foreign
    key named `status`, with related_name "translations", declared by the concrete model)
    and its locale, one row per (status, locale). Conversation statuses translate four
    texts (ConversationStatusTranslation); custom user statuses will reuse this base for
    their language labels.

    Translations are a small model of our own, not django-parler or django-modeltranslation:
    docs/architecture.md, "Translations: why our own model".
    """

    locale = LocaleField(_("locale"), help_text=_("A language code such as fr, pt-br or zh-tw."))

    objects = NameKeyQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["status_id", "locale"]
        constraints = [
            models.UniqueConstraint(
                fields=["status", "locale"],
                name="%(class)s_status_locale_unique",
                violation_error_message=_("This status already has a translation for this locale."),
            ),
            models.CheckConstraint(
                condition=models.Q(locale__regex=LOCALE_PATTERN),
                name="%(class)s_locale_valid",
                violation_error_message=LOCALE_INVALID,
            ),
        ]

    def __str__(self):
        return self.locale


class ConversationStatusTranslation(StatusTranslationBase):
    """A conversation status's agent label, end-user label and two descriptions in one
    locale. The Zendesk wire shows them to callers whose Accept-Language asks for it;
    the labels follow the rules of the status's own name."""

    LABEL_MAX_LENGTH = TRANSLATION_LABEL_MAX_LENGTH
    DESCRIPTION_MAX_LENGTH = TRANSLATION_DESCRIPTION_MAX_LENGTH

    status = models.ForeignKey(
        ConversationStatus,
        on_delete=models.CASCADE,
        related_name="translations",
        verbose_name=_("status"),
    )
    agent_label = visible_name_field(
        _("agent label"), max_length=LABEL_MAX_LENGTH, validators=[validate_name_characters]
    )
    agent_label_key = name_key_field(_("agent label key"))
    end_user_label = models.CharField(
        _("end-user label"),
        max_length=LABEL_MAX_LENGTH,
        blank=True,
        default="",
        validators=[validate_name_characters],
        help_text=_("Empty: customers see the agent label."),
    )
    description = models.CharField(
        _("description"), max_length=DESCRIPTION_MAX_LENGTH, blank=True, default=""
    )
    end_user_description = models.CharField(
        _("end-user description"), max_length=DESCRIPTION_MAX_LENGTH, blank=True, default=""
    )
    history = TranslationHistoricalRecords()

    name_keys = {"agent_label": "agent_label_key"}

    class Meta(StatusTranslationBase.Meta):
        verbose_name = _("translation")
        verbose_name_plural = _("translations")
        constraints = [
            *StatusTranslationBase.Meta.constraints,
            # A translated agent label must not be another status's agent label in that
            # locale, as compared by core.text.name_key (the portal's one-name rule).
            models.UniqueConstraint(
                fields=["locale", "agent_label_key"],
                name="conversationstatustranslation_label_unique",
                violation_error_message=_(
                    "Another conversation status already has this agent label in this locale."
                ),
            ),
            models.CheckConstraint(
                condition=~models.Q(agent_label=""),
                name="conversationstatustranslation_label_not_blank",
            ),
            models.CheckConstraint(
                condition=~models.Q(agent_label_key=""),
                name="conversationstatustranslation_label_key_not_blank",
                violation_error_message=VISIBLE_NAME_REQUIRED,
            ),
        ]


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


class SystemPresence(models.TextChoices):
    """The ten fixed system presences of Genesys Cloud, under which its presence
    definitions sit; each is served as one of Rocket.Chat's four status types
    (STATUS_TYPE_OF_PRESENCE). The values are the Genesys SDK's exact enum spellings."""

    AVAILABLE = "Available", _("Available")
    AWAY = "Away", _("Away")
    BUSY = "Busy", _("Busy")
    OFFLINE = "Offline", _("Offline")
    IDLE = "Idle", _("Idle")
    ON_QUEUE = "OnQueue", _("On Queue")
    MEAL = "Meal", _("Meal")
    TRAINING = "Training", _("Training")
    MEETING = "Meeting", _("Meeting")
    BREAK = "Break", _("Break")


# The Rocket.Chat status type each system presence is served as (docs/contracts/genesys.md).
STATUS_TYPE_OF_PRESENCE = {
    SystemPresence.AVAILABLE: UserStatusType.ONLINE,
    SystemPresence.ON_QUEUE: UserStatusType.ONLINE,
    SystemPresence.AWAY: UserStatusType.AWAY,
    SystemPresence.BREAK: UserStatusType.AWAY,
    SystemPresence.MEAL: UserStatusType.AWAY,
    SystemPresence.IDLE: UserStatusType.AWAY,
    SystemPresence.BUSY: UserStatusType.BUSY,
    SystemPresence.MEETING: UserStatusType.BUSY,
    SystemPresence.TRAINING: UserStatusType.BUSY,
    SystemPresence.OFFLINE: UserStatusType.OFFLINE,
}
# The presence a status without one of its own (a Rocket.Chat-made status) shows.
CANONICAL_PRESENCE = {
    UserStatusType.ONLINE: SystemPresence.AVAILABLE,
    UserStatusType.AWAY: SystemPresence.AWAY,
    UserStatusType.BUSY: SystemPresence.BUSY,
    UserStatusType.OFFLINE: SystemPresence.OFFLINE,
}
# Genesys's limit ("each primary status can have up to 30 active secondary statuses;
# deactivated statuses are not included"): counted per effective presence.
MAX_ACTIVE_PER_PRESENCE = 30
DIVISION_ID_MAX_LENGTH = 64
# The division id of a status that belongs to every division (Genesys's `*`).
ALL_DIVISIONS = "*"
# The locales a status's canonical label is looked for in, in this order (then the first).
CANONICAL_LOCALES = ("en-us", "en")


def canonical_locale(locales) -> str | None:
    """The locale whose label is a status's name: `en-us` if present, else `en`, else the
    first in sorted order (Genesys's locale list is alphabetical); None for no locales."""
    present = set(locales)
    for locale in CANONICAL_LOCALES:
        if locale in present:
            return locale
    return min(present) if present else None


class UserStatus(NameKeyMixin, models.Model):
    """A custom user status, such as "In a meeting" of type busy: a Rocket.Chat custom user
    status and a Genesys Cloud presence definition of type User, one record on both wires."""

    NAME_MAX_LENGTH = USER_STATUS_NAME_MAX_LENGTH
    Type = UserStatusType
    SystemPresence = SystemPresence

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
    # None: the canonical presence of status_type (CANONICAL_PRESENCE), as for every status
    # the Rocket.Chat wire makes; a value is always one served as status_type.
    system_presence = models.CharField(  # noqa: DJ001
        _("system presence"),
        max_length=16,
        choices=SystemPresence.choices,
        null=True,
        blank=True,
        help_text=_("Empty: the presence of the status type (Online is Available)."),
    )
    active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("An inactive status is hidden from the chat; its name stays reserved."),
    )
    division_id = models.CharField(
        _("division"),
        max_length=DIVISION_ID_MAX_LENGTH,
        default=ALL_DIVISIONS,
        help_text=_("The Genesys Cloud division id; * means all divisions."),
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
            # A system presence is one served as the status type (STATUS_TYPE_OF_PRESENCE).
            models.CheckConstraint(
                condition=functools.reduce(
                    operator.or_,
                    (
                        models.Q(system_presence=presence, status_type=status_type)
                        for presence, status_type in STATUS_TYPE_OF_PRESENCE.items()
                    ),
                    models.Q(system_presence__isnull=True),
                ),
                name="userstatus_system_presence_of_type",
                violation_error_message=_("The system presence does not match the status type."),
            ),
            models.CheckConstraint(
                condition=~models.Q(division_id=""), name="userstatus_division_id_not_blank"
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

    @property
    def presence(self) -> str:
        """The system presence this status is shown under: its own, else the canonical one
        of its status type."""
        return self.system_presence or CANONICAL_PRESENCE[self.status_type]


class UserStatusTranslation(StatusTranslationBase):
    """A custom user status's label in one locale (Genesys's `languageLabels`). The label of
    the canonical locale (canonical_locale) is the status's name; labels follow the name's
    rules but are not unique across statuses: only the name is (UserStatus.name_key)."""

    LABEL_MAX_LENGTH = USER_STATUS_NAME_MAX_LENGTH

    status = models.ForeignKey(
        UserStatus,
        on_delete=models.CASCADE,
        related_name="translations",
        verbose_name=_("status"),
    )
    label = visible_name_field(
        _("label"), max_length=LABEL_MAX_LENGTH, validators=[validate_user_status_name]
    )
    history = TranslationHistoricalRecords()

    class Meta(StatusTranslationBase.Meta):
        verbose_name = _("language label")
        verbose_name_plural = _("language labels")
        constraints = [
            *StatusTranslationBase.Meta.constraints,
            models.CheckConstraint(
                condition=~models.Q(label=""), name="userstatustranslation_label_not_blank"
            ),
        ]
