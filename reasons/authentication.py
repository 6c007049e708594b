"""LivePerson's credential: `Authorization: Bearer <bearer>`, valid for one account."""

from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from access import credential_cache
from reasons.services import account_bearer_authenticate, session_ttl


class AccountBearerAuthentication(BaseAuthentication):
    """LivePerson's `Authorization: Bearer <bearer>`; request.auth is the AccountBearer."""

    keyword = "Bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != b"bearer":
            return None
        if len(parts) != 2:
            raise AuthenticationFailed()
        token = parts[1].decode("latin-1")

        def load():
            bearer = account_bearer_authenticate(token=token)
            if bearer is None:
                return None
            # Not the account row: its revision changes with every write to its reasons,
            # which ends no credential. `bearer.account` reads it afresh when a view needs it.
            bearer._state.fields_cache.pop("account", None)
            return (bearer.user, bearer, bearer.refreshed_at + session_ttl())

        result = credential_cache.lookup("liveperson-bearer", token, load)
        if result is None:
            raise AuthenticationFailed()
        return result

    def authenticate_header(self, request):
        return 'Bearer realm="api"'
