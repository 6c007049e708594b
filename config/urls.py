from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView

from config.surfaces import LANDING_SUMMARY, SURFACES
from core.apidocs import (
    ApiIndexView,
    RedocView,
    SwaggerView,
    project_document,
    public_documents,
    redoc_standalone,
)
from core.views import landing, uploaded_file

urlpatterns = [
    path("", landing, {"summary": LANDING_SUMMARY}, name="landing"),
    path("admin/", admin.site.urls),
    path("api/", ApiIndexView.as_view(surfaces=SURFACES), name="api-index"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", RedocView.as_view(url_name="schema"), name="redoc"),
    path("api/redoc/redoc.standalone.js", redoc_standalone, name="redoc-bundle"),
    # The contracts the API documentation links to, at their paths in the repository.
    re_path(
        r"^(?P<document>docs/(?:contracts/[a-z]+|names)\.md)$",
        project_document,
        {"allowed": public_documents(SURFACES)},
        name="project-document",
    ),
    # The surfaces in product order (the OpenAPI document lists their routes in this order),
    # each mounting its URLconfs (config/surfaces.py).
    *(path(prefix, include(urlconf)) for surface in SURFACES for prefix, urlconf in surface.urls),
]

# Uploaded community images, unless MEDIA_URL points at another origin that serves them.
if not settings.MEDIA_URL.startswith(("http://", "https://", "//")):
    prefix = settings.MEDIA_URL.strip("/")
    urlpatterns.append(re_path(rf"^{prefix}/(?P<path>.*)$", uploaded_file, name="media"))

handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.not_found"
handler500 = "core.views.server_error"
