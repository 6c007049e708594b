"""The floor: the cheapest JSON reply Django gives through the portal's middleware."""

from django.http import JsonResponse


def floor(request):
    """A bare Django JSON view: no DRF, no authentication, no database."""
    return JsonResponse({"status": "success", "data": "ok"})
