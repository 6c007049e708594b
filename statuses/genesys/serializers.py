"""Translation between Genesys Cloud's presence definitions and the custom user statuses.

A presence definition of type `User` is a `UserStatus` (the Rocket.Chat record): its id is
the status's id, `languageLabels` are its labels (one per locale, the canonical one being
its name), `systemPresence` its presence, `deactivated` the inverse of `active`. The ten
`System` definitions are not rows: they are Genesys's fixed definitions, made here.

Genesys spells locales `en_US`, the portal stores `en-us` (statuses.models.normalise_locale):
`WIRE_LOCALE` spells them back. Enum values are emitted in the SDK's exact spellings
(`OnQueue`, never `On Queue` or null: the SDK calls `.lower()` on them and turns anything
else into `outdated_sdk_version`).
"""

from typing import Annotated, TypedDict

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail, ValidationError

from core.serializers import StrictBooleanField, StrictCharField, StrictSerializer
from core.shapes import reply_serializer
from core.text import name_key
from statuses.models import (
    DIVISION_ID_MAX_LENGTH,
    USER_STATUS_NAME_MAX_LENGTH,
    SystemPresence,
    canonical_locale,
    normalise_locale,
    validate_user_status_name,
)

# The locales a label may have ([GC-TF] validLanguageLabels), in Genesys's spelling and order.
LOCALES = [
    "ar",
    "cs",
    "da",
    "de",
    "en",
    "en_US",
    "es",
    "fi",
    "fr",
    "he",
    "hi",
    "it",
    "ja",
    "ko",
    "nl",
    "no",
    "pl",
    "pt_BR",
    "pt_PT",
    "ru",
    "sv",
    "th",
    "tr",
    "uk",
    "zh_CN",
    "zh_TW",
]
# A stored locale (`en-us`) -> Genesys's spelling (`en_US`).
WIRE_LOCALE = {normalise_locale(code): code for code in LOCALES}
LABEL_MAX_LENGTH = USER_STATUS_NAME_MAX_LENGTH

# The presences a User definition can be created under ([GC-TF] validSystemPresences).
CREATABLE = (
    SystemPresence.AVAILABLE,
    SystemPresence.AWAY,
    SystemPresence.BREAK,
    SystemPresence.BUSY,
    SystemPresence.MEAL,
    SystemPresence.MEETING,
    SystemPresence.TRAINING,
)
# Genesys's ten System definitions, with the ids every org has, in the listing's order.
SYSTEM_DEFINITIONS = (
    (SystemPresence.AVAILABLE, "6a3af858-942f-489d-9700-5f9bcdcdae9b"),
    (SystemPresence.AWAY, "5e5c5c66-ea97-4e7f-ac41-6424784829f2"),
    (SystemPresence.BREAK, "227b37e2-f1d0-4dd0-8f50-badd7cf6d158"),
    (SystemPresence.BUSY, "31fe3bac-dea6-44b7-bed7-47f91660a1a0"),
    (SystemPresence.IDLE, "7ffa01cd-7866-4ad7-8faa-31e11b42f51f"),
    (SystemPresence.MEAL, "3fd96123-badb-4f69-bc03-1b1ccc6d8014"),
    (SystemPresence.MEETING, "bbdff279-7ae1-48ea-bade-7831d7234c64"),
    (SystemPresence.ON_QUEUE, "e08eaf1b-ee47-4fa9-a231-1200e284798f"),
    (SystemPresence.OFFLINE, "ccf3c10a-aa2c-4845-8e8d-f59fa48c58e5"),
    (SystemPresence.TRAINING, "d2390a99-8546-bad9-8f0a-219548e8aeb0"),
)
SYSTEM_IDS = {definition_id: presence for presence, definition_id in SYSTEM_DEFINITIONS}
# /api/v2/systempresences: the analytics enum's ids (`ON_QUEUE`), in the same order.
SYSTEM_PRESENCE_IDS = {
    presence: presence.value.upper() if presence != SystemPresence.ON_QUEUE else "ON_QUEUE"
    for presence, _id in SYSTEM_DEFINITIONS
}

DEFINITIONS_PATH = "/api/v2/presence/definitions"
SYSTEM_PRESENCES_PATH = "/api/v2/systempresences"

EXAMPLES = {
    "id": "a1b2c3d4e5f6g7h8j",
    "name": "Lunch",
    "type": "User",
    "languageLabels": {"en_US": "Lunch", "fr": "Déjeuner"},
    "systemPresence": "Meal",
    "divisionId": "*",
    "deactivated": False,
    "selfUri": f"{DEFINITIONS_PATH}/a1b2c3d4e5f6g7h8j",
}


def _allowable(values) -> str:
    return ", ".join(str(value) for value in values)


UNKNOWN_LOCALE = _(
    "Value [%(value)s] is not valid for field type [languageLabels]. Allowable values are: "
    "%(allowed)s"
)
UNKNOWN_PRESENCE = _(
    "Value [%(value)s] is not valid for field type [systemPresence]. Allowable values are: "
    "%(allowed)s"
)
PRESENCE_CHANGED = _(
    "Value [%(value)s] is not valid for field type [systemPresence]: the system presence of a "
    "presence definition cannot be changed (it is %(current)s)."
)
ONLY_USER = _("Only User presence definitions can be created")


# --- replies ----------------------------------------------------------------------------


class PresenceDefinitionReply(TypedDict):
    """A presence definition as Genesys Cloud returns it (`OrganizationPresenceDefinition`)."""

    id: Annotated[
        str,
        {
            "read_only": True,
            "help_text": "For a User definition, the custom user status's id: the same as "
            "Rocket.Chat's `_id`. System definitions have Genesys's fixed ids.",
        },
    ]
    name: Annotated[
        str, {"read_only": True, "help_text": "The canonical label (`en_US`, else `en`, …)."}
    ]
    type: Annotated[str, serializers.ChoiceField(choices=["System", "User"], read_only=True)]
    languageLabels: Annotated[
        dict,
        serializers.DictField(
            child=serializers.CharField(), help_text="The label in each locale (`en_US`, `fr`, …)."
        ),
    ]
    systemPresence: Annotated[
        str, serializers.ChoiceField(choices=SystemPresence.values, read_only=True)
    ]
    divisionId: Annotated[str, {"read_only": True, "help_text": "`*`: every division."}]
    deactivated: Annotated[bool, {"read_only": True}]
    selfUri: Annotated[str, {"read_only": True}]


PresenceDefinitionSerializer = reply_serializer(
    PresenceDefinitionReply, examples=EXAMPLES, component="GenesysPresenceDefinition"
)


def wire_labels(status) -> dict[str, str]:
    """A status's labels in Genesys's locales, keyed by its spellings in the locale list's
    order (its translations should be prefetched). Labels in other locales (a manager may
    add any in the admin) are not shown: a client could not send them back. A status with
    none shows its name in `en_US`."""
    stored = {row.locale: row.label for row in status.translations.all()}
    labels = {code: stored[locale] for locale, code in WIRE_LOCALE.items() if locale in stored}
    return labels or {"en_US": status.name}


def _pick(labels: dict[str, str], name: str, locale: str | None) -> dict[str, str]:
    """The labels the `localeCode` filter asks for: all (None), the one asked for, or the
    canonical label under `en_US` when there is none in that locale."""
    if locale is None:
        return labels
    return {locale: labels[locale]} if locale in labels else {"en_US": name}


def definition_data(status, locale: str | None = None) -> PresenceDefinitionReply:
    """One custom user status as a User presence definition."""
    return {
        "id": status.pk,
        "name": status.name,
        "type": "User",
        "languageLabels": _pick(wire_labels(status), status.name, locale),
        "systemPresence": str(status.presence),
        "divisionId": status.division_id,
        "deactivated": not status.active,
        "selfUri": f"{DEFINITIONS_PATH}/{status.pk}",
    }


def system_label(presence: SystemPresence) -> str:
    """A System definition's label: the presence, `On Queue` for OnQueue."""
    return "On Queue" if presence == SystemPresence.ON_QUEUE else str(presence.value)


def system_definition_data(
    presence: SystemPresence, definition_id: str, locale: str | None = None
) -> PresenceDefinitionReply:
    """One of Genesys's ten System definitions."""
    label = system_label(presence)
    return {
        "id": definition_id,
        "name": label,
        "type": "System",
        "languageLabels": _pick({"en_US": label}, label, locale),
        "systemPresence": presence.value,
        "divisionId": "*",
        "deactivated": False,
        "selfUri": f"{DEFINITIONS_PATH}/{definition_id}",
    }


class PresenceDefinitionListSerializer(serializers.Serializer):
    """`OrganizationPresenceDefinitionEntityListing`: every definition, not paged."""

    field_examples = {"total": 11, "selfUri": DEFINITIONS_PATH}

    entities = PresenceDefinitionSerializer(many=True)
    total = serializers.IntegerField()
    selfUri = serializers.CharField()


class SystemPresenceSerializer(serializers.Serializer):
    """`SystemPresence`: one of the ten primary presences."""

    field_examples = {
        "id": "AVAILABLE",
        "name": "Available",
        "selfUri": f"{SYSTEM_PRESENCES_PATH}/AVAILABLE",
    }

    id = serializers.CharField()
    name = serializers.CharField(help_text="The presence: " + ", ".join(SystemPresence.values))
    selfUri = serializers.CharField()


def system_presences_data() -> list[dict]:
    return [
        {"id": ident, "name": presence.value, "selfUri": f"{SYSTEM_PRESENCES_PATH}/{ident}"}
        for presence, ident in SYSTEM_PRESENCE_IDS.items()
    ]


# --- writes -----------------------------------------------------------------------------


class LanguageLabelsField(serializers.DictField):
    """`languageLabels`: a non-empty object of locale -> label. Checked in the contract's
    order: the object, then its keys (all of them, `invalid.value`), then each label in
    the locale list's order (`languageLabels.<locale>`), under the Rocket.Chat name rule
    (one of the labels is the Rocket.Chat name)."""

    default_error_messages = {
        "required": _("languageLabels is required."),
        "null": _("languageLabels is required."),
        "not_a_dict": _("languageLabels must be an object of locale to label."),
        "empty": _("languageLabels must have at least one label."),
        "not_a_string": _("The label must be a string."),
        "blank": _("The label cannot be blank."),
        "max_length": _("The label can have at most %(limit)d characters."),
    }

    def __init__(self, **kwargs):
        super().__init__(child=serializers.CharField(max_length=LABEL_MAX_LENGTH), **kwargs)

    def to_representation(self, value):
        return value

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            self.fail("not_a_dict")
        if not data:
            self.fail("empty")
        for key in data:
            if key not in WIRE_LOCALE.values():
                message = UNKNOWN_LOCALE % {"value": key, "allowed": _allowable(LOCALES)}
                raise ValidationError(message, code="unknown_locale")
        labels = {}
        for locale in (code for code in LOCALES if code in data):
            labels[locale] = self._label(locale, data[locale])
        return labels

    def _label(self, locale, value):
        def refuse(key, **params):
            text = str(self.error_messages[key]) % params if params else self.error_messages[key]
            raise ValidationError({locale: [ErrorDetail(str(text), code=key)]})

        if not isinstance(value, str):
            refuse("not_a_string")
        value = value.strip()
        if not name_key(value):  # nothing visible: spaces, zero-width and bidi marks
            refuse("blank")
        if len(value) > LABEL_MAX_LENGTH:
            refuse("max_length", limit=LABEL_MAX_LENGTH)
        try:
            validate_user_status_name(value)
        except DjangoValidationError as exc:
            raise ValidationError(
                {locale: [ErrorDetail(exc.messages[0], code="invalid")]}
            ) from None
        return value


class SystemPresenceField(serializers.ChoiceField):
    """`systemPresence`: one of the ten, in any case, returned in the SDK's spelling;
    `accepted` are the values taken here (`invalid.value` for the others). The OpenAPI
    document lists all ten, one enum with the replies'; the help text says which."""

    default_error_messages = {
        "required": _("systemPresence is required."),
        "null": _("systemPresence is required."),
        "not_a_string": _("systemPresence must be a string."),
    }

    def __init__(self, *, accepted=tuple(SystemPresence.values), **kwargs):
        self.accepted = tuple(str(value) for value in accepted)
        super().__init__(choices=SystemPresence.values, **kwargs)

    def to_representation(self, value):
        return value

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_a_string")
        by_lower = {value.lower(): value for value in SystemPresence.values}
        value = by_lower.get(data.strip().lower())
        if value is None or value not in self.accepted:
            message = UNKNOWN_PRESENCE % {"value": data, "allowed": _allowable(self.accepted)}
            raise ValidationError(message, code="invalid_choice")
        return SystemPresence(value)


class TypeField(serializers.ChoiceField):
    """`type` of a create: `User` (any case), the only kind that can be made."""

    default_error_messages = {"null": ONLY_USER}

    def __init__(self, **kwargs):
        super().__init__(choices=["User"], **kwargs)

    def to_representation(self, value):
        return value

    def to_internal_value(self, data):
        if not isinstance(data, str) or data.strip().lower() != "user":
            raise ValidationError(ONLY_USER, code="user_only")
        return "User"


DIVISION_ERRORS = {
    "required": _("divisionId must be a division id or *."),
    "null": _("divisionId must be a division id or *."),
    "blank": _("divisionId must be a division id or *."),
    "invalid": _("divisionId must be a string."),
    "max_length": _("divisionId can have at most {max_length} characters."),
}
DEACTIVATED_ERRORS = {"invalid": _("deactivated must be true or false.")}


class PresenceDefinitionUpdateSerializer(StrictSerializer):
    """A PUT's body: `languageLabels` replace the whole set; `systemPresence`, if sent, is
    the stored one; `deactivated` and `divisionId` change only when sent. Other keys (`id`,
    `name`, `type`, `selfUri`, …) are ignored. The fields are in the contract's order."""

    reject_unknown = False
    field_examples = EXAMPLES

    languageLabels = LanguageLabelsField(help_text="Every label, replacing the stored ones.")
    systemPresence = SystemPresenceField(
        required=False, allow_null=True, help_text="The stored one, if sent."
    )
    divisionId = StrictCharField(
        max_length=DIVISION_ID_MAX_LENGTH,
        required=False,
        allow_null=True,
        trim_whitespace=False,
        error_messages=DIVISION_ERRORS,
    )
    deactivated = StrictBooleanField(
        required=False, allow_null=True, error_messages=DEACTIVATED_ERRORS
    )

    def to_internal_value(self, data):
        # An optional key sent as null is a key not sent: unchanged.
        values = super().to_internal_value(data)
        return {key: value for key, value in values.items() if value is not None}


class PresenceDefinitionCreateSerializer(StrictSerializer):
    """A POST's body: `languageLabels` and `systemPresence` (one of the creatable seven)."""

    reject_unknown = False
    field_examples = EXAMPLES

    languageLabels = LanguageLabelsField(help_text="The label in each locale, at least one.")
    type = TypeField(required=False, help_text="`User`, the default.")
    systemPresence = SystemPresenceField(
        accepted=CREATABLE, help_text="One of " + _allowable(CREATABLE) + "."
    )
    divisionId = StrictCharField(
        max_length=DIVISION_ID_MAX_LENGTH,
        required=False,
        trim_whitespace=False,
        error_messages=DIVISION_ERRORS,
        help_text="Default `*`: every division. Stored as given.",
    )
    deactivated = StrictBooleanField(
        required=False, error_messages=DEACTIVATED_ERRORS, help_text="Default false."
    )


class PresenceDefinitionQuerySerializer(serializers.Serializer):
    """The list's query (documentation; the view reads it in Genesys's own way)."""

    field_examples = {"deactivated": "FALSE", "divisionId": "*", "localeCode": "ALL"}

    deactivated = serializers.ChoiceField(
        choices=["TRUE", "FALSE"],
        required=False,
        help_text="`FALSE` (default): the active definitions; `TRUE`: the deactivated ones. "
        "Any case.",
    )
    divisionId = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="Division ids, repeated or comma-separated: definitions in one of them or "
        "in `*`.",
    )
    localeCode = serializers.CharField(
        required=False,
        help_text="`ALL` (default) or one locale: that label, else the name under `en_US`.",
    )


def canonical_wire_label(labels: dict[str, str]) -> str:
    """The label that is the status's name (statuses.models.canonical_locale's choice)."""
    by_stored = {normalise_locale(code): label for code, label in labels.items()}
    return by_stored[canonical_locale(by_stored)]
