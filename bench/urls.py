"""The portal's URLconf with the two floors mounted at /bench/floor and /bench/write-floor
(benchmark only)."""

from django.urls import path

from bench.views import floor, write_floor
from config import urls as portal
from statuses import services

# Zendesk's caps (300 statuses, 100 per category) would refuse the Zendesk create row after
# a few hundred requests; the bench lifts them so the row measures creates for minutes. The
# checks themselves (their two counts) still run on every create.
services.MAX_STATUSES = services.MAX_PER_CATEGORY = 10**9
# Likewise Genesys's 30 active definitions per system presence (its count still runs).
services.MAX_ACTIVE_PER_PRESENCE = 10**9

urlpatterns = [
    path("bench/floor", floor, name="bench-floor"),
    path("bench/write-floor", write_floor, name="bench-write-floor"),
    *portal.urlpatterns,
]

# The surfaces the portal mounts: the history rows name the surface of each change
# (core.history._surface_packages reads them from the URLconf in use).
SURFACES = portal.SURFACES

handler400 = portal.handler400
handler403 = portal.handler403
handler404 = portal.handler404
handler500 = portal.handler500
