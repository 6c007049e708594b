"""The landing page and JSON fallbacks for API paths that match no route."""

from django.http import JsonResponse
from django.shortcuts import render


def landing(request):
    """A small page linking to the admin and the API documentation."""
    return render(request, "index.html")


def uploaded_file(request, path):
    """An uploaded file from MEDIA_ROOT (community images), so media URLs resolve."""
    from django.conf import settings
    from django.views.static import serve

    return serve(request, path, document_root=settings.MEDIA_ROOT)


def not_found(request, exception=None):
    """404 for unknown paths: JSON under /api/, Django's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"message": "Not found.", "success": False}, status=404)
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)


def server_error(request):
    """500 outside any view's own handler: JSON under /api/, Django's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"message": "Internal server error.", "success": False}, status=500)
    from django.views.defaults import server_error as django_server_error

    return django_server_error(request)
