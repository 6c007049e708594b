"""The zone the admin shows times in: a manager's own choice (access.models.AdminPreference)
or else the ADMIN_TIME_ZONE setting, activated for their admin requests only.

The settings import this module (`setting_time_zone`), so it loads no model until called.
API replies are untouched: the middleware does nothing outside the admin, and costs those
routes no query.
"""

import zoneinfo
from functools import cache

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import timezone

# Names the tz database holds that are no place a person lives in.
NOT_PLACES = frozenset({"localtime", "Factory", "posixrules"})


def is_time_zone(name: str) -> bool:
    """Whether `name` is an IANA time zone name the tz database on this machine knows."""
    if not name or "\x00" in name:
        return False
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def setting_time_zone(name: str) -> str:
    """The TIME_ZONE variable, checked: `name` itself, or ImproperlyConfigured saying why.

    Django's own check only says "Incorrect timezone setting" (and only where
    /usr/share/zoneinfo exists); this one names the setting and the fix.
    """
    if not is_time_zone(name):
        raise ImproperlyConfigured(
            f"TIME_ZONE={name!r} is not a time zone name. Use an IANA name such as UTC, "
            "Europe/Paris or Asia/Tokyo (the TZ identifier column of "
            "https://en.wikipedia.org/wiki/List_of_tz_database_time_zones)."
        )
    return name


@cache
def time_zone_names() -> tuple[str, ...]:
    """Every zone a manager may pick, sorted (zoneinfo.available_timezones() reads the
    whole tz database, half a second: once per process)."""
    return tuple(sorted(zoneinfo.available_timezones() - NOT_PLACES))


def chosen_time_zone(user) -> str:
    """The zone `user` picked, or "" for none (the TIME_ZONE setting). One indexed query."""
    model = apps.get_model("access", "AdminPreference")
    return model.objects.filter(user_id=user.pk).values_list("time_zone", flat=True).first() or ""


class AdminTimeZoneMiddleware:
    """Shows a signed-in manager's admin pages in their zone: the one they picked, or else
    the ADMIN_TIME_ZONE setting (the TIME_ZONE variable of the environment).

    Only for paths under the admin: an API request is not looked at (no session, no user,
    no query) and stays in UTC, Django's TIME_ZONE, as do the webhooks worker, the commands
    and the logs. A zone the tz database no longer knows is passed over. The zone is
    deactivated after each request, since a server thread serves other users next.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = None

    def __call__(self, request):
        if self.admin_prefix is None:
            self.admin_prefix = reverse("admin:index")
        if not request.path.startswith(self.admin_prefix):
            return self.get_response(request)
        user = request.user
        if not (user.is_authenticated and user.is_staff):
            # The sign-in and lockout pages: the lockout says its time in UTC.
            return self.get_response(request)
        name = chosen_time_zone(user)
        if not is_time_zone(name):
            name = settings.ADMIN_TIME_ZONE
        if name == settings.TIME_ZONE:
            return self.get_response(request)
        timezone.activate(zoneinfo.ZoneInfo(name))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
