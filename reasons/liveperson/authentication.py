"""LivePerson's Login Service session: the `Session_id` cookie plus the `csrf` of the body.

The refresh and logout routes accept it (logout also takes the bearer). A cookie is sent by
a browser on any request to the portal, so it authenticates only together with the csrf
that the login reply showed once: a cross-site page cannot know it.
"""

from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed

from core.errors import DomainError
from reasons import services
from reasons.liveperson.serializers import LivePersonCsrfBodySerializer

SESSION_COOKIE = "Session_id"


def session_cookie_path(account_id: str) -> str:
    """The cookie is the account's: sent to its Login Service routes, not to another's."""
    return f"/api/account/{account_id}/"


class AccountSessionAuthentication(BaseAuthentication):
    """`Session_id` cookie plus `{"csrf": ...}`; request.auth is the session (AccountBearer).

    No cookie: not this scheme. An unknown, expired or ended session: 401. A csrf that is
    not the session's (or none): 401 with the code `csrf_invalid`.
    """

    def authenticate(self, request):
        session_id = request.COOKIES.get(SESSION_COOKIE)
        if not session_id:
            return None
        body = LivePersonCsrfBodySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            session = services.account_session_authenticate(
                session_id=session_id, csrf=body.validated_data["csrf"]
            )
        except DomainError as error:
            raise AuthenticationFailed(error.message, code=error.code) from None
        if session is None:
            raise AuthenticationFailed()
        return (session.user, session)

    def authenticate_header(self, request):
        return f'Cookie realm="api", cookie-name="{SESSION_COOKIE}"'
