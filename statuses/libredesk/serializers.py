"""Translation between Libredesk's JSON and the conversation-status services."""

from typing import TypedDict

from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.serializers import NameField, StrictSerializer
from core.shapes import reply_serializer, shape_keys
from statuses.models import ConversationStatus

CATEGORIES = ", ".join(ConversationStatus.Category.values)

# Libredesk's own limit for a name it writes; a longer name (up to the model's 48, written on
# the Zendesk wire) is shown as it is.
LIBREDESK_NAME_MAX_LENGTH = 25


# Examples of a status's fields for the API documentation (core.schema.PortalAutoSchema).
STATUS_EXAMPLES = {
    "id": 5,
    "created_at": "2026-11-20T09:30:00Z",
    "updated_at": "2026-11-21T14:05:12Z",
    "name": "Waiting on customer",
}


class StatusReply(TypedDict):
    """A conversation status as Libredesk returns it."""

    id: int
    created_at: str
    updated_at: str
    name: str
    category: str


# The documentation of a StatusReply (the OpenAPI component `Status`); the replies are
# written by status_data and status_rows.
StatusSerializer = reply_serializer(
    StatusReply, model=ConversationStatus, examples=STATUS_EXAMPLES, component="Status"
)

# The columns of a StatusReply, in the order of its keys.
STATUS_COLUMNS = shape_keys(StatusReply)


def _datetime_text(value, zone):
    """A time as DRF's DateTimeField writes it (ISO 8601 in the current time zone, `Z` for
    UTC): the same text as StatusSerializer, without its per-field machinery."""
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def status_rows(queryset) -> list[StatusReply]:
    """Every status of `queryset` as StatusSerializer(many=True) would write it, read with
    one `values_list` query of the reply's columns (no model instances, no DRF fields)."""
    zone = timezone.get_current_timezone()
    return [
        {
            "id": pk,
            "created_at": _datetime_text(created_at, zone),
            "updated_at": _datetime_text(updated_at, zone),
            "name": name,
            "category": category,
        }
        for pk, created_at, updated_at, name, category in queryset.values_list(*STATUS_COLUMNS)
    ]


def status_data(status: ConversationStatus) -> StatusReply:
    """One status as StatusSerializer(status).data, without building the serializer."""
    zone = timezone.get_current_timezone()
    return {
        "id": status.pk,
        "created_at": _datetime_text(status.created_at, zone),
        "updated_at": _datetime_text(status.updated_at, zone),
        "name": status.name,
        "category": status.category,
    }


class StatusWriteSerializer(StrictSerializer):
    """The body of a create or full-replace update, checked in Libredesk's order. Other
    keys are ignored, as Libredesk does: its admin screen sends the whole row back."""

    reject_unknown = False
    field_examples = STATUS_EXAMPLES

    name = NameField(
        max_length=LIBREDESK_NAME_MAX_LENGTH,
        error_messages={
            "required": _("`name` empty"),
            "null": _("`name` empty"),
            "blank": _("`name` empty"),
            "invalid": _("`name` must be a string"),
            "max_length": format_lazy(
                _("Status is too long, should be at most {max} characters"),
                max=LIBREDESK_NAME_MAX_LENGTH,
            ),
        },
    )
    category = serializers.ChoiceField(
        choices=ConversationStatus.Category.choices,
        error_messages={
            "required": format_lazy(
                _("`category` is required; allowed values: {categories}"), categories=CATEGORIES
            ),
            "null": format_lazy(
                _("`category` is required; allowed values: {categories}"), categories=CATEGORIES
            ),
            "invalid_choice": format_lazy(
                _("Invalid `category`; allowed values: {categories}"), categories=CATEGORIES
            ),
        },
    )


class StatusEnvelopeSerializer(serializers.Serializer):
    """`{"status":"success","data":Status}`."""

    status = serializers.ChoiceField(choices=["success"])
    data = StatusSerializer()


class StatusListEnvelopeSerializer(serializers.Serializer):
    """`{"status":"success","data":[Status, ...]}`."""

    status = serializers.ChoiceField(choices=["success"])
    data = StatusSerializer(many=True)


class TrueEnvelopeSerializer(serializers.Serializer):
    """`{"status":"success","data":true}`."""

    status = serializers.ChoiceField(choices=["success"])
    data = serializers.BooleanField()


class ApiKeySerializer(serializers.Serializer):
    """A newly issued API key and its secret, shown once."""

    field_examples = {
        "api_key": "k3J9x2Lm8QpR4vT7wY1zA6bC0dE5fG2h",
        "api_secret": "Zq8Wn2Kd5Rt7Yp1Xc4Vb6Nm9Lh3Jg0FsA2Sd4Fg6Hj8Kl0Qw3Er5Ty7Ui9Op1As3",
    }

    api_key = serializers.CharField()
    api_secret = serializers.CharField()


class ApiKeyEnvelopeSerializer(serializers.Serializer):
    """`{"status":"success","data":{"api_key":...,"api_secret":...}}`."""

    status = serializers.ChoiceField(choices=["success"])
    data = ApiKeySerializer()
