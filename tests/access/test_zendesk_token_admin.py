"""Zendesk API tokens in the admin: made for a user and shown once, listed with their last
use, revoked by deleting (on their own list or on the user's page); permission-checked."""

import re

import pytest
from django.test import Client

from access.models import ZendeskApiToken
from access.services import zendesk_token_find, zendesk_token_issue
from tests.access.test_credentials_admin import user_form_data
from tests.factories import UserFactory
from tests.portal.test_dashboard_and_credentials import credential_rows

pytestmark = pytest.mark.django_db

ADD = "/admin/access/zendeskapitoken/add/"
LIST = "/admin/access/zendeskapitoken/"
ISSUER_PERMS = [
    "auth.change_user",
    "auth.view_user",
    "access.add_zendeskapitoken",
    "access.view_zendeskapitoken",
]


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def shown_token(response):
    """The token the reply shows, or None."""
    found = re.search(r'<code class="zendesk-token">(\w+)</code>', response.content.decode())
    return found and found.group(1)


def test_the_admin_makes_a_token_and_shows_it_once(admin_client):
    agent = UserFactory(username="agent", email="agent@example.com")
    response = admin_client.post(ADD, {"user": agent.pk})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    token = shown_token(response)
    assert token and len(token) == 40
    assert "agent@example.com" in response.content.decode()
    assert zendesk_token_find(email="agent@example.com", token=token).user == agent
    row = ZendeskApiToken.objects.get()
    for page in (LIST, f"{LIST}{row.pk}/change/", f"/admin/auth/user/{agent.pk}/change/"):
        assert token not in admin_client.get(page).content.decode()


def test_a_second_token_leaves_the_first_working(admin_client):
    agent = UserFactory(username="agent", email="agent@example.com")
    first = shown_token(admin_client.post(ADD, {"user": agent.pk}))
    second = shown_token(admin_client.post(ADD, {"user": agent.pk}))
    assert first != second and ZendeskApiToken.objects.count() == 2
    assert zendesk_token_find(email=agent.email, token=first) is not None


def test_the_add_form_refuses_a_user_without_email(admin_client):
    agent = UserFactory(username="agent", email="")
    response = admin_client.post(ADD, {"user": agent.pk})
    assert response.status_code == 200 and shown_token(response) is None
    assert "agent has no email address" in response.content.decode()
    assert not ZendeskApiToken.objects.exists()


def test_making_one_for_another_user_takes_change_user_and_add_token():
    agent = UserFactory(username="agent")
    only_add = UserFactory(
        is_staff=True, perms=["access.add_zendeskapitoken", "access.view_zendeskapitoken"]
    )
    response = logged_in(only_add).post(ADD, {"user": agent.pk})
    assert shown_token(response) is None
    assert "You may not make a Zendesk API token for agent" in response.content.decode()
    issuer = UserFactory(is_staff=True, perms=ISSUER_PERMS)
    assert shown_token(logged_in(issuer).post(ADD, {"user": agent.pk}))
    # Only a superuser makes one for a superuser (the token acts with all its rights).
    boss = UserFactory(username="boss", is_superuser=True, is_staff=True)
    assert shown_token(logged_in(issuer).post(ADD, {"user": boss.pk})) is None
    without_add = UserFactory(is_staff=True, perms=["auth.change_user", "auth.view_user"])
    assert logged_in(without_add).post(ADD, {"user": agent.pk}).status_code == 403
    assert ZendeskApiToken.objects.filter(user=boss).count() == 0
    assert ZendeskApiToken.objects.count() == 1


def test_the_list_shows_user_email_created_and_last_used(admin_client):
    agent = UserFactory(username="agent", email="agent@example.com")
    issued = zendesk_token_issue(user=agent)
    html = admin_client.get(LIST).content.decode()
    assert "agent@example.com" in html and "field-last_used_at" in html
    zendesk_token_find(email=agent.email, token=issued.token)
    html = admin_client.get(LIST).content.decode()
    assert "field-created_at" in html
    row = ZendeskApiToken.objects.get()
    assert row.last_used_at is not None
    # Never edited: the change page has no save button.
    assert 'name="_save"' not in admin_client.get(f"{LIST}{row.pk}/change/").content.decode()


def test_deleting_revokes_at_once_even_when_cached(admin_client, settings):
    from tests.access.test_zendesk_token import token_call

    settings.CREDENTIAL_CACHE_SECONDS = 60
    agent = UserFactory(username="agent", email="agent@example.com")
    issued = zendesk_token_issue(user=agent)
    assert token_call(agent.email, issued.token).status_code == 200
    response = admin_client.post(f"{LIST}{issued.record.pk}/delete/", {"post": "yes"}, follow=False)
    assert response.status_code == 302
    assert not ZendeskApiToken.objects.exists()
    assert token_call(agent.email, issued.token).status_code == 401


def test_deleting_takes_the_delete_permission():
    agent = UserFactory(username="agent")
    issued = zendesk_token_issue(user=agent)
    viewer = UserFactory(is_staff=True, perms=["access.view_zendeskapitoken"])
    response = logged_in(viewer).post(f"{LIST}{issued.record.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert ZendeskApiToken.objects.exists()


def test_the_user_page_lists_and_revokes_the_tokens(admin_client):
    agent = UserFactory(username="agent", email="agent@example.com")
    kept, gone = zendesk_token_issue(user=agent), zendesk_token_issue(user=agent)
    page = f"/admin/auth/user/{agent.pk}/change/"
    response = admin_client.get(page)
    rows = credential_rows(response.content.decode(), "zendesk_api_tokens")
    assert len(rows) == 2
    assert rows[0]["kind"] == "Zendesk API token"
    assert rows[0]["last_used"] == "never" and rows[0]["expires_on"] == "never: until revoked"
    data = user_form_data(response, agent)
    data["email"] = agent.email
    index = [f.instance.pk for f in _formset(response).formset.forms].index(gone.record.pk)
    data[f"zendesk_api_tokens-{index}-DELETE"] = "on"
    response = admin_client.post(page, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert list(ZendeskApiToken.objects.values_list("pk", flat=True)) == [kept.record.pk]


def _formset(response):
    formsets = response.context["inline_admin_formsets"]
    (formset,) = [f for f in formsets if f.formset.prefix == "zendesk_api_tokens"]
    return formset
