"""Translation between Rocket.Chat's JSON and the status and login services."""

import json

from django.utils.translation import gettext as _
from rest_framework import serializers

from core.errors import DomainError

INVALID_PARAMS = "invalid-params"
# Sent by the browsable API's HTML forms, not part of any body.
FORM_NOISE = {"csrfmiddlewaretoken"}


def read_body(request, *, allowed, required=()):
    """The request's JSON object, checked like Rocket.Chat's ajv schemas (invalid-params)."""
    data = request.data
    if not isinstance(data, dict):
        raise DomainError(_("must be object"), code=INVALID_PARAMS)
    unknown = sorted(set(data) - set(allowed) - FORM_NOISE)
    if unknown:
        raise DomainError(
            _("must NOT have additional properties"),
            code=INVALID_PARAMS,
            details={"additionalProperty": unknown[0]},
        )
    for key in required:
        if key not in data:
            raise DomainError(
                _("must have required property '%(key)s'") % {"key": key}, code=INVALID_PARAMS
            )
    body = {}
    for key in allowed:
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            raise DomainError(_("must be string"), code=INVALID_PARAMS, details={"field": key})
        body[key] = value
    return body


class MillisecondDateTimeField(serializers.DateTimeField):
    """ISO 8601 in UTC with milliseconds, as Rocket.Chat's `_updatedAt`."""

    def to_representation(self, value):
        from datetime import UTC

        return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class UserStatusSerializer(serializers.Serializer):
    """A custom user status as Rocket.Chat returns it."""

    _id = serializers.CharField(source="id")
    name = serializers.CharField()
    statusType = serializers.CharField(source="status_type")
    _updatedAt = MillisecondDateTimeField(source="updated_at")


SORT_FIELDS = {"name": "name", "statusType": "status_type", "_updatedAt": "updated_at", "_id": "id"}


class ListQuerySerializer(serializers.Serializer):
    """Query parameters of custom-user-status.list."""

    MAX_COUNT = 100

    offset = serializers.IntegerField(min_value=0, max_value=2**31 - 1, default=0)
    count = serializers.IntegerField(min_value=1, default=50)
    sort = serializers.CharField(required=False, help_text='JSON such as {"name":1}; 1 or -1.')
    name = serializers.CharField(required=False, help_text="Case-insensitive substring.")
    _id = serializers.CharField(required=False)

    def validate_count(self, value):
        return min(value, self.MAX_COUNT)

    def validate_sort(self, value):
        try:
            sort = json.loads(value)
        except ValueError:
            sort = None
        if (
            not isinstance(sort, dict)
            or not sort
            or any(key not in SORT_FIELDS or val not in (1, -1) for key, val in sort.items())
        ):
            raise DomainError(
                _('Invalid sort parameter provided "%(sort)s"') % {"sort": value},
                code="error-invalid-sort",
            )
        order = [("" if val == 1 else "-") + SORT_FIELDS[key] for key, val in sort.items()]
        return [*order, "id"]


class RocketChatStatusListSerializer(serializers.Serializer):
    statuses = UserStatusSerializer(many=True)
    count = serializers.IntegerField(help_text="Items in this page.")
    offset = serializers.IntegerField()
    total = serializers.IntegerField()
    success = serializers.BooleanField()


class RocketChatCreateBodySerializer(serializers.Serializer):
    name = serializers.CharField()
    statusType = serializers.ChoiceField(choices=["online", "away", "busy", "offline"])


class RocketChatUpdateBodySerializer(RocketChatCreateBodySerializer):
    _id = serializers.CharField()


class RocketChatDeleteBodySerializer(serializers.Serializer):
    customUserStatusId = serializers.CharField()


class RocketChatStatusReplySerializer(serializers.Serializer):
    customUserStatus = UserStatusSerializer()
    success = serializers.BooleanField()


class RocketChatSuccessSerializer(serializers.Serializer):
    success = serializers.BooleanField()


class RocketChatLoginBodySerializer(serializers.Serializer):
    user = serializers.CharField(required=False, help_text="A username, or an email if it has @.")
    username = serializers.CharField(required=False)
    email = serializers.CharField(required=False)
    password = serializers.CharField()


class RocketChatMeSerializer(serializers.Serializer):
    """The caller, as Rocket.Chat's /me returns it (never a password or secret)."""

    _id = serializers.CharField()
    username = serializers.CharField()
    name = serializers.CharField()
    emails = serializers.ListField(child=serializers.DictField())
    roles = serializers.ListField(child=serializers.CharField())
    active = serializers.BooleanField()
    status = serializers.CharField()
    type = serializers.CharField()
    success = serializers.BooleanField(required=False)


class RocketChatLoginDataSerializer(serializers.Serializer):
    userId = serializers.CharField()
    authToken = serializers.CharField()
    me = RocketChatMeSerializer()


class RocketChatLoginReplySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["success"])
    data = RocketChatLoginDataSerializer()
    success = serializers.BooleanField()


class RocketChatLoginFailedSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["error"])
    error = serializers.CharField(default="Unauthorized")
    message = serializers.CharField(default="Unauthorized")
    success = serializers.BooleanField(default=False)


class RocketChatLogoutMessageSerializer(serializers.Serializer):
    message = serializers.CharField()


class RocketChatLogoutReplySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["success"])
    data = RocketChatLogoutMessageSerializer()


def me_payload(user):
    """The Rocket.Chat user object for `user`."""
    roles = ["admin", "user"] if user.is_superuser else ["user"]
    return {
        "_id": str(user.pk),
        "username": user.get_username(),
        "name": user.get_full_name() or user.get_username(),
        "emails": [{"address": user.email, "verified": False}] if user.email else [],
        "roles": roles,
        "active": user.is_active,
        "status": "online",
        "type": "user",
    }
