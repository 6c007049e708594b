"""Libredesk's trailing-slash redirect.

Libredesk's router (fasthttp/router, under zerodha/fastglue) has `RedirectTrailingSlash` on:
a request whose path differs from a route of its method only by a trailing slash is sent
to that route before any handler runs, so before any credential is checked. A GET gets 301,
any other method 308 (same method, same body); the query string is kept, and the Location is
absolute. Django resolves paths exactly (and APPEND_SLASH only ever adds a slash), so this
middleware does the same for Libredesk's routes. Any other path with a trailing slash is
left to the URLconf (a 404 in the surface's envelope), as is a method that the route does
not serve (Libredesk's router then has no route to suggest either).
"""

from django.http import HttpResponsePermanentRedirect
from django.urls import Resolver404, resolve

from statuses.libredesk.views import LibredeskView

PREFIX = "/api/v1/"
# The methods Libredesk registers routes for; a HEAD or OPTIONS finds no route of its own
# to redirect to there.
ROUTED_METHODS = frozenset({"GET", "POST", "PUT", "DELETE"})


class HttpResponsePermanentRedirectSameMethod(HttpResponsePermanentRedirect):
    """308: permanent, and the client repeats the method and the body (RFC 9110 §15.4.9)."""

    status_code = 308


def libredesk_view(path_info):
    """The Libredesk view class that `path_info` resolves to, or None."""
    try:
        match = resolve(path_info)
    except Resolver404:
        return None
    view_class = getattr(match.func, "view_class", None)
    if isinstance(view_class, type) and issubclass(view_class, LibredeskView):
        return view_class
    return None


class TrailingSlashRedirectMiddleware:
    """Send `/api/v1/statuses/` (and every Libredesk route with a slash added) to the route,
    as Libredesk's router does."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        redirect = self.redirect(request)
        return redirect if redirect is not None else self.get_response(request)

    def redirect(self, request):
        path_info = request.path_info
        if not (path_info.startswith(PREFIX) and path_info.endswith("/")):
            return None
        if request.method not in ROUTED_METHODS or len(path_info) <= len(PREFIX):
            return None
        view_class = libredesk_view(path_info[:-1])
        if view_class is None or not hasattr(view_class, request.method.lower()):
            return None
        try:
            resolve(path_info)
        except Resolver404:
            pass
        else:
            return None  # a route of its own (there is none today) answers it
        location = request.path[:-1]
        query = request.META.get("QUERY_STRING", "")
        if query:
            location += "?" + query
        response_class = (
            HttpResponsePermanentRedirect
            if request.method == "GET"
            else HttpResponsePermanentRedirectSameMethod
        )
        return response_class(request.build_absolute_uri(location))
