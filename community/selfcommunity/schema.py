"""OpenAPI description of the SelfCommunity bearer (loaded by CommunityConfig.ready)."""

from drf_spectacular.contrib.django_oauth_toolkit import DjangoOAuthToolkitScheme


class SelfCommunityOAuth2Scheme(DjangoOAuthToolkitScheme):
    """drf-spectacular's scheme for django-oauth-toolkit, required on every operation.

    The built-in one names the scheme on an operation only when a scope permission guards
    it; these views need a valid bearer whatever its scopes.
    """

    target_class = "access.authentication.ActiveUserOAuth2Authentication"
    priority = 1

    def get_security_requirement(self, auto_schema):
        return super().get_security_requirement(auto_schema) or {self.name: []}
