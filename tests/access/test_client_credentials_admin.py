"""Issue client credentials, on a user's admin page: a client-credentials OAuth2 client
acting as the user (Genesys Cloud's SDK logs in with one), its secret shown once; listed on
the user's page, and revoked there; permission-checked like an API key."""

import re

import pytest
from django.test import Client
from oauth2_provider.models import AccessToken, Application
from rest_framework.test import APIClient

from tests.access.test_credentials_admin import user_form_data
from tests.access.test_pkce_choice import form_data
from tests.conftest import basic_header
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ISSUER_PERMS = ["auth.change_user", "auth.view_user", "access.add_oauthclientapp"]


def issue_url(user):
    return f"/admin/auth/user/{user.pk}/client-credentials/"


def user_page(user):
    return f"/admin/auth/user/{user.pk}/change/"


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def shown(response, name):
    """The client id or secret the reply shows, or None."""
    found = re.search(rf'<code class="{name}">([^<]+)</code>', response.content.decode())
    return found and found.group(1)


def take_token(client_id, secret):
    return APIClient().post(
        "/oauth/token",
        {"grant_type": "client_credentials"},
        HTTP_AUTHORIZATION=basic_header(client_id, secret),
    )


def test_the_admin_issues_client_credentials_and_shows_the_secret_once(admin_client):
    agent = UserFactory(username="agent", perms=["community.view_status"])
    page = admin_client.get(user_page(agent)).content.decode()
    assert f'href="{issue_url(agent)}"' in page and "Issue client credentials" in page
    assert admin_client.get(issue_url(agent)).status_code == 200

    response = admin_client.post(issue_url(agent), {"name": "Genesys Cloud"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    client_id, secret = shown(response, "client-id"), shown(response, "client-secret")
    app = Application.objects.get()
    assert (client_id, app.name, app.user, app.authorization_grant_type) == (
        app.client_id,
        "Genesys Cloud",
        agent,
        Application.GRANT_CLIENT_CREDENTIALS,
    )
    assert secret and secret not in app.client_secret  # stored hashed
    token = take_token(client_id, secret)
    assert token.status_code == 200, token.content
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token.json()['access_token']}")
    assert api.get("/api/v2/status/").status_code == 200  # as the agent
    for later in (user_page(agent), "/admin/access/oauthclientapp/"):
        assert secret not in admin_client.get(later).content.decode()


def test_the_user_page_lists_the_client_and_revokes_it(admin_client, gc_login):
    client = gc_login("community.view_status", username="agent")
    assert client.get("/api/v2/status/").status_code == 200
    response = admin_client.get(user_page(client.user))
    html = response.content.decode()
    assert "OAuth2 client credentials (clients acting as this user)" in html
    assert client.client_id in html
    data = user_form_data(response, client.user)
    data["oauth2_provider_application-0-DELETE"] = "on"
    saved = admin_client.post(user_page(client.user), data)
    assert saved.status_code == 302, saved.context["adminform"].form.errors
    assert not Application.objects.exists() and not AccessToken.objects.exists()
    assert client.get("/api/v2/status/").status_code == 401


def test_the_inline_leaves_out_the_users_other_applications(admin_client):
    agent = UserFactory(username="agent")
    Application.objects.create(
        name="Their front end",
        user=agent,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_PASSWORD,
    )
    html = admin_client.get(user_page(agent)).content.decode()
    assert "Their front end" not in html


def test_a_name_is_required(admin_client):
    agent = UserFactory(username="agent")
    response = admin_client.post(issue_url(agent), {"name": "  "})
    assert response.status_code == 200 and shown(response, "client-secret") is None
    assert "This field is required." in response.content.decode()
    assert not Application.objects.exists()


def test_an_inactive_user_gets_none(admin_client):
    retired = UserFactory(username="retired", is_active=False)
    assert "Issue client credentials" not in admin_client.get(user_page(retired)).content.decode()
    response = admin_client.post(issue_url(retired), {"name": "Genesys Cloud"})
    assert response.status_code == 200 and shown(response, "client-secret") is None
    assert "retired is deactivated" in response.content.decode()
    assert not Application.objects.exists()


def test_issuing_for_another_user_takes_change_user_and_add_client():
    agent = UserFactory(username="agent")
    clerk = UserFactory(is_staff=True, perms=["auth.change_user", "auth.view_user"])
    assert "Issue client credentials" not in logged_in(clerk).get(user_page(agent)).content.decode()
    assert logged_in(clerk).post(issue_url(agent), {"name": "x"}).status_code == 403
    issuer = UserFactory(is_staff=True, perms=ISSUER_PERMS)
    assert shown(logged_in(issuer).post(issue_url(agent), {"name": "x"}), "client-secret")
    # Only a superuser issues them for a superuser (the client acts with all its rights).
    boss = UserFactory(username="boss", is_superuser=True, is_staff=True)
    assert logged_in(issuer).post(issue_url(boss), {"name": "x"}).status_code == 403
    assert Application.objects.count() == 1


# --- the OAuth2 client apps admin is held to the same rule ------------------------------------


def _staff(*perms):
    from django.test import Client

    from tests.factories import UserFactory

    user = UserFactory(username="clerk", is_staff=True, perms=list(perms))
    client = Client()
    client.force_login(user)
    return client, user


def test_the_apps_admin_cannot_make_a_client_acting_as_a_superuser(db):
    from oauth2_provider.models import Application

    from tests.factories import UserFactory

    boss = UserFactory(username="boss2", is_staff=True, is_superuser=True)
    client, _clerk = _staff("access.add_oauthclientapp", "access.change_oauthclientapp")
    data = form_data(client.get("/admin/access/oauthclientapp/add/"))
    data.update(
        name="escalate",
        user=str(boss.pk),
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        client_secret="chosen-secret-123456",
    )
    response = client.post("/admin/access/oauthclientapp/add/", data)
    assert response.status_code == 200
    assert "You may not make or change a client-credentials client" in response.content.decode()
    assert not Application.objects.filter(name="escalate").exists()


def test_the_apps_admin_cannot_move_a_client_to_a_superuser(db):
    from oauth2_provider.models import Application

    from access.services import oauth_client_issue
    from tests.factories import UserFactory

    boss = UserFactory(username="boss3", is_staff=True, is_superuser=True)
    client, clerk = _staff("access.add_oauthclientapp", "access.change_oauthclientapp")
    issued = oauth_client_issue(name="mine", user=clerk, actor=clerk)
    app = Application.objects.get(client_id=issued.client_id)
    url = f"/admin/access/oauthclientapp/{app.pk}/change/"
    data = form_data(client.get(url))
    data["user"] = str(boss.pk)
    response = client.post(url, data)
    assert response.status_code == 200
    app.refresh_from_db()
    assert app.user_id == clerk.pk
    # A client-credentials client needs a user.
    data["user"] = ""
    assert client.post(url, data).status_code == 200
