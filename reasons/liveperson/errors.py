"""LivePerson's error body: `{"message": "...", "errors": [{"field": ..., "message": ...}]}`."""

from django.utils.translation import gettext as _
from rest_framework import serializers

from core.api import ErrorShape


def render_error(problem):
    """The LivePerson JSON body for an ApiProblem."""
    message = problem.message
    if problem.kind == "parse":
        message = _("Malformed JSON in the request body")
    elif problem.kind == "unauthenticated":
        message = _("Authentication required")
    elif problem.kind == "forbidden":
        message = _("Not authorized")
    errors = problem.params.get("errors")
    if errors is None:
        errors = [{"field": problem.field, "message": message}] if problem.field else []
    return {"message": message, "errors": errors}


class _Shape(ErrorShape):  # TRANSITIONAL: replaced when issue 11 lands
    def render(self, problem):
        return render_error(problem)


ERRORS = _Shape()
liveperson_exception_handler = ERRORS.exception_handler


class LivePersonFieldErrorSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="For an array body, names the item: `[2].text`.")
    message = serializers.CharField()


class LivePersonErrorSerializer(serializers.Serializer):
    """Schema of LivePerson's error body."""

    message = serializers.CharField()
    errors = LivePersonFieldErrorSerializer(many=True)
