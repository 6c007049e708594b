"""Who may call a SelfCommunity route: a signed-in member, or, where the community lets
anyone read (`COMMUNITY_ANONYMOUS_READS`, SelfCommunity's `content_availability` option),
an anonymous reader.

A view opens its reads to anonymous callers with the class attribute `anonymous_read =
True`; its writes, and every route without the attribute, still need a bearer. The
vendor's docs mark the routes that may be open ("This operation requires authentication
only if `content_availability` community option is false"); a route about the caller
(what I follow, hide, flag, suspend) has no meaning without one.
"""

from django.conf import settings
from rest_framework.permissions import SAFE_METHODS, BasePermission, DjangoModelPermissions


def anonymous_read_allowed(view, method: str) -> bool:
    """Whether `method` on `view` answers a caller who sent no credential."""
    return (
        settings.COMMUNITY_ANONYMOUS_READS
        and method.upper() in SAFE_METHODS
        and getattr(view, "anonymous_read", False)
    )


def sent_a_credential(request) -> bool:
    """Whether the request carries any credential, accepted or not.

    One that was refused must stay a 401, never become an anonymous read: an expired
    bearer would otherwise get the anonymous reply (no `voted`, no hidden posts left out)
    with a 200, and its client would never learn to refresh it. A header of another
    scheme, or a token in the query string (which the portal refuses: RFC 9700 §4.3.2),
    counts as a credential too.
    """
    return "HTTP_AUTHORIZATION" in request.META or "access_token" in request.query_params


class MemberOrAnonymousRead(BasePermission):
    """A signed-in caller (bearer or admin session), or an anonymous one reading a route
    that `anonymous_read_allowed`. The other permission classes then say what a member may
    do; every refusal of an anonymous caller is DRF's 401 `not_authenticated`."""

    # What the OpenAPI document names as the operation's security (schema.py): `{}`, no
    # credential at all, where this class lets an anonymous caller through.
    def allows_anonymous(self, view, method: str) -> bool:
        return anonymous_read_allowed(view, method)

    def has_permission(self, request, view):
        if request.user and request.user.is_authenticated:
            return True
        return self.allows_anonymous(view, request.method) and not sent_a_credential(request)


class ModelPermissions(DjangoModelPermissions):
    """Django's model permissions for writes (add, change, delete), as DRF checks them.

    Whether the caller must be signed in is `MemberOrAnonymousRead`'s to say, so it comes
    first in the view's permission classes: a read needs no model permission, and an
    anonymous write holds none.
    """

    authenticated_users_only = False
