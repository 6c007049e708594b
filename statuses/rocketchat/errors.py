"""Rocket.Chat's error bodies: `{"success":false,"error":"<message> [<errorType>]",...}`."""

from django.utils.translation import gettext as _
from rest_framework import serializers

from core.api import ErrorShape

NOT_LOGGED_IN = "You must be logged in to do this."
NOT_PERMITTED = "User does not have the permissions required for this action"


def render_error(problem):
    """The Rocket.Chat JSON body for an ApiProblem."""
    if problem.kind == "unauthenticated":
        message = _(NOT_LOGGED_IN)
        return {"success": False, "status": "error", "error": message, "message": message}
    code, message = problem.code, problem.message
    if problem.kind == "forbidden":
        code, message = "error-unauthorized", _(NOT_PERMITTED)
    elif problem.kind == "parse":
        code, message = "invalid-params", _("The request body is not valid JSON")
    elif problem.kind == "throttled":
        code = "error-too-many-requests"
    body = {"success": False, "error": f"{message} [{code}]" if code else message}
    if code:
        body["errorType"] = code
    if problem.params:
        body["details"] = problem.params
    return body


class _Shape(ErrorShape):  # TRANSITIONAL: replaced when issue 11 lands
    def render(self, problem):
        return render_error(problem)


ERRORS = _Shape()
rocketchat_exception_handler = ERRORS.exception_handler


class RocketChatErrorSerializer(serializers.Serializer):
    """Schema of a Rocket.Chat error reply."""

    success = serializers.BooleanField(default=False)
    error = serializers.CharField(help_text="The message, then the errorType in brackets.")
    errorType = serializers.CharField(required=False)
    details = serializers.DictField(required=False, help_text="For example method, field, input.")


class RocketChatUnauthorizedSerializer(serializers.Serializer):
    """Schema of Rocket.Chat's reply when the login headers are missing or wrong."""

    success = serializers.BooleanField(default=False)
    status = serializers.ChoiceField(choices=["error"])
    error = serializers.CharField(default=NOT_LOGGED_IN)
    message = serializers.CharField(default=NOT_LOGGED_IN)
