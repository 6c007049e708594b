"""LivePerson's request and reply shapes: the one place its input is checked.

Lengths, choices and the text's character rules come from the model, in LivePerson's
words. Other keys of a reason body (`id` on create, `deleted`) are ignored, as LivePerson
ignores them.
"""

from collections.abc import Iterable, Mapping
from typing import TypedDict

from django.core.validators import MaxLengthValidator
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.ids import parse_digits
from core.serializers import (
    IdField,
    StrictBooleanField,
    StrictCharField,
    StrictIntegerField,
    StrictSerializer,
    VisibleNameField,
)
from core.shapes import reply_serializer, shape_keys
from reasons.models import (
    ORDER_MAX,
    ORDER_MIN,
    ORDER_OUT_OF_RANGE,
    STATE_INVALID,
    TEXT_CHARACTER_RULES,
    TEXT_MAX_LENGTH,
    TEXT_REQUIRED,
    TEXT_TOO_LONG,
    StatusReason,
)
from reasons.services import MAX_ITEMS

ID_INVALID = _("id must be a positive integer")
ID_CODES = ("required", "null", "invalid", "min_value", "max_value", "max_string_length")


def is_many(data) -> bool:
    """Whether a one-or-many body is read as an array: anything but one object is (and
    is refused unless it is an array)."""
    return not isinstance(data, Mapping)


# Examples for the API documentation (core.schema.PortalAutoSchema).
REASON_EXAMPLES = {"id": 1234, "text": "Lunch", "order": 1}
# A bearer, csrf or session id: 64 hexadecimal digits.
TOKEN_EXAMPLE = "3f9a0c2e7b1d4e6f8a5c9b2d0e7f1a3c5b8d2e4f6a9c1b3d5e7f9a2c4b6d8e0f"  # noqa: S105
LOGIN_EXAMPLES = {
    "username": "maria",
    "password": "correct horse battery staple",
    "loginName": "maria",
    "userId": "42",
    "userPrivileges": [25, 26, 27, 28],
    "serverCurrentTime": 1795269912345,
    "timeDiff": 0,
    "serverTimeZoneName": "UTC",
    "serverTimeGMTDiff": 0,
    "accountTimeZoneId": "UTC",
    "account": "acme",
    "baseURI": "portal.example.com",
    "service": "accountConfigReadWrite",
    "revision": 0,
    "csrf": TOKEN_EXAMPLE,
    "wsuk": "482617390512847361",
    "sessionTTl": "86400000",
    "bearer": TOKEN_EXAMPLE,
}


class ReasonReply(TypedDict):
    """A status reason as LivePerson returns it (its schema; the replies are made by
    reason_reply and reason_replies, which give the same dicts without DRF's per-field
    work)."""

    id: int
    text: str
    state: str
    enabled: bool
    deleted: bool
    order: int


# The documentation of a ReasonReply (the OpenAPI component `Reason`).
ReasonSerializer = reply_serializer(
    ReasonReply, model=StatusReason, examples=REASON_EXAMPLES, component="Reason"
)

# The columns of a ReasonReply, in the order of its keys.
REASON_FIELDS = shape_keys(ReasonReply)


def reason_reply(reason: StatusReason) -> ReasonReply:
    """ReasonSerializer(reason).data, as a plain dict."""
    return {
        "id": reason.pk,
        "text": reason.text,
        "state": reason.state,
        "enabled": reason.enabled,
        "deleted": reason.deleted,
        "order": reason.order,
    }


def reason_replies(rows: Iterable[tuple]) -> list[ReasonReply]:
    """ReasonSerializer(reasons, many=True).data from rows of the REASON_FIELDS columns
    (values_list), as plain dicts."""
    return [dict(zip(REASON_FIELDS, row, strict=True)) for row in rows]


class ReasonTextField(VisibleNameField):
    """A reason's text: trimmed, something visible in it, then (the first rule it breaks)
    at most the model's length, no control characters, no `<` or `>`."""

    def __init__(self, **kwargs):
        length = MaxLengthValidator(TEXT_MAX_LENGTH, message=TEXT_TOO_LONG)
        super().__init__(validators=[length, *TEXT_CHARACTER_RULES], **kwargs)


class ReasonListSerializer(serializers.ListSerializer):
    """An array body: 1 to MAX_ITEMS items, refused as a whole in LivePerson's words."""

    default_error_messages = {
        "not_a_list": _("The body must be a JSON array"),
        "empty": _("The array must not be empty"),
        "max_length": format_lazy(_("At most {max} items in one request"), max=MAX_ITEMS),
    }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("allow_empty", False)
        kwargs.setdefault("max_length", MAX_ITEMS)
        super().__init__(*args, **kwargs)

    def run_validation(self, data=serializers.empty):
        if data is None:  # no array either (DRF would say "No data provided")
            self.fail("not_a_list")
        return super().run_validation(data)


class ObjectShapeSerializer(StrictSerializer):
    """Any JSON object: the shape of a one-reason body, checked before `If-Match`."""

    reject_unknown = False


class ArrayShapeSerializer(ReasonListSerializer):
    """Any JSON array: the shape of an array body, checked before `If-Match` (its length
    and items after)."""

    child = serializers.JSONField(allow_null=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, allow_empty=True, max_length=None, **kwargs)


class ReasonWriteSerializer(StrictSerializer):
    """The body of a create or full-replace update (or, in an array, of a bulk create)."""

    reject_unknown = False
    field_examples = REASON_EXAMPLES

    text = ReasonTextField(
        help_text="Trimmed; no control chars, < or >.",
        error_messages=dict.fromkeys(("required", "null", "blank", "invalid"), TEXT_REQUIRED),
    )
    state = serializers.ChoiceField(
        choices=StatusReason.State.choices,
        error_messages=dict.fromkeys(("required", "null", "invalid_choice"), STATE_INVALID),
    )
    enabled = StrictBooleanField(
        default=True,
        error_messages=dict.fromkeys(("invalid", "null"), _("enabled must be true or false")),
    )
    order = StrictIntegerField(
        required=False,
        allow_null=True,
        min_value=ORDER_MIN,
        max_value=ORDER_MAX,
        help_text="The position asked for (1 is the first; clamped to the list, the other "
        "reasons make room). Items created without one go before all existing items; an "
        "update without one keeps the reason's place.",
        error_messages={
            "invalid": _("order must be an integer"),
            "min_value": ORDER_OUT_OF_RANGE,
            "max_value": ORDER_OUT_OF_RANGE,
        },
    )

    class Meta:
        list_serializer_class = ReasonListSerializer


class ReasonChangeListSerializer(ReasonListSerializer):
    """A bulk update's array. LivePerson reports the items' ids only once every item's
    other fields are right."""

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as exc:
            errors = exc.detail
            if isinstance(errors, dict) and any(
                isinstance(item, dict) and set(item) - {"id"} for item in errors.values()
            ):
                errors = {
                    index: fields
                    for index, item in errors.items()
                    if (fields := {k: v for k, v in item.items() if k != "id"})
                }
            raise serializers.ValidationError(errors) from None


class ReasonBulkUpdateItemSerializer(ReasonWriteSerializer):
    """One item of a bulk update: a full reason body with the `id` of the reason."""

    id = IdField(error_messages=dict.fromkeys(ID_CODES, ID_INVALID))

    class Meta:
        list_serializer_class = ReasonChangeListSerializer


class ReasonIdListSerializer(ReasonListSerializer):
    """A bulk delete's body: an array of reason ids."""

    child = IdField(error_messages=dict.fromkeys(ID_CODES, ID_INVALID))


class IfMatchField(serializers.Field):
    """The `If-Match` header: a revision, bare or quoted, weak (`W/"3"`) or not. `-1` means
    "any revision", that is no check (None)."""

    default_error_messages = {"invalid": _("If-Match must be a revision number")}

    def to_internal_value(self, data):
        raw = str(data).strip().removeprefix("W/").strip('"')
        if raw == "-1":
            return None
        revision = parse_digits(raw)
        if revision is None:
            self.fail("invalid")
        return revision


class PreconditionSerializer(StrictSerializer):
    """The request headers a write reads (`data=request.headers`): `If-Match`."""

    reject_unknown = False

    def get_fields(self):
        return {"If-Match": IfMatchField(source="if_match", required=False)}


class CredentialField(StrictCharField):
    """A username or password. LivePerson answers a missing one, or one that is not a
    string, as it answers wrong credentials (401), so it reads as empty."""

    def run_validation(self, data=serializers.empty):
        return data if isinstance(data, str) else ""


class LivePersonLoginBodySerializer(StrictSerializer):
    """The login body; other keys are ignored."""

    reject_unknown = False
    field_examples = LOGIN_EXAMPLES

    username = CredentialField()
    password = CredentialField()


# The keys that make a login body an Application Login (an API key's four values).
APP_LOGIN_KEYS = ("appKey", "secret", "accessToken", "accessTokenSecret")


def is_application_login(data) -> bool:
    """Whether a login body is an Application Login (it carries an API key), as LivePerson
    tells them apart; otherwise it is a user login (username and password)."""
    return isinstance(data, Mapping) and any(key in data for key in APP_LOGIN_KEYS)


class LivePersonAppLoginBodySerializer(StrictSerializer):
    """The Application Login body (LivePerson's Login Service, as `node-agent-sdk` sends
    it): the username of the user the key signs in as and the key's four values; other
    keys are ignored. A missing value, or one that is not a string, is a wrong credential
    (401)."""

    reject_unknown = False
    field_examples = {
        "username": "reporting-bot",
        "appKey": "0123456789abcdef0123456789abcdef",
        "secret": "fedcba9876543210fedcba9876543210",
        "accessToken": "00112233445566778899aabbccddeeff",
        "accessTokenSecret": "ffeeddccbbaa99887766554433221100",
    }

    username = CredentialField(help_text="The user the API key signs in as.")
    appKey = CredentialField(help_text="The API key's app key (OAuth 1.0a consumer key).")
    secret = CredentialField(help_text="The app key's secret.")
    accessToken = CredentialField(help_text="The API key's access token.")
    accessTokenSecret = CredentialField(help_text="The access token's secret.")


class LivePersonCsrfBodySerializer(StrictSerializer):
    """The body of a refresh, or of a logout by cookie: `{"csrf": ...}`; other keys are
    ignored. A missing csrf, or one that is not a string, matches no session (401)."""

    reject_unknown = False
    field_examples = LOGIN_EXAMPLES

    csrf = CredentialField(
        required=False,
        help_text="The `csrf` of the login reply; needed with the `Session_id` cookie.",
    )


# --- the login reply (documentation of its shape; the view writes it) ----------------------


class LivePersonLoginConfigSerializer(serializers.Serializer):
    field_examples = LOGIN_EXAMPLES

    loginName = serializers.CharField()
    userId = serializers.CharField()
    userPrivileges = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="The ids of the user's permissions on status reasons (the portal's "
        "privileges; LivePerson's own privilege numbers do not exist here).",
    )
    serverCurrentTime = serializers.IntegerField(help_text="Milliseconds since the epoch.")
    timeDiff = serializers.IntegerField(
        help_text="Account time zone minus server time zone, in milliseconds."
    )
    serverTimeZoneName = serializers.CharField()
    serverTimeGMTDiff = serializers.IntegerField(
        help_text="The server time zone's offset from GMT now, in milliseconds."
    )
    isLPA = serializers.BooleanField(help_text="Always false: no LivePerson staff here.")
    isAdmin = serializers.BooleanField(help_text="Whether the user is a portal superuser.")
    accountTimeZoneId = serializers.CharField()


class LivePersonBaseUriSerializer(serializers.Serializer):
    field_examples = LOGIN_EXAMPLES

    account = serializers.CharField()
    baseURI = serializers.CharField(help_text="Host (and port) of this portal.")
    service = serializers.CharField()


class LivePersonCsdsSerializer(serializers.Serializer):
    baseURIs = LivePersonBaseUriSerializer(many=True)


# --- the Domain API (CSDS): where each service is ------------------------------------------


class DomainServiceSerializer(serializers.Serializer):
    """One service's host for an account, in the Domain API's key order."""

    field_examples = {
        "service": "accountConfigReadWrite",
        "account": "acme",
        "baseURI": "portal.example.com",
    }

    service = serializers.CharField()
    account = serializers.CharField()
    baseURI = serializers.CharField(help_text="Host (and port) of this portal.")


class DomainServicesSerializer(serializers.Serializer):
    """Every service's host for an account."""

    baseURIs = DomainServiceSerializer(many=True)


class LivePersonAgentGroupSerializer(serializers.Serializer):
    field_examples = {"id": 1, "name": "Support"}

    id = serializers.IntegerField()
    deleted = serializers.BooleanField()
    name = serializers.CharField()


class LivePersonAgentGroupsSerializer(serializers.Serializer):
    field_examples = LOGIN_EXAMPLES

    items = LivePersonAgentGroupSerializer(
        many=True, help_text="Always empty: the portal has no agent groups."
    )
    revision = serializers.IntegerField()


class LivePersonAccountDataSerializer(serializers.Serializer):
    agentGroupsData = LivePersonAgentGroupsSerializer()


class LivePersonLoginReplySerializer(serializers.Serializer):
    """LivePerson's User Login reply, in its key order (the bearer last)."""

    field_examples = LOGIN_EXAMPLES

    csrf = serializers.CharField(help_text="Send it in the body of refresh and logout.")
    wsuk = serializers.CharField(
        help_text="A number in a string, new at each login. LivePerson's web-socket user "
        "key; no route of this portal reads it."
    )
    config = LivePersonLoginConfigSerializer()
    csdsCollectionResponse = LivePersonCsdsSerializer()
    accountData = LivePersonAccountDataSerializer()
    sessionTTl = serializers.CharField(
        help_text="The session's lifetime in milliseconds, as a string; refresh restarts it."
    )
    bearer = serializers.CharField(help_text="`Authorization: Bearer <bearer>` elsewhere.")
