"""API plumbing shared by every surface.

Each surface renders errors in its vendor's envelope, but deciding *what* went wrong
(which HTTP status, which message) is the same everywhere and is done once here by
`describe_exception`. Each surface's `errors.py` subclasses `ErrorShape`: it maps the
domain codes to the vendor's (`translate`) and writes the vendor's JSON (`render`).
The same object is the surface views' exception handler, the OpenAPI error responses
(`responses`) and the renderer of errors raised outside any view (`render_for_path`).
"""

import hashlib
import logging
import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import DataError, InterfaceError, OperationalError
from django.http import Http404, HttpResponse, JsonResponse
from django.utils.module_loading import import_string
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions
from rest_framework.fields import empty
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.views import set_rollback

from core import cache
from core.errors import DomainError, ItemError

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
    params: dict = dataclass_field(default_factory=dict)
    items: tuple[ItemError, ...] = ()
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
            {403: "forbidden", 404: "not_found", 409: "conflict", 413: "too_large"}.get(
                exc.status_code, "invalid"
            ),
            exc.message,
            field=exc.field,
            code=exc.code,
            params=exc.params,
            items=exc.items,
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
    """`(problem, body)` for `problem` in the error shape of the surface serving `path`.

    Used where no view's exception handler runs: unknown paths, a refused Host header,
    a database outage seen by middleware. `API_ERROR_SHAPES` (derived from the surface
    registry, config/surfaces.py) maps path patterns to each surface's ErrorShape; other
    paths under /api/ get a plain `{"message": ...}` body.
    """
    for pattern, dotted in settings.API_ERROR_SHAPES:
        if re.match(pattern, path):
            return import_string(dotted).reply(problem)
    return problem, {"message": problem.message, "success": False}


def is_api_path(path):
    """Whether an error at `path` is answered in JSON: anything under /api/, and any path a
    surface's error shape owns (`API_ERROR_SHAPES`), wherever the surface is mounted."""
    return path.startswith("/api/") or any(
        re.match(pattern, path) for pattern, _dotted in settings.API_ERROR_SHAPES
    )


def api_error_response(request, problem):
    """A JSON response for `problem`, shaped for the surface that owns the request's path."""
    problem, body = render_for_path(request.path, problem)
    return JsonResponse(body, status=problem.status, headers=problem.headers)


def first_error_code(exc):
    """The code of the first error of a DRF ValidationError, such as 'required'."""
    codes = exc.get_codes()
    while isinstance(codes, dict | list):
        if not codes:
            return "invalid"
        codes = next(iter(codes.values())) if isinstance(codes, dict) else codes[0]
    return codes


class ErrorShape:
    """How one API surface writes its errors; each vendor folder's `errors.py` has one.

    Subclasses set `serializer` (the schema of the error body; `serializers` overrides
    it for a status whose body differs) and `descriptions` (one line per HTTP status, for
    the API documentation), and implement `render`. `translate` is where domain codes
    become the vendor's: its status, code, text and field spelling.
    """

    serializer: type | None = None
    serializers: dict[int, type] = {}
    descriptions: dict[int, str] = {}

    def translate(self, problem: ApiProblem) -> ApiProblem:
        """The problem as the vendor reports it; by default unchanged."""
        return problem

    def render(self, problem: ApiProblem) -> dict:
        """The vendor's JSON body for a translated problem."""
        raise NotImplementedError

    def reply(self, problem: ApiProblem) -> tuple[ApiProblem, dict]:
        """The translated problem (its status and headers) and the body to send."""
        problem = self.translate(problem)
        return problem, self.render(problem)

    def exception_handler(self, exc, context):
        """DRF's exception handler for the surface's views: every error in the vendor's
        shape. Anything unexpected is logged and becomes a 500 in the same envelope: an
        API route never answers with a Django HTML error page."""
        problem = describe_exception(exc)
        if problem is None:
            logger.exception("Unhandled error in %s", context.get("view"), exc_info=exc)
            problem = ApiProblem(500, "server", "Internal server error.", code="error")
        set_rollback()
        problem, body = self.reply(problem)
        return Response(body, status=problem.status, headers=problem.headers)

    def responses(self, *statuses: int) -> dict[int, OpenApiResponse]:
        """OpenAPI responses for these error statuses, for `extend_schema(responses=...)`."""
        return {
            status: OpenApiResponse(
                self.serializers.get(status, self.serializer),
                description=self.descriptions[status],
            )
            for status in statuses
        }


class SurfaceView(GenericAPIView):
    """Base of every API view: one per surface subclasses it and sets `errors`.

    `errors` (an ErrorShape) is the exception handler and the error serializer of the
    whole surface. `read` is the one way a view checks input: through a DRF serializer,
    raising the serializer's ValidationError for the surface's shape to render.
    """

    errors: ErrorShape

    def get_exception_handler(self):
        return self.errors.exception_handler

    def read(self, serializer_class, *, data=empty, **kwargs):
        """The validated body (or `data`, such as the query parameters)."""
        serializer = serializer_class(
            data=self.request.data if data is empty else data,
            context=self.get_serializer_context(),
            **kwargs,
        )
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    # The generations (core.cache) that this view's cached GET reply is made from; see
    # cached_reply.
    reply_generations: tuple[str, ...] = ()

    def get_reply_generations(self):
        return self.reply_generations

    def initial(self, request, *args, **kwargs):
        cache.stop_reading_ahead()  # nothing left from an earlier request on this thread
        if request.method == "GET" and (generations := self.get_reply_generations()):
            # The credential's lookup reads the reply's entry too: one cache round trip.
            cache.read_ahead(self.read_ahead_keys(), generations)
        elif request.method not in SAFE_METHODS and cache.WRITE_AHEAD:
            # A write reads the generations it consults (the webhooks' subscribed event
            # types) in the same round trip as its credential.
            cache.read_ahead(None, cache.WRITE_AHEAD)
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        cache.stop_reading_ahead()
        return super().finalize_response(request, response, *args, **kwargs)

    def read_ahead_keys(self):
        """The cache entries that a GET with reply generations reads in its credential's
        round trip: its reply's, and any other that its build looks up (under the same
        generations), such as a list's count."""
        return [self.reply_key()]

    def reply_key(self):
        """The reply's cache key: per scheme, host, path and query string (as sent), so
        that links in a reply always name the address it was asked at."""
        request = self.request
        query = request.META.get("QUERY_STRING", "")
        where = (request.scheme, request.get_host(), request.path, query)
        digest = hashlib.sha256(repr(where).encode()).hexdigest()
        return f"reply:{digest}"

    def cached_reply(self, build):
        """The 200 reply whose data `build()` makes (or `(data, headers)`), from the shared
        cache while the view's `get_reply_generations()` are current.

        Only JSON replies are cached (the browsable API renders afresh), per URL path and
        query string; a reply that depends on anything else must not use this.
        """
        renderer = self.request.accepted_renderer
        if renderer.format != "json" or not settings.REPLY_CACHE_SECONDS:
            data, headers = _data_and_headers(build())
            return Response(data, headers=headers)

        def render():
            data, headers = _data_and_headers(build())
            return renderer.render(data, renderer.media_type), headers

        body, headers = cache.remember(
            self.reply_key(),
            self.get_reply_generations(),
            render,
            timeout=settings.REPLY_CACHE_SECONDS,
        )
        response = HttpResponse(body, content_type=renderer.media_type)
        for name, value in headers.items():
            response[name] = value
        return response


def _data_and_headers(built):
    return built if isinstance(built, tuple) else (built, {})
