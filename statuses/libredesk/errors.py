"""Libredesk's error envelope: {"status":"error","message":...,"data":null,"error_type":...}."""

from dataclasses import replace

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api import ApiProblem, ErrorShape
from core.errors import ErrorCode

ERROR_TYPES = {
    400: "InputException",
    401: "UnauthorizedException",
    403: "PermissionException",
    404: "NotFoundException",
    409: "ConflictException",
    429: "RateLimitException",
    500: "GeneralException",
}

# Libredesk's own texts for the domain codes whose wording its clients see.
TEXTS = {
    (ErrorCode.NAME_TAKEN, None): _("Status name already exists"),
    # The portal's rule for the characters of a name (docs/names.md), in Libredesk's style.
    (ErrorCode.CONTROL, None): _("`name` must not contain control characters"),
    (ErrorCode.ANGLE_BRACKETS, None): _("`name` must not contain < or >"),
    (ErrorCode.DEFAULT_PROTECTED, "update"): _("Cannot update default conversation status"),
    (ErrorCode.DEFAULT_PROTECTED, "delete"): _("Cannot delete default conversation status"),
}


class ErrorEnvelopeSerializer(serializers.Serializer):
    """Schema of Libredesk's error envelope."""

    field_examples = {"message": "Status name already exists", "data": None}

    status = serializers.ChoiceField(choices=["error"])
    message = serializers.CharField()
    data = serializers.JSONField(allow_null=True, default=None, help_text="Always null.")
    error_type = serializers.ChoiceField(choices=sorted(set(ERROR_TYPES.values())))


class LibredeskErrors(ErrorShape):
    """Every Libredesk error is the one envelope; `error_type` follows the HTTP status."""

    serializer = ErrorEnvelopeSerializer
    descriptions = {
        400: "Bad input (unparseable body, a failed rule) — `InputException`",
        401: "Missing or invalid credentials — `UnauthorizedException`",
        403: "Authenticated but not allowed — `PermissionException`",
        404: "Unknown id — `NotFoundException`",
        409: "Name already used — `ConflictException`",
        413: "Body too large — `InputException`",
        415: "A body in a media type the route does not read — `InputException`",
    }

    def translate(self, problem: ApiProblem) -> ApiProblem:
        text = TEXTS.get((problem.code, problem.params.get("action")))
        if text is not None:
            return replace(problem, message=str(text))
        if problem.kind == "parse" or problem.code == "not_an_object":
            return replace(problem, message=str(_("Error parsing request")))
        if problem.kind == "forbidden":
            return replace(problem, message=str(_("Permission denied")))
        return problem

    def render(self, problem: ApiProblem) -> dict:
        return {
            "status": "error",
            "message": problem.message,
            "data": None,
            # Other 4xx (405, 413, 415) are input problems in Libredesk's vocabulary; any
            # other 5xx (503: database unavailable) is a general one.
            "error_type": ERROR_TYPES.get(
                problem.status, "GeneralException" if problem.status >= 500 else "InputException"
            ),
        }


ERRORS = LibredeskErrors()
