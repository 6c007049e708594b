"""Hostile input on every surface: always a 4xx in that surface's shape, never a 500."""

import json
import re

import pytest
from django.utils.module_loading import import_string
from rest_framework.test import APIClient

from access.models import ApiKey
from access.services import api_key_issue
from reasons.models import StatusReason
from tests.conftest import issue_bearer
from tests.factories import AccountFactory, StatusReasonFactory, UserFactory
from tests.surfaces import (
    TESTED,
    by_surface,
    each_surface,
    error_shape_of,
    signed_in,
    signs_in,
    surface_routes,
)

pytestmark = pytest.mark.django_db

NESTED = "[" * 50_000 + "]" * 50_000
LP = "/api/account/acme/configuration/le-agents/status-reasons"


@pytest.mark.parametrize("body", [NESTED, '{"name": "a\\u0000b", "text": "a\\u0000"}'])
@pytest.mark.parametrize("surface", each_surface([s for s in TESTED if s.tests.write]))
@signs_in
def test_deep_nesting_and_nul_characters_are_parse_errors(request, surface, body):
    client = signed_in(request, surface)
    response = client.post(surface.tests.write, body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith("application/json")


def test_nul_in_a_query_parameter_is_a_400(rc_login):
    response = rc_login().get("/api/v1/custom-user-status.list", {"name": "a\x00b"})
    assert response.status_code == 400
    assert response.json()["success"] is False


@pytest.mark.parametrize(
    "header",
    ["token a\x00b:secret", "token " + "k" * 32 + ":\x00"],
)
def test_nul_in_credentials_is_a_401(client_api, header):
    client_api.credentials(HTTP_AUTHORIZATION=header)
    assert client_api.get("/api/v1/statuses").status_code == 401


def test_huge_user_id_header_is_a_401(client_api):
    client_api.credentials(HTTP_X_AUTH_TOKEN="x", HTTP_X_USER_ID="9" * 25)
    assert client_api.get("/api/v1/me").status_code == 401


def test_huge_integers_are_4xx(rc_login, lp_login, sc_login):
    huge = 10**30
    assert rc_login().get("/api/v1/custom-user-status.list", {"offset": huge}).status_code == 400
    agent = lp_login()
    StatusReasonFactory(account=agent.account)
    assert (
        agent.put(
            f"{LP}?v=1", [{"id": huge, "text": "x", "state": "Away"}], format="json"
        ).status_code
        == 400
    )
    assert agent.delete(f"{LP}?v=1", [huge], format="json").status_code == 400
    assert agent.get(f"{LP}/{huge}?v=1").status_code == 404
    member = sc_login("community.add_category")
    status = member.post("/api/v2/status/", {"action": "x", "categories": [huge]}, format="json")
    assert status.status_code == 400 and "errors" in status.json()
    category = member.post("/api/v2/category/", {"name": "n", "order": huge}, format="json")
    assert category.status_code == 400


def test_liveperson_orders_never_run_out_of_room(lp_login):
    # Orders are positions (1, 2, ...): the lowest order a client may send is the first
    # position, and a reason created without one still goes before it.
    agent = lp_login()
    low = agent.post(
        f"{LP}?v=1", {"text": "Low", "state": "Away", "order": -(2**31)}, format="json"
    )
    assert (low.status_code, low.json()["order"]) == (200, 1)
    response = agent.post(f"{LP}?v=1", {"text": "Next", "state": "Away"}, format="json")
    assert (response.status_code, response.json()["order"]) == (200, 1)
    listed = agent.get(f"{LP}?v=1").json()
    assert [(r["text"], r["order"]) for r in listed] == [("Next", 1), ("Low", 2)]
    below = agent.post(
        f"{LP}?v=1", {"text": "Lower", "state": "Away", "order": -(2**31) - 1}, format="json"
    )
    assert below.status_code == 400 and set(below.json()) == {"message", "errors"}
    assert not StatusReason.objects.filter(text="Lower").exists()


def test_login_rate_limit_is_not_bypassed_with_x_forwarded_for(client):
    UserFactory(username="maria")
    codes = [
        client.post(
            "/api/v1/login",
            {"user": "maria", "password": "wrong"},
            content_type="application/json",
            HTTP_X_FORWARDED_FOR=f"10.0.0.{i}",
        ).status_code
        for i in range(31)
    ]
    assert codes[:30] == [401] * 30 and codes[30] == 429


def test_oauth_token_endpoint_is_rate_limited(client, oauth_app):
    UserFactory(username="maria")
    body = {
        "grant_type": "password",
        "username": "maria",
        "password": "wrong",
        "client_id": oauth_app.client_id,
    }
    codes = [client.post("/oauth/token/", body).status_code for _ in range(31)]
    assert set(codes[:30]) == {401} and codes[30] == 429


def test_deactivated_user_token_stops_working(oauth_app):
    user = UserFactory()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {issue_bearer(user, oauth_app)}")
    assert client.get("/api/v2/status/").status_code == 200
    user.is_active = False
    user.save()
    response = client.get("/api/v2/status/")
    assert response.status_code == 401
    assert "errors" in response.json()


def test_read_only_token_cannot_write(oauth_app):
    from datetime import timedelta

    from django.utils import timezone
    from oauth2_provider.models import AccessToken

    user = UserFactory()
    AccessToken.objects.create(
        user=user,
        application=oauth_app,
        token="read-only-token-1234567890",
        expires=timezone.now() + timedelta(hours=1),
        scope="read",
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer read-only-token-1234567890")
    assert client.get("/api/v2/status/").status_code == 200
    response = client.post(
        "/api/v2/media/", {"type": "url", "url": "https://example.com"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "permission_denied"


def test_only_a_superuser_may_mint_a_superusers_api_key(admin_user):
    manager = UserFactory(perms=["auth.change_user", "access.add_apikey"])
    issued = api_key_issue(user=manager, actor=manager)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"token {issued.api_key}:{issued.api_secret}")
    response = client.post(f"/api/v1/agents/{admin_user.pk}/api-key")
    assert response.status_code == 403
    assert response.json()["error_type"] == "PermissionException"
    assert not ApiKey.objects.filter(user=admin_user).exists()
    assert client.post(f"/api/v1/agents/{UserFactory().pk}/api-key").status_code == 200


def test_liveperson_403_for_a_member_carries_the_revision(lp_login):
    agent = lp_login(perms=("reasons.view_statusreason",))
    response = agent.post(f"{LP}?v=1", {"text": "X", "state": "Away"}, format="json")
    assert response.status_code == 403 and response["ac-revision"] == "0"
    AccountFactory(id="other")
    other = agent.get("/api/account/other/configuration/le-agents/status-reasons?v=1")
    assert other.status_code == 403 and "ac-revision" not in other


@pytest.mark.parametrize("method", ["put", "bulk_put", "bulk_delete"])
def test_another_accounts_reason_cannot_be_changed_by_id(lp_login, method):
    agent = lp_login("acme")
    theirs = StatusReasonFactory(account=AccountFactory(id="beta"), text="Theirs")
    item = {"id": theirs.pk, "text": "Mine now", "state": "Away"}
    if method == "put":
        response = agent.put(f"{LP}/{theirs.pk}?v=1", item, format="json")
    elif method == "bulk_put":
        response = agent.put(f"{LP}?v=1", [item], format="json")
    else:
        response = agent.delete(f"{LP}?v=1", [theirs.pk], format="json")
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert (theirs.text, theirs.deleted) == ("Theirs", False)


def test_uploaded_image_url_resolves(sc_login, settings, tmp_path):
    from tests.community.test_supporting_routes import png_bytes, upload

    settings.MEDIA_ROOT = tmp_path
    member = sc_login()
    media = member.post(
        "/api/v2/media/",
        {"type": "image", "image": upload("pic.png", png_bytes())},
        format="multipart",
    ).json()
    path = media["image"].split("://", 1)[-1].split("/", 1)[-1]
    response = member.get("/" + path)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == png_bytes()


def test_admin_list_edit_refused_by_a_service_is_a_message(admin_client):
    reason = StatusReasonFactory(deleted=True, order=1)
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-0-id": reason.pk,
        "form-0-order": "7",
        "_save": "Save",
    }
    response = admin_client.post("/admin/reasons/statusreason/?deleted__exact=1", data, follow=True)
    assert response.status_code == 200
    assert "not found" in response.content.decode()
    reason.refresh_from_db()
    assert reason.order == 1


def test_reason_admin_shows_only_the_managers_accounts(client):
    mine, theirs = AccountFactory(id="mine"), AccountFactory(id="theirs")
    StatusReasonFactory(account=mine, text="Mine")
    StatusReasonFactory(account=theirs, text="Theirs")
    manager = UserFactory(
        is_staff=True,
        perms=["reasons.view_statusreason", "reasons.change_statusreason", "reasons.view_account"],
    )
    mine.members.add(manager)
    client.force_login(manager)
    listed = client.get("/admin/reasons/statusreason/").context["cl"].result_list
    assert [r.text for r in listed] == ["Mine"]
    other = StatusReason.objects.get(text="Theirs")
    assert client.get(f"/admin/reasons/statusreason/{other.pk}/change/").status_code == 302
    accounts = client.get("/admin/reasons/account/").context["cl"].result_list
    assert [a.pk for a in accounts] == ["mine"]


def test_nothing_returns_html_errors_on_api_paths(client):
    paths = [path for surface in TESTED for path in surface.tests.unknown]
    assert {"/api/v1/nope", "/api/v2/nope/", "/api/account/acme/nope"} <= set(paths)
    for path in paths:
        response = client.get(path)
        assert response.status_code == 404
        assert response["Content-Type"].startswith("application/json")
        json.loads(response.content)


def test_oauth_login_page_is_rate_limited(client):
    # Guesses spread over many usernames: each stays under the sign-in lockout (5 failures
    # per username and address), the address's rate limit still stops them.
    codes = [
        client.post("/oauth/login/", {"username": f"user{n}", "password": "wrong"}).status_code
        for n in range(31)
    ]
    assert set(codes[:30]) == {200} and codes[30] == 429


# Each surface's unknown paths (config/surfaces.py): Libredesk's routes are nouns under
# /api/v1/, with or without a trailing slash; Rocket.Chat's are method names (with a dot),
# and login, me and logout.
@pytest.mark.parametrize(("surface", "path"), by_surface(lambda surface: surface.tests.unknown))
def test_an_unknown_path_answers_in_the_shape_of_the_surface_that_owns_it(client, surface, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.json() == surface.tests.not_found


def test_the_unknown_paths_of_each_surface_are_as_before():
    unknown = {surface.tag: set(surface.tests.unknown) for surface in TESTED}
    assert unknown["Libredesk"] >= {
        "/api/v1/agents/",
        "/api/v1/",
        "/api/v1/agents",
        "/api/v1/conversations",
        "/api/v1/agents/1/api-keys",
    }
    assert unknown["Rocket.Chat"] >= {
        "/api/v1/custom-user-status.nope",
        "/api/v1/channels.list",
        "/api/v1/me/",
        "/api/v1/login/x",
    }
    assert unknown["LivePerson"] >= {"/api/account/", "/api/account/acme/nope"}
    assert unknown["SelfCommunity"] >= {"/api/v2/nope/"}


def test_every_path_of_a_surface_answers_errors_in_the_shape_the_surface_names(settings):
    # settings.API_ERROR_SHAPES is derived from config/surfaces.py: no other surface's
    # pattern takes a surface's routes or unknown paths (Libredesk's /api/v1/ is tried last).
    for surface in TESTED:
        for path in [*surface_routes(surface), *surface.tests.unknown]:
            dotted = next(d for pattern, d in settings.API_ERROR_SHAPES if re.match(pattern, path))
            assert import_string(dotted) is error_shape_of(surface, path), (surface.tag, path)
