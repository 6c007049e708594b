"""LivePerson's credential: `Authorization: Bearer <bearer>`, valid for one account."""

from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from reasons.services import account_bearer_authenticate


class AccountBearerAuthentication(BaseAuthentication):
    """LivePerson's `Authorization: Bearer <bearer>`; request.auth is the AccountBearer."""

    keyword = "Bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != b"bearer":
            return None
        if len(parts) != 2:
            raise AuthenticationFailed()
        bearer = account_bearer_authenticate(token=parts[1].decode("latin-1"))
        if bearer is None:
            raise AuthenticationFailed()
        return (bearer.user, bearer)

    def authenticate_header(self, request):
        return 'Bearer realm="api"'
