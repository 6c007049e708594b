"""django-oauth-toolkit's request validator: client authentication in constant cost, no
NUL character in a database lookup, and the sign-in lockout on the password grant."""

from axes.helpers import get_cool_off
from django.contrib.auth.hashers import make_password
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauthlib.oauth2.rfc6749.errors import InvalidGrantError


def carries_nul(value):
    """Whether a request value holds a NUL character. PostgreSQL cannot store or compare
    one in a text column (the query fails), and no client id, username or code has one."""
    return isinstance(value, str) and "\x00" in value


class PasswordGrantLockedOut(InvalidGrantError):
    """The password grant's answer while the username and address are locked out: the
    grant is refused (RFC 6749's `invalid_grant`) with the lockout's 429 and Retry-After,
    as the sign-in pages answer."""

    status_code = 429

    def __init__(self, retry_after, **kwargs):
        self.retry_after = retry_after
        minutes = -(-retry_after // 60)  # rounded up: never "in 0 minutes"
        wait = f" try again in {minutes} minutes." if retry_after else " ask an admin."
        super().__init__(
            description="Too many failed sign-ins as this user from your address;" + wait,
            **kwargs,
        )

    @property
    def headers(self):
        return {"Retry-After": str(self.retry_after)} if self.retry_after else {}


class PortalOAuth2Validator(OAuth2Validator):
    """django-oauth-toolkit's validator, with four changes.

    Checking a client secret costs one password hash; an unknown client id costs the same.
    Without this, a wrong secret for a known client took ~230 ms and an unknown client id
    ~3 ms, which told an attacker which client ids exist.

    A client id, username or authorization code with a NUL character is refused before it
    reaches the database, where PostgreSQL fails on it (a 500): the toolkit guards against
    psycopg2's ValueError, but psycopg 3 raises a DataError. Tokens and refresh tokens are
    looked up by their SHA-256 and client secrets are hashed, so those never reach it.

    The password grant counts towards the sign-in lockout (access/lockout.py) and answers a
    locked-out username and address with `PasswordGrantLockedOut`.

    A token request that sends a `code_verifier` for a code issued without a
    `code_challenge` is refused (RFC 9700 §4.8.2, PKCE downgrade): only a client that may
    go without PKCE (access/pkce.py) gets such codes, and oauthlib would ignore the verifier.
    """

    def authenticate_client(self, request, *args, **kwargs):
        authenticated = super().authenticate_client(request, *args, **kwargs)
        named_a_client = bool(request.client_id or self._extract_basic_auth(request))
        if not authenticated and named_a_client and getattr(request, "client", None) is None:
            make_password(getattr(request, "client_secret", None) or "")
        return authenticated

    def _load_application(self, client_id, request):
        # Every client lookup goes through here: the body's client_id, HTTP Basic, the
        # authorize and revocation endpoints. None is "no such client" (invalid_client).
        if carries_nul(client_id):
            return None
        return super()._load_application(client_id, request)

    def validate_code(self, client_id, code, client, request, *args, **kwargs):
        if carries_nul(code):
            return False
        return super().validate_code(client_id, code, client, request, *args, **kwargs)

    def get_code_challenge(self, code, request):
        challenge = super().get_code_challenge(code, request)
        if challenge is None and request.code_verifier is not None:
            raise InvalidGrantError(
                description="A code_verifier was sent for a code issued without a code_challenge.",
                request=request,
            )
        return challenge

    def build_http_request(self, request):
        # The request the toolkit authenticates the password grant with: kept, so that
        # validate_user can read what the lockout (django-axes) noted on it.
        http_request = super().build_http_request(request)
        request.password_check_request = http_request
        return http_request

    def validate_user(self, username, password, client, request, *args, **kwargs):
        if carries_nul(username):
            return False
        valid = super().validate_user(username, password, client, request, *args, **kwargs)
        checked = getattr(request, "password_check_request", None)
        if not valid and getattr(checked, "axes_locked_out", False):
            cool_off = get_cool_off(checked)
            retry_after = int(cool_off.total_seconds()) if cool_off else 0
            raise PasswordGrantLockedOut(retry_after, request=request)
        return valid
