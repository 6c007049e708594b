"""Issue 25 item 7 in Chromium: a manager picks Asia/Tokyo on My time zone (linked from the
user tools) and sees a history time in Tokyo's zone; a colleague without a choice still sees
UTC, and their My time zone page passes axe."""

from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from statuses.models import ConversationStatus
from tests.browser.axe_audit import audit, axe_installed
from tests.factories import UserFactory


def shown(moment, zone):
    """A time as the admin shows it (config/formats/en/formats.py): 7 Dec 2026, 14:05 CET."""
    local = moment.astimezone(ZoneInfo(zone))
    return f"{local.day} {local:%b %Y, %H:%M} {local:%Z}"


@pytest.fixture
def colleague(transactional_db):
    return UserFactory(
        username="colleague", is_staff=True, perms=["statuses.view_conversationstatus"]
    )


def test_a_manager_picks_tokyo_and_a_colleague_still_sees_utc(login, audit_page, colleague):
    status = ConversationStatus.objects.create(
        name="Pending", status_category="pending", category="waiting"
    )
    when = status.history.get().history_date
    history = f"/admin/statuses/conversationstatus/{status.pk}/history/"

    page = login()
    page.get_by_role("link", name="Time zone: UTC").click()
    expect(page.locator("h1")).to_have_text("My time zone")
    page.get_by_label("Time zone").select_option("Asia/Tokyo")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messagelist .success")).to_have_text("Times are now shown in Asia/Tokyo.")
    expect(page.get_by_role("link", name="Time zone: Asia/Tokyo")).to_be_visible()
    expect(page.get_by_label("Time zone")).to_have_value("Asia/Tokyo")
    page.goto(history)
    expect(page.locator("#change-history tbody tr").first).to_contain_text(
        shown(when, "Asia/Tokyo")
    )
    assert shown(when, "Asia/Tokyo").endswith(" JST")

    audit_page.goto("/admin/login/")
    audit_page.fill("#id_username", "colleague")
    audit_page.fill("#id_password", "pw-secret-123")
    audit_page.click("input[type=submit]")
    audit_page.get_by_role("link", name="Time zone: UTC").click()
    expect(audit_page.get_by_label("Time zone")).to_have_value("")
    violations = audit(audit_page, "my time zone", axe_installed())
    assert violations == [], "\n".join(map(str, violations))
    audit_page.goto(history)
    expect(audit_page.locator("#change-history tbody tr").first).to_contain_text(shown(when, "UTC"))
