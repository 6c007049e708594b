"""The surfaces of config/surfaces.py as the cross-surface tests meet them: every surface
that has `tests`, the concrete paths of its routes (found in the URLconf), and a client
signed in with its credentials. A surface registered there is covered by these tests
without editing them."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils.module_loading import import_string

from config.surfaces import SURFACES
from core.api import ApiProblem

TESTED = tuple(surface for surface in SURFACES if surface.tests)
TAGS = [surface.tag for surface in SURFACES if not surface.trait]

# Every tested surface's client fixture, in the closure of a test that signs in on every
# surface, as if named in its signature: the fixtures' own parameters (Libredesk's two
# header forms) apply to the test as before.
signs_in = pytest.mark.usefixtures(*dict.fromkeys(surface.tests.client for surface in TESTED))


def event_shapes(kind=None):
    """The webhook event shapes the tested surfaces say they register (`tests.events`), as
    (surface tag, kind, prefix), in product order: of one kind, or all."""
    found = [(s.tag, k, prefix) for s in TESTED for k, prefix in s.tests.events]
    return [shape for shape in found if kind in (None, shape[1])]


def by_surface(values_of, surfaces=TESTED):
    """pytest params `(surface, value)` for each value of each surface, with readable ids."""
    return [
        pytest.param(surface, value, id=f"{surface.anchor}-{value}")
        for surface in surfaces
        for value in values_of(surface)
    ]


def each_surface(surfaces=TESTED):
    return [pytest.param(surface, id=surface.anchor) for surface in surfaces]


def signed_in(request, surface):
    """A client of `surface` with the permissions its registry entry names."""
    return request.getfixturevalue(surface.tests.client)(*surface.tests.perms)


def concrete(route):
    """A URL route as a path, with `1` for its first path parameter (as before)."""
    return (
        "/"
        + route.replace("<str:", "<").split("<")[0]
        + "1" * ("<" in route)
        + (route.split(">", 1)[1] if ">" in route else "")
    )


def _routes(patterns, prefix, urlconfs=None):
    found = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            module = getattr(entry.urlconf_name, "__name__", None)
            inside = urlconfs is None or (str(entry.pattern), module) in urlconfs
            if inside:
                found += _routes(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and urlconfs is None:
            found.append(prefix + str(entry.pattern))
    return found


def routes(surface):
    """The URL routes (Django's syntax, without the leading slash) of `surface`."""
    return _routes(get_resolver().url_patterns, "", set(surface.urls))


def surface_routes(surface, *, public=True):
    """The concrete paths of `surface`'s routes (`1` for every path parameter), its public
    ones too unless told not."""
    paths = sorted({"/" + re.sub(r"<(?:\w+:)?\w+>", "1", route) for route in routes(surface)})
    return [path for path in paths if public or path not in surface.tests.public]


def api_routes():
    """Every concrete path of the API: under /api/ and every tested surface's."""
    found = [
        concrete(route)
        for route in _routes(get_resolver().url_patterns, "")
        if route.startswith("api/") and "^" not in route
    ]
    for surface in TESTED:
        found += surface_routes(surface)
    return sorted(set(found))


def surface_of(path):
    """The tested surface whose routes include `path`, or None."""
    return next((surface for surface in TESTED if path in surface_routes(surface)), None)


def documented(route):
    """Whether the OpenAPI document lists `route`: not a view made with `schema=None`
    (another spelling of a documented route, such as Zendesk's `.json` forms)."""
    initkwargs = getattr(resolve(concrete(route)).func, "view_initkwargs", {})
    return initkwargs.get("schema", True) is not None


def openapi_paths(surface):
    """The OpenAPI templates of `surface`'s documented routes (`/api/v1/statuses/{status_id}`)."""
    return {
        "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
        for route in routes(surface)
        if documented(route)
    }


def error_shape_of(surface, path):
    """The error shape that `surface` itself names for `path` (its first pattern that
    matches), whatever other surfaces declare."""
    dotted = next(route.shape for route in surface.errors if re.match(route.pattern, path))
    return import_string(dotted)


def body_keys(shape, status=400):
    """The top-level keys of every body of `shape`."""
    problem = ApiProblem(status, "invalid", "Bad request.", code="bad_request")
    return set(shape.reply(problem)[1])
