"""Brute-force protection of the admin login with django-axes.

Failed admin logins are counted per username and client address (the address that the
trusted proxies report, as for every rate limit: `NUM_PROXIES`). After
`ADMIN_LOGIN_FAILURES` failures that pair is locked out for the cool-off time. The API
login routes are not counted here: DRF throttles limit them in their own error shapes.
"""

import ipaddress

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from django.contrib import admin
from django.shortcuts import render
from django.utils import timezone
from django.utils.timesince import timeuntil
from rest_framework.throttling import BaseThrottle


def client_ip(request):
    """The client's address, trusting `NUM_PROXIES` proxies as the DRF throttles do."""
    address = BaseThrottle().get_ident(request)
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        # Not an address (a proxy forwarded junk): fall back to the connecting peer.
        return request.META.get("REMOTE_ADDR")


class AdminLoginBackend(AxesStandaloneBackend):
    """axes' lockout check for logins that carry a request (the admin's login form).

    The API login services authenticate without a request; they are rate-limited by
    DRF instead, so axes has nothing to check for them.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class AdminLoginHandler(AxesDatabaseHandler):
    """axes' database handler, counting only logins to the admin site."""

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        if request is not None and self.is_admin_request(request):
            super().user_login_failed(sender, credentials, request, **kwargs)

    def user_logged_in(self, sender, request, user, **kwargs):
        if request is not None and self.is_admin_request(request):
            super().user_logged_in(sender, request, user, **kwargs)

    def user_logged_out(self, sender, request, user, **kwargs):
        if request is not None and self.is_admin_request(request):
            super().user_logged_out(sender, request, user, **kwargs)


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked-out admin login gets: what happened and when to try again."""
    cool_off = get_cool_off(request)
    now = timezone.now()
    retry_at = now + cool_off if cool_off else None
    context = {
        **admin.site.each_context(request),
        "title": "Too many failed logins",
        "failure_limit": get_failure_limit(request, credentials),
        "username": get_client_username(request, credentials) or "",
        "cool_off": cool_off,
        "retry_at": retry_at,
        "wait": timeuntil(retry_at, now) if retry_at else "",
    }
    response = render(request, "admin/lockout.html", context, status=429)
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
