"""The Rocket.Chat email login costs the same whether the email exists or not."""

import statistics
import time

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class TimingHasher(PBKDF2PasswordHasher):
    """A real PBKDF2, with fewer rounds than production so the test stays quick, but
    enough that the hash dominates the reply time (about 20 ms here)."""

    iterations = 100_000


@pytest.fixture
def real_hashing(settings):
    settings.PASSWORD_HASHERS = ["tests.access.test_login_timing.TimingHasher"]


def median_times(client, known_body, unknown_body, rounds=7):
    """Median reply times of the two bodies, measured alternately so that any other load
    on the machine weighs on both alike (15 logins a test: under the login rate limit)."""
    times = {"known": [], "unknown": []}
    for _ in range(rounds):
        for name, body in (("known", known_body), ("unknown", unknown_body)):
            start = time.perf_counter()
            response = client.post("/api/v1/login", body, format="json")
            times[name].append(time.perf_counter() - start)
            assert response.status_code == 401
    return statistics.median(times["known"]), statistics.median(times["unknown"])


@pytest.mark.parametrize("field", ["user", "email"])
def test_unknown_and_known_emails_take_the_same_time(real_hashing, client_api, field):
    user = UserFactory(email="known@example.com")
    user.set_password("right-password")
    user.save()
    known, unknown = median_times(
        client_api,
        {field: "known@example.com", "password": "wrong"},
        {field: "nobody@example.com", "password": "wrong"},
    )
    # Without the dummy hash the unknown email answered in a small fraction of the time.
    assert 0.5 < unknown / known < 2, (known, unknown)


def test_an_inactive_users_email_costs_a_hash_too(real_hashing, client_api):
    user = UserFactory(email="gone@example.com", is_active=False)
    user.set_password("right-password")
    user.save()
    known, unknown = median_times(
        client_api,
        {"user": "gone@example.com", "password": "right-password"},
        {"user": "nobody@example.com", "password": "x"},
    )
    assert 0.5 < unknown / known < 2, (known, unknown)
