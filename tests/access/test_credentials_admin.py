"""The admin's credential screens (issue 14, items 9 and 12): django-oauth-toolkit's models
under "Access and credentials" with names a manager reads, protocol internals kept out of
the sidebar, permissions that keep working, and API keys that are never replaced unasked."""

import importlib
import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import AccessToken, Grant, RefreshToken

from access.models import ApiKey, OAuthAccessToken
from access.services import api_key_authenticate, api_key_issue
from tests.conftest import issue_bearer
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SC = "/api/v2/status/"
proxies = importlib.import_module("access.migrations.0005_oauth_proxies")


def app_list(client):
    """{section name: [model names]} of the admin's home page (its "Everything" list)."""
    return {
        app["name"]: [model["name"] for model in app["models"]]
        for app in client.get("/admin/").context["app_list"]
    }


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_oauth2_models_are_grouped_under_access_and_credentials(admin_client):
    sections = app_list(admin_client)
    assert "Django OAuth Toolkit" not in sections
    assert sections["Access and credentials"] == [
        "API keys",
        "Login tokens",
        "OAuth2 access tokens",
        "OAuth2 client apps",
        "OAuth2 refresh tokens",
        "Zendesk API tokens",
    ]
    # The sidebar of every other admin page is the same list.
    sidebar = admin_client.get("/admin/auth/user/").content.decode()
    for hidden in ("Django OAuth Toolkit", "Grants", "Id tokens", "authorization codes"):
        assert hidden not in sidebar
    assert 'href="/admin/access/oauthclientapp/"' in sidebar


def test_protocol_internals_are_hidden_yet_reachable_with_their_permissions(admin_client):
    assert "OAuth2 authorization codes" not in str(app_list(admin_client))
    assert admin_client.get("/admin/access/").status_code == 200
    assert "authorization code" not in admin_client.get("/admin/access/").content.decode()
    for url in ("/admin/access/oauthauthorizationcode/", "/admin/access/oauthidtoken/"):
        assert admin_client.get(url).status_code == 200
    staff = UserFactory(is_staff=True, perms=["access.view_oauthaccesstoken"])
    assert logged_in(staff).get("/admin/access/oauthauthorizationcode/").status_code == 403


def test_proxy_permissions_work_like_any_others():
    staff = UserFactory(is_staff=True, perms=["access.view_oauthaccesstoken"])
    client = logged_in(staff)
    assert app_list(client) == {"Access and credentials": ["OAuth2 access tokens"]}
    assert client.get("/admin/access/oauthaccesstoken/").status_code == 200
    assert client.get("/admin/access/oauthclientapp/").status_code == 403


def test_whoever_could_see_the_toolkits_models_still_can(django_user_model):
    """The migration gives holders of the toolkit's permissions the proxies' ones."""
    old = Permission.objects.get(
        content_type__app_label="oauth2_provider", codename="view_accesstoken"
    )
    new = Permission.objects.get(content_type__app_label="access", codename="view_oauthaccesstoken")
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(old)
    group = Group.objects.create(name="Moderators")
    group.permissions.add(Permission.objects.get(codename="change_application"))
    grouped = UserFactory(is_staff=True)
    grouped.groups.add(group)
    editor = SimpleNamespace(connection=connection)  # all the migration reads of it
    proxies.grant_proxy_permissions(apps, editor)
    proxies.grant_proxy_permissions(apps, editor)  # twice: nothing doubles
    assert list(staff.user_permissions.filter(content_type__app_label="access")) == [new]
    assert set(group.permissions.values_list("codename", flat=True)) == {
        "change_application",
        "change_oauthclientapp",
    }
    staff = django_user_model.objects.get(pk=staff.pk)  # no cached permissions
    assert logged_in(staff).get("/admin/access/oauthaccesstoken/").status_code == 200
    grouped = django_user_model.objects.get(pk=grouped.pk)
    assert logged_in(grouped).get("/admin/access/oauthclientapp/").status_code == 200


def test_revoking_in_the_admin_ends_a_cached_token_at_once(admin_client, oauth_app, settings):
    """The proxies' deletes send signals under the proxy's name; the cache hears them."""
    settings.CREDENTIAL_CACHE_SECONDS = 60
    user = UserFactory(perms=["community.view_status"])
    bearer = issue_bearer(user, oauth_app)
    api = Client(headers={"Authorization": f"Bearer {bearer}"})
    assert api.get(SC).status_code == 200
    assert api.get(SC).status_code == 200  # now from the credential cache
    token = OAuthAccessToken.objects.get(user=user)
    admin_client.post(
        "/admin/access/oauthaccesstoken/",
        {"action": "revoke_tokens", "_selected_action": [token.pk]},
    )
    assert not AccessToken.objects.filter(pk=token.pk).exists()
    assert api.get(SC).status_code == 401


def test_the_user_page_revokes_oauth2_tokens_as_the_toolkit_does(admin_client, oauth_app):
    user = UserFactory(username="agent")
    issue_bearer(user, oauth_app)
    access = AccessToken.objects.get(user=user)
    refresh = RefreshToken.objects.create(
        user=user, application=oauth_app, token="r", access_token=access
    )
    page = f"/admin/auth/user/{user.pk}/change/"
    response = admin_client.get(page)
    data = user_form_data(response, user)
    data["oauth2_provider_accesstoken-0-DELETE"] = "on"
    response = admin_client.post(page, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert not AccessToken.objects.filter(pk=access.pk).exists()
    refresh.refresh_from_db()
    # Its refresh token is revoked too: left alone, it would mint a new access token.
    assert refresh.revoked is not None and refresh.access_token is None


def user_form_data(response, user):
    """The user's change form as the browser would post it back, unchanged."""
    data = {
        "username": user.username,
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "is_active": "on",
    }
    for formset in response.context["inline_admin_formsets"]:
        prefix = formset.formset.prefix
        forms = formset.formset.forms
        data[f"{prefix}-TOTAL_FORMS"] = data[f"{prefix}-INITIAL_FORMS"] = str(len(forms))
        for index, form in enumerate(forms):
            data[f"{prefix}-{index}-id"] = form.instance.pk
            data[f"{prefix}-{index}-user"] = user.pk
    return data


def test_short_lived_grants_never_show_on_the_user_page(admin_client, oauth_app):
    user = UserFactory(username="agent")
    Grant.objects.create(
        user=user,
        application=oauth_app,
        code="c",
        expires=timezone.now() + timedelta(minutes=1),
        redirect_uri="https://example.com/cb",
    )
    html = admin_client.get(f"/admin/auth/user/{user.pk}/change/").content.decode()
    assert "Grant #" not in html and "grant-group" not in html


# --- API keys are never replaced unasked --------------------------------------------------


def test_the_add_form_refuses_a_user_who_has_a_key(admin_client):
    target = UserFactory(username="agent")
    old = api_key_issue(user=target, actor=target)
    response = admin_client.post("/admin/access/apikey/add/", {"user": target.pk})
    html = response.content.decode()
    assert response.status_code == 200 and "api-secret" not in html
    assert "agent already has an API key" in html and "Generate API key" in html
    assert api_key_authenticate(key=old.api_key, secret=old.api_secret) == target


def test_one_revoke_action_and_no_bare_delete(admin_client):
    api_key_issue(user=UserFactory(), actor=None)
    html = admin_client.get("/admin/access/apikey/").content.decode()
    actions = re.findall(r'<option value="(\w+)"', html)
    assert "delete_selected" not in actions
    assert {"regenerate_keys", "revoke_keys"} <= set(actions)
    assert "Generate API key for the selected users" in html


def test_the_action_confirmation_lists_only_the_keys_it_may_replace(admin_user):
    mine = api_key_issue(user=admin_user, actor=admin_user)
    other = UserFactory(username="agent")
    theirs = api_key_issue(user=other, actor=other)
    manager = UserFactory(
        is_staff=True,
        perms=["auth.change_user", "auth.view_user", "access.add_apikey", "access.view_apikey"],
    )
    keys = list(ApiKey.objects.values_list("pk", flat=True))
    asked = logged_in(manager).post(
        "/admin/access/apikey/", {"action": "regenerate_keys", "_selected_action": keys}
    )
    html = asked.content.decode()
    assert theirs.api_key in html and mine.api_key not in html
    assert "Not allowed to make a key for: admin." in html
    assert re.findall(r'name="_selected_action" value="(\d+)"', html) == [
        str(ApiKey.objects.get(user=other).pk)
    ]
