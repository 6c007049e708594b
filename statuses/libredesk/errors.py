"""Libredesk's error envelope: {"status":"error","message":...,"data":null,"error_type":...}."""

from django.utils.translation import gettext as _
from rest_framework import serializers

from core.api import build_exception_handler

ERROR_TYPES = {
    400: "InputException",
    401: "UnauthorizedException",
    403: "PermissionException",
    404: "NotFoundException",
    409: "ConflictException",
    429: "RateLimitException",
    500: "GeneralException",
}


def render_error(problem):
    """The Libredesk JSON body for an ApiProblem."""
    message = problem.message
    if problem.kind == "parse":
        message = _("Error parsing request")
    elif problem.kind == "forbidden":
        message = _("Permission denied")
    return {
        "status": "error",
        "message": message,
        "data": None,
        # Other 4xx (405, 413, 415) are input problems in Libredesk's vocabulary; any
        # other 5xx (503: database unavailable) is a general one.
        "error_type": ERROR_TYPES.get(
            problem.status, "GeneralException" if problem.status >= 500 else "InputException"
        ),
    }


libredesk_exception_handler = build_exception_handler(render_error)


class ErrorEnvelopeSerializer(serializers.Serializer):
    """Schema of Libredesk's error envelope."""

    status = serializers.ChoiceField(choices=["error"])
    message = serializers.CharField()
    data = serializers.JSONField(allow_null=True, default=None, help_text="Always null.")
    error_type = serializers.ChoiceField(choices=sorted(set(ERROR_TYPES.values())))
