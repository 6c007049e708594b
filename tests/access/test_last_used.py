"""Rocket.Chat login tokens and LivePerson bearers record when they were last used (at most
once a minute), and a user's credentials page shows it with their expiry."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from access.models import LoginToken
from access.services import login_token_find, login_token_issue
from reasons.models import AccountBearer
from reasons.services import account_bearer_authenticate, account_bearer_issue
from tests.factories import AccountFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_login_token_records_its_last_use_once_a_minute():
    user = UserFactory()
    issued = login_token_issue(user=user, user_agent="rocketchat-py/1.0")
    assert LoginToken.objects.get().last_used_at is None
    login_token_find(user_id=issued.user_id, token=issued.auth_token)
    first = LoginToken.objects.get().last_used_at
    assert first is not None and timezone.now() - first < timedelta(seconds=5)
    with CaptureQueriesContext(connection) as ctx:
        login_token_find(user_id=issued.user_id, token=issued.auth_token)
    assert not any(q["sql"].startswith("UPDATE") for q in ctx.captured_queries)
    LoginToken.objects.update(last_used_at=first - timedelta(minutes=2))
    login_token_find(user_id=issued.user_id, token=issued.auth_token)
    assert LoginToken.objects.get().last_used_at > first


def test_a_liveperson_bearer_records_its_last_use():
    user = UserFactory(password="pw-secret-123")
    AccountFactory(id="acme").members.add(user)
    issued = account_bearer_issue(
        account_id="acme", username=user.username, password="pw-secret-123"
    )
    assert AccountBearer.objects.get().last_used_at is None
    account_bearer_authenticate(token=issued.bearer)
    assert AccountBearer.objects.get().last_used_at is not None


def test_the_credentials_page_shows_last_use_and_expiry(admin_client):
    from tests.portal.test_dashboard_and_credentials import credential_rows

    user = UserFactory(username="agent", password="pw-secret-123")
    AccountFactory(id="acme", name="Acme").members.add(user)
    issued = login_token_issue(user=user, user_agent="rocketchat-py/1.0")
    bearer = account_bearer_issue(account_id="acme", username="agent", password="pw-secret-123")

    def rows():
        html = admin_client.get(f"/admin/auth/user/{user.pk}/change/").content.decode()
        (token,) = credential_rows(html, "login_tokens")
        (session,) = credential_rows(html, "account_bearers")
        return token, session

    token, session = rows()
    assert token["last_used"] == session["last_used"] == "never"
    assert "Acme" in session["client"] and session["expires_on"] not in ("", "never")
    login_token_find(user_id=issued.user_id, token=issued.auth_token)
    account_bearer_authenticate(token=bearer.bearer)
    token, session = rows()
    assert token["last_used"] not in ("never", "not recorded")
    assert session["last_used"] not in ("never", "not recorded")


def test_an_oauth2_access_token_records_its_last_use(admin_client, oauth_app):
    from rest_framework.test import APIClient

    from access.models import OAuthTokenUse
    from tests.conftest import issue_bearer
    from tests.portal.test_dashboard_and_credentials import credential_rows

    user = UserFactory(username="member")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {issue_bearer(user, oauth_app)}")

    def access_row():
        html = admin_client.get(f"/admin/auth/user/{user.pk}/change/").content.decode()
        (row,) = credential_rows(html, "oauth2_provider_accesstoken")
        return row

    assert access_row()["last_used"] == "never"
    assert client.get("/api/v2/status/").status_code == 200
    (use,) = OAuthTokenUse.objects.all()
    assert timezone.now() - use.last_used_at < timedelta(seconds=5)
    assert access_row()["last_used"] not in ("never", "not recorded")
    # Used again: the same row, a later time (one upsert).
    OAuthTokenUse.objects.update(last_used_at=use.last_used_at - timedelta(hours=1))
    from django.core.cache import cache

    cache.clear()  # the credential cache would answer without the database
    assert client.get("/api/v2/status/").status_code == 200
    assert OAuthTokenUse.objects.get().last_used_at > use.last_used_at - timedelta(seconds=1)
