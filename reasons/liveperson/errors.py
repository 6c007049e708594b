"""LivePerson's two error bodies.

The reason routes (Account Config): `{"message": "...", "errors": [{"field": ..., "message":
...}]}` (`ERRORS`). For an array body a field names its item, as in `[2].text`: from the
index of a service's ItemError, or from the item a list serializer found the error in.

The Login Service routes (login, refresh, logout): `{"error": {"time", "message",
"internalCode", "responseStatus"}}` (`LOGIN_ERRORS`).
"""

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from http import HTTPStatus

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.settings import api_settings

from core.api import ApiProblem, ErrorShape, first_error_message
from core.errors import ErrorCode, ItemError

# LivePerson's words for what went wrong before any rule of the domain was asked.
TEXTS = {
    "parse": _("Malformed JSON in the request body"),
    "unauthenticated": _("Authentication required"),
    "forbidden": _("Not authorized"),
}
# A path's accountId that is not a LivePerson site id (LivePerson: "Validation fail error
# code: 400").
ACCOUNT_ID_INVALID = _("accountId must be 1 to 20 letters, digits or _")
# A body that is not one JSON object: the whole body, or one item of an array body.
BODY_NOT_AN_OBJECT = _("The body must be a JSON object")
ITEM_NOT_AN_OBJECT = _("must be a JSON object")
# Statuses of the domain codes that are not the service error's own.
STATUSES = {ErrorCode.INVALID_CREDENTIALS: 401}


@dataclass(frozen=True)
class BodyItemError:
    """A serializer's refusal of one field of the body or of one item of an array body:
    rendered as a service's ItemError, but its code is the serializer's (DRF's), not a
    domain code."""

    index: int | None
    field: str | None
    code: str
    message: str


class LivePersonFieldErrorSerializer(serializers.Serializer):
    field_examples = {"field": "[2].text", "message": "text already exists"}

    field = serializers.CharField(help_text="For an array body, names the item: `[2].text`.")
    message = serializers.CharField()


class LivePersonErrorSerializer(serializers.Serializer):
    """Schema of LivePerson's error body."""

    field_examples = {"message": "text already exists"}

    message = serializers.CharField()
    errors = LivePersonFieldErrorSerializer(many=True)


def _code(detail) -> str:
    """The code of the first error in a piece of a ValidationError's detail."""
    while isinstance(detail, dict | list):
        if not detail:
            return "invalid"
        detail = next(iter(detail.values())) if isinstance(detail, dict) else detail[0]
    return getattr(detail, "code", None) or "invalid"


def _item_errors(index: int | None, detail) -> list[BodyItemError]:
    """The errors of one object (the body, or the item `index` of an array body): the
    first message of each field, in the serializer's field order."""
    if isinstance(detail, list):  # an item that is a bare value, such as an id
        return [BodyItemError(index, None, _code(detail), first_error_message(detail))]
    errors = []
    for field, messages in detail.items():
        code = _code(messages)
        if field == api_settings.NON_FIELD_ERRORS_KEY:
            message = ITEM_NOT_AN_OBJECT if code == "not_an_object" else None
            errors.append(
                BodyItemError(index, None, code, str(message or first_error_message(messages)))
            )
        else:
            errors.append(BodyItemError(index, field, code, first_error_message(messages)))
    return errors


def _problem_of_detail(problem: ApiProblem) -> ApiProblem:
    """A serializer's ValidationError: one error per field, `[i].field` inside an array."""
    detail = problem.detail
    if isinstance(detail, list):  # raised about the body as a whole
        detail = {api_settings.NON_FIELD_ERRORS_KEY: detail}
    whole = detail.get(api_settings.NON_FIELD_ERRORS_KEY)
    if whole is not None:  # the body as a whole: not an object or array, an empty array...
        code = _code(whole)
        message = BODY_NOT_AN_OBJECT if code == "not_an_object" else first_error_message(whole)
        return replace(problem, message=str(message), field=None, items=(), code=code)
    items = []
    for key, value in detail.items():
        if isinstance(key, int):  # an item of an array body (DRF's dict form of list errors)
            items.extend(_item_errors(key, value))
        else:
            items.extend(_item_errors(None, {key: value}))
    if not items:
        return problem
    return replace(problem, message=items[0].message, field=None, items=tuple(items))


class LivePersonErrors(ErrorShape):
    """Every LivePerson error is one message plus the fields it concerns."""

    serializer = LivePersonErrorSerializer
    descriptions = {
        400: "Bad input; `errors` names each field (`[2].text` for an array item, "
        "`accountId` for a path's malformed account id)",
        401: "Not authenticated: no credential, or a bearer, session or API key signature "
        "that is unknown, expired, revoked or replayed",
        403: "Not a member of this account, another account's bearer or API key, no "
        "permission, or a read-only API key on a write",
        404: "Unknown or deleted id",
        409: "Text already used, or a stale If-Match revision; nothing written",
        413: "Body too large",
        415: "A body in a media type the route does not read (JSON, or the browsable API's forms)",
        429: "Too many login attempts from this address; `Retry-After` says when to retry",
    }

    def translate(self, problem: ApiProblem) -> ApiProblem:
        if problem.kind in TEXTS:
            return replace(problem, message=str(TEXTS[problem.kind]), field=None, items=())
        if problem.code in STATUSES:
            return replace(problem, status=STATUSES[problem.code])
        if problem.kind == "invalid" and isinstance(problem.detail, dict | list):
            return _problem_of_detail(problem)
        return problem

    def render(self, problem: ApiProblem) -> dict:
        if problem.items:
            errors = [
                {"field": _path(item), "message": item.message}
                for item in problem.items
                if item.index is not None or item.field
            ]
        elif problem.field:
            errors = [{"field": problem.field, "message": problem.message}]
        else:
            errors = []
        return {"message": problem.message, "errors": errors}


def _path(item: ItemError | BodyItemError) -> str:
    """`text` for the body, `[2].text` for a field of an array's item, `[2]` for the item."""
    if item.index is None:
        return item.field
    return f"[{item.index}].{item.field}" if item.field else f"[{item.index}]"


ERRORS = LivePersonErrors()


# --- the Login Service ----------------------------------------------------------------------

# LivePerson's text for a csrf that is not the session's (its Login Service docs, Refresh
# and Logout), and its internal code; no other internal code is documented.
CSRF_INVALID = _(
    "CSRF token invalid! The CSRF token on request does not match the CSRF token on the session"
)
INTERNAL_CODES = {ErrorCode.CSRF_INVALID: 10}
# What `internalCode` says when LivePerson documents no code for the error.
NO_INTERNAL_CODE = 0
LOGIN_TEXTS = {
    **TEXTS,
    "unauthenticated": _("Bad Authentication (invalid site or agent)"),
}
# `responseStatus`: the name of the HTTP status, as LivePerson's Java server spells it.
RESPONSE_STATUSES = {413: "REQUEST_ENTITY_TOO_LARGE"}


class LoginServiceErrorDetailSerializer(serializers.Serializer):
    field_examples = {
        "time": "2026-11-21T14:05:12Z",
        "message": "CSRF token invalid! The CSRF token on request does not match the CSRF "
        "token on the session",
        "internalCode": 10,
        "responseStatus": "UNAUTHORIZED",
    }

    time = serializers.DateTimeField(help_text="When the error happened (ISO 8601, UTC).")
    message = serializers.CharField()
    internalCode = serializers.IntegerField(
        help_text="10: the csrf is not the session's. 0: no specific code."
    )
    responseStatus = serializers.CharField(help_text="The HTTP status's name: `UNAUTHORIZED`.")


class LoginServiceErrorSerializer(serializers.Serializer):
    """Schema of the Login Service's error body."""

    error = LoginServiceErrorDetailSerializer()


def _detail_code(problem: ApiProblem) -> str | None:
    """The code an error was raised with: an AuthenticationFailed's detail carries it."""
    return getattr(problem.detail, "code", None) or problem.code


class LoginServiceErrors(ErrorShape):
    """Every error of login, refresh and logout is one `error` object."""

    serializer = LoginServiceErrorSerializer
    descriptions = {
        400: "Bad input: a body that is not a JSON object, malformed JSON, a malformed "
        "accountId in the path",
        401: "Wrong credentials or API key, or not a member (login); no session, or a csrf "
        "that is not the session's (`internalCode` 10)",
        403: "The session or bearer is another account's",
        404: "A service this portal does not serve (Domain API)",
        413: "Body too large",
        415: "A body in a media type the route does not read",
        429: "Too many login attempts from this address; `Retry-After` says when to retry",
    }

    def translate(self, problem: ApiProblem) -> ApiProblem:
        code = _detail_code(problem)
        if code == ErrorCode.CSRF_INVALID:
            return replace(problem, status=401, code=code, message=str(CSRF_INVALID))
        if problem.code in STATUSES:
            return replace(problem, status=STATUSES[problem.code])
        if problem.kind in LOGIN_TEXTS:
            return replace(problem, message=str(LOGIN_TEXTS[problem.kind]))
        if problem.kind == "invalid" and isinstance(problem.detail, dict | list):
            return _problem_of_detail(problem)
        return problem

    def render(self, problem: ApiProblem) -> dict:
        status = RESPONSE_STATUSES.get(problem.status) or HTTPStatus(problem.status).name
        return {
            "error": {
                "time": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
                "message": problem.message,
                "internalCode": INTERNAL_CODES.get(problem.code, NO_INTERNAL_CODE),
                "responseStatus": status,
            }
        }


LOGIN_ERRORS = LoginServiceErrors()
