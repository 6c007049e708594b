"""Issue 14 in a real browser: bulk delete of statuses (item 7), the import preview (8),
history (10) and status post moderation (11)."""

import re

from playwright.sync_api import expect

from community.models import Status
from statuses.models import CATEGORY_OF_STATUS_CATEGORY, ConversationStatus
from tests.portal.admin_import import EXAMPLES

STATUSES = "/admin/statuses/conversationstatus/"
REASONS = "/admin/reasons/statusreason/"


# --- item 7 ---------------------------------------------------------------------------------


# The shipped statuses (statuses/migrations/0002 and 0014): name, status category, category
# default.
DEFAULTS = [
    ("Open", "open", True),
    ("Snoozed", "pending", True),
    ("Resolved", "solved", True),
    ("Closed", "solved", False),
    ("New", "new", True),
    ("On-hold", "hold", True),
]


def test_delete_all_statuses_keeps_the_defaults_and_says_so(login):
    # The live server's tests flush the database after each one, migrations' rows too: put
    # back the default statuses (statuses/migrations/0002) a test before may have removed.
    for name, status_category, category_default in DEFAULTS:
        ConversationStatus.objects.get_or_create(
            name=name,
            defaults={
                "status_category": status_category,
                "category": CATEGORY_OF_STATUS_CATEGORY[status_category],
                "is_default": True,
                "is_category_default": category_default,
            },
        )
    for name in ["Escalated", "Pending"]:
        ConversationStatus.objects.create(name=name, status_category="open", category="open")
    page = login()
    page.goto(STATUSES)
    page.check("#action-toggle")  # select all
    page.select_option("select[name=action]", "delete_selected")
    page.click("button[name=index]")
    body = page.locator("#content")
    expect(body).not_to_contain_text("permission")
    expect(page.locator(".messagelist .warning")).to_have_text(
        "Open, Snoozed, Resolved, Closed, New, On-hold are default statuses and cannot be "
        "deleted; they will be kept."
    )
    expect(body.locator("ul li", has_text="Escalated")).to_be_visible()
    page.click("input[type=submit]")  # Yes, I'm sure
    expect(page.locator(".messagelist .success")).to_have_text(
        "Successfully deleted 2 conversation statuses."
    )
    expect(page.locator(".messagelist .warning")).to_have_text(
        "The default statuses Open, Snoozed, Resolved, Closed, New, On-hold cannot be deleted; "
        "they were kept."
    )
    expect(page.locator("#result_list tbody tr")).to_have_count(6)
    assert set(ConversationStatus.objects.values_list("name", flat=True)) == {
        name for name, *_ in DEFAULTS
    }


# --- item 8 ---------------------------------------------------------------------------------


def upload(page, admin_path, name, content, fmt="0"):
    page.goto(f"{admin_path}import/")
    page.set_input_files(
        "#id_import_file", files=[{"name": name, "mimeType": "text/plain", "buffer": content}]
    )
    page.select_option("#id_format", fmt)
    page.click("form[enctype='multipart/form-data'] input[type=submit]")


def test_import_preview_shows_old_and_new_apart_and_yes_no(login, manager):
    from reasons.models import Account, StatusReason

    account = Account.objects.create(pk="acme", name="Acme")
    account.members.add(manager)
    StatusReason.objects.create(account=account, text="Lunch", state="Away", order=1)
    page = login()
    content = b"account,text,state,enabled,order\nacme,Lunch,Away,no,2\nacme,Training,Away,yes,3\n"
    upload(page, REASONS, "reasons.csv", content)
    expect(page.locator("h2", has_text="Preview")).to_be_visible()
    update = page.locator("table.import-preview tr.update")
    old, new = update.locator("del.import-old").first, update.locator("ins.import-new").first
    expect(old).to_have_text("was: yes")  # the label is for screen readers only
    expect(new).to_have_text(", now: no")
    expect(old).to_be_visible()
    expect(update.locator(".import-arrow").first).to_be_visible()
    # Told apart by more than colour: struck through, underlined, and on a background.
    style = old.evaluate(
        "e => [getComputedStyle(e).textDecorationLine, getComputedStyle(e).backgroundColor]"
    )
    assert style[0] == "line-through" and style[1] not in ("rgba(0, 0, 0, 0)", "transparent")
    assert new.evaluate("e => getComputedStyle(e).textDecorationLine") == "underline"
    label = update.locator("del.import-old .visually-hidden").first
    assert label.evaluate("e => e.getBoundingClientRect().width") <= 1
    # What a sighted manager reads in the rows: lines, old → new, and yes/no for booleans.
    seen = page.locator("table.import-preview tbody tr").evaluate_all(
        """rows => rows.map(row => [...row.cells].map(cell => {
            const copy = cell.cloneNode(true);
            copy.querySelectorAll(".visually-hidden").forEach(label => label.remove());
            return copy.textContent.replace(/\\s+/g, " ").trim();
        }))"""
    )
    assert seen[0][:2] == ["2", "Update"] and seen[1][:2] == ["3", "New"]
    assert seen[0][6:] == ["yes → no", "1 → 2", "no"]  # enabled, order, deleted
    assert seen[1][6:] == ["yes", "3", "no"]


def test_import_preview_shows_a_bad_rows_reason_under_it(login):
    page = login()
    content = b"name,category\nFine one,open\nBroken,closed\n"
    upload(page, STATUSES, "statuses.csv", content)
    row = page.locator("table.import-invalid tbody.invalid-row")
    expect(row.locator("th[scope=row]")).to_have_text("3")
    message = row.locator("tr.import-row-errors li")
    expect(message).to_be_visible()  # text, not a badge to hover
    expect(message).to_have_text("Line 3: category must be one of open, waiting, resolved")
    expect(page.locator("input[name=confirm]")).to_have_count(0)
    assert not ConversationStatus.objects.filter(name="Fine one").exists()


def test_import_example_json_lines_point_into_the_file(login):
    page = login()
    path = EXAMPLES / "conversation-statuses.json"
    upload(page, STATUSES, path.name, path.read_bytes(), fmt="1")
    lines = path.read_text().splitlines()
    rows = page.locator("table.import-preview tbody tr")
    expect(rows).to_have_count(4)
    for i in range(4):
        cells = rows.nth(i).locator("th, td").all_inner_texts()
        assert f'"{cells[3]}"' in lines[int(cells[0]) - 1]
    page.click("input[name=confirm]")
    expect(page.locator(".messagelist")).to_contain_text("Import finished")


# --- item 10 --------------------------------------------------------------------------------


def test_history_names_the_command_and_hides_empty_reasons(login, capsys):
    import manage

    manage.main(["manage.py", "load_demo_data"])
    capsys.readouterr()
    status = ConversationStatus.objects.get(name="Pending")
    page = login()
    page.goto(f"{STATUSES}{status.pk}/change/")
    page.click("a.historylink")
    table = page.locator("#change-history")
    expect(table.locator("td.history-actor")).to_have_text("system (load_demo_data)")
    expect(table.locator("thead")).not_to_contain_text("Change reason")
    expect(table).not_to_contain_text("None")
    # A change in the admin is the manager's.
    page.goto(f"{STATUSES}{status.pk}/change/")
    page.fill("#id_name", "On hold")
    page.click("input[name=_save]")
    page.goto(f"{STATUSES}{status.pk}/history/")
    expect(table.locator("td.history-actor")).to_have_text(["manager", "system (load_demo_data)"])
    expect(table).not_to_contain_text("None")


# --- item 11 --------------------------------------------------------------------------------


def test_status_post_page_has_no_save_and_moderates_with_buttons(login):
    from tests.community.factories import StatusFactory

    post = StatusFactory(plain_text="Buy now", summary="Buy now")
    page = login()
    page.goto(f"/admin/community/status/{post.pk}/change/")
    expect(page.locator("h1")).to_have_text("View status post")
    expect(page.locator("input[type=submit]")).to_have_count(0)
    page.get_by_role("button", name="Collapse this post").click()
    expect(page).to_have_url(re.compile(rf"/admin/community/status/{post.pk}/change/$"))
    expect(page.locator(".messagelist")).to_contain_text("1 post collapsed.")
    expect(page.get_by_role("button", name="Expand this post")).to_be_visible()
    page.get_by_role("button", name="Delete this post (soft)").click()
    page.get_by_label("Reason").fill("Spam")  # a soft delete asks why
    page.get_by_role("button", name="Yes, delete it").click()
    expect(page.locator(".messagelist")).to_contain_text("1 post deleted.")
    expect(page.get_by_role("button", name="Restore this post")).to_be_visible()
    post.refresh_from_db()
    assert (post.collapsed, post.deleted) == (True, True)
    assert Status.objects.filter(pk=post.pk).exists()
