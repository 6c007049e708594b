"""Brute-force protection of password sign-ins with django-axes.

Every password check that comes with a request counts, and a lockout holds for all of them:
the admin's login form, the OAuth sign-in page of the authorization-code grant
(`/oauth/login/`) and the OAuth password grant (django-oauth-toolkit authenticates with a
request it builds from the token request). Failures are counted per username and client
address (the address that the trusted proxies report, as for every rate limit:
`NUM_PROXIES`), in one counter whichever door they came through. After
`ADMIN_LOGIN_FAILURES` failures that pair is locked out for the cool-off time.

The Rocket.Chat and LivePerson login routes check passwords without a request and make no
session: DRF throttles limit them in their own error shapes, and axes does not count them.
Zendesk's `email:password` Basic form checks a password on every API request, with it:
its failures count here too (access.authentication.ZendeskPasswordAuthentication, which
answers a lockout itself, as a 401 in the API's shape, not with the page below).
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


class PasswordLockoutBackend(AxesStandaloneBackend):
    """axes' lockout check for password checks that carry a request (the sign-in forms
    and the OAuth password grant).

    The API login services authenticate without a request; they are rate-limited by
    DRF instead, so axes has nothing to check for them.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class PasswordLoginHandler(AxesDatabaseHandler):
    """axes' database handler for every password check made with a request; the ones made
    without (the API login services) are left alone instead of logged as axes errors."""

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        if request is not None:
            super().user_login_failed(sender, credentials, request, **kwargs)

    def user_logged_in(self, sender, request, user, **kwargs):
        if request is not None:
            super().user_logged_in(sender, request, user, **kwargs)

    def user_logged_out(self, sender, request, user, **kwargs):
        if request is not None:
            super().user_logged_out(sender, request, user, **kwargs)


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked-out sign-in gets: what happened and when to try again. The admin's
    login answers in the admin's look, the OAuth sign-in page in its own."""
    cool_off = get_cool_off(request)
    now = timezone.now()
    retry_at = now + cool_off if cool_off else None
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "username": get_client_username(request, credentials) or "",
        "cool_off": cool_off,
        "retry_at": retry_at,
        "wait": timeuntil(retry_at, now) if retry_at else "",
    }
    if admin.site.name == getattr(request.resolver_match, "namespace", None):
        context = {**admin.site.each_context(request), "title": "Too many failed logins", **context}
        template = "admin/lockout.html"
    else:
        template = "registration/lockout.html"
    response = render(request, template, context, status=429)
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
