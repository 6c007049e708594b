"""The landing page, uploaded files, and the error pages Django serves outside any API view.

Under /api/ every error is JSON in the error shape of the surface that owns the path
(`core.api.render_for_path`); elsewhere Django's own pages are used.
"""

import logging
import mimetypes
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse, HttpResponseNotFound
from django.shortcuts import render
from django.views import defaults
from django.views.static import serve

from core.api import ApiProblem, api_error_response, database_unavailable, is_api_path

logger = logging.getLogger(__name__)

# What an uploaded file may be served as inline; anything else is a download.
INLINE_MEDIA_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}
# An uploaded file never runs as a page: no scripts, no plugins, no same-origin access.
MEDIA_CSP = "default-src 'none'; sandbox"


class OptionsWithoutBodyMixin:
    """For HTML-only API views (Swagger UI, ReDoc): OPTIONS answers with the allowed
    methods, since DRF's metadata body cannot be rendered as their HTML page."""

    def options(self, request, *args, **kwargs):
        return HttpResponse(status=200, headers={"Allow": ", ".join(self.allowed_methods)})


def landing(request, summary=""):
    """A small page linking to the admin and the API documentation, under a sentence naming
    the vendors and what they serve (`summary`: the URLconf's, from its surfaces)."""
    return render(request, "index.html", {"summary": summary})


def uploaded_file(request, path):
    """An uploaded file from MEDIA_ROOT, served so that it can never act as active content.

    Uploads are checked to be images when they arrive; these headers cover whatever is
    already stored or slips through a future bug: the browser must not sniff a type, the
    page is sandboxed without any source allowed, and a file that is not a PNG, JPEG, GIF
    or WebP is a download, never rendered.
    """
    try:
        response = serve(request, path, document_root=settings.MEDIA_ROOT)
    except Http404:
        response = HttpResponseNotFound("Not found.", content_type="text/plain; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = MEDIA_CSP
    content_type, _encoding = mimetypes.guess_type(path)
    if response.status_code == 200 and content_type not in INLINE_MEDIA_TYPES:
        response["Content-Type"] = "application/octet-stream"
        response["Content-Disposition"] = "attachment"
    return response


def _is_api(request):
    return is_api_path(request.path)


def bad_request(request, exception=None):
    """400 outside any view, such as a Host header that is not allowed."""
    if _is_api(request):
        return api_error_response(
            request, ApiProblem(400, "invalid", "Bad request.", code="bad_request")
        )
    return defaults.bad_request(request, exception)


def permission_denied(request, exception=None):
    """403 outside any API view's own handler."""
    if _is_api(request):
        problem = ApiProblem(403, "forbidden", "Permission denied.", code="permission_denied")
        return api_error_response(request, problem)
    return defaults.permission_denied(request, exception)


def not_found(request, exception=None):
    """404 for unknown paths: JSON under /api/, Django's page elsewhere."""
    if _is_api(request):
        return api_error_response(
            request, ApiProblem(404, "not_found", "Not found.", code="not_found")
        )
    return defaults.page_not_found(request, exception)


def server_error(request):
    """500 outside any view's own handler, or 503 when the database cannot be reached.

    Django calls this while handling the exception, so `sys.exc_info()` names it.
    """
    exc = sys.exc_info()[1]
    if isinstance(exc, OperationalError | InterfaceError):
        problem = database_unavailable()
        if _is_api(request):
            return api_error_response(request, problem)
        return HttpResponse(
            problem.message, status=503, headers=problem.headers, content_type="text/plain"
        )
    if _is_api(request):
        problem = ApiProblem(500, "server", "Internal server error.", code="error")
        return api_error_response(request, problem)
    return defaults.server_error(request)
