"""Accessibility of every page the project templates itself (docs/accessibility.md).

axe-core (WCAG 2.0/2.1 A and AA, and best practice) runs in a real Chromium on: the landing
page, the OAuth sign-in (blank, with a wrong password, with an empty field) and the OAuth
Authorize page (django-oauth-toolkit's, templated over), the admin
dashboard, a user's credentials page, the API-key confirmation and secret pages, the API
keys' action confirmation, the client-credentials form and secret pages, and the reasons
list. Any violation in our markup fails; the violations of Django's own widgets are listed
once, in tests/browser/axe_audit.py.

Beyond axe: landmarks, errors tied to their fields, the dashboard's repeated links told
apart by their card, cards that fit a 280 px screen, targets of at least 24 px, and the
credentials page and dashboard used with the keyboard alone.
"""

import re

import pytest
from django.test import Client
from oauth2_provider.models import Application
from playwright.sync_api import expect

from access.models import ApiKey
from access.services import (
    api_key_authenticate,
    api_key_issue,
    login_token_issue,
    oauth_client_issue,
)
from reasons.services import account_bearer_issue
from tests.browser.axe_audit import audit, axe_installed
from tests.factories import AccountFactory, StatusReasonFactory

PASSWORD = "manager-pass-123"


@pytest.fixture(scope="session")
def axe_path():
    return axe_installed()


@pytest.fixture
def portal(manager):
    """A manager in one account, holding one credential of every kind."""
    acme = AccountFactory(id="acme", name="Acme")
    acme.members.add(manager)
    for text in ("Lunch", "Training", "Coaching"):
        StatusReasonFactory(account=acme, text=text)
    api_key_issue(user=manager, actor=manager)
    login_token_issue(user=manager, user_agent="rocketchat-py/1.0")
    account_bearer_issue(account_id="acme", username="manager", password=PASSWORD)
    Application.objects.create(
        name="Community front end",
        client_id="front-end",
        client_secret="front-end-secret",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_PASSWORD,
    )
    reply = Client().post(
        "/oauth/token/",
        {
            "grant_type": "password",
            "username": "manager",
            "password": PASSWORD,
            "client_id": "front-end",
            "client_secret": "front-end-secret",
        },
    )
    assert reply.status_code == 200, reply.content
    oauth_client_issue(name="Genesys Cloud", user=manager)  # a client-credentials client
    return manager


def sign_in(page):
    page.goto("/admin/login/")
    page.fill("#id_username", "manager")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


def assert_no_violations(page, name, axe_path):
    violations = audit(page, name, axe_path)
    assert violations == [], f"axe on {name} ({page.url}):\n" + "\n".join(map(str, violations))


# --- axe on every page we template -------------------------------------------------------


def test_landing_page(audit_page, axe_path):
    audit_page.goto("/")
    assert_no_violations(audit_page, "landing", axe_path)


def test_oauth_sign_in_blank_and_with_errors(audit_page, axe_path, manager):
    audit_page.goto("/oauth/login/")
    assert_no_violations(audit_page, "oauth sign-in", axe_path)
    audit_page.fill("#id_username", "manager")
    audit_page.fill("#id_password", "wrong password")
    audit_page.click("button[type=submit]")
    expect(audit_page.locator("[role=alert]")).to_be_visible()
    assert_no_violations(audit_page, "oauth sign-in with errors", axe_path)
    audit_page.eval_on_selector("form", "form => { form.noValidate = true; }")
    audit_page.fill("#id_password", "")
    audit_page.click("button[type=submit]")
    expect(audit_page.locator("#id_password-errors")).to_be_visible()
    assert_no_violations(audit_page, "oauth sign-in with an empty field", axe_path)


def test_dashboard(audit_page, axe_path, portal):
    sign_in(audit_page)
    assert_no_violations(audit_page, "dashboard", axe_path)


def test_credentials_page_and_generate_api_key(audit_page, axe_path, portal):
    sign_in(audit_page)
    audit_page.goto(f"/admin/auth/user/{portal.pk}/change/")
    assert_no_violations(audit_page, "credentials", axe_path)
    audit_page.click("button.generate-api-key")
    expect(audit_page.locator("h1")).to_have_text("Generate API key")
    assert_no_violations(audit_page, "generate api key confirmation", axe_path)
    audit_page.click("input[type=submit]")
    expect(audit_page.locator("code.api-secret")).to_be_visible()
    assert_no_violations(audit_page, "new api key", axe_path)


def test_issue_client_credentials(audit_page, axe_path, portal):
    sign_in(audit_page)
    audit_page.goto(f"/admin/auth/user/{portal.pk}/change/")
    audit_page.click("a.issue-client-credentials")
    expect(audit_page.locator("h1")).to_have_text("Issue client credentials")
    audit_page.click("input[type=submit]")  # blank: the error is tied to its field
    expect(audit_page.locator(".errorlist")).to_be_visible()
    assert_no_violations(audit_page, "issue client credentials with an error", axe_path)
    audit_page.fill("#id_name", "Nightly export")
    audit_page.click("input[type=submit]")
    expect(audit_page.locator("code.client-secret")).to_be_visible()
    assert_no_violations(audit_page, "new client credentials", axe_path)


def test_api_key_action_confirmation(audit_page, axe_path, portal):
    sign_in(audit_page)
    audit_page.goto("/admin/access/apikey/")
    audit_page.check("input[name=_selected_action]")
    audit_page.select_option("select[name=action]", "regenerate_keys")
    audit_page.click("button[name=index]")
    expect(audit_page.locator("h1")).to_have_text("Generate API key")
    assert_no_violations(audit_page, "api key action confirmation", axe_path)


def test_reasons_list(audit_page, axe_path, portal):
    """The order inputs need a label each (reasons/admin.py)."""
    sign_in(audit_page)
    audit_page.goto("/admin/reasons/statusreason/?account__id__exact=acme")
    expect(audit_page.locator("#result_list")).to_be_visible()
    assert_no_violations(audit_page, "reasons list", axe_path)


# --- landmarks, errors, cards, targets ----------------------------------------------------


@pytest.mark.parametrize("url", ["/", "/oauth/login/"])
def test_one_main_landmark(page, url):
    page.goto(url)
    expect(page.get_by_role("main")).to_have_count(1)
    expect(page.get_by_role("main").get_by_role("heading", level=1)).to_be_visible()


def test_a_wrong_password_is_tied_to_both_fields(page, manager):
    page.goto("/oauth/login/")
    page.fill("#id_username", "manager")
    page.fill("#id_password", "wrong password")
    page.click("button[type=submit]")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Please enter a correct username and password")
    assert page.title().startswith("Error:")
    for field in ("#id_username", "#id_password"):
        expect(page.locator(field)).to_have_attribute("aria-invalid", "true")
        expect(page.locator(field)).to_have_accessible_description(
            re.compile("Please enter a correct username and password")
        )
    # What was typed stays (the username, never the password), and focus is not stolen.
    expect(page.locator("#id_username")).to_have_value("manager")
    expect(page.locator("#id_password")).to_have_value("")


def test_an_empty_field_says_so_on_that_field_alone(page, manager):
    page.goto("/oauth/login/")
    page.fill("#id_username", "manager")
    # The browser's own `required` check would stop the form first; the server's must hold.
    page.eval_on_selector("form", "form => { form.noValidate = true; }")
    page.click("button[type=submit]")
    password = page.locator("#id_password")
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(password).to_have_accessible_description("This field is required.")
    expect(page.locator("#id_username")).not_to_have_attribute("aria-invalid", "true")


def test_dashboard_links_are_told_apart_by_their_card(login):
    page = login()
    cards = page.locator("article.portal-domain")
    names = []
    for index in range(cards.count()):
        card = cards.nth(index)
        surface = card.get_attribute("data-surface")
        heading = card.get_by_role("heading", level=2)
        expect(heading).to_contain_text(surface)  # the product is in the heading
        expect(card).to_have_accessible_name(re.compile(re.escape(surface)))
        heading_text = heading.inner_text().replace("\n", " ").strip()
        links = card.get_by_role("link")
        for number in range(links.count()):
            link = links.nth(number)
            names.append(link.evaluate("a => a.textContent.trim()"))
            expect(link).to_have_accessible_name(re.compile(rf"\({re.escape(surface)}\)$"))
            expect(link).to_have_accessible_description(
                re.compile(re.escape(heading_text.split(" ", 1)[-1]))
            )
    assert "Add a status (Libredesk)" in names and "Add a status (Rocket.Chat)" in names
    assert len(names) == len(set(names)), names


def test_dashboard_cards_fit_a_280_px_screen(login):
    page = login()
    page.set_viewport_size({"width": 280, "height": 800})
    grid = page.locator("section.portal-domains")
    grid_box = grid.bounding_box()
    assert grid.evaluate("grid => grid.scrollWidth <= grid.clientWidth")
    cards = page.locator("article.portal-domain")
    for index in range(cards.count()):
        box = cards.nth(index).bounding_box()
        assert box["x"] >= grid_box["x"] - 0.5
        assert box["x"] + box["width"] <= grid_box["x"] + grid_box["width"] + 0.5


def boxes_at_least_24_px(locator):
    sizes = [locator.nth(i).bounding_box() for i in range(locator.count())]
    assert sizes, "nothing to measure"
    small = [box for box in sizes if box["height"] < 24 or box["width"] < 24]
    assert small == [], small


def test_targets_are_at_least_24_px(login, manager):
    page = login()
    boxes_at_least_24_px(page.locator("article.portal-domain li a"))
    page.goto(f"/admin/auth/user/{manager.pk}/change/")
    boxes_at_least_24_px(page.locator(".object-tools a, .object-tools button"))
    page.click("button.generate-api-key")  # no key yet: made at once
    page.goto(f"/admin/auth/user/{manager.pk}/change/")
    page.click("button.generate-api-key")  # now it asks
    boxes_at_least_24_px(
        page.locator("#content-main input[type=submit], #content-main .cancel-link")
    )
    page.goto("/")
    boxes_at_least_24_px(page.locator("main a"))
    page.goto("/oauth/login/")
    boxes_at_least_24_px(page.locator("main input:not([type=hidden]), main button"))


# --- the keyboard alone -------------------------------------------------------------------


def tab_to(page, selector, limit=150):
    """Press Tab until `selector` has the focus; fail if it never gets it."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"{selector} never got the focus with Tab")


def test_generate_api_key_with_the_keyboard_alone(login, manager):
    old = api_key_issue(user=manager, actor=manager)
    page = login()
    page.goto(f"/admin/auth/user/{manager.pk}/change/")
    tab_to(page, "button.generate-api-key")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Generate API key")
    expect(page.locator("#content-main")).to_contain_text("stops working at once")
    tab_to(page, "#content-main input[type=submit]")
    page.keyboard.press("Enter")
    secret = page.locator("code.api-secret")
    expect(secret).to_have_text(re.compile(r"^[A-Za-z0-9]{64}$"))
    key = page.locator("code.api-key").inner_text()
    assert api_key_authenticate(key=key, secret=secret.inner_text()) == manager
    assert api_key_authenticate(key=old.api_key, secret=old.api_secret) is None


def test_dashboard_links_with_the_keyboard_alone(login):
    page = login()
    tab_to(page, 'article[data-surface="Libredesk"] a[href$="/conversationstatus/add/"]')
    page.keyboard.press("Enter")
    page.wait_for_url("**/admin/statuses/conversationstatus/add/")


def test_revoke_a_credential_with_the_keyboard_alone(login, manager):
    login_token_issue(user=manager, user_agent="rocketchat-py/1.0")
    api_key_issue(user=manager, actor=manager)
    page = login()
    page.goto(f"/admin/auth/user/{manager.pk}/change/")
    revoke = page.get_by_role("checkbox", name=re.compile("Revoke Libredesk API key"))
    tab_to(page, "#id_api_key-0-DELETE")
    page.keyboard.press("Space")
    expect(revoke).to_be_checked()
    tab_to(page, "input[name=_continue]")
    page.keyboard.press("Enter")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert not ApiKey.objects.filter(user=manager).exists()
    expect(page.locator("#login_tokens-group")).to_contain_text("rocketchat-py/1.0")


def test_oauth_authorize_page(audit_page, axe_path, manager):
    """django-oauth-toolkit's Authorize page, which the project templates over
    (templates/oauth2_provider/): a title, one <main>, a level-one heading."""
    application = Application.objects.create(
        name="Community front end",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris="https://client.example/callback",
    )
    audit_page.goto("/oauth/login/")
    audit_page.fill("#id_username", "manager")
    audit_page.fill("#id_password", PASSWORD)
    audit_page.click("button[type=submit]")
    audit_page.goto(
        "/oauth/authorize/?response_type=code&client_id="
        f"{application.client_id}&redirect_uri=https://client.example/callback"
        "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        "&code_challenge_method=S256&scope=read&state=xyz"
    )
    expect(audit_page.locator("h1")).to_have_text("Authorise Community front end?")
    assert audit_page.title().startswith("Authorise Community front end")
    assert_no_violations(audit_page, "oauth authorize", axe_path)
    audit_page.goto("/oauth/authorize/?response_type=code&client_id=nobody")
    assert_no_violations(audit_page, "oauth authorize error", axe_path)
