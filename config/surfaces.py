"""The API surfaces the portal serves, in the order they are documented: the /api/ index
page lists them, the OpenAPI document has one tag per entry (SPECTACULAR_SETTINGS["TAGS"]),
and each names the contract document that the portal serves at the same path."""

from core.surfaces import Surface, openapi_tags

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
    notes="The other custom user status routes are `.create`, `.update` and `.delete`, all POST.",
)

LIVEPERSON = Surface(
    tag="LivePerson",
    serves="Contact-center agent status reasons, wire-compatible with LivePerson",
    base_paths=(
        "/api/account/{accountId}/login",
        "/api/account/{accountId}/configuration/le-agents/status-reasons",
    ),
    authentication=(("Authorization: Bearer <bearer>",),),
    credentials="The bearer from POST /api/account/{accountId}/login, valid for that account only.",
    contract="docs/contracts/liveperson.md",
)

SELFCOMMUNITY = Surface(
    tag="SelfCommunity",
    serves="Community status posts with their categories, tags and media, "
    "wire-compatible with SelfCommunity",
    base_paths=("/api/v2/status/", "/api/v2/category/", "/api/v2/tag/", "/api/v2/media/"),
    authentication=(("Authorization: Bearer <access_token>",),),
    credentials="An access token from the portal's OAuth2 server (see OAuth2).",
    contract="docs/contracts/selfcommunity.md",
)

OAUTH2 = Surface(
    tag="OAuth2",
    serves="The OAuth2 server that issues SelfCommunity's access tokens: the password, "
    "authorization-code (with PKCE) and refresh-token grants, and token revocation",
    base_paths=("/oauth/token/", "/oauth/authorize/", "/oauth/revoke_token/"),
    authentication=(("Authorization: Basic base64(client_id:client_secret)",),),
    credentials="The id and secret of an OAuth2 client app, made in the admin or with "
    "manage.py create_oauth_client (or sent in the form body).",
    contract="docs/contracts/selfcommunity.md",
    notes="The token and revocation routes take form bodies "
    "(`application/x-www-form-urlencoded`) and answer in OAuth2's own JSON "
    '(`{"error": "invalid_grant", ...}`), as RFC 6749 and RFC 7009 say. Swagger UI\'s '
    "*Authorize* button runs these flows for you.",
    trait=True,
)

SURFACES = (LIBREDESK, ROCKETCHAT, LIVEPERSON, SELFCOMMUNITY, OAUTH2)

# SPECTACULAR_SETTINGS["TAGS"]
OPENAPI_TAGS = openapi_tags(SURFACES)
