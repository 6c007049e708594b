"""Issue 25 item 13, with Chromium's keyboard (core/static/core/admin-keyboard.js):
- Enter in a reason's Position box saves the list, as its Save button does, where it used
  to pop Django's "You have unsaved changes" confirm and save nothing;
- Enter in an account's members picker moves the chosen people across, as a double click
  does, where it used to submit the whole form."""

import pytest
from playwright.sync_api import expect

from reasons import services
from reasons.models import Account, StatusReason


@pytest.fixture
def acme(manager, django_user_model):
    account = Account.objects.create(pk="acme", name="Acme")
    account.members.add(manager)
    django_user_model.objects.create_user("colleague", "c@example.com", "pw-123456789")
    items = [services.ReasonFields(text=t, state="Away") for t in ("Lunch", "Training")]
    services.reason_create_many(account=account, items=items)
    return account


def test_enter_in_a_position_box_saves_the_list(login, page, acme):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    login()
    page.goto("/admin/reasons/statusreason/?account__id__exact=acme")
    position = page.get_by_label("Position of Training")
    position.fill("1")
    position.press("Enter")

    expect(page.locator(".messagelist")).to_contain_text("changed successfully")
    assert dialogs == []
    order = list(
        StatusReason.objects.filter(account=acme, deleted=False)
        .order_by("order")
        .values_list("text", flat=True)
    )
    assert order == ["Training", "Lunch"]
    # Still the filtered list, in its new order.
    assert "account__id__exact=acme" in page.url
    expect(page.locator("#result_list tbody tr").first).to_contain_text("Training")


def test_enter_in_the_members_picker_moves_people_and_submits_nothing(login, page, acme):
    login()
    page.goto("/admin/reasons/account/acme/change/")
    available = page.locator("#id_members_from")
    available.select_option(label="colleague")
    available.press("Enter")

    # Moved across, still on the form, nothing saved yet.
    expect(page.locator("#id_members_to option", has_text="colleague")).to_have_count(1)
    assert page.url.endswith("/admin/reasons/account/acme/change/")
    expect(page.locator(".messagelist")).to_have_count(0)
    assert not acme.members.filter(username="colleague").exists()

    # Enter in the chosen list moves it back.
    chosen = page.locator("#id_members_to")
    chosen.select_option(label="colleague")
    chosen.press("Enter")
    expect(page.locator("#id_members_from option", has_text="colleague")).to_have_count(1)

    # Saving is still the Save button's job.
    available.select_option(label="colleague")
    available.press("Enter")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("changed successfully")
    assert acme.members.filter(username="colleague").exists()
