"""The OAuth2 server at /oauth/ (django-oauth-toolkit) and the create_oauth_client command."""

import base64
import hashlib
import io
import json
import secrets
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.management import call_command
from oauth2_provider.models import AccessToken, Application, RefreshToken
from rest_framework.test import APIClient

from tests.community.factories import CategoryFactory
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.django_db,
    # The contract needs the password grant, which RFC 9700 discourages; DOT says so.
    pytest.mark.filterwarnings("ignore:The OAuth 2.0 resource owner password:DeprecationWarning"),
]

TOKEN, REVOKE, AUTHORIZE = "/oauth/token/", "/oauth/revoke_token/", "/oauth/authorize/"
REDIRECT = "https://client.example/callback"


@pytest.fixture
def oauth_client():
    out = io.StringIO()
    call_command("create_oauth_client", "Front end", stdout=out)
    return json.loads(out.getvalue())


def bearer_client(access_token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access_token}")
    return client


def password_grant(client, credentials, username, password="pw-secret-123"):  # noqa: S107
    return client.post(
        TOKEN,
        {
            "grant_type": "password",
            "username": username,
            "password": password,
            "client_id": credentials["client_id"],
            "client_secret": credentials["client_secret"],
        },
    )


def test_create_oauth_client_prints_one_json_object(oauth_client):
    assert set(oauth_client) == {"client_id", "client_secret"}
    application = Application.objects.get(client_id=oauth_client["client_id"])
    assert application.name == "Front end"
    assert application.client_type == Application.CLIENT_CONFIDENTIAL
    assert application.authorization_grant_type == Application.GRANT_PASSWORD
    # Stored hashed: the printed secret appears nowhere in the database row.
    assert application.client_secret != oauth_client["client_secret"]
    assert oauth_client["client_secret"] not in application.client_secret


def test_create_oauth_client_output_is_exactly_one_line_of_json():
    out = io.StringIO()
    call_command("create_oauth_client", "Other", stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1 and isinstance(json.loads(lines[0]), dict)


def test_password_grant_token_works_on_the_status_api(client, oauth_client):
    user = UserFactory(username="maria")
    response = password_grant(client, oauth_client, "maria")
    assert response.status_code == 200, response.content
    tokens = response.json()
    assert tokens["token_type"] == "Bearer" and tokens["refresh_token"]
    api = bearer_client(tokens["access_token"])
    category = CategoryFactory()
    created = api.post(
        "/api/v2/status/", {"action": "hi", "categories": [category.pk]}, format="json"
    )
    assert created.status_code == 201
    assert created.json()["author"]["id"] == user.pk
    # Tokens are stored as checksums only (RFC 9700), never in plain text.
    assert not AccessToken.objects.filter(token=tokens["access_token"]).exists()


def test_password_grant_refuses_a_wrong_password_or_secret(client, oauth_client):
    UserFactory(username="maria")
    assert password_grant(client, oauth_client, "maria", "wrong").status_code == 400
    bad = {**oauth_client, "client_secret": "nope"}
    assert password_grant(client, bad, "maria").status_code == 401


def test_refresh_grant_rotates_the_tokens(client, oauth_client):
    UserFactory(username="maria")
    first = password_grant(client, oauth_client, "maria").json()
    response = client.post(
        TOKEN,
        {
            "grant_type": "refresh_token",
            "refresh_token": first["refresh_token"],
            "client_id": oauth_client["client_id"],
            "client_secret": oauth_client["client_secret"],
        },
    )
    assert response.status_code == 200, response.content
    second = response.json()
    assert second["access_token"] != first["access_token"]
    assert bearer_client(second["access_token"]).get("/api/v2/status/").status_code == 200
    assert bearer_client(first["access_token"]).get("/api/v2/status/").status_code == 401


def test_revocation_kills_the_token(client, oauth_client):
    UserFactory(username="maria")
    tokens = password_grant(client, oauth_client, "maria").json()
    api = bearer_client(tokens["access_token"])
    assert api.get("/api/v2/status/").status_code == 200
    response = client.post(
        REVOKE,
        {
            "token": tokens["access_token"],
            "client_id": oauth_client["client_id"],
            "client_secret": oauth_client["client_secret"],
        },
    )
    assert response.status_code == 200
    response = api.get("/api/v2/status/")
    assert response.status_code == 401
    assert response.json()["errors"][0] == {
        "code": "authentication_failed",
        "message": "The access token is invalid.",
    }


def test_revoking_the_refresh_token_stops_refreshes(client, oauth_client):
    UserFactory(username="maria")
    tokens = password_grant(client, oauth_client, "maria").json()
    client.post(
        REVOKE,
        {
            "token": tokens["refresh_token"],
            "token_type_hint": "refresh_token",
            "client_id": oauth_client["client_id"],
            "client_secret": oauth_client["client_secret"],
        },
    )
    assert RefreshToken.objects.filter(revoked__isnull=False).exists()
    response = client.post(
        TOKEN,
        {
            "grant_type": "refresh_token",
            "refresh_token": tokens["refresh_token"],
            "client_id": oauth_client["client_id"],
            "client_secret": oauth_client["client_secret"],
        },
    )
    assert response.status_code == 400


def test_authorization_code_grant_with_pkce(client):
    secret = "a-known-client-secret"
    application = Application.objects.create(
        name="Web app",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=REDIRECT,
        client_secret=secret,
    )
    user = UserFactory(username="maria")
    verifier = secrets.token_urlsafe(48)
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )
    query = {
        "response_type": "code",
        "client_id": application.client_id,
        "redirect_uri": REDIRECT,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "scope": "read write",
        "state": "xyz",
    }
    # Not logged in: sent to the login page, which renders.
    response = client.get(AUTHORIZE, query)
    assert response.status_code == 302 and response["Location"].startswith("/oauth/login/")
    assert client.get(response["Location"]).status_code == 200
    client.force_login(user)
    assert client.get(AUTHORIZE, query).status_code == 200
    response = client.post(AUTHORIZE, {**query, "allow": "Authorize"})
    assert response.status_code == 302, response.content
    location = urlparse(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    params = parse_qs(location.query)
    assert params["state"] == ["xyz"]
    response = client.post(
        TOKEN,
        {
            "grant_type": "authorization_code",
            "code": params["code"][0],
            "redirect_uri": REDIRECT,
            "code_verifier": verifier,
            "client_id": application.client_id,
            "client_secret": secret,
        },
    )
    assert response.status_code == 200, response.content
    assert bearer_client(response.json()["access_token"]).get("/api/v2/status/").status_code == 200


def test_implicit_grant_is_off(client):
    application = Application.objects.create(
        name="Old SPA",
        client_type=Application.CLIENT_PUBLIC,
        authorization_grant_type=Application.GRANT_IMPLICIT,
        redirect_uris=REDIRECT,
    )
    client.force_login(UserFactory())
    response = client.post(
        AUTHORIZE,
        {
            "response_type": "token",
            "client_id": application.client_id,
            "redirect_uri": REDIRECT,
            "allow": "Authorize",
        },
    )
    assert "access_token" not in response.get("Location", "")
