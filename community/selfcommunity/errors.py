"""SelfCommunity's error body, the shape its SDK's `formatHttpError` reads.

Field errors: `{"errors":[{"field":"categories","messages":[{"code":..,"message":..}]}]}`;
anything else: `{"errors":[{"code":"not_authenticated","message":"..."}]}`.
"""

from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail
from rest_framework.settings import api_settings

from core.api import ErrorShape

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


def _messages(detail):
    """Every message of a DRF error detail, nested objects flattened, as {code, message}."""
    if isinstance(detail, dict):
        return [message for value in detail.values() for message in _messages(value)]
    if isinstance(detail, list):
        return [message for value in detail for message in _messages(value)]
    return [{"code": getattr(detail, "code", None) or "invalid", "message": str(detail)}]


def render_error(problem):
    """The SelfCommunity JSON body for an ApiProblem."""
    detail = problem.detail
    if problem.kind == "invalid" and isinstance(detail, dict):
        errors = []
        for field, value in detail.items():
            if field == api_settings.NON_FIELD_ERRORS_KEY:
                errors.extend(_messages(value))
            else:
                # A nested object's errors are named by the top-level field (`location`).
                errors.append({"field": field, "messages": _messages(value)})
        return {"errors": errors}
    if problem.field:
        return {
            "errors": [
                {
                    "field": problem.field,
                    "messages": [{"code": problem.code or "invalid", "message": problem.message}],
                }
            ]
        }
    if problem.kind == "invalid" and isinstance(detail, list):
        return {"errors": _messages(detail)}
    code = CODES.get(problem.kind) or problem.code or "error"
    if problem.kind == "unauthenticated" and problem.code == "authentication_failed":
        code = "authentication_failed"
    message = problem.message
    if problem.kind == "parse":
        message = _("The request body is not valid JSON.")
    if isinstance(message, ErrorDetail):
        message = str(message)
    return {"errors": [{"code": code, "message": message}]}


class _Shape(ErrorShape):  # TRANSITIONAL: replaced when issue 11 lands
    def render(self, problem):
        return render_error(problem)


ERRORS = _Shape()
selfcommunity_exception_handler = ERRORS.exception_handler


class SCErrorMessageSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Machine-readable, such as `required`.")
    message = serializers.CharField()


class SCErrorItemSerializer(serializers.Serializer):
    field = serializers.CharField(
        required=False, help_text="For field errors: the top-level request field."
    )
    messages = SCErrorMessageSerializer(many=True, required=False, help_text="For field errors.")
    code = serializers.CharField(required=False, help_text="For other errors.")
    message = serializers.CharField(required=False, help_text="For other errors.")


class SCErrorsSerializer(serializers.Serializer):
    """Schema of a SelfCommunity error reply."""

    errors = SCErrorItemSerializer(many=True)
