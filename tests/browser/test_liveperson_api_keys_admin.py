"""LivePerson API keys in the admin: a manager (staff, not a superuser) makes a key for an
account they are a member of, clicking in Chromium, copies the four values from the one page
that shows them, and a real OAuth 1.0a client (`requests-oauthlib`) uses them; unticking
*Active* ends the key at once. Another account's keys are neither offered nor shown."""

import pytest
import requests
from django.test import Client
from playwright.sync_api import expect
from requests_oauthlib import OAuth1

from reasons import services
from reasons.models import AccountApiKey, KeyPermission
from tests.factories import AccountFactory, UserFactory

ADD = "/admin/reasons/accountapikey/add/"
LIST = "/admin/reasons/accountapikey/"
PASSWORD = "manager-pass-123"
MANAGER_PERMS = [
    "reasons.add_accountapikey",
    "reasons.view_accountapikey",
    "reasons.change_accountapikey",
    "reasons.delete_accountapikey",
    "reasons.view_statusreason",
    "reasons.add_statusreason",
]
REASONS = "/api/account/acme/configuration/le-agents/status-reasons"


@pytest.fixture
def manager(transactional_db):
    """A staff manager of `acme`, who may read and add reasons; `other` is not theirs."""
    acme = AccountFactory(id="acme", name="Acme")
    AccountFactory(id="other", name="Other desk")
    user = UserFactory(username="manager", is_staff=True, perms=MANAGER_PERMS)
    user.set_password(PASSWORD)
    user.save()
    acme.members.add(user)
    return user


def test_a_manager_makes_a_key_and_its_values_are_shown_once(page, live_server, manager):
    page.goto("/admin/login/")
    page.fill("#id_username", "manager")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")

    page.goto(ADD)
    account = page.get_by_label("Account")
    assert account.locator("option").all_inner_texts() == ["---------", "acme (Acme)"]
    account.select_option(label="acme (Acme)")
    page.get_by_label("Signs in as").select_option(label="manager")
    page.get_by_label("Permission").select_option(label="Read-only (accountConfigReadOnly)")
    page.get_by_label("Description").fill("Nightly export")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator("p.errornote")).to_contain_text("shown only on this page")
    values = [
        page.locator(f"code.{name}").inner_text()
        for name in ("app-key", "app-secret", "access-token", "access-token-secret")
    ]
    assert all(len(value) == 32 for value in values)

    auth = OAuth1(*values)
    url = live_server.url + REASONS
    assert requests.get(url, auth=auth, timeout=10).status_code == 200
    refused = requests.post(url, json={"text": "Lunch", "state": "Away"}, auth=auth, timeout=10)
    assert refused.status_code == 403  # read-only

    # The key's own page shows its public values, never its secrets.
    key = AccountApiKey.objects.get()
    page.goto(f"{LIST}{key.pk}/change/")
    content = page.content()
    assert values[0] in content and values[2] in content
    assert values[1] not in content and values[3] not in content

    # Unticking Active ends it at once.
    page.get_by_label("Active").uncheck()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("ul.messagelist")).to_be_visible()
    assert requests.get(url, auth=OAuth1(*values), timeout=10).status_code == 401


@pytest.mark.django_db
def test_a_manager_cannot_make_or_see_another_accounts_keys():
    acme = AccountFactory(id="acme")
    other = AccountFactory(id="other")
    manager = UserFactory(username="manager", is_staff=True, perms=MANAGER_PERMS)
    acme.members.add(manager)
    outsider = UserFactory(username="outsider")
    other.members.add(outsider)
    theirs = services.api_key_issue(
        account=other, user=outsider, permission=KeyPermission.READ_WRITE, actor=None
    )
    client = Client()
    client.force_login(manager)

    listed = client.get(LIST)
    assert theirs.app_key not in listed.content.decode()
    assert client.get(f"{LIST}{theirs.record.pk}/change/").status_code in (302, 404)

    refused = client.post(
        ADD, {"account": "other", "user": manager.pk, "permission": "read_write", "name": "x"}
    )
    assert refused.status_code == 200  # the form again, with its error
    assert "account" in refused.context["adminform"].form.errors
    # A key of acme that signs in as someone else takes the permission to change users.
    acme.members.add(outsider)
    refused = client.post(
        ADD, {"account": "acme", "user": outsider.pk, "permission": "read_write", "name": "x"}
    )
    assert refused.status_code == 200
    assert "You may not make a key" in refused.content.decode()
    assert AccountApiKey.objects.filter(account=acme).count() == 0

    made = client.post(
        ADD, {"account": "acme", "user": manager.pk, "permission": "read_write", "name": "ok"}
    )
    assert made.status_code == 200
    assert "no-cache" in made["Cache-Control"] or "no-store" in made["Cache-Control"]
    key = AccountApiKey.objects.get(account=acme)
    assert key.created_by == manager and key.app_key in made.content.decode()


@pytest.mark.django_db
def test_the_users_page_lists_the_keys_that_sign_in_as_them():
    acme = AccountFactory(id="acme")
    bot = UserFactory(username="bot")
    acme.members.add(bot)
    live = services.api_key_issue(account=acme, user=bot, permission="read_only", actor=None)
    paused = services.api_key_issue(account=acme, user=bot, permission="read_only", actor=None)
    services.api_key_set_active(key=paused.record, active=False)
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(root)
    html = client.get(f"/admin/auth/user/{bot.pk}/change/").content.decode()
    assert "LivePerson API keys (signing in as this user)" in html
    assert live.app_key in html and paused.app_key not in html
    assert live.secret not in html and live.access_token_secret not in html


def test_the_add_form_and_the_values_page_pass_the_accessibility_audit(audit_page, manager):
    from tests.browser.axe_audit import audit, axe_installed

    axe_path = axe_installed()
    audit_page.goto("/admin/login/")
    audit_page.fill("#id_username", "manager")
    audit_page.fill("#id_password", PASSWORD)
    audit_page.click("input[type=submit]")
    audit_page.wait_for_url("**/admin/")
    audit_page.goto(ADD)
    assert audit(audit_page, "liveperson-key-add", axe_path) == []
    audit_page.get_by_label("Account").select_option(label="acme (Acme)")
    audit_page.get_by_label("Signs in as").select_option(label="manager")
    audit_page.get_by_role("button", name="Save", exact=True).click()
    expect(audit_page.locator("code.app-key")).to_be_visible()
    assert audit(audit_page, "liveperson-key-values", axe_path) == []
