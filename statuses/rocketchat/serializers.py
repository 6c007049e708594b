"""Translation between Rocket.Chat's JSON and the status and login services.

Bodies are read the way Rocket.Chat's parameter schemas (ajv) read them: a key outside
the route's list is refused (`unknown`), a value that is neither a string nor `null` is
refused (`not_a_string`). `statuses.rocketchat.errors` words these as ajv does.
"""

import json
from datetime import UTC
from typing import Annotated, TypedDict
from urllib.parse import quote

import re2
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.fields import SkipField, empty

from core.serializers import StrictCharField, StrictSerializer
from core.shapes import reply_serializer, shape_columns
from statuses.models import UserStatus

# --- request bodies ---------------------------------------------------------------------


class BodyStringField(StrictCharField):
    """A string member of a body, kept as sent (whitespace included: the services decide
    what it means). `null` passes through; any other type is `not_a_string`."""

    default_error_messages = {"not_a_string": _("Not a valid string.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("trim_whitespace", False)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_a_string")
        return super().to_internal_value(data)


class OptionalTextField(BodyStringField):
    """A body string whose absence is for the service to report (after the checks that
    Rocket.Chat runs first): missing and `null` read as ""."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def validate_empty_values(self, data):
        if data is empty or data is None:
            return (True, "")
        return super().validate_empty_values(data)


class KeptTextField(OptionalTextField):
    """A body string that may be left out to keep the current value: a missing key is not
    in the validated data; `null` still reads as "" (for the service to report)."""

    def validate_empty_values(self, data):
        if data is empty:
            raise SkipField
        return super().validate_empty_values(data)


NAME_HELP = format_lazy(
    _(
        "Required: something visible, none of > < & \" ' and at most {max} characters. "
        "Checked by the create and update rules, in their order."
    ),
    max=UserStatus.NAME_MAX_LENGTH,
)
STATUS_TYPE_HELP = _("Required: online, away, busy or offline.")
KEPT_STATUS_TYPE_HELP = _(
    "online, away, busy or offline; left out, the status keeps its type (null or an empty "
    "string is refused as required)."
)

# Examples of the fields of a custom user status for the API documentation
# (core.schema.PortalAutoSchema): an _id is 17 characters of Rocket.Chat's alphabet.
USER_STATUS_EXAMPLES = {
    "_id": "7TeQbDFpHzZxKGWrn",
    "customUserStatusId": "7TeQbDFpHzZxKGWrn",
    "name": "In a meeting",
    "statusType": "busy",
    "_updatedAt": "2026-11-21T14:05:12.345Z",
}
USER_EXAMPLES = {
    "_id": "42",
    "userId": "42",
    "username": "maria",
    "user": "maria",
    "name": "Maria Rossi",
    "email": "maria@example.com",
    "address": "maria@example.com",
    "password": "correct horse battery staple",
    "authToken": "9HqLlyZOugoStsXCUfD_0YdwnNnunAJF8V47U3QHXSq",
}


class UserStatusCreateSerializer(StrictSerializer):
    """`{"name", "statusType"}`: no other key."""

    field_examples = USER_STATUS_EXAMPLES

    # Missing or null values are the rules' to report (after a taken name, say), so the
    # body lets them through.
    name = OptionalTextField(help_text=NAME_HELP)
    statusType = OptionalTextField(source="status_type", help_text=STATUS_TYPE_HELP)


class UserStatusUpdateSerializer(StrictSerializer):
    """`{"_id", "name", "statusType"}`: no other key; `_id` is required. Without
    `statusType` the status keeps its type (`status_type` is then not in the data), as
    Rocket.Chat's insertOrUpdateUserStatus does and rest-typings allow."""

    field_examples = USER_STATUS_EXAMPLES

    # A null `_id` is let through to the look-up, which finds nothing.
    _id = BodyStringField(source="status_id", help_text="The status to change.")
    name = OptionalTextField(help_text=NAME_HELP)
    statusType = KeptTextField(source="status_type", help_text=KEPT_STATUS_TYPE_HELP)


class UserStatusDeleteSerializer(StrictSerializer):
    """`{"customUserStatusId"}`: no other key."""

    field_examples = USER_STATUS_EXAMPLES

    # Missing, null and "" all fail (`required`, `null`, `blank`): one reply for the three.
    customUserStatusId = BodyStringField(source="status_id", allow_null=False, allow_blank=False)


class LoginCredentialField(serializers.CharField):
    """A login credential: a string, or nothing. Any other JSON value counts as missing,
    so the login fails with Rocket.Chat's 401 rather than a 400."""

    def __init__(self, **kwargs):
        kwargs.update(required=False, allow_null=True, allow_blank=True, default=None)
        super().__init__(trim_whitespace=False, **kwargs)

    def to_internal_value(self, data):
        return data if isinstance(data, str) else None


class RocketChatLoginBodySerializer(StrictSerializer):
    """`{user, password}` (a `user` containing @ is an email), `{username, password}` or
    `{email, password}`. Other keys are ignored."""

    # Validated as `login`, `by_email` and `password`, each None when not given as a string.
    reject_unknown = False
    field_examples = USER_EXAMPLES

    user = LoginCredentialField(help_text="A username, or an email if it has @.")
    username = LoginCredentialField()
    email = LoginCredentialField()
    password = LoginCredentialField()

    def validate(self, attrs):
        login, by_email = attrs["user"], False
        if login is not None:
            by_email = "@" in login
        elif attrs["username"] is not None:
            login = attrs["username"]
        elif attrs["email"] is not None:
            login, by_email = attrs["email"], True
        return {"login": login, "by_email": by_email, "password": attrs["password"]}


# --- query parameters -------------------------------------------------------------------

SORT_FIELDS = {"name": "name", "statusType": "status_type", "_updatedAt": "updated_at", "_id": "id"}
MAX_OFFSET = 2**31 - 1
# `query` keys with equality -> the service's filter names; `name` also takes a regex.
QUERY_EQUALS = {"_id": "status_id", "name": "name_equals", "statusType": "status_type"}
# The longest `$regex` read: names are at most 120 characters, and the admin screen sends
# the search text escaped (each character at most doubled).
QUERY_REGEX_MAX_LENGTH = 512
# Query parameters that DRF itself reads (the renderer override of the browsable API).
DRF_QUERY_PARAMS = frozenset({"format"})
# Parameters whose empty value means "not given", as Rocket.Chat's route reads them (`name ?
# {$regex...} : {}`, `_id ? {_id} : {}`, `if (params.sort)`, `if (params.query)`; its ajv
# schema coerces an empty offset or count to null, which getPaginationItems takes as not
# given): its own admin table sends `name=` until something is typed in its search box.
EMPTY_MEANS_ABSENT = frozenset({"name", "_id", "sort", "query", "offset", "count"})


class PagingSerializer(serializers.Serializer):
    """`offset` and `count` of custom-user-status.list; their defaults and the largest page
    are the paginator's (`statuses.rocketchat.pagination`)."""

    offset = serializers.IntegerField(min_value=0, max_value=MAX_OFFSET, required=False)
    count = serializers.IntegerField(
        min_value=0, required=False, help_text="Default 50, at most 100; 0 means all."
    )


QUERY_HELP = _(
    'Rocket.Chat\'s JSON filter, e.g. {"_id":"<id>"}: equality on _id, name and statusType, '
    'and {"$regex":"...","$options":"i"} on name. Anything else is a 400 invalid-params.'
)


class ListQuerySerializer(PagingSerializer, StrictSerializer):
    """Query parameters of custom-user-status.list; any other parameter is `unknown`.
    `sort` is validated as the ordering to apply (Rocket.Chat's field names mapped to the
    model's, ties broken by id); `query` as the service's filters (`status_id`,
    `name_equals`, `status_type`, `name_pattern`). An empty parameter of
    EMPTY_MEANS_ABSENT is not given."""

    default_error_messages = {
        "invalid_sort": _('Invalid sort parameter provided: "{sort}"'),
        "query_not_object": _("must be a JSON object"),
        "query_key": _('"{key}" is not a supported key'),
        "query_value": _('the value of "{key}" must be a string or, on name, a $regex'),
        "query_regex": _("not a valid regular expression: {reason}"),
        "query_regex_options": _('$options must be "i" or ""'),
        "query_regex_length": _("$regex is longer than {max} characters"),
    }

    sort = serializers.CharField(required=False, help_text='JSON such as {"name":1}; 1 or -1.')
    name = serializers.CharField(required=False, help_text="Case-insensitive substring.")
    _id = serializers.CharField(required=False)
    query = serializers.CharField(required=False, help_text=QUERY_HELP)

    def _query_error(self, message, **params):
        raise ValidationError(self.error_messages[message].format(**params), code="invalid_query")

    def validate_query(self, value):
        try:
            query = json.loads(value)
        except ValueError:
            query = None
        if not isinstance(query, dict):
            self._query_error("query_not_object")
        filters = {}
        for key, condition in query.items():
            if key not in QUERY_EQUALS:
                self._query_error("query_key", key=key)
            if isinstance(condition, str):
                filters[QUERY_EQUALS[key]] = condition
            elif key == "name" and isinstance(condition, dict):
                filters["name_pattern"] = self._regex(condition)
            else:
                self._query_error("query_value", key=key)
        return filters

    def _regex(self, condition):
        """`{"$regex": str, "$options": "i"}` compiled (`$options` may be left out)."""
        extra = [key for key in condition if key not in ("$regex", "$options")]
        if extra or not isinstance(condition.get("$regex"), str):
            self._query_error("query_key", key=(extra or ["$regex"])[0])
        options = condition.get("$options", "")
        if options not in ("i", ""):
            self._query_error("query_regex_options")
        pattern = condition["$regex"]
        if len(pattern) > QUERY_REGEX_MAX_LENGTH:
            self._query_error("query_regex_length", max=QUERY_REGEX_MAX_LENGTH)
        # RE2, not Python's `re`: it runs in time linear in the name's length whatever the
        # pattern, so a pattern such as `(a+)+$` cannot make a request backtrack for minutes
        # (ReDoS). It has no backreferences or lookaround, which the admin screen's escaped
        # search text never uses; such a pattern is refused as not valid.
        compile_options = re2.Options()
        compile_options.case_sensitive = options != "i"
        compile_options.log_errors = False
        try:
            return re2.compile(pattern, compile_options)
        except re2.error as exc:
            reason = exc.args[0] if exc.args else exc
            if isinstance(reason, bytes):
                reason = reason.decode("utf-8", "replace")
            self._query_error("query_regex", reason=reason)

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
            raise ValidationError(
                self.error_messages["invalid_sort"].format(sort=value), code="invalid_sort"
            )
        order = [("" if val == 1 else "-") + SORT_FIELDS[key] for key, val in sort.items()]
        return [*order, "id"]

    def validate(self, attrs):
        """The filters for the service under `filters`. As in Rocket.Chat's route, the
        `_id` and `name` parameters take the place of the same key in `query`."""
        filters = dict(attrs.pop("query", {}))
        if "_id" in attrs:
            filters["status_id"] = attrs.pop("_id")
        if "name" in attrs:
            filters.pop("name_equals", None)
            filters.pop("name_pattern", None)
            filters["name"] = attrs.pop("name")
        return {**attrs, "filters": filters}

    def to_internal_value(self, data):
        data = {
            key: data.get(key)
            for key in data
            if key not in DRF_QUERY_PARAMS
            and not (key in EMPTY_MEANS_ABSENT and data.get(key) == "")
        }
        try:
            return super().to_internal_value(data)
        except ValidationError as exc:
            sort = exc.detail.get("sort") if isinstance(exc.detail, dict) else None
            if sort and sort[0].code == "invalid_sort":
                # An unreadable sort is the one error reported, whatever else is wrong.
                raise ValidationError({"sort": sort}) from None
            raise


# --- replies ----------------------------------------------------------------------------


def millisecond_text(value):
    """ISO 8601 in UTC with milliseconds, as Rocket.Chat writes times."""
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class MillisecondDateTimeField(serializers.DateTimeField):
    """ISO 8601 in UTC with milliseconds, as Rocket.Chat's `_updatedAt`."""

    def to_representation(self, value):
        return millisecond_text(value)


class UserStatusReply(TypedDict):
    """A custom user status as Rocket.Chat returns it (the schema of the replies, which
    are written by user_status_data and user_status_rows)."""

    _id: Annotated[str, serializers.CharField(source="id")]
    name: str
    statusType: Annotated[str, serializers.CharField(source="status_type")]
    _updatedAt: Annotated[str, MillisecondDateTimeField(source="updated_at")]


# The documentation of a UserStatusReply (the OpenAPI component `UserStatus`).
UserStatusSerializer = reply_serializer(
    UserStatusReply, examples=USER_STATUS_EXAMPLES, component="UserStatus"
)

# The columns of a UserStatusReply, in the order of its keys.
USER_STATUS_COLUMNS = shape_columns(UserStatusReply)


def user_status_data(status: UserStatus) -> UserStatusReply:
    """One status as UserStatusSerializer(status).data, without building the serializer."""
    return {
        "_id": status.id,
        "name": status.name,
        "statusType": status.status_type,
        "_updatedAt": millisecond_text(status.updated_at),
    }


def user_status_rows(rows) -> list[UserStatusReply]:
    """Rows of USER_STATUS_COLUMNS (from `values_list`) as UserStatusSerializer(many=True)
    writes the statuses: no model instances, no DRF fields."""
    return [
        {
            "_id": pk,
            "name": name,
            "statusType": status_type,
            "_updatedAt": millisecond_text(updated_at),
        }
        for pk, name, status_type, updated_at in rows
    ]


class RocketChatStatusListSerializer(serializers.Serializer):
    field_examples = {"count": 2, "offset": 0, "total": 2}

    statuses = UserStatusSerializer(many=True)
    count = serializers.IntegerField(help_text="Items in this page.")
    offset = serializers.IntegerField()
    total = serializers.IntegerField()
    success = serializers.BooleanField()


class RocketChatStatusReplySerializer(serializers.Serializer):
    customUserStatus = UserStatusSerializer()
    success = serializers.BooleanField()


class RocketChatSuccessSerializer(serializers.Serializer):
    success = serializers.BooleanField()


class RocketChatEmailSerializer(serializers.Serializer):
    field_examples = USER_EXAMPLES

    address = serializers.CharField()
    verified = serializers.BooleanField()


class RocketChatUserSettingsSerializer(serializers.Serializer):
    field_examples = {"profile": {}, "preferences": {}, "calendar": {}}

    profile = serializers.DictField(help_text="Always empty.")
    preferences = serializers.DictField(help_text="Always empty.")
    calendar = serializers.DictField(help_text="Always empty.")


class RocketChatMeSerializer(serializers.Serializer):
    """The caller, as Rocket.Chat's /me returns it (`IMeApiUser` of
    `@rocket.chat/core-typings`; never a password or secret)."""

    field_examples = {
        **USER_EXAMPLES,
        "roles": ["user"],
        "status": "online",
        "statusConnection": "online",
        "utcOffset": 0,
        "avatarUrl": "https://portal.example.com/avatar/maria",
        "createdAt": "2026-01-15T08:00:00.000Z",
        "lastLogin": "2026-11-21T14:05:12.345Z",
    }

    _id = serializers.CharField()
    username = serializers.CharField()
    name = serializers.CharField()
    emails = RocketChatEmailSerializer(many=True)
    email = serializers.CharField(required=False, help_text="Only when the user has one.")
    roles = serializers.ListField(child=serializers.CharField())
    active = serializers.BooleanField()
    status = serializers.CharField(help_text='Always "online".')
    statusConnection = serializers.CharField(help_text='Always "online".')
    utcOffset = serializers.IntegerField()
    avatarUrl = serializers.URLField()
    isOAuthUser = serializers.BooleanField()
    settings = RocketChatUserSettingsSerializer()
    createdAt = MillisecondDateTimeField()
    lastLogin = MillisecondDateTimeField(required=False)
    success = serializers.BooleanField(required=False)


class RocketChatLoginDataSerializer(serializers.Serializer):
    field_examples = USER_EXAMPLES

    userId = serializers.CharField()
    authToken = serializers.CharField()
    me = RocketChatMeSerializer()


class RocketChatLoginReplySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["success"])
    data = RocketChatLoginDataSerializer()
    success = serializers.BooleanField()


class RocketChatLoginFailedSerializer(serializers.Serializer):
    field_examples = {"error": "Unauthorized", "message": "Unauthorized"}

    status = serializers.ChoiceField(choices=["error"])
    error = serializers.CharField(default="Unauthorized")
    message = serializers.CharField(default="Unauthorized")
    success = serializers.BooleanField(default=False)


class RocketChatLogoutMessageSerializer(serializers.Serializer):
    field_examples = {"message": "You've been logged out!"}

    message = serializers.CharField()


class RocketChatLogoutReplySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["success"])
    data = RocketChatLogoutMessageSerializer()


def me_payload(user, *, request):
    """The Rocket.Chat user object for `user`: every key that `IMeApiUser` requires, and
    only keys it names."""
    roles = ["admin", "user"] if user.is_superuser else ["user"]
    stamp = MillisecondDateTimeField()
    me = {
        "_id": str(user.pk),
        "username": user.get_username(),
        "name": user.get_full_name() or user.get_username(),
        "emails": [{"address": user.email, "verified": False}] if user.email else [],
        "roles": roles,
        "active": user.is_active,
        "status": "online",
        "statusConnection": "online",
        "utcOffset": 0,
        # Where Rocket.Chat serves the avatar; the portal has none (docs/contracts).
        "avatarUrl": request.build_absolute_uri("/avatar/" + quote(user.get_username(), safe="")),
        "isOAuthUser": False,
        "settings": {"profile": {}, "preferences": {}, "calendar": {}},
        "createdAt": stamp.to_representation(user.date_joined),
    }
    if user.email:
        me["email"] = user.email
    if user.last_login:
        me["lastLogin"] = stamp.to_representation(user.last_login)
    return me
