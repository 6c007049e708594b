"""OpenAPI descriptions of the authentication schemes (loaded by AccessConfig.ready)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiKeyBasicScheme(OpenApiAuthenticationExtension):
    target_class = "access.authentication.ApiKeyBasicAuthentication"
    name = "basicAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "basic",
            "description": "Libredesk API key and secret: "
            "`Authorization: Basic base64(api_key:api_secret)`.",
        }


class ApiKeyTokenScheme(OpenApiAuthenticationExtension):
    target_class = "access.authentication.ApiKeyTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "Libredesk API key and secret: `Authorization: token api_key:api_secret`."
            ),
        }


class LoginTokenScheme(OpenApiAuthenticationExtension):
    target_class = "access.authentication.LoginTokenAuthentication"
    # Both headers together form one security requirement.
    name = ["authToken", "userId"]

    def get_security_definition(self, auto_schema):
        return [
            {
                "type": "apiKey",
                "in": "header",
                "name": "X-Auth-Token",
                "description": "Rocket.Chat `authToken` from `POST /api/v1/login`.",
            },
            {
                "type": "apiKey",
                "in": "header",
                "name": "X-User-Id",
                "description": "Rocket.Chat `userId` from `POST /api/v1/login`.",
            },
        ]


class ZendeskApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "access.authentication.ZendeskTokenAuthentication"
    name = "zendeskApiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "basic",
            "description": "Zendesk API token of the user with that email: "
            '`Authorization: Basic base64("{email}/token:{token}")` (the user part ends in '
            "`/token`). Made in the admin or with `manage.py create_zendesk_token USERNAME`.",
        }


class ZendeskPasswordScheme(OpenApiAuthenticationExtension):
    target_class = "access.authentication.ZendeskPasswordAuthentication"
    name = "zendeskPassword"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "basic",
            "description": "Zendesk email and password: "
            '`Authorization: Basic base64("{email}:{password}")`. Rate-limited per address, '
            "and failures count towards the sign-in lockout.",
        }
