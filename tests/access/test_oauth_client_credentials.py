"""Client-credentials applications, as Genesys Cloud's SDK logs in: `POST /oauth/token` with
no trailing slash, `manage.py create_oauth_client --grant client-credentials --user`, the
`gc_login` fixture, their bearers on every bearer-taking surface, and the real, pinned
PureCloudPlatformClientV2 against a live portal (both databases: the token is written by
the live server and read by the test)."""

import base64
import io
import json

import pytest
import requests
from django.core.management import CommandError, call_command
from oauth2_provider.models import AccessToken, Application
from PureCloudPlatformClientV2.api_client import ApiClient
from PureCloudPlatformClientV2.rest import ApiException
from rest_framework.test import APIClient

from access.services import oauth_client_issue, oauth_client_issue_allowed
from core.errors import DomainError, ForbiddenError
from statuses import services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ZENDESK = "/api/v2/custom_statuses"
SELFCOMMUNITY = "/api/v2/status/"
PERMS = ["statuses.view_conversationstatus", "community.view_status"]
ZENDESK_REFUSED = {"error": "Couldn't authenticate you"}


def create_client(*args):
    out = io.StringIO()
    call_command("create_oauth_client", *args, stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1, lines
    return json.loads(lines[0])


def basic(client_id, secret):
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def token_request(client, path, credentials):
    """The SDK's login request: a form with the grant, HTTP Basic client authentication."""
    return client.post(
        path,
        {"grant_type": "client_credentials"},
        HTTP_AUTHORIZATION=basic(credentials["client_id"], credentials["client_secret"]),
    )


def bearer(token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


# --- the command ---------------------------------------------------------------------------


def test_the_command_makes_a_client_credentials_application_for_the_user():
    robot = UserFactory(username="robot")
    printed = create_client("Genesys Cloud", "--grant", "client-credentials", "--user", "robot")
    assert set(printed) == {"client_id", "client_secret"}
    app = Application.objects.get(client_id=printed["client_id"])
    assert (app.name, app.user, app.client_type, app.authorization_grant_type) == (
        "Genesys Cloud",
        robot,
        Application.CLIENT_CONFIDENTIAL,
        Application.GRANT_CLIENT_CREDENTIALS,
    )
    # Hashed: the printed secret is nowhere in the row, and it is the one that works.
    assert printed["client_secret"] not in app.client_secret
    assert token_request(APIClient(), "/oauth/token", printed).status_code == 200


def test_the_command_without_grant_is_unchanged():
    printed = create_client("Front end")
    app = Application.objects.get(client_id=printed["client_id"])
    assert app.authorization_grant_type == Application.GRANT_PASSWORD and app.user is None
    # A password-grant client may not take client-credentials tokens.
    refused = token_request(APIClient(), "/oauth/token", printed)
    assert refused.status_code == 400 and refused.json()["error"] == "unauthorized_client"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--grant", "client-credentials"), "--grant client-credentials needs --user USERNAME."),
        (("--user", "robot"), "--user goes with --grant client-credentials."),
        (("--grant", "client-credentials", "--user", "nobody"), "No user named 'nobody'."),
        (
            ("--grant", "client-credentials", "--user", "retired"),
            "retired is deactivated: a client acting as them could not sign in.",
        ),
    ],
)
def test_the_command_refuses_a_missing_unknown_or_inactive_user(args, message):
    UserFactory(username="robot")
    UserFactory(username="retired", is_active=False)
    with pytest.raises(CommandError) as refused:
        create_client("Genesys Cloud", *args)
    assert str(refused.value) == message
    assert not Application.objects.exists()


# --- the service's rule for the admin ------------------------------------------------------


def test_who_may_make_a_client_for_whom():
    manager = UserFactory(
        username="manager", perms=["auth.change_user", "access.add_oauthclientapp"]
    )
    clerk = UserFactory(username="clerk", perms=["auth.change_user"])
    agent, root = UserFactory(username="agent"), UserFactory(username="root", is_superuser=True)
    assert oauth_client_issue_allowed(actor=manager, user=agent)
    assert oauth_client_issue_allowed(actor=agent, user=agent)  # one's own
    assert not oauth_client_issue_allowed(actor=clerk, user=agent)  # no add permission
    assert not oauth_client_issue_allowed(actor=manager, user=root)  # a superuser's rights
    assert oauth_client_issue_allowed(actor=root, user=root)
    with pytest.raises(ForbiddenError):
        oauth_client_issue(name="x", user=agent, actor=clerk)
    with pytest.raises(DomainError) as inactive:
        oauth_client_issue(name="x", user=UserFactory(is_active=False), actor=root)
    assert (inactive.value.code, inactive.value.field) == ("inactive", "user")
    assert not Application.objects.exists()


# --- the token endpoint without its slash --------------------------------------------------


def test_the_token_endpoint_answers_without_its_trailing_slash(client):
    UserFactory(username="robot")
    printed = create_client("Genesys Cloud", "--grant", "client-credentials", "--user", "robot")
    response = token_request(client, "/oauth/token", printed)  # not redirected (APPEND_SLASH)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["token_type"] == "Bearer" and "refresh_token" not in body  # RFC 6749 §4.4.3
    assert AccessToken.objects.get().user is None
    wrong = token_request(client, "/oauth/token", {**printed, "client_secret": "wrong"})
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"


def test_both_spellings_share_one_rate_limit(client, settings):
    UserFactory(username="robot")
    printed = create_client("Genesys Cloud", "--grant", "client-credentials", "--user", "robot")
    codes = [
        token_request(client, path, {**printed, "client_secret": "wrong"}).status_code
        for path in ["/oauth/token", "/oauth/token/"] * 15 + ["/oauth/token"]
    ]
    assert codes == [401] * 30 + [429]  # LOGIN_RATE: 30/min per address, both together


# --- the bearers on every bearer-taking surface --------------------------------------------


def test_gc_login_bearers_work_on_the_zendesk_and_selfcommunity_wires(gc_login):
    client = gc_login(*PERMS, username="genesys")
    app = Application.objects.get(client_id=client.client_id)
    assert app.user == client.user
    assert app.authorization_grant_type == Application.GRANT_CLIENT_CREDENTIALS
    services.conversation_status_create(name="Parked", status_category="hold")
    listed = client.get(ZENDESK)
    assert listed.status_code == 200, listed.content
    assert "Parked" in [s["agent_label"] for s in listed.json()["custom_statuses"]]
    assert client.get(SELFCOMMUNITY).status_code == 200


def test_a_client_whose_user_is_inactive_is_refused_on_the_zendesk_wire(gc_login):
    client = gc_login(*PERMS, is_active=False)
    response = client.get(ZENDESK)
    assert response.status_code == 401 and response.json() == ZENDESK_REFUSED
    assert response["WWW-Authenticate"] == 'Basic realm="Web Password"'


def test_a_client_that_lost_its_user_is_refused_on_the_zendesk_wire(gc_login):
    client = gc_login(*PERMS)
    assert client.get(ZENDESK).status_code == 200
    app = Application.objects.get(client_id=client.client_id)
    app.user = None  # saved: the credential cache ends the bearer's entry
    app.save()
    response = client.get(ZENDESK)
    assert response.status_code == 401 and response.json() == ZENDESK_REFUSED


def test_the_zendesk_wire_acts_as_the_applications_user(gc_login):
    writer = gc_login(*PERMS, "statuses.add_conversationstatus", username="writer")
    reader = gc_login(*PERMS, username="reader")
    body = {"custom_status": {"agent_label": "On hold", "status_category": "hold"}}
    assert writer.post(ZENDESK, body, format="json").status_code == 201
    assert reader.post(ZENDESK, body, format="json").status_code == 403


# --- the real SDK against a live portal ----------------------------------------------------


def test_the_genesys_sdk_logs_in_and_its_bearer_works(live_server):
    UserFactory(username="genesys", perms=PERMS)
    printed = create_client("Genesys Cloud", "--grant", "client-credentials", "--user", "genesys")
    services.conversation_status_create(name="Parked", status_category="hold")

    sdk = ApiClient(host=live_server.url)
    assert sdk.get_client_credentials_token(printed["client_id"], printed["client_secret"]) is sdk
    assert sdk.access_token
    headers = {"Authorization": f"Bearer {sdk.access_token}"}
    zendesk = requests.get(f"{live_server.url}{ZENDESK}", headers=headers, timeout=10)
    assert zendesk.status_code == 200, zendesk.text
    assert "Parked" in [s["agent_label"] for s in zendesk.json()["custom_statuses"]]
    community = requests.get(f"{live_server.url}{SELFCOMMUNITY}", headers=headers, timeout=10)
    assert community.status_code == 200, community.text
    assert AccessToken.objects.get().application.client_id == printed["client_id"]


def test_the_genesys_sdk_raises_on_a_wrong_secret(live_server):
    UserFactory(username="genesys", perms=PERMS)
    printed = create_client("Genesys Cloud", "--grant", "client-credentials", "--user", "genesys")
    with pytest.raises(ApiException) as refused:
        ApiClient(host=live_server.url).get_client_credentials_token(
            printed["client_id"], "not-the-secret"
        )
    assert refused.value.status == 401
    assert json.loads(refused.value.body)["error"] == "invalid_client"
    assert not AccessToken.objects.exists()
