"""Translation between Libredesk's JSON and the conversation-status services."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.fields import VisibleNameMixin
from statuses.models import ConversationStatus


class StrictCharField(serializers.CharField):
    """A CharField that refuses numbers and booleans instead of turning them into text."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class NameField(VisibleNameMixin, StrictCharField):
    """A status name; one with nothing visible in it is as empty as a blank one."""


CATEGORIES = ", ".join(ConversationStatus.Category.values)


class StatusSerializer(serializers.ModelSerializer):
    """A conversation status as Libredesk returns it."""

    class Meta:
        model = ConversationStatus
        fields = ["id", "created_at", "updated_at", "name", "category"]


class StatusWriteSerializer(serializers.Serializer):
    """The body of a create or full-replace update, checked in Libredesk's order."""

    name = NameField(
        max_length=ConversationStatus.NAME_MAX_LENGTH,
        error_messages={
            "required": _("`name` empty"),
            "null": _("`name` empty"),
            "blank": _("`name` empty"),
            "invalid": _("`name` must be a string"),
            "max_length": _("Status is too long, should be at most 25 characters"),
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

    api_key = serializers.CharField()
    api_secret = serializers.CharField()


class ApiKeyEnvelopeSerializer(serializers.Serializer):
    """`{"status":"success","data":{"api_key":...,"api_secret":...}}`."""

    status = serializers.ChoiceField(choices=["success"])
    data = ApiKeySerializer()
