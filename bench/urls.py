"""The portal's URLconf with the floor view mounted at /bench/floor (benchmark only)."""

from django.urls import path

from bench.views import floor
from config import urls as portal

urlpatterns = [path("bench/floor", floor, name="bench-floor"), *portal.urlpatterns]

handler400 = portal.handler400
handler403 = portal.handler403
handler404 = portal.handler404
handler500 = portal.handler500
