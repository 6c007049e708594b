"""The OAuth2 endpoints that check a client secret: rate-limited, and no client-id oracle."""

import statistics
import time

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from oauth2_provider.models import Application

from tests.conftest import issue_bearer
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SECRET = "client-secret-0123456789"


class TimingHasher(PBKDF2PasswordHasher):
    """A real PBKDF2 with fewer rounds: quick, but the hash still dominates the reply."""

    iterations = 100_000


@pytest.fixture
def confidential_app(settings):
    settings.PASSWORD_HASHERS = ["tests.access.test_oauth_endpoints.TimingHasher"]
    return Application.objects.create(
        name="partner",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_PASSWORD,
        client_secret=SECRET,
    )


def revoke(client, client_id, secret="wrong"):  # noqa: S107
    return client.post(
        "/oauth/revoke_token/", {"token": "x", "client_id": client_id, "client_secret": secret}
    )


def test_revocation_is_rate_limited(client, confidential_app):
    codes = [revoke(client, confidential_app.client_id).status_code for _ in range(31)]
    assert set(codes[:30]) == {401} and codes[30] == 429


def test_unknown_and_known_client_ids_cost_the_same(client, confidential_app):
    times = {"known": [], "unknown": []}
    for _ in range(7):  # 14 requests: under the rate limit
        for name, client_id in (("known", confidential_app.client_id), ("unknown", "nobody")):
            start = time.perf_counter()
            assert revoke(client, client_id).status_code == 401
            times[name].append(time.perf_counter() - start)
    known, unknown = (statistics.median(times[n]) for n in ("known", "unknown"))
    assert 0.5 < unknown / known < 2, (known, unknown)


def test_the_right_secret_still_revokes(client, confidential_app):
    user = UserFactory()
    token = issue_bearer(user, confidential_app)
    response = client.post(
        "/oauth/revoke_token/",
        {"token": token, "client_id": confidential_app.client_id, "client_secret": SECRET},
    )
    assert response.status_code == 200


def test_a_deactivated_user_cannot_refresh(client, confidential_app):
    user = UserFactory(username="maria")
    issued = client.post(
        "/oauth/token/",
        {
            "grant_type": "password",
            "username": "maria",
            "password": "pw-secret-123",
            "client_id": confidential_app.client_id,
            "client_secret": SECRET,
        },
    ).json()
    user.is_active = False
    user.save()
    refreshed = client.post(
        "/oauth/token/",
        {
            "grant_type": "refresh_token",
            "refresh_token": issued["refresh_token"],
            "client_id": confidential_app.client_id,
            "client_secret": SECRET,
        },
    )
    assert refreshed.status_code in (400, 401), refreshed.content
    assert "access_token" not in refreshed.json()


def test_signing_in_without_next_lands_somewhere_real(client):
    UserFactory(username="maria")
    response = client.post("/oauth/login/", {"username": "maria", "password": "pw-secret-123"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get(response["Location"]).status_code == 200
