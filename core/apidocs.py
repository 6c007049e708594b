"""The pages around the API: the /api/ index of the surfaces, the contract documents it and
the OpenAPI tags link to, and the documentation viewers (Swagger UI, ReDoc) served from
this site alone.

The surfaces themselves are described in config/surfaces.py and handed in by the URLconf,
so this module names no vendor.
"""

import gzip
import hashlib
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import condition, require_safe
from drf_spectacular.settings import spectacular_settings
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer, TemplateHTMLRenderer
from rest_framework.response import Response

from core.api import ApiProblem, ErrorShape, SurfaceView
from core.views import OptionsWithoutBodyMixin

# --- the /api/ index --------------------------------------------------------------------------


class IndexErrors(ErrorShape):
    """Errors of the index page: the plain body of every /api/ path no surface owns
    (`core.api.render_for_path`)."""

    def render(self, problem: ApiProblem) -> dict:
        return {"message": problem.message, "success": False}


class ApiIndexView(SurfaceView):
    """/api/: what each surface serves, where its routes start, how a request authenticates
    and where its contract is, with links to the documentation. A page for browsers, JSON
    for API clients (`Accept`). Public, like the documentation."""

    # The view's name, also the browsable API's first breadcrumb on every surface's page.
    name = "API"
    surfaces: tuple = ()
    errors = IndexErrors()
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []
    # JSON first: what a client that accepts anything (`*/*`) gets.
    renderer_classes = [JSONRenderer, TemplateHTMLRenderer]
    template_name = "api/index.html"
    schema = None  # the page is not part of the OpenAPI document

    def get(self, request):
        absolute = request.build_absolute_uri
        redoc = reverse("redoc")
        return Response(
            {
                "title": spectacular_settings.TITLE,
                "surfaces": [
                    {
                        "name": surface.tag,
                        "anchor": surface.anchor,
                        "serves": surface.serves,
                        "base_paths": list(surface.base_paths),
                        "authentication": [list(group) for group in surface.authentication],
                        "credentials": surface.credentials,
                        "contract": {
                            "name": surface.contract,
                            "url": absolute("/" + surface.contract),
                        },
                        "docs": absolute(f"{redoc}#tag/{surface.tag}"),
                    }
                    for surface in self.surfaces
                ],
                "documentation": {
                    "swagger_ui": absolute(reverse("swagger-ui")),
                    "redoc": absolute(redoc),
                    "openapi_schema": absolute(reverse("schema")),
                },
            }
        )


# --- the contract documents -------------------------------------------------------------------


def public_documents(surfaces) -> frozenset[str]:
    """The repository paths of the documents the portal serves: the surfaces' contracts
    and docs/names.md, which they refer to."""
    return frozenset({surface.contract for surface in surfaces} | {"docs/names.md"})


def project_document(request, document, *, allowed):
    """A document of the repository that explains the API (`allowed`), as plain text."""
    if document not in allowed:
        raise Http404(document)
    body = (settings.BASE_DIR / document).read_bytes()
    response = HttpResponse(body, content_type="text/plain; charset=utf-8")
    patch_cache_control(response, public=True, max_age=3600)
    return response


# --- Swagger UI and ReDoc ---------------------------------------------------------------------

# ReDoc's bundle, from drf-spectacular-sidecar, and the one address in it on another site:
# Redocly's logo next to the "API docs by Redocly" link in the menu. With an empty `src`
# the browser requests nothing, the image fails at once and ReDoc leaves it out; the link
# stays.
REDOC_BUNDLE = "drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"
REDOC_CDN_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


@lru_cache(maxsize=1)
def redoc_bundle() -> tuple[bytes, bytes, str]:
    """ReDoc's bundle without its CDN logo: the bytes, gzipped, and their version."""
    text = Path(finders.find(REDOC_BUNDLE)).read_text("utf-8")
    body = text.replace(f'"{REDOC_CDN_LOGO}"', '""').encode()
    version = hashlib.sha256(body).hexdigest()[:16]
    return body, gzip.compress(body, mtime=0), version


def _redoc_etag(request):
    return f'W/"{redoc_bundle()[2]}"'


@require_safe
@condition(etag_func=_redoc_etag)
def redoc_standalone(request):
    """ReDoc's bundle. The page asks for it with its version in the query string, so a
    browser keeps it for a year and asks again only when it changes."""
    body, zipped, version = redoc_bundle()
    accepts_gzip = "gzip" in request.headers.get("Accept-Encoding", "")
    response = HttpResponse(zipped if accepts_gzip else body, content_type="text/javascript")
    if accepts_gzip:
        response["Content-Encoding"] = "gzip"
    patch_vary_headers(response, ["Accept-Encoding"])
    if request.GET.get("v") == version:
        patch_cache_control(response, public=True, max_age=365 * 86400, immutable=True)
    else:
        patch_cache_control(response, public=True, max_age=3600)
    return response


class SwaggerView(OptionsWithoutBodyMixin, SpectacularSwaggerSplitView):
    """Swagger UI with its start-up script in a file of its own (no inline script: CSP)."""


class RedocView(OptionsWithoutBodyMixin, SpectacularRedocView):
    """ReDoc, started by a script file of the portal (no inline script: CSP), with the
    bundle served by `redoc_standalone` and the options of REDOC_UI_SETTINGS."""

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        version = redoc_bundle()[2]
        response.data["redoc_standalone"] = f"{reverse('redoc-bundle')}?v={version}"
        response.data["redoc_options"] = spectacular_settings.REDOC_UI_SETTINGS
        return response
