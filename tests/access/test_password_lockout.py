"""One lockout for every door that checks a password with a request (django-axes): the
admin login, the OAuth sign-in page (/oauth/login/) and the OAuth password grant share one
counter per username and address, and a lockout earned at one holds at all of them."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.db.models import F
from django.test import Client
from oauth2_provider.models import Application

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ADMIN = "/admin/login/"
OAUTH = "/oauth/login/"
TOKEN = "/oauth/token/"
RIGHT = "pw-secret-123"
CLIENT_SECRET = "client-secret-0123456789"


@pytest.fixture
def staff():
    return UserFactory(username="manager", is_staff=True, is_superuser=True)


@pytest.fixture
def password_app():
    return Application.objects.create(
        name="front end",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_PASSWORD,
        client_secret=CLIENT_SECRET,
    )


def sign_in(client, page, password, username="manager"):
    """POST a sign-in form: the admin's or the OAuth one (which the authorize flow uses)."""
    data = {"username": username, "password": password}
    if page == ADMIN:
        data["next"] = "/admin/"
    return client.post(page, data)


def password_grant(client, app, password, username="manager"):
    return client.post(
        TOKEN,
        {
            "grant_type": "password",
            "username": username,
            "password": password,
            "client_id": app.client_id,
            "client_secret": CLIENT_SECRET,
        },
    )


def assert_locked_page(response):
    """The lockout page: 429, when to come back, and no session."""
    assert response.status_code == 429, response.content[:300]
    assert int(response["Retry-After"]) == 15 * 60
    page = response.content.decode().replace("\xa0", " ")
    assert "Login is locked" in page and "5 failed attempts" in page
    assert "“manager”" in page and "You can try again at" in page and "15 minutes" in page


def assert_locked_grant(response):
    """The token endpoint's lockout: 429 in the OAuth error shape, and no token."""
    assert response.status_code == 429, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["error"] == "invalid_grant" and "access_token" not in body
    assert "try again in 15" in body["error_description"]
    assert int(response["Retry-After"]) == 15 * 60


def assert_not_signed_in(client):
    assert "_auth_user_id" not in client.session
    admin = client.get("/admin/")
    assert admin.status_code == 302 and admin["Location"].startswith(ADMIN)


def test_a_user_locked_out_at_the_admin_cannot_sign_in_on_the_oauth_page(staff):
    client = Client()
    for _ in range(4):
        assert sign_in(client, ADMIN, "wrong").status_code == 200
    assert_locked_page(sign_in(client, ADMIN, "wrong"))
    # Before: the right password here made a session, and /admin/ then answered 200.
    assert_locked_page(sign_in(client, OAUTH, RIGHT))
    assert_not_signed_in(client)


def test_the_oauth_lockout_page_looks_like_the_sign_in_page_not_the_admin(staff):
    client = Client()
    for _ in range(5):
        sign_in(client, OAUTH, "wrong")
    page = sign_in(client, OAUTH, RIGHT)
    assert_locked_page(page)
    html = page.content.decode()
    assert '<html lang="en' in html and "<main>" in html and "<title>" in html
    assert "Django administration" not in html and 'id="nav-sidebar"' not in html


def test_wrong_passwords_on_the_oauth_page_count_and_lock_the_admin_login(staff):
    client = Client()
    for _ in range(4):
        assert sign_in(client, OAUTH, "wrong").status_code == 200  # the form again
    assert_locked_page(sign_in(client, OAUTH, "wrong"))
    assert AccessAttempt.objects.get().failures_since_start == 5
    assert_locked_page(sign_in(Client(), ADMIN, RIGHT))
    assert_not_signed_in(client)


@pytest.mark.parametrize("last", [ADMIN, OAUTH, TOKEN])
def test_failures_on_every_door_add_up_to_one_count(staff, password_app, last):
    client = Client()
    assert sign_in(client, ADMIN, "wrong").status_code == 200
    assert sign_in(client, OAUTH, "wrong").status_code == 200
    assert password_grant(client, password_app, "wrong").status_code == 400
    assert sign_in(client, OAUTH, "wrong").status_code == 200
    if last == TOKEN:
        assert_locked_grant(password_grant(client, password_app, "wrong"))
    else:
        assert_locked_page(sign_in(client, last, "wrong"))
    assert_locked_page(sign_in(client, ADMIN, RIGHT))
    assert_locked_page(sign_in(client, OAUTH, RIGHT))
    assert_locked_grant(password_grant(client, password_app, RIGHT))
    assert_not_signed_in(client)


def test_wrong_passwords_in_the_password_grant_lock_the_sign_in_pages(staff, password_app):
    client = Client()
    for _ in range(4):
        refused = password_grant(client, password_app, "wrong")
        assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant"
    assert_locked_grant(password_grant(client, password_app, "wrong"))
    assert_locked_grant(password_grant(client, password_app, RIGHT))
    assert_locked_page(sign_in(client, ADMIN, RIGHT))


def test_a_lockout_holds_only_for_that_address(staff, password_app):
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(5):
        sign_in(attacker, OAUTH, "wrong")
    colleague = Client(REMOTE_ADDR="198.51.100.7")
    assert sign_in(colleague, OAUTH, RIGHT).status_code == 302
    assert password_grant(colleague, password_app, RIGHT).status_code == 200


def test_after_the_cool_off_the_right_password_works_again(staff, password_app):
    client = Client()
    for _ in range(5):
        sign_in(client, OAUTH, "wrong")
    assert_locked_page(sign_in(client, OAUTH, RIGHT))
    # The cool-off (15 minutes) passes.
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=16))
    assert password_grant(client, password_app, RIGHT).status_code == 200
    response = sign_in(client, OAUTH, RIGHT)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/admin/").status_code == 200
    # A success clears the count, whichever door it came through.
    assert not AccessAttempt.objects.exists()


def test_a_success_on_the_oauth_page_resets_the_admin_count(staff):
    client = Client()
    for _ in range(4):
        sign_in(client, ADMIN, "wrong")
    assert sign_in(client, OAUTH, RIGHT).status_code == 302
    client.logout()
    for _ in range(4):
        assert sign_in(client, ADMIN, "wrong").status_code == 200


def test_without_a_cool_off_a_lockout_says_to_ask_an_administrator(staff, password_app, settings):
    settings.AXES_COOLOFF_TIME = None
    client = Client()
    for _ in range(5):
        sign_in(client, OAUTH, "wrong")
    page = sign_in(client, OAUTH, RIGHT)
    assert page.status_code == 429 and not page.has_header("Retry-After")
    assert "Ask an administrator to unlock your account." in page.content.decode()
    grant = password_grant(client, password_app, RIGHT)
    assert grant.status_code == 429 and not grant.has_header("Retry-After")
    assert grant.json()["error"] == "invalid_grant"
    assert grant.json()["error_description"].endswith("ask an admin.")
