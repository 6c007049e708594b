"""The ready-made roles (access/roles.py): their groups, kept up to date by migrate, every
admin model in one of them or excluded, and what a key may do on each surface."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.core.management.sql import emit_post_migrate_signal
from django.urls import reverse
from rest_framework.test import APIClient

from access import roles
from access.services import api_key_issue
from tests.conftest import token_header
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def perms_of(name):
    group = Group.objects.get(name=name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}


def test_migrate_made_every_role_with_its_permissions():
    assert {role.name for role in roles.ROLES} <= set(Group.objects.values_list("name", flat=True))
    assert perms_of("Status managers") == {
        f"statuses.{action}_{model}"
        for model in ("conversationstatus", "userstatus")
        for action in ("view", "add", "change", "delete")
    }
    assert "reasons.add_statusreason" in perms_of("Contact-centre managers")
    assert "reasons.delete_accountapikey" in perms_of("Contact-centre managers")
    assert "community.change_statusflag" in perms_of("Community moderators")
    assert "webhooks.add_subscription" in perms_of("Webhook managers")
    read_only = perms_of("Read-only")
    assert read_only and all(perm.split(".")[1].startswith("view_") for perm in read_only)
    # Read-only sees what every manager role manages.
    managed = {label for role in roles.MANAGER_ROLES for label in role.models}
    assert {f"{label.split('.')[0]}.view_{label.split('.')[1]}" for label in managed} == read_only


def test_sync_is_idempotent():
    before = {role.name: perms_of(role.name) for role in roles.ROLES}
    groups = Group.objects.count()
    roles.sync_roles()
    roles.sync_roles()
    assert Group.objects.count() == groups
    assert {role.name: perms_of(role.name) for role in roles.ROLES} == before


def test_sync_undoes_a_hand_change_and_keeps_other_groups():
    group = Group.objects.get(name="Status managers")
    group.permissions.add(Permission.objects.get(codename="change_user"))
    group.permissions.remove(Permission.objects.get(codename="add_userstatus"))
    mine = Group.objects.create(name="Night shift")
    mine.permissions.add(Permission.objects.get(codename="view_statusreason"))
    roles.sync_roles()
    assert "auth.change_user" not in perms_of("Status managers")
    assert "statuses.add_userstatus" in perms_of("Status managers")
    assert perms_of("Night shift") == {"reasons.view_statusreason"}


def test_a_new_permission_joins_its_role_at_the_next_migrate():
    """A model added to an app (here: its permission made anew, as migrate makes a new
    model's) joins its role's group when migrate's post_migrate runs."""
    Permission.objects.filter(codename="delete_userstatus").delete()
    assert "statuses.delete_userstatus" not in perms_of("Status managers")
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert "statuses.delete_userstatus" in perms_of("Status managers")
    assert "statuses.view_userstatus" in perms_of("Read-only")


def test_a_model_added_to_a_role_definition_joins_it(monkeypatch):
    role = roles.Role("Status managers", "x", {"statuses.userstatus": ("view",)})
    monkeypatch.setattr(roles, "ROLES", (role,))
    roles.sync_roles()
    assert perms_of("Status managers") == {"statuses.view_userstatus"}


def test_every_admin_model_is_in_a_role_or_excluded():
    """A new model in the admin must be put in a role, or in EXCLUDED with a reason."""
    in_roles = {label for role in roles.ROLES for label in role.models}
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert registered - in_roles - set(roles.EXCLUDED) == set()
    assert in_roles & set(roles.EXCLUDED) == set()
    # And no role or exclusion names a model that is gone.
    assert (in_roles | set(roles.EXCLUDED)) - registered == set()


def test_every_role_permission_exists():
    for role in roles.ROLES:
        expected = sum(len(actions) for actions in role.models.values())
        assert len(perms_of(role.name)) == expected, role.name


def access_of(user):
    return {entry.surface: entry for entry in roles.api_key_access(user)}


def test_a_key_without_a_role_reads_and_says_why_a_write_is_refused():
    user = UserFactory()
    access = access_of(user)
    assert access["Libredesk"].opened_by and access["Libredesk"].read
    assert access["Libredesk"].writes == []
    assert str(access["Libredesk"]) == "read"
    # The key is a Libredesk credential: accepted there only.
    assert [s for s, entry in access.items() if entry.opened_by] == ["Libredesk"]
    assert not access["LivePerson"].read  # reading reasons takes their view permission


def test_a_status_manager_key_may_write_statuses():
    user = UserFactory()
    user.groups.add(Group.objects.get(name="Status managers"))
    access = access_of(user)
    assert str(access["Libredesk"]) == "read, write conversation statuses (add, change, delete)"
    assert str(access["Rocket.Chat"]) == "read, write custom user statuses (add, change, delete)"
    assert str(access["LivePerson"]) == "no access"


def test_read_only_reads_everything_and_writes_nothing():
    user = UserFactory()
    user.groups.add(Group.objects.get(name="Read-only"))
    access = access_of(user)
    assert all(entry.read and not entry.writes for entry in access.values())


def test_the_role_decides_the_api_write(admin_client):
    """The 403 a new key meets, and the create once its user has the role."""
    user = UserFactory()
    issued = api_key_issue(user=user, actor=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=token_header(issued.api_key, issued.api_secret))
    body = {"name": "Escalated", "category": "open"}
    assert client.get("/api/v1/statuses").status_code == 200
    assert client.post("/api/v1/statuses", body, format="json").status_code == 403
    user.groups.add(Group.objects.get(name="Status managers"))
    # Libredesk answers a create with 200 and the new status.
    created = client.post("/api/v1/statuses", body, format="json")
    assert created.status_code == 200
    assert created.json()["data"]["name"] == "Escalated"


def test_the_user_page_shows_roles_first_with_their_explanations(admin_client):
    user = UserFactory()
    page = admin_client.get(reverse("admin:auth_user_change", args=[user.pk])).content.decode()
    roles_at, personal_at = page.index(">Roles</h2>"), page.index(">Personal info</h2>")
    assert roles_at < personal_at < page.index("Single permissions (advanced)")
    for role in roles.ROLES:
        assert f"{role.name}: {role.explanation}".replace("'", "&#x27;") in page
    assert 'type="checkbox" name="groups"' in page


def test_the_key_page_and_the_new_key_reply_say_what_it_may_do(admin_client):
    user = UserFactory()
    user.groups.add(Group.objects.get(name="Status managers"))
    issued = api_key_issue(user=user, actor=user)
    page = admin_client.get(reverse("admin:access_apikey_change", args=[issued.record.pk]))
    text = page.content.decode()
    assert "What it may do" in text or "what it may do" in text.lower()
    assert "read, write conversation statuses (add, change, delete)" in text
    reply = admin_client.post(
        reverse("admin:auth_user_generate_api_key", args=[user.pk]),
        {"replaces": issued.api_key},
    )
    assert reply.status_code == 200
    body = reply.content.decode()
    assert "api-secret" in body
    assert "read, write conversation statuses (add, change, delete)" in body


def test_a_key_of_a_user_without_a_role_says_a_write_is_refused(admin_client):
    user = UserFactory()
    issued = api_key_issue(user=user, actor=user)
    page = admin_client.get(reverse("admin:access_apikey_change", args=[issued.record.pk]))
    assert "refused (403 Forbidden)" in page.content.decode()


def test_every_advanced_model_is_in_the_admin():
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert set(roles.ADVANCED) - registered == set()


def test_the_home_lists_advanced_models_apart_for_a_superuser_only(admin_client):
    context = admin_client.get("/admin/").context
    everyday = {m["object_name"].lower() for a in context["everyday_app_list"] for m in a["models"]}
    advanced = {m["object_name"].lower() for a in context["advanced_app_list"] for m in a["models"]}
    assert {"accessattempt", "oauthrefreshtoken", "accountbearer", "memberprofile"} <= advanced
    assert everyday & advanced == set()
    assert {"conversationstatus", "statusreason", "apikey", "user"} <= everyday
    staff = UserFactory(is_staff=True, perms=["access.view_oauthaccesstoken"])
    admin_client.force_login(staff)
    context = admin_client.get("/admin/").context
    assert context["advanced_app_list"] == [] and context["everyday_app_list"] == []
