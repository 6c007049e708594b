"""Who may mint an API key for whom, through every door, and where the secret appears."""

import re

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from access.models import ApiKey
from access.services import api_key_authenticate, api_key_issue, api_key_issue_allowed
from core.errors import ForbiddenError
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

KEYS = "/admin/access/apikey/"
SECRET = re.compile(r"class='api-secret'>([A-Za-z0-9]{64})<")

# The staff roles the rule is checked against (a superuser is made separately).
ROLES = {
    "no permissions": [],
    "view only": ["access.view_apikey", "auth.view_user"],
    "add key only": ["access.add_apikey", "access.view_apikey", "auth.view_user"],
    "change user only": ["auth.change_user", "auth.view_user"],
    "change user and add key": [
        "auth.change_user",
        "auth.view_user",
        "access.add_apikey",
        "access.view_apikey",
    ],
}


def staff(role):
    return UserFactory(is_staff=True, perms=ROLES[role])


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("role", "for_user", "for_superuser"),
    [
        ("no permissions", False, False),
        ("view only", False, False),
        ("add key only", False, False),
        ("change user only", False, False),
        ("change user and add key", True, False),
    ],
)
def test_the_rule(role, for_user, for_superuser):
    actor, superuser = staff(role), UserFactory(is_superuser=True, is_staff=True)
    assert api_key_issue_allowed(actor=actor, user=UserFactory()) is for_user
    assert api_key_issue_allowed(actor=actor, user=superuser) is for_superuser
    assert api_key_issue_allowed(actor=actor, user=actor) is True  # always your own
    assert api_key_issue_allowed(actor=superuser, user=UserFactory(is_superuser=True)) is True
    with pytest.raises(ForbiddenError):
        api_key_issue(user=superuser, actor=actor)


def test_the_generate_action_does_not_mint_a_superusers_key(admin_user):
    old = api_key_issue(user=admin_user, actor=admin_user)
    manager = staff("change user and add key")
    pk = ApiKey.objects.get(user=admin_user).pk
    response = logged_in(manager).post(
        KEYS, {"action": "regenerate_keys", "_selected_action": [pk]}, follow=True
    )
    assert not SECRET.search(response.content.decode())
    assert "Not allowed to make a key for" in response.content.decode()
    assert api_key_authenticate(key=old.api_key, secret=old.api_secret) == admin_user


def test_the_generate_action_needs_change_user_for_other_users():
    target = UserFactory()
    old = api_key_issue(user=target, actor=target)
    pk = ApiKey.objects.get(user=target).pk
    response = logged_in(staff("add key only")).post(
        KEYS, {"action": "regenerate_keys", "_selected_action": [pk]}, follow=True
    )
    assert not SECRET.search(response.content.decode())
    assert api_key_authenticate(key=old.api_key, secret=old.api_secret) == target


@pytest.mark.parametrize("role", ["add key only", "change user and add key"])
def test_the_add_form_refuses_a_superuser(admin_user, role):
    response = logged_in(staff(role)).post(f"{KEYS}add/", {"user": admin_user.pk})
    assert response.status_code == 200
    assert "You may not make an API key for" in response.content.decode()
    assert not ApiKey.objects.filter(user=admin_user).exists()


def test_the_add_form_needs_change_user_for_another_user():
    target = UserFactory()
    response = logged_in(staff("add key only")).post(f"{KEYS}add/", {"user": target.pk})
    assert response.status_code == 200 and not ApiKey.objects.filter(user=target).exists()


def test_the_add_form_makes_your_own_key_and_a_superuser_makes_anyones(admin_user):
    manager = staff("add key only")
    response = logged_in(manager).post(f"{KEYS}add/", {"user": manager.pk})
    assert response.status_code == 200 and SECRET.search(response.content.decode())
    other_admin = UserFactory(is_superuser=True, is_staff=True)
    response = logged_in(admin_user).post(f"{KEYS}add/", {"user": other_admin.pk})
    assert SECRET.search(response.content.decode())


def test_the_credentials_page_does_not_mint_a_superusers_key(admin_user):
    response = logged_in(staff("change user and add key")).post(
        f"/admin/auth/user/{admin_user.pk}/api-key/"
    )
    assert response.status_code == 403
    assert not ApiKey.objects.filter(user=admin_user).exists()


def test_a_new_secret_is_never_kept_in_the_session_or_a_message(admin_client):
    target = UserFactory()
    response = admin_client.post(f"{KEYS}add/", {"user": target.pk})
    secret = SECRET.search(response.content.decode()).group(1)
    stored = " ".join(str(session.get_decoded()) for session in Session.objects.all())
    assert secret not in stored
    # Nor on the next page, as a leftover message.
    assert secret not in admin_client.get(KEYS).content.decode()


def test_the_api_refuses_another_users_key_without_add_apikey():
    manager = UserFactory(perms=["auth.change_user"])
    issued = api_key_issue(user=manager, actor=manager)
    client = Client(HTTP_AUTHORIZATION=f"token {issued.api_key}:{issued.api_secret}")
    target = UserFactory()
    response = client.post(f"/api/v1/agents/{target.pk}/api-key")
    assert response.status_code == 403
    assert not ApiKey.objects.filter(user=target).exists()
