"""Issue 25 item 3 in Chromium: "who changed this status yesterday?". A colleague renames a
conversation status through the Libredesk API; the manager finds the change from the
dashboard's link to the change log, narrows it by person, product, type and date, reads
old → new, follows the revert link and reverts; the log then records the revert as
"Reverted to <date> version". The change log, the roles list and the moderation queue pass
axe-core (item 19)."""

import base64
import datetime

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect
from rest_framework.test import APIClient

from access.services import api_key_issue
from statuses.models import ConversationStatus
from tests.browser.axe_audit import audit, axe_installed
from tests.factories import UserFactory


@pytest.fixture
def renamed_yesterday(manager):
    """ "Pending" renamed to "Pending internal review" by a colleague, through Libredesk's
    API with their API key, yesterday."""
    status = ConversationStatus.objects.create(
        name="Pending", status_category="pending", category="waiting"
    )
    colleague = UserFactory(
        username="colleague", perms=["statuses.change_conversationstatus"], is_staff=True
    )
    issued = api_key_issue(user=colleague, actor=manager)
    api = APIClient()
    secret = base64.b64encode(f"{issued.api_key}:{issued.api_secret}".encode()).decode()
    api.credentials(HTTP_AUTHORIZATION=f"Basic {secret}")
    reply = api.put(
        f"/api/v1/statuses/{status.pk}",
        {"name": "Pending internal review", "category": "waiting"},
        format="json",
    )
    assert reply.status_code == 200, reply.content
    yesterday = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1)
    # Both versions happened yesterday, the creation a minute before the rename.
    status.history.filter(history_type="+").update(
        history_date=yesterday - datetime.timedelta(minutes=1)
    )
    status.history.filter(history_type="~").update(history_date=yesterday)
    return status, colleague, yesterday.date()


def test_a_manager_finds_yesterdays_api_change_and_reverts_it(login, renamed_yesterday):
    status, _colleague, yesterday = renamed_yesterday
    page = login()
    page.get_by_role("link", name="Change log").click()
    expect(page.locator("h1")).to_have_text("Change log")

    page.get_by_label("Person").select_option(label="colleague")
    page.get_by_label("Product").select_option(label="Libredesk")
    page.get_by_label("Object type").select_option(label="Conversation statuses")
    page.get_by_label("From", exact=True).fill(yesterday.isoformat())
    page.get_by_label("To", exact=True).fill(yesterday.isoformat())
    page.get_by_role("button", name="Filter").click()

    rows = page.locator("#changelog tbody tr")
    expect(rows).to_have_count(1)
    row = rows.first
    expect(row.locator("td.who")).to_contain_text("colleague")
    expect(row.locator("td.who")).to_contain_text("API key")
    expect(row.locator("td.source")).to_have_text("Libredesk")
    expect(row.locator("td.delta")).to_contain_text("name: Pending → Pending internal review")
    expect(row.locator("td.when")).to_contain_text("UTC")

    # The creation (the version before the rename) is on the log unfiltered by person.
    page.get_by_label("Person").select_option(label="Everybody")
    page.get_by_label("Product").select_option(label="All")
    page.get_by_role("button", name="Filter").click()
    created = page.locator("#changelog tbody tr").filter(has_text="Created")
    expect(created).to_have_count(1)
    created.get_by_role("link", name="This version").click()
    expect(page.locator("input[name=name]")).to_have_value("Pending")
    page.get_by_role("button", name="Revert").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    status.refresh_from_db()
    assert status.name == "Pending"
    page.goto("/admin/changelog/")
    newest = page.locator("#changelog tbody tr").first
    expect(newest.locator("td.who")).to_contain_text("manager")
    expect(newest.locator("td.source")).to_have_text("Admin")
    expect(newest.locator("td.delta")).to_contain_text("name: Pending internal review → Pending")
    expect(newest.locator("td.delta")).to_contain_text("Reverted to")
    expect(newest.locator("td.delta")).to_contain_text("version")

    # The object's own history page, linked from its name.
    newest.get_by_role("link", name="Pending", exact=True).click()
    expect(page.locator("#change-history tbody tr")).to_have_count(3)


@pytest.fixture(scope="module")
def axe_path():
    return axe_installed()


def sign_in(page):
    page.goto("/admin/login/")
    page.fill("#id_username", "manager")
    page.fill("#id_password", "manager-pass-123")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


def test_axe_on_the_change_log_the_roles_and_the_moderation_queue(
    audit_page, axe_path, renamed_yesterday
):
    from community.models import FlagType, StatusFlag
    from tests.community.factories import StatusFactory

    post = StatusFactory(html="<p>Buy <b>now</b></p>", plain_text="Buy now", summary="Buy now")
    for flagger in ("reader", "other reader"):
        StatusFlag.objects.create(
            status=post, user=UserFactory(username=flagger), flag_type=FlagType.SPAM
        )
    post.flag_count = 2
    post.save(update_fields=["flag_count"])

    role = Group.objects.get(name="Status managers")
    sign_in(audit_page)
    pages = {
        "change log": "/admin/changelog/",
        "change log, filtered to nothing": "/admin/changelog/?since=2000-01-01&until=2000-01-02",
        "roles": "/admin/auth/group/",
        "a role": f"/admin/auth/group/{role.pk}/change/",
        "moderation queue": "/admin/community/status/?flagged=queue",
        "a post's page": f"/admin/community/status/{post.pk}/change/",
    }
    for name, url in pages.items():
        audit_page.goto(url)
        expect(audit_page.locator("h1")).to_be_visible()
        violations = audit(audit_page, name, axe_path)
        assert violations == [], f"axe on {name}:\n" + "\n".join(map(str, violations))
