"""DRF authentication classes, one per header scheme."""

import base64
import binascii

from django.utils.translation import gettext_lazy as _
from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed, Throttled
from rest_framework.throttling import SimpleRateThrottle

from access import credential_cache
from access.services import (
    api_key_find,
    login_token_find,
    oauth_token_used,
    user_authenticate_email_password,
    zendesk_token_find,
)

INVALID_CREDENTIAL = _("Invalid credential")
# An OAuth2 bearer that was sent but is refused (RFC 6750's `invalid_token`): unknown,
# expired, revoked, or its user deactivated.
INVALID_ACCESS_TOKEN = _("Invalid or expired access token.")
INVALID_LOGIN_TOKEN = _("Invalid or expired login token.")


class _ApiKeyAuthentication(BaseAuthentication):
    """Shared part of the two Libredesk header forms: check a key:secret pair."""

    keyword = ""

    def authenticate(self, request):
        parts = get_authorization_header(request).split(maxsplit=1)
        if not parts or parts[0].decode("latin-1").lower() != self.keyword.lower():
            return None
        if len(parts) != 2:
            raise AuthenticationFailed(INVALID_CREDENTIAL)
        key, sep, secret = self.decode_credentials(parts[1]).partition(":")
        if not sep:
            raise AuthenticationFailed(INVALID_CREDENTIAL)

        def load():
            # request.auth: the key (its secret hash is not cached), which the history
            # records as the change's credential (core.history).
            api_key = api_key_find(key=key, secret=secret)
            return None if api_key is None else (api_key.user, api_key, None)

        result = credential_cache.lookup("api-key", f"{key}:{secret}", load)
        if result is None:
            raise AuthenticationFailed(INVALID_CREDENTIAL)
        return result

    def decode_credentials(self, raw):
        """The `key:secret` text carried by the header."""
        raise NotImplementedError

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'


class ApiKeyTokenAuthentication(_ApiKeyAuthentication):
    """`Authorization: token <api_key>:<api_secret>`."""

    keyword = "token"

    def decode_credentials(self, raw):
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise AuthenticationFailed(INVALID_CREDENTIAL) from None


class ApiKeyBasicAuthentication(_ApiKeyAuthentication):
    """`Authorization: Basic base64(<api_key>:<api_secret>)`."""

    keyword = "Basic"

    def decode_credentials(self, raw):
        try:
            return base64.b64decode(raw, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise AuthenticationFailed(INVALID_CREDENTIAL) from None


class LoginTokenAuthentication(BaseAuthentication):
    """Rocket.Chat's header pair: `X-Auth-Token` and `X-User-Id`.

    Rocket.Chat words a missing and a refused login alike (its 401 body is fixed); the
    `WWW-Authenticate` challenge, which a 401 must carry (RFC 9110), tells them apart.
    """

    def authenticate(self, request):
        token = request.META.get("HTTP_X_AUTH_TOKEN")
        user_id = request.META.get("HTTP_X_USER_ID")
        if not token and not user_id:
            return None

        def load():
            login = login_token_find(user_id=user_id, token=token)
            return None if login is None else (login.user, None, login.expires_at)

        result = credential_cache.lookup("login-token", f"{user_id}:{token}", load)
        if result is None:
            raise AuthenticationFailed(INVALID_LOGIN_TOKEN)
        return (result[0], token)  # request.auth: the token (logout revokes it)

    def authenticate_header(self, request):
        challenge = 'X-Auth-Token realm="api"'
        if request.META.get("HTTP_X_AUTH_TOKEN") or request.META.get("HTTP_X_USER_ID"):
            challenge += f', error="invalid_token", error_description="{INVALID_LOGIN_TOKEN}"'
        return challenge


class ActiveUserOAuth2Authentication(OAuth2Authentication):
    """django-oauth-toolkit's bearer authentication, refusing users who were deactivated
    after their token was issued (the other surfaces check `is_active` too), with its
    answer for a bearer header kept in the credential cache (a token's own expiry
    included).

    A token of the client-credentials grant has no user (the toolkit saves it with
    user=None): it acts as its application's `user`, and is refused while the application
    has none or an inactive one. That user is cached with the token like any other, and
    the cache ends the entry when the user or the application changes.

    django-oauth-toolkit answers a bearer it refuses with None, as if none were sent, and
    DRF then says "Authentication credentials were not provided". A bearer that was sent
    and refused is RFC 6750's `invalid_token` instead: 401 with
    `WWW-Authenticate: Bearer error="invalid_token"` and a message that says so.
    """

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if len(parts) != 2 or parts[0].lower() != b"bearer":
            return self._check(request)

        def load():
            result = self._check(request)
            if result is None:
                return None
            oauth_token_used(result[1])
            return (*result, result[1].expires)

        result = credential_cache.lookup("oauth2", parts[1].decode("latin-1"), load)
        if result is None:
            self._refuse(request)
        return result

    def _check(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user, token = result
        if user is None and token.application is not None:
            user = token.application.user
        if user is None or not user.is_active:
            self._refuse(request)
        return (user, token)

    def _refuse(self, request):
        """Refuse the bearer sent: the challenge names the error, the message says which
        (django-oauth-toolkit's "invalid" or "expired" where it told)."""
        error = getattr(request, "oauth2_error", None) or {}
        if error.get("error") != "invalid_token":
            error = {"error": "invalid_token", "error_description": str(INVALID_ACCESS_TOKEN)}
        request.oauth2_error = error
        raise AuthenticationFailed(error.get("error_description") or INVALID_ACCESS_TOKEN)


# --- Zendesk: HTTP Basic with an email and an API token or a password ------------------
# Both forms share one header, `Authorization: Basic base64(<user part>:<secret>)`: a user
# part ending in "/token" is `{email}/token` with an API token, any other is an email with
# its password. Each class answers only its own form (None for the other), so a view lists
# both, token first; a Libredesk `key:secret` pair falls to the password class and is
# refused there, as no active user has the key for an email.

ZENDESK_TOKEN_SUFFIX = "/token"  # noqa: S105 (the user part's marker, no secret)
ZENDESK_CHALLENGE = 'Basic realm="Web Password"'  # what Zendesk's 401 carries
PASSWORD_LOCKED_OUT = _("Too many failed sign-ins as this user from your address.")


def zendesk_basic_credentials(request):
    """`(user part, secret)` of a Basic header, or None when the header is not Basic.
    A Basic header that does not decode to `user:secret` is refused."""
    parts = get_authorization_header(request).split()
    if not parts or parts[0].lower() != b"basic":
        return None
    if len(parts) != 2:
        raise AuthenticationFailed(INVALID_CREDENTIAL)
    try:
        decoded = base64.b64decode(parts[1], validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise AuthenticationFailed(INVALID_CREDENTIAL) from None
    login, sep, secret = decoded.partition(":")
    if not sep:
        raise AuthenticationFailed(INVALID_CREDENTIAL)
    return login, secret


class ZendeskTokenAuthentication(BaseAuthentication):
    """`Authorization: Basic base64("{email}/token:{token}")` (zenpy's `email=`, `token=`).

    The token must be the one of the active user with that email: Zendesk's tokens are
    account-wide, the portal's belong to a user. Kept in the credential cache like the
    other API credentials, so a request costs a cache hit or one indexed query.
    """

    def authenticate(self, request):
        credentials = zendesk_basic_credentials(request)
        if credentials is None or not credentials[0].endswith(ZENDESK_TOKEN_SUFFIX):
            return None
        email, token = credentials[0].removesuffix(ZENDESK_TOKEN_SUFFIX), credentials[1]

        def load():
            # request.auth: the token's row (its hash is not cached), which the history
            # records as the change's credential (core.history).
            record = zendesk_token_find(email=email, token=token)
            return None if record is None else (record.user, record, None)

        # The email has no ":" (the first one ends the user part): the key is unambiguous.
        result = credential_cache.lookup("zendesk-token", f"{email}:{token}", load)
        if result is None:
            raise AuthenticationFailed(INVALID_CREDENTIAL)
        return result

    def authenticate_header(self, request):
        return ZENDESK_CHALLENGE


class ZendeskPasswordRateThrottle(SimpleRateThrottle):
    """Password checks per client address (REST_FRAMEWORK's NUM_PROXIES decides which),
    at LOGIN_RATE like every other password door."""

    scope = "zendesk-password"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class ZendeskPasswordAuthentication(BaseAuthentication):
    """`Authorization: Basic base64("{email}:{password}")` (zenpy's `password=`).

    The same guards as every password form: the LOGIN_RATE throttle per address (429 with
    Retry-After, before any hash), and Django's `authenticate()` with the request, so each
    failure counts towards the sign-in lockout (django-axes) shared with the admin login
    and the OAuth sign-ins, and a locked-out username and address is refused whatever the
    password. Never cached: a password is checked on every request, as it is at each login.
    """

    def authenticate(self, request):
        credentials = zendesk_basic_credentials(request)
        if credentials is None or credentials[0].endswith(ZENDESK_TOKEN_SUFFIX):
            return None
        email, password = credentials
        throttle = ZendeskPasswordRateThrottle()
        if not throttle.allow_request(request, None):
            raise Throttled(throttle.wait())
        checked = request._request  # the HttpRequest: axes notes its verdict on it
        user = user_authenticate_email_password(email=email, password=password, request=checked)
        # Taken off the request: the lockout is answered here, in the API's own error shape,
        # not by axes' middleware with the sign-in pages' lockout page.
        locked_out = checked.__dict__.pop("axes_locked_out", False)
        if user is None:
            if locked_out:
                raise AuthenticationFailed(PASSWORD_LOCKED_OUT, code="locked_out")
            raise AuthenticationFailed(INVALID_CREDENTIAL)
        return (user, None)

    def authenticate_header(self, request):
        return ZENDESK_CHALLENGE
