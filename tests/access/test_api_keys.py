"""API keys: storage, authentication, the agent API-key routes, the command and the admin."""

import hashlib
import json
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from access.models import ApiKey
from access.services import api_key_authenticate, api_key_issue
from tests.conftest import basic_header, token_header
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ALNUM = re.compile(r"^[A-Za-z0-9]+$")


def test_issue_stores_only_a_sha256_of_the_secret():
    user = UserFactory()
    issued = api_key_issue(user=user, actor=user)
    assert len(issued.api_key) == 32 and ALNUM.match(issued.api_key)
    assert len(issued.api_secret) == 64 and ALNUM.match(issued.api_secret)
    stored = ApiKey.objects.get(user=user)
    assert stored.key == issued.api_key
    assert stored.secret_hash == hashlib.sha256(issued.api_secret.encode()).hexdigest()
    assert issued.api_secret not in json.dumps(list(ApiKey.objects.values()), default=str)


def test_issue_replaces_the_earlier_key():
    user = UserFactory()
    first = api_key_issue(user=user, actor=user)
    second = api_key_issue(user=user, actor=user)
    assert ApiKey.objects.filter(user=user).count() == 1
    assert api_key_authenticate(key=first.api_key, secret=first.api_secret) is None
    assert api_key_authenticate(key=second.api_key, secret=second.api_secret) == user


def test_authenticate_is_one_query(django_assert_num_queries):
    user = UserFactory()
    issued = api_key_issue(user=user, actor=user)
    api_key_authenticate(key=issued.api_key, secret=issued.api_secret)  # writes last_used_at
    with django_assert_num_queries(1):
        assert api_key_authenticate(key=issued.api_key, secret=issued.api_secret) == user


def agents_path(user_id):
    return f"/api/v1/agents/{user_id}/api-key"


@pytest.mark.parametrize("header", [basic_header, token_header])
def test_generate_and_revoke_agent_key(header):
    manager = UserFactory(perms=["auth.change_user", "access.add_apikey"])
    target = UserFactory()
    issued = api_key_issue(user=manager, actor=manager)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header(issued.api_key, issued.api_secret))

    response = client.post(agents_path(target.pk))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]  # the secret is in this reply alone
    body = response.json()
    assert body["status"] == "success"
    assert set(body["data"]) == {"api_key", "api_secret"}
    agent_client = APIClient()
    agent_client.credentials(
        HTTP_AUTHORIZATION=header(body["data"]["api_key"], body["data"]["api_secret"])
    )
    assert agent_client.get("/api/v1/statuses").status_code == 200

    # A second call replaces the key: the first stops working.
    again = client.post(agents_path(target.pk)).json()["data"]
    assert again["api_key"] != body["data"]["api_key"]
    assert agent_client.get("/api/v1/statuses").status_code == 401

    response = client.delete(agents_path(target.pk))
    assert response.json() == {"status": "success", "data": True}
    agent_client.credentials(HTTP_AUTHORIZATION=header(again["api_key"], again["api_secret"]))
    assert agent_client.get("/api/v1/statuses").status_code == 401
    assert not ApiKey.objects.filter(user=target).exists()


def test_another_users_key_needs_change_user_and_add_apikey():
    other = UserFactory()
    for perms in ([], ["auth.change_user"], ["access.add_apikey"]):
        user = UserFactory(perms=["statuses.add_conversationstatus", *perms])
        issued = api_key_issue(user=user, actor=user)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=token_header(issued.api_key, issued.api_secret))
        response = client.post(agents_path(other.pk))
        assert response.status_code == 403, perms
        assert response.json()["error_type"] == "PermissionException"
        assert not ApiKey.objects.filter(user=other).exists()
    # Without change_user, another user's id is refused before it is looked up.
    assert client.post(agents_path(987654)).status_code == 403


def test_anyone_may_replace_their_own_key():
    user = UserFactory(perms=["statuses.view_conversationstatus"])
    issued = api_key_issue(user=user, actor=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=token_header(issued.api_key, issued.api_secret))
    response = client.post(agents_path(user.pk))
    assert response.status_code == 200
    assert ApiKey.objects.get(user=user).key == response.json()["data"]["api_key"]
    assert client.get("/api/v1/statuses").status_code == 401  # the old key is gone


def test_agent_key_unknown_agent_is_404_and_anonymous_is_401():
    manager = UserFactory(perms=["auth.change_user"])
    issued = api_key_issue(user=manager, actor=manager)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=token_header(issued.api_key, issued.api_secret))
    assert client.post(agents_path(987654)).json()["error_type"] == "NotFoundException"
    assert client.delete(agents_path("nobody")).status_code == 404
    assert APIClient().post(agents_path(manager.pk)).status_code == 401


def test_create_api_key_command_prints_one_json_object_and_replaces():
    user = UserFactory(username="cmduser")
    out = StringIO()
    call_command("create_api_key", "cmduser", stdout=out)
    first = json.loads(out.getvalue())
    assert first.keys() == {"api_key", "api_secret", "user_id"}
    assert first["user_id"] == user.pk
    out = StringIO()
    call_command("create_api_key", "cmduser", stdout=out)
    second = json.loads(out.getvalue())
    assert api_key_authenticate(key=first["api_key"], secret=first["api_secret"]) is None
    assert api_key_authenticate(key=second["api_key"], secret=second["api_secret"]) == user


def test_create_api_key_command_unknown_user():
    with pytest.raises(CommandError, match="--create"):
        call_command("create_api_key", "ghost", stdout=StringIO())


def test_create_api_key_command_creates_an_agent_without_admin_rights():
    out = StringIO()
    call_command("create_api_key", "agent", "--create", stdout=out)
    issued = json.loads(out.getvalue())
    agent = api_key_authenticate(key=issued["api_key"], secret=issued["api_secret"])
    assert agent.pk == issued["user_id"] and agent.username == "agent"
    assert not agent.is_staff and not agent.is_superuser and not agent.has_usable_password()
    # Again: the same user, a new key.
    out = StringIO()
    call_command("create_api_key", "agent", "--create", stdout=out)
    assert json.loads(out.getvalue())["user_id"] == agent.pk


def test_admin_generates_key_and_shows_secret_once(admin_client):
    target = UserFactory(username="target")
    response = admin_client.post("/admin/access/apikey/add/", {"user": target.pk})
    # The secret is in the reply to the POST itself, which no cache keeps; not in a message.
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    secret = re.search(r"class='api-secret'>([A-Za-z0-9]{64})<", html).group(1)
    key = re.search(r"class='api-key'>([A-Za-z0-9]{32})<", html).group(1)
    assert api_key_authenticate(key=key, secret=secret) == target
    # The next page: the secret is gone for good.
    reloaded = admin_client.get("/admin/access/apikey/").content.decode()
    assert secret not in reloaded
    assert key in reloaded


def test_admin_regenerate_and_revoke_actions_ask_first(admin_client):
    target = UserFactory()
    old = api_key_issue(user=target, actor=target)
    pk = ApiKey.objects.get(user=target).pk
    chosen = {"action": "regenerate_keys", "_selected_action": [pk]}
    asked = admin_client.post("/admin/access/apikey/", chosen).content.decode()
    assert "stops working at once" in asked and old.api_key in asked
    assert '<input type="hidden" name="post" value="yes">' in asked
    assert "api-secret" not in asked
    assert api_key_authenticate(key=old.api_key, secret=old.api_secret) == target
    response = admin_client.post("/admin/access/apikey/", {**chosen, "post": "yes"})
    assert "api-secret" in response.content.decode()
    assert api_key_authenticate(key=old.api_key, secret=old.api_secret) is None

    chosen = {"action": "revoke_keys", "_selected_action": [pk]}
    asked = admin_client.post("/admin/access/apikey/", chosen).content.decode()
    assert "Revoke this API key? It stops working at once." in asked
    assert ApiKey.objects.filter(user=target).exists()
    response = admin_client.post("/admin/access/apikey/", {**chosen, "post": "yes"}, follow=True)
    assert "1 API key revoked." in response.content.decode()
    assert not ApiKey.objects.filter(user=target).exists()
