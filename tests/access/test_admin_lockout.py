"""The admin login locks out a username and address after repeated failures (django-axes)."""

import pytest
from axes.models import AccessAttempt
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"


def attempt(client, username, password, **extra):
    return client.post(
        LOGIN, {"username": username, "password": password, "next": "/admin/"}, **extra
    )


@pytest.fixture
def staff():
    return UserFactory(username="manager", is_staff=True, is_superuser=True)


def test_fifth_wrong_password_locks_the_login_with_a_page_that_says_when(staff):
    client = Client()
    for _ in range(4):
        assert attempt(client, "manager", "wrong").status_code == 200  # the form again
    locked = attempt(client, "manager", "wrong")
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) == 15 * 60
    page = locked.content.decode().replace("\xa0", " ")
    assert "Login is locked" in page and "5 failed attempts" in page
    assert "You can try again at" in page and "15 minutes" in page
    # Locked means locked: even the right password is refused until the cool-off ends.
    right = attempt(client, "manager", "pw-secret-123")
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_limit_and_cool_off_are_settings(staff, settings):
    settings.AXES_FAILURE_LIMIT = 2
    client = Client()
    assert attempt(client, "manager", "wrong").status_code == 200
    assert attempt(client, "manager", "wrong").status_code == 429


def test_a_locked_username_from_one_address_does_not_lock_another_address(staff):
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(5):
        attempt(attacker, "manager", "wrong")
    assert attempt(attacker, "manager", "pw-secret-123").status_code == 429
    colleague = Client(REMOTE_ADDR="198.51.100.7")
    assert attempt(colleague, "manager", "pw-secret-123").status_code == 302


def test_a_success_before_the_limit_resets_the_count(staff):
    client = Client()
    for _ in range(4):
        attempt(client, "manager", "wrong")
    assert attempt(client, "manager", "pw-secret-123").status_code == 302
    client.logout()
    for _ in range(4):
        assert attempt(client, "manager", "wrong").status_code == 200


def test_behind_one_proxy_the_forwarded_address_is_the_client(staff, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    for _ in range(5):
        attempt(proxy, "manager", "wrong", HTTP_X_FORWARDED_FOR="spoofed, 203.0.113.9")
    assert AccessAttempt.objects.get().ip_address == "203.0.113.9"
    # The same proxy, another client behind it: not locked.
    other = attempt(proxy, "manager", "pw-secret-123", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert other.status_code == 302


def test_without_proxies_a_forged_forwarded_for_header_changes_nothing(staff):
    client = Client(REMOTE_ADDR="203.0.113.9")
    for n in range(5):
        attempt(client, "manager", "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    assert attempt(client, "manager", "pw-secret-123").status_code == 429


def test_api_logins_are_not_counted_by_the_admin_lockout(staff, client_api):
    for _ in range(6):
        response = client_api.post(
            "/api/v1/login", {"user": "manager", "password": "wrong"}, format="json"
        )
        assert response.status_code == 401
    assert not AccessAttempt.objects.exists()
    assert attempt(Client(), "manager", "pw-secret-123").status_code == 302
