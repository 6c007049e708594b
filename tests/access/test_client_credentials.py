"""A bearer from the client-credentials grant has no user of its own (django-oauth-toolkit
saves it with user=None): it acts as its application's user, and is refused (401, never a
500) when the application has no user or an inactive one."""

import base64

import pytest
from oauth2_provider.models import AccessToken, Application
from rest_framework.test import APIClient

from community.models import Media
from tests.community.factories import MediaFactory
from tests.conftest import issue_bearer
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SECRET = "client-secret-0123456789"
STATUS = "/api/v2/status/"
REFUSED = {
    "errors": [{"code": "authentication_failed", "message": "Invalid or expired access token."}]
}


@pytest.fixture
def robot():
    """The user a machine client acts as."""
    return UserFactory(username="robot", perms=["community.view_status"])


def machine_client(user):
    return Application.objects.create(
        name="monitoring",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        client_secret=SECRET,
        user=user,
    )


def client_credentials_bearer(app):
    """A token from the token endpoint, as a client of this grant takes one (HTTP Basic)."""
    credentials = base64.b64encode(f"{app.client_id}:{SECRET}".encode()).decode()
    response = APIClient().post(
        "/oauth/token/",
        {"grant_type": "client_credentials"},
        HTTP_AUTHORIZATION=f"Basic {credentials}",
    )
    assert response.status_code == 200, response.content
    token = response.json()["access_token"]
    assert AccessToken.objects.get().user is None  # what the toolkit stores for this grant
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def assert_refused(response):
    assert response.status_code == 401, response.content
    assert response.json() == REFUSED
    challenge = response["WWW-Authenticate"]
    assert challenge.startswith('Bearer realm="api"') and 'error="invalid_token"' in challenge


def test_a_client_credentials_bearer_acts_as_its_applications_user(robot):
    client = client_credentials_bearer(machine_client(robot))
    assert client.get(STATUS).status_code == 200
    # The robot's own media is its to read; another user's is not there for it.
    own, others = MediaFactory(owner=robot), MediaFactory()
    assert client.get(f"/api/v2/media/{own.pk}/").status_code == 200
    assert client.get(f"/api/v2/media/{others.pk}/").status_code == 404
    # And what it writes is the robot's.
    made = client.post(
        "/api/v2/media/", {"type": "url", "url": "https://example.com/"}, format="json"
    )
    assert made.status_code == 201, made.content
    assert Media.objects.get(pk=made.json()["id"]).owner == robot


def test_an_application_without_a_user_is_refused(robot):
    app = machine_client(None)
    assert_refused(client_credentials_bearer(app).get(STATUS))


def test_an_application_whose_user_is_inactive_is_refused():
    robot = UserFactory(username="robot", is_active=False, perms=["community.view_status"])
    assert_refused(client_credentials_bearer(machine_client(robot)).get(STATUS))


@pytest.mark.parametrize("cache_seconds", [60, 0])
def test_deactivating_the_applications_user_ends_its_bearers_at_once(
    robot, settings, cache_seconds
):
    settings.CREDENTIAL_CACHE_SECONDS = cache_seconds
    client = client_credentials_bearer(machine_client(robot))
    assert client.get(STATUS).status_code == 200
    assert client.get(STATUS).status_code == 200  # from the credential cache, if on
    robot.is_active = False
    robot.save()
    assert_refused(client.get(STATUS))
    robot.is_active = True
    robot.save()
    assert client.get(STATUS).status_code == 200


@pytest.mark.parametrize("cache_seconds", [60, 0])
def test_taking_the_user_off_the_application_ends_its_bearers_at_once(
    robot, settings, cache_seconds
):
    settings.CREDENTIAL_CACHE_SECONDS = cache_seconds
    app = machine_client(robot)
    client = client_credentials_bearer(app)
    assert client.get(STATUS).status_code == 200
    app.user = None
    app.save()
    assert_refused(client.get(STATUS))


def test_moving_the_application_to_another_user_changes_who_it_acts_as(robot):
    app = machine_client(robot)
    client = client_credentials_bearer(app)
    own = MediaFactory(owner=robot)
    assert client.get(f"/api/v2/media/{own.pk}/").status_code == 200
    app.user = UserFactory(username="other-robot")
    app.save()
    assert client.get(f"/api/v2/media/{own.pk}/").status_code == 404


def test_a_user_less_token_made_directly_acts_as_its_applications_user(robot):
    # A token row with no user, however it was made (the admin, an older grant).
    token = issue_bearer(None, machine_client(robot))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert client.get(STATUS).status_code == 200


def test_a_token_with_neither_user_nor_application_is_refused():
    token = issue_bearer(None, None)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert_refused(client.get(STATUS))
