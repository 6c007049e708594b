"""The API surfaces the portal serves, in the order they are documented: the one list of them.

From it come the URLconf (config/urls.py mounts each surface's URLs in this order), the
error shape of every path no view answers (settings.API_ERROR_SHAPES), the OpenAPI
document's tags and description (SPECTACULAR_SETTINGS), the /api/ index page, the contract
documents the portal serves, the landing page's sentence and the cross-surface tests (each
entry's `tests`).
docs/adding-a-surface.md says how to add one."""

import uuid

from core.surfaces import (
    ErrorPaths,
    Surface,
    SurfaceTests,
    error_shapes,
    event_shape_modules,
    landing_summary,
    openapi_description,
    openapi_tags,
)

NOT_PROVIDED = "Authentication credentials were not provided."
NOT_FOUND = "Not found."
UNAVAILABLE = "The service is temporarily unavailable; try again shortly."


class AnyUuid:
    """Equal to any UUID string: Genesys's error bodies carry a fresh `contextId` each."""

    def __eq__(self, other):
        try:
            return isinstance(other, str) and str(uuid.UUID(other)) == other
        except ValueError:
            return False

    __hash__ = None

    def __repr__(self):
        return "<any UUID>"


def genesys_error(status, code, message):
    """Genesys Cloud's error body with no field (statuses/genesys/errors.py renders it)."""
    return {
        "message": message,
        "code": code,
        "status": status,
        "messageWithParams": message,
        "messageParams": {},
        "contextId": AnyUuid(),
        "details": [],
        "errors": [],
    }


LIVEPERSON_REASONS = "/api/account/acme/configuration/le-agents/status-reasons?v=1"

LIBREDESK = Surface(
    tag="Libredesk",
    serves="Helpdesk conversation statuses, wire-compatible with Libredesk",
    base_paths=("/api/v1/statuses", "/api/v1/agents/{id}/api-key"),
    authentication=(
        ("Authorization: Basic base64(api_key:api_secret)",),
        ("Authorization: token api_key:api_secret",),
    ),
    credentials="An agent's API key and secret, made on the admin's Credentials page or "
    "with POST /api/v1/agents/{id}/api-key; the secret is shown once.",
    contract="docs/contracts/libredesk.md",
    events=("statuses.libredesk.events",),
    objects="conversation statuses",
    urls=(("api/v1/", "statuses.libredesk.urls"),),
    # Libredesk's routes are nouns under /api/v1/; Rocket.Chat's method names share it.
    errors=(ErrorPaths(r"/api/v1/", "statuses.libredesk.errors.ERRORS", fallback=True),),
    tests=SurfaceTests(
        client="make_agent",
        credentials="tests.conftest.api_key_headers",
        perms=("statuses.add_conversationstatus", "statuses.change_conversationstatus"),
        read="/api/v1/statuses",
        write="/api/v1/statuses",
        unauthenticated={
            "status": "error",
            "message": NOT_PROVIDED,
            "data": None,
            "error_type": "UnauthorizedException",
        },
        challenge='token realm="api"',
        not_found={
            "status": "error",
            "message": NOT_FOUND,
            "data": None,
            "error_type": "NotFoundException",
        },
        unavailable={
            "status": "error",
            "message": UNAVAILABLE,
            "data": None,
            "error_type": "GeneralException",
        },
        # Nouns with or without a trailing slash (a route with a slash added is redirected,
        # as Libredesk's router does: statuses.libredesk.middleware).
        unknown=(
            "/api/v1/nope",
            "/api/v1/agents/",
            "/api/v1/",
            "/api/v1/agents",
            "/api/v1/conversations",
            "/api/v1/agents/1/api-keys",
        ),
        bench=("libredesk-list", "libredesk-create", "libredesk-create-50-subscriptions"),
        events=(("conversation-status", "libredesk.status"),),
    ),
)

ROCKETCHAT = Surface(
    tag="Rocket.Chat",
    serves="Chat custom user statuses, wire-compatible with Rocket.Chat",
    base_paths=(
        "/api/v1/login",
        "/api/v1/me",
        "/api/v1/logout",
        "/api/v1/custom-user-status.list",
    ),
    authentication=(("X-Auth-Token: <authToken>", "X-User-Id: <userId>"),),
    credentials="The authToken and userId of the reply of POST /api/v1/login.",
    contract="docs/contracts/rocketchat.md",
    events=("statuses.rocketchat.events",),
    objects="custom user statuses",
    notes="The other custom user status routes are `.create`, `.update` and `.delete`, all POST.",
    urls=(("api/v1/", "statuses.rocketchat.urls"),),
    # Rocket.Chat's routes are method names (`custom-user-status.list`, `channels.info`: a
    # dot) and `login`, `me`, `logout`.
    errors=(
        ErrorPaths(
            r"/api/v1/(?:[^/]*\.[^/]*|login|me|logout)(?:/|$)", "statuses.rocketchat.errors.ERRORS"
        ),
    ),
    tests=SurfaceTests(
        client="rc_login",
        credentials="tests.conftest.login_token_headers",
        perms=("statuses.add_userstatus",),
        read="/api/v1/custom-user-status.list",
        write="/api/v1/custom-user-status.create",
        unauthenticated={
            "success": False,
            "status": "error",
            "error": "You must be logged in to do this.",
            "message": "You must be logged in to do this.",
        },
        challenge='X-Auth-Token realm="api"',
        not_found={"success": False, "error": "Not found. [not_found]", "errorType": "not_found"},
        unavailable={
            "success": False,
            "error": UNAVAILABLE + " [unavailable]",
            "errorType": "unavailable",
        },
        unknown=(
            "/api/v1/custom-user-status.nope",
            "/api/v1/channels.list",
            "/api/v1/me/",
            "/api/v1/login/x",
        ),
        public=("/api/v1/login",),
        bench=("rocketchat-list", "rocketchat-create"),
        events=(("user-status", "rocketchat.user_status"),),
    ),
)

LIVEPERSON = Surface(
    tag="LivePerson",
    serves="Contact-center agent status reasons, wire-compatible with LivePerson",
    base_paths=(
        "/api/account/{accountId}/login",
        "/api/account/{accountId}/configuration/le-agents/status-reasons",
        "/api/account/{accountId}/service/{serviceName}/baseURI.json",
    ),
    authentication=(
        ("Authorization: Bearer <bearer>",),
        ("Authorization: OAuth oauth_consumer_key=<app key>, oauth_token=<access token>, ...",),
    ),
    credentials="The bearer from POST /api/account/{accountId}/login (a member's password, or "
    "an API key's Application Login), valid for that account only; or requests signed with "
    "one of the account's API keys (OAuth 1.0a), made in the admin and shown once.",
    contract="docs/contracts/liveperson.md",
    events=("reasons.liveperson.events",),
    objects="agent status reasons",
    urls=(("api/", "reasons.liveperson.urls"),),
    errors=(
        # The Login Service (login, refresh, logout) has an error body of its own.
        ErrorPaths(
            r"/api/account/[^/]+/(?:login|refresh|logout)/?$",
            "reasons.liveperson.errors.LOGIN_ERRORS",
        ),
        # The Domain API answers in the Login Service's shape too.
        ErrorPaths(
            r"/api/account/[^/]+/service/(?:[^/]+/)?baseURI\.json$",
            "reasons.liveperson.errors.LOGIN_ERRORS",
        ),
        ErrorPaths(r"/api/account/", "reasons.liveperson.errors.ERRORS"),
    ),
    tests=SurfaceTests(
        client="lp_login",  # a member of the account "acme" with every reason permission
        read=LIVEPERSON_REASONS,
        write=LIVEPERSON_REASONS,
        unauthenticated={"message": "Authentication required", "errors": []},
        challenge='Bearer realm="api"',
        not_found={"message": NOT_FOUND, "errors": []},
        unavailable={"message": UNAVAILABLE, "errors": []},
        unknown=("/api/account/", "/api/account/acme/nope"),
        public=(
            "/api/account/1/login",
            "/api/account/1/refresh",
            "/api/account/1/logout",
            "/api/account/1/service/1/baseURI.json",
            "/api/account/1/service/baseURI.json",
        ),
        query="v=1",
        bench=("liveperson-list", "liveperson-create", "liveperson-create-large"),
        events=(("status-reason", "liveperson.reason"),),
    ),
)

SELFCOMMUNITY = Surface(
    tag="SelfCommunity",
    serves="Community status posts with their categories, tags and media, "
    "wire-compatible with SelfCommunity",
    base_paths=("/api/v2/status/", "/api/v2/category/", "/api/v2/tag/", "/api/v2/media/"),
    authentication=(("Authorization: Bearer <access_token>",),),
    credentials="An access token from the portal's OAuth2 server (see OAuth2).",
    contract="docs/contracts/selfcommunity.md",
    events=("community.selfcommunity.events",),
    objects="community status posts",
    urls=(("api/v2/", "community.selfcommunity.urls"),),
    # The rest of /api/v2/: Zendesk's custom statuses live there too.
    errors=(ErrorPaths(r"/api/v2/", "community.selfcommunity.errors.ERRORS", fallback=True),),
    tests=SurfaceTests(
        client="sc_login",
        credentials="tests.conftest.oauth2_headers",
        perms=("community.add_category", "community.change_category"),
        read="/api/v2/status/",
        write="/api/v2/status/",
        unauthenticated={"errors": [{"code": "not_authenticated", "message": NOT_PROVIDED}]},
        challenge='Bearer realm="api"',
        not_found={"errors": [{"code": "not_found", "message": NOT_FOUND}]},
        unavailable={"errors": [{"code": "service_unavailable", "message": UNAVAILABLE}]},
        unknown=("/api/v2/nope/",),
        bench=("selfcommunity-list", "selfcommunity-create"),
        events=(
            ("community-status", "community.status"),
            ("community-category", "community.category"),
        ),
    ),
)

ZENDESK = Surface(
    tag="Zendesk",
    serves="Helpdesk conversation statuses as custom ticket statuses, with agent and "
    "end-user labels, wire-compatible with Zendesk",
    base_paths=("/api/v2/custom_statuses", "/api/v2/custom_status/default"),
    authentication=(
        ("Authorization: Basic base64({email}/token:{api_token})",),
        ("Authorization: Basic base64({email}:{password})",),
        ("Authorization: Bearer <access_token>",),
    ),
    credentials="A user's Zendesk API token (made in the admin or with manage.py "
    "create_zendesk_token USERNAME, shown once) with the user's email; the user's email and "
    "password; or an access token from the portal's OAuth2 server.",
    contract="docs/contracts/zendesk.md",
    events=("statuses.zendesk.events",),
    objects="custom ticket statuses",
    portal_objects="conversation statuses",
    notes="Every route is also served with a `.json` suffix, the form zenpy sends. The "
    "statuses are the Libredesk conversation statuses: one id, one name, one history.",
    urls=(("api/v2/", "statuses.zendesk.urls"),),
    errors=(ErrorPaths(r"/api/v2/custom_status", "statuses.zendesk.errors.ENDPOINT_ERRORS"),),
    tests=SurfaceTests(
        client="zd_login",
        credentials="tests.conftest.zendesk_token_headers",
        perms=("statuses.add_conversationstatus", "statuses.change_conversationstatus"),
        read="/api/v2/custom_statuses",
        write="/api/v2/custom_statuses",
        unauthenticated={"error": "Couldn't authenticate you"},
        challenge='Basic realm="Web Password"',
        not_found={"error": "InvalidEndpoint", "description": "Not found"},
        unavailable={"error": "ServiceUnavailable", "description": UNAVAILABLE},
        unknown=(
            "/api/v2/custom_statuses/1/ticket_form_statuses",
            "/api/v2/custom_status/nope",
            "/api/v2/custom_status",
        ),
        bench=("zendesk-list", "zendesk-create"),
        events=(("conversation-status", "zendesk.custom_status"),),
    ),
)

GENESYS = Surface(
    tag="Genesys Cloud",
    serves="Custom user statuses as presence definitions under the ten system presences, "
    "with labels in 26 languages, wire-compatible with Genesys Cloud",
    base_paths=("/api/v2/presence/definitions", "/api/v2/systempresences"),
    authentication=(("Authorization: Bearer <access_token>",),),
    credentials="An access token from the portal's OAuth2 server: the client-credentials "
    "grant of a client made for a user (manage.py create_oauth_client NAME --grant "
    "client-credentials --user USERNAME), as the Genesys SDK takes one at /oauth/token.",
    contract="docs/contracts/genesys.md",
    events=("statuses.genesys.events",),
    objects="presence definitions",
    portal_objects="custom user statuses",
    notes="The User definitions are the Rocket.Chat custom user statuses: one id, one name, "
    "one history. DELETE deactivates.",
    urls=(("api/v2/", "statuses.genesys.urls"),),
    errors=(
        ErrorPaths(r"/api/v2/presence/", "statuses.genesys.errors.ERRORS"),
        ErrorPaths(r"/api/v2/systempresences", "statuses.genesys.errors.ERRORS"),
    ),
    tests=SurfaceTests(
        client="gc_login",
        credentials="tests.conftest.oauth2_headers",
        perms=("statuses.add_userstatus", "statuses.view_userstatus"),
        read="/api/v2/presence/definitions",
        write="/api/v2/presence/definitions",
        unauthenticated=genesys_error(
            401,
            "authentication.required",
            "No authentication bearer token specified in authorization header.",
        ),
        challenge='Bearer realm="api"',
        not_found=genesys_error(404, "not.found", "The requested resource was not found."),
        unavailable=genesys_error(503, "service.unavailable", UNAVAILABLE),
        unknown=(
            "/api/v2/presence/nope",
            "/api/v2/presence/definitions/x/y",
            "/api/v2/systempresences/AVAILABLE",
        ),
        bench=("genesys-cloud-list", "genesys-cloud-create"),
        events=(("user-status", "genesys.presence_definition"),),
    ),
)

OAUTH2 = Surface(
    tag="OAuth2",
    serves="The OAuth2 server that issues the access tokens of SelfCommunity, Zendesk and "
    "Genesys Cloud: the password, authorization-code (with PKCE), refresh-token and "
    "client-credentials grants, and token revocation",
    base_paths=("/oauth/token/", "/oauth/authorize/", "/oauth/revoke_token/"),
    authentication=(("Authorization: Basic base64(client_id:client_secret)",),),
    credentials="The id and secret of an OAuth2 client app, made in the admin or with "
    "manage.py create_oauth_client (or sent in the form body). A client-credentials client "
    "(`--grant client-credentials --user USERNAME`, or *Issue client credentials* on the "
    "user's admin page) acts as that user.",
    contract="docs/contracts/selfcommunity.md",
    notes="The token and revocation routes take form bodies "
    "(`application/x-www-form-urlencoded`) and answer in OAuth2's own JSON "
    '(`{"error": "invalid_grant", ...}`), as RFC 6749 and RFC 7009 say. Swagger UI\'s '
    "*Authorize* button runs these flows for you. `POST /oauth/token`, with no trailing "
    "slash, is the same token endpoint, with the same rate limit: Genesys Cloud's SDK "
    "posts there.",
    trait=True,
    urls=(("oauth/", "community.selfcommunity.oauth_urls"),),
)

SURFACES = (LIBREDESK, ROCKETCHAT, LIVEPERSON, SELFCOMMUNITY, ZENDESK, GENESYS, OAUTH2)

# SPECTACULAR_SETTINGS["TAGS"] and ["DESCRIPTION"]
OPENAPI_TAGS = openapi_tags(SURFACES)
OPENAPI_DESCRIPTION = openapi_description(SURFACES)
# settings.API_ERROR_SHAPES
ERROR_SHAPES = error_shapes(SURFACES)
# WEBHOOKS_EVENT_SHAPES
EVENT_SHAPES = event_shape_modules(SURFACES)
# The landing page's sentence naming the vendors and what they serve (config/urls.py)
LANDING_SUMMARY = landing_summary(SURFACES)
