"""API plumbing shared by the four surfaces.

Each surface renders errors in its vendor's envelope, but deciding *what* went wrong
(which HTTP status, which message) is the same everywhere and is done once here by
`describe_exception`. A surface's exception handler calls it and only translates the
result into its own JSON shape.
"""

import logging
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import DataError, InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from django.utils.module_loading import import_string
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import set_rollback

from core.errors import DomainError

logger = logging.getLogger(__name__)


@dataclass
class ApiProblem:
    """What went wrong, independent of any vendor's envelope."""

    status: int
    kind: str
    message: str
    detail: Any = None
    field: str | None = None
    code: str | None = None
    details: dict = dataclass_field(default_factory=dict)
    headers: dict = dataclass_field(default_factory=dict)


def first_error_message(detail):
    """The first message of a DRF error detail (dict, list or string), in field order."""
    while isinstance(detail, dict | list):
        if not detail:
            return ""
        detail = next(iter(detail.values())) if isinstance(detail, dict) else detail[0]
    return str(detail)


def first_error_field(detail):
    """The top-level field name of the first error in a DRF ValidationError detail."""
    if isinstance(detail, dict) and detail:
        return next(iter(detail))
    return None


def describe_exception(exc):
    """Classify any exception raised by a view into an ApiProblem, or None to re-raise."""
    if isinstance(exc, DomainError):
        return ApiProblem(
            exc.status_code,
            {400: "invalid", 403: "forbidden", 404: "not_found", 409: "conflict"}.get(
                exc.status_code, "invalid"
            ),
            exc.message,
            field=exc.field,
            code=exc.code,
            details=exc.details,
        )
    if isinstance(exc, OperationalError | InterfaceError):
        # The database is unreachable (or locked, or the server is shutting down): the
        # request may succeed if retried. Connections are reopened per request, so the
        # portal recovers by itself once the database is back.
        logger.warning("Database unavailable: %s", exc)
        return database_unavailable()
    if isinstance(exc, DataError | OverflowError):
        # A value the database cannot hold (an integer past 64 bits, a NUL in a query
        # parameter): bad input, not a server fault. Any transaction was rolled back.
        return ApiProblem(400, "invalid", "A value in the request is out of range.", code="invalid")
    if isinstance(exc, RequestDataTooBig):
        return ApiProblem(413, "too_large", "Request body is too large.", code="too_large")
    if isinstance(exc, SuspiciousOperation):
        return ApiProblem(400, "invalid", "Bad request.", code="bad_request")
    if isinstance(exc, Http404):
        return ApiProblem(404, "not_found", "Not found.", code="not_found")
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, exceptions.APIException):
        headers = {}
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if getattr(exc, "wait", None):
            headers["Retry-After"] = str(int(exc.wait))
        kind, status = {
            exceptions.ParseError: ("parse", 400),
            exceptions.AuthenticationFailed: ("unauthenticated", 401),
            exceptions.NotAuthenticated: ("unauthenticated", 401),
            exceptions.PermissionDenied: ("forbidden", 403),
            exceptions.NotFound: ("not_found", 404),
            exceptions.MethodNotAllowed: ("method", 405),
            exceptions.NotAcceptable: ("not_acceptable", 406),
            exceptions.UnsupportedMediaType: ("media_type", 415),
            exceptions.Throttled: ("throttled", 429),
            exceptions.ValidationError: ("invalid", 400),
        }.get(type(exc), ("invalid", exc.status_code))
        if isinstance(exc, exceptions.ValidationError):
            return ApiProblem(
                status,
                kind,
                first_error_message(exc.detail),
                detail=exc.detail,
                field=first_error_field(exc.detail),
                code=first_error_code(exc),
                headers=headers,
            )
        return ApiProblem(
            status, kind, str(exc.detail), detail=exc.detail, code=exc.default_code, headers=headers
        )
    return None


def database_unavailable():
    """The problem to report while the database cannot be reached: retry shortly."""
    return ApiProblem(
        503,
        "unavailable",
        "The service is temporarily unavailable; try again shortly.",
        code="unavailable",
        headers={"Retry-After": str(settings.DATABASE_RETRY_AFTER_SECONDS)},
    )


def render_for_path(path, problem):
    """The JSON body for `problem` in the error shape of the surface serving `path`.

    Used where no view's exception handler runs: unknown paths, a refused Host header,
    a database outage seen by middleware. `API_ERROR_RENDERERS` maps path prefixes to
    each surface's renderer; other paths under /api/ get a plain `{"message": ...}` body.
    """
    for prefix, dotted in settings.API_ERROR_RENDERERS:
        if path.startswith(prefix):
            return import_string(dotted)(problem)
    return {"message": problem.message, "success": False}


def api_error_response(request, problem):
    """A JSON response for `problem`, shaped for the surface that owns the request's path."""
    return JsonResponse(
        render_for_path(request.path, problem), status=problem.status, headers=problem.headers
    )


def first_error_code(exc):
    """The code of the first error of a DRF ValidationError, such as 'required'."""
    codes = exc.get_codes()
    while isinstance(codes, dict | list):
        if not codes:
            return "invalid"
        codes = next(iter(codes.values())) if isinstance(codes, dict) else codes[0]
    return codes


def build_exception_handler(render):
    """Make a DRF exception handler that renders every ApiProblem with `render(problem)`.

    `render` returns the JSON body. Anything unexpected is logged and rendered as a 500
    in the same envelope: an API route never answers with a Django HTML error page.
    """

    def handler(exc, context):
        problem = describe_exception(exc)
        if problem is None:
            logger.exception("Unhandled error in %s", context.get("view"), exc_info=exc)
            problem = ApiProblem(500, "server", "Internal server error.", code="error")
        set_rollback()
        return Response(render(problem), status=problem.status, headers=problem.headers)

    return handler


def require_object(request):
    """The request body as a JSON object, or a ParseError when it is anything else."""
    data = request.data
    if not isinstance(data, dict):
        raise exceptions.ParseError()
    return data
