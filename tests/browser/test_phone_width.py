"""Issue 25 item 4 in Chromium at a phone's width (375 px): a history page and the reasons
list are readable. Their rows stack into labelled cards (core/admin-narrow.css), so that no
cell is narrower than its longest word, three history entries fit in a short page, and the
Position inputs are on screen without scrolling the page sideways."""

import pytest

from reasons import services
from reasons.models import Account, StatusReason

PHONE = {"width": 375, "height": 640}

# The cells of `selector` that are narrower than their longest word (measured in the cell's
# own font) or whose content spills out of them, each as "<text>: <room> < <word width>".
NARROW_CELLS = """selector => {
    const measure = document.createElement('canvas').getContext('2d');
    const narrow = [];
    for (const cell of document.querySelectorAll(selector)) {
        const style = getComputedStyle(cell);
        if (style.display === 'none') continue;
        measure.font = style.font;
        const words = cell.innerText.split(/\\s+/).filter(Boolean);
        const longest = Math.max(0, ...words.map(word => measure.measureText(word).width));
        const room = cell.clientWidth - parseFloat(style.paddingLeft)
            - parseFloat(style.paddingRight);
        if (room + 1 < longest || cell.scrollWidth > cell.clientWidth + 1) {
            narrow.push(`${cell.innerText.trim()}: ${room} < ${longest}`);
        }
    }
    return narrow;
}"""
PAGE_SCROLLS_SIDEWAYS = (
    "document.documentElement.scrollWidth > document.documentElement.clientWidth"
)


@pytest.fixture
def acme(manager):
    account = Account.objects.create(pk="acme", name="Acme")
    account.members.add(manager)
    items = [services.ReasonFields(text=text, state="Away") for text in ("Lunch", "Training")]
    services.reason_create_many(account=account, items=items)
    return account


def test_a_history_page_of_three_entries_is_readable_at_375_px(login, page, acme):
    reason = StatusReason.objects.get(text="Lunch")
    for fields in (
        services.ReasonFields(text="Lunch break", state="Away"),
        services.ReasonFields(text="Lunch break, long", state="Occupied", enabled=False),
    ):
        services.reason_update(account=acme, reason_id=reason.pk, fields=fields)
    login()
    page.set_viewport_size(PHONE)
    page.goto(f"/admin/reasons/statusreason/{reason.pk}/history/")

    cards = page.locator("#change-history tbody tr")
    assert cards.count() == 3
    # Each value says what it is, as the hidden column headings did.
    assert cards.first.locator("td.history-changes").get_attribute("data-label") == "Changes"
    assert page.evaluate(NARROW_CELLS, "#change-history td") == []
    assert not page.evaluate(PAGE_SCROLLS_SIDEWAYS)
    # It was 2,200 px, one letter of the changes a line; three cards now take about 450.
    assert page.locator("#change-history").bounding_box()["height"] < 700
    assert page.evaluate("document.documentElement.scrollHeight") < 1100


def test_the_reasons_list_is_readable_at_375_px_with_its_positions_on_screen(login, page, acme):
    login()
    page.set_viewport_size(PHONE)
    page.goto("/admin/reasons/statusreason/?account__id__exact=acme")

    position = page.get_by_label("Position of Training")
    position.scroll_into_view_if_needed()
    box = position.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert not page.evaluate(PAGE_SCROLLS_SIDEWAYS)
    assert page.evaluate(NARROW_CELLS, "#result_list tbody td, #result_list tbody th") == []
    # The columns' names label the values of each card.
    assert (
        page.locator("#result_list tbody tr")
        .first.locator("td.field-order")
        .get_attribute("data-label")
        == "Position"
    )
    # The headings stay the list's sort links, on screen too.
    for heading in page.locator("#result_list thead th").all():
        heading_box = heading.bounding_box()
        assert heading_box["x"] >= 0 and heading_box["x"] + heading_box["width"] <= PHONE["width"]


def test_the_change_log_is_readable_at_375_px(login, page, acme):
    reason = StatusReason.objects.get(text="Lunch")
    services.reason_update(
        account=acme,
        reason_id=reason.pk,
        fields=services.ReasonFields(text="Lunch break, long", state="Occupied", enabled=False),
    )
    login()
    page.set_viewport_size(PHONE)
    page.goto("/admin/changelog/")

    cards = page.locator("#changelog tbody tr")
    assert cards.count() == 3
    assert cards.first.locator("td.delta").get_attribute("data-label") == "Changes"
    assert page.evaluate(NARROW_CELLS, "#changelog td") == []
    assert not page.evaluate(PAGE_SCROLLS_SIDEWAYS)
    # The filters wrap onto the screen too.
    for box in page.locator(".changelog-filters select, .changelog-filters input").all():
        found = box.bounding_box()
        assert found["x"] >= 0 and found["x"] + found["width"] <= PHONE["width"]
