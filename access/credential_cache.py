"""Who a credential belongs to, remembered for a short while so that an API request costs
one cache round trip instead of a credential query and a permission query.

`lookup(kind, secret, load)` returns what `load()` returns (the user and the request's
`auth` object, or None for a refused credential), from the shared cache when it can. The
entry is keyed by a SHA-256 of the kind and the secret (never the secret itself) and holds
the user with their permissions already loaded, so `has_perm` needs no query either.

Revocation stays immediate. Every entry belongs to the `credentials` generation
(`core.cache`), which starts anew, on commit, whenever anything that decides a credential
changes: a user (password, activity, superuser flag), their groups or permissions, a
group's permissions, and the deletion or change of any credential. Apps with credentials of
their own register their models with `invalidate_on_change` (the LivePerson bearers and
account memberships do, in reasons). A refused credential is never cached, so a new one
works at once; an entry also never outlives its credential's own expiry or
`settings.CREDENTIAL_CACHE_SECONDS`.
"""

import hashlib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from core import cache

GENERATION = "credentials"


def lookup(kind, secret, load):
    """`(user, auth)` for the credential `secret` of `kind`, or None if it is refused.

    `load()` checks the credential in the database: None, or `(user, auth, expires_at)`,
    where `expires_at` is when the credential itself stops being valid (None: no expiry of
    its own). Its answer is kept while nothing that decides it changes.
    """
    if not settings.CREDENTIAL_CACHE_SECONDS:
        result = load()
        return None if result is None else result[:2]
    digest = hashlib.sha256(f"{kind}\x00{secret}".encode()).hexdigest()

    def fill():
        result = load()
        if result is not None:
            user, auth, _expires = result
            user.get_all_permissions()  # kept on the user, so it is pickled with it
            # No password hash, token or token hash in the cache: those fields become
            # deferred (read from the database if ever used; a save leaves them alone).
            user.__dict__.pop("password", None)
            if auth is not None and hasattr(auth, "_state"):
                for name in list(vars(auth)):
                    if name in {"token", "token_checksum"} or name.endswith("_hash"):
                        del auth.__dict__[name]
                # An OAuth2 token's application (its hashed client secret): read if used.
                auth._state.fields_cache.pop("application", None)
        return result

    def seconds(result):
        limit = settings.CREDENTIAL_CACHE_SECONDS
        if result[2] is not None:
            limit = min(limit, (result[2] - timezone.now()).total_seconds())
        return limit

    result = cache.remember(
        f"credential:{digest}",
        [GENERATION],
        fill,
        timeout=seconds,
        keep=lambda result: result is not None,
    )
    return None if result is None else result[:2]


def invalidate_on_change(*models, m2m=()):
    """End every cached credential when a row of `models` is changed or deleted, or a
    relation in `m2m` (many-to-many `through` models) changes. A new row ends none: a
    refused credential is never cached."""
    cache.bump_on_change(GENERATION, *models, m2m=m2m, created=False)


def register_access_models():
    """The user, group and permission tables, and this app's and django-oauth-toolkit's
    credentials (called from AccessConfig.ready). The admin works on the toolkit's tables
    through proxies, whose saves and deletes send signals under the proxy's name: both
    are watched."""
    from oauth2_provider.models import get_access_token_model, get_application_model

    from access.models import (
        ApiKey,
        LoginToken,
        OAuthAccessToken,
        OAuthClientApp,
        ZendeskApiToken,
    )

    user = get_user_model()
    invalidate_on_change(
        user,
        Group,
        ApiKey,
        LoginToken,
        get_access_token_model(),
        get_application_model(),
        OAuthAccessToken,
        OAuthClientApp,
        ZendeskApiToken,
        m2m=(user.groups.through, user.user_permissions.through, Group.permissions.through),
    )
