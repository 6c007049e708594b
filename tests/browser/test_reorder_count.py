"""Issue 25 item 6 in Chromium: moving Break to the top of four reasons moves all four, and
the list says "4 status reasons were changed", not 1."""

import pytest
from playwright.sync_api import expect

from reasons import services
from reasons.models import Account, StatusReason

TEXTS = ("Lunch", "Training", "Coaching", "Break")


@pytest.fixture
def acme(manager):
    account = Account.objects.create(pk="acme", name="Acme")
    account.members.add(manager)
    items = [services.ReasonFields(text=text, state="Away") for text in TEXTS]
    services.reason_create_many(account=account, items=items)
    return account


def test_moving_one_reason_to_the_top_counts_the_four_that_moved(login, acme):
    page = login()
    page.goto("/admin/reasons/statusreason/?account__id__exact=acme")
    page.get_by_label("Position of Break").fill("1")
    page.get_by_label("Position of Break").press("Tab")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text(
        "4 status reasons were changed successfully"
    )
    assert list(StatusReason.objects.order_by("position").values_list("text", flat=True)) == [
        "Break",
        "Lunch",
        "Training",
        "Coaching",
    ]
    for position, text in enumerate(["Break", "Lunch", "Training", "Coaching"], start=1):
        expect(page.get_by_label(f"Position of {text}")).to_have_value(str(position))
