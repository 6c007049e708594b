"""LivePerson API keys on the reason routes: OAuth 1.0a signatures (RFC 5849), checked with
oauthlib's SignatureOnlyEndpoint.

A client such as `tap-liveperson` signs each request with the key's four values
(`requests_oauthlib.OAuth1(app_key, secret, access_token, access_token_secret)`, HMAC-SHA1)
and sends them in `Authorization: OAuth oauth_consumer_key="...", oauth_token="...", ...`.
The signature covers the method, the URL with its query and, for a form body, the body's
fields; a JSON body is not signed (RFC 5849 signs only form bodies), as with LivePerson.

A nonce is good once within the timestamp window: it is recorded in the shared cache
(`cache.add`, which only one writer wins, on Redis or the database cache alike) for as long
as its timestamp is acceptable, so a request replayed to another server is refused too. It
is recorded only once the signature has been verified, so requests without a valid
signature cannot fill the cache.
"""

import hashlib
import re
import time

from django.core.cache import cache
from oauthlib.oauth1 import RequestValidator, SignatureOnlyEndpoint
from oauthlib.oauth1.rfc5849 import SIGNATURE_HMAC_SHA1, SIGNATURE_HMAC_SHA256
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed

from reasons import services
from reasons.models import AccountApiKey

# How far a request's timestamp may be from the server's clock, either way (oauthlib's
# default). A nonce is remembered for as long as its timestamp stays inside this window.
TIMESTAMP_WINDOW_SECONDS = 600
# The characters and lengths a key's identifiers and a nonce may have. oauthlib's defaults
# (20 to 30 letters and digits) would refuse nonces that common OAuth 1.0a libraries send
# (32 or more characters); what is not a key's value simply matches no key.
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9._~-]{1,128}")
NONCE_PREFIX = "liveperson-oauth1-nonce:"
FORM = "application/x-www-form-urlencoded"


class KeyValidator(RequestValidator):
    """What oauthlib asks about a request: the key's secrets, read once per request.

    oauthlib asks for a secret even for an unknown key (with `dummy_client`), so that a
    refusal takes the time a check does; the dummy secrets are random and match nothing.
    """

    enforce_ssl = False  # the deployment's HTTPS settings redirect plain HTTP (docs/security.md)
    allowed_signature_methods = (SIGNATURE_HMAC_SHA1, SIGNATURE_HMAC_SHA256)
    timestamp_lifetime = TIMESTAMP_WINDOW_SECONDS
    dummy_client = "dummy-client"

    def __init__(self):
        super().__init__()
        self.key: AccountApiKey | None = None
        self._secrets: tuple[str, str] | None = None

    def check_client_key(self, client_key):
        return bool(TOKEN_PATTERN.fullmatch(client_key))

    def check_access_token(self, request_token):
        return bool(TOKEN_PATTERN.fullmatch(request_token))

    def check_nonce(self, nonce):
        return bool(TOKEN_PATTERN.fullmatch(nonce))

    def validate_timestamp_and_nonce(self, client_key, timestamp, nonce, request, **kwargs):
        # The nonce is recorded after the signature is verified (see `verify`).
        return True

    def validate_client_key(self, client_key, request):
        self.key = services.api_key_find(app_key=client_key)
        return self.key is not None

    def _key_secrets(self) -> tuple[str, str]:
        if self._secrets is None:
            self._secrets = services.api_key_secrets(self.key)
        return self._secrets

    def get_client_secret(self, client_key, request):
        if self.key is None or client_key != self.key.app_key:
            return "dummy-secret-" + hashlib.sha256(client_key.encode()).hexdigest()
        return self._key_secrets()[0]

    def get_access_token_secret(self, client_key, token, request):
        if self.key is None or token != self.key.access_token:
            return "dummy-token-secret-" + hashlib.sha256(token.encode()).hexdigest()
        return self._key_secrets()[1]


def _nonce_is_new(request) -> bool:
    """Record the request's nonce in the shared cache; False if it was already there.

    Keyed by the key, token, timestamp and nonce (RFC 5849 3.3), kept while the timestamp
    is inside the window: after that the timestamp alone refuses the request.
    """
    seen = "\x00".join(
        (request.client_key, request.resource_owner_key, request.timestamp, request.nonce)
    )
    key = NONCE_PREFIX + hashlib.sha256(seen.encode()).hexdigest()
    remaining = int(request.timestamp) + TIMESTAMP_WINDOW_SECONDS - time.time()
    return cache.add(key, 1, timeout=max(1, int(remaining) + 1))


def verify(*, uri: str, http_method: str, body: str | None, headers: dict) -> AccountApiKey:
    """The working key that signed this request, or AuthenticationFailed: a missing or
    wrong signature, key or access token, a timestamp outside the window, a nonce already
    used, another signature method than HMAC-SHA1 or HMAC-SHA256."""
    validator = KeyValidator()
    try:
        valid, request = SignatureOnlyEndpoint(validator).validate_request(
            uri, http_method=http_method, body=body, headers=headers
        )
    except (ValueError, UnicodeError):
        # oauthlib's own parsing refuses a malformed Authorization header or query string
        # with a bare ValueError: a request it cannot read is not signed.
        raise AuthenticationFailed() from None
    # The key's access token is part of its credential: a request signed with the app key
    # alone (two-legged) is refused.
    if (
        not valid
        or validator.key is None
        or request.resource_owner_key != (validator.key.access_token)
    ):
        raise AuthenticationFailed()
    if not _nonce_is_new(request):
        raise AuthenticationFailed()
    return validator.key


class ApiKeyAuthentication(BaseAuthentication):
    """`Authorization: OAuth ...` signed with a LivePerson API key; request.user is the
    user the key signs in as, request.auth the key (AccountApiKey)."""

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if header[:6].lower() != "oauth ":
            return None
        django_request = request._request
        # The method as sent: a POST with X-HTTP-Method-Override was signed as a POST.
        method = django_request.META.get("REQUEST_METHOD", "GET")
        content_type = django_request.META.get("CONTENT_TYPE", "")
        form = content_type.split(";")[0].strip().lower() == FORM
        body = django_request.body.decode("utf-8", "replace") if form else None
        headers = {"Authorization": header}
        if content_type:
            headers["Content-Type"] = content_type
        key = verify(
            uri=django_request.build_absolute_uri(),
            http_method=method,
            body=body,
            headers=headers,
        )
        return (key.user, key)

    def authenticate_header(self, request):
        return 'OAuth realm="api"'
