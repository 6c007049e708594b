"""Issuing, checking and revoking credentials."""

import hashlib
import hmac
import secrets
import string
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from access.models import ApiKey, LoginToken, OAuthClientApp, OAuthTokenUse, ZendeskApiToken
from core.errors import DomainError, ErrorCode, ForbiddenError
from core.ids import parse_id

ALPHANUMERIC = string.ascii_letters + string.digits


def random_string(length, alphabet=ALPHANUMERIC):
    """A cryptographically random string of `length` characters from `alphabet`."""
    return "".join(secrets.choice(alphabet) for _ in range(length))


def hash_secret(secret):
    """SHA-256 hex digest of a long random secret (a KDF would only add per-request cost)."""
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedApiKey:
    """A freshly issued key with its secret in clear: the only time the secret exists."""

    api_key: str
    api_secret: str
    record: ApiKey


def api_key_issue_allowed(*, actor, user):
    """Whether `actor` may mint an API key for `user` (a key acts with all of its user's rights).

    A user may always replace their own key. For another user it takes the permissions to
    change users and to add API keys, and only a superuser mints a key for a superuser.
    """
    if actor.pk == user.pk:
        return actor.is_active
    if user.is_superuser and not actor.is_superuser:
        return False
    return actor.has_perms(["auth.change_user", "access.add_apikey"])


def api_key_issue(*, user, actor):
    """Give `user` a new API key, replacing any earlier one; return it with its secret.

    `actor` is who asks, held to `api_key_issue_allowed`; None only for the operator at
    the command line (`create_api_key`, `ensure_demo_admin`), who has the database anyway.
    """
    if actor is not None and not api_key_issue_allowed(actor=actor, user=user):
        raise ForbiddenError(_("Permission denied"))
    key, secret = random_string(32), random_string(64)
    record, _created = ApiKey.objects.update_or_create(
        user=user,
        defaults={
            "key": key,
            "secret_hash": hash_secret(secret),
            "created_at": timezone.now(),
            "last_used_at": None,
        },
    )
    return IssuedApiKey(api_key=key, api_secret=secret, record=record)


def api_key_revoke(*, user):
    """Delete `user`'s API key so that it stops working at once; True if there was one."""
    deleted, _ = ApiKey.objects.filter(user=user).delete()
    return bool(deleted)


def api_key_find(*, key, secret):
    """The API key with this key and secret, of an active user (loaded with it), or None.
    One indexed query."""
    if not key or "\x00" in key:
        return None
    api_key = ApiKey.objects.select_related("user").filter(key=key).order_by().first()
    if api_key is None or not hmac.compare_digest(api_key.secret_hash, hash_secret(secret)):
        return None
    if not api_key.user.is_active:
        return None
    touch_last_used(api_key)
    return api_key


def api_key_authenticate(*, key, secret):
    """The active user owning this key and secret, or None. One indexed query."""
    api_key = api_key_find(key=key, secret=secret)
    return None if api_key is None else api_key.user


def oauth_token_used(access_token):
    """Record that an OAuth2 access token was just used (one upsert)."""
    OAuthTokenUse.objects.bulk_create(
        [OAuthTokenUse(access_token=access_token, last_used_at=timezone.now())],
        update_conflicts=True,
        unique_fields=["access_token"],
        update_fields=["last_used_at"],
    )


def touch_last_used(credential):
    """Record that `credential` (a row with `last_used_at`) was just used. Writing on every
    request would turn each read into a write; a minute's resolution is enough to tell
    which credentials are in use. An UPDATE: no signal, so no cached credential ends."""
    now = timezone.now()
    resolution = timedelta(seconds=settings.API_KEY_LAST_USED_RESOLUTION_SECONDS)
    if credential.last_used_at is None or now - credential.last_used_at >= resolution:
        type(credential).objects.filter(pk=credential.pk).update(last_used_at=now)
        credential.last_used_at = now


@dataclass(frozen=True)
class IssuedLoginToken:
    """A freshly issued login token in clear, returned once by the login route."""

    user_id: str
    auth_token: str


def login_token_issue(*, user, user_agent=""):
    """Start a Rocket.Chat-style session for `user`; the token itself is never stored."""
    token = secrets.token_urlsafe(32)
    LoginToken.objects.create(
        user=user, token_hash=hash_secret(token), user_agent=(user_agent or "")[:255]
    )
    return IssuedLoginToken(user_id=str(user.pk), auth_token=token)


def login_token_find(*, user_id, token):
    """The unexpired login token of an active user matching this user id and token (with
    its user, and its `expires_at`), or None. One indexed query."""
    user_id = parse_id(user_id)
    if user_id is None or not token:
        return None
    ttl = timedelta(days=settings.LOGIN_TOKEN_TTL_DAYS)
    login = (
        LoginToken.objects.select_related("user")
        .filter(
            token_hash=hash_secret(token),
            user_id=user_id,
            created_at__gte=timezone.now() - ttl,
            user__is_active=True,
        )
        .order_by()
        .first()
    )
    if login is not None:
        login.expires_at = login.created_at + ttl
        touch_last_used(login)
    return login


def login_token_authenticate(*, user_id, token):
    """The active user owning this unexpired token and user id, or None. One indexed query."""
    login = login_token_find(user_id=user_id, token=token)
    return login.user if login else None


def login_token_revoke(*, token):
    """End the session of this token; True if it existed."""
    deleted, _ = LoginToken.objects.filter(token_hash=hash_secret(token)).delete()
    return bool(deleted)


def user_authenticate_password(*, login, password, by_email=False):
    """The active user whose username (or email, with `by_email`) and password match, or None.

    Every attempt costs one password hash, whether the user exists or not, so the reply
    time does not tell which usernames or emails exist.
    """
    from django.contrib.auth import authenticate, get_user_model
    from django.contrib.auth.hashers import make_password

    if not login or not password or "\x00" in login + password:
        return None
    if by_email:
        user = get_user_model().objects.filter(email__iexact=login).order_by("pk").first()
        if user is None:
            make_password(password)  # the hash an existing user's check would cost
            return None
        login = user.get_username()
    return authenticate(username=login, password=password)


ZENDESK_TOKEN_LENGTH = 40


@dataclass(frozen=True)
class IssuedZendeskToken:
    """A freshly issued Zendesk API token in clear: the only time the token exists. With
    the email and user id a client signs in with (`{email}/token:{token}`)."""

    token: str
    email: str
    user_id: int
    record: ZendeskApiToken


def zendesk_token_issue_allowed(*, actor, user):
    """Whether `actor` may make a Zendesk API token for `user` (a token acts with all of
    its user's rights): the same rule as for an API key, with the token's own add
    permission."""
    if actor.pk == user.pk:
        return actor.is_active
    if user.is_superuser and not actor.is_superuser:
        return False
    return actor.has_perms(["auth.change_user", "access.add_zendeskapitoken"])


def zendesk_token_issue(*, user):
    """Give `user` a new Zendesk API token and return it in clear, once. Earlier tokens of
    the user keep working until revoked. A token is used with its user's email, so a user
    without one is refused."""
    email = (user.email or "").strip()
    if not email:
        raise DomainError(
            _("%(user)s has no email address: an API token is used with its user's email.")
            % {"user": user.get_username()},
            code=ErrorCode.REQUIRED,
            field="email",
        )
    token = random_string(ZENDESK_TOKEN_LENGTH)
    record = ZendeskApiToken.objects.create(user=user, token_hash=hash_secret(token))
    return IssuedZendeskToken(token=token, email=email, user_id=user.pk, record=record)


@dataclass(frozen=True)
class IssuedOAuthClient:
    """A freshly made OAuth2 client with its secret in clear: the only time it exists (the
    toolkit stores it hashed)."""

    client_id: str
    client_secret: str
    record: OAuthClientApp


def oauth_client_issue_allowed(*, actor, user):
    """Whether `actor` may make a client-credentials client for `user` (its tokens act with
    all of the user's rights): the rule of an API key, with the client app's add
    permission."""
    if actor.pk == user.pk:
        return actor.is_active
    if user.is_superuser and not actor.is_superuser:
        return False
    return actor.has_perms(["auth.change_user", "access.add_oauthclientapp"])


def oauth_client_issue(*, name, user=None, actor=None):
    """Make a confidential OAuth2 client and return its id and secret in clear, once.

    With `user`, a client of the client-credentials grant whose tokens act as that user
    (Genesys Cloud's SDK logs in this way; access.authentication gives its bearers the
    user); the user must be active. Without one, a client of the password grant (and
    refresh tokens), whose tokens act as whoever signs in. `actor` is who asks, held to
    `oauth_client_issue_allowed`; None only for the operator at the command line.
    """
    from oauth2_provider.generators import generate_client_secret

    if user is not None:
        if not user.is_active:
            raise DomainError(
                _("%(user)s is deactivated: a client acting as them could not sign in.")
                % {"user": user.get_username()},
                code=ErrorCode.INACTIVE,
                field="user",
            )
        if actor is not None and not oauth_client_issue_allowed(actor=actor, user=user):
            raise ForbiddenError(_("Permission denied"))
    secret = generate_client_secret()  # hashed on save: kept here to be shown once
    record = OAuthClientApp.objects.create(
        name=name,
        user=user,
        client_type=OAuthClientApp.CLIENT_CONFIDENTIAL,
        authorization_grant_type=(
            OAuthClientApp.GRANT_PASSWORD
            if user is None
            else OAuthClientApp.GRANT_CLIENT_CREDENTIALS
        ),
        client_secret=secret,
        hash_client_secret=True,
    )
    return IssuedOAuthClient(client_id=record.client_id, client_secret=secret, record=record)


def active_users_with_email(email):
    """The active users whose email is `email`, compared case-insensitively."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(email__iexact=email, is_active=True)


def zendesk_token_find(*, email, token):
    """The Zendesk API token matching `token` whose active user has the email `email`
    (case-insensitively), with its user; None otherwise. An email that another active user
    shares names nobody, so it is refused too. One query, by the token's hash (unique,
    indexed), its user joined and the shared-email check a subquery."""
    if not email or not token or "\x00" in email or "\x00" in token:
        return None
    if len(token) != ZENDESK_TOKEN_LENGTH:
        return None  # never issued: no query
    shared = active_users_with_email(email).exclude(pk=OuterRef("user_id"))
    found = (
        ZendeskApiToken.objects.select_related("user")
        .filter(
            token_hash=hash_secret(token),
            user__is_active=True,
            user__email__iexact=email,
        )
        .exclude(Exists(shared))
        .order_by()
    )
    # A slice, not first(): first() orders by the primary key, which can lead PostgreSQL
    # to walk that index instead of looking the hash up in its own.
    record = next(iter(found[:1]), None)
    if record is not None:
        touch_last_used(record)
    return record


def zendesk_token_revoke(*, record):
    """End this Zendesk API token at once (the admin's revoke); True if it existed."""
    deleted, _ = ZendeskApiToken.objects.filter(pk=record.pk).delete()
    return bool(deleted)


def user_authenticate_email_password(*, email, password, request):
    """The active user with this email and password, checked by Django's `authenticate()`
    with `request`, so that a failure counts towards the sign-in lockout (django-axes,
    access/lockout.py) and a locked-out username and address is refused whatever the
    password. None otherwise: then `request.axes_locked_out` says whether the lockout
    refused it. An email that two active users share names nobody and is refused.

    Every attempt costs one password hash, whether the email is known, shared or locked
    out, so the reply time tells none of those apart.
    """
    from django.contrib.auth import authenticate
    from django.contrib.auth.hashers import make_password

    if not email or not password or "\x00" in email + password:
        return None
    users = list(active_users_with_email(email).order_by()[:2])
    if len(users) != 1:
        make_password(password)  # the hash an existing user's check would cost
        return None
    user = authenticate(request, username=users[0].get_username(), password=password)
    if user is None and getattr(request, "axes_locked_out", False):
        make_password(password)  # the lockout refused it before any hash
    return user


# Sent with `user` whenever user_sessions_revoke ends a user's sessions. An app that keeps
# sessions of its own (the LivePerson bearers) ends them in a receiver, so that access
# knows none of the apps that use it.
user_sessions_revoked = Signal()


def user_sessions_revoke(*, user, api_key=False):
    """End every login session of `user` on every surface (and the API key, if asked).

    Called when the password changes or the user is deactivated: Rocket.Chat login
    tokens and SelfCommunity OAuth2 tokens are deleted here, and `user_sessions_revoked`
    has the other apps end theirs (LivePerson bearers) before this returns.
    An API key, like a Zendesk API token, is a separate credential that an administrator
    hands out; it survives a password change and goes with deactivation (`api_key`).
    """
    from oauth2_provider.models import (
        get_access_token_model,
        get_grant_model,
        get_id_token_model,
        get_refresh_token_model,
    )

    LoginToken.objects.filter(user=user).delete()
    get_refresh_token_model().objects.filter(user=user).delete()
    get_access_token_model().objects.filter(user=user).delete()
    get_id_token_model().objects.filter(user=user).delete()
    get_grant_model().objects.filter(user=user).delete()
    user_sessions_revoked.send(sender=user_sessions_revoke, user=user)
    if api_key:
        api_key_revoke(user=user)
        ZendeskApiToken.objects.filter(user=user).delete()
