"""A new password or a deactivation ends the user's sessions on every surface."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from rest_framework.test import APIClient

from access.models import ApiKey, LoginToken
from access.services import api_key_issue, login_token_issue
from reasons.models import AccountBearer
from reasons.services import account_bearer_issue
from tests.conftest import basic_header, issue_bearer
from tests.factories import AccountFactory, UserFactory

pytestmark = pytest.mark.django_db

LP = "/api/account/acme/configuration/le-agents/status-reasons?v=1"


@pytest.fixture
def signed_in(oauth_app):
    """A user signed in on all four surfaces, and a client per surface."""
    user = UserFactory(
        perms=["statuses.view_conversationstatus", "reasons.view_statusreason"], email="a@b.c"
    )
    AccountFactory(id="acme").members.add(user)
    key = api_key_issue(user=user, actor=user)
    token = login_token_issue(user=user)
    bearer = account_bearer_issue(
        account_id="acme", username=user.username, password="pw-secret-123"
    )
    clients = {name: APIClient() for name in ("libredesk", "rocketchat", "liveperson", "oauth")}
    clients["libredesk"].credentials(HTTP_AUTHORIZATION=basic_header(key.api_key, key.api_secret))
    clients["rocketchat"].credentials(
        HTTP_X_AUTH_TOKEN=token.auth_token, HTTP_X_USER_ID=token.user_id
    )
    clients["liveperson"].credentials(HTTP_AUTHORIZATION=f"Bearer {bearer.bearer}")
    clients["oauth"].credentials(HTTP_AUTHORIZATION=f"Bearer {issue_bearer(user, oauth_app)}")
    return user, clients


def statuses(clients):
    return {
        "libredesk": clients["libredesk"].get("/api/v1/statuses").status_code,
        "rocketchat": clients["rocketchat"].get("/api/v1/me").status_code,
        "liveperson": clients["liveperson"].get(LP).status_code,
        "oauth": clients["oauth"].get("/api/v2/status/").status_code,
    }


ALL_OK = {"libredesk": 200, "rocketchat": 200, "liveperson": 200, "oauth": 200}


def test_a_new_password_ends_every_session_but_keeps_the_api_key(signed_in):
    user, clients = signed_in
    assert statuses(clients) == ALL_OK
    user.set_password("a-brand-new-password")
    user.save()
    assert statuses(clients) == {**ALL_OK, "rocketchat": 401, "liveperson": 401, "oauth": 401}
    assert not LoginToken.objects.filter(user=user).exists()
    assert not AccountBearer.objects.filter(user=user).exists()
    assert ApiKey.objects.filter(user=user).exists()


def test_deactivation_ends_everything_including_the_api_key(signed_in):
    user, clients = signed_in
    user.is_active = False
    user.save()
    assert set(statuses(clients).values()) == {401}
    assert not ApiKey.objects.filter(user=user).exists()
    user.is_active = True
    user.save()
    assert set(statuses(clients).values()) == {401}  # reactivating brings nothing back


def test_saving_other_fields_keeps_the_sessions(signed_in):
    user, clients = signed_in
    user.first_name = "Renamed"
    user.save()
    user.save(update_fields=["last_login"])
    assert statuses(clients) == ALL_OK


def test_a_password_set_in_the_admin_ends_the_sessions(signed_in):
    user, clients = signed_in
    manager = UserFactory(is_staff=True)
    manager.user_permissions.add(*Permission.objects.filter(codename="change_user"))
    admin = Client()
    admin.force_login(manager)
    response = admin.post(
        f"/admin/auth/user/{user.pk}/password/",
        {"password1": "Another-long-pass-9", "password2": "Another-long-pass-9"},
    )
    assert response.status_code == 302, response.content
    assert statuses(clients)["rocketchat"] == 401
    assert statuses(clients)["libredesk"] == 200


def test_logging_in_again_after_a_password_change_works(signed_in, client_api):
    user, _clients = signed_in
    user.set_password("a-brand-new-password")
    user.save()
    response = client_api.post(
        "/api/v1/login",
        {"user": user.username, "password": "a-brand-new-password"},
        format="json",
    )
    assert response.status_code == 200
