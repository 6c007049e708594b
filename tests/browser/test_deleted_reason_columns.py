"""Issue 25 item 9 in Chromium: a manager deletes "Training", makes it again and deletes it
again; with Deleted: Yes the list shows the two rows apart, each with when it was deleted
and by whom."""

import re

from playwright.sync_api import expect

from reasons import services
from reasons.models import Account, StatusReason

LIST = "/admin/reasons/statusreason/"


def _make_training(account):
    services.reason_create(
        account=account, fields=services.ReasonFields(text="Training", state="Away", order=None)
    )


def _delete_training(page):
    page.goto(LIST)
    row = page.locator("#result_list tbody tr").filter(
        has=page.get_by_role("link", name="Training", exact=True)
    )
    row.locator("input[name=_selected_action]").check()
    page.select_option("select[name=action]", "delete_selected")
    page.click("button[name=index]")
    page.get_by_role("button", name="Yes, delete it").click()
    expect(page.locator(".messagelist")).to_have_text("1 reason deleted.")


def test_two_deleted_trainings_show_when_and_by_whom(login, manager):
    account = Account.objects.create(pk="acme", name="Acme")
    account.members.add(manager)
    page = login()
    _make_training(account)
    _delete_training(page)
    _make_training(account)
    _delete_training(page)

    page.goto(LIST)
    page.locator("#changelist-filter a[href='?deleted=1']").click()
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator("#result_list thead")).to_contain_text("Deleted at")
    expect(page.locator("#result_list thead")).to_contain_text("Deleted by")
    expect(rows.locator("td.field-deleted_by")).to_have_text(["manager", "manager"])
    # Sorted by when they were deleted: the two rows differ, newest first when reversed.
    page.locator("#result_list thead th.column-deleted_at a").first.click()
    # The click reloads the list sorted (`o=` in the address): read the rows once it has.
    expect(page).to_have_url(re.compile(r"[?&]o="))
    expect(rows.locator("td.field-deleted_at")).to_have_count(2)
    times = rows.locator("td.field-deleted_at").all_inner_texts()
    assert len(times) == 2 and all(t.strip() not in ("", "-") for t in times)
    ids = StatusReason.objects.filter(deleted=True).order_by("pk").values_list("pk", flat=True)
    assert len(ids) == 2
