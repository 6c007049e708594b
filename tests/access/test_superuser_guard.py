"""Only a superuser makes, changes or deletes a superuser in the user admin: a manager with
`auth.change_user` can neither tick "Superuser status" nor take over a superuser."""

from django.test import Client

from tests.access.test_credentials_admin import user_form_data
from tests.factories import UserFactory

MANAGER_PERMS = ["auth.view_user", "auth.change_user", "auth.delete_user"]


def manager_client():
    manager = UserFactory(username="manager1", is_staff=True, perms=MANAGER_PERMS)
    client = Client()
    client.force_login(manager)
    return client, manager


def test_a_manager_cannot_make_anyone_a_superuser(db):
    client, manager = manager_client()
    colleague = UserFactory(username="colleague", is_staff=True)
    # The manager last: posting their own form without their single permissions drops them.
    for target in (colleague, manager):
        url = f"/admin/auth/user/{target.pk}/change/"
        page = client.get(url)
        assert page.status_code == 200
        assert 'name="is_superuser"' not in page.content.decode()
        data = {**user_form_data(page, target), "is_staff": "on", "is_superuser": "on"}
        assert client.post(url, data).status_code == 302
        target.refresh_from_db()
        assert target.is_superuser is False


def test_a_manager_cannot_change_delete_or_reset_a_superuser(db):
    client, _manager = manager_client()
    boss = UserFactory(username="boss9", is_staff=True, is_superuser=True)
    url = f"/admin/auth/user/{boss.pk}/"
    assert client.get(f"{url}change/").status_code == 200  # viewing is fine
    assert client.post(f"{url}change/", {"username": "taken-over"}).status_code == 403
    assert client.post(f"{url}password/", {"password1": "x", "password2": "x"}).status_code == 403
    assert client.post(f"{url}delete/", {"post": "yes"}).status_code == 403
    boss.refresh_from_db()
    assert boss.username == "boss9"


def test_a_superuser_still_can(db):
    boss = UserFactory(username="boss10", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(boss)
    colleague = UserFactory(username="colleague2", is_staff=True)
    url = f"/admin/auth/user/{colleague.pk}/change/"
    page = client.get(url)
    assert 'name="is_superuser"' in page.content.decode()
    data = {**user_form_data(page, colleague), "is_staff": "on", "is_superuser": "on"}
    assert client.post(url, data).status_code == 302
    colleague.refresh_from_db()
    assert colleague.is_superuser is True
