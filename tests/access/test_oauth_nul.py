"""A NUL character in what the OAuth2 endpoints look up (client id, username, code, tokens)
is an OAuth error, not a 500: PostgreSQL refuses NUL in text, so it must never reach a query.

The tests run on both databases: on SQLite (which takes NUL) the queries are checked for it.
"""

import base64
from contextlib import contextmanager

import pytest
from django.db import connection
from oauth2_provider.models import AccessToken, Application

from tests.conftest import issue_bearer
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SECRET = "client-secret-0123456789"
NUL = "ab\x00cd"


@pytest.fixture
def apps():
    """A confidential client of each grant that the token endpoint serves."""
    return {
        grant: Application.objects.create(
            name=grant,
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=grant,
            client_secret=SECRET,
            redirect_uris="https://client.example/callback",
        )
        for grant in (Application.GRANT_PASSWORD, Application.GRANT_AUTHORIZATION_CODE)
    }


def basic(client_id, secret=SECRET):
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


@contextmanager
def no_nul_reaches_the_database():
    """Fail if a query is sent with a NUL in a parameter (on SQLite, which would take it)."""
    carried = []

    def check(execute, sql, params, many, context):
        rows = params if many else [params]
        if any(isinstance(v, str) and "\x00" in v for row in rows or () for v in row or ()):
            carried.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(check):
        yield
    assert not carried, carried


def post(client, path, data, **headers):
    """POST and return the reply, checking that no query carried a NUL."""
    with no_nul_reaches_the_database():
        return client.post(path, data, **headers)


def assert_oauth_error(response, status, error):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"] == error
    assert "access_token" not in response.json()


def password_body(app, **changes):
    body = {
        "grant_type": "password",
        "username": "maria",
        "password": "pw-secret-123",
        "client_id": app.client_id,
        "client_secret": SECRET,
    }
    return {**body, **changes}


@pytest.mark.parametrize("path", ["/oauth/token/", "/oauth/revoke_token/"])
def test_a_nul_in_the_client_id_of_the_body_is_an_invalid_client(client, apps, path):
    body = {**password_body(apps["password"], client_id=NUL), "token": "x"}
    assert_oauth_error(post(client, path, body), 401, "invalid_client")


@pytest.mark.parametrize("path", ["/oauth/token/", "/oauth/revoke_token/"])
def test_a_nul_in_the_client_id_of_http_basic_is_an_invalid_client(client, apps, path):
    body = {"grant_type": "password", "username": "maria", "password": "x", "token": "x"}
    response = post(client, path, body, HTTP_AUTHORIZATION=basic(NUL))
    assert_oauth_error(response, 401, "invalid_client")
    # The same with the NUL percent-encoded, as RFC 6749 (2.3.1) has clients encode it.
    response = post(client, path, body, HTTP_AUTHORIZATION=basic("ab%00cd"))
    assert_oauth_error(response, 401, "invalid_client")


@pytest.mark.parametrize("field", ["username", "password"])
def test_a_nul_in_the_password_grant_is_an_invalid_grant(client, apps, field):
    UserFactory(username="maria")
    body = password_body(apps["password"], **{field: NUL})
    assert_oauth_error(post(client, "/oauth/token/", body), 400, "invalid_grant")
    # And the right credentials still work.
    assert post(client, "/oauth/token/", password_body(apps["password"])).status_code == 200


def test_a_nul_in_a_refresh_token_is_an_invalid_grant(client, apps):
    body = {
        "grant_type": "refresh_token",
        "refresh_token": NUL,
        "client_id": apps["password"].client_id,
        "client_secret": SECRET,
    }
    assert_oauth_error(post(client, "/oauth/token/", body), 400, "invalid_grant")


def test_a_nul_in_an_authorization_code_is_an_invalid_grant(client, apps):
    app = apps["authorization-code"]
    body = {
        "grant_type": "authorization_code",
        "code": NUL,
        "redirect_uri": "https://client.example/callback",
        "code_verifier": "v" * 43,
    }
    response = post(client, "/oauth/token/", body, HTTP_AUTHORIZATION=basic(app.client_id))
    assert_oauth_error(response, 400, "invalid_grant")


@pytest.mark.parametrize("hint", ["access_token", "refresh_token"])
def test_a_nul_in_a_token_to_revoke_is_an_unknown_token(client, apps, hint):
    app = apps["password"]
    kept = issue_bearer(UserFactory(), app)
    body = {"token": NUL, "token_type_hint": hint, "client_id": app.client_id}
    body["client_secret"] = SECRET
    # RFC 7009 (2.2): an invalid token is answered 200, and nothing is revoked.
    response = post(client, "/oauth/revoke_token/", body)
    assert response.status_code == 200, response.content
    assert AccessToken.objects.filter(application=app).count() == 1, kept


def test_a_nul_in_the_client_id_of_an_authorization_request_is_refused(client, apps):
    client.force_login(UserFactory())
    with no_nul_reaches_the_database():
        response = client.get(
            "/oauth/authorize/",
            {
                "response_type": "code",
                "client_id": NUL,
                "redirect_uri": "https://client.example/callback",
                "code_challenge": "c" * 43,
                "code_challenge_method": "S256",
            },
        )
    assert response.status_code == 400, response.content[:300]
