"""Rate limits of the SelfCommunity surface."""

from rest_framework.throttling import UserRateThrottle


class WriteRateThrottle(UserRateThrottle):
    """Per-user limit on creating and changing content; reads are not limited."""

    scope = "selfcommunity-write"

    def allow_request(self, request, view):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        return super().allow_request(request, view)
