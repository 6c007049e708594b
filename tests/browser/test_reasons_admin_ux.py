"""Issue 14, items 5 and 6 in a real browser: the reasons list hides deleted reasons and
marks them when asked, Restore brings one back, Delete selected says it is a soft delete
and counts in proper plurals, and the position inputs are labelled and give the positions
typed, as the LivePerson API then shows."""

import re

import pytest
from playwright.sync_api import expect
from rest_framework.test import APIClient

from reasons import services
from reasons.models import Account, StatusReason
from tests.browser.axe_audit import audit, axe_installed

LIST = "/admin/reasons/statusreason/"
API = "/api/account/acme/configuration/le-agents/status-reasons?v=1"


@pytest.fixture
def acme(manager):
    account = Account.objects.create(pk="acme", name="Acme")
    account.members.add(manager)
    items = [
        services.ReasonFields(text=text, state="Away")
        for text in ("Lunch", "Training", "Coaching", "Break")
    ]
    services.reason_create_many(account=account, items=items)
    return account


def api_list():
    """(text, order) of acme's reasons as a LivePerson client sees them."""
    issued = services.account_bearer_issue(
        account_id="acme", username="manager", password="manager-pass-123"
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {issued.bearer}")
    return [(r["text"], r["order"]) for r in client.get(API).json()]


def row(page, text):
    return page.locator("#result_list tbody tr").filter(
        has=page.get_by_role("link", name=text, exact=True)
    )


def delete(*texts):
    reasons = [StatusReason.objects.get(text=text) for text in texts]
    services.reasons_set_flags(reasons=reasons, deleted=True)


def test_the_list_hides_deleted_reasons_and_marks_them_under_all(login, acme):
    delete("Training")
    page = login()
    page.goto(LIST)
    expect(page.locator("#result_list tbody tr")).to_have_count(3)
    expect(row(page, "Training")).to_have_count(0)
    deleted_filter = page.locator("#changelist-filter details").filter(has_text="By deleted")
    expect(deleted_filter.locator("li.selected")).to_have_text("No")

    deleted_filter.get_by_role("link", name="All", exact=True).click()
    expect(page.locator("#result_list tbody tr")).to_have_count(4)
    badge = row(page, "Training").locator(".reason-deleted")
    expect(badge).to_have_text("Deleted")
    expect(badge).to_be_visible()
    # Marked in words, and greyed: not a green tick.
    expect(row(page, "Training").locator(".column-deleted_mark img")).to_have_count(0)
    expect(row(page, "Lunch").locator(".reason-deleted")).to_have_count(0)
    quiet = (
        row(page, "Training")
        .locator("td.field-state")
        .evaluate("cell => getComputedStyle(cell).color")
    )
    normal = (
        row(page, "Lunch")
        .locator("td.field-state")
        .evaluate("cell => getComputedStyle(cell).color")
    )
    assert quiet != normal
    # A deleted reason has no position to type.
    expect(row(page, "Training").locator("input[name$='-order']")).to_be_hidden()


def test_restore_brings_a_deleted_reason_back_at_its_place(login, acme):
    delete("Training")
    assert api_list() == [("Lunch", 1), ("Coaching", 2), ("Break", 3)]
    page = login()
    page.goto(f"{LIST}?deleted=1")
    page.get_by_role("link", name="Training", exact=True).click()
    expect(page.locator(".submit-row a.deletelink")).to_have_count(0)
    expect(page.locator(".submit-row input[name=_save]")).to_have_count(0)
    page.get_by_role("button", name="Restore").click()
    expect(page.locator(".messagelist")).to_have_text(
        "The status reason “Training” was restored, at position 2."
    )
    expect(page.get_by_role("button", name="Restore")).to_have_count(0)
    expect(page.locator(".submit-row input[name=_save]")).to_be_visible()
    assert api_list() == [("Lunch", 1), ("Training", 2), ("Coaching", 3), ("Break", 4)]


def test_delete_selected_says_soft_delete_and_counts_in_plurals(login, acme):
    page = login()
    page.goto(LIST)
    for text in ("Lunch", "Coaching"):
        row(page, text).locator("input[name=_selected_action]").check()
    page.select_option("select[name=action]", "delete_selected")
    page.click("button[name=index]")
    expect(page.locator("h1")).to_have_text("Delete the selected status reasons?")
    expect(page.locator("#content")).to_contain_text(
        "These 2 status reasons will be soft-deleted: LivePerson API clients no longer see "
        "them, this list hides them, and their texts can be used again. Nothing is erased"
    )
    expect(page.locator("#content")).to_contain_text("Restore brings them back")
    expect(page.locator("#content")).not_to_contain_text("Historical")
    page.get_by_role("button", name="Yes, delete them").click()
    expect(page.locator(".messagelist")).to_have_text("2 reasons deleted.")
    assert api_list() == [("Training", 1), ("Break", 2)]

    row(page, "Break").locator("input[name=_selected_action]").check()
    page.select_option("select[name=action]", "delete_selected")
    page.click("button[name=index]")
    expect(page.locator("#content")).to_contain_text("This status reason will be soft-deleted")
    page.get_by_role("button", name="Yes, delete it").click()
    expect(page.locator(".messagelist")).to_have_text("1 reason deleted.")
    assert api_list() == [("Training", 1)]
    assert StatusReason.objects.count() == 4  # nothing erased


def test_position_inputs_are_labelled_and_give_the_positions_typed(login, acme):
    page = login()
    page.goto(f"{LIST}?account__id__exact=acme")
    for text in ("Lunch", "Training", "Coaching", "Break"):
        expect(page.get_by_role("spinbutton", name=f"Position of {text}")).to_be_visible()
    expect(page.locator("#result_list thead")).to_contain_text("Position")
    # Two rows typed together: each gets the position typed, the others fill in.
    page.get_by_label("Position of Lunch").fill("2")
    page.get_by_label("Position of Coaching").fill("1")
    page.click("input[name=_save]")
    # Coaching, Lunch and Training (renumbered to make room) moved (issue 25 item 6).
    expect(page.locator(".messagelist")).to_contain_text("3 status reasons were changed")
    assert api_list() == [("Coaching", 1), ("Lunch", 2), ("Training", 3), ("Break", 4)]
    values = [
        page.get_by_label(f"Position of {text}").input_value()
        for text in ("Coaching", "Lunch", "Training", "Break")
    ]
    assert values == ["1", "2", "3", "4"]


def test_api_creates_are_numbered_from_one(login, acme):
    # The issue's report: reasons created through the API got -1, -2, -3 and shared 0.
    issued = services.account_bearer_issue(
        account_id="acme", username="manager", password="manager-pass-123"
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {issued.bearer}")
    body = [{"text": "Meeting", "state": "Occupied"}, {"text": "Coffee", "state": "Away"}]
    assert [r["order"] for r in client.post(API, body, format="json").json()] == [1, 2]
    page = login()
    page.goto(LIST)
    positions = {
        text: page.get_by_label(f"Position of {text}").input_value()
        for text in ("Meeting", "Coffee", "Lunch", "Break")
    }
    assert positions == {"Meeting": "1", "Coffee": "2", "Lunch": "3", "Break": "6"}
    assert re.fullmatch(r"\d+", positions["Break"])


# --- axe-core on the pages these items template ------------------------------------------


def test_the_soft_delete_pages_have_no_accessibility_violations(audit_page, acme):
    axe = axe_installed()

    def check(name):
        violations = audit(audit_page, name, axe)
        assert violations == [], f"axe on {name}:\n" + "\n".join(map(str, violations))

    delete("Training")
    audit_page.goto("/admin/login/")
    audit_page.fill("#id_username", "manager")
    audit_page.fill("#id_password", "manager-pass-123")
    audit_page.click("input[type=submit]")
    audit_page.wait_for_url("**/admin/")
    audit_page.goto(f"{LIST}?deleted=all")
    expect(audit_page.locator(".reason-deleted")).to_be_visible()
    check("reasons list, deleted ones marked")
    audit_page.get_by_role("link", name="Training", exact=True).click()
    expect(audit_page.get_by_role("button", name="Restore")).to_be_visible()
    check("deleted reason with Restore")
    audit_page.goto(LIST)
    row(audit_page, "Lunch").locator("input[name=_selected_action]").check()
    audit_page.select_option("select[name=action]", "delete_selected")
    audit_page.click("button[name=index]")
    expect(audit_page.locator("h1")).to_have_text("Delete the selected status reasons?")
    check("soft delete confirmation")
    audit_page.goto(f"{LIST}{StatusReason.objects.get(text='Break').pk}/delete/")
    expect(audit_page.locator("#content")).to_contain_text("soft-deleted")
    check("one reason's soft delete confirmation")
