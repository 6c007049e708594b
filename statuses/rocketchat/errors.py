"""Rocket.Chat's error bodies: `{"success":false,"error":"<message> [<errorType>]",...}`.

The domain codes of statuses.services become Rocket.Chat's `errorType`, text and
`details` here; the shape errors of a body become the wording of Rocket.Chat's parameter
schemas (ajv).
"""

from dataclasses import replace

from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api import ApiProblem, ErrorShape
from core.errors import ErrorCode

NOT_LOGGED_IN = gettext_noop("You must be logged in to do this.")
NOT_PERMITTED = gettext_noop("User does not have the permissions required for this action")

INVALID_PARAMS = "invalid-params"
REQUIRED = "error-the-field-is-required"
NOT_VALID = "error-input-is-not-a-valid-field"
NAME_IN_USE = "Custom_User_Status_Error_Name_Already_In_Use"
INVALID_USER_STATUS = "Custom_User_Status_Error_Invalid_User_Status"

# The method of Rocket.Chat's server that applies the create and update rules.
SAVE_METHOD = "insertOrUpdateUserStatus"
DELETE_METHOD = "deleteCustomUserStatus"

# Domain field -> Rocket.Chat's spelling in `details.field`, and its texts.
FIELDS = {"name": "Name", "status_type": "StatusType"}
REQUIRED_TEXTS = {
    "name": _("The field Name is required"),
    "status_type": _("The field StatusType is required"),
}
NOT_VALID_TEXTS = {
    "name": _("%(value)s is not a valid name"),
    "status_type": _("%(value)s is not a valid status type"),
}

# Serializer codes of a body that breaks its schema -> ajv's wording.
AJV_TEXTS = {
    "not_an_object": _("must be object"),
    "unknown": _("must NOT have additional properties"),
    "required": _("must have required property '%(field)s'"),
    "not_a_string": _("must be string"),
}


class RocketChatErrorSerializer(serializers.Serializer):
    """Schema of a Rocket.Chat error reply."""

    field_examples = {
        "error": f"The custom user status name is already in use [{NAME_IN_USE}]",
        "errorType": NAME_IN_USE,
        "details": {"method": SAVE_METHOD},
    }

    success = serializers.BooleanField(default=False)
    error = serializers.CharField(help_text="The message, then the errorType in brackets.")
    errorType = serializers.CharField(required=False)
    details = serializers.DictField(required=False, help_text="For example method, field, input.")


class RocketChatUnauthorizedSerializer(serializers.Serializer):
    """Schema of Rocket.Chat's reply when the login headers are missing or wrong."""

    field_examples = {"error": NOT_LOGGED_IN, "message": NOT_LOGGED_IN}

    success = serializers.BooleanField(default=False)
    status = serializers.ChoiceField(choices=["error"])
    error = serializers.CharField(default=NOT_LOGGED_IN)
    message = serializers.CharField(default=NOT_LOGGED_IN)


def _failure(
    problem: ApiProblem,
    message: str,
    code: str | None = None,
    *,
    details: dict | None = None,
    status: int = 400,
) -> ApiProblem:
    """The problem as Rocket.Chat reports it: `message [code]`, with `details`."""
    return replace(problem, status=status, message=str(message), code=code, params=details or {})


class RocketChatErrors(ErrorShape):
    """Rocket.Chat's error body; a missing or bad login has a body of its own (401)."""

    serializer = RocketChatErrorSerializer
    serializers = {401: RocketChatUnauthorizedSerializer}
    descriptions = {
        400: "A failed rule or bad params",
        401: "Not logged in: no login headers, or a token that is invalid or expired "
        '(`WWW-Authenticate` then says `error="invalid_token"`)',
        403: "`error-unauthorized`",
        413: "Body too large",
        415: "A body that is not JSON (or a form)",
        429: "`error-too-many-requests`",
    }

    def translate(self, problem: ApiProblem) -> ApiProblem:
        if problem.kind == "unauthenticated":
            return problem
        if problem.kind == "forbidden":
            message = gettext(NOT_PERMITTED)
            return _failure(problem, message, "error-unauthorized", status=problem.status)
        if problem.kind == "parse":
            return _failure(problem, _("The request body is not valid JSON"), INVALID_PARAMS)
        if problem.kind == "throttled":
            return replace(problem, code="error-too-many-requests", params={})
        if problem.kind == "invalid" and isinstance(problem.detail, dict):
            return self._bad_params(problem)
        return self._domain(problem)

    def _bad_params(self, problem: ApiProblem) -> ApiProblem:
        """A serializer's refusal of a body or of query parameters."""
        field, code = problem.field, problem.code
        if field == "customUserStatusId" and code in ("required", "null", "blank"):
            # Rocket.Chat's delete route checks this itself, without an errorType.
            return _failure(problem, _('The "customUserStatusId" params is required!'))
        if code == "invalid_sort":
            # Rocket.Chat's parseJsonQuery helper throws it, and names itself in `details`.
            details = {"helperMethod": "parseJsonQuery"}
            return _failure(problem, problem.message, "error-invalid-sort", details=details)
        if code in AJV_TEXTS:
            details = {
                "unknown": {"additionalProperty": field},
                "not_a_string": {"field": field},
            }.get(code)
            text = AJV_TEXTS[code] % {"field": field}
            return _failure(problem, text, INVALID_PARAMS, details=details)
        # Anything else (a query parameter, a NUL in a form body): DRF's text after the
        # parameter's name.
        return _failure(problem, f"{field}: {problem.message}", INVALID_PARAMS)

    def _domain(self, problem: ApiProblem) -> ApiProblem:
        """A domain code of statuses.services (or a plain HTTP problem, kept as it is)."""
        field, code, params = problem.field, problem.code, problem.params
        if code in (ErrorCode.REQUIRED, ErrorCode.BLANK) and field in FIELDS:
            details = {"method": SAVE_METHOD, "field": FIELDS[field]}
            return _failure(problem, REQUIRED_TEXTS[field], REQUIRED, details=details)
        # The status type's not-a-choice is Django's own rule (`invalid_choice`).
        if code in (ErrorCode.INVALID, ErrorCode.INVALID_CHOICE) and field in FIELDS:
            value = params["value"]
            details = {"method": SAVE_METHOD, "input": value, "field": FIELDS[field]}
            text = NOT_VALID_TEXTS[field] % {"value": value}
            return _failure(problem, text, NOT_VALID, details=details)
        if code == ErrorCode.NAME_TAKEN:
            text = _("The custom user status name is already in use")
            return _failure(problem, text, NAME_IN_USE, details={"method": SAVE_METHOD})
        if code == ErrorCode.NOT_FOUND and params.get("action") == "delete":
            details = {"method": DELETE_METHOD}
            text = _("Invalid user status")
            return _failure(problem, text, INVALID_USER_STATUS, details=details)
        if code == ErrorCode.NOT_FOUND and "id" in params:
            text = _('No custom user status found with the id of "%(id)s".') % params
            return _failure(problem, text)
        return replace(problem, params={})

    def render(self, problem: ApiProblem) -> dict:
        if problem.kind == "unauthenticated":
            message = gettext(NOT_LOGGED_IN)
            return {"success": False, "status": "error", "error": message, "message": message}
        code, message = problem.code, problem.message
        body = {"success": False, "error": f"{message} [{code}]" if code else message}
        if code:
            body["errorType"] = code
        if problem.params:
            body["details"] = problem.params
        return body


ERRORS = RocketChatErrors()
