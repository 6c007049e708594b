"""The small differences between the Libredesk surface and Libredesk's server (issue 24):
what the portal now does as Libredesk does, and what it keeps on purpose
(docs/contracts/libredesk.md, "Deliberate deviations from the vendor")."""

import base64

import pytest
import requests

from statuses.models import ConversationStatus
from tests.factories import ConversationStatusFactory, UserFactory

pytestmark = pytest.mark.django_db

ADD = "statuses.add_conversationstatus"
CHANGE = "statuses.change_conversationstatus"
DELETE = "statuses.delete_conversationstatus"
NOT_FOUND = {
    "status": "error",
    "message": "Not found.",
    "data": None,
    "error_type": "NotFoundException",
}


# --- the trailing slash: redirected, as Libredesk's router (fasthttp/router) does ----------


@pytest.mark.parametrize(
    ("method", "path", "status_code", "location"),
    [
        ("get", "/api/v1/statuses/", 301, "/api/v1/statuses"),
        ("get", "/api/v1/statuses/?page=2&x=%C3%A9", 301, "/api/v1/statuses?page=2&x=%C3%A9"),
        ("post", "/api/v1/statuses/", 308, "/api/v1/statuses"),
        ("get", "/api/v1/statuses/7/", 301, "/api/v1/statuses/7"),
        ("put", "/api/v1/statuses/7/", 308, "/api/v1/statuses/7"),
        ("delete", "/api/v1/statuses/7/", 308, "/api/v1/statuses/7"),
        ("post", "/api/v1/agents/3/api-key/", 308, "/api/v1/agents/3/api-key"),
        ("delete", "/api/v1/agents/3/api-key/", 308, "/api/v1/agents/3/api-key"),
    ],
)
def test_a_route_with_a_trailing_slash_is_redirected_before_credentials(
    client, method, path, status_code, location
):
    """Libredesk's router redirects before any handler (so before credentials are read):
    301 for GET, 308 for the other methods (the client repeats method and body), with an
    absolute Location that keeps the query string."""
    response = getattr(client, method)(path)
    assert response.status_code == status_code
    assert response["Location"] == "http://testserver" + location
    assert response.content == b""


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("delete", "/api/v1/statuses/"),  # the list has no DELETE: no route to suggest
        ("patch", "/api/v1/statuses/7/"),
        ("post", "/api/v1/statuses/7/"),
        ("get", "/api/v1/agents/3/api-key/"),
        ("get", "/api/v1/agents/"),
        ("get", "/api/v1/statuses//"),
        ("get", "/api/v1/statuses/7/x/"),
        ("get", "/api/v1/nope/"),
    ],
)
def test_a_trailing_slash_without_such_a_route_is_still_404(client, method, path):
    response = getattr(client, method)(path)
    assert response.status_code == 404
    assert response.json() == NOT_FOUND


@pytest.mark.parametrize("path", ["/api/v1/me/", "/api/v1/custom-user-status.list/"])
def test_rocketchat_paths_are_not_redirected(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.json()["errorType"] == "not_found"


def test_a_client_that_adds_a_slash_works_through_the_redirect(live_server):
    """A real HTTP client (requests) follows the 308 with its method, body and
    credentials, as it would against Libredesk."""
    from access.services import api_key_issue

    user = UserFactory(perms=[ADD, CHANGE, DELETE])
    issued = api_key_issue(user=user, actor=user)
    token = base64.b64encode(f"{issued.api_key}:{issued.api_secret}".encode()).decode()
    session = requests.Session()
    session.headers["Authorization"] = "Basic " + token
    base = live_server.url + "/api/v1/statuses/"

    created = session.post(base, json={"name": "Pending", "category": "waiting"})
    assert created.status_code == 200, created.text
    assert [r.status_code for r in created.history] == [308]
    status_id = created.json()["data"]["id"]
    assert ConversationStatus.objects.get(pk=status_id).name == "Pending"

    listed = session.get(base)
    assert [r.status_code for r in listed.history] == [301]
    assert "Pending" in [s["name"] for s in listed.json()["data"]]

    renamed = session.put(f"{base}{status_id}/", json={"name": "On hold", "category": "waiting"})
    assert renamed.json()["data"]["name"] == "On hold"
    deleted = session.delete(f"{base}{status_id}/")
    assert deleted.json() == {"status": "success", "data": True}
    assert not ConversationStatus.objects.filter(pk=status_id).exists()


def test_the_redirect_reaches_the_credential_check(client):
    ConversationStatusFactory(name="Pending")
    response = client.get("/api/v1/statuses/", follow=True)
    assert response.redirect_chain == [("http://testserver/api/v1/statuses", 301)]
    assert response.status_code == 401
    assert response.json()["error_type"] == "UnauthorizedException"


# --- kept on purpose (docs/contracts/libredesk.md) --------------------------------------


@pytest.mark.parametrize(
    ("authorization", "message"),
    [
        (None, "Authentication credentials were not provided."),
        ("token nope:wrong", "Invalid credential"),
    ],
)
def test_a_401_is_an_unauthorized_exception(client, authorization, message):
    """Libredesk's middleware answers every 401 as GeneralException (its 500s' type); the
    portal keeps CONTRACTS.md's UnauthorizedException."""
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    response = client.get("/api/v1/statuses", **headers)
    assert response.status_code == 401
    assert response.json() == {
        "status": "error",
        "message": message,
        "data": None,
        "error_type": "UnauthorizedException",
    }


def test_the_name_length_counts_characters_after_trimming(make_agent):
    """Libredesk's server counts bytes (Go's len) of the untrimmed name; the portal counts
    characters of the trimmed one, as Libredesk's message and admin form say."""
    agent = make_agent(ADD)
    name = "Ожидание клиента ещё, да"  # 24 characters, 44 bytes
    response = agent.post(
        "/api/v1/statuses", {"name": f"  {name} ", "category": "waiting"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["data"]["name"] == name
    response = agent.post(
        "/api/v1/statuses", {"name": "é" * 26, "category": "waiting"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["message"] == "Status is too long, should be at most 25 characters"


@pytest.mark.parametrize("path", ["/API/V1/STATUSES", "/api/v1//statuses", "/api/v1/Statuses"])
def test_other_path_corrections_are_not_made(make_agent, path):
    """Libredesk's router also redirects a path in another case or with `//`; the portal
    answers such a path 404."""
    response = make_agent().get(path)
    assert response.status_code == 404
