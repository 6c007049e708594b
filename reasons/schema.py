"""OpenAPI for the LivePerson surface (loaded by ReasonsConfig.ready): its bearer, its
session cookie, its API keys (OAuth 1.0a), and its routes versioned by the `v` query parameter."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiViewExtension


class AccountBearerScheme(OpenApiAuthenticationExtension):
    target_class = "reasons.authentication.AccountBearerAuthentication"
    name = "livepersonBearer"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "LivePerson bearer from `POST /api/account/{accountId}/login`; "
            "valid only for that account.",
        }


class AccountSessionScheme(OpenApiAuthenticationExtension):
    target_class = "reasons.liveperson.authentication.AccountSessionAuthentication"
    name = "livepersonSession"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": "Session_id",
            "description": "LivePerson's login session cookie from `POST "
            "/api/account/{accountId}/login`, valid only together with the login reply's "
            '`csrf` in the body (`{"csrf": ...}`).',
        }


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "reasons.liveperson.oauth1.ApiKeyAuthentication"
    name = "livepersonApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "A LivePerson API key of the account: `Authorization: OAuth "
            'oauth_consumer_key="<app key>", oauth_token="<access token>", '
            'oauth_signature_method="HMAC-SHA1", ...` signed with the key\'s secret and '
            "access token secret (OAuth 1.0a, RFC 5849). A nonce is good once.",
        }


class QueryVersionedReasonViews(OpenApiViewExtension):
    """drf-spectacular knows versions in paths, namespaces and Accept headers only, and
    skips a view versioned otherwise. The reason routes document their `v` parameter
    themselves, so the schema is made from them as from unversioned views."""

    target_class = "reasons.liveperson.views.ReasonView"
    match_subclasses = True

    def view_replacement(self):
        return type(self.target.__name__, (self.target,), {"versioning_class": None})
