"""The admin home grouped by domain, and one credentials page per user."""

import re

import pytest
from django.contrib.auth.models import Permission

from access.models import ApiKey, LoginToken
from access.services import api_key_authenticate, api_key_issue, login_token_issue
from reasons.models import AccountBearer
from reasons.services import account_bearer_issue
from tests.factories import (
    AccountFactory,
    ConversationStatusFactory,
    StatusReasonFactory,
    UserFactory,
    UserStatusFactory,
)

pytestmark = pytest.mark.django_db


def card(html, surface):
    match = re.search(
        rf'<article class="portal-domain" data-surface="{surface}">(.*?)</article>', html, re.S
    )
    assert match, f"no {surface} card"
    return match.group(1)


def stats(card_html):
    return dict(re.findall(r"<dt>([^<]+)</dt><dd>(\d+)</dd>", card_html))


def test_dashboard_groups_counts_by_domain(admin_client):
    ConversationStatusFactory()
    UserStatusFactory(status_type="busy")
    UserStatusFactory(status_type="away")
    acme = AccountFactory(id="acme")
    StatusReasonFactory(account=acme, enabled=False)
    StatusReasonFactory(account=acme, deleted=True)
    html = admin_client.get("/admin/").content.decode()
    assert stats(card(html, "Libredesk")) == {"statuses": "5", "custom": "1"}
    assert stats(card(html, "Rocket.Chat"))["custom statuses"] == "2"
    assert stats(card(html, "Rocket.Chat"))["Busy"] == "1"
    assert stats(card(html, "LivePerson")) == {
        "accounts": "1",
        "reasons": "1",
        "disabled": "1",
        "deleted": "1",
    }
    assert 'href="/admin/statuses/conversationstatus/add/"' in card(html, "Libredesk")
    assert 'href="/admin/reasons/statusreason/import/"' in card(html, "LivePerson")
    assert "SelfCommunity" in html


def test_dashboard_links_follow_permissions(client):
    user = UserFactory(is_staff=True, perms=["statuses.view_conversationstatus"])
    client.force_login(user)
    html = client.get("/admin/").content.decode()
    libredesk = card(html, "Libredesk")
    assert 'href="/admin/statuses/conversationstatus/"' in libredesk
    assert "/add/" not in libredesk and "/import/" not in libredesk
    # No card, and so no counts, for domains the manager may not look at.
    assert 'data-surface="LivePerson"' not in html
    assert 'data-surface="Rocket.Chat"' not in html


def test_user_page_lists_and_revokes_every_credential(admin_client):
    user = UserFactory(username="agent")
    account = AccountFactory(id="acme")
    account.members.add(user)
    api_key_issue(user=user, actor=user)
    login_token_issue(user=user, user_agent="rocketchat-py")
    account_bearer_issue(account_id="acme", username="agent", password="pw-secret-123")
    page = f"/admin/auth/user/{user.pk}/change/"
    response = admin_client.get(page)
    html = response.content.decode()
    assert "Libredesk API key" in html and user.api_key.key in html
    assert "Rocket.Chat login tokens" in html and "rocketchat-py" in html
    assert "LivePerson bearers" in html and "acme" in html
    assert "SelfCommunity OAuth2 access tokens" in html

    # Revoke everything through the inline formsets, as a manager ticking "delete".
    form = response.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        username=user.username,
        date_joined_0=user.date_joined.strftime("%Y-%m-%d"),
        date_joined_1=user.date_joined.strftime("%H:%M:%S"),
        is_active="on",
    )
    data.pop("password", None)
    data.pop("groups", None)
    data.pop("user_permissions", None)
    data.pop("last_login", None)
    data.pop("date_joined", None)
    for formset in response.context["inline_admin_formsets"]:
        prefix = formset.formset.prefix
        forms = formset.formset.forms
        data[f"{prefix}-TOTAL_FORMS"] = str(len(forms))
        data[f"{prefix}-INITIAL_FORMS"] = str(len(forms))
        for i, inline_form in enumerate(forms):
            data[f"{prefix}-{i}-id"] = inline_form.instance.pk
            data[f"{prefix}-{i}-user"] = user.pk
            data[f"{prefix}-{i}-DELETE"] = "on"
    response = admin_client.post(page, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert not ApiKey.objects.filter(user=user).exists()
    assert not LoginToken.objects.filter(user=user).exists()
    assert not AccountBearer.objects.filter(user=user).exists()


def test_generate_api_key_from_the_user_page_shows_secret_once(admin_client):
    user = UserFactory(username="agent")
    response = admin_client.post(f"/admin/auth/user/{user.pk}/api-key/")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    html = response.content.decode()
    secret = re.search(r"class='api-secret'>([A-Za-z0-9]{64})<", html).group(1)
    key = re.search(r"class='api-key'>([A-Za-z0-9]{32})<", html).group(1)
    assert api_key_authenticate(key=key, secret=secret) == user
    reloaded = admin_client.get(f"/admin/auth/user/{user.pk}/change/").content.decode()
    assert secret not in reloaded and key in reloaded
    assert admin_client.get(f"/admin/auth/user/{user.pk}/api-key/").status_code == 405


def test_generate_api_key_needs_permission(client):
    manager = UserFactory(is_staff=True, perms=["auth.view_user", "auth.change_user"])
    target = UserFactory()
    client.force_login(manager)
    assert client.post(f"/admin/auth/user/{target.pk}/api-key/").status_code == 403
    assert not ApiKey.objects.filter(user=target).exists()
    manager.user_permissions.add(Permission.objects.get(codename="add_apikey"))
    client.force_login(manager)
    assert client.post(f"/admin/auth/user/{target.pk}/api-key/").status_code == 200
    assert ApiKey.objects.filter(user=target).exists()


def test_liveperson_counts_cover_only_the_managers_accounts(client):
    acme, other = AccountFactory(id="acme"), AccountFactory(id="other")
    StatusReasonFactory(account=acme)
    StatusReasonFactory(account=acme, enabled=False)
    StatusReasonFactory(account=other)
    StatusReasonFactory(account=other, deleted=True)
    manager = UserFactory(is_staff=True, perms=["reasons.view_statusreason"])
    client.force_login(manager)
    html = client.get("/admin/").content.decode()
    nothing = {"accounts": "0", "reasons": "0", "disabled": "0", "deleted": "0"}
    assert stats(card(html, "LivePerson")) == nothing  # a member of no account
    acme.members.add(manager)
    html = client.get("/admin/").content.decode()
    assert stats(card(html, "LivePerson")) == {
        "accounts": "1",
        "reasons": "2",
        "disabled": "1",
        "deleted": "0",
    }
