"""Permission classes about the credential a request was made with."""

from oauth2_provider.models import AbstractAccessToken
from rest_framework.permissions import SAFE_METHODS, BasePermission


class OAuthScopeForMethod(BasePermission):
    """An OAuth2 token needs the `read` scope to read and `write` to change anything.

    Requests made with other credentials (a logged-in admin session) are left to the
    other permission classes.
    """

    message = "This token's scope does not allow this request."

    def has_permission(self, request, view):
        token = request.auth
        if not isinstance(token, AbstractAccessToken):
            return True
        return token.allow_scopes(["read"] if request.method in SAFE_METHODS else ["write"])
