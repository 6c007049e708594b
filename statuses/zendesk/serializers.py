"""Translation between Zendesk's custom status JSON and the conversation-status services.

A Zendesk custom status is a `ConversationStatus`: `agent_label` is its name, the rest are
its own columns. Labels and descriptions are shown in the caller's language when the
status has a translation for it (`Accept-Language`); the `raw_*` keys always hold the
status's own text.
"""

from datetime import UTC
from typing import Annotated, TypedDict

from rest_framework import serializers

from core.serializers import (
    NameField,
    StrictBooleanField,
    StrictCharField,
    StrictSerializer,
)
from core.shapes import reply_serializer
from core.text import validate_name_characters
from statuses.models import ConversationStatus, StatusCategory

LABEL_MAX_LENGTH = ConversationStatus.NAME_MAX_LENGTH
DESCRIPTION_MAX_LENGTH = ConversationStatus.DESCRIPTION_MAX_LENGTH

EXAMPLES = {
    "id": 35436,
    "url": "https://example.zendesk.com/api/v2/custom_statuses/35436.json",
    "status_category": "open",
    "agent_label": "Responding quickly",
    "raw_agent_label": "Responding quickly",
    "end_user_label": "Working on it",
    "raw_end_user_label": "Working on it",
    "description": "Ticket is being actively worked on",
    "raw_description": "Ticket is being actively worked on",
    "end_user_description": "We are working on your request",
    "raw_end_user_description": "We are working on your request",
    "created_at": "2021-07-20T22:55:29Z",
    "updated_at": "2021-07-20T22:55:29Z",
    "ids": "35436,35437",
}

_TEXT = {"read_only": True}


class CustomStatusReply(TypedDict):
    """A custom ticket status as Zendesk returns it: the Libredesk status of the same id."""

    id: Annotated[int, {"read_only": True, "help_text": "The same id as /api/v1/statuses/{id}."}]
    url: Annotated[str, {"read_only": True, "help_text": "The status's own address."}]
    status_category: Annotated[
        str, serializers.ChoiceField(choices=StatusCategory.choices, read_only=True)
    ]
    agent_label: Annotated[str, {**_TEXT, "help_text": "In the caller's language if translated."}]
    raw_agent_label: Annotated[str, _TEXT]
    end_user_label: Annotated[str, {**_TEXT, "help_text": "The agent label when not set."}]
    raw_end_user_label: Annotated[str, _TEXT]
    description: Annotated[str, _TEXT]
    raw_description: Annotated[str, _TEXT]
    end_user_description: Annotated[str, _TEXT]
    raw_end_user_description: Annotated[str, _TEXT]
    active: Annotated[bool, {"read_only": True}]
    default: Annotated[
        bool, {"read_only": True, "help_text": "The default status of its category."}
    ]
    created_at: Annotated[str, {"read_only": True}]
    updated_at: Annotated[str, {"read_only": True}]


CustomStatusSerializer = reply_serializer(
    CustomStatusReply, examples=EXAMPLES, component="ZendeskCustomStatus"
)


def _time(value) -> str:
    """Zendesk's times: ISO 8601 in UTC, whole seconds, `Z`."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def custom_status_data(status, url: str, translation=None) -> CustomStatusReply:
    """One status as Zendesk writes it; `translation` (a ConversationStatusTranslation, or
    None) gives its labels and descriptions in the caller's language."""
    end_user_label = status.end_user_label or status.name
    shown = {
        "agent_label": status.name,
        "end_user_label": end_user_label,
        "description": status.description,
        "end_user_description": status.end_user_description,
    }
    if translation is not None:
        shown = {
            "agent_label": translation.agent_label,
            "end_user_label": translation.end_user_label or translation.agent_label,
            "description": translation.description or status.description,
            "end_user_description": (
                translation.end_user_description or status.end_user_description
            ),
        }
    return {
        "id": status.pk,
        "url": url,
        "status_category": status.status_category,
        "agent_label": shown["agent_label"],
        "raw_agent_label": status.name,
        "end_user_label": shown["end_user_label"],
        "raw_end_user_label": end_user_label,
        "description": shown["description"],
        "raw_description": status.description,
        "end_user_description": shown["end_user_description"],
        "raw_end_user_description": status.end_user_description,
        "active": status.active,
        "default": status.is_category_default,
        "created_at": _time(status.created_at),
        "updated_at": _time(status.updated_at),
    }


class LabelField(StrictCharField):
    """An end user's label: blank or null means "the agent label"; otherwise the portal's
    name rule (no control characters, no `<` or `>`), after the length check."""

    def __init__(self, **kwargs):
        super().__init__(max_length=LABEL_MAX_LENGTH, allow_blank=True, allow_null=True, **kwargs)
        self.validators.append(validate_name_characters)


class CustomStatusUpdateSerializer(StrictSerializer):
    """`custom_status` of a PUT: any of these, the rest kept. Unknown and read-only keys
    (`id`, which zenpy sends, `url`, `raw_*`, `default`, `status_category`) are ignored, as
    Zendesk ignores them."""

    reject_unknown = False
    field_examples = EXAMPLES

    agent_label = NameField(max_length=LABEL_MAX_LENGTH)
    end_user_label = LabelField(required=False)
    description = StrictCharField(
        max_length=DESCRIPTION_MAX_LENGTH, allow_blank=True, allow_null=True, required=False
    )
    end_user_description = StrictCharField(
        max_length=DESCRIPTION_MAX_LENGTH, allow_blank=True, allow_null=True, required=False
    )
    active = StrictBooleanField(required=False)


class CustomStatusCreateSerializer(CustomStatusUpdateSerializer):
    """`custom_status` of a create: `status_category` and `agent_label` are required."""

    status_category = serializers.ChoiceField(choices=StatusCategory.choices)


class CustomStatusBodySerializer(serializers.Serializer):
    """`{"custom_status": {...}}`: every write's body (documentation only; the view reads
    the root key itself, for Zendesk's `ParameterMissing`)."""

    custom_status = CustomStatusCreateSerializer()


class CustomStatusUpdateBodySerializer(serializers.Serializer):
    custom_status = CustomStatusUpdateSerializer()


class CustomStatusEnvelopeSerializer(serializers.Serializer):
    """`{"custom_status": CS}`."""

    custom_status = CustomStatusSerializer()


class CustomStatusListSerializer(serializers.Serializer):
    """`{"custom_statuses": [CS, ...]}`, ordered by id, not paginated."""

    custom_statuses = CustomStatusSerializer(many=True)


def _flag(name):
    return serializers.ChoiceField(
        choices=["true", "false"],
        required=False,
        help_text=f"`true` or `false` (any case): only the statuses whose `{name}` is that.",
    )


class CustomStatusFilterSerializer(serializers.Serializer):
    """The list's query filters ([ZD-OAS]): others are ignored."""

    field_examples = {"status_categories": "open,pending", "active": "true", "default": "false"}

    status_categories = serializers.CharField(
        required=False,
        help_text="A comma-separated subset of " + ", ".join(StatusCategory.values) + ".",
    )
    active = _flag("active")
    default = _flag("default")


class DefaultIdsSerializer(serializers.Serializer):
    """`{"ids": "12,34"}`: a comma-separated string of status ids."""

    field_examples = {"ids": EXAMPLES["ids"]}

    ids = serializers.CharField(
        help_text="Comma-separated ids; each becomes its category's default."
    )


class EmptySerializer(serializers.Serializer):
    """`{}`."""
