"""Zendesk's error bodies, as its REST API writes them and zenpy reads them.

Three shapes, all JSON objects (zenpy calls `.get` on every error body):
- `{"error":"RecordNotFound","description":"Not found"}`: a code and a sentence, for most;
- `{"error":"Couldn't authenticate you"}`: the 401, a sentence alone;
- `{"error":{"title":"Forbidden","message":"..."}}`: the 403;
- `{"error":"RecordInvalid","description":"Record validation errors","details":{FIELD:
  [{"description":"Agent label: cannot be blank","error":"BlankValue"}]}}`: a refused write,
  422, where FIELD is the attribute or `base`.

The domain's codes (statuses.services) and the serializers' field errors become Zendesk's
`error` codes and its `"<Attribute>: <message>"` sentences here. Where a write breaks several
rules, the first in the contract's order decides the reply (`RULES`).
"""

from dataclasses import replace

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api import ApiProblem, ErrorShape
from core.errors import ErrorCode
from statuses.models import ConversationStatus

NOT_AUTHENTICATED = _("Couldn't authenticate you")
FORBIDDEN = _(
    "You do not have access to this page. Please contact the account owner of this help desk "
    "for further help."
)
ROOT_KEY = "custom_status"
PARAMETER_MISSING = _("param is missing or the value is empty: %(param)s")
NOT_FOUND = _("Not found")
RECORD_INVALID = _("Record validation errors")

# The wire's attribute names for the domain's fields, and how a sentence names them.
WIRE_FIELDS = {"name": "agent_label"}
ATTRIBUTES = {
    "agent_label": _("Agent label"),
    "end_user_label": _("End user label"),
    "description": _("Description"),
    "end_user_description": _("End user description"),
    "active": _("Active"),
    "status_category": _("Status category"),
}

# A failure's place in the contract's validation order (CONTRACTS.md §5): the lowest wins.
# (field, kind of failure) -> rank; kinds: "blank", "long", "invalid", "choice".
RULES = {
    ("agent_label", "blank"): 2,
    ("agent_label", "long"): 3,
    ("end_user_label", "long"): 3.5,
    ("agent_label", "invalid"): 4,
    ("end_user_label", "invalid"): 4.5,
    ("description", "long"): 5,
    ("end_user_description", "long"): 5.5,
    ("description", "invalid"): 5.2,
    ("end_user_description", "invalid"): 5.7,
    ("active", "invalid"): 6,
    ("status_category", "blank"): 7,
    ("status_category", "choice"): 7.5,
}

# A field failure's code (DRF's or the domain's) -> its kind, Zendesk's code and sentence.
BLANK = ("blank", "BlankValue", _("cannot be blank"))
LONG = ("long", "ValueTooLong", _("is too long (maximum is %(limit)s characters)"))
INVALID = ("invalid", "InvalidValue", _("is invalid"))
CHOICE = ("choice", "InvalidValue", _("is not included in the list"))
FAILURES = {
    "required": BLANK,
    "null": BLANK,
    "blank": BLANK,
    ErrorCode.BLANK: BLANK,
    "max_length": LONG,
    "invalid_choice": CHOICE,
}

# Domain refusals that Zendesk reports on `base`, by (code, a telling param).
DEFAULT_PROTECTED = {
    "update": _("Cannot update default conversation status"),
    "delete": _("Cannot delete default conversation status"),
}
DEFAULT_INACTIVE = _("A default ticket status must be active")
NEW_SINGLE = _("The New status category can only have one ticket status")
TOO_MANY_TOTAL = _("You can't have more than %(limit)s custom ticket statuses")
TOO_MANY_IN_CATEGORY = _(
    "You can't have more than %(limit)s custom ticket statuses in the %(status_category)s "
    "status category"
)
# The domain's refusals of a write that name no field: Zendesk reports them on `base`.
DOMAIN_REFUSALS = frozenset(
    {
        ErrorCode.DEFAULT_PROTECTED,
        ErrorCode.INACTIVE,
        ErrorCode.TOO_MANY,
        ErrorCode.DUPLICATE,
        ErrorCode.NAME_TAKEN,
    }
)
TWO_IN_ONE_CATEGORY = _("Only one default ticket status per status category can be given")
NAME_TAKEN = _("has already been taken")

# Zendesk's code for each kind of problem that is not a refused write.
CODES = {
    "media_type": "UnsupportedMediaType",
    "not_found": "RecordNotFound",
    "method": "MethodNotAllowed",
    "not_acceptable": "NotAcceptable",
    "too_large": "RequestTooLarge",
    "throttled": "TooManyRequests",
    "server": "InternalServerError",
    "unavailable": "ServiceUnavailable",
}


class ZendeskErrorSerializer(serializers.Serializer):
    """Schema of Zendesk's error body: a code and a sentence."""

    field_examples = {"error": "RecordNotFound", "description": "Not found"}

    error = serializers.CharField(help_text="The error code, such as `RecordNotFound`.")
    description = serializers.CharField(required=False)


class ZendeskUnauthenticatedSerializer(serializers.Serializer):
    """Zendesk's 401: `{"error":"Couldn't authenticate you"}`."""

    field_examples = {"error": "Couldn't authenticate you"}

    error = serializers.CharField()


class ZendeskForbiddenDetailSerializer(serializers.Serializer):
    field_examples = {"title": "Forbidden", "message": str(FORBIDDEN)}

    title = serializers.CharField()
    message = serializers.CharField()


class ZendeskForbiddenSerializer(serializers.Serializer):
    """Zendesk's 403: `{"error":{"title":"Forbidden","message":"..."}}`."""

    error = ZendeskForbiddenDetailSerializer()


class ZendeskFieldErrorSerializer(serializers.Serializer):
    field_examples = {"description": "Agent label: cannot be blank", "error": "BlankValue"}

    description = serializers.CharField()
    error = serializers.CharField(
        help_text="`BlankValue`, `InvalidValue`, `ValueTooLong`, `DuplicateValue` or "
        "`LimitExceeded`."
    )


class ZendeskRecordInvalidSerializer(serializers.Serializer):
    """Zendesk's 422: the failed attribute (or `base`) and what is wrong with it."""

    field_examples = {
        "error": "RecordInvalid",
        "description": "Record validation errors",
        "details": {
            "agent_label": [{"description": "Agent label: cannot be blank", "error": "BlankValue"}]
        },
    }

    error = serializers.ChoiceField(choices=["RecordInvalid"])
    description = serializers.CharField()
    details = serializers.DictField(child=ZendeskFieldErrorSerializer(many=True))


def _sentence(field, text, params=None):
    """Zendesk's `"<Attribute>: <message>"`; a failure on `base` is the message alone."""
    text = str(text) % params if params else str(text)
    return text if field == "base" else f"{ATTRIBUTES.get(field, field)}: {text}"


def _failure(field, code, params):
    """(rank, field, Zendesk code, sentence) of one field failure."""
    kind, error, text = FAILURES.get(code, INVALID)
    rank = RULES.get((field, kind), 9)
    return rank, field, error, _sentence(field, text, params)


def _first_field_failure(detail, limits):
    """The failure of a serializer's error dict that comes first in the contract's order."""
    failures = []
    for field, errors in detail.items():
        for error in errors if isinstance(errors, list) else [errors]:
            code = getattr(error, "code", None) or "invalid"
            failures.append(_failure(field, code, {"limit": limits.get(field, "")}))
    return min(failures, default=None)


class ZendeskErrors(ErrorShape):
    """Zendesk's error bodies (module docstring). `unknown_path`: the shape of paths that no
    view answers, where a 404 is `InvalidEndpoint` rather than an unknown record."""

    serializer = ZendeskErrorSerializer
    serializers = {
        401: ZendeskUnauthenticatedSerializer,
        403: ZendeskForbiddenSerializer,
        422: ZendeskRecordInvalidSerializer,
    }
    descriptions = {
        400: "No `custom_status` object in the body (or not JSON), or bad `ids` or filters "
        "— `ParameterMissing` / `InvalidValue`",
        401: "Missing or refused credentials — `Couldn't authenticate you`",
        403: "Authenticated but not allowed — `Forbidden`",
        404: "Unknown id — `RecordNotFound`",
        405: "Method not allowed — `MethodNotAllowed`",
        413: "Body too large — `RequestTooLarge`",
        415: "A body that is not JSON — `UnsupportedMediaType`",
        422: "A refused write — `RecordInvalid`, with the attribute (or `base`) in `details`",
        429: "Too many requests — `TooManyRequests`, with `Retry-After`",
    }

    # The maximum lengths that a `ValueTooLong` sentence quotes, per wire field.
    limits = {
        "agent_label": ConversationStatus.NAME_MAX_LENGTH,
        "end_user_label": ConversationStatus.NAME_MAX_LENGTH,
        "description": ConversationStatus.DESCRIPTION_MAX_LENGTH,
        "end_user_description": ConversationStatus.DESCRIPTION_MAX_LENGTH,
    }

    def __init__(self, *, unknown_path=False):
        self.unknown_path = unknown_path

    def translate(self, problem: ApiProblem) -> ApiProblem:
        kind, code = problem.kind, problem.code
        if code == "invalid_parameter":  # a bad filter or `ids`
            return replace(problem, status=400, code="InvalidValue")
        if kind == "invalid" and isinstance(problem.detail, dict):
            return self._field_problem(problem)
        if kind == "parse" or code == "not_an_object":
            message = str(PARAMETER_MISSING) % {"param": ROOT_KEY}
            return replace(problem, status=400, code="ParameterMissing", message=message)
        if kind == "unauthenticated":
            return replace(problem, message=str(NOT_AUTHENTICATED))
        if kind == "forbidden":
            return replace(problem, message=str(FORBIDDEN))
        if kind == "not_found":
            endpoint = "InvalidEndpoint" if self.unknown_path else "RecordNotFound"
            return replace(problem, code=endpoint, message=str(NOT_FOUND))
        if kind in ("invalid", "conflict") and (problem.field or kind == "conflict"):
            return self._domain_problem(problem)
        if kind == "invalid" and code in DOMAIN_REFUSALS:
            return self._domain_problem(problem)
        return replace(problem, code=CODES.get(kind, "InvalidValue"))

    def _field_problem(self, problem):
        """A serializer's refusal: the first failure in the contract's order, on its field."""
        failure = _first_field_failure(problem.detail, self.limits)
        if failure is None:
            return replace(problem, status=400, code="ParameterMissing")
        _rank, field, error, sentence = failure
        return self._record_invalid(problem, field, error, sentence)

    def _domain_problem(self, problem):
        """A service's refusal, on the wire's attribute or `base`."""
        code, params = problem.code, problem.params
        field = WIRE_FIELDS.get(problem.field, problem.field) or "base"
        if code == ErrorCode.NAME_TAKEN:
            return self._record_invalid(
                problem, "agent_label", "DuplicateValue", _sentence("agent_label", NAME_TAKEN)
            )
        if code == ErrorCode.DEFAULT_PROTECTED:
            text = DEFAULT_PROTECTED.get(params.get("action"), DEFAULT_PROTECTED["update"])
            return self._record_invalid(problem, "base", "InvalidValue", str(text))
        if code == ErrorCode.INACTIVE:
            return self._record_invalid(problem, "base", "InvalidValue", str(DEFAULT_INACTIVE))
        if code == ErrorCode.TOO_MANY:
            if params.get("limit") == 1:
                return self._record_invalid(problem, "base", "InvalidValue", str(NEW_SINGLE))
            text = TOO_MANY_IN_CATEGORY if params.get("status_category") else TOO_MANY_TOTAL
            return self._record_invalid(problem, "base", "LimitExceeded", str(text) % params)
        if code == ErrorCode.DUPLICATE:
            return self._record_invalid(problem, "base", "InvalidValue", str(TWO_IN_ONE_CATEGORY))
        if code == ErrorCode.NOT_FOUND:
            return replace(problem, status=404, code="RecordNotFound", message=str(NOT_FOUND))
        _rank, field, error, sentence = _failure(
            field, code, {"limit": params.get("limit_value", self.limits.get(field, ""))}
        )
        return self._record_invalid(problem, field, error, sentence)

    def _record_invalid(self, problem, field, error, sentence):
        return replace(
            problem,
            status=422,
            code="RecordInvalid",
            message=str(RECORD_INVALID),
            field=field,
            params={**problem.params, "error": error, "sentence": sentence},
        )

    def render(self, problem: ApiProblem) -> dict:
        if problem.status == 401:
            return {"error": problem.message}
        if problem.status == 403:
            return {"error": {"title": "Forbidden", "message": problem.message}}
        body = {"error": problem.code, "description": problem.message}
        if problem.code == "RecordInvalid":
            body["details"] = {
                problem.field: [
                    {"description": problem.params["sentence"], "error": problem.params["error"]}
                ]
            }
        return body


ERRORS = ZendeskErrors()
# Paths under /api/v2/custom_status… that no view answers.
ENDPOINT_ERRORS = ZendeskErrors(unknown_path=True)
