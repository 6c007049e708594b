"""LivePerson's error body: `{"message": "...", "errors": [{"field": ..., "message": ...}]}`."""

from django.utils.translation import gettext as _
from rest_framework import serializers

from core.api import build_exception_handler


def render_error(problem):
    """The LivePerson JSON body for an ApiProblem."""
    message = problem.message
    if problem.kind == "parse":
        message = _("Malformed JSON in the request body")
    elif problem.kind == "unauthenticated":
        message = _("Authentication required")
    elif problem.kind == "forbidden":
        message = _("Not authorized")
    errors = problem.details.get("errors")
    if errors is None:
        errors = [{"field": problem.field, "message": message}] if problem.field else []
    return {"message": message, "errors": errors}


liveperson_exception_handler = build_exception_handler(render_error)


class LivePersonFieldErrorSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="For an array body, names the item: `[2].text`.")
    message = serializers.CharField()


class LivePersonErrorSerializer(serializers.Serializer):
    """Schema of LivePerson's error body."""

    message = serializers.CharField()
    errors = LivePersonFieldErrorSerializer(many=True)
