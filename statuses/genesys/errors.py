"""Genesys Cloud's error body, as its Platform API writes it and PureCloudPlatformClientV2
reads it (`models/error_body.py`):

    {"message": "...", "code": "bad.request", "status": 400, "messageWithParams": "...",
     "messageParams": {}, "contextId": "<uuid>", "details": [{"fieldName": "..."}],
     "errors": []}

`contextId` is fresh per reply and `status` repeats the HTTP status. A refused write names
the field in `details` (`languageLabels.fr` for one label); the 30-per-presence limit adds
a `limit` member, as Genesys's own limit errors do.

The domain's codes (statuses.services) and the serializers' field errors become Genesys's
dotted codes here. A body breaking several rules is answered for the first in the
contract's order, which is the order of the write serializers' fields.
"""

import uuid
from dataclasses import replace

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api import ApiProblem, ErrorShape
from core.errors import ErrorCode
from statuses.genesys.serializers import WIRE_LOCALE
from statuses.models import MAX_ACTIVE_PER_PRESENCE

NO_BEARER = _("No authentication bearer token specified in authorization header.")
BAD_CREDENTIALS = _("Invalid login credentials.")
MISSING_PERMISSIONS = _(
    "Unable to perform the requested action. You are missing the following permission(s): "
    "%(permissions)s"
)
NOT_FOUND = _("The requested resource was not found.")
CONFLICT = _("A presence definition with this label already exists.")
UNSUPPORTED_MEDIA_TYPE = _(
    "Unsupported Media Type - Unsupported or incorrect media type, such as an incorrect "
    "Content-Type value in the header."
)
NOT_AN_OBJECT = _("The request body must be a JSON object.")
LIMIT_EXCEEDED = _(
    "A system presence can have at most %(limit)s active presence definitions; %(presence)s "
    "has reached it. Deactivate one first."
)
SYSTEM_IMMUTABLE = _("System presence definitions cannot be changed")
LIMIT_KEY = "presence.definitions.active.per.system.presence"

# Genesys's code for each kind of problem that is not a refused write.
CODES = {
    "parse": "bad.request",
    "invalid": "bad.request",
    "forbidden": "missing.permissions",
    "not_found": "not.found",
    "conflict": "general.conflict",
    "method": "method.not.allowed",
    "not_acceptable": "not.acceptable",
    "media_type": "unsupported.media.type",
    "too_large": "request.entity.too.large",
    "throttled": "too.many.requests",
    "server": "internal.server.error",
    "unavailable": "service.unavailable",
}
# Serializer failure codes that are Genesys's `invalid.value` (a value outside a list);
# every other refusal of a field is `bad.request`.
INVALID_VALUE = frozenset({"invalid_choice", "unknown_locale", "presence_changed"})


class GenesysErrorDetailSerializer(serializers.Serializer):
    field_examples = {"fieldName": "languageLabels.en_US"}

    fieldName = serializers.CharField(help_text="The field the error is about.")


class GenesysLimitSerializer(serializers.Serializer):
    field_examples = {"key": LIMIT_KEY, "namespace": "presence", "value": MAX_ACTIVE_PER_PRESENCE}

    key = serializers.CharField()
    namespace = serializers.CharField()
    value = serializers.IntegerField()


class GenesysErrorSerializer(serializers.Serializer):
    """Genesys Cloud's `ErrorBody`."""

    field_examples = {
        "message": str(NOT_FOUND),
        "code": "not.found",
        "status": 404,
        "messageWithParams": str(NOT_FOUND),
        "messageParams": {},
        "contextId": "4c3e6f2a-5d7b-4e0a-9d8c-1f2e3a4b5c6d",
        "details": [],
        "errors": [],
    }

    message = serializers.CharField()
    code = serializers.CharField(
        help_text="`bad.request`, `invalid.value`, `limit.exceeded`, `authentication.required`, "
        "`bad.credentials`, `missing.permissions`, `not.found`, `general.conflict`, "
        "`unsupported.media.type`, …"
    )
    status = serializers.IntegerField(help_text="The HTTP status again.")
    messageWithParams = serializers.CharField()
    messageParams = serializers.DictField(child=serializers.CharField())
    contextId = serializers.UUIDField(help_text="Fresh for every reply.")
    details = GenesysErrorDetailSerializer(many=True)
    errors = serializers.ListField(child=serializers.DictField())
    limit = GenesysLimitSerializer(required=False, help_text="Only for `limit.exceeded`.")


def _first_failure(detail, prefix=""):
    """(field name as the wire spells it, DRF error) of the first failure of a serializer's
    error dict: the serializers declare their fields in the contract's order, and DRF
    keeps that order. A nested dict is one label's (`languageLabels.fr`)."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = prefix if key == "non_field_errors" else ".".join(filter(None, (prefix, key)))
            found = _first_failure(value, name)
            if found is not None:
                return found
        return None
    if isinstance(detail, list):
        for value in detail:
            found = _first_failure(value, prefix)
            if found is not None:
                return found
        return None
    return prefix, detail


class GenesysErrors(ErrorShape):
    """Genesys Cloud's error body (module docstring)."""

    serializer = GenesysErrorSerializer
    descriptions = {
        400: "A refused body or query — `bad.request`, `invalid.value` (a value outside a "
        "list), or `limit.exceeded` (30 active definitions per system presence)",
        401: "No bearer token — `authentication.required`; a refused one — `bad.credentials`",
        403: "Authenticated but not allowed — `missing.permissions`",
        404: "Unknown id or path — `not.found`",
        405: "Method not allowed — `method.not.allowed`",
        409: "Another definition has this label — `general.conflict`",
        413: "Body too large — `request.entity.too.large`",
        415: "A body that is not JSON — `unsupported.media.type`",
        429: "Too many requests — `too.many.requests`, with `Retry-After`",
    }

    def translate(self, problem: ApiProblem) -> ApiProblem:
        kind, code = problem.kind, problem.code
        if kind == "invalid" and isinstance(problem.detail, dict | list):
            return self._field_problem(problem)
        if kind == "unauthenticated":
            if code == "not_authenticated":
                return replace(problem, code="authentication.required", message=str(NO_BEARER))
            return replace(problem, code="bad.credentials", message=str(BAD_CREDENTIALS))
        if kind == "forbidden":
            permissions = problem.params.get("permissions")
            if not permissions and isinstance(problem.detail, str) and ":" in problem.detail:
                permissions = problem.detail
            message = MISSING_PERMISSIONS % {"permissions": permissions or "presence"}
            return replace(problem, code="missing.permissions", message=str(message))
        if kind == "not_found" or code == ErrorCode.NOT_FOUND:
            return replace(
                problem, status=404, code="not.found", message=str(NOT_FOUND), field=None
            )
        if kind == "media_type":
            return replace(problem, code=CODES[kind], message=str(UNSUPPORTED_MEDIA_TYPE))
        if code == ErrorCode.NAME_TAKEN:
            return replace(
                problem,
                status=409,
                code="general.conflict",
                message=str(CONFLICT),
                field="languageLabels",
            )
        if code == ErrorCode.TOO_MANY:
            params = problem.params
            message = LIMIT_EXCEEDED % {
                "limit": params.get("limit", MAX_ACTIVE_PER_PRESENCE),
                "presence": params.get("system_presence", ""),
            }
            return replace(
                problem,
                status=400,
                code="limit.exceeded",
                message=str(message),
                field="systemPresence",
            )
        if code == "system_definition":
            return replace(problem, status=400, code="bad.request", message=str(SYSTEM_IMMUTABLE))
        if kind == "invalid" and problem.field:
            # A domain rule the serializers did not catch first (a label's characters).
            field = problem.field
            if field in ("name", "label") and problem.params.get("locale"):
                locale = problem.params["locale"]
                field = f"languageLabels.{WIRE_LOCALE.get(locale, locale)}"
            return replace(problem, status=400, code="bad.request", field=field)
        if kind == "parse":
            return replace(problem, code="bad.request")
        return replace(problem, code=CODES.get(kind, "bad.request"))

    def _field_problem(self, problem):
        """A serializer's refusal: the first failure in the contract's order."""
        found = _first_failure(problem.detail)
        if found is None:
            return replace(problem, status=400, code="bad.request")
        field, error = found
        error_code = getattr(error, "code", None) or "invalid"
        if error_code == "not_an_object":
            return replace(
                problem, status=400, code="bad.request", message=str(NOT_AN_OBJECT), field=None
            )
        if error_code == "invalid_parameter":  # a bad query parameter
            code = "invalid.value"
        else:
            code = "invalid.value" if error_code in INVALID_VALUE else "bad.request"
        return replace(problem, status=400, code=code, message=str(error), field=field or None)

    def render(self, problem: ApiProblem) -> dict:
        body = {
            "message": problem.message,
            "code": problem.code,
            "status": problem.status,
            "messageWithParams": problem.message,
            "messageParams": {},
            "contextId": str(uuid.uuid4()),
            "details": [{"fieldName": problem.field}] if problem.field else [],
            "errors": [],
        }
        if problem.code == "limit.exceeded":
            body["limit"] = {
                "key": LIMIT_KEY,
                "namespace": "presence",
                "value": problem.params.get("limit", MAX_ACTIVE_PER_PRESENCE),
            }
        return body


ERRORS = GenesysErrors()
