"""OpenAPI extensions of the SelfCommunity surface (registered when its views are imported,
which the URLconf does before any schema is generated)."""

from drf_spectacular.contrib.django_oauth_toolkit import DjangoOAuthToolkitScheme
from drf_spectacular.extensions import OpenApiSerializerFieldExtension


class SelfCommunityOAuth2Scheme(DjangoOAuthToolkitScheme):
    """drf-spectacular's scheme for django-oauth-toolkit, required on every operation.

    The built-in one names the scheme on an operation only when a scope permission guards
    it; these views need a valid bearer whatever its scopes. Where a permission class lets
    an anonymous caller through (`allows_anonymous`: a read while COMMUNITY_ANONYMOUS_READS
    is on, permissions.py), the operation's security also lists `{}`, no credential.
    """

    target_class = "access.authentication.ActiveUserOAuth2Authentication"
    priority = 1

    def get_security_requirement(self, auto_schema):
        requirement = super().get_security_requirement(auto_schema) or {self.name: []}
        view, method = auto_schema.view, auto_schema.method
        if any(
            getattr(permission, "allows_anonymous", None)
            and permission.allows_anonymous(view, method)
            for permission in view.get_permissions()
        ):
            return [requirement, {}]
        return requirement


class UnicodeSlugFieldExtension(OpenApiSerializerFieldExtension):
    """A Unicode slug (`SlugField(allow_unicode=True)`) with a pattern that says so.

    drf-spectacular copies the validator's regex, `^[-\\w]+$`, into the schema. In Python
    `\\w` is any letter or digit of any script; in a JSON Schema (ECMA-262) pattern it is
    ASCII only, so slugs the server makes from names and accepts, such as "ná2", would
    break the schema. ECMA-262 without the `u` flag cannot name Unicode letters, so the
    pattern refuses what is surely not a slug (whitespace, controls and ASCII punctuation
    other than `-` and `_`) and lets every other character through.
    """

    target_class = "rest_framework.fields.SlugField"

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        if self.target.allow_unicode:
            # Set here, so that drf-spectacular does not add the validator's own pattern.
            schema["pattern"] = UNICODE_SLUG_PATTERN
            schema.setdefault("description", "Letters and digits of any script, `_` and `-`.")
        return schema


UNICODE_SLUG_PATTERN = r"^[^\u0000-,./:-@\[-^`{-\u007f\s]+$"
