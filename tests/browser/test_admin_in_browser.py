"""End-to-end: a support manager in a real browser."""

import re

from playwright.sync_api import expect
from rest_framework.test import APIClient

from reasons.models import Account, StatusReason
from reasons.services import account_bearer_issue
from statuses.models import ConversationStatus, UserStatus


def test_login_shows_the_domain_dashboard(login):
    page = login()
    expect(page.locator("h1")).to_contain_text("Dashboard")
    for surface in ["Libredesk", "Rocket.Chat", "LivePerson", "SelfCommunity"]:
        expect(page.locator(f'article[data-surface="{surface}"]')).to_be_visible()


def test_create_status_and_refuse_duplicate(login):
    page = login()
    page.goto("/admin/statuses/conversationstatus/add/")
    page.fill("#id_name", "Escalated")
    page.select_option("#id_status_category", "open")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    assert ConversationStatus.objects.filter(name="Escalated").exists()

    page.goto("/admin/statuses/conversationstatus/add/")
    page.fill("#id_name", "ESCALATED")
    page.select_option("#id_status_category", "pending")
    page.click("input[name=_save]")
    expect(page.locator(".errornote, .errorlist").first).to_be_visible()
    expect(page.locator("body")).to_contain_text(
        "A conversation status with this name already exists."
    )
    assert ConversationStatus.objects.filter(name__iexact="escalated").count() == 1


def test_make_default_from_the_list(login):
    # The live server's tests flush the database: the category's default is made here.
    current = ConversationStatus.objects.create(
        name="Open", status_category="open", category="open", is_default=True,
        is_category_default=True,
    )  # fmt: skip
    chosen = ConversationStatus.objects.create(
        name="Escalated", status_category="open", category="open"
    )
    page = login()
    page.goto("/admin/statuses/conversationstatus/")
    open_count = page.locator('.status-counts li[data-category="open"]')
    expect(open_count).to_have_text("Open: 2 of 100")
    page.check(f"input[name=_selected_action][value='{chosen.pk}']")
    page.select_option("select[name=action]", "make_default")
    page.click("button[name=index]")
    expect(page.locator(".messagelist .success")).to_have_text(
        "Escalated is now the default of its category."
    )
    row = page.locator("#result_list tbody tr", has_text="Escalated")
    expect(row.locator("td.field-is_category_default img")).to_have_attribute("alt", "True")
    current.refresh_from_db()
    chosen.refresh_from_db()
    assert (current.is_category_default, chosen.is_category_default) == (False, True)


def test_api_key_secret_is_shown_once(login, manager):
    page = login()
    page.goto(f"/admin/auth/user/{manager.pk}/change/")
    page.click("button.generate-api-key")
    secret = page.locator("code.api-secret")
    expect(secret).to_have_text(re.compile(r"^[A-Za-z0-9]{64}$"))
    value = secret.inner_text()
    # The secret was in the reply to that POST alone: the next page never shows it.
    page.click("a.button")  # "Done", back to the user
    expect(page.locator("code.api-secret")).to_have_count(0)
    assert value not in page.content()
    expect(page.locator("body")).to_contain_text(manager.api_key.key)


def test_reorder_reasons_shows_in_liveperson_api(login, manager):
    account = Account.objects.create(pk="acme", name="Acme")
    account.members.add(manager)
    first = StatusReason.objects.create(account=account, text="Lunch", state="Away", order=1)
    second = StatusReason.objects.create(account=account, text="Training", state="Away", order=2)
    page = login()
    page.goto("/admin/reasons/statusreason/?account__id__exact=acme")
    page.fill("tr:has(a:text-is('Lunch')) input[name$='-order']", "9")
    page.fill("tr:has(a:text-is('Training')) input[name$='-order']", "1")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("changed successfully")

    issued = account_bearer_issue(
        account_id="acme", username="manager", password="manager-pass-123"
    )
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {issued.bearer}")
    reasons = api.get("/api/account/acme/configuration/le-agents/status-reasons?v=1").json()
    assert [r["id"] for r in reasons] == [second.pk, first.pk]


def test_swagger_ui_renders_every_surface_offline(page):
    blocked = []
    page.route(
        re.compile(r"^https?://(?!(localhost|127\.0\.0\.1))"),
        lambda route: (blocked.append(route.request.url), route.abort()),
    )
    page.goto("/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Status configuration portal")
    # One section per surface, in product order (issue 14, item 15).
    for tag in ["Libredesk", "Rocket.Chat", "LivePerson", "SelfCommunity"]:
        expect(page.locator(".opblock-tag-section").filter(has_text=tag).first).to_be_visible()
    assert blocked == []


def test_soft_deleted_post_vanishes_from_selfcommunity_list(login, oauth_app):
    from tests.community.factories import StatusFactory
    from tests.conftest import issue_bearer
    from tests.factories import UserFactory

    member = UserFactory(username="member")
    keep = StatusFactory(author=member, plain_text="Keep me", summary="Keep me")
    spam = StatusFactory(author=member, plain_text="Buy now", summary="Buy now")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {issue_bearer(member, oauth_app)}")

    def listed():
        return [s["id"] for s in api.get("/api/v2/status/").json()["results"]]

    assert sorted(listed()) == sorted([keep.pk, spam.pk])
    page = login()
    page.goto("/admin/community/status/?q=Buy")
    page.check(f"input[name=_selected_action][value='{spam.pk}']")
    page.select_option("select[name=action]", "soft_delete")
    page.click("button[name=index]")
    page.get_by_label("Reason").fill("Spam")  # a soft delete asks why
    page.get_by_role("button", name="Yes, delete it").click()
    expect(page.locator(".messagelist")).to_contain_text("1 post deleted.")
    assert listed() == [keep.pk]


def test_reactivate_a_user_status_from_the_list(login):
    # Grouped by presence, with how many are active of the limit above the list.
    lunch = UserStatus.objects.create(
        name="Lunch", status_type="away", system_presence="Meal", active=False
    )
    UserStatus.objects.create(name="Dinner", status_type="away", system_presence="Meal")
    page = login()
    page.goto("/admin/statuses/userstatus/")
    meal_count = page.locator('.status-counts li[data-category="Meal"]')
    expect(meal_count).to_have_text("Meal: 1 of 30")
    page.check(f"input[name=_selected_action][value='{lunch.pk}']")
    page.select_option("select[name=action]", "reactivate")
    page.click("button[name=index]")
    expect(page.locator(".messagelist .success")).to_have_text("Lunch is active again.")
    expect(meal_count).to_have_text("Meal: 2 of 30")
    row = page.locator("#result_list tbody tr", has_text="Lunch")
    expect(row.locator("td.field-active img")).to_have_attribute("alt", "True")
    expect(row.locator("td.field-presence_shown")).to_have_text("Meal")
    lunch.refresh_from_db()
    assert lunch.active is True
