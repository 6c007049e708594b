"""SelfCommunity's error body, the shape its SDK's `formatHttpError` reads.

Field errors: `{"errors":[{"field":"categories","messages":[{"code":..,"message":..}]}]}`;
anything else: `{"errors":[{"code":"not_authenticated","message":"..."}]}`.

SelfCommunity's server is a DRF application, so its codes and texts are DRF's: a taken
name is `unique`, an unknown id in a list is `does_not_exist` with DRF's own sentence.
`translate` turns the domain's codes into those.
"""

from contextlib import suppress
from dataclasses import replace

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail
from rest_framework.settings import api_settings

from core.api import ApiProblem, ErrorShape
from core.errors import ErrorCode

# SelfCommunity's code for each kind of problem that is not about one field.
CODES = {
    "unauthenticated": "not_authenticated",
    "parse": "parse_error",
    "forbidden": "permission_denied",
    "not_found": "not_found",
    "method": "method_not_allowed",
    "too_large": "too_large",
    "throttled": "throttled",
    "media_type": "unsupported_media_type",
    "not_acceptable": "not_acceptable",
    "unavailable": "service_unavailable",
    "server": "error",
}

# SelfCommunity's code for a domain code on a field, where the two differ.
FIELD_CODES = {
    ErrorCode.NAME_TAKEN: "unique",
    ErrorCode.NOT_FOUND: "does_not_exist",
    ErrorCode.TOO_LARGE: "file_too_large",
}

# SelfCommunity's (DRF's) texts for domain codes on a field, whichever the field.
FIELD_TEXTS = {
    ErrorCode.NOT_FOUND: _('Invalid pk "%(value)s" - object does not exist.'),
    ErrorCode.BLANK: _("This field may not be blank."),
    ErrorCode.REQUIRED: _("This field is required."),
    ErrorCode.EMPTY: _("This list may not be empty."),
}

# SelfCommunity's texts for other domain errors, by (code, params["model"]).
TEXTS = {
    (ErrorCode.NOT_FOUND, "status"): _("Not found."),
}

# An author-only or staff-only action refused: DRF's own sentence, whatever the action.
NOT_PERMITTED = _("You do not have permission to perform this action.")
NOT_JSON = _("The request body is not valid JSON.")


def _messages(detail):
    """Every message of a DRF error detail, nested objects flattened, as {code, message}."""
    if isinstance(detail, dict):
        return [message for value in detail.values() for message in _messages(value)]
    if isinstance(detail, list):
        return [message for value in detail for message in _messages(value)]
    return [{"code": getattr(detail, "code", None) or "invalid", "message": str(detail)}]


def _field_errors(detail):
    """A serializer's errors: one entry per top-level field, whose messages include those of
    a nested object (`location`); non-field errors are plain entries."""
    if isinstance(detail, list):
        return _messages(detail)
    errors = []
    for field, value in detail.items():
        if field == api_settings.NON_FIELD_ERRORS_KEY:
            errors.extend(_messages(value))
        else:
            errors.append({"field": field, "messages": _messages(value)})
    return errors


class SCErrorMessageSerializer(serializers.Serializer):
    field_examples = {"code": "required", "message": "This field is required."}

    code = serializers.CharField(help_text="Machine-readable, such as `required`.")
    message = serializers.CharField()


class SCErrorItemSerializer(serializers.Serializer):
    # A field error has `field` and `messages`; any other error `code` and `message`.
    field_examples = {"field": "categories", "code": "not_found", "message": "Not found."}

    field = serializers.CharField(
        required=False, help_text="For field errors: the top-level request field."
    )
    messages = SCErrorMessageSerializer(many=True, required=False, help_text="For field errors.")
    code = serializers.CharField(required=False, help_text="For other errors.")
    message = serializers.CharField(required=False, help_text="For other errors.")


class SCErrorsSerializer(serializers.Serializer):
    """Schema of a SelfCommunity error reply."""

    errors = SCErrorItemSerializer(many=True)


class SelfCommunityErrors(ErrorShape):
    """Every SelfCommunity error is a list under `errors`: field errors name their field."""

    serializer = SCErrorsSerializer
    descriptions = {
        400: "Field errors (`field` + `messages`) or a malformed body (`parse_error`)",
        401: "No bearer token — `not_authenticated`; an invalid, expired or revoked one "
        '— `authentication_failed`, with `WWW-Authenticate: Bearer error="invalid_token"`',
        403: "Authenticated but not allowed — `permission_denied`",
        404: "Unknown id — `not_found`",
        405: "Method not allowed — `method_not_allowed`",
        413: "Body or file too large — `too_large`",
        415: "A body that is not JSON (media also take forms) — `unsupported_media_type`",
        429: "Too many requests — `throttled`",
    }

    def translate(self, problem: ApiProblem) -> ApiProblem:
        if problem.kind == "invalid" and isinstance(problem.detail, dict | list):
            # A serializer's errors are SelfCommunity's (DRF's) already, but for a body that
            # is not an object: SCBodySerializer words it as DRF does, whose code is `invalid`.
            if problem.code == "not_an_object":
                detail = [ErrorDetail(problem.message, code="invalid")]
                return replace(problem, code="invalid", detail=detail)
            return problem
        if problem.field:
            return self._field_error(problem)
        code = CODES.get(problem.kind) or problem.code or "error"
        if problem.kind == "unauthenticated" and problem.code == "authentication_failed":
            code = "authentication_failed"
        message = TEXTS.get((problem.code, problem.params.get("model")), problem.message)
        if problem.kind == "forbidden" and "action" in problem.params:
            message = NOT_PERMITTED  # the author-only and staff-only actions on a status
        elif problem.kind == "parse":
            message = NOT_JSON
        return replace(problem, code=code, message=str(message))

    def _field_error(self, problem: ApiProblem) -> ApiProblem:
        """A domain error on one field, with DRF's code and text for it where they differ."""
        code = problem.code or "invalid"
        message = problem.message
        if code in FIELD_TEXTS:
            # Should a param the text quotes be missing, the domain's message stands.
            with suppress(KeyError, TypeError):
                message = str(FIELD_TEXTS[code]) % problem.params
        # A taken name is a field error like any other in SelfCommunity: a 400, not a 409.
        status = 400 if code == ErrorCode.NAME_TAKEN else problem.status
        return replace(problem, status=status, code=FIELD_CODES.get(code, code), message=message)

    def render(self, problem: ApiProblem) -> dict:
        if problem.kind == "invalid" and isinstance(problem.detail, dict | list):
            return {"errors": _field_errors(problem.detail)}
        if problem.field:
            messages = [{"code": problem.code, "message": problem.message}]
            return {"errors": [{"field": problem.field, "messages": messages}]}
        return {"errors": [{"code": problem.code, "message": problem.message}]}


ERRORS = SelfCommunityErrors()
