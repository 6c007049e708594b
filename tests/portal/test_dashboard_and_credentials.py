"""The admin home grouped by domain, and one credentials page per user."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone
from oauth2_provider.models import AccessToken, RefreshToken

from access.admin import when
from access.models import ApiKey, LoginToken
from access.services import api_key_authenticate, api_key_issue, login_token_issue
from reasons.models import AccountBearer
from reasons.services import account_bearer_issue
from tests.conftest import issue_bearer
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
        rf'<article class="portal-domain" data-surface="{surface}"[^>]*>(.*?)</article>', html, re.S
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
    assert stats(card(html, "Libredesk")) == {"statuses": "7", "custom": "1"}
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
    # GET only asks (the confirmation page); it never makes a key.
    asked = admin_client.get(f"/admin/auth/user/{user.pk}/api-key/")
    assert asked.status_code == 200 and "stops working at once" in asked.content.decode()
    assert ApiKey.objects.get(user=user).key == key
    assert admin_client.put(f"/admin/auth/user/{user.pk}/api-key/").status_code == 405


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


# --- Issue 14, item 9: the credentials page ----------------------------------------------

GENERATE_BUTTON = re.compile(r'<button type="submit" class="generate-api-key">\s*Generate API key')


def generate(client, user, **data):
    return client.post(f"/admin/auth/user/{user.pk}/api-key/", data)


def test_replacing_a_key_asks_first_and_says_the_old_one_dies(admin_client):
    user = UserFactory(username="agent")
    old = api_key_issue(user=user, actor=user)
    # The button on the user page posts without a confirmation: a key exists, so it asks.
    asked = generate(admin_client, user)
    html = asked.content.decode()
    assert asked.status_code == 200 and "api-secret" not in html
    assert "the current key stops working at once" in html and old.api_key in html
    assert f'name="replaces" value="{old.api_key}"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert api_key_authenticate(key=old.api_key, secret=old.api_secret) == user
    # Confirmed for the key the user has: replaced.
    done = generate(admin_client, user, replaces=old.api_key)
    assert "no-store" in done["Cache-Control"]
    secret = re.search(r"class='api-secret'>([A-Za-z0-9]{64})<", done.content.decode()).group(1)
    assert api_key_authenticate(key=old.api_key, secret=old.api_secret) is None
    assert api_key_authenticate(key=ApiKey.objects.get(user=user).key, secret=secret) == user


def test_a_key_made_meanwhile_is_asked_about_again(admin_client):
    user = UserFactory(username="agent")
    first = api_key_issue(user=user, actor=user)
    second = api_key_issue(user=user, actor=user)  # someone else, since the page was shown
    asked = generate(admin_client, user, replaces=first.api_key)
    html = asked.content.decode()
    assert "changed since you asked" in html and second.api_key in html
    assert api_key_authenticate(key=second.api_key, secret=second.api_secret) == user
    # And a page shown before any key existed does not replace one made since.
    asked = generate(admin_client, user, replaces="")
    assert "api-secret" not in asked.content.decode()
    assert api_key_authenticate(key=second.api_key, secret=second.api_secret) == user


def test_one_button_name_and_only_for_whoever_may_use_it(client, admin_client):
    user = UserFactory(username="agent")
    page = f"/admin/auth/user/{user.pk}/change/"
    assert GENERATE_BUTTON.search(admin_client.get(page).content.decode())
    api_key_issue(user=user, actor=user)
    html = admin_client.get(page).content.decode()
    assert GENERATE_BUTTON.search(html) and "Replace API key" not in html
    viewer = UserFactory(is_staff=True, perms=["auth.view_user", "auth.change_user"])
    client.force_login(viewer)
    assert not GENERATE_BUTTON.search(client.get(page).content.decode())
    # Your own key you may always replace.
    assert GENERATE_BUTTON.search(
        client.get(f"/admin/auth/user/{viewer.pk}/change/").content.decode()
    )


def credential_rows(html, prefix):
    group = re.search(rf'id="{prefix}-group">(.*?)</fieldset>', html, re.S).group(1)
    return [
        {
            "kind": re.search(r'<th scope="row"[^>]*>\s*([^<]+?)\s*<', row).group(1),
            **{
                name: re.sub(r"\s+", " ", value).strip()
                for name, value in re.findall(r'<td class="field-(\w+)"[^>]*>(.*?)</td>', row, re.S)
            },
        }
        for row in re.findall(r'<tr class="form-row[^"]*" id="[^"]+">(.*?)</tr>', group, re.S)
    ]


def test_each_credential_shows_kind_client_created_last_used_and_expiry(
    admin_client, settings, oauth_app
):
    settings.LOGIN_TOKEN_TTL_DAYS = 90
    user = UserFactory(username="agent")
    api_key_issue(user=user, actor=user)
    login_token_issue(user=user, user_agent="rocketchat-py/1.0")
    issue_bearer(user, oauth_app)
    RefreshToken.objects.create(
        user=user, application=oauth_app, token="r1", access_token=AccessToken.objects.get()
    )
    html = admin_client.get(f"/admin/auth/user/{user.pk}/change/").content.decode()
    assert "RefreshToken #" not in html and "AccessToken #" not in html
    columns = {"kind", "client", "created_on", "last_used", "expires_on"}
    (api_key,) = credential_rows(html, "api_key")
    assert columns <= api_key.keys() and api_key["kind"] == "Libredesk API key"
    assert api_key["last_used"] == "never" and api_key["expires_on"].startswith("never")
    (token,) = credential_rows(html, "login_tokens")
    assert token["kind"] == "Rocket.Chat login token" and token["client"] == "rocketchat-py/1.0"
    expected = user.login_tokens.get().created_at + timedelta(days=90)
    assert token["expires_on"] == when(expected) and token["last_used"] == "never"
    (access,) = credential_rows(html, "oauth2_provider_accesstoken")
    assert access["kind"] == "SelfCommunity OAuth2 access token" and access["client"] == "tests"
    (refresh,) = credential_rows(html, "oauth2_provider_refreshtoken")
    assert refresh["kind"] == "SelfCommunity OAuth2 refresh token"
    assert access["expires_on"] == when(AccessToken.objects.get().expires)
    # django-oauth-toolkit refuses a refresh token this long after its access token expires.
    lifetime = timedelta(seconds=settings.OAUTH2_PROVIDER["REFRESH_TOKEN_EXPIRE_SECONDS"])
    assert refresh["client"] == "tests"
    assert refresh["expires_on"] == when(AccessToken.objects.get().expires + lifetime)
    for row in (api_key, token, access, refresh):
        assert re.search(r"\d{4}", row["created_on"]), row


def test_the_page_lists_working_credentials_only(admin_client, oauth_app, settings):
    user = UserFactory(username="agent")
    login_token_issue(user=user, user_agent="old-phone")
    LoginToken.objects.update(
        created_at=timezone.now() - timedelta(days=settings.LOGIN_TOKEN_TTL_DAYS + 1)
    )
    login_token_issue(user=user, user_agent="new-phone")
    expired = AccessToken.objects.create(
        user=user, application=oauth_app, token="gone", expires=timezone.now() - timedelta(hours=1)
    )
    RefreshToken.objects.create(
        user=user, application=oauth_app, token="used", revoked=timezone.now()
    )
    RefreshToken.objects.create(user=user, application=oauth_app, token="orphan")
    html = admin_client.get(f"/admin/auth/user/{user.pk}/change/").content.decode()
    assert [row["client"] for row in credential_rows(html, "login_tokens")] == ["new-phone"]
    assert credential_rows(html, "oauth2_provider_accesstoken") == []
    assert credential_rows(html, "oauth2_provider_refreshtoken") == []
    assert "No SelfCommunity OAuth2 refresh tokens." in html
    assert AccessToken.objects.filter(pk=expired.pk).exists()  # shown or not, not deleted


def test_revoke_checkboxes_are_named_by_their_row(admin_client):
    user = UserFactory(username="agent")
    login_token_issue(user=user, user_agent="rocketchat-py/1.0")
    html = admin_client.get(f"/admin/auth/user/{user.pk}/change/").content.decode()
    box = re.search(r'<input type="checkbox" name="login_tokens-0-DELETE"[^>]*>', html).group(0)
    labelled_by = re.search(r'aria-labelledby="([^"]+)"', box).group(1).split()
    assert labelled_by == [
        "login_tokens-revoke",
        "login_tokens-0-kind",
        "login_tokens-0-client",
        "login_tokens-0-created_on",
    ]
    for element in labelled_by:
        assert f'id="{element}"' in html


# --- Issue 14, accessibility: the dashboard ------------------------------------------------


def test_dashboard_cards_name_their_product_in_the_heading_and_links(admin_client):
    html = admin_client.get("/admin/").content.decode()
    libredesk = card(html, "Libredesk")
    assert re.search(
        r'<h2 id="domain-libredesk"><span class="surface">Libredesk<span class="visually-hidden">'
        r":</span></span> Helpdesk conversation statuses</h2>",
        libredesk,
    )
    links = re.findall(
        r'<a href="[^"]+" aria-describedby="([^"]+)">([^<]+)<span class="visually'
        r'-hidden"> \(([^)]+)\)</span></a>',
        libredesk,
    )
    assert links and all(d == "domain-libredesk" and s == "Libredesk" for d, _, s in links)
    assert "minmax(min(17rem, 100%), 1fr)" in html
