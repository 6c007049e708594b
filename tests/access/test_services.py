"""access.services called directly: API keys, Rocket.Chat login tokens, password checks and
the end of a user's sessions."""

from datetime import timedelta

import pytest
from django.contrib.auth.hashers import make_password
from django.utils import timezone
from oauth2_provider.models import AccessToken, RefreshToken

from access.models import ApiKey, LoginToken
from access.services import (
    api_key_authenticate,
    api_key_issue,
    api_key_issue_allowed,
    api_key_revoke,
    hash_secret,
    login_token_authenticate,
    login_token_issue,
    login_token_revoke,
    user_authenticate_password,
    user_sessions_revoke,
    user_sessions_revoked,
)
from core.errors import ForbiddenError
from tests.conftest import issue_bearer
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MAY_MINT = ["auth.change_user", "access.add_apikey"]


# --- API keys ------------------------------------------------------------------------------


def test_an_api_key_is_stored_hashed_and_authenticates_its_user():
    user = UserFactory()
    issued = api_key_issue(user=user, actor=None)  # the operator at the command line
    stored = ApiKey.objects.get(user=user)
    assert (stored.key, stored.secret_hash) == (issued.api_key, hash_secret(issued.api_secret))
    assert issued.record == stored
    assert api_key_authenticate(key=issued.api_key, secret=issued.api_secret) == user
    assert api_key_authenticate(key=issued.api_key, secret="wrong") is None
    assert api_key_authenticate(key="", secret=issued.api_secret) is None
    assert api_key_authenticate(key="a\x00b", secret=issued.api_secret) is None


def test_authenticating_notes_when_a_key_was_last_used():
    user = UserFactory()
    issued = api_key_issue(user=user, actor=user)
    assert ApiKey.objects.get(user=user).last_used_at is None
    api_key_authenticate(key=issued.api_key, secret=issued.api_secret)
    assert ApiKey.objects.get(user=user).last_used_at is not None


def test_an_inactive_users_key_authenticates_no_one():
    user = UserFactory()
    issued = api_key_issue(user=user, actor=user)
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    assert api_key_authenticate(key=issued.api_key, secret=issued.api_secret) is None


def test_revoking_a_key_ends_it_at_once():
    user = UserFactory()
    issued = api_key_issue(user=user, actor=user)
    assert api_key_revoke(user=user) is True
    assert api_key_authenticate(key=issued.api_key, secret=issued.api_secret) is None
    assert api_key_revoke(user=user) is False


@pytest.mark.parametrize(
    ("actor_kwargs", "target_kwargs", "allowed"),
    [
        ({}, {}, False),
        ({"perms": ["auth.change_user"]}, {}, False),
        ({"perms": ["access.add_apikey"]}, {}, False),
        ({"perms": MAY_MINT}, {}, True),
        ({"perms": MAY_MINT}, {"is_superuser": True}, False),
        ({"is_superuser": True}, {"is_superuser": True}, True),
    ],
)
def test_who_may_mint_a_key_for_someone_else(actor_kwargs, target_kwargs, allowed):
    actor, target = UserFactory(**actor_kwargs), UserFactory(**target_kwargs)
    assert api_key_issue_allowed(actor=actor, user=target) is allowed
    if allowed:
        assert api_key_issue(user=target, actor=actor).record.user == target
    else:
        with pytest.raises(ForbiddenError):
            api_key_issue(user=target, actor=actor)
        assert not ApiKey.objects.filter(user=target).exists()


def test_an_active_user_may_always_replace_their_own_key():
    user = UserFactory()
    assert api_key_issue_allowed(actor=user, user=user) is True
    user.is_active = False
    assert api_key_issue_allowed(actor=user, user=user) is False


# --- Rocket.Chat login tokens --------------------------------------------------------------


def test_a_login_token_is_stored_hashed_and_needs_its_user_id():
    user, other = UserFactory(), UserFactory()
    issued = login_token_issue(user=user, user_agent="x" * 300)
    stored = LoginToken.objects.get(user=user)
    assert stored.token_hash == hash_secret(issued.auth_token) and len(stored.user_agent) == 255
    assert issued.user_id == str(user.pk)
    assert login_token_authenticate(user_id=issued.user_id, token=issued.auth_token) == user
    assert login_token_authenticate(user_id=str(other.pk), token=issued.auth_token) is None
    assert login_token_authenticate(user_id=f"+{user.pk}", token=issued.auth_token) is None
    assert login_token_authenticate(user_id=issued.user_id, token="") is None


def test_an_expired_login_token_is_refused(settings):
    user = UserFactory()
    issued = login_token_issue(user=user)
    LoginToken.objects.update(
        created_at=timezone.now() - timedelta(days=settings.LOGIN_TOKEN_TTL_DAYS, seconds=1)
    )
    assert login_token_authenticate(user_id=issued.user_id, token=issued.auth_token) is None


def test_revoking_a_login_token_ends_that_session_only():
    user = UserFactory()
    first, second = login_token_issue(user=user), login_token_issue(user=user)
    assert login_token_revoke(token=first.auth_token) is True
    assert login_token_authenticate(user_id=first.user_id, token=first.auth_token) is None
    assert login_token_authenticate(user_id=second.user_id, token=second.auth_token) == user
    assert login_token_revoke(token=first.auth_token) is False


# --- passwords -----------------------------------------------------------------------------


def test_password_authentication_by_username_or_email():
    user = UserFactory(username="maria", email="Maria@Example.com")
    assert user_authenticate_password(login="maria", password="pw-secret-123") == user
    assert user_authenticate_password(login="maria", password="wrong") is None
    assert (
        user_authenticate_password(
            login="maria@example.com", password="pw-secret-123", by_email=True
        )
        == user
    )
    # An email is not a username, and a username is not an email.
    assert user_authenticate_password(login="maria@example.com", password="pw-secret-123") is None
    assert (
        user_authenticate_password(login="maria", password="pw-secret-123", by_email=True) is None
    )


@pytest.mark.parametrize(
    ("login", "password"), [("", "pw-secret-123"), ("maria", ""), ("ma\x00ria", "pw-secret-123")]
)
def test_empty_or_nul_credentials_match_no_one(login, password):
    UserFactory(username="maria")
    assert user_authenticate_password(login=login, password=password) is None


def test_an_inactive_user_cannot_log_in():
    UserFactory(username="gone", is_active=False)
    assert user_authenticate_password(login="gone", password="pw-secret-123") is None


def test_an_unknown_email_costs_a_password_hash_too(monkeypatch):
    hashed = []
    monkeypatch.setattr(
        "django.contrib.auth.hashers.make_password",
        lambda password, *args, **kwargs: hashed.append(password) or make_password(password),
    )
    assert user_authenticate_password(login="nobody@x.y", password="guess", by_email=True) is None
    assert hashed == ["guess"]


# --- the end of every session --------------------------------------------------------------


def test_ending_a_users_sessions_on_every_surface(oauth_app):
    user, other = UserFactory(), UserFactory()
    for someone in (user, other):
        login_token_issue(user=someone)
        issue_bearer(someone, oauth_app)
        api_key_issue(user=someone, actor=someone)
    RefreshToken.objects.create(
        user=user, application=oauth_app, token="refresh", access_token=AccessToken.objects.first()
    )
    told = []

    def receiver(sender, user, **kwargs):
        told.append(user)

    user_sessions_revoked.connect(receiver)
    try:
        user_sessions_revoke(user=user)
    finally:
        user_sessions_revoked.disconnect(receiver)
    assert told == [user]  # the apps with sessions of their own end them
    assert not LoginToken.objects.filter(user=user).exists()
    assert not AccessToken.objects.filter(user=user).exists()
    assert not RefreshToken.objects.filter(user=user).exists()
    assert ApiKey.objects.filter(user=user).exists()  # a password change keeps the key
    assert LoginToken.objects.filter(user=other).exists()
    assert AccessToken.objects.filter(user=other).exists()
    user_sessions_revoke(user=user, api_key=True)  # a deactivation takes it too
    assert not ApiKey.objects.filter(user=user).exists()
    assert ApiKey.objects.filter(user=other).exists()
