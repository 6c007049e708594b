"""How an API surface registers itself: where its routes are mounted, which paths answer
errors in its shape, how it describes itself to its readers (the /api/ index page, the
OpenAPI document's tags and description, the contract documents the portal serves) and
what the cross-surface tests need to call it. Plain data, so that the settings can read it
(config/surfaces.py lists the surfaces; config/urls.py and config/settings.py derive the
URLconf, `API_ERROR_SHAPES` and the OpenAPI tags from that list)."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ErrorPaths:
    """Paths whose errors one of the surface's error shapes writes where no view of the
    surface answers: unknown paths, a refused Host header, a database outage seen by
    middleware (`core.api.render_for_path`)."""

    # A regular expression matched at the start of the path (`re.match`).
    pattern: str
    # The dotted path of the `core.api.ErrorShape` instance, such as "x.errors.ERRORS".
    shape: str
    # The rest of a prefix that another surface shares, such as Libredesk's `/api/v1/`
    # (Rocket.Chat's method names live there too): tried after every other surface's
    # patterns, so the narrower ones win.
    fallback: bool = False


@dataclass(frozen=True)
class SurfaceTests:
    """What the cross-surface tests (tests/test_hardening.py, test_unauthenticated_errors.py,
    test_schemathesis.py, test_api_docs_ux.py) need to call a surface. Every route of the
    surface is found in the URLconf; these are only what differs from surface to surface."""

    # A fixture of tests/conftest.py returning `make(*perms)`, which makes a user with those
    # permissions and an APIClient signed in with the surface's credentials.
    client: str
    # A route that a client of `client` reads with a 200: a list, with its query.
    read: str
    # The body of a 401 to a request without any credentials, and its WWW-Authenticate.
    unauthenticated: dict
    challenge: str
    # The body of a 404 at an unknown path under the surface's prefixes.
    not_found: dict
    # The body of the 503 while the database cannot be reached.
    unavailable: dict
    # Unknown paths that the surface owns (their 404 is in its shape).
    unknown: tuple[str, ...]
    # A route that creates an object from a JSON object body, with its query (None for a
    # surface that only reads).
    write: str | None = None
    # The permissions given to `client`: enough to read and write (none: the fixture's own).
    perms: tuple[str, ...] = ()
    # Routes that answer without credentials (a login), as concrete paths.
    public: tuple[str, ...] = ()
    # A query every request needs (such as an API version), without the `?`.
    query: str = ""
    # Fresh credentials of the kind `client` sends, for a user the test already has: the
    # dotted path of a function `(user) -> headers` (tests/conftest.py). Schemathesis calls
    # every operation of the surface with new ones (logout and the key routes revoke them);
    # without it, those of the first surface whose operations start with the same OpenAPI
    # security scheme.
    credentials: str = ""
    # The rows of `make bench` (bench/run.py) that measure it, by key: what the bench smoke
    # test expects to find, exactly (none: the surface is not benchmarked).
    bench: tuple[str, ...] = ()
    # The webhook event shapes its `Surface.events` modules register, as (kind, prefix), in
    # the order they register them: what the catalogue tests expect to find, exactly.
    events: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Surface:
    """One vendor API that the portal speaks, as a client developer meets it."""

    # The OpenAPI tag of every operation of the surface: the vendor's name.
    tag: str
    # What the surface serves, in a few words.
    serves: str
    # Where its routes start (templates such as `/api/v1/statuses/{id}`).
    base_paths: tuple[str, ...]
    # The credential headers a request sends: one group per accepted form, each group the
    # headers sent together.
    authentication: tuple[tuple[str, ...], ...]
    # Where those credentials come from.
    credentials: str
    # The repository path of its contract, served by the portal at the same path.
    contract: str
    # Its URLconfs: (prefix, dotted module), mounted in the order of SURFACES.
    urls: tuple[tuple[str, str], ...] = ()
    # Which paths answer errors in which of its error shapes, in the order tried.
    errors: tuple[ErrorPaths, ...] = ()
    # The modules that register its shapes of webhook events (webhooks.catalogue.shape).
    events: tuple[str, ...] = ()
    # What its objects are, for the OpenAPI document's description ("conversation statuses").
    objects: str = ""
    # The portal's name for those objects where the vendor names them otherwise (Zendesk's
    # custom ticket statuses are the portal's conversation statuses): the landing page
    # names each kind of object once.
    portal_objects: str = ""
    # A sentence or two more for the API documentation (Markdown).
    notes: str = ""
    # A section of documentation only, with no operations of its own (ReDoc's
    # `x-traitTag`), such as the OAuth2 server that issues a surface's tokens.
    trait: bool = False
    # How the cross-surface tests call it; None for a trait.
    tests: SurfaceTests | None = field(default=None, compare=False)

    @property
    def anchor(self) -> str:
        """The id of the surface's section on the /api/ page."""
        return self.tag.lower().replace(".", "").replace(" ", "-")

    def openapi_tag(self) -> dict:
        """The surface's entry in the OpenAPI document's `tags`."""
        lines = [self.serves + ".", ""]
        if self.notes:
            lines += [self.notes, ""]
        lines += [
            "**Base paths:** " + ", ".join(f"`{path}`" for path in self.base_paths) + "  ",
            "**Authentication:** "
            + " or ".join(
                " with ".join(f"`{header}`" for header in group) for group in self.authentication
            )
            + f". {self.credentials}  ",
            f"**Contract:** [{self.contract}](/{self.contract}): what this portal does "
            "where the vendor's own documentation is silent or wrong.",
        ]
        tag = {"name": self.tag, "description": "\n".join(lines)}
        if self.trait:
            tag["x-traitTag"] = True
        return tag


def openapi_tags(surfaces) -> list[dict]:
    """SPECTACULAR_SETTINGS["TAGS"]: one tag per surface, in the order given."""
    return [surface.openapi_tag() for surface in surfaces]


def _listed(words) -> str:
    """`a`, `a and b`, `a, b and c`."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def openapi_description(surfaces) -> str:
    """SPECTACULAR_SETTINGS["DESCRIPTION"]: the vendors and what each serves."""
    named = [f"{s.tag} ({s.objects})" for s in surfaces if s.objects]
    return f"Status APIs wire-compatible with {_listed(named)}."


def landing_summary(surfaces) -> str:
    """The landing page's sentence: each kind of object once, the vendors whose APIs serve
    it under the portal's name, then the ones that serve one under a name of their own
    ("..., and Zendesk's custom ticket statuses")."""
    named = [s for s in surfaces if s.objects]
    kinds = _listed(list(dict.fromkeys(s.portal_objects or s.objects for s in named)))
    text = (
        f"{kinds[:1].upper()}{kinds[1:]}, configured in one place and served through APIs "
        f"compatible with {_listed([s.tag for s in named if not s.portal_objects])}"
    )
    others = [f"{s.tag}'s {s.objects}" for s in named if s.portal_objects]
    return text + (f", and {_listed(others)}." if others else ".")


def event_shape_modules(surfaces) -> list[str]:
    """WEBHOOKS_EVENT_SHAPES: every surface's event-shape modules, in the surfaces' order."""
    return [module for surface in surfaces for module in surface.events]


def error_shapes(surfaces) -> list[tuple[str, str]]:
    """settings.API_ERROR_SHAPES: (pattern, dotted error shape) in the order tried, first
    every surface's own patterns in the order of `surfaces`, then the fallbacks."""
    routes = [route for surface in surfaces for route in surface.errors]
    return [
        (route.pattern, route.shape)
        for route in sorted(routes, key=lambda route: route.fallback)  # stable
    ]
