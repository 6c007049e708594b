"""LivePerson JSON shapes (for replies and the OpenAPI document); rules live in services."""

from rest_framework import serializers

from reasons.models import StatusReason


class ReasonSerializer(serializers.ModelSerializer):
    """A status reason as LivePerson returns it."""

    class Meta:
        model = StatusReason
        fields = ["id", "text", "state", "enabled", "deleted", "order"]


class ReasonWriteSerializer(serializers.Serializer):
    """Body of a create or full-replace update (documentation only; services check it)."""

    text = serializers.CharField(max_length=100, help_text="Trimmed; no control chars, < or >.")
    state = serializers.ChoiceField(choices=StatusReason.State.choices)
    enabled = serializers.BooleanField(default=True)
    order = serializers.IntegerField(
        required=False, help_text="Items created without one go before all existing items."
    )


class ReasonBulkUpdateItemSerializer(ReasonWriteSerializer):
    id = serializers.IntegerField()


class LivePersonLoginBodySerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField()


class LivePersonLoginConfigSerializer(serializers.Serializer):
    userId = serializers.CharField()
    loginName = serializers.CharField()
    accountId = serializers.CharField()


class LivePersonLoginReplySerializer(serializers.Serializer):
    bearer = serializers.CharField()
    config = LivePersonLoginConfigSerializer()
