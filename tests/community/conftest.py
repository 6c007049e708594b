import secrets
from datetime import timedelta

import pytest
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application
from rest_framework.test import APIClient

from tests.factories import UserFactory


@pytest.fixture
def oauth_app(db):
    """A confidential client allowed the password grant."""
    return Application.objects.create(
        name="tests",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_PASSWORD,
    )


def issue_bearer(user, application):
    """A valid access token for `user`, made directly (no token endpoint round trip)."""
    raw = secrets.token_urlsafe(30)
    AccessToken.objects.create(
        user=user,
        application=application,
        token=raw,
        expires=timezone.now() + timedelta(hours=1),
        scope="read write",
    )
    return raw


@pytest.fixture
def sc_login(oauth_app):
    """Make a user (with permissions) and an APIClient sending its OAuth2 bearer."""

    def make(*perms, **user_kwargs):
        user = UserFactory(perms=list(perms), **user_kwargs)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {issue_bearer(user, oauth_app)}")
        client.user = user
        return client

    return make


@pytest.fixture
def member(sc_login):
    """An ordinary signed-in community member."""
    return sc_login()
