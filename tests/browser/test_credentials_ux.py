"""A user's credentials page in a real browser (issue 14, items 9 and 12): the one
"Generate API key" button, styled as the page's other tools, asking before it ends a key;
every credential shown with its kind, client, dates and expiry; the toolkit's OAuth2
models under "Access and credentials"."""

import re

from django.test import Client
from oauth2_provider.models import AccessToken, Application, RefreshToken
from playwright.sync_api import expect

from access.services import api_key_authenticate, api_key_issue, login_token_issue

PASSWORD = "manager-pass-123"


def oauth_pair(user):
    """An access and refresh token for `user`, from the real token endpoint."""
    Application.objects.get_or_create(
        client_id="front-end",
        defaults={
            "name": "Community front end",
            "client_secret": "front-end-secret",
            "client_type": Application.CLIENT_CONFIDENTIAL,
            "authorization_grant_type": Application.GRANT_PASSWORD,
        },
    )
    reply = Client().post(
        "/oauth/token/",
        {
            "grant_type": "password",
            "username": user.username,
            "password": PASSWORD,
            "client_id": "front-end",
            "client_secret": "front-end-secret",
        },
    )
    assert reply.status_code == 200, reply.content
    return reply.json()


def test_the_button_is_styled_as_the_other_tools(login, manager):
    page = login()
    page.goto(f"/admin/auth/user/{manager.pk}/change/")
    button = page.get_by_role("button", name="Generate API key")
    history = page.locator(".object-tools a.historylink")
    style = """e => {
        const s = getComputedStyle(e);
        return [s.backgroundColor, s.color, s.fontSize, s.textTransform, s.borderRadius];
    }"""
    assert button.evaluate(style) == history.evaluate(style)
    assert button.bounding_box()["height"] >= 24
    # One name everywhere: no "Replace API key", with or without a key.
    api_key_issue(user=manager, actor=manager)
    page.reload()
    expect(page.get_by_role("button", name="Generate API key")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("Replace API key")


def test_replacing_a_key_asks_first_and_going_back_keeps_it(login, manager):
    old = api_key_issue(user=manager, actor=manager)
    page = login()
    page.goto(f"/admin/auth/user/{manager.pk}/change/")
    page.get_by_role("button", name="Generate API key").click()
    expect(page.locator("h1")).to_have_text("Generate API key")
    main = page.locator("#content-main")
    expect(main).to_contain_text("the current key stops working at once")
    expect(main).to_contain_text(old.api_key)
    # Nothing happened yet: the old key still works.
    assert api_key_authenticate(key=old.api_key, secret=old.api_secret) == manager
    page.get_by_role("link", name="No, take me back").click()
    page.wait_for_url(f"**/admin/auth/user/{manager.pk}/change/")
    assert api_key_authenticate(key=old.api_key, secret=old.api_secret) == manager

    page.get_by_role("button", name="Generate API key").click()
    page.get_by_role("button", name="Yes, generate API key").click()
    secret = page.locator("code.api-secret")
    expect(secret).to_have_text(re.compile(r"^[A-Za-z0-9]{64}$"))
    new_key = page.locator("code.api-key").inner_text()
    assert api_key_authenticate(key=new_key, secret=secret.inner_text()) == manager
    assert api_key_authenticate(key=old.api_key, secret=old.api_secret) is None


def test_every_credential_shows_kind_client_dates_and_expiry(login, manager):
    api_key_issue(user=manager, actor=manager)
    login_token_issue(user=manager, user_agent="rocketchat-py/1.0")
    oauth_pair(manager)
    page = login()
    page.goto(f"/admin/auth/user/{manager.pk}/change/")
    expect(page.locator("body")).not_to_contain_text(re.compile(r"(Access|Refresh)Token #\d"))
    expected = {
        "api_key": ("Libredesk API key", "any client with the key and its secret"),
        "login_tokens": ("Rocket.Chat login token", "rocketchat-py/1.0"),
        "oauth2_provider_accesstoken": ("SelfCommunity OAuth2 access token", "Community front end"),
        "oauth2_provider_refreshtoken": (
            "SelfCommunity OAuth2 refresh token",
            "Community front end",
        ),
    }
    for prefix, (kind, client) in expected.items():
        table = page.locator(f"#{prefix}-group table")
        headers = [h.strip().lower() for h in table.locator("thead th").all_inner_texts()]
        for column in ("kind", "client", "created", "last used", "expires", "revoke"):
            assert column in headers, (prefix, headers)
        row = table.locator("tbody tr").first
        expect(row.get_by_role("rowheader")).to_have_text(kind)
        expect(row.locator("td.field-client")).to_have_text(client)
        expect(row.locator("td.field-created_on")).to_have_text(re.compile(r"\d{4}"))
        expect(row.locator("td.field-expires_on")).not_to_be_empty()
        expect(row.locator("td.field-last_used")).not_to_be_empty()


def test_revoking_an_oauth2_access_token_takes_its_refresh_token_along(login, manager):
    oauth_pair(manager)
    page = login()
    page.goto(f"/admin/auth/user/{manager.pk}/change/")
    page.get_by_role(
        "checkbox", name=re.compile("Revoke SelfCommunity OAuth2 access token Community")
    ).check()
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert not AccessToken.objects.filter(user=manager).exists()
    # Revoked, not deleted and left working (django-oauth-toolkit's own revocation).
    assert RefreshToken.objects.get(user=manager).revoked is not None
    expect(page.locator("#oauth2_provider_refreshtoken-group")).to_contain_text(
        "No SelfCommunity OAuth2 refresh tokens."
    )


def test_oauth2_models_sit_under_access_and_credentials(login):
    page = login()
    page.goto("/admin/auth/user/")  # the sidebar is on every page but the home page
    sidebar = page.locator("#nav-sidebar")
    section = sidebar.locator("caption", has_text="Access and credentials").locator("xpath=..")
    for name in ("OAuth2 client apps", "OAuth2 access tokens", "OAuth2 refresh tokens"):
        expect(section.get_by_role("link", name=name, exact=True)).to_be_visible()
    for hidden in ("Django OAuth Toolkit", "Grants", "Id tokens", "Refresh tokens"):
        expect(sidebar.get_by_text(hidden, exact=True)).to_have_count(0)
    expect(page.locator("body")).not_to_contain_text("authorization codes")
    section.get_by_role("link", name="OAuth2 access tokens", exact=True).click()
    expect(page.locator("h1")).to_have_text("Select OAuth2 access token to change")
    expect(page.locator(".breadcrumbs")).to_contain_text("Access and credentials")
