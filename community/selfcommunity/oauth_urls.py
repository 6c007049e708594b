"""The OAuth2 server of the SelfCommunity surface (django-oauth-toolkit), under /oauth/.

Only the endpoints the contract names are mounted: authorize (authorization-code grant),
token (password, authorization-code, refresh and client-credentials grants) and revocation;
introspection is not. The token endpoint answers at `token` too, with no trailing slash:
Genesys Cloud's SDK (`get_client_credentials_token`) posts there, and a redirect would lose
its POST. Every endpoint that checks a password or a client secret is rate-limited per
address. Applications are managed in the admin, not by self-service registration pages.
"""

from django.contrib.auth import views as auth_views
from django.http import JsonResponse
from django.urls import path
from oauth2_provider import views as oauth_views
from rest_framework.throttling import SimpleRateThrottle


class PasswordRateThrottle(SimpleRateThrottle):
    """Password attempts per client address (REST_FRAMEWORK's NUM_PROXIES decides which)."""

    scope = "oauth-token"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class ThrottledPostMixin:
    """Refuse POSTs past the rate, so passwords cannot be guessed fast."""

    def post(self, request, *args, **kwargs):
        throttle = PasswordRateThrottle()
        if not throttle.allow_request(request, self):
            return JsonResponse(
                {"error": "slow_down", "error_description": "Too many requests; try later."},
                status=429,
                headers={"Retry-After": str(int(throttle.wait() or 1))},
            )
        return super().post(request, *args, **kwargs)


class ThrottledTokenView(ThrottledPostMixin, oauth_views.TokenView):
    """The token endpoint (password, authorization-code, refresh and client-credentials
    grants)."""


class ThrottledRevokeTokenView(ThrottledPostMixin, oauth_views.RevokeTokenView):
    """Token revocation: it checks a client secret, so it is limited like the token endpoint."""


class ThrottledLoginView(ThrottledPostMixin, auth_views.LoginView):
    """The sign-in page the authorization-code grant sends a browser to."""

    template_name = "community/oauth_login.html"
    # Signed in without being sent from an authorization request: the portal's home page.
    next_page = "/"


app_name = "oauth2_provider"

urlpatterns = [
    path("authorize/", oauth_views.AuthorizationView.as_view(), name="authorize"),
    path("token/", ThrottledTokenView.as_view(), name="token"),
    # The same view and the same throttle (one count per address for both spellings).
    path("token", ThrottledTokenView.as_view(), name="token-without-slash"),
    path("revoke_token/", ThrottledRevokeTokenView.as_view(), name="revoke-token"),
    path(
        "login/",
        ThrottledLoginView.as_view(),
        name="login",
    ),
]
