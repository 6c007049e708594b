"""Issue 25 item 2 in Chromium: export the conversation statuses, rename one in the CSV,
import it through the admin's import page: the preview shows the rename old → new as an
update, and after the confirmation the status is renamed, with no duplicate."""

import csv
import io
from pathlib import Path

from playwright.sync_api import expect

from statuses.models import ConversationStatus

STATUSES = "/admin/statuses/conversationstatus/"


def test_export_rename_import_renames_the_row_and_makes_no_duplicate(login):
    pending = ConversationStatus.objects.create(
        name="Pending", status_category="pending", category="waiting"
    )
    ConversationStatus.objects.create(name="Escalated", status_category="open", category="open")
    page = login()

    # Export, as the manager does: the list's Export button, CSV, Submit.
    page.goto(STATUSES)
    page.get_by_role("link", name="Export").click()
    page.select_option("#id_format", label="csv")
    with page.expect_download() as download:
        page.locator("form input[type=submit], form button[type=submit]").last.click()
    exported = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert {"id": str(pending.pk), "name": "Pending", "status_category": "pending"} in [
        {key: row[key] for key in ("id", "name", "status_category")} for row in rows
    ]

    # Edit the file: the issue's `6,Pending,pending` → `6,Pending internal review,pending`.
    edited = exported.replace(
        f"{pending.pk},Pending,pending", f"{pending.pk},Pending internal review,pending"
    )
    assert edited != exported

    # Import it through the list's Import button.
    page.goto(STATUSES)
    page.get_by_role("link", name="Import").click()
    page.set_input_files(
        "#id_import_file",
        files=[{"name": "statuses.csv", "mimeType": "text/csv", "buffer": edited.encode()}],
    )
    page.select_option("#id_format", label="csv")
    page.click("form[enctype='multipart/form-data'] input[type=submit]")
    expect(page.locator("h2", has_text="Preview")).to_be_visible()
    renamed = page.locator("table.import-preview tr.update")
    expect(renamed).to_have_count(1)
    expect(page.locator("table.import-preview tr.new")).to_have_count(0)
    # What a sighted manager reads in the row (the screen-reader labels left out).
    cells = renamed.evaluate(
        """row => [...row.cells].map(cell => {
            const copy = cell.cloneNode(true);
            copy.querySelectorAll(".visually-hidden").forEach(label => label.remove());
            return copy.textContent.replace(/\\s+/g, " ").trim();
        })"""
    )
    assert "Update" in cells and "Pending → Pending internal review" in cells
    expect(renamed.locator("del.import-old")).to_have_text("was: Pending")
    expect(renamed.locator("ins.import-new")).to_have_text(", now: Pending internal review")

    page.get_by_role("button", name="Confirm import").or_(
        page.locator("input[type=submit][value='Confirm import']")
    ).click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    names = list(ConversationStatus.objects.order_by("pk").values_list("pk", "name"))
    assert (pending.pk, "Pending internal review") in names
    assert not ConversationStatus.objects.filter(name="Pending").exists()
    assert len(names) == len(rows)  # nothing added
    # The list the manager goes back to shows the new name once, the old one not at all.
    page.goto(STATUSES)
    expect(page.locator("#result_list tbody tr", has_text="Pending internal review")).to_have_count(
        1
    )
    expect(page.locator("#result_list tbody th a", has_text="Pending")).to_have_count(1)
