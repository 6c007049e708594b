"""OpenAPI description of the LivePerson bearer (loaded by ReasonsConfig.ready)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


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
