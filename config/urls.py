from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from core.views import OptionsWithoutBodyMixin, landing, uploaded_file


class SwaggerView(OptionsWithoutBodyMixin, SpectacularSwaggerSplitView):
    """Swagger UI with its start-up script in a file of its own (no inline script: CSP)."""


class RedocView(OptionsWithoutBodyMixin, SpectacularRedocView):
    """ReDoc."""


urlpatterns = [
    path("", landing, name="landing"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", RedocView.as_view(url_name="schema"), name="redoc"),
    path("api/v1/", include("statuses.libredesk.urls")),
    path("api/v1/", include("statuses.rocketchat.urls")),
    path("oauth/", include("community.selfcommunity.oauth_urls")),
    path("api/v2/", include("community.selfcommunity.urls")),
    path("api/", include("reasons.liveperson.urls")),
]

# Uploaded community images, unless MEDIA_URL points at another origin that serves them.
if not settings.MEDIA_URL.startswith(("http://", "https://", "//")):
    prefix = settings.MEDIA_URL.strip("/")
    urlpatterns.append(re_path(rf"^{prefix}/(?P<path>.*)$", uploaded_file, name="media"))

handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.not_found"
handler500 = "core.views.server_error"
